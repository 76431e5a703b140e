"""Matrix products for the model: numpy's BLAS, one thread.

spaCy's CPU models multiply matrices through thinc's `NumpyOps`, which calls blis by default. On this
project's machines (x86-64 with AVX2) blis was 3-4x slower than the OpenBLAS that ships inside numpy's
wheels for the shapes the sm pipeline uses, so the whole parse ran ~30% slower (BENCHMARKS.md). thinc
itself offers `NumpyOps(use_blis=False)`, which hands products to numpy; the annotations are the same
(tests/unit/nlp/test_blas.py). BLAS gets one thread: parallelism comes from batch workers, and idle
OpenBLAS threads spin on the cores other workers need.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


def use_numpy(nlp) -> None:
    """Move every layer of the pipeline's models to numpy-BLAS ops (layers keep the ops they were
    built with, and some, like the parser's output layer, are built by the component itself)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """BLAS on one thread for the duration (the caller's own setting comes back afterwards). The
    loaded libraries are looked up each time (~1.5 ms, once per batch): one loaded later counts too."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
