"""The non-symmetric eigenproblem on the device: ``eig`` and ``eigvals`` (NumPy's ``linalg``) of
float32 / float64 matrices (integers and bool as float64) and complex64 / complex128 ones, batched
over leading dims.

The matrix is scaled by a power of 2 near its largest magnitude and balanced as LAPACK's gebal
does (rows and columns isolating eigenvalues permuted to the ends, then diagonal scaling of the
rest), reduced to upper Hessenberg form by Householder reflections, then to Schur form: real
matrices by the Francis double-shift QR iteration (LAPACK's dlahqr: deflation, exceptional
shifts, 2 x 2 blocks standardised as dlanv2) to real Schur form, complex ones by the single-shift
iteration (zlahqr) to triangular form (``_kernels/schur.py``). Eigenvectors: back-substitution on
T (dtrevc / ztrevc), multiplied by the Schur vectors and the balancing, normalised as NumPy's
LAPACK does (unit 2-norm; of a real matrix, a complex vector turned so that its largest component
is real, with the sign of that component's real part, the second vector of a complex pair the
conjugate of the first; of a complex matrix, every vector turned so that its largest component is
positive real).

Single precision is computed in double where the device has 64-bit floats, as NumPy does (its
LAPACK calls are double precision whatever the input), and the results rounded.

NumPy's rules: LinAlgError for non-square, NaN or infinite input and for an iteration that does
not converge; of a real matrix the result is real when every imaginary part is zero, else complex
(a data-dependent dtype: one small read of the flags, which also carries the finiteness test); of
a complex matrix, complex. The eigenvalues come in the order of the Schur form's diagonal:
LAPACK's below 75 rows (the same balancing and QR iteration), not always above (LAPACK switches to
its multishift QR there): compare them as multisets. float16 input goes to NumPy (a counted host
fallback: its TypeError).
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from .._device import runtime as _runtime
from .._kernels import schur as _schur
from .creation import arange, asarray, zeros
from .float_parts import frexp, ldexp
from .decompositions import _check_square, _compute_dtype, _host, _work
from .linalg import matmul
from .manipulation import broadcast_to, concatenate, reshape
from .reductions import any as rany, all as rall, argmax, max as rmax, sum as rsum
from .searching import take_along_axis

LinAlgError = np.linalg.LinAlgError
EigResult = np.linalg._linalg.EigResult
# float32 / complex64 computed in double where the device has 64-bit floats (NumPy's accuracy);
# off, they run through the single-precision kernels (what a device without 64-bit floats does)
SINGLE_IN_DOUBLE = True


def _complex_of(rt):
    return dt.complex64 if rt == dt.float32 else dt.complex128


def _result_type(out, real: bool):
    """NumPy's result dtype of eig/eigvals: ``out`` (the input's linalg type) when real results
    are wanted, else its complex counterpart."""
    if out.kind == "c":
        return out
    return out if real else _complex_of(out)


def _normalise(v: GpuArray, wi: GpuArray | None) -> GpuArray:
    """NumPy's (dgeev's, zgeev's) normalisation of the eigenvector columns of ``v`` (batch, n, n)
    complex: unit 2-norm; of a real matrix (``wi`` (batch, n) the eigenvalues' imaginary parts) the
    first column of a complex pair multiplied by sign(Re v_k) conj(v_k) / |v_k| (k its largest
    component, the first of equal ones), the second one the conjugate of the first, real columns
    left as they are; of a complex matrix (``wi`` None) every column multiplied by
    conj(v_k) / |v_k| (its largest component positive real)."""
    # each column scaled by its largest |re| + |im| first: the back-substitution leaves entries up
    # to ~1e18 (float32), whose squares would overflow
    top = rmax(apply("add", apply("absolute", apply("real", v)), apply("absolute", apply("imag", v))),
               axis=-2, keepdims=True)
    v = apply("divide", v, apply("where", apply("equal", top, 0), 1, top))
    mag2 = apply("add", apply("square", apply("real", v)), apply("square", apply("imag", v)))
    norm = apply("sqrt", rsum(mag2, axis=-2, keepdims=True))
    v = apply("divide", v, apply("where", apply("equal", norm, 0), 1, norm))
    k = argmax(mag2, axis=-2, keepdims=True)
    vk = take_along_axis(v, k, axis=-2)
    avk = apply("absolute", vk)
    phase = apply("divide", apply("conj", vk), apply("where", apply("equal", avk, 0), 1, avk))
    if wi is not None:
        phase = apply("multiply", phase, apply("where", apply("less", apply("real", vk), 0), -1.0, 1.0))
    turned = apply("multiply", v, phase.astype(v.dtype))
    # the largest component exactly real, as LAPACK sets it
    at_k = apply("equal", reshape(arange(v.shape[-2], dtype=dt.int32), (v.shape[-2], 1)), k)
    turned = apply("where", at_k, apply("real", turned).astype(v.dtype), turned)
    if wi is None:
        return turned
    pair_first = reshape(apply("greater", wi, 0), wi.shape[:-1] + (1, wi.shape[-1]))
    v = apply("where", pair_first, turned, v)
    prev = concatenate([v[..., :1], apply("conj", v[..., :-1])], axis=-1)
    pair_second = reshape(apply("less", wi, 0), pair_first.shape)
    return apply("where", pair_second, prev, v)


def _eig(a, vectors: bool):
    """(eigenvalues, eigenvectors or None) on the device, or None where the device path does not
    serve ``a``'s dtype."""
    a = a if isinstance(a, GpuArray) else asarray(a)
    _check_square(a)
    cplx = a.dtype in (dt.complex64, dt.complex128)
    out = a.dtype if cplx else _compute_dtype(a.dtype)  # the result's element type
    if out is None:
        return None
    shape = a.shape
    n = shape[-1]
    if a.size == 0:
        return zeros(shape[:-1], dtype=out), (zeros(shape, dtype=out) if vectors else None)
    # NumPy computes single precision in double and rounds the results: so does the device where
    # it has 64-bit floats (the QR sweeps are latency-bound: double costs little there)
    et = out
    if SINGLE_IN_DOUBLE and _runtime.device().has_64:
        et = {dt.float32: dt.float64, dt.complex64: dt.complex128}.get(out, out)
    rt = dt.real_of(et) if cplx else et
    ct = et if cplx else _complex_of(rt)
    # scaled by a power of 2 within a factor 2 of the largest magnitude (exact; entries in
    # [0, 2); no overflow of the scale at the top of the range; 1 for a zero matrix); a
    # matrix with a NaN or an infinity (NumPy raises for it) is solved as zeros so that its
    # iteration ends
    big = rmax(apply("absolute", a), axis=(-2, -1), keepdims=True).astype(rt)
    finite = apply("isfinite", big)
    big = apply("where", apply("logical_and", finite, apply("not_equal", big, 0)), big, 1).astype(rt)
    big = ldexp(apply("add", zeros((), dtype=rt), 1), apply("subtract", frexp(big)[1], 1))
    scaled = apply("where", finite, apply("divide", a.astype(et, copy=False), big), 0).astype(et)
    w = _work(scaled, et, shape)
    b = w.shape[0]
    d, inv = _schur.balance(w)
    d, inv = GpuArray(d), GpuArray(inv)
    z = _schur.hessenberg(w, vectors)
    vals, failed = _schur.schur(w, z, full=vectors)
    vals = GpuArray(vals)
    scale = reshape(big, (b, 1))
    if cplx:
        flags = np.asarray(asarray([rall(finite), True]).get())
        wi = None
        w_out = apply("multiply", vals, scale).astype(ct)
        real = False
    else:
        wr, wi = vals[:, :n], vals[:, n:]
        flags = np.asarray(asarray([rall(finite), rany(apply("not_equal", wi, 0))]).get())
        real = not flags[1]
        if real:
            w_out = apply("multiply", wr, scale).astype(rt)
        else:
            w_out = apply("add", wr.astype(ct), apply("multiply", wi.astype(ct), 1j)).astype(ct)
            w_out = apply("multiply", w_out, scale).astype(ct)
    if not flags[0]:
        raise LinAlgError("Array must not contain infs or NaNs")
    if failed.any():
        raise LinAlgError("Eigenvalues did not converge")
    res_t = _result_type(out, real)
    w_out = reshape(w_out, shape[:-1]).astype(res_t)
    if not vectors:
        return w_out, None
    x = GpuArray(_schur.schur_vectors(w, vals._leaf()))
    # A's vectors are D times the balanced matrix's, rows put back in A's order
    zd = apply("multiply", reshape(d, (b, n, 1)), GpuArray(z))
    zd = take_along_axis(zd, broadcast_to(reshape(inv, (b, n, 1)), (b, n, n)), axis=-2)
    v = _normalise(matmul(zd.astype(ct), x), wi)
    v = reshape(apply("real", v) if real else v, shape).astype(res_t)
    return w_out, v


def eigvals(a, /):
    """The eigenvalues of general square matrices (NumPy's ``linalg.eigvals``): real when every
    one is real, else complex; LinAlgError for NaN or infinite input or no convergence."""
    res = _eig(a, False)
    return _host("eigvals", a) if res is None else res[0]


def eig(a, /):
    """Eigenvalues and right eigenvectors (columns, unit 2-norm) of general square matrices
    (NumPy's ``linalg.eig``, an EigResult): real when every eigenvalue is real, else complex."""
    res = _eig(a, True)
    return _host("eig", a) if res is None else EigResult(*res)


__all__ = ["eig", "eigvals"]
