"""The model runs its matrix products on numpy's BLAS, on one thread, with blis's annotations."""

from pathlib import Path

import pytest

from sitroom.nlp import blas

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _annotations(docs) -> list[tuple]:
    return [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.lemma_) for d in docs for t in d]


@pytest.mark.slow
def test_every_layer_of_the_loaded_model_skips_blis(nlp):
    from thinc.api import NumpyOps

    layers = [node for _, proc in nlp.pipeline if getattr(proc, "model", None) for node in proc.model.walk()]
    assert layers
    assert all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in layers)


@pytest.mark.slow
def test_numpy_blas_gives_the_annotations_blis_gives(nlp):
    from thinc.api import NumpyOps

    from sitroom.nlp import load

    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    assert len(texts) >= 4
    with_blis = load.__wrapped__(nlp.meta["lang"] + "_" + nlp.meta["name"])  # a second copy
    stock = NumpyOps(use_blis=True)
    for _, proc in with_blis.pipeline:
        for node in proc.model.walk() if getattr(proc, "model", None) else ():
            node.ops = stock
    with blas.one_thread():
        ours = list(nlp.pipe(texts))
    assert _annotations(ours) == _annotations(with_blis.pipe(texts))


def test_one_thread_limits_blas_and_gives_it_back():
    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    import numpy  # noqa: F401 - loads the BLAS this is about

    before = blas_threads()
    with blas.one_thread():
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == before


@pytest.mark.parametrize("pieces", [2, 3, 4])
def test_predict_maxout_gives_thinc_maxout_values(pieces):
    import numpy
    from thinc.api import NumpyOps

    X = numpy.random.default_rng(pieces).standard_normal((257, 96, pieces)).astype("float32")
    X[0, :, :] = 1.5  # ties: every piece the same
    ops = blas._predict_ops()
    best, _ = ops.maxout(X)
    want, _ = NumpyOps(use_blis=False).maxout(X)
    assert best.dtype == want.dtype and best.shape == want.shape
    assert numpy.array_equal(best, want)


def test_predict_ops_refuse_the_backward_pass_clearly():
    import numpy

    with pytest.raises(NotImplementedError, match="prediction only"):
        blas._predict_ops().backprop_maxout(numpy.zeros((2, 3), "f"), None, 2)
