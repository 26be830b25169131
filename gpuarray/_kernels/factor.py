"""Kernels of the matrix factorizations (``gpuarray._api.decompositions`` drives them):
the pieces of the blocked algorithms that are not matrix products.

- ``chol_block``: Cholesky factor of one NB x NB diagonal block per matrix of a batch, and its
  inverse, in workgroup memory (wgsl/chol_block.wgsl);
- ``tri_block_inverse``: inverses of the NB x NB diagonal blocks of triangular matrices, every
  block of every matrix in one dispatch (wgsl/tri_block_inverse.wgsl);
- ``lu_panel``: LU with partial pivoting of an NB-column panel, one workgroup per matrix, in
  global memory (wgsl/lu_panel.wgsl);
- ``qr_panel``: Householder QR of a range of columns (LAPACK's geqr2), one workgroup per matrix
  (wgsl/qr_panel.wgsl); ``qr_apply``: its reflectors applied to other matrices (Q^T C, or Q formed
  from the identity; wgsl/qr_apply.wgsl); ``qr_t``: the triangular factor T of a block of
  reflectors (I - V T V^T, the compact WY form whose products are matmuls; wgsl/qr_t.wgsl);
- ``jacobi_eigh``: eigenvalues and vectors of small symmetric matrices (n <= JACOBI_MAX) by the
  parallel cyclic Jacobi method, one workgroup per matrix (wgsl/jacobi_eigh.wgsl);
- ``tridiag_eigh``: eigenvalues and vectors of symmetric matrices of any size: Householder
  tridiagonalisation (and Q), one workgroup per matrix (wgsl/tridiag.wgsl), then the implicit QL
  method, one invocation per matrix recording its rotations (wgsl/ql_sweeps.wgsl) and one per row
  of the eigenvectors applying them (wgsl/ql_apply.wgsl);
- ``jacobi_round``: one round of the one-sided (Hestenes) Jacobi method, one workgroup per pair of
  rows of every matrix of a batch (wgsl/jacobi_round.wgsl): the SVD and the large eigh are sweeps
  of these rounds.

Every trailing update and every triangular solve against a diagonal block is a matrix product
(``_kernels.matmul``), so the blocked algorithms run at the speed of the matmul kernels; the
kernels here carry the O(n * NB^2) sequential part. Matrices are the contiguous work buffers of
the API layer: shape (batch, n, n), row stride n.
"""
from __future__ import annotations

import struct
from string import Template

import numpy as np

from .._graph import dtypes as dt
from .._device import runtime as _runtime
from .._graph.nodes import Leaf, new_leaf
from . import wgsl_lib as _wgsl_lib

NB = 32  # block size: two float64 blocks take 16 KiB of workgroup memory (every adapter has 32)
BLOCK_WG = 128  # threads per diagonal-block workgroup (>= NB: one thread per column of the inverse)
PANEL_WG = 256  # threads per LU / QR workgroup (a power of two: the pivot search is a tree)
SMALL_WG = 32  # threads per workgroup for matrices of at most this many rows (>= NB, a power of two)
JACOBI_MAX = 64  # largest n of the Jacobi eigensolver (its cost grows as n^3 per workgroup)
JACOBI_WG = 128
JACOBI_SWEEPS = 30  # a bound only: sweeps stop once the off-diagonal mass is at rounding level
QL_SWEEPS = 60  # per eigenvalue: a bound only (LAPACK's is 30; NaN input reaches it)
QL_CHUNK = 8  # QL sweeps per dispatch (short invocations: lavapipe stops long ones)
# threads per one-sided Jacobi pair: two rows' dot products and rotations; there are count / 2
# workgroups per matrix to fill the device, and lavapipe's barriers cost grows with the threads
# (256: 7x the time of 64 per round at count = 96)
ROUND_WG = 64
QR_CL = 8  # QR: column lanes per workgroup (the rest of the threads are row groups of each column)

_LIT = {"f32": ("0.0f", "1.0f"), "f64": ("0.0lf", "1.0lf")}


def _words(*w) -> bytes:
    return struct.pack(f"<{len(w)}I", *[x & 0xFFFFFFFF for x in w])


# element arithmetic of the kernels written for real and complex matrices ($C: $T or vec2<$T>):
# product, conjugate, real and imaginary parts, squared magnitude, quotient, a real as $C, |Re| + |Im|,
# the magnitude and the phase of a pair's product
_REAL_HELP = """
fn cm(a: $T, b: $T) -> $T { return a * b; }
fn cj(a: $T) -> $T { return a; }
fn cre(a: $T) -> $T { return a; }
fn cim(a: $T) -> $T { return $ZERO; }
fn cab2(a: $T) -> $T { return a * a; }
fn cdiv(a: $T, b: $T) -> $T { return a / b; }
fn creal(x: $T) -> $T { return x; }
fn cabs1(a: $T) -> $T { return abs(a); }
fn cgmag(g: $T) -> $T { return g; }
fn cgphase(g: $T, m: $T) -> $T { return $ONE; }
"""
_COMPLEX_HELP = """
fn cm(a: vec2<$T>, b: vec2<$T>) -> vec2<$T> { return vec2<$T>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn cj(a: vec2<$T>) -> vec2<$T> { return vec2<$T>(a.x, -a.y); }
fn cre(a: vec2<$T>) -> $T { return a.x; }
fn cim(a: vec2<$T>) -> $T { return a.y; }
fn cab2(a: vec2<$T>) -> $T { return a.x * a.x + a.y * a.y; }
fn cdiv(a: vec2<$T>, b: vec2<$T>) -> vec2<$T> {  // (operands of moderate magnitude: no scaling)
  let d = b.x * b.x + b.y * b.y;
  return vec2<$T>((a.x * b.x + a.y * b.y) / d, (a.y * b.x - a.x * b.y) / d);
}
fn creal(x: $T) -> vec2<$T> { return vec2<$T>(x, $ZERO); }
fn cabs1(a: vec2<$T>) -> $T { return abs(a.x) + abs(a.y); }
fn cgmag(g: vec2<$T>) -> $T {  // |g| without overflow
  let a = max(abs(g.x), abs(g.y));
  if (a == $ZERO) { return $ZERO; }
  let x = g.x / a;
  let y = g.y / a;
  return a * sqrt(x * x + y * y);
}
fn cgphase(g: vec2<$T>, m: $T) -> vec2<$T> {
  if (!(m > $ZERO)) { return vec2<$T>($ONE, $ZERO); }
  return g / m;
}
"""


# A workgroup's tree reduction over the kernel's own ``red`` array (each kernel declares it, of the
# type reduced): the one text of every factorization kernel's wg_sum / wg_max
_WG_FOLD = """fn wg_$NAME(lid: u32, v: $R) -> $R {
  red[lid] = v;
  workgroupBarrier();
  for (var h = ${WG}u / 2u; h > 0u; h = h / 2u) {
    if (lid < h) { red[lid] = $FOLD; }
    workgroupBarrier();
  }
  let s = red[0];
  workgroupBarrier();
  return s;
}"""


def _wg_fold(name: str, r: str, fold: str, wg: int) -> str:
    return Template(_WG_FOLD).substitute(NAME=name, R=r, FOLD=fold, WG=wg)


def _subst(dtype, wg: int) -> dict:
    cplx = dtype.kind == "c"
    t = dt.wgsl_type(dt.real_of(dtype) if cplx else dtype)
    zero, one = _LIT[t]
    sub = dict(T=t, ZERO=zero, ONE=one, NB=NB, NB2=NB * NB, WG=wg, C=f"vec2<{t}>" if cplx else t)
    sub["CHELP"] = Template(_COMPLEX_HELP if cplx else _REAL_HELP).substitute(sub)
    sub["WG_SUM"] = _wg_fold("sum", t, "red[lid] + red[lid + h]", wg)
    sub["WG_MAX"] = _wg_fold("max", t, "max(red[lid], red[lid + h])", wg)
    sub["WG_SUM_C"] = _wg_fold("sum", sub["C"], "red[lid] + red[lid + h]", wg)
    return sub


def _source(name: str, dtype, wg: int) -> str:
    sub = _subst(dtype, wg)
    sub.update(CL=QR_CL, RG=wg // QR_CL, HALF=JACOBI_MAX // 2, HELPERS=_wgsl_lib.resolve(f"ga_isnan_{sub['T']}"))
    sub["INVERT"] = _wgsl_lib.template("tri_inverse.wgsl").substitute(sub)
    return _wgsl_lib.template(name).substitute(sub)


def _kernel(name: str, dtype, wg: int, access, window: int):
    def build():
        return f"{name}_{dtype.name}_{wg}", _source(f"{name}.wgsl", dtype, wg), access, window

    return _runtime.device().kernel((name, dtype.char, wg), build)


def _wg(size: int, wg: int) -> int:
    """Threads per workgroup for matrices of ``size`` rows: one warp's worth (SMALL_WG) for small
    ones (batches of small matrices: idle threads would only wait at the barriers), else ``wg``."""
    return SMALL_WG if size <= SMALL_WG else wg


def _dims(work: Leaf) -> tuple[int, int, int]:
    """(matrices, rows, columns) of a contiguous (batch, m, n) work buffer."""
    b, m, n = work.shape
    assert work.strides == (m * n, n, 1), "factor kernels take contiguous (batch, m, n) buffers"
    return b, m, n


def block_side(n: int) -> int:
    """The side of the diagonal blocks (and their inverses) of n x n matrices."""
    return min(NB, n)


def _batch(work: Leaf) -> tuple[int, int]:
    """(matrices, n) of a contiguous (batch, n, n) work buffer."""
    b, n, n2 = _dims(work)
    assert n == n2
    return b, n


def chol_block(work: Leaf, k: int, nb: int, inv, info) -> None:
    """Factor the diagonal block [k, k + nb) of every matrix of ``work`` in place (lower triangle)
    and write its inverse into ``inv`` (batch x bs x bs, bs = ``block_side(n)``); ``info[b]`` = 1
    where a pivot is not positive."""
    b, n = _batch(work)
    params = _words(n, k, nb, n * n, b, work.offset, block_side(n))
    kern = _kernel("chol_block", work.dtype, _wg(n, BLOCK_WG), ["rw", "rw", "rw"], len(params))
    _runtime.device().dispatch(kern, [work.storage, inv, info], params, b)


def tri_block_inverse(a: Leaf, lower: bool, unit: bool, first: int, blocks: int, out) -> None:
    """Inverses of ``blocks`` diagonal blocks (NB rows, fewer in the last) from row/column ``first``
    of the triangular matrices ``a`` (batch, n, n; non-negative strides) into ``out``
    (batch x blocks x bs x bs, bs = ``block_side(n)``)."""
    b, n, _ = a.shape
    bs, rs, cs = a.strides
    if not lower:  # an upper triangle is inverted as its transpose
        rs, cs = cs, rs
    params = _words(n, first, blocks, bs, rs, cs, a.offset, int(not lower), int(unit), b * blocks, block_side(n))
    kern = _kernel("tri_block_inverse", a.dtype, _wg(n, BLOCK_WG), ["r", "rw"], len(params))
    _runtime.device().dispatch(kern, [a.storage, out], params, b * blocks)


def lu_panel(work: Leaf, k: int, nb: int, perm, info) -> None:
    """LU with partial pivoting of columns [k, k + nb) of every matrix of ``work`` in place; whole
    rows are swapped and ``perm`` (batch x n, u32) follows them; ``info`` (batch x 2, u32, zeroed
    before the first panel): [b, 0] = 1 on a zero pivot, [b, 1] the parity of the row swaps."""
    b, n = _batch(work)
    params = _words(n, k, nb, n * n, b, work.offset)
    kern = _kernel("lu_panel", work.dtype, _wg(n, PANEL_WG), ["rw", "rw", "rw"], len(params))
    _runtime.device().dispatch(kern, [work.storage, perm, info], params, b)


def qr_panel(work: Leaf, j0: int, j1: int, tau, tau_stride: int) -> None:
    """Householder QR of columns [j0, j1) of every matrix of ``work`` (batch, m, n) in place: R on
    and above the diagonal, the reflectors' v below it, tau of column j at ``tau[b * tau_stride + j]``;
    each reflector is applied to the columns up to j1 only."""
    b, m, n = _dims(work)
    params = _words(m, n, j0, j1, m * n, b, work.offset, tau_stride)
    kern = _kernel("qr_panel", work.dtype, _wg(m, PANEL_WG), ["rw", "rw"], len(params))
    _runtime.device().dispatch(kern, [work.storage, tau], params, b)


def qr_apply(v: Leaf, tau, tau_stride: int, j0: int, j1: int, c: Leaf, descending: bool, from_j: bool) -> None:
    """C <- H_j C for the reflectors j in [j0, j1) of ``v`` (qr_panel's output, (batch, m, n)) in
    ascending (Q^T C) or descending (Q C) order; C (batch, m, nc) contiguous. ``from_j``: only
    columns from j on are touched (forming Q from the identity)."""
    b, m, n = _dims(v)
    _, mc, nc = _dims(c)
    assert mc == m
    params = _words(m, n, j0, j1, m * n, b, v.offset, tau_stride, int(descending), int(from_j), nc, m * nc, c.offset)
    kern = _kernel("qr_apply", v.dtype, _wg(m, PANEL_WG), ["r", "r", "rw"], len(params))
    _runtime.device().dispatch(kern, [v.storage, tau, c.storage], params, b)


def qr_t(g: Leaf, tau, first: int, tau_stride: int, out: Leaf) -> None:
    """T (``out``, (batch, nb, nb) contiguous) of the reflectors first..first+nb-1 from G = V^T V
    (``g``, (batch, nb, nb) contiguous): H_first ... H_last = I - V T V^T."""
    b, nb, _ = _dims(g)
    assert out.offset == 0 and out.shape == g.shape
    params = _words(nb, first, tau_stride, b, g.offset)
    kern = _kernel("qr_t", g.dtype, BLOCK_WG, ["r", "r", "rw"], len(params))
    _runtime.device().dispatch(kern, [g.storage, tau, out.storage], params, b)


def jacobi_eigh(a: Leaf, v, w: Leaf, vo: Leaf) -> None:
    """Eigenvalues (``w``, (batch, n), ascending) and eigenvectors (``vo``, (batch, n, n), columns)
    of the symmetric matrices ``a`` ((batch, n, n), contiguous at offset 0; overwritten); ``v``:
    a scratch buffer of a's size."""
    b, n = _batch(a)
    assert n <= JACOBI_MAX and a.offset == 0 and w.offset == 0 and vo.offset == 0
    tol = float(np.finfo(a.dtype).eps) ** 2 * 16
    params = _words(n, b, n + (n & 1), struct.unpack("<I", struct.pack("<f", tol))[0], JACOBI_SWEEPS)
    kern = _kernel("jacobi_eigh", a.dtype, _wg(n, JACOBI_WG), ["rw", "rw", "rw", "rw"], len(params))
    _runtime.device().dispatch(kern, [a.storage, v, w.storage, vo.storage], params, b)


def jacobi_round(x: Leaf, vt, r: int, flags, tol: float) -> None:
    """Round ``r`` of a sweep of the one-sided Jacobi method: the pairs of rows of the circle
    method's round r of every matrix of ``x`` ((batch, count, len) contiguous at offset 0) rotated
    to orthogonality, the same rotations applied to the rows of ``vt`` ((batch, count, count)
    contiguous at offset 0, or None); ``flags`` (batch u32): set to 1 for a matrix where a pair was
    rotated. A sweep is rounds 0 .. N - 2, N = count rounded up to even."""
    b, count, length = _dims(x)
    assert x.offset == 0 and (vt is None or vt.offset == 0)
    big = count + (count & 1)
    half = big // 2
    params = _words(length, count, big, r, b, half, struct.unpack("<I", struct.pack("<f", tol))[0], int(vt is not None))
    kern = _kernel("jacobi_round", x.dtype, _wg(length, ROUND_WG), ["rw", "rw", "rw"], len(params))
    _runtime.device().dispatch(kern, [x.storage, (vt if vt is not None else x).storage, flags], params, b * half)


def tridiag_eigh(a: Leaf, vectors: bool):
    """(eigenvalues (batch, n) unsorted, real; eigenvectors (batch, n, n) columns or None) of the
    symmetric (Hermitian) matrices ``a`` ((batch, n, n), real or complex, contiguous at offset 0,
    entries of at most 1 in magnitude; overwritten): tridiagonalisation (four dispatches per
    column: the reflector, A22 v, w and the rank-2 update of A22; the two O(n^2) ones over many
    workgroups), Q formed backwards (two per column),
    then chunks of QL_CHUNK sweeps, each chunk's rotations applied to Q; a flag read (a sync)
    every 8 chunks (~2 n sweeps in all)."""
    b, n = _batch(a)
    assert a.offset == 0
    dev = _runtime.device()
    ct = a.dtype
    rt = dt.real_of(ct) if ct.kind == "c" else ct
    z = new_leaf(ct, (b, n, n))
    s = new_leaf(rt, (b, 2 * n))
    sc = dev.alloc(b * 3 * n * ct.itemsize)
    wg = _wg(n, PANEL_WG)
    kern = _kernel("tridiag", ct, wg, ["rw"] * 4, 24)
    bufs = [a.storage, z.storage, s.storage, sc]

    def step(mode, k, per_matrix):  # per_matrix: rows or elements (one workgroup if 0)
        groups = max(1, -(-per_matrix // wg))
        dev.dispatch(kern, bufs, _words(n, b, 0, mode, k, groups), b * groups)

    for k in range(n):  # the reflectors, then (k = n - 1) the last diagonal entry
        step(0, k, 0)
        m = n - k - 1
        if m > 0:
            step(3, k, m)
            step(4, k, 0)
            step(5, k, m * m)
    if vectors:
        step(1, 0, n * n)
        for k in range(n - 2, -1, -1):
            m = n - k - 1
            step(6, k, m)
            step(7, k, m * m)
    k = QL_CHUNK
    qs = dev.upload(np.zeros((b, 4), np.uint32))
    rc, rs = dev.alloc(b * k * n * rt.itemsize), dev.alloc(b * k * n * rt.itemsize)
    rng = dev.alloc(b * k * 2 * 4)
    eps = struct.unpack("<I", struct.pack("<f", float(np.finfo(rt).eps)))[0]
    sweeps = _kernel("ql_sweeps", rt, SMALL_WG, ["rw"] * 5, 20)
    apply = _kernel("ql_apply", ct, SMALL_WG, ["rw", "r", "r", "r", "r"], 16)
    groups = -(-n // SMALL_WG)
    for i in range(-(-QL_SWEEPS * n // k)):
        dev.dispatch(sweeps, [s.storage, qs, rc, rs, rng], _words(n, b, k, QL_SWEEPS, eps), -(-b // SMALL_WG))
        if vectors:
            dev.dispatch(apply, [z.storage, qs, rc, rs, rng], _words(n, b, k, groups), b * groups)
        if i % 8 == 7 and dev.read(qs, 0, b * 16).view(np.uint32)[3::4].all():
            break
    return Leaf(s.storage, rt, (b, n), (2 * n, 1), 0), (z if vectors else None)
