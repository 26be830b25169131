"""Sorting on the device: ``sort``, ``argsort`` (array API and NumPy signatures) and the
``GpuArray.sort`` method.

Every real dtype sorts through one bitonic network over (key, index) pairs:
  1. ``key`` kernel: each element becomes a 64-bit unsigned key whose integer order is the sort
     order (sign bit flipped for integers; IEEE floats mapped so negative values invert; -0.0 and
     0.0 give the same key; every NaN the largest key, so NaNs go last in both directions). For
     ``descending`` the key is inverted, except for NaN. Rows are padded to a power of two with
     sentinels that sort after everything.
  2. ``local`` kernel: tiles of ``TILE`` pairs sorted (or merged) in workgroup memory.
  3. ``step`` kernel: the compare-exchange steps whose distance exceeds a tile, in device memory.
The index takes part in the comparison, so equal keys keep their original order: every sort is
stable. The values are then gathered at the sorted indices (a lazy gather, fused into whatever
reads them). Sizes are parameters: one kernel per structure, whatever the shape.

Complex arrays sort lexicographically (real part, then imaginary) as two stable passes of the
same network: by imaginary part, then by real part. NaN placement for complex follows the real
dtype rule per component (not NumPy's exact complex NaN order).
"""
from __future__ import annotations

import operator
import string

import numpy as np
from numpy.exceptions import AxisError

from .._kernels import codegen as _codegen
from .._kernels import windows as _windows
from .._device import runtime as _runtime
from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._graph.nodes import Cast, Iota, Leaf, new_leaf
from .advanced import contiguous, embed, gather, offset_expr
from .creation import asarray, full, zeros
from .._lazy.elementwise import apply, assign, astype
from .manipulation import moveaxis, reshape
from .reductions import _axes, any as rany, count_nonzero

TILE = 512  # pairs per workgroup in the local kernel (two per thread)
_WG = TILE // 2
_I32 = dt.int32
_U32 = dt.uint32


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _norm_axis(axis, ndim) -> int:
    a = operator.index(axis)
    if not -ndim <= a < ndim:
        raise AxisError(a, ndim)
    return a % ndim


# ----------------------------------------------------------------------------- WGSL
_KEY = string.Template("""
@group(0) @binding(0) var<storage, read> P: array<u32>;
$DECLS
$LOAD
fn key_of(v: $T) -> vec2<u32> {
$KEY
}
// P: [0] pairs in this dispatch, [1] npad, [2] n, [3] src offset, [4] descending,
//    [5] global index of the first pair, [6] its key word offset, [7] its index offset
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (t >= P[0]) { return; }
  let npad = P[1];
  let n = P[2];
  let gid = t + P[5];
  let c = gid & (npad - 1u);
  let row = gid / npad;
  var k = vec2<u32>(0xffffffffu, 0xffffffffu);
  var ix = 0xffffffffu;
  if (c < n) {
    let v = ld0(P[3] + row * n + c);
    k = key_of(v);
    ix = c;
    let is_nan = all(k == vec2<u32>(0xffffffffu, 0xffffffffu));
    if (P[4] != 0u && !is_nan) { k = ~k; }
  }
  b1[P[6] + 2u * t] = k.x;
  b1[P[6] + 2u * t + 1u] = k.y;
  b2[P[7] + t] = ix;
}
""")

_CMP = """
// lexicographic (hi, lo, index): a strict total order on distinct indices
fn gt(ah: u32, al: u32, ai: u32, bh: u32, bl: u32, bi: u32) -> bool {
  if (ah != bh) { return ah > bh; }
  if (al != bl) { return al > bl; }
  return ai > bi;
}
"""

_LOCAL = string.Template("""
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> K: array<u32>;
@group(0) @binding(2) var<storage, read_write> X: array<u32>;
$CMP
var<workgroup> sh: array<u32, ${TILE}>;
var<workgroup> sl: array<u32, ${TILE}>;
var<workgroup> si: array<u32, ${TILE}>;
// P: [0] pairs in this dispatch, [1] npad, [2] first k, [3] last k (sort: 2 .. min(npad, TILE);
//    merge: k .. k), [4] global index of the first pair, [5] its key word offset, [6] its index offset
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let base = (wid.y * nwg.x + wid.x) * ${TILE}u;
  let total = P[0];
  let mask = P[1] - 1u;
  let ko = P[5];
  let xo = P[6];
  for (var h = 0u; h < 2u; h++) {
    let t = lid + h * ${WG}u;
    let g = base + t;
    if (g < total) {
      sh[t] = K[ko + 2u * g]; sl[t] = K[ko + 2u * g + 1u]; si[t] = X[xo + g];
    } else {
      sh[t] = 0xffffffffu; sl[t] = 0xffffffffu; si[t] = 0xffffffffu;
    }
  }
  workgroupBarrier();
  for (var k = P[2]; k <= P[3]; k = k << 1u) {
    var j = min(k >> 1u, ${HALF}u);
    loop {
      if (j == 0u) { break; }
      let i = 2u * j * (lid / j) + (lid % j);
      let l = i + j;
      let asc = (((P[4] + base + i) & mask) & k) == 0u;
      let g = gt(sh[i], sl[i], si[i], sh[l], sl[l], si[l]);
      if (g == asc) {
        let th = sh[i]; let tl = sl[i]; let ti = si[i];
        sh[i] = sh[l]; sl[i] = sl[l]; si[i] = si[l];
        sh[l] = th; sl[l] = tl; si[l] = ti;
      }
      workgroupBarrier();
      j = j >> 1u;
    }
  }
  for (var h = 0u; h < 2u; h++) {
    let t = lid + h * ${WG}u;
    let g = base + t;
    if (g < total) {
      K[ko + 2u * g] = sh[t]; K[ko + 2u * g + 1u] = sl[t]; X[xo + g] = si[t];
    }
  }
}
""")

_STEP = string.Template("""
@group(0) @binding(0) var<storage, read> P: array<u32>;
$DECLS
$CMP
// P: [0] pairs in this dispatch, [1] npad, [2] k, [3] j, [4] global t of the first thread,
//    [5] global index of the near side's first element, [6] its key word offset, [7] its index
//    offset; [8]-[10] the same for the far side (l = i + j)
@compute @workgroup_size($WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let tl = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (tl >= P[0]) { return; }
  let t = tl + P[4];
  let k = P[2];
  let j = P[3];
  let i = 2u * j * (t / j) + (t % j);
  let l = i + j;
  let asc = ((i & (P[1] - 1u)) & k) == 0u;
  let ii = i - P[5];
  let ll = l - P[8];
  let ah = K[P[6] + 2u * ii]; let al = K[P[6] + 2u * ii + 1u]; let ai = X[P[7] + ii];
  let bh = $KF[P[9] + 2u * ll]; let bl = $KF[P[9] + 2u * ll + 1u]; let bi = $XF[P[10] + ll];
  if (gt(ah, al, ai, bh, bl, bi) == asc) {
    K[P[6] + 2u * ii] = bh; K[P[6] + 2u * ii + 1u] = bl; X[P[7] + ii] = bi;
    $KF[P[9] + 2u * ll] = ah; $KF[P[9] + 2u * ll + 1u] = al; $XF[P[10] + ll] = ai;
  }
}
""")
_STEP_ONE = ("@group(0) @binding(1) var<storage, read_write> K: array<u32>;\n"
             "@group(0) @binding(2) var<storage, read_write> X: array<u32>;")
_STEP_TWO = _STEP_ONE + ("\n@group(0) @binding(3) var<storage, read_write> KF: array<u32>;\n"
                         "@group(0) @binding(4) var<storage, read_write> XF: array<u32>;")


def _key_body(dtype) -> str:
    """WGSL body of key_of(v) -> vec2<u32>(hi, lo): unsigned order == sort order, NaN -> all ones."""
    w = dt.wgsl_type(dtype)
    if w == "bool":
        return "  return vec2<u32>(select(0u, 1u, v), 0u);"
    if w == "i32":
        return "  return vec2<u32>(bitcast<u32>(v) ^ 0x80000000u, 0u);"
    if w == "u32":
        return "  return vec2<u32>(v, 0u);"
    if w == "f32":
        return ("  var b = bitcast<u32>(v);\n"
                "  if ((b & 0x7fffffffu) > 0x7f800000u) { return vec2<u32>(0xffffffffu, 0xffffffffu); }\n"
                "  if ((b & 0x7fffffffu) == 0u) { b = 0u; }\n"
                "  return vec2<u32>(select(b ^ 0x80000000u, ~b, (b & 0x80000000u) != 0u), 0u);")
    if w in ("i64", "u64"):
        flip = " ^ 0x8000000000000000lu" if w == "i64" else ""
        return f"  let b = bitcast<u64>(v){flip};\n  return vec2<u32>(u32(b >> 32u), u32(b & 0xfffffffflu));"
    if w == "f64":
        return ("  var b = bitcast<u64>(v);\n"
                "  if ((b & 0x7ffffffffffffffflu) > 0x7ff0000000000000lu) { return vec2<u32>(0xffffffffu, 0xffffffffu); }\n"
                "  if ((b & 0x7ffffffffffffffflu) == 0lu) { b = 0lu; }\n"
                "  let o = select(b ^ 0x8000000000000000lu, ~b, (b & 0x8000000000000000lu) != 0lu);\n"
                "  return vec2<u32>(u32(o >> 32u), u32(o & 0xfffffffflu));")
    raise TypeError(f"no sort key for {dtype}")


def _params(*words) -> bytes:
    return np.array(words, np.uint32).tobytes()


def _window(st, start: int, count: int):
    """(binding, offset in 32-bit words) of ``count`` words of ``st`` from word ``start``: the
    storage itself, or a window of the one buffer of a segmented storage that holds them."""
    if st.segs is None:
        return st, start
    w = _windows.window_leaf(Leaf(st, _U32, (count,), (1,), start))
    assert w is not None, "sort chunks are whole power-of-two blocks of one buffer"
    return w.storage, w.offset


def _sorted_indices(src: Leaf, rows: int, n: int, descending: bool) -> Leaf:
    """Stable sort of each length-n row of the contiguous ``src``: an int32 leaf (rows, n) of indices.

    Past one buffer (arrays held in several, see _kernels/windows.py) every pass runs chunk by
    chunk: a chunk is a power-of-two block of pairs whose keys and indices lie in one buffer each
    (windows), and a compare-exchange step whose distance reaches a chunk binds the far chunk as
    a second pair of windows."""
    dev = _runtime.device()
    npad = 1 << max(n - 1, 0).bit_length()
    total = rows * npad
    if total >= 1 << 31:
        raise ValueError(f"sort: {rows} rows of {n} elements are too many for one device sort")
    keys = dev.alloc(total * 8)
    idx = dev.alloc(total * 4)
    dtype = src.dtype
    bindings = [[src.storage, dtype, False], [keys, _U32, True], [idx, _U32, True]]
    chunk = total if keys.segs is None else keys.seg // 8  # pairs per dispatch

    def win(g0, cnt):
        kst, ko = _window(keys, 2 * g0, 2 * cnt)
        xst, xo = _window(idx, g0, cnt)
        return kst, ko, xst, xo

    def build_key():
        srcs = _KEY.substitute(DECLS=_codegen.binding_decls(bindings), LOAD=_codegen.load_fn(0, dtype, False),
                               T=dt.wgsl_type(dtype), KEY=_key_body(dtype), WG=_WG)
        return f"sort_key_{dtype.name}", srcs, ["r", "rw", "rw"], 32

    kk = dev.kernel(("sort_key", dtype.char), build_key)

    def key_pass(g0, cnt):
        lo = (g0 // npad) * n + min(g0 % npad, n)
        last = g0 + cnt - 1
        hi = max((last // npad) * n + min(last % npad + 1, n), lo + 1)
        sst, soff = src.storage, src.offset
        if sst.segs is not None:
            w = _windows.window_leaf(Leaf(sst, dtype, (hi - lo,), (1,), src.offset + lo))
            if w is None:  # the rows of this block cross a buffer of the source: halves
                half = cnt // 2
                key_pass(g0, half)
                key_pass(g0 + half, cnt - half)
                return
            sst, soff = w.storage, w.offset - lo
        kst, ko, xst, xo = win(g0, cnt)
        dev.dispatch(kk, [sst, kst, xst], _params(cnt, npad, n, soff & 0xFFFFFFFF, int(descending), g0, ko, xo),
                     _runtime.groups_for(cnt, _WG))

    for g0 in range(0, total, chunk):
        key_pass(g0, min(chunk, total - g0))
    if npad > 1:
        local = dev.kernel(("sort_local", TILE), lambda: (
            "sort_local", _LOCAL.substitute(CMP=_CMP, TILE=TILE, WG=_WG, HALF=TILE // 2), ["rw", "rw"], 28))

        def local_pass(k0, k1):
            for g0 in range(0, total, chunk):
                cnt = min(chunk, total - g0)
                kst, ko, xst, xo = win(g0, cnt)
                dev.dispatch(local, [kst, xst], _params(cnt, npad, k0, k1, g0, ko, xo), (cnt + TILE - 1) // TILE)

        local_pass(2, min(npad, TILE))
        if npad > TILE:
            one = dev.kernel(("sort_step", 1), lambda: (
                "sort_step", _STEP.substitute(CMP=_CMP, WG=_WG, DECLS=_STEP_ONE, KF="K", XF="X"), ["rw", "rw"], 44))
            two = None
            k = 2 * TILE
            while k <= npad:
                j = k // 2
                while j >= TILE:
                    if 2 * j <= chunk:  # both sides of every pair in one chunk
                        for g0 in range(0, total, chunk):
                            cnt = min(chunk, total - g0)
                            kst, ko, xst, xo = win(g0, cnt)
                            dev.dispatch(one, [kst, xst], _params(cnt // 2, npad, k, j, g0 // 2, g0, ko, xo, g0, ko, xo),
                                         _runtime.groups_for(cnt // 2, _WG))
                    else:  # pairs a whole number of chunks apart: the far chunk bound apart
                        if two is None:
                            two = dev.kernel(("sort_step", 2), lambda: (
                                "sort_step_far", _STEP.substitute(CMP=_CMP, WG=_WG, DECLS=_STEP_TWO, KF="KF", XF="XF"),
                                ["rw", "rw", "rw", "rw"], 44))
                        for q in range(total // (2 * j)):
                            for r in range(j // chunk):
                                a0 = 2 * j * q + r * chunk
                                kst, ko, xst, xo = win(a0, chunk)
                                fkst, fko, fxst, fxo = win(a0 + j, chunk)
                                dev.dispatch(two, [kst, xst, fkst, fxst],
                                             _params(chunk, npad, k, j, j * q + r * chunk, a0, ko, xo, a0 + j, fko, fxo),
                                             _runtime.groups_for(chunk, _WG))
                    j //= 2
                local_pass(k, k)
                k *= 2
    return Leaf(idx, _I32, (rows, n), (npad, 1), 0)


def _prepare(x: GpuArray, axis):
    """x with ``axis`` moved last, as a contiguous leaf, plus (moved shape, axis)."""
    ax = _norm_axis(axis, x.ndim)
    xm = moveaxis(x, ax, -1) if ax != x.ndim - 1 else x
    return contiguous(xm), xm.shape, ax


def _restore(res: GpuArray, ax: int, ndim: int) -> GpuArray:
    if ax == ndim - 1:
        return res
    return moveaxis(res, -1, ax)


def _gather_rows(src: Leaf, order: Leaf, rows: int, n: int, shape) -> GpuArray:
    """src (rows of n: contiguous, or a (rows, n) view) read at the per-row indices ``order``
    (rows, n), lazily."""
    row_stride = src.strides[0] if src.ndim == 2 else n
    terms = [(order, 1), (Iota(_I32, (rows, n), 0), row_stride)]
    g = gather(src, offset_expr(terms), (rows, n))
    return reshape(g, shape)


def _argsort_leaf(src: Leaf, rows, n, descending) -> Leaf:
    """Sorted indices (rows, n) for any supported dtype (complex: two stable passes)."""
    if src.dtype.kind != "c":
        return _sorted_indices(src, rows, n, descending)
    rt = dt.real_of(src.dtype)
    full = GpuArray(src)
    im = apply("imag", full)
    first = _sorted_indices(_contig_of(im, rt), rows, n, descending)
    re_perm = _gather_rows(_contig_of(apply("real", full), rt), first, rows, n, (rows, n))
    second = _sorted_indices(_contig_of(re_perm, rt), rows, n, descending)
    # compose: final[r, i] = first[r, second[r, i]]
    comp = _gather_rows(first, second, rows, n, (rows, n))
    return _contig_of(comp, _I32)


def _contig_of(x: GpuArray, dtype) -> Leaf:
    leaf = new_leaf(dtype, x.shape)
    node = x._node
    _codegen.evaluate_into(node if node.dtype == dtype else Cast(node, dtype), leaf)
    return leaf


def _check_dtype(x: GpuArray, fname):
    if x.dtype.kind not in "biufc":
        raise TypeError(f"{fname}: unsupported dtype {x.dtype}")


# ------------------------------------------------------------------------------- API
def argsort(x, /, axis=-1, kind=None, order=None, *, descending=False, stable=True):
    """Indices that sort ``x`` along ``axis`` (default int). Always stable; ``descending`` keeps
    equal elements in their original order; NaNs sort last. ``axis=None`` sorts the flattened array."""
    if order is not None:
        raise NotImplementedError("argsort: order= (structured arrays) is not supported")
    x = _arr(x)
    _check_dtype(x, "argsort")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    if x.ndim == 0:
        return zeros((1,), dtype=dt.default_int())  # NumPy: a 0-d array sorts as its ravel
    src, mshape, ax = _prepare(x, axis)
    n = mshape[-1]
    if x.size == 0:
        return _restore(GpuArray(new_leaf(dt.default_int(), mshape)), ax, x.ndim)
    rows = x.size // n
    order_leaf = _argsort_leaf(src, rows, n, bool(descending))
    res = reshape(GpuArray(Cast(order_leaf, dt.default_int())), mshape)
    return _restore(res, ax, x.ndim)


def sort(x, /, axis=-1, kind=None, order=None, *, descending=False, stable=True):
    """``x`` sorted along ``axis`` (NumPy's ``sort``; array API keywords ``descending``/``stable``).
    NaNs sort last; ``axis=None`` sorts the flattened array."""
    if order is not None:
        raise NotImplementedError("sort: order= (structured arrays) is not supported")
    x = _arr(x)
    _check_dtype(x, "sort")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    if x.ndim == 0:
        raise np.exceptions.AxisError(axis, 0)
    src, mshape, ax = _prepare(x, axis)
    n = mshape[-1]
    if x.size == 0:
        return _restore(GpuArray(new_leaf(x.dtype, mshape)), ax, x.ndim)
    rows = x.size // n
    order_leaf = _argsort_leaf(src, rows, n, bool(descending))
    return _restore(_gather_rows(src, order_leaf, rows, n, mshape), ax, x.ndim)


def sort_inplace(self, axis=-1, kind=None, order=None, *, descending=False, stable=True):
    """``GpuArray.sort``: sort in place along ``axis``."""
    res = sort(self, axis=axis, kind=kind, order=order, descending=descending)
    res._leaf()  # the gather reads self: evaluate it before self is overwritten
    assign(self, res)


def _check_kth(kth, n: int) -> None:
    ks = np.asarray(kth)
    if ks.dtype.kind not in "iu" or ks.ndim > 1:
        raise TypeError("Partition index must be integer")
    for k in ks.reshape(-1):
        if not -n <= k < n:
            raise ValueError(f"kth(={int(k)}) out of bounds ({n})")


def _partition_axis(x: GpuArray, axis):
    if axis is None:
        return reshape(x, (-1,)), 0
    if x.ndim == 0:
        raise np.exceptions.AxisError(axis, 0)
    return x, axis


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """NumPy's ``partition``: each kth element where a sort puts it, smaller ones before and
    larger ones after. Here the whole axis is sorted on the device (a valid partition)."""
    if order is not None:
        raise NotImplementedError("partition: order= (structured arrays) is not supported")
    x, axis = _partition_axis(_arr(a), axis)
    _check_kth(kth, x.shape[axis % x.ndim])
    return sort(x, axis=axis)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """NumPy's ``argpartition``: indices of a partition (``partition``), from the device sort."""
    if order is not None:
        raise NotImplementedError("argpartition: order= (structured arrays) is not supported")
    x, axis = _partition_axis(_arr(a), axis)
    _check_kth(kth, x.shape[axis % x.ndim])
    return argsort(x, axis=axis)


def msort(a):
    return sort(a, axis=0)


def _median(a, axis, out, keepdims, skip_nan):
    """The middle element(s) of each slice, sorted on the device (NaN last): the mean of the two
    middle values of the non-NaN ones (``skip_nan``) or of all (a NaN in the slice gives NaN)."""
    x = a if isinstance(a, GpuArray) else _asarray(a)
    if x.dtype.kind == "c":
        raise NotImplementedError("median of complex values")
    axes = _axes(axis, x.ndim)
    kshape = tuple(1 if d in axes else n for d, n in enumerate(x.shape))
    rshape = kshape if keepdims else tuple(n for d, n in enumerate(x.shape) if d not in axes)
    if len(axes) != 1 or x.ndim == 0:  # the reduced axes merged into one last axis
        keep = [d for d in range(x.ndim) if d not in axes]
        x = moveaxis(x, axes, tuple(range(len(keep), x.ndim)))
        x = reshape(x, tuple(x.shape[: len(keep)]) + (-1,) if x.ndim else (1,))
        ax = x.ndim - 1
    else:
        ax = axes[0]
    n = x.shape[ax]
    if n == 0:
        raise NotImplementedError("median of an empty slice")
    rt = x.dtype if x.dtype.kind == "f" else dt.default_float()
    srt = sort(x, axis=ax)
    if skip_nan and x.dtype.kind == "f":
        cnt = count_nonzero(apply("logical_not", apply("isnan", x)), axis=ax, keepdims=True)
    else:
        cnt = n
    if isinstance(cnt, GpuArray):
        lo = apply("maximum", apply("floor_divide", apply("subtract", cnt, 1), 2), 0)
        hi = apply("minimum", apply("floor_divide", cnt, 2), n - 1)
    else:  # a constant count: the same indices everywhere
        ishape = tuple(1 if d == ax else m for d, m in enumerate(x.shape))
        lo, hi = full(ishape, (cnt - 1) // 2, dtype=dt.default_int()), full(ishape, cnt // 2, dtype=dt.default_int())
    vlo = astype(_take_in_range(srt, lo, ax), rt, copy=False)
    vhi = astype(_take_in_range(srt, hi, ax), rt, copy=False)
    med = apply("divide", apply("add", vlo, vhi), 2)
    if x.dtype.kind == "f":
        if skip_nan:
            med = apply("where", apply("equal", cnt, 0), float("nan"), med)
        else:
            med = apply("where", rany(apply("isnan", x), axis=ax, keepdims=True), float("nan"), med)
    if med.dtype != rt:
        med = astype(med, rt)
    res = reshape(med, rshape)
    if out is not None:
        assign(out, res)
        return out
    return res


def _take_in_range(arr: GpuArray, idx: GpuArray, axis: int) -> GpuArray:
    """take_along_axis for indices in range by construction (no bounds check read back):
    ``idx`` has arr's shape with 1 along ``axis``."""
    leaf = arr._leaf()
    il = astype(idx, dt.int32, copy=True)._leaf()
    shape = il.shape
    terms = [(embed(il, il.shape, 0, len(shape)), leaf.strides[axis])]
    terms += [(Iota(dt.int32, shape, d), leaf.strides[d]) for d in range(len(shape)) if d != axis]
    return gather(leaf, offset_expr(terms), shape)


def _asarray(a):
    return asarray(a)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """NumPy's ``median``: the middle of each sorted slice (a NaN in the slice gives NaN)."""
    return _median(a, axis, out, keepdims, False)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """NumPy's ``nanmedian``: the median of the non-NaN values (NaN for an all-NaN slice)."""
    return _median(a, axis, out, keepdims, True)


__all__ = ["argpartition", "argsort", "median", "nanmedian", "partition", "sort"]
