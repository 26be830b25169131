"""Indexing against NumPy: basic views, integer-array and boolean-mask gathers and
scatters, nonzero/argwhere/flatnonzero, take/take_along_axis/put/compress/extract and
searchsorted."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import ALL_DTYPES, HAS64, INT_DTYPES, REAL_DTYPES, assert_same, sample

A3 = sample((3, 4, 5), np.float32)


@pytest.fixture(scope="module")
def x3():
    return ga.asarray(A3)


# ------------------------------------------------------------------------- basic views
BASIC_KEYS = [
    (slice(None, None, -1),),
    (slice(None, None, 2), 1),
    (1, slice(3, 0, -2)),
    (Ellipsis, 2),
    (None, 0, Ellipsis, None),
    (-1, -1, -1),
    (slice(1, 1),),
    (slice(None), slice(-2, None), slice(None, None, -3)),
]


@pytest.mark.parametrize("key", BASIC_KEYS, ids=repr)
def test_basic_views_match_numpy_and_dispatch_nothing(x3, key):
    with ga.stats() as s:
        v = x3[key]
    assert s.dispatches == 0
    assert_same(v, A3[key])


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_basic_view_every_dtype(dtype):
    a = sample((5, 6), dtype)
    x = ga.asarray(a)
    assert_same(x[::-2, 1::2], a[::-2, 1::2])
    assert_same(x[3], a[3])
    got = x[2, 3]
    assert got.shape == () and got.get() == a[2, 3]


def test_basic_index_errors(x3):
    with pytest.raises(IndexError):
        x3[3]
    with pytest.raises(IndexError):
        x3[0, -5]
    with pytest.raises(IndexError):
        x3[0, 0, 0, 0]
    with pytest.raises(IndexError):
        x3[..., 0, ...]


def test_setitem_into_views():
    a = sample((6, 5), np.int32)
    x = ga.asarray(a)
    x[::2] = 7
    a[::2] = 7
    b = sample((5, 5), np.int32, low=-9, high=9)
    x[1:, ::-1] = ga.asarray(b)
    a[1:, ::-1] = b
    x[:, 1] = ga.asarray(np.array([1, 2, 3, 4, 5, 6], np.int32))  # a 1-D column
    a[:, 1] = [1, 2, 3, 4, 5, 6]
    x[2:4] = ga.asarray(np.array([10, 20, 30, 40, 50], np.int32))  # broadcast over rows
    a[2:4] = [10, 20, 30, 40, 50]
    x[0, ::2] = 3.9  # float into int: truncated like NumPy
    a[0, ::2] = 3.9
    x[5] = ga.asarray(np.array([1.5, -2.5, 3.5, 4.5, 5.5]))  # float64 array cast on assignment
    a[5] = np.array([1.5, -2.5, 3.5, 4.5, 5.5])
    assert_same(x, a)
    with pytest.raises(ValueError):
        x[::2] = ga.asarray(np.ones(4, np.int32))


def test_view_aliasing():
    a = np.arange(10, dtype=np.float32)
    x = ga.asarray(a)
    y = x[::2]
    x += 1
    assert_same(y, (a + 1)[::2])
    y[...] = -1  # writes through to x
    expected = a + 1
    expected[::2] = -1
    assert_same(x, expected)
    x[1:] = x[:-1]  # overlapping copy: NumPy semantics
    expected[1:] = expected[:-1].copy()
    assert_same(x, expected)


# --------------------------------------------------------------------- integer arrays
ADV_KEYS = [
    ([0, 2],),
    ([[2], [0]],),
    (slice(None), [1, -1]),
    ([0, 1], slice(None), [1, 2]),  # separated: advanced dims first
    (0, slice(None), [1, 2]),  # an int counts as advanced
    (slice(None), 0, [1, 2]),  # adjacent: in place
    (slice(None, None, -1), [[0], [3]], [1, 2, 4]),
    (None, [0, 1], Ellipsis, [1, 2]),
    ([0, 1], None, [0, 1]),
    (Ellipsis, [4, 0, 4, 0]),
    ([], slice(None)),
    (np.array([2, 0], np.uint8), 1),
    (True,),
    (False,),
    (1, True),
]


@pytest.mark.parametrize("key", ADV_KEYS, ids=repr)
def test_advanced_getitem_host_keys(x3, key):
    assert_same(x3[key], A3[key])


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_device_index_every_int_dtype(x3, dtype):
    lo = -3 if np.dtype(dtype).kind == "i" else 0
    i = np.array([[2, lo], [1, 0]], dtype)
    j = np.array([4, 3], dtype)
    assert_same(x3[ga.asarray(i), :, ga.asarray(j)], A3[i, :, j])
    assert_same(x3[..., ga.asarray(j)], A3[..., j])


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("n", [1, 17, 1000])
def test_gather_every_dtype(dtype, n, rng):
    a = sample((n,), dtype, rng)
    idx = rng.integers(-n, n, size=300)
    assert_same(ga.asarray(a)[idx], a[idx])
    assert_same(ga.asarray(a)[ga.asarray(idx)], a[idx])


def test_gather_from_noncontiguous_views(rng):
    a = sample((9, 7), np.float64 if HAS64 else np.float32, rng)
    x = ga.asarray(a)
    idx = np.array([6, 0, -1, 3])
    assert_same(x.T[idx], a.T[idx])
    assert_same(x[::-2][[4, -5], 1::3], a[::-2][[4, -5], 1::3])
    b = np.broadcast_to(a[0], (5, 7))
    assert_same(ga.broadcast_to(x[0], (5, 7))[[4, 0], [6, 1]], b[[4, 0], [6, 1]])


def test_index_errors(x3):
    with pytest.raises(IndexError, match="out of bounds for axis 0 with size 3"):
        x3[[0, 3]]
    with pytest.raises(IndexError, match="index -6 is out of bounds for axis 1 with size 4"):
        x3[:, [-6]]
    with pytest.raises(IndexError, match="out of bounds for axis 2 with size 5"):
        x3[:, :, ga.asarray(np.array([0, 5]))]
    with pytest.raises(IndexError, match="out of bounds"):
        x3[ga.asarray(np.array([-4], np.int64))]
    with pytest.raises(IndexError, match="out of bounds"):
        x3[ga.asarray(np.array([2**40], np.int64))]  # clamped, never wrapped into range
    with pytest.raises(IndexError):
        x3[[0.5]]
    with pytest.raises(IndexError):
        x3[ga.asarray([1.0])]
    with pytest.raises(IndexError):
        x3[1.0]
    with pytest.raises(IndexError, match="shape mismatch"):
        x3[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match="too many indices"):
        x3[0, 0, [0], 0]
    with pytest.raises(IndexError, match="boolean index did not match"):
        x3[np.ones(4, bool)]


def test_gather_fuses_and_never_recompiles(rng):
    x = ga.asarray(sample((50, 8), np.float32, rng))
    y = ga.asarray(sample((8,), np.float32, rng))

    def run(n):
        idx = rng.integers(-50, 50, size=n)
        r = x[idx] * 2.0 + y
        return r, idx

    run(5)[0].get()
    for n in (7, 31):
        with ga.stats() as s:
            r, idx = run(n)
            h = r.get()
        assert s.kernels_compiled == 0
        assert s.dispatches == 1  # host indices: gather, multiply and add in one kernel
        np.testing.assert_allclose(h, x.get()[idx] * 2.0 + y.get(), rtol=1e-6)


def test_pending_gather_sees_values_before_later_writes():
    a = np.arange(6, dtype=np.float32)
    x = ga.asarray(a)
    g = x[[0, 1]] * 1.0  # lazy: evaluated before x changes
    gm = x[ga.asarray(a > 3)]
    x[0] = 100
    x[[1]] = 50
    x[x > 3] = -1
    assert_same(g, a[[0, 1]])
    assert_same(gm, a[a > 3])


def test_scalar_array_masks():
    s = ga.asarray(np.float32(5))
    a = np.array(5, np.float32)
    assert_same(s[True], a[True])
    assert_same(s[False], a[False])
    assert_same(s[ga.asarray(True)], a[True])
    assert_same(s[None, True], a[None, True])


def test_mask_loop_never_recompiles():
    def run():
        for n in (10, 30, 70):
            z = ga.asarray(np.arange(n, dtype=np.float32))
            r = z[z > n / 2] * 2
            assert_same(r, np.arange(n, dtype=np.float32)[np.arange(n) > n / 2] * 2)

    run()
    with ga.stats() as s:
        run()
    assert s.kernels_compiled == 0


def test_assign_gather_of_same_buffer():
    a = np.arange(10, dtype=np.int16)
    x = ga.asarray(a)
    x[...] = x[np.arange(9, -1, -1)]  # reads what it overwrites: evaluated first
    assert_same(x, a[::-1])
    x[:5] = x[[9, 8, 7, 6, 5]] + 1
    b = a[::-1].copy()
    b[:5] = b[[9, 8, 7, 6, 5]] + 1
    assert_same(x, b)


# ----------------------------------------------------------------------- boolean masks
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_mask_getitem_every_dtype(dtype, rng):
    a = sample((13, 11), dtype, rng)
    m = sample((13, 11), np.bool_, rng)
    x = ga.asarray(a)
    assert_same(x[ga.asarray(m)], a[m])
    assert_same(x[m[:, 0]], a[m[:, 0]])


@pytest.mark.parametrize("n", [1, 3, 257, 70001])
def test_mask_sizes_across_blocks(n, rng):
    a = sample((n,), np.int32, rng)
    x = ga.asarray(a)
    assert_same(x[x > 0], a[a > 0])  # lazy mask evaluated first
    assert_same(x[ga.asarray(a > 100)], a[a > 100])  # all false
    assert_same(x[ga.asarray(a > -200)], a)  # all true


def test_mask_positions_and_views(rng):
    a = sample((4, 5, 6), np.float32, rng)
    x = ga.asarray(a)
    m2 = sample((5, 6), np.bool_, rng)
    m01 = sample((4, 5), np.bool_, rng)
    assert_same(x[:, ga.asarray(m2)], a[:, m2])
    assert_same(x[ga.asarray(m01)], a[m01])
    assert_same(x[::-1, ::2][ga.asarray(m01[:, ::2])], a[::-1, ::2][m01[:, ::2]])  # mask dims not mergeable
    assert_same(x.T[ga.asarray(m2.T)], a.T[m2.T])
    assert_same(x[ga.asarray(m01[:, 0]), 2], a[m01[:, 0], 2])
    assert_same(x[[1, 3], ga.asarray(m2[:, 0])], a[[1, 3], m2[:, 0]])
    assert_same(x[ga.asarray(True)], a[True])
    assert_same(x[ga.asarray(np.zeros(4, bool))], a[np.zeros(4, bool)])
    assert_same(x[2:2][ga.asarray(np.zeros(0, bool))], a[2:2][np.zeros(0, bool)])
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[:, ga.asarray(np.ones(4, bool))]


# ---------------------------------------------------------------------------- setitem
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_scatter_every_dtype(dtype, rng):
    a = sample((300,), dtype, rng)
    v = sample((120,), dtype, rng)
    idx = rng.permutation(300)[:120]  # distinct: well defined
    x = ga.asarray(a)
    x[idx] = ga.asarray(v)
    a[idx] = v
    assert_same(x, a)
    x[ga.asarray(idx[:7])] = v[0]
    a[idx[:7]] = v[0]
    assert_same(x, a)


def test_scatter_keys_and_broadcasting(rng):
    a = sample((4, 5, 6), np.float32, rng)
    x = ga.asarray(a)
    for key, val in [
        (([0, 2],), 5.0),
        ((slice(None), [1, -1], 2), sample((4, 2), np.float32, rng)),
        (([3, 0], slice(None), [5, 1]), sample((5,), np.float32, rng)),  # broadcast over (2, 5)
        ((0, slice(None, None, -1), [0, 1]), sample((2, 1), np.float32, rng)),
        ((Ellipsis, np.array([[1], [2]])), sample((4, 5, 2, 1), np.float32, rng)),
    ]:
        x[key] = ga.asarray(val) if isinstance(val, np.ndarray) else val
        a[key] = val
        assert_same(x, a)
    base = np.arange(20, dtype=np.int16)
    xb = ga.asarray(base)
    y = xb[1::2]  # scatter into a view with an offset and a stride
    y[[0, -2]] = ga.asarray(np.array([-1, -2], np.int16))
    y[y > 12] = 0
    base[1::2][[0, -2]] = [-1, -2]
    base[1::2][base[1::2] > 12] = 0
    assert_same(xb, base)
    with pytest.raises(ValueError, match="shape mismatch"):
        x[[0, 1]] = ga.asarray(np.ones((3, 5, 6), np.float32))
    with pytest.raises(IndexError):
        x[[4]] = 1.0


def test_scatter_casts_and_reads_target():
    a = np.arange(12, dtype=np.int64 if HAS64 else np.int32)
    x = ga.asarray(a)
    x[[1, 5, 7]] = ga.asarray(np.array([1.9, -2.9, 3.5]))
    a[[1, 5, 7]] = np.array([1.9, -2.9, 3.5])
    assert_same(x, a)
    x[[0, 1, 2, 3]] = x[[3, 2, 1, 0]]  # value reads the buffer being written
    a[[0, 1, 2, 3]] = a[[3, 2, 1, 0]]
    assert_same(x, a)
    i = ga.asarray(np.array([2, 4, 6]))
    x[i] += 10
    a[[2, 4, 6]] += 10
    assert_same(x, a)
    k = ga.asarray(np.array([2, 0, 1], np.int32))
    k[k] = 9  # index array is the target itself
    kk = np.array([2, 0, 1], np.int32)
    kk[kk.copy()] = 9
    assert_same(k, kk)


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint16, np.float32])
def test_scatter_repeated_indices_keep_elements_whole(dtype, rng):
    a = sample((64,), dtype, rng)
    v = sample((2000,), dtype, rng)
    idx = rng.integers(0, 64, size=2000)
    x = ga.asarray(a)
    x[idx] = ga.asarray(v)
    h = x.get()
    for j in range(64):  # each element holds one of the values written there (or is untouched)
        written = v[idx == j]
        assert (h[j] in written) if written.size else h[j] == a[j]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_mask_setitem_scalar_is_one_fused_write(dtype, rng):
    a = sample((33, 7), dtype, rng)
    m = sample((33, 7), np.bool_, rng)
    x = ga.asarray(a)
    mg = ga.asarray(m)
    val = a[0, 0]
    with ga.stats() as s:
        x[mg] = val.item()
    assert s.dispatches == 1 and s.bytes_from_device == 0
    a[m] = val
    assert_same(x, a)


def test_mask_setitem_forms(rng):
    a = sample((6, 5), np.float32, rng)
    x = ga.asarray(a)
    x[x > 50] = 0  # mask reads the target
    a[a > 50] = 0
    m = a[:, 0] > 0
    row = sample((5,), np.float32, rng)
    x[ga.asarray(m)] = ga.asarray(row)  # broadcast over the rows picked
    a[m] = row
    x[:, np.array([True, False, True, False, False])] = ga.asarray(np.float32([[1.5]]))
    a[:, np.array([True, False, True, False, False])] = 1.5
    mm = a < 0
    vals = sample((int(mm.sum()),), np.float32, rng)
    x[ga.asarray(mm)] = ga.asarray(vals)  # one value per true element: compaction
    a[mm] = vals
    x[ga.asarray(m), 1:3] = -7.0
    a[m, 1:3] = -7.0
    x[np.bool_(True)] = 2.5
    a[np.bool_(True)] = 2.5
    assert_same(x, a)
    with pytest.raises(ValueError, match="cannot assign 2 input values"):
        x[ga.asarray(a > -1000)] = ga.asarray(np.ones(2, np.float32))
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[np.ones(5, bool)] = 1.0


# ------------------------------------------------------------------ nonzero and friends
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_nonzero_every_dtype(dtype, rng):
    a = sample((9, 31), dtype, rng, low=-2, high=2, special=True)
    if np.dtype(dtype).kind == "c":
        a[0, :3] = [1j, 0, np.nan]
    for got, exp in zip(ga.nonzero(ga.asarray(a)), np.nonzero(a)):
        assert_same(got, exp)
    assert_same(ga.argwhere(ga.asarray(a)), np.argwhere(a))
    assert_same(ga.flatnonzero(ga.asarray(a).T), np.flatnonzero(a.T))


@pytest.mark.parametrize("shape", [(1,), (0,), (17,), (2, 0, 3), (3, 4, 5, 2)])
def test_nonzero_shapes(shape, rng):
    a = sample(shape, np.int16, rng, low=-1, high=1)
    got = ga.asarray(a).nonzero()
    exp = np.nonzero(a)
    assert len(got) == len(exp)
    for g, e in zip(got, exp):
        assert_same(g, e)
    assert_same(ga.where(ga.asarray(a))[0], np.where(a)[0])


def test_nonzero_0d():
    with pytest.raises(ValueError):
        ga.nonzero(ga.asarray(3))
    assert_same(ga.argwhere(ga.asarray(3.0)), np.argwhere(np.array(3.0)))
    assert_same(ga.argwhere(ga.asarray(0)), np.argwhere(np.array(0)))


# ----------------------------------------------------------------------------- take etc.
def test_take(x3, rng):
    idx = np.array([[4, -1], [0, 2]])
    for axis in (None, 0, 1, 2, -1):
        n = A3.size if axis is None else A3.shape[axis]
        i = idx % n - (n if axis == 1 else 0) // 2
        assert_same(ga.take(x3, i, axis=axis), np.take(A3, i, axis=axis))
        assert_same(ga.take(x3, ga.asarray(i), axis=axis), np.take(A3, i, axis=axis))
    big = np.array([7, -9, 12, 3])
    for mode in ("wrap", "clip"):
        assert_same(ga.take(x3, big, axis=1, mode=mode), np.take(A3, big, axis=1, mode=mode))
        assert_same(ga.take(x3, ga.asarray(big), axis=2, mode=mode), np.take(A3, big, axis=2, mode=mode))
    assert_same(ga.take(x3, 2, axis=1), np.take(A3, 2, axis=1))
    out = ga.empty((3, 2, 5), dtype=np.float32)
    assert ga.take(x3, [0, 3], axis=1, out=out) is out
    assert_same(out, np.take(A3, [0, 3], axis=1))
    with pytest.raises(IndexError):
        ga.take(x3, [3], axis=0)
    with pytest.raises(np.exceptions.AxisError):
        ga.take(x3, [0], axis=3)


@pytest.mark.parametrize("dtype", [np.int8, np.float32, np.complex64])
def test_take_along_axis(dtype, rng):
    a = sample((5, 6, 7), dtype, rng)
    x = ga.asarray(a)
    for axis in (0, 1, -1):
        i = np.argsort(a.real if np.dtype(dtype).kind == "c" else a, axis=axis)
        assert_same(ga.take_along_axis(x, ga.asarray(i), axis), np.take_along_axis(a, i, axis))
    i = rng.integers(-6, 6, size=(5, 3, 1))
    assert_same(ga.take_along_axis(x, i, 1), np.take_along_axis(a, i, 1))  # broadcast over the last axis
    j = rng.integers(0, 6, size=(4, 1, 1))  # arr's size-1 first axis broadcasts
    assert_same(ga.take_along_axis(x[:1], ga.asarray(j), 1), np.take_along_axis(a[:1], j, 1))
    flat = rng.integers(0, a.size, size=9)
    assert_same(ga.take_along_axis(x, flat, None), np.take_along_axis(a, flat, None))
    with pytest.raises(ValueError):
        ga.take_along_axis(x, np.zeros(3, int), 0)
    with pytest.raises(IndexError):
        ga.take_along_axis(x, np.zeros((5, 6, 7)), 0)
    with pytest.raises(IndexError):
        ga.take_along_axis(x, ga.asarray(np.full((1, 1, 1), 6)), 1)


def test_put(rng):
    a = sample((4, 6), np.float32, rng)
    x = ga.asarray(a)
    ga.put(x, [0, 5, -1, 13], [1.5, 2.5])  # values repeat cyclically
    np.put(a, [0, 5, -1, 13], [1.5, 2.5])
    assert_same(x, a)
    ga.put(x, ga.asarray(np.array([30, -30, 7])), ga.asarray(np.float32([9, 8, 7])), mode="wrap")
    np.put(a, [30, -30, 7], [9, 8, 7], mode="wrap")
    ga.put(x, [100, -100], 4, mode="clip")
    np.put(a, [100, -100], 4, mode="clip")
    assert_same(x, a)
    y = ga.asarray(a)
    v = y.T  # non-contiguous target
    b = a.T.copy()
    ga.put(v, [1, 2, 22], [-1.0, -2.0, -3.0])
    np.put(b, [1, 2, 22], [-1.0, -2.0, -3.0])
    assert_same(v, b)
    with pytest.raises(IndexError):
        ga.put(x, [24], 1.0)


def test_compress_extract(x3, rng):
    c = np.array([True, False, True, True])
    assert_same(ga.compress(c, x3, axis=1), np.compress(c, A3, axis=1))
    assert_same(ga.compress(ga.asarray(c[:3]), x3, axis=0), np.compress(c[:3], A3, axis=0))
    assert_same(ga.compress(ga.asarray(c[:2]), x3, axis=0), np.compress(c[:2], A3, axis=0))  # shorter is fine
    assert_same(ga.compress(c, x3), np.compress(c, A3))
    with pytest.raises(IndexError):
        ga.compress(ga.asarray(np.array([0, 0, 0, 1], bool)), x3, axis=0)
    with pytest.raises(ValueError):
        ga.compress(np.ones((2, 2), bool), x3)
    cond = A3 > 10
    assert_same(ga.extract(ga.asarray(cond), x3), np.extract(cond, A3))
    ci = sample((7,), np.int32, rng, low=-1, high=1)
    assert_same(ga.extract(ga.asarray(ci), x3), np.extract(ci, A3))


# ------------------------------------------------------------------------ searchsorted
@pytest.mark.parametrize("dtype", REAL_DTYPES + [np.bool_, np.complex64])
def test_searchsorted(dtype, rng):
    a = np.sort(sample((257,), dtype, rng, low=-20, high=20, special=True))
    v = sample((4, 33), dtype, rng, low=-25, high=25, special=True)
    v.flat[:3] = a[[0, 100, -1]]  # exact hits (NaN too, for floats)
    for side in ("left", "right"):
        assert_same(ga.searchsorted(ga.asarray(a), ga.asarray(v), side=side), np.searchsorted(a, v, side=side))


def test_searchsorted_forms(rng):
    a = np.sort(sample((40,), np.int32, rng))
    x = ga.asarray(a)
    assert_same(ga.searchsorted(x, 3), np.searchsorted(a, 3))
    assert_same(ga.searchsorted(x[::-3][::-1], [0, 50.5]), np.searchsorted(a[::-3][::-1], [0, 50.5]))
    perm = rng.permutation(40)
    sh = a[perm]
    sorter = np.argsort(sh, kind="stable")
    assert_same(ga.searchsorted(ga.asarray(sh), ga.asarray(a[::5]), sorter=ga.asarray(sorter)),
                np.searchsorted(sh, a[::5], sorter=sorter))
    assert_same(ga.searchsorted(x, ga.asarray(np.zeros((0, 3), np.int32))), np.searchsorted(a, np.zeros((0, 3))))
    with pytest.raises(ValueError):
        ga.searchsorted(x, 1, side="middle")
    with pytest.raises(ValueError):
        ga.searchsorted(ga.asarray(np.zeros((2, 2))), 1)


@pytest.mark.parametrize("xshape,mshape", [((0, 1), (0, 0)), ((3, 2), (0, 2)), ((3, 2), (3, 0)), ((2, 1), (0, 0))])
def test_empty_mask_dimensions_match_any_size(xshape, mshape):
    """NumPy accepts a mask dimension of 0 against any axis size."""
    x = np.arange(int(np.prod(xshape)), dtype=np.float32).reshape(xshape)
    m = np.zeros(mshape, bool)
    assert_same(ga.asarray(x)[ga.asarray(m)], x[m])
