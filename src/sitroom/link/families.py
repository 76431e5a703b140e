"""Text families: exact and near-duplicate copies found with MinHash (datasketch) and LSH bands.

Band keys are stored in the database (`link_bands`), so finding the earlier copies of a new article
is one indexed join however large the store grows, and nothing has to be rebuilt in memory.
Candidates are confirmed on exact shingle containment, which also catches truncated copies.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands × 4 rows: pairs with Jaccard ≥ ~0.45 become candidates with high probability
ROWS = NUM_PERM // BANDS
SEED = 1
COPY_CONTAINMENT = 0.7  # share of the shorter text's shingles found in the longer one

# Odd 64-bit multipliers fold a band's 4 hash values into one key (wrapping arithmetic).
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5], np.uint64)


def signatures(shingle_sets: Iterable[frozenset[str]]) -> list[np.ndarray]:
    """MinHash signatures (NUM_PERM uint64 values each), one per shingle set."""
    from datasketch import MinHash

    encoded = [list(map(str.encode, s)) for s in shingle_sets]  # UTF-8
    return [m.hashvalues.astype(np.uint64) for m in MinHash.bulk(encoded, num_perm=NUM_PERM, seed=SEED)]


def band_keys(sig: np.ndarray) -> list[int]:
    """One key per band; two articles sharing a key are copy candidates. Keys stay below 2**63 so
    they fit a signed BIGINT; the band number is mixed in so bands never collide with each other."""
    rows = sig.reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (rows * _MIX[:ROWS]).sum(axis=1, dtype=np.uint64)
        mixed = mixed ^ (np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    return [int(k) >> 1 for k in mixed]


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / min(|a|, |b|): 1.0 when one text is contained in the other."""
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & big) / len(small)


def is_copy(a: frozenset[str], b: frozenset[str]) -> bool:
    return containment(a, b) >= COPY_CONTAINMENT
