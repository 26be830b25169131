"""Views of unevaluated arrays stay lazy: read inside the consumer's kernel at remapped
coordinates, with NumPy's view semantics (writes through the base or the view are seen by the
other once either is written)."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga

A = np.arange(60, dtype=np.float32).reshape(5, 12) / 7
B = np.linspace(-1, 1, 12, dtype=np.float32)


def _pair():
    return ga.asarray(A), ga.asarray(B)


VIEWS = {
    "T": lambda e: e.T,
    "slice": lambda e: e[1:4, ::-3],
    "int": lambda e: e[2],
    "none": lambda e: e[:, None, 3:5],
    "ellipsis": lambda e: e[..., -1],
    "swap": lambda e: ga.swapaxes(e[None], 0, 2),
    "broadcast": lambda e: ga.broadcast_to(e[:1], (4, 12)),
    "squeeze": lambda e: ga.squeeze(e[:, :1], axis=1),
    "moveaxis": lambda e: ga.moveaxis(e[None], 0, -1),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_view_of_an_expression_is_read_in_the_consumers_kernel(name):
    x, y = _pair()
    e = ga.sin(x) * 2 + y
    with ga.stats() as s:
        got = (VIEWS[name](e) + 1).get()
    ref = VIEWS[name](np.sin(A) * 2 + B) + 1
    np.testing.assert_allclose(got, ref, rtol=2e-6)
    assert s.dispatches == 1, s.dispatches  # one fused kernel: the expression was never stored
    assert e.is_lazy


def test_write_through_the_base_after_the_view():
    x, y = _pair()
    e = x * 2 + y
    v = e[1:3].T
    e += 100  # e is evaluated, v becomes a view of its buffer, then the write
    ref = (A * 2 + B) + 100
    np.testing.assert_array_equal(v.get(), ref[1:3].T)
    e[0, 0] = -1
    assert v.base is e


def test_write_through_the_view_reaches_the_base():
    x, y = _pair()
    e = x * 2 + y
    v = e[:, None, 1]
    v[0] = -7
    v += 1
    ref = A * 2 + B
    ref[0, 1] = -7
    ref[:, 1] += 1
    np.testing.assert_array_equal(e.get(), ref)
    np.testing.assert_array_equal(v.get(), ref[:, None, 1])


def test_views_of_views_and_their_base_evaluated_by_a_reduction():
    x, y = _pair()
    e = x - y
    v = e.T
    w = v[::2]
    total = float(e.sum())  # evaluates e (a reduction reads it whole)
    assert np.isclose(total, (A - B).sum(dtype=np.float64), rtol=1e-6)
    e[:, 0] = 5  # writes after the evaluation are seen through both views
    ref = A - B
    ref[:, 0] = 5
    np.testing.assert_array_equal(w.get(), ref.T[::2])
    np.testing.assert_array_equal(v.get(), ref.T)


def test_the_view_outlives_its_base_name():
    x, y = _pair()
    e = x * y
    v = e[3]
    del e
    np.testing.assert_array_equal(v.get(), (A * B)[3])
    assert v.base is not None


def test_read_only_broadcast_views_stay_read_only():
    x, y = _pair()
    v = ga.broadcast_to((x + y)[:1], (3, 12))
    with pytest.raises(ValueError, match="read-only"):
        v[0, 0] = 1


def test_coordinates_and_random_draws():
    p, c = 6, 9
    g = ga.arange(p)[:, None] * c + ga.arange(c)[None, ::-1]
    np.testing.assert_array_equal(g.get(), np.arange(p)[:, None] * c + np.arange(c)[None, ::-1])
    r = ga.random.default_rng(4).standard_normal((7, 5), dtype=ga.float32) * 1
    t = r.T[::-2, 1:]
    np.testing.assert_array_equal(t.get(), r.get().T[::-2, 1:])


def test_index_grids_rebuilt_each_step_fuse():
    """NLMS-style grids rebuilt from aranges every step (``arange(p)[:, None]``, ``arange(c)[None, :]``):
    views of lazy expressions no longer evaluate them, so a step's reduction is one kernel."""
    p, c = 4, 16
    w = ga.asarray(np.arange(p * c, dtype=np.float32).reshape(p, c))
    rows, cols = ga.arange(p, dtype=ga.float32), ga.arange(c, dtype=ga.float32)
    with ga.stats() as s:
        for t in range(3):
            grid = (rows * 2 + t)[:, None] + (cols - t)[None, :] + t
            out = (w * grid).sum()
    got = float(out)
    ref = float((np.arange(p * c, dtype=np.float32).reshape(p, c)
                 * ((np.arange(p) * 2)[:, None] + np.arange(c)[None, :] + 2)).sum())
    assert got == ref
    assert s.dispatches <= 3, s.dispatches  # one reduction per step (or one for all), the grid inside it


def test_a_view_of_a_scalar_expression_keeps_its_shape():
    from gpuarray._graph.nodes import Const
    e = ga.GpuArray(Const(3, np.dtype(np.int32)))
    b = ga.broadcast_to(e, (2, 4))
    assert b.shape == (2, 4)
    np.testing.assert_array_equal(b.get(), np.full((2, 4), 3, np.int32))
    assert ga.broadcast_to(ga.asarray(np.int32(5)) + 1, (3,)).get().tolist() == [6, 6, 6]


def test_reshapes_that_split_axes_stay_lazy():
    x, y = _pair()
    e = x * 2 + y  # (5, 12)
    with ga.stats() as s:
        got = (e.reshape(5, 3, 4)[:, 1] + 1).get()
    np.testing.assert_allclose(got, (A * 2 + B).reshape(5, 3, 4)[:, 1] + 1, rtol=2e-6)
    assert s.dispatches == 1 and e.is_lazy
    r = ga.arange(12, dtype=ga.float32) * 3
    v = r.reshape(3, 4).T.reshape(4, 3, 1)  # splits and a transpose: one remapped expression
    np.testing.assert_array_equal(v.get(), (np.arange(12, dtype=np.float32) * 3).reshape(3, 4).T.reshape(4, 3, 1))
    m = e.T.reshape(-1)  # a merge of transposed axes: not a view, evaluated (NumPy copies too)
    np.testing.assert_allclose(m.get(), (A * 2 + B).T.reshape(-1), rtol=2e-6)


def test_a_reshaped_lazy_view_is_a_view():
    x, y = _pair()
    e = x - y
    v = e.reshape(5, 2, 6)
    v[0, 1, 0] = 99  # writes through to e
    ref = A - B
    ref[0, 6] = 99
    np.testing.assert_array_equal(e.get(), ref)
    w = (x + y).reshape(60)  # a merge of a C-ordered expression: a view in NumPy too
    np.testing.assert_array_equal(w.get(), (A + B).reshape(60))
