"""Arrays past one binding: what a kernel sees of a segmented array, and work split to fit.

A kernel binds at most ``max-storage-buffer-binding-size`` bytes of a buffer, and its indices are
32-bit. An array larger than ``Device.seg_bytes`` (that limit, rounded down) is held in several
buffers (``Storage.segs``: segment ``i`` holds bytes ``[i * seg_bytes, (i + 1) * seg_bytes)``).

A kernel's plan sees a segmented array through a window: when every view the plan reads or
writes of that array falls in one segment, the plan binds a ``Window`` of that segment (a binding
offset, aligned down, and a size) and its views' offsets are rebased onto the window
(``bind_windows``). The generated code and the compiled kernel are the ones of an array in one
buffer: only the binding and an offset word differ, so small arrays pay nothing.

When the views do not fall in one segment, or the iteration space reaches 2^31 elements, the plan
raises ``NeedsSplit`` and the caller splits its iteration space into boxes
(``boxes``): a box is cut where a view's addresses cross a segment's end (along the dimension
over which that view spreads most), or in half along its longest dimension for the element
count, until every box fits. Each box is then an ordinary evaluation of views rebased onto the
box (``rebase``, _graph/remap.py): an elementwise kernel per box; reductions fold per box and combine the
partial results (``_lazy/reduce_queue.py``).
"""
from __future__ import annotations

from .._device import runtime as _runtime
from .._device.errors import SizeLimitError
from .._graph import remap as _remap
from .._graph.nodes import Leaf, broadcast_strides


class NeedsSplit(Exception):
    """A plan whose views of a segmented array do not fit one window, or whose iteration space
    is too large for 32-bit indices: the caller splits the work (``boxes``)."""


def footprint(shape, strides, offset) -> tuple[int, int]:
    """[lo, hi) element indices a view of ``shape``/``strides`` at ``offset`` touches."""
    lo = hi = offset
    for n, s in zip(shape, strides):
        if n == 0:
            return offset, offset
        if s > 0:
            hi += (n - 1) * s
        else:
            lo += (n - 1) * s
    return lo, hi + 1


def bind_windows(plan, pairs) -> None:
    """Bind a window of one segment in place of each segmented storage of ``plan``; ``pairs``:
    (binding, vector, itemsize) of every view the plan addresses. Raises NeedsSplit where the
    views of one storage span more than a segment."""
    spans: dict = {}
    for b, v, isz in pairs:
        st = plan.bindings[b][0]
        if st.segs is None:
            continue
        strides, off = plan.vectors[v]
        lo, hi = footprint(plan.shape, strides, off)
        s = spans.get(b)
        spans[b] = (min(lo * isz, s[0]), max(hi * isz, s[1]), s[2] + [(v, isz)]) if s else (lo * isz, hi * isz, [(v, isz)])
    for b, (lo, hi, vecs) in spans.items():
        found = _window_of(plan.bindings[b][0], lo, hi)
        if found is None:
            raise NeedsSplit
        w, start = found
        for v, isz in vecs:
            plan.vectors[v][1] -= start // isz
        plan.bindings[b][0] = w


def _window_of(st, lo: int, hi: int):
    """(Window, its first byte in the array) binding bytes [lo, hi) of a segmented storage, or
    None where they do not fall in one of its buffers. The window starts aligned down to the
    device's offset alignment and ends on a 16-byte boundary (vec4 reads) within the buffer."""
    seg = st.seg
    i = lo // seg
    if hi > (i + 1) * seg or lo < 0:
        return None
    buf = st.segs[i][0]
    woff = (lo - i * seg) // _runtime.device().align * _runtime.device().align
    end = min((hi - i * seg + 15) & ~15, buf.size)
    return _runtime.Window(st, buf, woff, end - woff), i * seg + woff


# ---------------------------------------------------------------------------- splitting
def boxes(shape, views) -> list:
    """Boxes (lo, extents) covering ``shape`` such that in each, every view of a segmented
    storage falls in one segment and fewer than 2^31 elements are iterated. ``views``:
    (storage, strides over ``shape``, offset, itemsize), the written view first."""
    big = [v for v in views if v[0].segs is not None]
    written = views[0][0]
    out, todo = [], [((0,) * len(shape), tuple(shape))]
    while todo:
        lo, ext = todo.pop()
        cut = _cut(lo, ext, big, written)
        if cut is None:
            out.append((lo, ext))
            continue
        d, k = cut
        todo.append((lo[:d] + (lo[d] + k,) + lo[d + 1:], ext[:d] + (ext[d] - k,) + ext[d + 1:]))
        todo.append((lo, ext[:d] + (k,) + ext[d + 1:]))
    return out


def _cut(lo, ext, big, written):
    """(dimension, extent of the first part) to cut a box at, or None if it fits."""
    n = 1
    for e in ext:
        n *= e
    if n == 0:
        return None
    spans = {}
    for i, (st, strides, off, isz) in enumerate(big):
        base = off + sum(a * s for a, s in zip(lo, strides))
        a, b = footprint(ext, strides, base)
        # the views of the written storage share one window (one writable binding); every view
        # read of another storage has its own (see Plan.binding)
        g = -1 if st is written else i
        s = spans.get(g)
        spans[g] = (min(a * isz, s[0]), max(b * isz, s[1]), s[2]) if s else (a * isz, b * isz, (strides, isz, st.seg))
    for a, b, (strides, isz, seg) in spans.values():
        end = (a // seg + 1) * seg
        if b <= end:
            continue
        # the dimension over which this storage's views spread most, cut where they cross ``end``
        d = max(range(len(ext)), key=lambda d: (ext[d] - 1) * abs(strides[d]))
        step = abs(strides[d]) * isz
        if ext[d] < 2 or step == 0:
            raise SizeLimitError(
                f"a view whose elements are {step} bytes apart spans more than one buffer of "
                f"{seg} bytes (max-storage-buffer-binding-size): it cannot be split into pieces a kernel can bind")
        j = (end - a) // step
        k = j if strides[d] > 0 else ext[d] - j
        return d, min(max(k, 1), ext[d] - 1)
    if n >= _runtime.MAX_ELEMENTS:
        d = max(range(len(ext)), key=lambda d: ext[d])
        k = ext[d] // 2
        if ext[d] > 128:
            k -= k % 64  # whole vec4 groups on each side
        return d, k
    return None


def views_of(root, out: Leaf, shape) -> list:
    """(storage, strides over ``shape``, offset, itemsize) of every leaf of ``root`` and of ``out``."""
    seen, stack, views = set(), [root], [(out.storage, broadcast_strides(out.shape, out.strides, shape), out.offset,
                                          out.dtype.itemsize)]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if type(n) is Leaf:
            views.append((n.storage, broadcast_strides(n.shape, n.strides, shape), n.offset, n.dtype.itemsize))
        stack.extend(n.srcs)
    return views


# ---------------------------------------------------------------------------- rebasing
def rebase(node, lo, ext, shape):
    """``node`` (broadcast to ``shape``) restricted to the box at ``lo`` of extents ``ext``: the
    same expression over views rebased onto the box (see _graph/remap.py)."""
    try:
        return _remap.remap(node, _remap.box(shape, lo, ext))
    except _remap.NotRemappable as e:
        raise SizeLimitError(
            f"{e} nodes over arrays past max-storage-buffer-binding-size ({_runtime.device().seg_bytes} bytes) "
            f"cannot be split into pieces yet; work on smaller pieces") from None


def sub_leaf(leaf: Leaf, lo, ext, shape) -> Leaf:
    return _remap.leaf(leaf, _remap.box(shape, lo, ext))


def grid(shape, bxs) -> tuple[list, list]:
    """The common refinement of ``bxs`` (boxes covering ``shape``): per dimension the intervals
    between every box's cuts, and the cells (lo, extents) of their product. A cell lies inside one
    box, so it fits wherever that box does; along a dimension every cell has the same cuts (a
    reduction's kept cells all see the same pieces of the reduced axes)."""
    cuts = [sorted({0, n} | {lo[d] for lo, _ in bxs} | {lo[d] + e[d] for lo, e in bxs}) for d, n in enumerate(shape)]
    ivals = [list(zip(c[:-1], c[1:])) for c in cuts]
    cells = [((),())]
    for iv in ivals:
        cells = [(lo + (a,), ext + (b - a,)) for lo, ext in cells for a, b in iv]
    return ivals, cells


def needs_split(n: int, storages) -> bool:
    """Whether work over ``n`` elements reading or writing ``storages`` may need boxes (then
    ``boxes`` says whether it does)."""
    if n >= _runtime.MAX_ELEMENTS:
        return True
    for s in storages:
        if s.segs is not None:
            return True
    return False


def window_leaf(leaf: Leaf):
    """``leaf`` over a window of its segmented storage (the same view for any other), or None
    where its elements do not fall in one segment: for kernels that address their operands
    through the views' strides and offsets (the matmul family)."""
    st = leaf.storage
    if st.segs is None:
        return leaf
    isz = leaf.dtype.itemsize
    lo, hi = footprint(leaf.shape, leaf.strides, leaf.offset)
    found = _window_of(st, lo * isz, hi * isz)
    if found is None:
        return None
    w, start = found
    return Leaf(w, leaf.dtype, leaf.shape, leaf.strides, leaf.offset - start // isz, leaf.readonly)


def segment_window(st, i: int):
    """The whole of buffer ``i`` of a segmented storage as a window (its size a whole number of
    32-bit words, as bindings must be)."""
    buf = st.segs[i][0]
    size = min(st.seg, st.nbytes - i * st.seg)
    return _runtime.Window(st, buf, 0, min((size + 3) & ~3, buf.size))


def flat_pieces(leaf: Leaf, most: int | None = None):
    """(start, window leaf) of the runs of a contiguous ``leaf``'s elements (flat, C order), cut
    where its buffers end (and at most ``most`` elements each): each binds as one window."""
    n = 1
    for d in leaf.shape:
        n *= d
    st = leaf.storage
    per = st.seg // leaf.dtype.itemsize if st.segs is not None else max(n, 1)
    if most is not None:
        per = min(per, most)
    out, a = [], 0
    while a < n:
        b = min(n, ((leaf.offset + a) // per + 1) * per - leaf.offset)
        w = window_leaf(Leaf(st, leaf.dtype, (b - a,), (1,), leaf.offset + a))
        out.append((a, w))
        a = b
    return out
