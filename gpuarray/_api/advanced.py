"""Advanced indexing: integer arrays and boolean masks (NumPy's rules), as gather and
scatter kernels.

Gather is a node kind, ``Take``: "load the source buffer at an element offset given by an
integer expression". The offset expression is an ordinary i32 node tree over the index
arrays (broadcast into the result's shape) and ``Iota`` coordinates for the sliced
dimensions, so a gather fuses with the elementwise work that follows it and is cached by
structure (strides, sizes and offsets are parameters).

Scatter (``x[idx] = v``) is a kernel writing ``dst[offset(i)] = value(i)`` over the index
result's shape. With repeated indices one of the values lands in each element (which one
is not specified, unlike NumPy's last-wins). Sub-word elements (bool, 8/16-bit) are updated
with a compare-and-swap loop on their word, so neighbours and values are never mixed;
complex elements are two stores, so with repeated indices their real and imaginary parts
may come from different values.

Boolean masks become coordinates by compaction (count per block, prefix sum, scatter of
positions); the count is the one number read back, since it gives the result's size.
Index arrays from the host are bounds-checked on the host; device index arrays are
checked with a min/max kernel whose two numbers are read back.
"""
from __future__ import annotations

import operator

import numpy as np

from .._kernels import wgsl_lib as _wgsl_lib
from .._kernels import codegen as _codegen
from .._kernels import windows as _windows
from .._graph import remap as _remap
from .._device.errors import SizeLimitError
from .._device import runtime as _runtime
from .._graph import dtypes as dt
from .._graph import ops as _ops
from .._lazy.array import GpuArray, from_host, view_of
from .._lazy import views as _views
from .._graph.nodes import Cast, Const, Ew, Iota, Leaf, Node, _union, broadcast_shapes, contiguous_strides, new_leaf
from .indexing import _is_basic, basic_view, normalize_key
from .creation import asarray, zeros
from .._lazy.elementwise import _reads_only_same_view, apply, as_operand, assign, flush_readers

I32 = dt.int32
I64 = dt.int64
_WG = _runtime.WORKGROUP
# Element offsets are computed in 32 bits (i32 nodes) unless a source or destination needs more:
# a view whose elements lie WIDE_FROM or more apart, an array of 2 * WIDE_FROM elements or more, or
# an indexed axis of WIDE_FROM elements or more; those take i64 offsets where the adapter has 64-bit
# integers (tests lower it to run the 64-bit path on small arrays).
WIDE_FROM = 1 << 31
_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or "
              "boolean arrays are valid indices")


# ------------------------------------------------------------------- the Take node
class Take(Node):
    """Element of ``src``'s buffer at ``src.offset + offset`` (an i32 node broadcast to ``shape``).

    The source is kept as a 0-d leaf in ``srcs`` (its ``anchor``): it gives the node its
    binding and the source's base offset, and it makes writers see that the node reads the
    buffer at another view than theirs (so an in-place write evaluates it first)."""

    __slots__ = ("srcs", "under_costly")

    def __init__(self, src: Leaf, offset, shape):
        _check_offsets(src, "gather from", offset.dtype)
        anchor = Leaf(src.storage, src.dtype, (), (), src.offset)
        self.srcs = (offset, anchor)
        self.under_costly = offset.under_costly
        self.dtype, self.shape = src.dtype, tuple(shape)
        self.size_ = 2 + offset.size_
        self.storages = _union(self.srcs)


def _far(view: Leaf, sizes=(), limit=None) -> bool:
    """Whether offsets into ``view`` (indexing axes of ``sizes``) reach ``limit`` (WIDE_FROM)."""
    limit = WIDE_FROM if limit is None else limit
    span = sum((n - 1) * abs(s) for n, s in zip(view.shape, view.strides) if n)
    return (span >= limit or view.storage.nbytes // view.dtype.itemsize >= 2 * limit
            or any(n >= limit for n in sizes))


def index_dtype(view: Leaf, sizes=()) -> np.dtype:
    """The dtype of computed element offsets into ``view``: int64 where 32 bits do not reach
    (``_far``) and the adapter has 64-bit integers, else int32 (``Take`` and the scatters then
    refuse a view 32 bits do not reach)."""
    return I64 if _far(view, sizes) and _runtime.device().has_64 else I32


def _check_offsets(view: Leaf, what: str, ix=I32) -> None:
    """32-bit offsets (``ix`` int32) refuse a view whose elements lie 2^31 or more apart, or a buffer
    of 2^32 elements or more, rather than wrap around; 64-bit ones reach any array."""
    if ix == I64:
        return
    span = sum((n - 1) * abs(s) for n, s in zip(view.shape, view.strides) if n)
    if _far(view, limit=1 << 31):
        raise SizeLimitError(
            f"cannot {what} a view whose elements lie {span} elements apart in an array of "
            f"{view.storage.nbytes} bytes: computed offsets are 32-bit on '{_runtime.device().name}' "
            f"(no 64-bit integers: 2^31 elements). Index a slice of it")


def _u32_as_i64(e: str) -> str:
    """WGSL for the u32 expression ``e`` as an i64 of the same value: through u64, since naga
    converts u32 to i64 by sign extension (0x80000000u became -2^31 on lavapipe)."""
    return f"bitcast<i64>(u64({e}))"


def _d_take(node, plan, ch):
    st = node.srcs[1].storage
    wide = plan.nodes[ch[0]].dtype == I64  # 64-bit offsets (see index_dtype)
    if st.segs is None:
        return ("T", node.dtype.char, ch[0], ch[1], wide)
    # A source held in several buffers (see _kernels/windows.py): the element read is computed, so
    # every buffer is bound (a window over each whole segment) and the load picks the one that
    # holds it. The anchor's own binding becomes the first segment's: only its offset is used.
    anchor = plan.desc[ch[1]]
    seen = plan.__dict__.setdefault("seg_binds", {})  # (storage, dtype) -> its segments' bindings
    binds = seen.get((id(st), node.dtype))
    if binds is None:
        if len(plan.bindings) + len(st.segs) + 2 > _runtime.device().max_bindings:
            raise SizeLimitError(
                f"a gather from an array of {st.nbytes} bytes binds its {len(st.segs)} buffers of {st.seg} bytes "
                f"(max-storage-buffer-binding-size) at once: more than the device's "
                f"{_runtime.device().max_bindings} bindings allow. Gather from slices of it")
        segs = [_windows.segment_window(st, i) for i in range(len(st.segs))]
        binds = seen[id(st), node.dtype] = tuple(plan.binding(w, node.dtype) for w in segs)
    plan.bindings[anchor[1]][0] = plan.bindings[binds[0]][0]
    return ("TS", node.dtype.char, ch[0], ch[1], wide, binds, st.seg // node.dtype.itemsize)


def _e_take(node, plan, k, ch, d):
    anchor = plan.desc[ch[1]]  # ("L", binding, vector, char)
    wide = d[4]
    # the element's position in the storage: the anchor's offset (a u32 word) plus the offset, in
    # 32-bit arithmetic modulo 2^32, or in 64 bits
    j = f"({_u32_as_i64('I' + str(anchor[2]))} + v{ch[0]})" if wide else f"u32(i32(I{anchor[2]}) + v{ch[0]})"
    if d[0] == "T":
        return f"ld{anchor[1]}(u32({j}))" if wide else f"ld{anchor[1]}({j})"
    # the segment holding the element, chosen by selects (each segment's load is in bounds or
    # clamped by the robust buffer access, and only the chosen one is kept)
    binds, per = d[5], d[6]
    lit = "li" if wide else "u"

    def local(i):
        return f"u32({j} - {i * per}{lit})" if wide else f"{j} - {i * per}u"

    e = f"ld{binds[-1]}({local(len(binds) - 1)})"
    for i in range(len(binds) - 2, -1, -1):
        e = f"select({e}, ld{binds[i]}({local(i)}), {j} < {(i + 1) * per}{lit})"
    return e


def _remap_take(node, rm, memo):
    """A gather read at remapped coordinates (see _graph/remap.py): its offsets remapped, the
    same source."""
    t = Take.__new__(Take)
    t.srcs = (_remap.remap(node.srcs[0], rm, memo), node.srcs[1])
    t.under_costly, t.dtype, t.shape, t.size_ = node.under_costly, node.dtype, rm.shape, node.size_
    t.storages = node.storages
    return t


_remap.REMAP[Take] = _remap_take
_codegen.DESCRIBE[Take] = _d_take
_codegen.EMIT[Take] = _e_take


# ------------------------------------------------------------- i32 offset arithmetic
def _ew(op, srcs, dtype=I32, ct=None):
    return Ew(op, dtype, broadcast_shapes(*(s.shape for s in srcs)), srcs, ct or dtype)


def _ci(v, ix=I32) -> Const:
    return Const(int(v), ix)


def _wrap_negative(idx, n, ix=I32):
    """NumPy's negative indices: i < 0 -> i + n (values were bounds-checked before), in ``ix``."""
    return _ew("where", [_ew("less", [idx, _ci(0, ix)], dt.bool_, ix), _ew("add", [idx, _ci(n, ix)], ix), idx], ix)


def offset_expr(terms, ix=I32):
    """sum(node * stride) over (node, stride) terms, as an ``ix`` node (zero-stride terms dropped;
    the nodes are of dtype ``ix``)."""
    expr = None
    for node, stride in terms:
        if stride == 0:
            continue
        t = _ew("multiply", [node, _ci(stride, ix)], ix)
        expr = t if expr is None else _ew("add", [expr, t], ix)
    return expr if expr is not None else _ci(0, ix)


def gather(src: Leaf, offset, shape) -> GpuArray:
    """A lazy array of ``shape`` reading ``src``'s buffer at ``src.offset + offset``."""
    return GpuArray(Take(src, offset, shape))


def embed(leaf: Leaf, shape, start: int, ndim: int) -> Leaf:
    """``leaf`` viewed in a result of ``ndim`` dims, its (right-aligned, broadcast) shape at
    ``start`` .. ``start + len(shape)``; other dims have size 1."""
    pad = len(shape) - leaf.ndim
    sh = [1] * pad + list(leaf.shape)
    st = [0] * pad + [0 if s == 1 else x for s, x in zip(leaf.shape, leaf.strides)]
    rest = ndim - start - len(shape)
    return Leaf(leaf.storage, leaf.dtype, [1] * start + sh + [1] * rest, [0] * start + st + [0] * rest, leaf.offset)


# ------------------------------------------------------------------ small kernels
def _template_kernel(key, template, subs, access, window):
    dev = _runtime.device()

    def build():
        return key[0], _wgsl_lib.template(template).substitute(WG=_WG, **subs), access, window

    return dev.kernel(key, build)


def _params(*words) -> bytes:
    return np.array([w & 0xFFFFFFFF for w in words], np.uint32).tobytes()


def contiguous(x: GpuArray, avoid=None) -> Leaf:
    """``x`` as a contiguous leaf (copied when it is a strided view or shares ``avoid``)."""
    leaf = x._leaf()
    if leaf.is_contiguous() and leaf.storage is not avoid:
        return leaf
    tmp = new_leaf(leaf.dtype, leaf.shape)
    _codegen.evaluate_into(leaf, tmp)
    return tmp


def mask_coords(mask: GpuArray, out_dtype, flat=False) -> list[GpuArray]:
    """Coordinates of the true elements of a device bool ``mask`` (C order), one array per
    dimension (one array of flat positions if ``flat``). Reads back the count."""
    leaf = contiguous(mask)
    if leaf.storage.segs is not None or mask.size * out_dtype.itemsize > _runtime.device().seg_bytes:
        return _mask_coords_pieces(leaf, mask.shape, out_dtype, flat)
    n = mask.size
    k = 1 if flat else max(mask.ndim, 1)
    shape = (n,) if flat else (mask.shape or (1,))
    dev = _runtime.device()
    nb = _runtime.groups_for(n)
    count = 0
    if n:
        blocks = dev.alloc((nb + 1) * 4)
        kc = _template_kernel(("mask_count",), "mask_count.wgsl", {}, ["r", "rw"], 8)
        dev.dispatch(kc, [leaf.storage, blocks], _params(n, leaf.offset), nb)
        ks = _template_kernel(("scan_blocks",), "scan_blocks.wgsl", {}, ["rw"], 4)
        dev.dispatch(ks, [blocks], _params(nb), 1)
        count = int(dev.read(blocks, nb * 4, 4).view(np.uint32)[0])
    out = new_leaf(out_dtype, (k, count))
    if count:
        w = dt.wgsl_type(out_dtype)
        kk = _template_kernel(("mask_coords", k, w), "mask_coords.wgsl", {"NDIM": k, "OUT": w},
                              ["r", "r", "rw"], 4 * (3 + k))
        dev.dispatch(kk, [leaf.storage, blocks, out.storage], _params(n, leaf.offset, count, *shape), nb)
    return [GpuArray(Leaf(out.storage, out_dtype, (count,), (1,), d * count)) for d in range(k)]


def _mask_coords_pieces(leaf: Leaf, shape, out_dtype, flat) -> list[GpuArray]:
    """``mask_coords`` of a mask held in several buffers: the flat positions of each buffer's
    piece (bound as a window), shifted by the piece's start and joined, then unravelled."""
    # pieces whose positions (out_dtype) fit one buffer too, so each piece is one ordinary pass
    step = (leaf.storage.seg or _runtime.device().seg_bytes) // max(leaf.dtype.itemsize, out_dtype.itemsize)
    parts = []
    for start, piece in _windows.flat_pieces(leaf, step):
        pos = mask_coords(GpuArray(piece), out_dtype, flat=True)[0]
        parts.append(apply("add", pos, start) if start else pos)
    from_parts = parts[0]
    if len(parts) > 1:  # joined (the result may itself be held in several buffers)
        out = new_leaf(parts[0].dtype, (sum(p.size for p in parts),))
        at = 0
        for p in parts:
            _codegen.evaluate_into(p._node, Leaf(out.storage, out.dtype, (p.size,), (1,), at))
            at += p.size
        from_parts = GpuArray(out)
    if flat or not shape:
        return [from_parts]
    out = []
    for d, (size, stride) in enumerate(zip(shape, contiguous_strides(shape))):
        c = apply("floor_divide", from_parts, stride) if stride > 1 else from_parts
        out.append(apply("remainder", c, size) if d > 0 else c)
    return [x if x.dtype == out_dtype else x.astype(out_dtype) for x in out]


def _check_axis(n: int, axis: int) -> None:
    if n >= 1 << 31:
        raise SizeLimitError(f"an integer index into axis {axis} of {n} elements: device indices are 32-bit "
                             f"(2^31 elements per axis). Index a slice of it")


def check_device_index(idx: GpuArray, n: int, axis: int, avoid=None, ix=I32) -> Leaf:
    """A device integer index array as a contiguous ``ix`` (i32 or i64) leaf, after a device
    bounds check against an axis of size ``n`` (IndexError like NumPy's)."""
    if ix == I64:
        return _check_device_index64(idx, n, axis, avoid)
    _check_axis(n, axis)
    node = idx._node
    if idx.dtype != I32:
        # clamp into i32 first: out-of-range values stay out of range, nothing wraps into range
        top = Const(2**31 - 1, idx.dtype) if idx.dtype.itemsize >= 4 else None
        if idx.dtype.kind == "i" and idx.dtype.itemsize == 8:
            node = Ew("maximum", idx.dtype, node.shape, [node, Const(-(2**31), idx.dtype)], idx.dtype)
        if top is not None and (idx.dtype.itemsize == 8 or idx.dtype.kind == "u"):
            node = Ew("minimum", idx.dtype, node.shape, [node, top], idx.dtype)
        node = Cast(node, I32)
        tmp = new_leaf(I32, idx.shape)
        _codegen.evaluate_into(node, tmp)
        leaf = tmp
    else:
        leaf = contiguous(idx, avoid)
    size = idx.size
    if size:
        dev = _runtime.device()
        res = dev.upload(np.array([2**31 - 1, -(2**31)], np.int32))
        km = _template_kernel(("index_minmax",), "index_minmax.wgsl", {}, ["r", "rw"], 8)
        for _, piece in _windows.flat_pieces(leaf):  # (one, unless the indices span several buffers)
            m = piece.shape[0]
            dev.dispatch(km, [piece.storage, res], _params(m, piece.offset), _runtime.groups_for(m))
        lo, hi = (int(v) for v in dev.read(res, 0, 8).view(np.int32))
        for v in (hi, lo):
            if not -n <= v < n:
                raise IndexError(f"index {v} is out of bounds for axis {axis} with size {n}")
    return leaf


def _check_device_index64(idx: GpuArray, n: int, axis: int, avoid) -> Leaf:
    """``check_device_index`` into int64: the values converted (uint64 ones past int64 clamped, so
    they stay out of range), then one flag read back: whether any lies outside [-n, n)."""
    node = idx._node
    if idx.dtype == dt.uint64:
        node = Ew("minimum", idx.dtype, node.shape, [node, Const(2**63 - 1, idx.dtype)], idx.dtype)
    if node.dtype != I64 or not (isinstance(node, Leaf) and node.is_contiguous()) or node.storage is avoid:
        tmp = new_leaf(I64, idx.shape)
        _codegen.evaluate_into(node if node.dtype == I64 else Cast(node, I64), tmp)
        node = tmp
    if idx.size:
        v = GpuArray(node)
        bad = apply("logical_or", apply("less", v, -n), apply("greater_equal", v, n))
        if bool(bad.any()):
            h = v.get()
            first = h[(h < -n) | (h >= n)][0]
            raise IndexError(f"index {first} is out of bounds for axis {axis} with size {n}")
    return node


def check_host_index(a: np.ndarray, n: int, axis: int, ix=I32) -> np.ndarray:
    """Host index values bounds-checked and wrapped, as ``ix`` (int32, or int64)."""
    if ix != I64:
        _check_axis(n, axis)
    if a.size:
        bad = (a < -n) | (a >= n)
        if bad.any():
            raise IndexError(f"index {a[bad].flat[0]} is out of bounds for axis {axis} with size {n}")
        a = np.where(a < 0, a + n, a)
    return a.astype(ix)


# ---------------------------------------------------------------- key resolution
class _Adv:
    """One advanced entry of a key: index arrays over some source dims (masks: several)."""

    __slots__ = ("kind", "value", "shape", "ndim_src", "axis")

    def __init__(self, kind, value, shape, ndim_src):
        self.kind, self.value, self.shape, self.ndim_src = kind, value, tuple(shape), ndim_src
        self.axis = 0  # first source axis it indexes (set when the key is resolved)


def _classify(k):
    """A key entry -> 'basic' entry or an _Adv (masks are still masks here)."""
    if k is None or k is Ellipsis or isinstance(k, slice) or isinstance(k, _Adv):
        return k
    if isinstance(k, (bool, np.bool_)):
        return _Adv("bool0", bool(k), (int(bool(k)),), 0)
    if isinstance(k, (int, np.integer)):
        return _Adv("int", operator.index(k), (), 1)
    if isinstance(k, GpuArray):
        if k.dtype == dt.bool_:
            if k.ndim == 0:
                return _classify(bool(k.get()))
            return _Adv("dmask", k, k.shape, k.ndim)
        if k.dtype.kind in "iu":
            return _Adv("darr", k, k.shape, 1)
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    if isinstance(k, str):
        raise IndexError(_BAD_INDEX)
    a = np.asarray(k)
    if a.dtype == np.bool_:
        if a.ndim == 0:
            return _classify(bool(a))
        return _Adv("hmask", a, a.shape, a.ndim)
    if a.dtype.kind in "iu":
        if a.ndim == 0:
            return _Adv("int", int(a), (), 1)
        return _Adv("harr", a, a.shape, 1)
    if a.size == 0 and a.dtype.kind == "f" and not isinstance(k, np.ndarray):
        return _Adv("harr", a.astype(np.intp), a.shape, 1)  # [] indexes like an empty intp array
    if isinstance(k, np.ndarray) or a.ndim:
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    raise IndexError(_BAD_INDEX)


def _check_mask(leaf: Leaf, mask: _Adv, first_axis: int) -> None:
    for j, m in enumerate(mask.shape):
        size = leaf.shape[first_axis + j]
        if m != size and m != 0:  # NumPy accepts an empty mask dimension against any size
            raise IndexError(f"boolean index did not match indexed array along axis {first_axis + j}; "
                             f"size of axis is {size} but size of corresponding boolean axis is {m}")


class Resolved:
    """A key applied to an array: the basic view under it, the result shape and the offset
    terms (node in result coordinates, element stride in the view), in ``ix`` (see
    ``index_dtype``); with 64-bit offsets the view's own offset is in them (``base``) and the view
    starts at 0, so that no 32-bit word holds a position."""

    def __init__(self, view, shape, terms, ix=I32, base=0):
        self.view, self.shape, self.terms, self.ix, self.base = view, shape, terms, ix, base

    def offset(self):
        e = offset_expr(self.terms, self.ix)
        return _ew("add", [e, _ci(self.base, self.ix)], self.ix) if self.base else e


def _expand(x_ndim, key):
    """Classified entries with the ellipsis replaced by full slices (and trailing slices added)."""
    items = [_classify(k) for k in key]
    used = sum(1 if isinstance(k, slice) else k.ndim_src if isinstance(k, _Adv) else 0 for k in items)
    if used > x_ndim:
        raise IndexError(f"too many indices for array: array is {x_ndim}-dimensional, but {used} were indexed")
    fill = [slice(None)] * (x_ndim - used)
    if any(k is Ellipsis for k in items):
        i = next(i for i, k in enumerate(items) if k is Ellipsis)
        return items[:i] + fill + items[i + 1:]
    return items + fill


def resolve(x: GpuArray, key, *, avoid=None) -> Resolved:
    """Apply a key holding at least one advanced entry (NumPy's rules), checking bounds."""
    leaf = x._leaf()
    items = _expand(x.ndim, key)
    # the basic view: advanced dims kept whole, integers applied
    basic, src_dim, vdims, vd = [], 0, [], 0
    for it in items:
        if isinstance(it, _Adv):
            if it.kind == "int":
                basic.append(it.value)
                vdims.append([])
            else:
                if it.kind in ("dmask", "hmask"):
                    _check_mask(leaf, it, src_dim)
                basic.extend([slice(None)] * it.ndim_src)
                vdims.append(list(range(vd, vd + it.ndim_src)))
                vd += it.ndim_src
            it.axis = src_dim
            src_dim += it.ndim_src
        else:
            basic.append(it)
            vdims.append([vd] if it is not Ellipsis else [])
            vd += 1
            src_dim += 1 if isinstance(it, slice) else 0
    view = basic_view(leaf, tuple(basic))
    advs = [i for i, it in enumerate(items) if isinstance(it, _Adv)]
    ix = index_dtype(view, [view.shape[d] for i in advs for d in vdims[i]])
    # masks become coordinate arrays (device masks: compaction, reads back the count)
    parts = {}  # item index -> list of (index node maker, view dim)
    for i in advs:
        it = items[i]
        dims = vdims[i]
        if it.kind == "hmask":
            coords = np.nonzero(it.value)
            it.shape = (len(coords[0]),)
            parts[i] = [("h", c.astype(ix), d, True) for c, d in zip(coords, dims)]
        elif it.kind == "dmask":
            strides = [view.strides[d] for d in dims]
            shape = [view.shape[d] for d in dims]
            mergeable = all(strides[j] == strides[j + 1] * shape[j + 1] for j in range(len(dims) - 1))
            coords = mask_coords(it.value, ix, flat=mergeable and len(dims) > 1)
            it.shape = (coords[0].size,)
            dl = dims[-1:] if len(coords) == 1 and len(dims) > 1 else dims
            parts[i] = [("d", c, d, True) for c, d in zip(coords, dl)]
        elif it.kind == "harr":
            d = dims[0]
            parts[i] = [("h", check_host_index(it.value, view.shape[d], it.axis, ix), d, True)]
        elif it.kind in ("darr", "tarr"):  # tarr: device indices already known to be in [0, n)
            parts[i] = [("d", it.value, dims[0], it.kind == "tarr")]
        else:
            parts[i] = []
    try:
        adv_shape = broadcast_shapes(*(items[i].shape for i in advs))
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with shapes "
                         + " ".join(str(items[i].shape).replace(" ", "") for i in advs if items[i].kind != "int")
                         ) from None
    adjacent = advs[-1] - advs[0] + 1 == len(advs)
    # result axes: basic dims in order, the broadcast advanced block in place or first
    out_shape, axis_of = [], {}
    adv_start = 0 if not adjacent else None
    if not adjacent:
        out_shape.extend(adv_shape)
    for i, it in enumerate(items):
        if isinstance(it, _Adv):
            if adjacent and i == advs[0]:
                adv_start = len(out_shape)
                out_shape.extend(adv_shape)
            continue
        for d in vdims[i]:
            axis_of[d] = len(out_shape)
            out_shape.append(view.shape[d])
    nd = len(out_shape)
    terms = [(Iota(ix, out_shape, a), view.strides[d]) for d, a in axis_of.items()]
    if 0 not in out_shape:
        for i in advs:
            for where, arr, d, trusted in parts[i]:
                n = view.shape[d]
                if where == "h":
                    il = from_host(arr)._leaf()
                else:
                    il = arr._leaf() if trusted else check_device_index(arr, n, items[i].axis, avoid, ix)
                    if il.storage is avoid:
                        il = contiguous(GpuArray(il), avoid)
                node = embed(il, adv_shape, adv_start, nd)
                if il.dtype != ix:
                    node = Cast(node, ix)
                if not trusted:
                    node = _wrap_negative(node, n, ix)
                terms.append((node, view.strides[d]))
    if ix == I64 and view.offset:
        return Resolved(Leaf(view.storage, view.dtype, view.shape, view.strides, 0), tuple(out_shape), terms, ix,
                        view.offset)
    return Resolved(view, tuple(out_shape), terms, ix)


# ------------------------------------------------------------------- getitem
def advanced_getitem(x: GpuArray, key) -> GpuArray:
    r = resolve(x, key)
    if 0 in r.shape:
        return GpuArray(new_leaf(x.dtype, r.shape))
    return gather(r.view, r.offset(), r.shape)


# ------------------------------------------------------------------- setitem
def value_node(value, dtype):
    """A value to store as a node of ``dtype`` (scalars follow NumPy's assignment rules)."""
    value = as_operand(value)
    if isinstance(value, GpuArray):
        node = value._node
        return node if node.dtype == dtype else Cast(node, dtype)
    return Const(dt.store_scalar(value, dtype), dtype)


def _detach(node, view: Leaf):
    """``node`` made safe to evaluate while writing ``view``: evaluated into a new buffer if it
    reads the view's buffer through any other view."""
    if view.storage in node.storages and not _reads_only_same_view(node, view):
        tmp = new_leaf(node.dtype, node.shape)
        _codegen.evaluate_into(node, tmp)
        return tmp
    return node


def _single_mask(items):
    advs = [it for it in items if isinstance(it, _Adv)]
    if len(advs) == 1 and advs[0].kind in ("dmask", "hmask"):
        return advs[0]
    return None


def advanced_setitem(x: GpuArray, key, value) -> None:
    leaf = x._leaf()
    if leaf.readonly:
        raise ValueError("assignment destination is read-only")
    value = as_operand(value)
    if len(key) == 1 and isinstance(key[0], GpuArray) and key[0].ndim == 0 and key[0].dtype == dt.bool_:
        if _zero_d_mask_write(x, key[0], value):
            return
    items = _expand(x.ndim, key)
    mask = _single_mask(items)
    vshape = value.shape if isinstance(value, GpuArray) else ()
    if mask is not None:
        # x[mask] = v with v broadcasting over the dims after the mask: one fused where()
        q = sum(1 for it in items[: items.index(mask)] if isinstance(it, slice) or it is None)
        tail = sum(1 for it in items[items.index(mask) + 1:] if isinstance(it, slice) or it is None)
        if len(vshape) > tail and len(vshape) == tail + 1 and vshape[0] == 1:
            value, vshape = value.reshape(vshape[1:]), vshape[1:]  # (manipulation sits above: the method)
        if len(vshape) <= tail:
            _masked_where(x, leaf, items, mask, q, value)
            return
    r = resolve(x, tuple(items), avoid=leaf.storage)
    node = value_node(value, x.dtype)
    try:
        broadcast_shapes(node.shape, r.shape)
        ok = len(node.shape) <= len(r.shape) and all(
            v in (1, t) for v, t in zip(node.shape[::-1], r.shape[::-1]))
    except ValueError:
        ok = False
    if not ok:
        if mask is not None and len(node.shape) == 1 and len(r.shape) == 1:
            raise ValueError(f"NumPy boolean array indexing assignment cannot assign {node.shape[0]} input values "
                             f"to the {r.shape[0]} output values where the mask is true")
        raise ValueError(f"shape mismatch: value array of shape {node.shape} could not be broadcast to indexing "
                         f"result of shape {r.shape}")
    if 0 in r.shape:
        return
    node = _detach(node, r.view)
    flush_readers(leaf.storage)
    scatter(node, r.offset(), r.view, r.shape)


def _zero_d_mask_write(x, mask, value) -> bool:
    """``x[m] = v`` for a 0-d device mask as ``where(m, v, x)`` over x, without reading m back
    (dask's reductions write through such masks); False when v does not broadcast to x."""
    vshape = value.shape if isinstance(value, GpuArray) else ()
    if len(vshape) == x.ndim + 1 and vshape[0] == 1:
        value, vshape = value.reshape(vshape[1:]), vshape[1:]  # (manipulation sits above: the method)
    if len(vshape) > x.ndim or any(v not in (1, t) for v, t in zip(vshape[::-1], x.shape[::-1])):
        return False
    res = apply("where", mask, value, x)
    assign(x, res if res.dtype == x.dtype else res.astype(x.dtype), value_temporary=True)
    return True


def _masked_where(x, leaf, items, mask, q, value):
    """x[..., mask, ...] = value as where(mask, value, view) written over the view."""
    basic = []
    src_dim = 0
    for it in items:
        if it is mask:
            _check_mask(leaf, mask, src_dim)
            basic.extend([slice(None)] * mask.ndim_src)
            src_dim += mask.ndim_src
        else:
            basic.append(it)
            src_dim += 1 if isinstance(it, slice) else 0
    view = basic_view(leaf, tuple(basic))
    m = mask.value if mask.kind == "dmask" else from_host(mask.value)
    m_leaf = m._leaf() if m.is_lazy or m._node.storage is not leaf.storage else contiguous(m, leaf.storage)
    m_node = embed(m_leaf, m_leaf.shape, q, view.ndim)
    v_node = value_node(value, x.dtype)
    if len(v_node.shape) > view.ndim or any(a not in (1, b) for a, b in zip(v_node.shape[::-1], view.shape[::-1])):
        raise ValueError(f"shape mismatch: value array of shape {v_node.shape} could not be broadcast to indexing "
                         f"result of shape {view.shape}")
    v_node = _detach(v_node, view)
    m_node = _detach(m_node, view)
    node = Ew("where", x.dtype, view.shape, [m_node, v_node, view], x.dtype)
    flush_readers(leaf.storage)
    _codegen.evaluate_into(node, view)


# --------------------------------------------------------------------- scatter
def _store_cas(dtype) -> str:
    """Sub-word store as a compare-and-swap loop: concurrent writes of one element keep one value whole."""
    bits = 8 if dtype.itemsize == 1 else 16
    per = 32 // bits
    mask = hex((1 << bits) - 1)
    val = _codegen.sub_word_bits(dtype, "v")
    return (f"fn st(j: u32, v: {dt.wgsl_type(dtype)}) {{\n"
            f"  let sh = (j % {per}u) * {bits}u; let m = {mask}u << sh; let w = j / {per}u;\n"
            f"  var old = atomicLoad(&b0[w]);\n"
            f"  loop {{\n"
            f"    let r = atomicCompareExchangeWeak(&b0[w], old, (old & ~m) | ({val} << sh));\n"
            f"    if (r.exchanged) {{ break; }}\n"
            f"    old = r.old_value;\n"
            f"  }}\n}}")


def _scatter_source(plan, vk, ok, claim=None) -> str:
    """The scatter kernel. With ``claim``, one of its two passes for repeated indices (see
    ``scatter``): 'claim' records the last index that targets each element, 'write' stores only
    the values that hold their element's claim."""
    lines = []
    for k, node in enumerate(plan.nodes):
        e = _codegen.EMIT[type(node)](node, plan, k, plan.children[k], plan.desc[k])
        lines.append(f"  let v{k}: {dt.wgsl_type(node.dtype)} = {e};")
    body = "\n".join(lines)
    idx, _ = _codegen.index_code(plan, 1 + len(plan.consts))
    out_dt = plan.out.dtype
    val = _codegen.cast_expr(plan.nodes[vk].dtype, out_dt, f"v{vk}")
    fns = [_codegen.load_fn(i, b[1], b[2]) for i, b in enumerate(plan.bindings)]
    fns.append(_store_cas(out_dt) if dt.storage(out_dt) == "sub" else _codegen.store_fn(out_dt))
    decls = _codegen.binding_decls(plan.bindings)
    pos = "pos"
    store = f"st({pos}, {val});"
    if claim is not None:
        wb = len(plan.bindings) + 1
        if claim == "claim":
            decls += f"\n@group(0) @binding({wb}) var<storage, read_write> bw: array<atomic<u32>>;"
            store = f"atomicMax(&bw[{pos}], gid + 1u);"
        else:
            decls += f"\n@group(0) @binding({wb}) var<storage, read> bw: array<u32>;"
            store = f"if (bw[{pos}] == gid + 1u) {{ {store} }}"
    store = _positioned(plan, ok, store)
    main = f"""
{_codegen.entry_point(_WG)}  let gid = (wid.y * nwg.x + wid.x) * {_WG}u + lid;
  if (gid >= P[0]) {{ return; }}
{idx}
{body}
  {store}
}}
"""
    helpers = _wgsl_lib.resolve(main)  # (the whole kernel: the stored value's conversion too)
    return "\n".join([_codegen.HEADER, decls, *fns, helpers, main])


def _guarded(plan, store: str) -> str:
    """``store`` where ``pos`` falls in the buffer bound (one buffer of a segmented array)."""
    return store if plan.guard is None else f"if (pos < P[{plan.guard}]) {{ {store} }}"


def _positioned(plan, ok, store: str) -> str:
    """``store`` with ``pos``, the element's position in the bound buffer (a pass's run of the
    destination, see ``_dst_passes``), from the offset node ``v<ok>``: in 32-bit arithmetic modulo
    2^32 (the out vector's word is the destination's offset less the run's start), or with 64-bit
    offsets less the run's start less the destination's offset (two words, ``ebase``; in one pass,
    the destination's offset, the out vector's word, below 2^32 in an array of one buffer)."""
    out = f"I{plan.out_vec}"
    if not plan.wide:
        return f"let pos = u32(i32({out}) + v{ok});\n  " + _guarded(plan, store)
    if plan.guard is None:
        return f"let pos = u32({_u32_as_i64(out)} + v{ok});\n  {store}"
    eb = plan.ebase
    return (f"let p64 = {_u32_as_i64(out)} + v{ok} - bitcast<i64>((u64(P[{eb + 1}]) << 32u) | u64(P[{eb}]));\n"
            f"  if (p64 >= 0li && p64 < {_u32_as_i64(f'P[{plan.guard}]')}) {{ let pos = u32(p64); {store} }}")


def _scatter_plan(value, offset, dst: Leaf, shape, claims=False):
    """(plan, value node, offset node) of a kernel over ``shape`` writing into ``dst``'s buffer at
    ``dst.offset + offset(i)`` (the output view has zero strides: each thread computes its own).

    A ``dst`` held in several buffers (see _kernels/windows.py) is written buffer by buffer
    (``_dst_passes``): each pass binds one buffer, rebases the offsets onto it and stores only
    the elements that fall in it (``plan.guard``: the parameter word holding its length). The
    values and offsets read other arrays through windows as any plan does."""
    _check_offsets(dst, "write at computed positions into", offset.dtype)
    plan = _codegen.Plan(Leaf(dst.storage, dst.dtype, shape, (0,) * len(shape), dst.offset))
    plan.windows = False  # (the kernel computes its addresses: the windows are bound below)
    vk = plan.walk(value)
    ok = plan.walk(offset)
    plan.limit = _pass_limit(dst, claims)
    plan.guard = plan.const([0]) if plan.limit is not None else None
    plan.wide = offset.dtype == I64
    plan.ebase = plan.const([0, 0]) if plan.wide and plan.guard is not None else None
    plan.finish()  # (NeedsSplit: the caller writes box by box, see _scatter_boxes)
    if plan.large:
        _windows.bind_windows(plan, [p for p in plan.vector_bindings() if p[0] != 0])
    return plan, vk, ok


def _scatter_boxes(value, offset, dst: Leaf, shape):
    """(value, offset, extents) per box of a scatter whose values or offsets read arrays held in
    several buffers across more than one, or that has 2^31 elements or more (_kernels/windows.py).
    In order: where offsets repeat across boxes, the later box's value stays, as in one pass."""
    anchor = Leaf(dst.storage, dst.dtype, shape, (0,) * len(shape), dst.offset)
    views = _windows.views_of(value, anchor, shape) + _windows.views_of(offset, anchor, shape)[1:]
    bxs = sorted(_windows.boxes(shape, views))
    return [(_windows.rebase(value, lo, ext, shape), _windows.rebase(offset, lo, ext, shape), ext) for lo, ext in bxs]


def _pass_limit(dst: Leaf, claims: bool):
    """Elements of ``dst``'s storage one pass may write (None: one pass writes anywhere): a
    buffer of a segmented array, and for scatters with claims (one u32 per element, see
    ``scatter``) no more elements than claim words fit in one binding."""
    st, dev = dst.storage, _runtime.device()
    slots = -(-st.nbytes // dst.dtype.itemsize)
    limit = st.seg // dst.dtype.itemsize if st.segs is not None else slots
    if claims:
        limit = min(limit, dev.seg_bytes // 4)
    return None if limit >= slots and st.segs is None else limit


def _dst_passes(plan, dst: Leaf, limit):
    """The passes of a kernel writing into ``dst`` at computed addresses: one (None) when
    ``limit`` is None; else one per run of ``limit`` elements of the storage (within one buffer),
    the plan set up to write into that run alone (yields the run's length)."""
    st = dst.storage
    if limit is None:
        yield None
        return
    isz = dst.dtype.itemsize
    total = -(-st.nbytes // isz)
    for e0 in range(0, total, limit):
        n = min(limit, total - e0)
        if st.segs is None:
            buf, base = st.buffer, 0
        else:
            s = e0 * isz // st.seg
            buf, base = st.segs[s][0], s * st.seg
        woff = e0 * isz - base
        plan.bindings[0][0] = _runtime.Window(st, buf, woff, min((n * isz + 3) & ~3, buf.size - woff))
        if plan.wide:  # the run's start less the destination's offset, in two words (see _positioned)
            rel = (e0 - dst.offset) & 0xFFFFFFFFFFFFFFFF
            plan.vectors[plan.out_vec][1] = 0
            plan.consts[plan.ebase - 1], plan.consts[plan.ebase] = rel & 0xFFFFFFFF, rel >> 32
        else:
            plan.vectors[plan.out_vec][1] = (dst.offset - e0) & 0xFFFFFFFF
        plan.consts[plan.guard - 1] = n
        yield n


def scatter(value, offset, dst: Leaf, shape, unique=False) -> None:
    """Record ``dst.buffer[dst.offset + offset(i)] = value(i)`` for every i of ``shape``.

    Unless the offsets are known to be ``unique``, an element several i target gets the value
    of the last i (NumPy's ``a[[0, 0]] = [1, 2]`` stores 2): threads run in no set order, so a
    first pass records, per element of the buffer, the largest i that targets it (atomicMax into
    a u32 per element of ``dst``'s buffer), and the second stores only those. Where those claim
    words would not fit one binding, ``dst`` is written in runs whose claims do (``_dst_passes``)."""
    _computed_writes(value, offset, dst, shape, not unique, lambda v, o, ext: scatter(v, o, dst, ext, unique),
                     lambda plan, vk, ok, elems: _scatter_pass(plan, vk, ok, dst, elems, unique))


def _computed_writes(value, offset, dst: Leaf, shape, claims, again, one_pass) -> None:
    """The driver of the kernels writing ``dst`` at computed addresses (scatters, ``ufunc.at``):
    box by box where the values or offsets need it (``again(value, offset, extents)``), else one
    plan run pass by pass over ``dst``'s buffers (``one_pass(plan, value node, offset node,
    elements of the pass or None)``)."""
    try:
        plan, vk, ok = _scatter_plan(value, offset, dst, shape, claims=claims)
    except _windows.NeedsSplit:
        for v, o, ext in _scatter_boxes(value, offset, dst, shape):
            again(v, o, ext)
        return
    if plan.n == 0:
        return
    for elems in _dst_passes(plan, dst, plan.limit):
        one_pass(plan, vk, ok, elems)


def _scatter_pass(plan, vk, ok, dst, elems, unique) -> None:
    params = plan.params()
    dev = _runtime.device()
    access = ["rw" if b[2] else "r" for b in plan.bindings]
    buffers = [b[0] for b in plan.bindings]
    slots = -(-dst.storage.nbytes // dst.dtype.itemsize) if elems is None else elems
    key = (plan.key, vk, ok, plan.guard)
    if unique or plan.n < 2:
        kern = dev.kernel(("scatter",) + key,
                          lambda: ("scatter", _scatter_source(plan, vk, ok), access, len(params)))
        dev.dispatch(kern, buffers, params, _runtime.groups_for(plan.n))
        return
    claims_arr = zeros((slots,), dtype=dt.uint32)  # (held until both passes are recorded)
    claims = claims_arr._leaf().storage
    for phase, acc in (("claim", "rw"), ("write", "r")):
        kern = dev.kernel(("scatter", phase) + key,
                          lambda: ("scatter_" + phase, _scatter_source(plan, vk, ok, phase), access + [acc], len(params)))
        dev.dispatch(kern, buffers + [claims], params, _runtime.groups_for(plan.n))


# --------------------------------------------------------------------- ufunc.at
def _update_fn(opname, nin, dtype) -> str:
    """``upd(j, v)``: element j of binding 0 becomes ``op(element, v)`` (``op(element)`` for a
    unary op) by a compare-and-swap loop on its 32-bit word, so repeated indices each apply
    once, as NumPy's unbuffered ``ufunc.at`` does."""
    w = dt.wgsl_type(dtype)
    args = ["cur", "v"][:nin]
    expr = _codegen.op_expr(opname, dtype, args)
    if dt.storage(dtype) == "sub":
        bits = 8 if dtype.itemsize == 1 else 16
        per = 32 // bits
        mask = hex((1 << bits) - 1)
        enc = _codegen.sub_word_bits(dtype, "nv")
        if dtype == dt.bool_:
            dec = "x != 0u"
        elif dtype == dt.float16:
            dec = _codegen.F16_VALUE.format("x")
        elif dtype.kind == "i":
            dec = f"(bitcast<i32>(x << {32 - bits}u) >> {32 - bits}u)"
        else:
            dec = "x"
        head = f"  let sh = (j % {per}u) * {bits}u; let m = {mask}u << sh; let w = j / {per}u;\n"
        cur = f"let x = (old >> sh) & {mask}u; let cur: {w} = {dec};"
        new = f"(old & ~m) | ({enc} << sh)"
    else:
        head = "  let w = j;\n"
        cur = f"let cur: {w} = bitcast<{w}>(old);"
        new = "bitcast<u32>(nv)"
    return (f"fn upd(j: u32, v: {w}) {{\n{head}"
            f"  var old = atomicLoad(&b0[w]);\n"
            f"  loop {{\n"
            f"    {cur}\n"
            f"    let nv: {w} = {expr};\n"
            f"    let r = atomicCompareExchangeWeak(&b0[w], old, {new});\n"
            f"    if (r.exchanged) {{ break; }}\n"
            f"    old = r.old_value;\n"
            f"  }}\n}}")


def updatable(opname, dtype) -> bool:
    """Whether ``scatter_update`` can apply op-table op ``opname`` in place to ``dtype``
    elements: elements of at most 32 bits (one word's compare-and-swap) with a WGSL expression."""
    return dt.storage(dtype) in ("sub", "word") and _ops.expression(_ops.lookup(opname), dtype) is not None


def scatter_update(opname, nin, value, offset, dst: Leaf, shape) -> None:
    """Record ``dst.buffer[dst.offset + offset(i)] = op(that element, value(i))`` for every i of
    ``shape`` (unary ops: ``op(element)``), each i applied once even where offsets repeat
    (NumPy's ``ufunc.at``): a compare-and-swap loop per update (``updatable`` dtypes only)."""
    _computed_writes(value, offset, dst, shape, False, lambda v, o, ext: scatter_update(opname, nin, v, o, dst, ext),
                     lambda plan, vk, ok, elems: _update_pass(opname, nin, plan, vk, ok, dst))


def _update_pass(opname, nin, plan, vk, ok, dst) -> None:
    params = plan.params()
    dev = _runtime.device()
    access = ["rw" if b[2] else "r" for b in plan.bindings]
    buffers = [b[0] for b in plan.bindings]

    def build():
        lines = []
        for k, node in enumerate(plan.nodes):
            e = _codegen.EMIT[type(node)](node, plan, k, plan.children[k], plan.desc[k])
            lines.append(f"  let v{k}: {dt.wgsl_type(node.dtype)} = {e};")
        body = "\n".join(lines)
        idx, _ = _codegen.index_code(plan, 1 + len(plan.consts))
        val = _codegen.cast_expr(plan.nodes[vk].dtype, dst.dtype, f"v{vk}")
        upd = _update_fn(opname, nin, dst.dtype)
        fns = [_codegen.load_fn(i, b[1], b[2]) for i, b in enumerate(plan.bindings) if i > 0]
        decls = _codegen.binding_decls(plan.bindings).split("\n")
        decls[0] = "@group(0) @binding(1) var<storage, read_write> b0: array<atomic<u32>>;"
        main = f"""
{_codegen.entry_point(_WG)}  let gid = (wid.y * nwg.x + wid.x) * {_WG}u + lid;
  if (gid >= P[0]) {{ return; }}
{idx}
{body}
  {_positioned(plan, ok, f"upd(pos, {val});")}
}}
"""
        helpers = _wgsl_lib.resolve(main + upd)
        return ("scatter_update", "\n".join([_codegen.HEADER, "\n".join(decls), *fns, upd, helpers, main]),
                access, len(params))

    kern = dev.kernel(("scatter_update", opname, nin, plan.key, vk, ok, plan.guard), build)
    dev.dispatch(kern, buffers, params, _runtime.groups_for(plan.n))



def segment_update(opname, nin, so: Leaf, sv, dst: Leaf, loop=None) -> None:
    """Record ``ufunc.at`` for elements without word atomics (64-bit, complex) or with a loop dtype
    other than their own: ``so`` holds the updates' element offsets into ``dst`` (from
    ``dst.offset``; contiguous int32, sorted, equal offsets in update order) and ``sv`` their
    values (contiguous, in the ``loop`` dtype, ``dst``'s by default; None for unary ops); int64
    offsets where they need 64 bits (see ``index_dtype``). One thread
    per run of equal offsets folds its updates in order, as NumPy's loop does (each result cast
    back to ``dst``'s dtype), and stores once: every result is NumPy's, bit for bit."""
    n = so.shape[0]
    if n == 0:
        return
    t = dst.dtype
    lt = t if loop is None else loop
    w = dt.wgsl_type(t)
    args = [_codegen.cast_expr(t, lt, "acc"), "v"][:nin]
    expr = _codegen.cast_expr(lt, t, _codegen.op_expr(opname, lt, args))
    vals = sv if sv is not None else so  # (a unary op binds the offsets twice: nothing reads them as values)

    def build():
        decls = _codegen.binding_decls([(dst.storage, t, True), (so.storage, so.dtype, False),
                                        (vals.storage, vals.dtype, False)])
        load_v = f"  let v = ld2(P[3] + k);\n" if nin == 2 else ""
        main = f"""
{_codegen.entry_point(_WG)}  let i = (wid.y * nwg.x + wid.x) * {_WG}u + lid;
  if (i >= P[0]) {{ return; }}
  let o = b1[P[2] + i];
  if (i > 0u && b1[P[2] + i - 1u] == o) {{ return; }}
  let j = u32({_u32_as_i64("P[1]") if so.dtype == I64 else "i32(P[1])"} + o);
  var acc: {w} = ld0(j);
  var k = i;
  loop {{
    if (k >= P[0]) {{ break; }}
    if (b1[P[2] + k] != o) {{ break; }}
{load_v}    acc = {expr};
    k = k + 1u;
  }}
  st(j, acc);
}}
"""
        fns = [_codegen.load_fn(0, t, True), _codegen.load_fn(2, vals.dtype, False), _codegen.store_fn(t)]
        helpers = _wgsl_lib.resolve(expr)
        return "segment_update", "\n".join([_codegen.HEADER, decls, *fns, helpers, main]), ["rw", "r", "r"], 16

    dev = _runtime.device()
    kern = dev.kernel(("segment_update", opname, nin, t.str, lt.str, so.dtype.str), build)
    params = _params(n, dst.offset, so.offset, vals.offset)
    dev.dispatch(kern, [dst.storage, so.storage, vals.storage], params, _runtime.groups_for(n))

# --------------------------------------------------------------------- nonzero
def nonzero(x) -> tuple:
    """Indices of the non-zero elements, one default-int array per dimension."""
    x = as_operand(x)
    if not isinstance(x, GpuArray):
        x = asarray(x)
    if x.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.")
    mask = x if x.dtype == dt.bool_ else apply("not_equal", x, 0 if x.dtype.kind != "c" else 0j)
    return tuple(mask_coords(mask, dt.default_int()))


__all__: list[str] = []


# ------------------------------------------------------------------ x[key], x[key] = v
def getitem(x: GpuArray, key):
    if type(key) is not tuple:
        key = (key,)
    for k in key:  # plain ints, slices, None and one `...`: a view, validated by basic_view
        t = type(k)
        if not (t is slice or t is int or k is None or k is Ellipsis):
            break
    else:
        if sum(1 for k in key if k is Ellipsis) > 1:
            raise IndexError("an index can only have a single ellipsis ('...')")
        return _views.view(x, lambda leaf: basic_view(leaf, key))
    key = normalize_key(key, x.ndim)
    key = tuple(operator.index(k) if isinstance(k, GpuArray) and _is_basic(k) and k.ndim == 0 else k for k in key)
    if all(_is_basic(k) for k in key):
        return _views.view(x, lambda leaf: basic_view(leaf, key))
    return advanced_getitem(x, key)


def setitem(x: GpuArray, key, value):
    key = normalize_key(key, x.ndim)
    key = tuple(operator.index(k) if isinstance(k, GpuArray) and _is_basic(k) and k.ndim == 0 else k for k in key)
    if all(_is_basic(k) for k in key):
        view = GpuArray(basic_view(x._leaf(), key))
        # `x[...] = x * 2 + 1` is one fused kernel; a value the caller keeps (`z = x * 2;
        # x[...] = z`) keeps its value after x changes (see assign)
        assign(view, value)
        return
    advanced_setitem(x, key, value)
