"""Joins, splits, rolls, repeats, tiles, pads and diagonals against NumPy on the same inputs."""
import numpy as np
import pytest

import gpuarray as ga
from conftest import ALL_DTYPES, assert_same, sample


def pair(shape, dtype, seed=0):
    h = sample(shape, dtype, np.random.default_rng(seed))
    return h, ga.asarray(h)


# ----------------------------------------------------------------------------- joins
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_concatenate_every_dtype(dtype):
    a, ga_ = pair((3, 5), dtype, 1)
    b, gb = pair((3, 7), dtype, 2)
    c, gc = pair((9, 3), dtype, 3)  # used transposed: a non-contiguous input
    assert_same(ga.concatenate([ga_, gb, gc.T[:, :2]], axis=1), np.concatenate([a, b, c.T[:, :2]], axis=1))
    assert_same(ga.concatenate([ga_, gc], axis=None), np.concatenate([a, c], axis=None))
    assert_same(ga.stack([ga_, ga_[::-1]], axis=1), np.stack([a, a[::-1]], axis=1))
    assert_same(ga.repeat(gb, 3, axis=0), np.repeat(b, 3, axis=0))
    assert_same(ga.tile(ga_, (2, 1, 2)), np.tile(a, (2, 1, 2)))


def test_concatenate_axes_and_shapes():
    a, ga_ = pair((2, 3, 4), np.float64, 1)
    b, gb = pair((2, 1, 4), np.float64, 2)
    e, ge = pair((2, 0, 4), np.float64, 3)
    assert_same(ga.concatenate([ga_, gb, ge], axis=1), np.concatenate([a, b, e], axis=1))
    assert_same(ga.concat([ga_, ga_], axis=-1), np.concatenate([a, a], axis=-1))
    assert_same(ga.concatenate([ga_[:, ::2], gb], axis=None), np.concatenate([a[:, ::2], b], axis=None))
    assert_same(ga.concatenate([ga_]), np.concatenate([a]))
    assert_same(ga.concatenate((a, b.tolist()), axis=1), np.concatenate((a, b), axis=1))  # host inputs too
    assert_same(ga.concatenate([ge, ge]), np.concatenate([e, e]))


@pytest.mark.parametrize("dts", [(np.int8, np.uint8), (np.bool_, np.int32), (np.float32, np.int16),
                                 (np.complex64, np.float64), (np.uint32, np.int64)])
def test_concatenate_promotes_like_numpy(dts):
    a, ga_ = pair((4,), dts[0], 1)
    b, gb = pair((3,), dts[1], 2)
    assert_same(ga.concatenate([ga_, gb]), np.concatenate([a, b]))
    assert_same(ga.stack([ga_[:3], gb]), np.stack([a[:3], b]))


def test_concatenate_dtype_out_and_casting():
    a, ga_ = pair((2, 3), np.float64, 1)
    b, gb = pair((2, 3), np.int32, 2)
    assert_same(ga.concatenate([ga_, gb], dtype=np.float32), np.concatenate([a, b], dtype=np.float32))
    with pytest.raises(TypeError, match="same_kind"):
        ga.concatenate([ga_, gb], dtype=np.int64)
    assert_same(ga.concatenate([ga_, gb], dtype=np.int64, casting="unsafe"),
                np.concatenate([a, b], dtype=np.int64, casting="unsafe"))
    out = ga.zeros((4, 3))
    res = ga.concatenate([ga_, gb], out=out)
    assert res is out
    assert_same(out, np.concatenate([a, b]))
    with pytest.raises(ValueError):
        ga.concatenate([ga_, gb], out=ga.zeros((3, 3)))


def test_join_errors_match_numpy():
    g2, g1 = ga.zeros((2, 3)), ga.zeros(3)
    cases = [
        (lambda: ga.concatenate([g2, g1]), ValueError, "same number of dimensions"),
        (lambda: ga.concatenate([g2, ga.zeros((2, 2))]), ValueError, "along dimension 1"),
        (lambda: ga.concatenate([ga.asarray(1.0), ga.asarray(2.0)]), ValueError, "zero-dimensional"),
        (lambda: ga.concatenate([]), ValueError, "at least one array"),
        (lambda: ga.stack([g1, ga.zeros(2)]), ValueError, "same shape"),
        (lambda: ga.stack([]), ValueError, "at least one array"),
    ]
    for fn, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            fn()
    with pytest.raises(np.exceptions.AxisError):
        ga.concatenate([g2, g2], axis=2)
    with pytest.raises(np.exceptions.AxisError):
        ga.stack([g2, g2], axis=3)


def test_join_fuses_pending_expressions_one_dispatch_per_input():
    a, ga_ = pair((5, 3), np.float32, 1)
    b, gb = pair((5, 3), np.float32, 2)
    x, y = ga_ * 2 + 1, ga.sqrt(ga.abs(gb))  # lazy: evaluated inside the copies
    with ga.stats() as s:
        r = ga.concatenate([x, y], axis=1)
    assert s.dispatches == 2
    assert_same(r, np.concatenate([a * 2 + 1, np.sqrt(np.abs(b))], axis=1))
    x, y = ga_ - 1, gb * gb
    with ga.stats() as s:
        r = ga.stack([x, y, ga_], axis=2)
    assert s.dispatches == 3
    assert_same(r, np.stack([a - 1, b * b, a], axis=2))


def test_joins_do_not_recompile_for_new_sizes_or_values():
    def run(n, m):
        a, b = ga.asarray(sample((n, m), np.float32)), ga.asarray(sample((n + 2, m), np.float32))
        return ga.concatenate([a, b]), ga.stack([a, a]), ga.tile(a, (2, 3)), ga.repeat(a, 2, axis=1), ga.roll(a, 1, 1)

    run(3, 5)
    with ga.stats() as s:
        for n, m in [(4, 6), (7, 9), (11, 2)]:
            res = run(n, m)
    assert s.kernels_compiled == 0
    assert res[0].shape == (24, 2)


@pytest.mark.parametrize("shapes", [[(), ()], [(3,), (3,)], [(2, 3), (1, 3)], [(2, 3, 2), (2, 3, 1)]],
                         ids=["0d", "1d", "2d", "3d"])
def test_vstack_hstack_dstack_column_stack(shapes):
    a = sample(shapes[0], np.int32, np.random.default_rng(1))
    b = sample(shapes[1], np.int32, np.random.default_rng(2))
    ga_, gb = ga.asarray(a), ga.asarray(b)
    for name in ("vstack", "hstack", "dstack", "column_stack"):
        try:
            expected = getattr(np, name)([a, b])
        except ValueError:
            with pytest.raises(ValueError):
                getattr(ga, name)([ga_, gb])
            continue
        assert_same(getattr(ga, name)([ga_, gb]), expected)
    if len(shapes[0]) < 3:
        assert_same(ga.vstack([ga_, gb], dtype=np.float32), np.vstack([a, b], dtype=np.float32))


def test_block():
    a, b = sample((2, 2), np.float64), sample((2, 3), np.float64, np.random.default_rng(3))
    c = sample((1, 5), np.float64, np.random.default_rng(4))
    assert_same(ga.block([[ga.asarray(a), ga.asarray(b)], [ga.asarray(c)]]), np.block([[a, b], [c]]))


# ---------------------------------------------------------------------------- splits
def test_splits_are_views_with_numpy_pieces():
    h, g = pair((6, 7, 4), np.float32)
    for fn in [lambda m, x: m.split(x, 3), lambda m, x: m.split(x, [1, 5, 3], axis=1),
               lambda m, x: m.array_split(x, 4, axis=1), lambda m, x: m.array_split(x, [-2], axis=-1),
               lambda m, x: m.hsplit(x, 7), lambda m, x: m.vsplit(x, [2]), lambda m, x: m.dsplit(x, 2),
               lambda m, x: m.unstack(x, axis=1)]:
        got, exp = fn(ga, g), fn(np, h)
        assert len(got) == len(exp)
        for p, q in zip(got, exp):
            assert_same(p, q)
            if q.size:
                assert p.strides == q.strides
    assert isinstance(ga.unstack(g), tuple)
    with pytest.raises(ValueError, match="equal division"):
        ga.split(g, 4)
    with pytest.raises(ValueError, match="larger than 0"):
        ga.array_split(g, 0)
    with pytest.raises(ValueError):
        ga.unstack(ga.asarray(1.0))


# ------------------------------------------------------------------- roll/repeat/tile
@pytest.mark.parametrize("shift,axis", [(2, None), (-13, None), (1, 0), (7, 1), (-2, -1), ((1, -2), (0, 2)),
                                        ((3, 3), (1, 1)), (0, 1), (5, (0, 1))])
def test_roll(shift, axis):
    h, g = pair((3, 5, 4), np.int16)
    assert_same(ga.roll(g, shift, axis), np.roll(h, shift, axis))


def test_roll_edge_cases():
    h, g = pair((5,), np.complex64)
    assert_same(ga.roll(g * 2, 2), np.roll(h * 2, 2))  # a lazy input
    assert_same(ga.roll(g[::-2], 1), np.roll(h[::-2], 1))
    assert_same(ga.roll(ga.asarray(h[2]), 3), np.roll(h[2], 3))  # 0-d
    e = np.zeros((0, 3), np.float32)
    assert_same(ga.roll(ga.asarray(e), 2, 0), np.roll(e, 2, 0))
    t, gt = pair((2, 3), np.float64)
    assert_same(ga.roll(gt.T, 1, axis=None), np.roll(t.T, 1, axis=None))
    with pytest.raises(np.exceptions.AxisError):
        ga.roll(g, 1, axis=1)


@pytest.mark.parametrize("repeats,axis", [(3, None), (0, 1), (2, -1), ([1, 0, 3], 0), ([2, 2, 1, 0, 1], 1),
                                          ([4], 0), (np.array([0, 0, 0]), 0), (1, 1)])
def test_repeat(repeats, axis):
    h, g = pair((3, 5), np.uint8)
    assert_same(ga.repeat(g, repeats, axis=axis), np.repeat(h, repeats, axis=axis))
    assert_same(g.repeat(repeats, axis), h.repeat(repeats, axis))


def test_repeat_more():
    h, g = pair((4, 3), np.float64)
    assert_same(ga.repeat(g.T, [1, 2, 3, 4], axis=1), np.repeat(h.T, [1, 2, 3, 4], axis=1))  # strided source
    assert_same(ga.repeat(g + 1, 2, axis=0), np.repeat(h + 1, 2, axis=0))
    assert_same(ga.repeat(ga.asarray(h[1, 1]), 4), np.repeat(h[1, 1], 4))
    assert_same(ga.repeat(g, ga.asarray([1, 0, 2]), axis=1), np.repeat(h, [1, 0, 2], axis=1))
    with pytest.raises(ValueError):
        ga.repeat(g, [1, 2], axis=0)
    with pytest.raises(ValueError):
        ga.repeat(g, -1)
    with pytest.raises(ValueError):
        ga.repeat(g, [1, -1, 1], axis=1)
    with pytest.raises(np.exceptions.AxisError):
        ga.repeat(g, 2, axis=2)
    # per-element repeats are one gather dispatch, whatever the counts
    with ga.stats() as s:
        ga.repeat(g, [3, 0, 1, 2], axis=0)
    assert s.dispatches == 1


@pytest.mark.parametrize("shape,reps", [((3,), 2), ((3,), (2, 2)), ((2, 3), 2), ((2, 3), (1, 2, 3)),
                                        ((2, 1, 3), (2, 2)), ((), (2, 3)), ((2, 3), 0), ((2, 3), (1, 1)),
                                        ((0, 2), 3)])
def test_tile(shape, reps):
    h, g = pair(shape, np.int64)
    assert_same(ga.tile(g, reps), np.tile(h, reps))


def test_tile_lazy_input_is_one_dispatch():
    h, g = pair((3, 4), np.float32)
    x = g * 3 - 1
    with ga.stats() as s:
        r = ga.tile(x, (2, 3))
    assert s.dispatches == 1
    assert_same(r, np.tile(h * 3 - 1, (2, 3)))


# ------------------------------------------------------------- broadcasting, flips ...
def test_broadcasting_helpers():
    a, ga_ = pair((3, 1), np.int32, 1)
    b, gb = pair((4,), np.int32, 2)
    for x, y in zip(ga.broadcast_arrays(ga_, gb), np.broadcast_arrays(a, b)):
        assert_same(x, y)
    assert ga.broadcast_shapes((3, 1), (4,), ()) == np.broadcast_shapes((3, 1), (4,), ())
    with pytest.raises(ValueError, match="shape mismatch"):
        ga.broadcast_shapes((2,), (3,))
    assert_same(ga.broadcast_to(gb, (2, 3, 4)), np.broadcast_to(b, (2, 3, 4)))
    assert_same(ga.broadcast_to(ga.asarray(np.float32(2.5)), (3,)), np.broadcast_to(np.float32(2.5), (3,)))
    assert_same(ga.broadcast_to(ga_ + 1, (3, 2)), np.broadcast_to(a + 1, (3, 2)))


def test_flips_and_rotations():
    h, g = pair((3, 4, 2), np.complex128)
    for axis in (None, 0, 1, -1, (0, 2)):
        assert_same(ga.flip(g, axis), np.flip(h, axis))
    assert_same(ga.fliplr(g), np.fliplr(h))
    assert_same(ga.flipud(g), np.flipud(h))
    for k in range(-1, 4):
        assert_same(ga.rot90(g, k), np.rot90(h, k))
    assert_same(ga.flip(g[:, ::-2]) + 1, np.flip(h[:, ::-2]) + 1)


def test_atleast():
    for shape in [(), (3,), (2, 3), (2, 3, 1)]:
        h, g = pair(shape, np.float32)
        for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
            assert_same(getattr(ga, name)(g), getattr(np, name)(h))
    x, y = ga.atleast_1d(ga.asarray(1.0), ga.asarray([1.0, 2.0]))
    assert (x.shape, y.shape) == ((1,), (2,))


# ------------------------------------------------------------------------ diagonals
@pytest.mark.parametrize("k", [0, 2, -1, -4])
def test_diag(k):
    v, gv = pair((4,), np.int8)
    assert_same(ga.diag(gv, k), np.diag(v, k))
    m, gm = pair((4, 6), np.float32)
    assert_same(ga.diag(gm, k), np.diag(m, k))
    assert_same(ga.diagflat(gm[:2, :2], k), np.diagflat(m[:2, :2], k))
    assert_same(ga.diagonal(gm, k), np.diagonal(m, k))


def test_diag_errors_and_writes():
    with pytest.raises(ValueError):
        ga.diag(ga.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        ga.diagonal(ga.zeros(3))
    m, gm = pair((3, 3), np.float64)
    d = ga.diagonal(gm)
    with pytest.raises(ValueError, match="read-only"):  # NumPy's diagonal is a read-only view
        d[...] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        np.diagonal(m)[...] = 0.5
    assert_same(gm, m)
    assert_same(ga.diag(ga.asarray(np.arange(3.0)), 1), np.diag(np.arange(3.0), 1))


# ------------------------------------------------------------------------------- pad
@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint16, np.int32, np.float32, np.float64, np.complex64])
def test_pad_constant(dtype):
    h, g = pair((3, 4), dtype)
    assert_same(ga.pad(g, 2), np.pad(h, 2))
    assert_same(ga.pad(g, ((1, 0), (2, 3)), constant_values=1), np.pad(h, ((1, 0), (2, 3)), constant_values=1))
    assert_same(ga.pad(g, (1, 2), constant_values=((1, 0), (1, 1))),
                np.pad(h, (1, 2), constant_values=((1, 0), (1, 1))))


@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric", "wrap"])
def test_pad_index_modes(mode):
    h, g = pair((4, 5, 3), np.float32)
    for width in [1, ((2, 3), (0, 0), (4, 1)), (3,)]:
        assert_same(ga.pad(g, width, mode=mode), np.pad(h, width, mode=mode))
    assert_same(ga.pad(g[:, ::-2], 2, mode=mode), np.pad(h[:, ::-2], 2, mode=mode))
    with ga.stats() as s:
        ga.pad(g, 2, mode=mode)
    assert s.dispatches == 1


def test_pad_more():
    h, g = pair((3, 4), np.int32)
    assert_same(ga.pad(g, ((1, 1), (2, 0)), constant_values=((7, 8), (9, 10))),
                np.pad(h, ((1, 1), (2, 0)), constant_values=((7, 8), (9, 10))))
    assert_same(ga.pad(g * 2, 1, constant_values=-3), np.pad(h * 2, 1, constant_values=-3))
    assert_same(ga.pad(g, 0), np.pad(h, 0))
    assert ga.pad(g, 1, mode="empty").shape == (5, 6)
    assert_same(ga.pad(g, 1, mode="empty")[1:-1, 1:-1], h)
    f, gf = pair((4,), np.float64)
    assert_same(ga.pad(gf, 2, constant_values=1.5), np.pad(f, 2, constant_values=1.5))
    assert_same(ga.pad(g, 1, constant_values=2.7), np.pad(h, 1, constant_values=2.7))
    e = np.zeros((0, 2), np.float32)
    assert_same(ga.pad(ga.asarray(e), 1), np.pad(e, 1))
    with pytest.raises(ValueError, match="negative"):
        ga.pad(g, -1)
    with pytest.raises(ValueError, match="empty axis"):
        ga.pad(ga.asarray(e), 1, mode="edge")


@pytest.mark.parametrize("mode,kw", [("maximum", {}), ("minimum", {}), ("mean", {}), ("median", {}),
                                     ("maximum", {"stat_length": 2}), ("mean", {"stat_length": (1, 3)}),
                                     ("median", {"stat_length": (2, 1)}), ("linear_ramp", {}),
                                     ("linear_ramp", {"end_values": (5, -3)})])
def test_pad_statistic_and_ramp_modes(mode, kw):
    """NumPy's axis-by-axis padding from the array's own values: statistics over stat_length
    values at each end (rounded for integer arrays), linear ramps to the edges; on the device."""
    rng = np.random.default_rng(2)
    for x in (rng.standard_normal((4, 5)), rng.integers(-20, 20, (4, 5)).astype(np.int32),
              rng.standard_normal((3, 2, 4)).astype(np.float32), rng.integers(0, 255, 7).astype(np.uint8)):
        for w in [2, (1, 3), ((0, 2),) + ((1, 1),) * (x.ndim - 1)]:
            with ga.stats() as s:
                got = ga.pad(ga.asarray(x), w, mode=mode, **kw).get()
            assert not s.fallbacks, s.fallbacks
            want = np.pad(x, w, mode=mode, **kw)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    g = ga.asarray(np.arange(6.0))
    with pytest.raises(ValueError, match="stat_length of 0"):
        ga.pad(g, 2, mode="maximum", stat_length=0)
    with pytest.raises(ValueError, match="unsupported keyword"):
        ga.pad(g, 2, mode=mode, constant_values=3)
    with pytest.raises(ValueError, match="empty axis"):
        ga.pad(ga.asarray(np.zeros((0, 2))), 1, mode=mode)


@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
def test_pad_odd_reflection(mode):
    """reflect_type='odd' (2 * edge - reflected value), NumPy's iterations when the pad is wider
    than the array, its singleton-axis rule, integer wraparound; on the device."""
    rng = np.random.default_rng(4)
    for x in [np.arange(1, 6, dtype=np.int64), rng.standard_normal((3, 4)), rng.integers(0, 9, (2, 3)).astype(np.uint8),
              np.array([3.5]), rng.standard_normal((2, 1, 3)).astype(np.float32)]:
        for w in [1, 2, 4, 9, (3, 0), ((1, 7),) + ((2, 2),) * (x.ndim - 1)]:
            with ga.stats() as s:
                got = ga.pad(ga.asarray(x), w, mode=mode, reflect_type="odd").get()
            assert not s.fallbacks, s.fallbacks
            want = np.pad(x, w, mode=mode, reflect_type="odd")
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError):
        ga.pad(ga.asarray(np.zeros((0, 2))), 1, mode=mode, reflect_type="odd")
