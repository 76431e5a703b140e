"""Text families: exact and near-duplicate copies found with MinHash (datasketch) and LSH bands.

Band keys are stored in the database (`link_bands`), so finding the earlier copies of a new article
is one indexed join however large the store grows, and nothing has to be rebuilt in memory.
Candidates are confirmed on exact shingle containment, which also catches truncated copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands × 4 rows: pairs with Jaccard ≥ ~0.45 become candidates with high probability
ROWS = NUM_PERM // BANDS
SEED = 1
COPY_CONTAINMENT = 0.7  # share of the shorter text's shingles found in the longer one

# Odd 64-bit multipliers fold a band's 4 hash values into one key (wrapping arithmetic).
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5], np.uint64)


def shingle_hashes(shingles: Iterable[str]) -> np.ndarray:
    """Sorted unique 32-bit hashes of shingles: the values MinHash takes (datasketch's `sha1_hash32` of
    the UTF-8 text: SHA-1's first 4 bytes, little-endian; here for a whole set at once), and a compact
    set for containment: 4 bytes a shingle, where a Python string in a frozenset took ~110 (61% of a
    link batch's memory)."""
    sha1 = hashlib.sha1
    return np.unique(np.frombuffer(b"".join([sha1(s.encode()).digest()[:4] for s in shingles]), dtype="<u4"))


def signatures(hash_sets: Iterable[np.ndarray]) -> list[np.ndarray]:
    """MinHash signatures (NUM_PERM uint64 values each), one per set of shingle hashes."""
    from datasketch import MinHash

    hashed = [h.tolist() for h in hash_sets]  # already hashed: MinHash's hash function passes them on
    sketches = MinHash.bulk(hashed, num_perm=NUM_PERM, seed=SEED, hashfunc=int)
    return [m.hashvalues.astype(np.uint64) for m in sketches]


def band_keys(sig: np.ndarray) -> list[int]:
    """One key per band; two articles sharing a key are copy candidates. Keys stay below 2**63 so
    they fit a signed BIGINT; the band number is mixed in so bands never collide with each other."""
    rows = sig.reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (rows * _MIX[:ROWS]).sum(axis=1, dtype=np.uint64)
        mixed = mixed ^ (np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    return [int(k) >> 1 for k in mixed]


def bands_of(hash_sets: Iterable[np.ndarray]) -> list[list[int]]:
    """The band keys of each set of shingle hashes, in order (none asked: no datasketch import)."""
    sets = list(hash_sets)
    return [band_keys(s) for s in signatures(sets)] if sets else []


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """|a ∩ b| / min(|a|, |b|) of two shingle hash sets: 1.0 when one text is contained in the other."""
    if not a.size or not b.size:
        return 0.0
    small, big = (a, b) if a.size <= b.size else (b, a)
    at = np.minimum(np.searchsorted(big, small), big.size - 1)  # both sorted and unique
    return int(np.count_nonzero(big[at] == small)) / small.size


def is_copy(a: np.ndarray, b: np.ndarray) -> bool:
    return containment(a, b) >= COPY_CONTAINMENT
