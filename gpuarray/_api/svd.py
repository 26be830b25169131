"""The singular value decomposition on the device and what stands on it: ``svd``, ``svdvals``,
``pinv``, ``lstsq``, ``matrix_rank``, ``cond`` (and the matrix 2, -2 and nuclear norms of
``gpuarray.linalg``), float32, float64, complex64 and complex128, batched over leading dims.

SVD of an (m, n) matrix, m >= n (a wide one through its transpose), scaled by its largest
magnitude: QR (Householder, ``decompositions.qr``) when m > n, then the one-sided Jacobi method on
the columns of R (``decompositions.one_sided_jacobi``: R V = W with orthogonal columns; the
singular values are their norms, accurate relative to each one, so to ~n eps sigma_max or better
even for rank-deficient and ill-conditioned inputs, unlike the eigenvalues of R^T R). U comes
from a QR of W with its columns sorted: Householder's Q is orthonormal even where a singular
value is zero (W's column then carries no direction). Complex matrices take the same path
(complex Householder QR, complex Jacobi rotations). float16 goes to NumPy (counted host
fallbacks).
"""
from __future__ import annotations


import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from .creation import asarray, eye, zeros
from .decompositions import (_adjoint, _check_square, _compute_dtype, _host, _lu_inplace, _tri_solve, _work, eigh,
                             eigvalsh, newton_schulz, one_sided_jacobi, qr)
from .linalg import matmul, matrix_transpose
from .manipulation import broadcast_to, concatenate, diagonal, flip, reshape
from .reductions import any as rany, max as rmax, min as rmin, sum as rsum
from .searching import take_along_axis
from .sorting import argsort, sort

LinAlgError = np.linalg.LinAlgError
SVDResult = np.linalg._linalg.SVDResult


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _check_2d(x: GpuArray) -> None:
    if x.ndim < 2:
        raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be at least two-dimensional")


def _rows_by(x: GpuArray, order: GpuArray) -> GpuArray:
    """The rows of each matrix of x (b, k, c) in ``order`` (b, k)."""
    return take_along_axis(x, broadcast_to(reshape(order, order.shape + (1,)), x.shape), axis=1)


def _svd_tall(a: GpuArray, ct, full: bool, uv: bool):
    """(u, s, vh) or s of a (batch..., m, n), m >= n >= 1, finite, in dtype ct (real or complex)."""
    *batch, m, n = a.shape
    batch = tuple(batch)
    rt = dt.real_of(ct) if ct.kind == "c" else ct
    big = rmax(apply("absolute", a), axis=(-2, -1), keepdims=True)
    big = apply("where", apply("equal", big, 0), 1, big).astype(rt)
    a = apply("divide", a, big).astype(ct)  # entries of at most 1: no sum of squares overflows
    q = None
    if m > n:
        q, r = qr(a, mode="complete" if full and uv else "reduced")
        r = r[..., :n, :]
    else:
        r = a
    x = _work(matrix_transpose(r), ct, batch + (n, n))  # rows: the columns of R
    vt = one_sided_jacobi(x, uv)  # rows: the columns of V
    xa = GpuArray(x)
    mag = apply("absolute", xa) if ct.kind == "c" else xa
    sig = apply("sqrt", rsum(apply("multiply", mag, mag), axis=-1))
    order = argsort(sig, axis=-1, descending=True)
    s = apply("multiply", reshape(take_along_axis(sig, order, axis=-1), batch + (n,)), reshape(big, batch + (1,)))
    if not uv:
        return s
    w = matrix_transpose(_rows_by(xa, order))  # R V: orthogonal columns, norms descending
    qw, rw = qr(w)
    # Q's columns are W's normalised up to a sign (R's diagonal is real): that of R's diagonal
    # (+ where it is zero)
    sign = apply("where", apply("less", apply("real", diagonal(rw, axis1=-2, axis2=-1)), 0), -1, 1).astype(ct)
    ur = apply("multiply", qw, reshape(sign, sign.shape[:-1] + (1, n)))
    vh = newton_schulz(_rows_by(vt, order), rows=True)
    if ct.kind == "c":  # Vh's rows are V's columns conjugated
        vh = apply("conj", vh)
    vh = reshape(vh, batch + (n, n))
    ur = reshape(ur, batch + (n, n))
    if q is None:
        u = ur
    elif full:
        u = concatenate([matmul(q[..., :, :n], ur), q[..., :, n:]], axis=-1)
    else:
        u = matmul(q, ur)
    return u, s, vh


def _svd_dtype(d):
    """The computation dtype of the device SVD (NumPy's: float32 and complex64 stay), or None."""
    if d in (dt.complex64, dt.complex128):
        return d
    return _compute_dtype(d)


def _svd(a: GpuArray, full: bool, uv: bool):
    ct = _svd_dtype(a.dtype)
    *batch, m, n = a.shape
    batch = tuple(batch)
    k = min(m, n)
    if a.size == 0:
        s = zeros(batch + (k,), dtype=ct)
        if not uv:
            return s
        um, vn = (m, n) if full else (k, k)
        u = broadcast_to(eye(m, um, dtype=ct), batch + (m, um)).copy()
        vh = broadcast_to(eye(vn, n, dtype=ct), batch + (vn, n)).copy()
        return u, s, vh
    a = a.astype(ct, copy=False)
    if not apply("isfinite", a).all().get():
        raise LinAlgError("SVD did not converge")
    if m >= n:
        return _svd_tall(a, ct, full, uv)
    res = _svd_tall(_adjoint(a), ct, full, uv)  # a^H = U S Vh: a = Vh^H S U^H
    if not uv:
        return res
    u, s, vh = res
    return _adjoint(vh), s, _adjoint(u)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """NumPy's ``linalg.svd``: SVDResult(U, S, Vh) with S descending (U (..., M, M) and Vh
    (..., N, N) with ``full_matrices``, else (..., M, K), (..., K, N)), S alone without
    ``compute_uv``; ``hermitian``: from ``eigh`` as NumPy does. LinAlgError for NaN or inf input."""
    a = _arr(a)
    _check_2d(a)
    ct = _svd_dtype(a.dtype)
    if ct is None:
        return _host("svd", a, full_matrices=full_matrices, compute_uv=compute_uv, hermitian=hermitian)
    if hermitian:
        return _svd_hermitian(a, compute_uv)
    res = _svd(a, bool(full_matrices), bool(compute_uv))
    return SVDResult(*res) if compute_uv else res


def _svd_hermitian(a: GpuArray, uv: bool):
    """NumPy's ``svd(hermitian=True)``: |eigenvalues| descending; Vh = (U * sign(w)).T (a zero
    eigenvalue gives a zero row of Vh, as NumPy's)."""
    if not uv:
        return flip(sort(apply("absolute", eigvalsh(a)), axis=-1), axis=-1)
    w, u = eigh(a)
    sgn = apply("sign", w)
    s = apply("absolute", w)
    idx = flip(argsort(s, axis=-1), axis=-1)
    sgn = take_along_axis(sgn, idx, axis=-1)
    s = take_along_axis(s, idx, axis=-1)
    u = take_along_axis(u, broadcast_to(reshape(idx, idx.shape[:-1] + (1, idx.shape[-1])), u.shape), axis=-1)
    vt = _adjoint(apply("multiply", u, reshape(sgn, sgn.shape[:-1] + (1, sgn.shape[-1]))))
    return SVDResult(u, s, vt)


def svdvals(x, /):
    """The singular values, descending (the array API's ``linalg.svdvals``)."""
    return svd(x, compute_uv=False)


def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """NumPy's ``linalg.pinv``: V diag(1/s) U^T over the singular values above rcond * max(s)
    (rcond 1e-15 by default; ``rtol=None``: max(M, N) * eps)."""
    a = _arr(a)
    _check_2d(a)
    ct = _svd_dtype(a.dtype)
    if ct is None:
        kw = {} if rtol is np._NoValue else {"rtol": rtol}
        return _host("pinv", a, rcond=rcond, hermitian=hermitian, **kw)
    if rcond is None:
        if rtol is np._NoValue:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(a.shape[-2:]) * float(np.finfo(ct).eps)  # (finfo of complex: its real type's)
        else:
            rcond = rtol
    elif rtol is not np._NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    m, n = a.shape[-2:]
    if a.size == 0:
        return zeros(a.shape[:-2] + (n, m), dtype=ct)
    if ct.kind == "c":  # NumPy's: the SVD of conj(a), then transposes
        a = apply("conj", a)
    u, s, vt = svd(a, full_matrices=False, hermitian=hermitian)
    cutoff = apply("multiply", _expand(rcond), rmax(s, axis=-1, keepdims=True))
    large = apply("greater", s, cutoff)
    sinv = apply("where", large, apply("divide", 1, apply("where", large, s, 1)), 0).astype(s.dtype)
    k = s.shape[-1]
    return matmul(matrix_transpose(vt), apply("multiply", reshape(sinv, sinv.shape[:-1] + (k, 1)), matrix_transpose(u)))


def lstsq(a, b, rcond=None):
    """NumPy's ``linalg.lstsq``: (x, residuals, rank, s) by the SVD, singular values at most
    rcond * s[0] treated as zero (rcond: float64's eps * max(M, N) by default, as NumPy's); residuals (the squared
    2-norms of b - a x per column) only when rank == N < M, else empty; rank a Python int."""
    a, b = _arr(a), _arr(b)
    ca, cb = _svd_dtype(a.dtype), _svd_dtype(b.dtype)
    if ca is None or cb is None:
        return _host("lstsq", a, b, rcond=rcond)
    ct = dt.result_type(ca, cb)
    rt = dt.real_of(ct) if ct.kind == "c" else ct
    is_1d = b.ndim == 1
    bm = reshape(b, b.shape + (1,)) if is_1d else b
    if a.ndim != 2 or bm.ndim != 2:
        bad = a.ndim if a.ndim != 2 else bm.ndim
        raise LinAlgError(f"{bad}-dimensional array given. Array must be two-dimensional")
    m, n = a.shape
    if bm.shape[0] != m:
        raise LinAlgError("Incompatible dimensions")
    if rcond is None:  # NumPy's: the eps of its computation type, double even for float32 input
        rcond = float(np.finfo(np.float64).eps) * max(n, m)
    k = bm.shape[1]
    a = a.astype(ct, copy=False)
    bm = bm.astype(ct, copy=False)
    if a.size == 0:  # x is zeros; with no unknowns (n = 0) the residuals are b's squared norms
        x = zeros((n, k), dtype=ct)
        resid = _sq_norms(bm) if n == 0 and m > 0 else zeros((0,), dtype=rt)
        return (reshape(x, (n,)) if is_1d else x), resid, 0, zeros((0,), dtype=rt)
    u, s, vt = svd(a, full_matrices=False)
    large = apply("greater", s, apply("multiply", s[:1], rcond))
    rank = int(rsum(large.astype(dt.default_int())).get())
    sinv = apply("where", large, apply("divide", 1, apply("where", large, s, 1)), 0).astype(rt)
    x = matmul(_adjoint(vt), apply("multiply", reshape(sinv, (-1, 1)), matmul(_adjoint(u), bm)))
    if rank == n and m > n:
        resid = _sq_norms(apply("subtract", bm, matmul(a, x)))
    else:
        resid = zeros((0,), dtype=rt)
    return (reshape(x, (n,)) if is_1d else x), resid, rank, s


def _sq_norms(r: GpuArray) -> GpuArray:
    """The squared 2-norms of r's columns (real)."""
    mag = apply("absolute", r) if r.dtype.kind == "c" else r
    return rsum(apply("multiply", mag, mag), axis=0)


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """NumPy's ``linalg.matrix_rank``: the number of singular values above ``tol`` (default
    max(s) * rtol, rtol = max(M, N) * eps by default)."""
    if rtol is not None and tol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    A = _arr(A)
    if A.ndim < 2:
        return int(bool(rany(apply("not_equal", A, 0)).get()))
    ct = _svd_dtype(A.dtype)
    if ct is None:
        return _host("matrix_rank", A, tol=tol, hermitian=hermitian, rtol=rtol)
    S = svd(A, compute_uv=False, hermitian=hermitian)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * float(np.finfo(S.dtype).eps)
        else:
            rtol = _expand(rtol)
        if S.shape[-1] == 0:
            smax = zeros(S.shape[:-1] + (1,), dtype=S.dtype)
        else:
            smax = rmax(S, axis=-1, keepdims=True)
        tol = apply("multiply", smax, rtol)
    else:
        tol = _expand(tol)
    return rsum(apply("greater", S, tol).astype(dt.default_int()), axis=-1)


def _expand(v):
    """A tolerance (scalar or array) with a trailing axis to compare against the singular values."""
    if isinstance(v, GpuArray):
        return reshape(v, v.shape + (1,))
    v = np.asarray(v)
    return v[..., np.newaxis] if v.ndim else v[()]


def _inv_unchecked(x: GpuArray, ct) -> GpuArray:
    """The inverse through LU without the singular check (a singular matrix gives inf/NaN, as
    LAPACK's inverse with errors ignored)."""
    n = x.shape[-1]
    shape = x.shape
    w = _work(x, ct, shape)
    perm, _ = _lu_inplace(w)
    ident = GpuArray(_work(broadcast_to(eye(n, dtype=ct), shape), ct, shape))
    rhs = take_along_axis(ident, reshape(perm, perm.shape + (1,)), axis=1)
    y = _tri_solve(w, rhs, lower=True, unit=True)
    return reshape(_tri_solve(w, y, lower=False, unit=False), shape)


def cond(x, p=None):
    """NumPy's ``linalg.cond``: s_max / s_min for p None, 2 (s_min / s_max for -2) from the SVD;
    ||x|| ||inv(x)|| in the norm p (1, -1, inf, -inf, 'fro') otherwise; NaN results become inf
    unless x itself holds a NaN."""
    x = _arr(x)
    ct = _svd_dtype(x.dtype)
    if ct is None:
        return _host("cond", x, p=p)
    if x.ndim >= 2 and (x.shape[-1] == 0 or x.shape[-2] == 0):
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or p in (2, -2):
        _check_2d(x)
        s = svd(x, compute_uv=False)
        with np.errstate(all="ignore"):
            r = apply("divide", s[..., -1], s[..., 0]) if p == -2 else apply("divide", s[..., 0], s[..., -1])
    else:
        _check_2d(x)
        _check_square(x)
        xc = x.astype(ct, copy=False)
        with np.errstate(all="ignore"):
            invx = _inv_unchecked(xc, ct)
            r = apply("multiply", _norm_of(xc, p), _norm_of(invx, p))
        r = r.astype(dt.real_of(ct) if ct.kind == "c" else ct, copy=False)
    x_nan = rany(apply("isnan", x), axis=(-2, -1))
    return apply("where", apply("logical_and", apply("isnan", r), apply("logical_not", x_nan)), np.inf, r)


def _norm_of(x: GpuArray, p) -> GpuArray:
    """The matrix norm p ('fro', 1, -1, inf, -inf) of the last two axes of x."""
    if p == "fro":
        mag = apply("absolute", x)
        return apply("sqrt", rsum(apply("multiply", mag, mag), axis=(-2, -1)))
    if p in (1, -1, np.inf, -np.inf):
        sums = rsum(apply("absolute", x), axis=-2 if p in (1, -1) else -1)
        return rmax(sums, axis=-1) if p > 0 else rmin(sums, axis=-1)
    raise ValueError("Invalid norm order for matrices.")


def matrix_norm_sv(x: GpuArray, ord) -> GpuArray:
    """The matrix 2 (largest singular value), -2 (smallest) or nuclear (their sum) norm of the
    last two axes of x."""
    s = svd(x, compute_uv=False)
    if ord == 2:
        return rmax(s, axis=-1)
    if ord == -2:
        return s[..., -1]
    return rsum(s, axis=-1)


__all__ = ["cond", "lstsq", "matrix_rank", "pinv", "svd", "svdvals"]
