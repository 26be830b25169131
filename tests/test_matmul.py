"""matmul and the products built on it (dot, vdot, inner, outer, tensordot, vecdot, trace,
kron), and gpuarray.linalg, compared with NumPy on the same inputs."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import ALL_DTYPES, HAS64, REAL_DTYPES, sample
from conftest import assert_same as _assert_same

FLOATS = [d for d in (np.float32, np.float64) if HAS64 or d == np.float32]


def narrow(want: np.ndarray) -> tuple[np.ndarray, bool]:
    """NumPy's result as this device gives it: without 64-bit support, 64-bit results are 32-bit."""
    want = np.asarray(want)
    small = {np.dtype(np.int64): np.int32, np.dtype(np.uint64): np.uint32, np.dtype(np.float64): np.float32,
             np.dtype(np.complex128): np.complex64}
    if HAS64 or want.dtype not in small:
        return want, False
    return want.astype(small[want.dtype]), True


def assert_same(got, want, *, rtol=None, **kw):
    want, narrowed = narrow(want)
    if narrowed and want.dtype.kind in "fc":
        rtol, kw["atol"] = max(rtol or 0, 1e-4), max(kw.get("atol", 0), 1e-5)
    _assert_same(got, want, rtol=rtol, **kw)


def rel_fro(got, ref) -> float:
    """Relative Frobenius error of a device result against a float64 (or complex128) reference."""
    g = np.asarray(got.get() if isinstance(got, ga.GpuArray) else got).astype(np.complex128)
    r = np.asarray(ref).astype(np.complex128)
    den = np.linalg.norm(r)
    return float(np.linalg.norm(g - r) / (den if den else 1.0))


def check(got, a, b, op=np.matmul):
    """Exact for integers and bool (NumPy wraps around too); float against a float64 reference."""
    want, narrowed = narrow(op(a, b))
    if want.dtype.kind in "fc":
        wide = np.complex128 if want.dtype.kind == "c" else np.float64
        assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
        tol = 1e-5 if want.dtype in (np.float32, np.complex64) else 1e-12
        tol = 1e-4 if narrowed else tol
        assert rel_fro(got, op(a.astype(wide), b.astype(wide))) < tol
    else:
        assert_same(got, want)


def ev(x):
    """Evaluate a lazy result now (products are lazy until read; dispatch counts need them recorded)."""
    x._leaf()
    return x


@pytest.fixture(autouse=True)
def _quiet_fallbacks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ga.FallbackWarning)
        yield


# ----------------------------------------------------------------------------- matmul
@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("mkn", [(1, 1, 1), (3, 5, 7), (17, 31, 20), (33, 127, 129)])
def test_matmul_dtypes_and_awkward_shapes(dtype, mkn, rng):
    m, k, n = mkn
    a, b = sample((m, k), dtype, rng), sample((k, n), dtype, rng)
    check(ga.asarray(a) @ ga.asarray(b), a, b)


@pytest.mark.parametrize("dtype", [d for d in REAL_DTYPES if np.dtype(d).kind in "iu"])
def test_integer_products_wrap_around(dtype, rng):
    info = np.iinfo(dtype)
    a = rng.integers(info.min, info.max, size=(9, 64), dtype=dtype, endpoint=True)
    b = rng.integers(info.min, info.max, size=(64, 5), dtype=dtype, endpoint=True)
    assert_same(ga.asarray(a) @ ga.asarray(b), a @ b)


def test_bool_is_or_of_ands(rng):
    a, b = rng.random((7, 40)) < 0.1, rng.random((40, 9)) < 0.1
    assert_same(ga.asarray(a) @ ga.asarray(b), a @ b)


@pytest.mark.parametrize("da,db", [(np.int8, np.uint8), (np.bool_, np.int8), (np.int8, np.float32),
                                   (np.int32, np.float32), (np.uint16, np.int16), (np.float32, np.complex64)])
def test_mixed_dtypes_promote(da, db, rng):
    a, b = sample((6, 19), da, rng, low=-5, high=5), sample((19, 4), db, rng, low=-5, high=5)
    check(ga.asarray(a) @ ga.asarray(b), a, b)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mkn", [(67, 71, 73), (129, 17, 127), (16, 1, 16)])
def test_tiled_prime_sizes(dtype, mkn, rng):
    m, k, n = mkn
    a, b = sample((m, k), dtype, rng, low=-1, high=1), sample((k, n), dtype, rng, low=-1, high=1)
    check(ga.asarray(a) @ ga.asarray(b), a, b)


def test_float32_accuracy_at_k4096(rng):
    a = rng.uniform(-1, 1, (24, 4096)).astype(np.float32)
    b = rng.uniform(-1, 1, (4096, 20)).astype(np.float32)
    got = ga.asarray(a) @ ga.asarray(b)
    assert rel_fro(got, a.astype(np.float64) @ b.astype(np.float64)) < 1e-5


@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.bool_])
def test_strided_operands_read_in_place(dtype, rng):
    """Transposes, step slices and reversed views: one dispatch, no copy of an operand."""
    a, b = sample((40, 37), dtype, rng, low=-9, high=9), sample((80, 41), dtype, rng, low=-9, high=9)
    A, B = ga.asarray(a), ga.asarray(b)
    cases = [
        (A.T, B[::-1, 2:39][:40], a.T, b[::-1, 2:39][:40]),
        (A[::2, ::-1], B[1::2, ::3][:37], a[::2, ::-1], b[1::2, ::3][:37]),
        (A[3:30:3].T[::2], B[5:23:2, 1:31:2], a[3:30:3].T[::2], b[5:23:2, 1:31:2]),
    ]
    for ga_a, ga_b, np_a, np_b in cases:
        with ga.stats() as s:
            got = ev(ga_a @ ga_b)
        assert s.dispatches == 1 and s.buffers_allocated <= 1
        check(got, np_a, np_b)


@pytest.mark.parametrize("sa,sb", [((2, 1, 5, 7), (3, 7, 4)), ((5, 7), (4, 7, 3)), ((4, 5, 7), (7, 3)),
                                   ((7,), (2, 3, 7, 4)), ((2, 3, 5, 7), (7,)), ((7,), (7,)), ((1, 5, 7), (6, 1, 7, 2)),
                                   ((3, 17, 33), (3, 33, 20))])
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_batched_broadcasting_and_1d(sa, sb, dtype, rng):
    a, b = sample(sa, dtype, rng, low=-9, high=9), sample(sb, dtype, rng, low=-9, high=9)
    check(ga.matmul(ga.asarray(a), ga.asarray(b)), a, b)


def test_broadcast_batch_over_a_shared_matrix_is_one_product(rng):
    a, b = rng.standard_normal((6, 20, 9)), rng.standard_normal((9, 18))
    A, B = ga.asarray(a), ga.asarray(b)
    with ga.stats() as s:
        got = ev(A @ B)
    assert s.dispatches == 1
    check(got, a, b)
    check(ga.asarray(a[:, ::2]) @ B, a[:, ::2], b)  # batch rows not contiguous in A


@pytest.mark.parametrize("sa,sb", [((0, 3), (3, 4)), ((3, 0), (0, 4)), ((2, 0, 3, 4), (4, 5)), ((0,), (0,)),
                                   ((4, 0), (0,)), ((3, 4), (4, 0))])
@pytest.mark.parametrize("dtype", [np.float32, np.int8])
def test_empty_dimensions(sa, sb, dtype):
    a, b = np.ones(sa, dtype), np.ones(sb, dtype)
    assert_same(ga.asarray(a) @ ga.asarray(b), a @ b)


def test_nan_and_inf_propagate():
    a = np.array([[np.nan, 1.0], [np.inf, 0.0], [1.0, 2.0]], np.float32)
    b = np.array([[1.0, 0.0], [2.0, 3.0]], np.float32)
    with np.errstate(invalid="ignore"):
        want = a @ b
    assert_same(ga.asarray(a) @ ga.asarray(b), want)


def test_no_recompilation_across_sizes(rng):
    shapes = [(17, 33, 20), (64, 5, 129), (31, 127, 16), (100, 3, 50)]
    for dtype in (np.float32, np.int32):
        ev(ga.asarray(sample((16, 2), dtype, rng)) @ ga.asarray(sample((2, 16), dtype, rng)))  # warm (narrow kernel)
        ev(ga.asarray(sample((17, 2), dtype, rng)) @ ga.asarray(sample((2, 17), dtype, rng)))  # warm (tiled kernel)
        with ga.stats() as s:
            for m, k, n in shapes:
                a, b = sample((m, k), dtype, rng), sample((k, n), dtype, rng)
                check(ga.asarray(a) @ ga.asarray(b), a, b)
        assert s.kernels_compiled == 0
    # views and batches of the same structure reuse the kernel too
    ev(ga.asarray(rng.standard_normal((2, 17, 17))) @ ga.asarray(rng.standard_normal((2, 17, 17))))
    with ga.stats() as s:
        for bsz, m in [(3, 20), (5, 37)]:
            a = rng.standard_normal((bsz, m, m + 1))
            b = rng.standard_normal((bsz, m, m))
            check(ga.asarray(a).mT @ ga.asarray(b), a.transpose(0, 2, 1), b)
    assert s.kernels_compiled == 0


def test_operators_methods_and_out(rng):
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((6, 3))
    A, B = ga.asarray(a), ga.asarray(b)
    check(A @ b, a, b)
    check(a.tolist() @ B, a, b)
    check(A.dot(B), a, b, np.dot)
    out = ga.zeros((4, 3))
    assert ga.matmul(A, B, out=out) is out
    check(out, a, b)
    C = ga.asarray(rng.standard_normal((6, 6)))
    c0 = C.get()
    C @= ga.eye(6)
    assert_same(C, c0 @ np.eye(6))


def test_matmul_errors():
    with pytest.raises(ValueError, match=r"matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                                         r"gufunc signature \(n\?,k\),\(k,m\?\)->\(n\?,m\?\) \(size 3 is different from 4\)"):
        ga.ones((3, 4)) @ ga.ones((3, 5))
    with pytest.raises(ValueError, match="size 4 is different from 3"):
        ga.ones(3) @ ga.ones(4)
    with pytest.raises(ValueError, match=r"Input operand 0 does not have enough dimensions \(has 0"):
        ga.matmul(ga.asarray(1.0), ga.ones(3))
    with pytest.raises(ValueError, match=r"remapped shapes \[original->remapped\]: \(2,3,4\)->\(2,newaxis,newaxis\)"):
        ga.ones((2, 3, 4)) @ ga.ones((3, 4, 2))


# ------------------------------------------------------------------ the other products
@pytest.mark.parametrize("dtype", REAL_DTYPES)
def test_dot_vdot_inner_outer_all_dtypes(dtype, rng):
    a, b = sample((5, 7), dtype, rng, low=-9, high=9), sample((7, 3), dtype, rng, low=-9, high=9)
    v, w = sample((7,), dtype, rng, low=-9, high=9), sample((7,), dtype, rng, low=-9, high=9)
    A, B, V, W = map(ga.asarray, (a, b, v, w))
    check(ga.dot(A, B), a, b, np.dot)
    check(ga.dot(V, W), v, w, np.dot)
    check(ga.vdot(A, A[::-1]), a, a[::-1], np.vdot)
    check(ga.inner(A, B.T), a, b.T, np.inner)
    check(ga.outer(V, W), v, w, np.outer)
    check(ga.vecdot(A, V), a, v, np.vecdot)


@pytest.mark.parametrize("sa,sb", [((2, 3, 4), (5, 4, 6)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((), (3, 2)),
                                   ((3, 4), ())])
def test_dot_shapes(sa, sb, rng):
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    check(ga.dot(ga.asarray(a), ga.asarray(b)), a, b, np.dot)


def test_dot_errors():
    with pytest.raises(ValueError, match=r"shapes \(2,3\) and \(4,\) not aligned: 3 \(dim 1\) != 4 \(dim 0\)"):
        ga.dot(ga.ones((2, 3)), ga.ones(4))
    with pytest.raises(ValueError, match="shape-mismatch for sum"):
        ga.tensordot(ga.ones((2, 3)), ga.ones((4, 5)), axes=1)
    with pytest.raises(ValueError, match=r"vecdot: Input operand 1 has a mismatch .* \(size 4 is different from 3\)"):
        ga.vecdot(ga.ones(3), ga.ones(4))


@pytest.mark.parametrize("sa,sb,axes", [((3, 4, 5), (4, 5, 2), 2), ((3, 4), (2, 5), 0), ((3, 4), (4, 2), 1),
                                        ((3, 4, 5), (4, 3, 2), ([1, 0], [0, 1])), ((3, 4, 5), (4, 3, 5), ([2, 0], [2, 1])),
                                        ((3, 4, 5), (5, 2), ([-1], [0])), ((0, 4), (4, 3), 1), ((3, 0), (0, 2), 1)])
def test_tensordot(sa, sb, axes, rng):
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    check(ga.tensordot(ga.asarray(a), ga.asarray(b), axes=axes), a, b, lambda x, y: np.tensordot(x, y, axes))


def test_tensordot_of_strided_views(rng):
    a, b = rng.standard_normal((6, 8, 5)), rng.standard_normal((5, 8, 3))
    av, bv = a[::2, ::-1], b.transpose(1, 0, 2)
    check(ga.tensordot(ga.asarray(a)[::2, ::-1], ga.asarray(b).transpose(1, 0, 2), ([1, 2], [0, 1])), av, bv,
          lambda x, y: np.tensordot(x, y, ([1, 2], [0, 1])))


def test_complex_vdot_and_vecdot_conjugate(rng):
    a = (rng.standard_normal((4, 6)) + 1j * rng.standard_normal((4, 6))).astype(np.complex64)
    b = (rng.standard_normal((4, 6)) + 1j * rng.standard_normal((4, 6))).astype(np.complex64)
    A, B = ga.asarray(a), ga.asarray(b)
    check(ga.vdot(A, B), a, b, np.vdot)
    check(ga.vecdot(A, B), a, b, np.vecdot)


def test_vecdot_broadcast_and_axis(rng):
    a, b = rng.standard_normal((3, 1, 5)), rng.standard_normal((4, 5))
    check(ga.vecdot(ga.asarray(a), ga.asarray(b)), a, b, np.vecdot)
    c, d = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    check(ga.vecdot(ga.asarray(c), ga.asarray(d), axis=0), c, d, lambda x, y: np.vecdot(x, y, axis=0))


@pytest.mark.parametrize("dtype", REAL_DTYPES)
def test_trace_dtypes(dtype, rng):
    a = sample((4, 5, 6), dtype, rng, low=-9, high=9)
    assert_same(ga.trace(ga.asarray(a)), np.trace(a))
    assert_same(ga.asarray(a).trace(1, 1, 2), a.trace(1, 1, 2))
    assert_same(ga.trace(ga.asarray(a), -2, 2, 0, dtype=np.float32), np.trace(a, -2, 2, 0, dtype=np.float32),
                rtol=1e-6)


def test_trace_and_transpose_errors():
    with pytest.raises(ValueError, match="diag requires an array of at least two dimensions"):
        ga.trace(ga.ones(3))
    with pytest.raises(ValueError, match="Input array must be at least 2-dimensional, but it is 1"):
        ga.matrix_transpose(ga.ones(3))


def test_kron_matrix_transpose_einsum(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((4, 1, 2))
    check(ga.kron(ga.asarray(a), ga.asarray(b)), a, b, np.kron)
    assert_same(ga.matrix_transpose(ga.asarray(b)), np.matrix_transpose(b))
    c = rng.standard_normal((5, 3, 2))
    with ga.stats() as s:
        got = ga.einsum("ij,kjl->kil", ga.asarray(a), ga.asarray(c))
    assert s.fallbacks == {}  # on the device (tests/test_einsum.py)
    assert_same(got, np.einsum("ij,kjl->kil", a, c), rtol=1e-12)


# --------------------------------------------------------------------------- linalg
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.complex64])
@pytest.mark.parametrize("ord", [None, 1, 2, np.inf, -np.inf, 0, 3])
def test_vector_norms(dtype, ord, rng):
    if np.dtype(dtype) not in [np.dtype(d) for d in ALL_DTYPES]:
        pytest.skip("no 64-bit support")
    x = sample((6, 11), dtype, rng, low=-9, high=9)
    X = ga.asarray(x)
    tol = 1e-5 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-12
    for axis in (1, 0):
        assert_same(ga.linalg.norm(X, ord, axis=axis), np.linalg.norm(x, ord, axis=axis), rtol=tol)
    assert_same(ga.linalg.vector_norm(X, ord=2 if ord is None else ord, keepdims=True),
                np.linalg.vector_norm(x, ord=2 if ord is None else ord, keepdims=True), rtol=tol)
    assert_same(ga.linalg.norm(X[:, ::-3], ord, axis=0, keepdims=True),
                np.linalg.norm(x[:, ::-3], ord, axis=0, keepdims=True), rtol=tol)


@pytest.mark.parametrize("ord", [None, "fro", 1, -1, np.inf, -np.inf, 2, -2, "nuc"])
def test_matrix_norms(ord, rng):
    x = rng.standard_normal((3, 5, 4)).astype(np.float32)
    X = ga.asarray(x)
    assert_same(ga.linalg.norm(X, ord, axis=(1, 2)), np.linalg.norm(x, ord, axis=(1, 2)), rtol=1e-5)
    assert_same(ga.linalg.norm(X, ord, axis=(2, 0), keepdims=True),
                np.linalg.norm(x, ord, axis=(2, 0), keepdims=True), rtol=1e-5)
    assert_same(ga.linalg.matrix_norm(X, ord="fro" if ord is None else ord),
                np.linalg.matrix_norm(x, ord="fro" if ord is None else ord), rtol=1e-5)


def test_norm_defaults_and_errors(rng):
    x = rng.standard_normal((2, 3, 4))
    assert_same(ga.linalg.norm(ga.asarray(x)), np.linalg.norm(x))
    assert_same(ga.linalg.norm(ga.asarray(x), keepdims=True), np.linalg.norm(x, keepdims=True))
    assert_same(ga.linalg.norm(ga.asarray(x[0]), 1), np.linalg.norm(x[0], 1))
    with pytest.raises(ValueError, match="Improper number of dimensions to norm."):
        ga.linalg.norm(ga.asarray(x), ord=1)
    with pytest.raises(ValueError, match="Invalid norm order for matrices."):
        ga.linalg.norm(ga.asarray(x[0]), ord=3)
    with pytest.raises(ValueError, match="Invalid norm order 'fro' for vectors"):
        ga.linalg.norm(ga.asarray(x[0, 0]), ord="fro")


def test_linalg_device_functions(rng):
    a, b = rng.standard_normal((3, 4, 4)), rng.standard_normal((2, 1, 3))
    A = ga.asarray(a)
    for n in (0, 1, 2, 5):
        assert_same(ga.linalg.matrix_power(A, n), np.linalg.matrix_power(a, n), rtol=1e-10)
    assert_same(ga.linalg.matrix_power(A, -2), np.linalg.matrix_power(a, -2), rtol=1e-8)
    assert_same(ga.linalg.matrix_power(ga.asarray(np.arange(9).reshape(3, 3)), 3),
                np.linalg.matrix_power(np.arange(9).reshape(3, 3), 3))
    with pytest.raises(np.linalg.LinAlgError, match="Last 2 dimensions of the array must be square"):
        ga.linalg.matrix_power(ga.ones((2, 3)), 2)
    c = rng.standard_normal((4, 3))
    assert_same(ga.linalg.cross(ga.asarray(b), ga.asarray(c)), np.linalg.cross(b, c))
    assert_same(ga.linalg.trace(A, offset=1), np.linalg.trace(a, offset=1))
    assert_same(ga.linalg.diagonal(A, offset=-1), np.linalg.diagonal(a, offset=-1))
    assert_same(ga.linalg.outer(A[0, 0], A[1, 1]), np.linalg.outer(a[0, 0], a[1, 1]))
    assert_same(ga.linalg.tensordot(A, A[0], axes=1), np.linalg.tensordot(a, a[0], axes=1), rtol=1e-12)
    assert_same(ga.linalg.vecdot(A, A), np.linalg.vecdot(a, a), rtol=1e-12)
    assert_same(ga.linalg.matmul(A, A), np.linalg.matmul(a, a), rtol=1e-12)
    assert_same(ga.linalg.multi_dot([A[0, 0], A[1], A[2]]), np.linalg.multi_dot([a[0, 0], a[1], a[2]]), rtol=1e-12)
    assert_same(ga.linalg.matrix_transpose(A), np.linalg.matrix_transpose(a))
    with pytest.raises(ValueError, match="must be one-dimensional"):
        ga.linalg.outer(A, A)


def test_linalg_host_fallbacks_are_counted(rng):
    a = rng.standard_normal((3, 4, 4)) + 4 * np.eye(4)
    A = ga.asarray(a.astype(np.float32))
    with ga.stats() as s:
        with pytest.raises(TypeError):  # float16: NumPy's error, on the host
            ga.linalg.inv(A.astype(np.float16))
        with pytest.raises(TypeError):
            ga.linalg.eigvals(A.astype(np.float16))
        with pytest.raises(TypeError):
            ga.linalg.qr(A.astype(np.float16))
    assert {"linalg.inv", "linalg.eigvals", "linalg.qr"} <= set(s.fallbacks)
    with pytest.raises(np.linalg.LinAlgError):
        ga.linalg.inv(ga.zeros((2, 2), dtype=np.complex64))


# ------------------------------------------------------------------ fast kernel paths
@pytest.mark.parametrize("dtype", FLOATS)
def test_fast_kernel_transposed_operands(dtype, rng):
    """Every load pattern (k-fast / m-fast A, k-fast / n-fast B) on partial tiles."""
    a, b = rng.uniform(-1, 1, (161, 300)).astype(dtype), rng.uniform(-1, 1, (300, 143)).astype(dtype)
    A, B = ga.asarray(a), ga.asarray(b)
    At, Bt = ga.asarray(a.T.copy()).T, ga.asarray(b.T.copy()).T
    for x, y in [(A, B), (At, B), (A, Bt), (At, Bt)]:
        check(x @ y, a, b)
    check(A[1::2, ::-1] @ B[::-1, 3:], a[1::2, ::-1], b[::-1, 3:])


def test_split_k_accuracy_and_dispatches(rng):
    a = rng.uniform(-1, 1, (64, 8192)).astype(np.float32)
    b = rng.uniform(-1, 1, (8192, 48)).astype(np.float32)
    A, B = ga.asarray(a), ga.asarray(b)
    with ga.stats() as s:
        got = ev(A @ B)
    assert s.dispatches == 2  # partial products, then their sum
    assert rel_fro(got, a.astype(np.float64) @ b) < 1e-5


@pytest.mark.parametrize("n,split", [(3000, True), (300, False)])
def test_symmetric_products_mirror_one_triangle(n, split, rng):
    x = rng.random((n, 150)).astype(np.float32)
    X = ga.asarray(x)
    with ga.stats() as s:
        g = ev(X.T @ X)
    assert s.dispatches == (2 if split else 1)
    got = g.get()
    assert np.array_equal(got, got.T)
    assert rel_fro(got, x.T.astype(np.float64) @ x) < 1e-5
    y = x[:200, :60]
    Y = ga.asarray(y)
    got = (Y @ Y.T).get()
    assert np.array_equal(got, got.T)
    assert rel_fro(got, y.astype(np.float64) @ y.T) < 1e-5
    check(X[:, :100].T @ X[:, 50:], x[:, :100].T, x[:, 50:])  # same buffer, different views: no mirror


@pytest.mark.parametrize("narrow_kernel", [True, False])
@pytest.mark.parametrize("dtype", FLOATS)
def test_skinny_and_thin_products(dtype, narrow_kernel, rng, monkeypatch):
    from gpuarray._kernels import matmul as _linalg

    monkeypatch.setattr(_linalg, "NARROW", narrow_kernel)  # False: the skinny tiled kernel and its split-K
    x = rng.uniform(-1, 1, (3000, 200)).astype(dtype)
    q = rng.uniform(-1, 1, (200, 5)).astype(dtype)
    g = rng.uniform(-1, 1, (3000, 7)).astype(dtype)
    X, Q, G = ga.asarray(x), ga.asarray(q), ga.asarray(g)
    check(X @ Q, x, q)  # (n, d) @ (d, k), k small
    check(Q.T @ X.T, q.T, x.T)  # thin on the left: computed as the transpose
    check(X.T @ G, x.T, g)  # thin output, long K: split-K
    check(G.T @ X, g.T, x)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 2, 4, 7, 8, 9, 13, 16])
def test_narrow_products_every_thin_width(dtype, n, rng):
    """The narrow kernel (a side <= 16): G @ Q, Q.T @ G, one dispatch each, any layout."""
    g = rng.uniform(-1, 1, (301, 517)).astype(dtype)
    q = rng.uniform(-1, 1, (517, n)).astype(dtype)
    G, Q = ga.asarray(g), ga.asarray(q)
    with ga.stats() as s:
        got = ev(G @ Q)
    assert s.dispatches == 1
    check(got, g, q)
    check(Q.T @ G.T, q.T, g.T)  # thin on the left, m-fast A
    check(ga.asarray(g.T.copy()).T @ ga.asarray(q.T.copy()).T, g, q)  # transposed storage
    check(G[::-2, 5::3] @ Q[5::3][::-1], g[::-2, 5::3], q[5::3][::-1])  # negative and non-unit strides


def test_narrow_products_small_batched_empty_k(rng):
    for m, k, n in [(1, 1, 1), (3, 2, 5), (16, 16, 16), (8, 1024, 8), (5, 3000, 2)]:
        a, b = rng.standard_normal((m, k)).astype(np.float32), rng.standard_normal((k, n)).astype(np.float32)
        check(ga.asarray(a) @ ga.asarray(b), a, b)
    a, b = rng.standard_normal((3, 40, 70)).astype(np.float32), rng.standard_normal((3, 70, 6)).astype(np.float32)
    check(ga.asarray(a) @ ga.asarray(b), a, b)
    check(ga.asarray(a[0]) @ ga.asarray(b), a[0], b)  # broadcast batch
    got = ga.asarray(np.ones((4, 0), np.float32)) @ ga.asarray(np.ones((0, 3), np.float32))
    assert_same(got, np.zeros((4, 3), np.float32))
    a = np.array([[np.nan, 1.0], [np.inf, 0.0], [1.0, 2.0]], np.float32)
    with np.errstate(invalid="ignore"):
        assert_same(ga.asarray(a) @ ga.asarray(np.eye(2, dtype=np.float32)), a @ np.eye(2, dtype=np.float32))


def test_narrow_split_k_and_norms(rng):
    x = rng.uniform(-1, 1, (60000, 64)).astype(np.float32)
    g = rng.uniform(-1, 1, (60000, 8)).astype(np.float32)
    X, G = ga.asarray(x), ga.asarray(g)
    with ga.stats() as s:
        got = ev(X.T @ G)
    assert s.dispatches == 2  # partial sums over K splits, then their sum
    assert rel_fro(got, x.T.astype(np.float64) @ g) < 1e-5
    q = rng.standard_normal((1024, 8)).astype(np.float32)
    Q = ga.asarray(q)
    assert_same(ga.linalg.norm(Q, axis=0), np.linalg.norm(q, axis=0), rtol=1e-5)
    assert_same(ga.linalg.norm(Q, axis=1), np.linalg.norm(q, axis=1), rtol=1e-5)
    v = rng.standard_normal(300000).astype(np.float32)
    assert_same(ga.linalg.norm(ga.asarray(v)), np.linalg.norm(v), rtol=1e-5)
