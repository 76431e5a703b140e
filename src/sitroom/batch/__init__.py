"""Batch engine: inputs → partitions → Parquet shards written by workers (local processes or a Dask
cluster, the model loaded once per worker) → one writer loads them into DuckDB and links stories."""

from sitroom.batch.manifest import Manifest, Part, Partition, plan
from sitroom.batch.run import ENGINES, BatchReport, run_batch
from sitroom.batch.work import process_partition

__all__ = [
    "ENGINES",
    "BatchReport",
    "Manifest",
    "Part",
    "Partition",
    "plan",
    "process_partition",
    "run_batch",
]
