"""Matrix factorizations on the device: ``cholesky``, ``solve``, ``inv``, ``det``, ``slogdet``
(and the triangular solves under them; ``tensorsolve``, ``tensorinv`` on top), ``qr``, ``eigh``
and ``eigvalsh``, float32 and float64, batched over leading dims; the one-sided Jacobi sweeps
under ``_api/svd.py``.

Blocked algorithms: the kernels of ``_kernels/factor.py`` factor NB x NB diagonal blocks (Cholesky,
inverses of triangular blocks) and NB-column LU panels; everything else is a matrix product on
the matmul kernels:

- Cholesky (right-looking): factor the diagonal block and invert it, ``L21 = A21 @ inv(L11).T``,
  ``A22 -= L21 @ L21.T``;
- LU with partial pivoting (right-looking): factor the panel (whole rows swapped),
  ``U12 = inv(L11) @ A12``, ``A22 -= L21 @ U12``;
- triangular solves (many right-hand sides): the inverses of all diagonal blocks in one dispatch,
  then per block row ``X_i = inv(T_ii) @ (B_i - T_i,done @ X_done)``;
- QR (blocked Householder): each NB-column panel by the kernel (LAPACK's geqr2 conventions, so R's
  signs are NumPy's), the trailing columns updated with the compact WY form
  ``C -= V (T^T (V^T C))``; Q formed from the identity with the blocks in reverse order;
- eigh: the parallel cyclic Jacobi method, one workgroup per matrix (n <= 64), on the matrix
  scaled by its largest magnitude, one Newton-Schulz step on the vectors; larger (and complex
  Hermitian) matrices: Householder tridiagonalisation, then implicit QL on the real tridiagonal.

Every factorization runs on a contiguous (batch, n, n) work copy in the computation dtype
(NumPy's: float32 stays float32, integers and bool become float64). Failures (not positive
definite, singular) are flags the kernels set on the device; the functions where NumPy raises
read them (one small read) and raise NumPy's LinAlgError. The kernels are written for real and
complex elements (complex: transposes become conjugate transposes, LAPACK's z-conventions; a
Hermitian matrix reduces to a real tridiagonal; complex128 blocks take all of lavapipe's 32 KiB of
workgroup memory); float16 goes to NumPy (a counted host fallback), which gives NumPy's error for it.
"""
from __future__ import annotations

import math

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray, from_host
from .._graph.nodes import Cast, Leaf, broadcast_shapes, new_leaf
from .._kernels import codegen as _codegen
from .._kernels import factor as _factor
from .._device import runtime as _runtime
from .._device.fallback import host_call
from .._lazy.elementwise import apply, assign
from .creation import asarray, eye, tril, triu, zeros
from .linalg import matmul
from .manipulation import broadcast_to, diagonal, matrix_transpose, permute_dims, reshape
from .reductions import max as rmax, prod, sum as rsum
from .searching import take_along_axis
from .sorting import argsort

LinAlgError = np.linalg.LinAlgError
NB = _factor.NB
SlogdetResult = np.linalg._linalg.SlogdetResult
QRResult = np.linalg._linalg.QRResult
EighResult = np.linalg._linalg.EighResult


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _compute_dtype(d):
    """NumPy's linalg computation dtype, or None where the device path does not serve it."""
    if d in (dt.float32, dt.float64):
        return d
    if d.kind in "biu":
        return dt.default_float()
    return None


def _check_square(x: GpuArray) -> None:
    if x.ndim < 2:
        raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be at least two-dimensional")
    if x.shape[-1] != x.shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")


def _host(name, *args, **kwargs):
    """NumPy's ``linalg.name`` on host copies (a counted fallback), the result back on the device."""
    host = [a.get() if isinstance(a, GpuArray) else a for a in args]
    res = host_call(getattr(np.linalg, name), f"linalg.{name}", host, kwargs)
    if isinstance(res, tuple):  # a named result type, or a plain tuple (qr's 'raw' mode)
        vals = [from_host(np.asarray(r)) for r in res]
        return type(res)(*vals) if hasattr(res, "_fields") else tuple(vals)
    return from_host(np.asarray(res))


def _work(x: GpuArray, ct, shape) -> Leaf:
    """A contiguous copy of ``x`` broadcast to ``shape`` (batch + core), in dtype ``ct``, seen as
    (batch, rows, cols): the buffer a factorization overwrites."""
    rows, cols = shape[-2:]
    batch = math.prod(shape[:-2])
    if tuple(x.shape) != tuple(shape):
        x = broadcast_to(x, shape)
    leaf = new_leaf(ct, (batch, rows, cols))
    node = reshape(x, (batch, rows, cols)) if x.ndim != 3 or x.shape[0] != batch else x
    node = node._node
    _codegen.evaluate_into(node if node.dtype == ct else Cast(node, ct), leaf)
    return leaf


def _view(w: Leaf, r0: int, c0: int, rows: int, cols: int) -> GpuArray:
    """The block [r0:r0+rows, c0:c0+cols] of every matrix of the work buffer ``w``."""
    b, _, n = w.shape
    return GpuArray(Leaf(w.storage, w.dtype, (b, rows, cols), w.strides, w.offset + r0 * n + c0))


def _own(x: GpuArray) -> GpuArray:
    """``x`` computed into a buffer of its own now (a product is otherwise evaluated where read)."""
    x._leaf()
    return x


def _flags(b: int, words: int) -> GpuArray:
    return from_host(np.zeros((b, words), np.uint32))


# ------------------------------------------------------------------------ Cholesky
def _cholesky_inplace(w: Leaf) -> GpuArray:
    """Blocked right-looking Cholesky of the work buffer (lower triangle; the strict upper one is
    left as garbage). Returns the flags (batch, 1): 1 where a matrix is not positive definite."""
    b, n, _ = w.shape
    info = _flags(b, 1)
    bs = _factor.block_side(n)
    inv = _runtime.device().alloc(b * bs * bs * w.dtype.itemsize)
    invT = GpuArray(Leaf(inv, w.dtype, (b, bs, bs), (bs * bs, 1, bs), 0))  # inv(L11).T
    for k in range(0, n, NB):
        nb = min(NB, n - k)
        _factor.chol_block(w, k, nb, inv, info._leaf().storage)
        r = n - k - nb
        if r:
            # L21 into a buffer of its own first: the update of A22 then reads no other part of
            # the work buffer and is one product kernel storing A22 - L21 L21^T in place
            inv_h = invT[:, :nb, :nb] if w.dtype.kind != "c" else apply("conj", invT[:, :nb, :nb])
            l21 = _own(matmul(_view(w, k + nb, k, r, nb), inv_h))
            a22 = _view(w, k + nb, k + nb, r, r)
            assign(a22, apply("subtract", a22, matmul(l21, _adjoint(l21))), value_temporary=True)
            assign(_view(w, k + nb, k, r, nb), l21, value_temporary=True)
    return info


def cholesky(x, /, *, upper=False):
    """The Cholesky factor of a Hermitian positive-definite matrix (lower, or upper with
    ``upper=True``), NumPy's ``linalg.cholesky``: only the lower (upper) triangle is read (of a
    complex diagonal, the real part); LinAlgError if a pivot is not positive (NaNs propagate
    without one, as NumPy's)."""
    x = _arr(x)
    _check_square(x)
    ct = _compute_dtype_c(x.dtype)
    if ct is None:
        return _host("cholesky", x, upper=upper)
    if x.size == 0:
        return zeros(x.shape, dtype=ct)
    if upper:  # the upper triangle read as the lower one of the (conjugate) transpose
        x = _adjoint(x)
    w = _work(x, ct, x.shape)
    info = _cholesky_inplace(w)
    if info.get().any():
        raise LinAlgError("Matrix is not positive definite")
    res = reshape(tril(GpuArray(w)), x.shape)
    return _adjoint(res).copy() if upper else res


# -------------------------------------------------------------- triangular solves
def _tri_solve(t: Leaf, rhs: GpuArray, lower: bool, unit: bool) -> GpuArray:
    """X with T X = rhs for the triangular matrices ``t`` (batch, n, n, non-negative strides; only
    the triangle is read, the diagonal taken as ones when ``unit``) and rhs (batch, n, m)."""
    b, n, _ = t.shape
    blocks = -(-n // NB)
    bs = _factor.block_side(n)
    inv = _runtime.device().alloc(b * blocks * bs * bs * t.dtype.itemsize)
    _factor.tri_block_inverse(t, lower, unit, 0, blocks, inv)
    tt = GpuArray(t)
    x = GpuArray(new_leaf(t.dtype, rhs.shape))
    for q in (range(blocks) if lower else range(blocks - 1, -1, -1)):
        s = q * NB
        e = min(n, s + NB)
        inv_q = GpuArray(Leaf(inv, t.dtype, (b, e - s, e - s), (blocks * bs * bs, bs, 1), q * bs * bs))
        r = rhs[:, s:e, :]
        if lower and s:
            r = apply("subtract", r, matmul(tt[:, s:e, :s], x[:, :s, :]))
        elif not lower and e < n:
            r = apply("subtract", r, matmul(tt[:, s:e, e:], x[:, e:, :]))
        assign(x[:, s:e, :], matmul(inv_q, r))
    return x


def solve_triangular(a, b, lower: bool = True):
    """x with ``a @ x == b`` for a square triangular ``a`` (only its triangle is read) and ``b``
    of shape (n,) or (n, k), in NumPy's linalg dtype (float32, float64, complex64, complex128;
    integers as float64). None where the device path does not serve the dtypes (float16): the
    caller's fallback."""
    a, b = _arr(a), _arr(b)
    ca, cb = _compute_dtype_c(a.dtype), _compute_dtype_c(b.dtype)
    if ca is None or cb is None:
        return None
    ct = dt.result_type(ca, cb)
    n = a.shape[0]
    vector = b.ndim == 1
    bm = reshape(b, (1, n, 1)) if vector else reshape(b, (1,) + tuple(b.shape))
    x = _tri_solve(_work(a, ct, (1, n, n)), GpuArray(_work(bm, ct, bm.shape)), lower=lower, unit=False)
    return reshape(x, (n,) if vector else tuple(b.shape))


# ----------------------------------------------------------------------------- LU
def _lu_inplace(w: Leaf) -> tuple[GpuArray, GpuArray]:
    """Blocked right-looking LU with partial pivoting of the work buffer: P A = L U with L unit
    lower (below the diagonal) and U upper in place. Returns (perm (batch, n) u32: the original
    row at each row, info (batch, 2): [singular, parity of the row swaps])."""
    b, n, _ = w.shape
    perm = GpuArray(new_leaf(dt.uint32, (b, n)))
    info = _flags(b, 2)
    bs = _factor.block_side(n)
    inv = _runtime.device().alloc(b * bs * bs * w.dtype.itemsize)
    inv11 = GpuArray(Leaf(inv, w.dtype, (b, bs, bs), (bs * bs, bs, 1), 0))
    for k in range(0, n, NB):
        nb = min(NB, n - k)
        _factor.lu_panel(w, k, nb, perm._leaf().storage, info._leaf().storage)
        r = n - k - nb
        if r:
            _factor.tri_block_inverse(w, True, True, k, 1, inv)
            # U12 and L21 in buffers of their own: A22 - L21 U12 is one product kernel in place
            u12 = _own(matmul(inv11[:, :nb, :nb], _view(w, k, k + nb, nb, r)))
            l21 = _view(w, k + nb, k, r, nb).copy()
            a22 = _view(w, k + nb, k + nb, r, r)
            assign(a22, apply("subtract", a22, matmul(l21, u12)), value_temporary=True)
            assign(_view(w, k, k + nb, nb, r), u12, value_temporary=True)
    return perm, info


def _compute_dtype_c(d):
    """``_compute_dtype`` for the factorizations whose kernels also take complex elements
    (complex64 and complex128 stay), or None."""
    return d if d in (dt.complex64, dt.complex128) else _compute_dtype(d)


def solve(a, b, /):
    """x with ``a @ x == b`` (NumPy's ``linalg.solve``: ``b`` of shape (M,) is one vector, else
    (..., M, K) a stack of right-hand sides; batch dims broadcast). LinAlgError for a singular
    matrix (an exact zero pivot, as LAPACK)."""
    a, b = _arr(a), _arr(b)
    _check_square(a)
    ca, cb = _compute_dtype_c(a.dtype), _compute_dtype_c(b.dtype)
    if ca is None or cb is None:
        return _host("solve", a, b)
    ct = dt.result_type(ca, cb)
    n = a.shape[-1]
    vector = b.ndim == 1
    bm = reshape(b, (n, 1)) if vector and b.shape[0] == n else b
    if bm.ndim < 2 or bm.shape[-2] != n:
        sig = "(m,m),(m)->(m)" if vector else "(m,m),(m,n)->(m,n)"
        got = bm.shape[-1] if vector else bm.shape[-2] if bm.ndim >= 2 else bm.shape[-1]
        raise ValueError(f"solve{'1' if vector else ''}: Input operand 1 has a mismatch in its core dimension 0, "
                         f"with gufunc signature {sig} (size {got} is different from {n})")
    batch = broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    m = bm.shape[-1]
    shape = batch + (n, m)
    if math.prod(shape) == 0:
        res = zeros(shape, dtype=ct)
    else:
        w = _work(a, ct, batch + (n, n))
        perm, info = _lu_inplace(w)
        if info[:, 0].any().get():
            raise LinAlgError("Singular matrix")
        rhs = GpuArray(_work(bm, ct, shape))
        rhs = take_along_axis(rhs, reshape(perm, perm.shape + (1,)), axis=1)
        y = _tri_solve(w, rhs, lower=True, unit=True)
        res = reshape(_tri_solve(w, y, lower=False, unit=False), shape)
    return reshape(res, batch + (n,)) if vector else res


def inv(a, /):
    """The inverse of a square matrix (of each in a stack): ``solve(a, I)``."""
    a = _arr(a)
    _check_square(a)
    ct = _compute_dtype_c(a.dtype)
    if ct is None:
        return _host("inv", a)
    n = a.shape[-1]
    return solve(a, broadcast_to(eye(n, dtype=ct), a.shape))


def tensorsolve(a, b, axes=None):
    """x with ``tensordot(a, x, x.ndim) == b`` (NumPy's ``linalg.tensorsolve``): ``solve`` of the
    reshaped problem."""
    a, b = _arr(a), _arr(b)
    an = a.ndim
    if axes is not None:
        order = list(range(an))
        for k in axes:
            order.remove(k)
            order.insert(an, k)
        a = permute_dims(a, order)
    oldshape = a.shape[-(an - b.ndim):]
    size = math.prod(oldshape)
    if a.size != size ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    return reshape(solve(reshape(a, (size, size)), reshape(b, (-1,))), oldshape)


def tensorinv(a, ind=2):
    """The inverse of ``a`` under ``tensordot(., ., ind)`` (NumPy's ``linalg.tensorinv``): ``inv``
    of the reshaped array."""
    a = _arr(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    oldshape = a.shape
    size = math.prod(oldshape[ind:])
    return reshape(inv(reshape(a, (size, -1))), oldshape[ind:] + oldshape[:ind])


def _lu_diagonal(a: GpuArray):
    """(diagonal of U (batch..., n), parity of the row swaps (batch...,) as 0/1, singular
    (batch...,) bool) of a's LU."""
    w = _work(a, _compute_dtype_c(a.dtype), a.shape)
    _, info = _lu_inplace(w)
    d = reshape(diagonal(GpuArray(w), axis1=-2, axis2=-1), a.shape[:-1])
    return d, reshape(info[:, 1], a.shape[:-2]), reshape(apply("not_equal", info[:, 0], 0), a.shape[:-2])


def _swap_sign(parity: GpuArray, ct) -> GpuArray:
    """1 - 2 * parity in dtype ct: the sign of the row permutation."""
    return apply("subtract", 1, apply("multiply", 2, parity.astype(ct)))


def det(a, /):
    """The determinant (NumPy's ``linalg.det``): the product of U's diagonal from LU with partial
    pivoting, negated for an odd number of row swaps; 0 for a singular matrix."""
    a = _arr(a)
    _check_square(a)
    ct = _compute_dtype_c(a.dtype)
    if ct is None:
        return _host("det", a)
    if a.shape[-1] == 0 or a.size == 0:
        return apply("add", zeros(a.shape[:-2], dtype=ct), 1) if a.shape[-1] == 0 else zeros(a.shape[:-2], dtype=ct)
    d, parity, _ = _lu_diagonal(a)
    return apply("multiply", prod(d, axis=-1), _swap_sign(parity, ct)).astype(ct)


def slogdet(a, /):
    """(sign, log|det|) (NumPy's ``linalg.slogdet``, a SlogdetResult): from U's diagonal of LU
    with partial pivoting; (0, -inf) for a singular matrix. Complex: the sign is the unit
    product of the pivots' phases, log|det| real."""
    a = _arr(a)
    _check_square(a)
    ct = _compute_dtype_c(a.dtype)
    if ct is None:
        return _host("slogdet", a)
    rt = dt.real_of(ct) if ct.kind == "c" else ct
    if a.size == 0:
        ones = apply("add", zeros(a.shape[:-2], dtype=ct), 1)
        if a.shape[-1] == 0:
            return SlogdetResult(ones, zeros(a.shape[:-2], dtype=rt))
        return SlogdetResult(zeros(a.shape[:-2], dtype=ct), zeros(a.shape[:-2], dtype=rt))
    d, parity, singular = _lu_diagonal(a)
    absd = apply("absolute", d)
    if ct.kind == "c":  # the permutation's sign times the product of the pivots' phases
        phase = apply("divide", d, apply("where", apply("equal", absd, 0), 1, absd))
        sign = apply("multiply", apply("multiply", prod(phase, axis=-1), _swap_sign(parity, rt)),
                     apply("logical_not", singular))
    else:
        # NumPy's: the sign is the permutation's times -1 per negative pivot (a NaN pivot counts as
        # positive); a zero pivot (singular) gives (0, -inf)
        neg = rsum(apply("less", d, 0), axis=-1)
        sign = apply("multiply", _swap_sign(apply("bitwise_xor", parity, apply("bitwise_and", neg.astype(dt.uint32), 1)), ct),
                     apply("logical_not", singular))
    with np.errstate(divide="ignore"):  # (the log of a zero pivot is replaced)
        logdet = rsum(apply("log", absd), axis=-1)
    logdet = apply("where", singular, -np.inf, logdet)
    return SlogdetResult(sign.astype(ct), logdet.astype(rt))


# ------------------------------------------------------------------------------ QR
def qr(a, mode="reduced"):
    """NumPy's ``linalg.qr``: QRResult(Q, R) for modes 'reduced' (Q (..., M, K), R (..., K, N),
    K = min(M, N)) and 'complete' (Q (..., M, M), R (..., M, N)); R alone for 'r'. Householder
    reflectors with LAPACK's sign conventions; 'raw' is LAPACK's own layout, as NumPy returns it:
    (h, tau), h (..., N, M) the factored matrix transposed (R on and above the diagonal of its
    transpose, the reflectors' vectors below it, their leading 1 implicit), tau (..., K)."""
    a = _arr(a)
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    if a.ndim < 2:
        raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least two-dimensional")
    ct = _compute_dtype_c(a.dtype)
    if ct is None:
        return _host("qr", a, mode=mode)
    *batch, m, n = a.shape
    batch = tuple(batch)
    k = min(m, n)
    if mode == "raw":
        if a.size == 0:
            return zeros(batch + (n, m), dtype=ct), zeros(batch + (k,), dtype=ct)
        w = _work(a, ct, a.shape)
        tau = _runtime.device().alloc(w.shape[0] * k * w.dtype.itemsize)
        _qr_inplace(w, tau, k)
        taus = GpuArray(Leaf(tau, ct, (w.shape[0], k), (k, 1), 0))
        return matrix_transpose(reshape(GpuArray(w), batch + (m, n))), reshape(taus, batch + (k,))
    kq = m if mode == "complete" else k
    rrows = m if mode == "complete" else k
    if a.size == 0:
        r = zeros(batch + (rrows, n), dtype=ct)
        if mode == "r":
            return r
        q = broadcast_to(eye(m, kq, dtype=ct), batch + (m, kq)).copy()
        return QRResult(q, r)
    w = _work(a, ct, a.shape)
    b = w.shape[0]
    tau = _runtime.device().alloc(b * k * w.dtype.itemsize)
    blocks = _qr_inplace(w, tau, k)
    r = reshape(triu(GpuArray(w)[:, :rrows, :]), batch + (rrows, n))
    if mode == "r":
        return r
    q = _work(eye(m, kq, dtype=ct), ct, (b, m, kq))
    if blocks is None:
        _factor.qr_apply(w, tau, k, 0, k, q, descending=True, from_j=True)
    else:  # Q = (I - V0 T0 V0^T) (I - V1 T1 V1^T) ... I, the last block first, on the matmuls
        qa = GpuArray(q)
        for k0, v, t in reversed(blocks):
            sub = qa[:, k0:, k0:]
            assign(sub, apply("subtract", sub, matmul(v, matmul(t, matmul(_adjoint(v), sub)))))
    return QRResult(reshape(GpuArray(q), batch + (m, kq)), r)


def _qr_inplace(w: Leaf, tau, k: int):
    """Householder QR of the work buffer (batch, m, n) in place (R on and above the diagonal, the
    reflectors below it, taus in ``tau``). Up to NB columns: one kernel. Wider: blocked, each
    NB-column panel factored by the kernel and the rest of the matrix updated with the compact WY
    form on the matmuls, C -= V (T^T (V^T C)); returns the blocks [(first column, V, T)] (None
    when unblocked) for forming Q."""
    b, m, n = w.shape
    if n <= NB:
        _factor.qr_panel(w, 0, n, tau, k)
        return None
    wa = GpuArray(w)
    blocks = []
    for k0 in range(0, k, NB):
        nb = min(NB, k - k0)
        _factor.qr_panel(w, k0, k0 + nb, tau, k)
        v = apply("add", tril(wa[:, k0:, k0:k0 + nb], -1), eye(m - k0, nb, dtype=w.dtype)).copy()
        g = matmul(_adjoint(v), v).copy()
        t = GpuArray(new_leaf(w.dtype, (b, nb, nb)))
        _factor.qr_t(g._leaf(), tau, k0, k, t._leaf())
        blocks.append((k0, v, t))
        if k0 + nb < n:
            c = wa[:, k0:, k0 + nb:]
            vtc = matmul(_adjoint(v), c)
            assign(c, apply("subtract", c, matmul(v, matmul(_adjoint(t), vtc))))
    return blocks


# --------------------------------------------------------------------------- eigh
JACOBI_SWEEPS_MAX = 40  # a bound only: sweeps stop at the first one that rotates no pair


def one_sided_jacobi(x: Leaf, vectors: bool):
    """The rows of the matrices ``x`` ((batch, count, len), contiguous at offset 0) made pairwise
    orthogonal in place by sweeps of plane rotations (one-sided Jacobi: X <- V^T X); returns V^T
    ((batch, count, count) GpuArray, rows the rotated unit vectors) when ``vectors``, else None.
    Each sweep reads one flag per matrix (a sync): sweeps stop when no pair was rotated, i.e. every
    pair is orthogonal to sqrt(len) * eps relative to the rows' norms."""
    b, count, length = x.shape
    ct = x.dtype
    vt = _work(eye(count, dtype=ct), ct, (b, count, count)) if vectors else None
    tol = float(np.finfo(ct).eps) * max(1.0, math.sqrt(length))
    rounds = count + (count & 1) - 1
    for _ in range(JACOBI_SWEEPS_MAX):
        flags = _flags(b, 1)
        st = flags._leaf().storage
        for r in range(rounds):
            _factor.jacobi_round(x, vt, r, st, tol)
        if not flags.any().get():
            break
    return None if vt is None else GpuArray(vt)


def _adjoint(v: GpuArray) -> GpuArray:
    """The conjugate transpose of the last two axes (the transpose of a real array)."""
    vt = matrix_transpose(v)
    return apply("conj", vt) if v.dtype.kind == "c" else vt


def newton_schulz(v: GpuArray, rows: bool = False) -> GpuArray:
    """One Newton-Schulz step towards orthogonality: V (3 I - V^H V) / 2 for orthonormal columns
    (``rows``: (3 I - V V^H) V / 2 for orthonormal rows). Rotations' products drift from
    orthogonal by ~(rotations x eps): one step squares that away."""
    n = v.shape[-1] if not rows else v.shape[-2]
    eye3 = apply("multiply", eye(n, dtype=v.dtype), 1.5)
    if rows:
        return matmul(apply("subtract", eye3, apply("multiply", matmul(v, _adjoint(v)), 0.5)), v)
    return matmul(v, apply("subtract", eye3, apply("multiply", matmul(_adjoint(v), v), 0.5)))


def _eigh(a: GpuArray, uplo: str, vectors: bool):
    """(eigenvalues, eigenvectors or None) on the device, or None where the device path does not
    serve a."""
    n = a.shape[-1]
    cplx = a.dtype in (dt.complex64, dt.complex128)
    ct = a.dtype if cplx else _compute_dtype(a.dtype)
    if ct is None:
        return None
    rt = dt.real_of(ct) if cplx else ct
    if a.size == 0:
        return zeros(a.shape[:-1], dtype=rt), (zeros(a.shape, dtype=ct) if vectors else None)
    if uplo == "U":  # the upper triangle read as the lower one of the (conjugate) transpose
        a = _adjoint(a)
    low = tril(a.astype(ct, copy=False))
    # scaled by the largest magnitude (1 for a zero matrix): the sweeps' sums of squares neither
    # overflow nor underflow; the eigenvalues are scaled back
    big = rmax(apply("absolute", low), axis=(-2, -1), keepdims=True)
    big = apply("where", apply("equal", big, 0), 1, big).astype(rt)
    low = apply("divide", low, big)
    if cplx:  # the lower triangle mirrored conjugated; the diagonal's imaginary parts ignored (LAPACK's)
        strict = tril(low, -1)
        diag = apply("multiply", apply("real", low), eye(n, dtype=rt))
        sym = apply("add", apply("add", strict, _adjoint(strict)), diag)
    else:
        sym = apply("add", low, matrix_transpose(tril(low, -1)))  # the lower triangle mirrored
    if n <= _factor.JACOBI_MAX and not cplx:
        w = _work(sym, ct, a.shape)
        b = w.shape[0]
        vals = new_leaf(ct, (b, n))
        vecs = new_leaf(ct, (b, n, n))
        _factor.jacobi_eigh(w, _runtime.device().alloc(b * n * n * ct.itemsize), vals, vecs)
        vals, v = GpuArray(vals), (GpuArray(vecs) if vectors else None)
        if v is not None:
            v = newton_schulz(v)
    else:
        # a matrix holding a NaN or an infinity is solved as zeros (its QL sweeps would run to the
        # iteration bound): its results are NaN all the same, through its scale below
        sym = apply("where", apply("isfinite", big), sym, 0).astype(ct)
        vals, z = _factor.tridiag_eigh(_work(sym, ct, a.shape), vectors)
        order = argsort(GpuArray(vals), axis=-1)
        vals = take_along_axis(GpuArray(vals), order, axis=-1)
        v = None
        if vectors:
            z = GpuArray(z)
            cols = broadcast_to(reshape(order, order.shape[:1] + (1, n)), z.shape)
            v = newton_schulz(take_along_axis(z, cols, axis=2))
    if v is not None:
        # a matrix with a NaN or an infinity gives NaN vectors as well as NaN values (its scale
        # is not finite): 0 * scale + 1 is 1 or NaN
        v = apply("multiply", reshape(v, a.shape), apply("add", apply("multiply", big, 0), 1))
    vals = apply("multiply", reshape(vals, a.shape[:-1]), reshape(big, a.shape[:-2] + (1,)))
    return vals, v


def _check_uplo(uplo):
    if uplo not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")


def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices (NumPy's ``linalg.eigh``, an
    EighResult; only the ``UPLO`` triangle is read). Up to JACOBI_MAX (64) rows by the parallel
    two-sided Jacobi method, larger (and complex Hermitian) matrices by Householder
    tridiagonalisation and the implicit QL method.
    A matrix holding a NaN or an infinity gives NaNs (NumPy's LAPACK gives some NaNs or raises
    "Eigenvalues did not converge")."""
    a = _arr(a)
    _check_uplo(UPLO)
    _check_square(a)
    res = _eigh(a, UPLO, True)
    if res is None:
        return _host("eigh", a, UPLO=UPLO)
    return EighResult(*res)


def eigvalsh(a, UPLO="L"):
    """The eigenvalues (ascending) of symmetric matrices (NumPy's ``linalg.eigvalsh``): as ``eigh``."""
    a = _arr(a)
    _check_uplo(UPLO)
    _check_square(a)
    res = _eigh(a, UPLO, False)
    if res is None:
        return _host("eigvalsh", a, UPLO=UPLO)
    return res[0]


__all__ = ["cholesky", "det", "eigh", "eigvalsh", "inv", "qr", "slogdet", "solve", "tensorinv", "tensorsolve"]
