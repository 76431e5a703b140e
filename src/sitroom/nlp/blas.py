"""Matrix products for the model: numpy's BLAS, one thread; maxout without what only training needs.

spaCy's CPU models multiply matrices through thinc's `NumpyOps`, which calls blis by default. On this
project's machines (x86-64 with AVX2) blis was 3-4x slower than the OpenBLAS that ships inside numpy's
wheels for the shapes the sm pipeline uses, so the whole parse ran ~30% slower (BENCHMARKS.md). thinc
itself offers `NumpyOps(use_blis=False)`, which hands products to numpy; the annotations are the same
(tests/unit/nlp/test_blas.py). BLAS gets one thread: parallelism comes from batch workers, and idle
OpenBLAS threads spin on the cores other workers need.

The ops also take the maxout units (five per tok2vec encoder) as numpy's elementwise maximum over the
pieces: thinc's `maxout` also records which piece won, for the backward pass only, and on a batch of
~3,000 tokens took 4.6 ms where the maximum alone takes 0.8 (about 1.8 CPU-s per 626 articles). The
values are the same; a pipeline loaded this way can only predict.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator


def use_numpy(nlp) -> None:
    """Move every layer of the pipeline's models to numpy-BLAS, predict-only ops (layers keep the ops
    they were built with, and some, like the parser's output layer, are built by the component itself)."""
    ops = _predict_ops()
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


@functools.cache
def _predict_ops():
    import numpy
    from thinc.api import NumpyOps

    class PredictOps(NumpyOps):
        """thinc's numpy ops on numpy's BLAS, with a maxout that does not record the winning piece."""

        name = "numpy"  # thinc looks ops up by name: these are numpy ops

        def maxout(self, X):
            best = numpy.maximum(X[:, :, 0], X[:, :, 1])
            for p in range(2, X.shape[2]):
                numpy.maximum(best, X[:, :, p], out=best)
            return best, None

        def backprop_maxout(self, dY, which, P):
            raise NotImplementedError(
                "this pipeline was loaded by sitroom.nlp.load for prediction only; train one from spacy.load"
            )

    return PredictOps(use_blis=False)


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """BLAS on one thread for the duration (the caller's own setting comes back afterwards). The
    loaded libraries are looked up each time (~1.5 ms, once per batch): one loaded later counts too."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
