"""Kernels of the non-symmetric eigenproblem (``gpuarray._api.eig`` drives them), float32,
float64, complex64 and complex128 matrices, batched:

- ``balance``: balancing as dgebal: the permutation isolating eigenvalues (one workgroup per
  matrix, wgsl/permute.wgsl), then the diagonal scaling, one sweep per dispatch
  (wgsl/balance.wgsl);
- ``hessenberg``: Householder reduction to upper Hessenberg form, A = Q H Q^H, and Q when wanted
  (wgsl/hessenberg.wgsl: per column, the reflector by one workgroup per matrix, its two-sided
  application and Q's update by one thread per row, column or element);
- ``schur``: the Francis implicit double-shift QR iteration on H to real Schur form (dlahqr;
  complex matrices: the single-shift zlahqr to triangular form), one workgroup per matrix, in
  chunks of sweeps per dispatch (wgsl/hqr.wgsl, wgsl/zhqr.wgsl): eigenvalues, T and Z <- Z Q when
  vectors are wanted;
- ``schur_vectors``: eigenvectors of T by back-substitution (dtrevc / ztrevc), one invocation per
  eigenvalue (wgsl/trevc.wgsl, wgsl/ztrevc.wgsl);
- ``poly_from_roots``: the coefficients of the polynomial with given zeros (``poly``; real or
  complex, through ``factor``'s element helpers), one invocation per polynomial.

Matrices are contiguous (batch, n, n) work buffers at offset 0.
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._device import runtime as _runtime
from .._graph.nodes import Leaf, new_leaf
from . import wgsl_lib as _wgsl_lib
from .factor import PANEL_WG, SMALL_WG, _kernel as _factor_kernel, _subst, _words, _wg

HQR_WG = 64  # threads per Francis QR workgroup (the rows/columns of one reflector's update)
HQR_STEPS = 4096  # bulge steps per dispatch, about (short invocations: lavapipe stops long ones)
HQR_CHUNK = 16  # sweeps per dispatch at most (small matrices)
HQR_READ_EVERY = 4  # dispatches between reads of the done flags (each read is a sync)
BALANCE_SWEEPS = 8  # a bound only (later sweeps return at once once one changed nothing)
ITMAX_PER_ROW = 30  # dlahqr's bound: 30 * max(10, n) sweeps on one eigenvalue

_CONST = {  # ulp (LAPACK's 'P'), the smallest normal number, the column scaling threshold of trevc
    "f32": ("1.1920928955078125e-07f", "1.1754943508222875e-38f", "1.0e18f"),
    "f64": ("2.220446049250313e-16lf", "2.2250738585072014e-308lf", "1.0e150lf"),
}


def _kernel(name: str, dtype, wg: int, access, window: int):
    """A kernel of wgsl/<name>.wgsl for elements of ``dtype`` (real or complex: $C, the element
    helpers of ``factor``; $T the real type) with the real type's constants."""
    def build():
        sub = _subst(dtype, wg)
        sub.update(zip(("ULP", "SAFMIN", "BIG"), _CONST[sub["T"]]))
        return f"{name}_{dtype.name}_{wg}", _wgsl_lib.template(f"{name}.wgsl").substitute(sub), access, window

    return _runtime.device().kernel((name, dtype.char, wg), build)


def balance(a: Leaf):
    """Balance the matrices ``a`` ((batch, n, n) contiguous at offset 0, entries of at most about 1)
    in place as LAPACK's gebal does: rows and columns isolating eigenvalues permuted to the ends,
    then A <- D^-1 A D on the rest with D diagonal powers of 2 making rows' and columns' norms close
    (better conditioned eigenvalues for badly scaled matrices). Returns (D ((batch, n) Leaf),
    inverse permutation ((batch, n) u32 Leaf): the balanced matrix's row r is A's row perm[r], so
    A's eigenvectors are rows inv of D times the balanced matrix's)."""
    b, n, _ = a.shape
    dev = _runtime.device()
    rt = dt.real_of(a.dtype) if a.dtype.kind == "c" else a.dtype
    d = Leaf(dev.upload(np.ones((b, n), np.dtype(rt.name))), rt, (b, n), (n, 1), 0)
    flags = dev.upload(np.zeros(b, np.uint32))
    pm = new_leaf(dt.uint32, (b, 2 * n))
    lh = dev.alloc(b * 8)
    wg = SMALL_WG if n <= SMALL_WG else HQR_WG
    dev.dispatch(_kernel("permute", a.dtype, wg, ["rw"] * 3, 8), [a.storage, pm.storage, lh], _words(n, b), b)
    kern = _kernel("balance", a.dtype, wg, ["rw"] * 4, 8)
    for _ in range(BALANCE_SWEEPS):
        dev.dispatch(kern, [a.storage, d.storage, flags, lh], _words(n, b), b)
    return d, Leaf(pm.storage, dt.uint32, (b, n), (2 * n, 1), n)


def hessenberg(a: Leaf, vectors: bool):
    """Reduce the matrices ``a`` ((batch, n, n), contiguous at offset 0; overwritten) to upper
    Hessenberg form in place (zeros below the subdiagonal); returns Q ((batch, n, n) Leaf,
    A = Q H Q^H) when ``vectors``, else None. Five dispatches per column (two more for Q)."""
    b, n, _ = a.shape
    assert a.offset == 0 and a.strides == (n * n, n, 1)
    dev = _runtime.device()
    wg = _wg(n, PANEL_WG)
    z = new_leaf(a.dtype, (b, n, n)) if vectors else None
    sc = dev.alloc(b * 3 * n * a.dtype.itemsize)
    kern = _kernel("hessenberg", a.dtype, wg, ["rw"] * 3, 20)
    bufs = [a.storage, (z if vectors else a).storage, sc]

    def step(mode, k, per_matrix):  # per_matrix: rows, columns or elements (one workgroup if 0)
        groups = max(1, -(-per_matrix // wg))
        dev.dispatch(kern, bufs, _words(n, b, mode, k, groups), b * groups)

    for k in range(n - 2):
        m = n - k - 1
        step(0, k, 0)
        step(1, k, m)
        step(2, k, m * m)
        step(3, k, n)
        step(4, k, n * m)
    if vectors:
        step(5, 0, n * n)
        for k in range(n - 3, -1, -1):
            m = n - k - 1
            step(6, k, m)
            step(7, k, m * m)
    if n > 2:
        step(8, 0, n * n)
    return z


def schur(h: Leaf, z: Leaf | None, full: bool):
    """Eigenvalues of the upper Hessenberg matrices ``h`` ((batch, n, n) contiguous at offset 0),
    real by the Francis double-shift QR iteration, complex by the single-shift one (zlahqr):
    returns (w, failed): w a Leaf, real input: (batch, 2n) (real parts, then imaginary parts, at
    the diagonal positions), complex: (batch, n) complex; failed a host bool array (batch,): no
    convergence within ITMAX_PER_ROW * max(10, n) sweeps on one eigenvalue. ``full``: h becomes
    the Schur form T (real: quasi-triangular; complex: triangular); ``z`` (or None): Z <- Z Q. A
    flag read (a sync) every HQR_READ_EVERY dispatches."""
    b, n, _ = h.shape
    dev = _runtime.device()
    cplx = h.dtype.kind == "c"
    w = new_leaf(h.dtype, (b, n) if cplx else (b, 2 * n))
    st = np.zeros((b, 8), np.int32)
    st[:, 0] = n
    st = dev.upload(st)
    wg = SMALL_WG if n <= SMALL_WG else HQR_WG
    kern = _kernel("zhqr" if cplx else "hqr", h.dtype, wg, ["rw"] * 4, 24)
    chunk = max(1, min(HQR_CHUNK, HQR_STEPS // n))  # a sweep is up to n - 1 bulge steps
    params = _words(n, b, chunk, int(full), int(z is not None), ITMAX_PER_ROW * max(10, n))
    i = 0
    while True:
        dev.dispatch(kern, [h.storage, (z if z is not None else h).storage, w.storage, st], params, b)
        i += 1
        if i % HQR_READ_EVERY == 0 or i == 1:
            state = dev.read(st, 0, b * 32).view(np.int32).reshape(b, 8)
            if state[:, 4].all():
                return w, state[:, 5] != 0


def schur_vectors(t: Leaf, w: Leaf) -> Leaf:
    """Eigenvectors of the Schur forms ``t`` ((batch, n, n) contiguous at offset 0, real or
    complex) with eigenvalues ``w`` (``schur``'s): a (batch, n, n) complex Leaf, column j the
    (unnormalised) eigenvector of T for eigenvalue j; of a real T, the second column of a complex
    pair is zero."""
    b, n, _ = t.shape
    cplx = t.dtype.kind == "c"
    ct = t.dtype if cplx else (dt.complex64 if t.dtype == dt.float32 else dt.complex128)
    x = new_leaf(ct, (b, n, n))
    kern = _kernel("ztrevc" if cplx else "trevc", t.dtype, SMALL_WG, ["r", "r", "rw"], 8)
    _runtime.device().dispatch(kern, [t.storage, w.storage, x.storage], _words(n, b), -(-(b * n) // SMALL_WG))
    return x


def poly_from_roots(z: Leaf) -> Leaf:
    """The coefficients ((batch, n + 1) Leaf, leading 1) of prod_k (x - z_k) for the zeros ``z``
    ((batch, n), real or complex, contiguous at offset 0), one invocation per polynomial."""
    b, n = z.shape
    assert z.offset == 0 and z.strides == (n, 1)
    a = new_leaf(z.dtype, (b, n + 1))
    kern = _factor_kernel("poly_from_roots", z.dtype, SMALL_WG, ["r", "rw"], 12)
    _runtime.device().dispatch(kern, [z.storage, a.storage], _words(n, b, 0), -(-b // SMALL_WG))
    return a
