"""Queued reductions: the scheduling of the reduction kernels (``_kernels/reduce.py``).

A reduction into a fresh buffer (``reduce_into(..., defer=True)``) is not recorded at once: it waits
in ``_PENDING`` until anything else is recorded, read or written (the device calls ``run_pending``
through ``Device.pending_work``), so the device sees the program's order. Queued reductions over the
same iteration space (input shape, axes, kernel shape, vec4 structure) then run as one
``MultiReducePlan`` kernel; a reduction that reads a queued result runs the queue first. Chunked
reductions queue their second pass (folding the partials) the same way."""
from __future__ import annotations

from .._device import runtime as _runtime
from .._device.errors import SizeLimitError
from .._kernels import windows as _windows
from .._graph import dtypes as dt
from .._graph.nodes import Cast, Const, Ew, Leaf, contiguous_strides, new_leaf
from .._kernels import codegen as _codegen
from .._kernels import replay as _replay
from .._kernels.reduce import (_GEOMETRY, ARG_OPS, MultiReducePlan, ReducePlan, _groups, _prod, _run, fixed,
                               mergeable, one_pass_ok)


@_runtime.locked
def reduce_into(root, axes, monoid: str, acc, out: Leaf, out_strides, *, post=None, post_value=None,
                initial=None, idx_root=None, defer=False) -> None:
    """Record the kernels writing the reduction of ``root`` over ``axes`` into ``out``
    (``out_strides``: the output's strides over root's axes, 0 on the reduced ones).

    defer=True (``out`` is a fresh buffer nothing else reads yet): the reduction waits in a queue
    until anything else is recorded or read, and queued reductions over the same iteration space
    then run as one multi-output kernel (see ``run_pending``)."""
    shape = root.shape
    if type(axes) is not tuple:
        axes = tuple(axes)
    if _windows.needs_split(_prod(shape), (out.storage, *root.storages, *(() if idx_root is None else idx_root.storages))):
        views = _windows.views_of(root, Leaf(out.storage, out.dtype, shape, out_strides, out.offset), shape)
        if idx_root is not None:
            views += _windows.views_of(idx_root, out, shape)[1:]
        bxs = _windows.boxes(shape, views)
        if len(bxs) > 1:
            return _reduce_split(root, axes, monoid, acc, out, out_strides, bxs, post, post_value, initial, idx_root, defer)
    n_out, kind, chunks, length = _GEOMETRY[shape, axes]
    if n_out == 0:
        return
    pend = _Pending(root, axes, monoid, acc, out, out_strides, post, post_value, initial, idx_root, kind, chunks, length)
    if defer and idx_root is None and mergeable(monoid, acc):
        _enqueue(pend)
        return
    _run_alone(pend)
    nxt = pend.second()
    if nxt is not None:
        reduce_into(*nxt[0], **nxt[1])


def _reduce_split(root, axes, monoid, acc, out, out_strides, bxs, post, post_value, initial, idx_root, defer) -> None:
    """A reduction whose iteration space was cut into boxes (arrays past one binding, 2^31
    elements and more: _kernels/windows.py): per cell of the kept axes, one reduction per piece of
    the reduced axes into partials in the accumulator type, then one over the partials (with the
    post-operation and the initial value: they apply once). The pieces into fresh partials are
    queued (``defer``), so the reductions of one expression over the same pieces (a mean, a min
    and a max of it) run as one kernel per piece, as they would over one buffer."""
    shape = root.shape
    kept = [d for d in range(len(shape)) if d not in axes]
    ivals, cells = _windows.grid(shape, bxs)
    pieces = _prod(len(ivals[d]) for d in axes)
    # arg reductions over 2^32 elements or more: the pieces' global indices in uint64 (and the
    # fold over the pieces with a u64 index), where the adapter has 64-bit integers
    wide = monoid in ARG_OPS and pieces > 1 and _prod(shape[d] for d in axes) >= ARG_WIDE_FROM
    if pieces > 1 and (idx_root is not None or (wide and not _runtime.device().has_64)):
        raise SizeLimitError(
            f"{monoid} over 2^32 elements or more along the reduced axes: indices past 32 bits need 64-bit "
            f"integers, which '{_runtime.device().name}' lacks; reduce over smaller pieces (slices, dask.array chunks)")
    it = dt.uint64 if wide else dt.uint32
    by_kept: dict = {}
    for lo, ext in cells:
        by_kept.setdefault(tuple(lo[d] for d in kept), []).append((lo, ext))
    for cell in by_kept.values():
        lo0, ext0 = cell[0]
        kext = tuple(ext0[d] for d in kept)
        sub_out = Leaf(out.storage, out.dtype, kext, tuple(out_strides[d] for d in kept),
                       out.offset + sum(lo0[d] * out_strides[d] for d in kept))
        if len(cell) == 1:
            reduce_into(_windows.rebase(root, lo0, ext0, shape), axes, monoid, acc, sub_out, out_strides, post=post,
                        post_value=post_value, initial=initial,
                        idx_root=None if idx_root is None else _windows.rebase(idx_root, lo0, ext0, shape), defer=defer)
            continue
        n_k = _prod(kext)
        part = new_leaf(acc, (len(cell), *kext))
        pidx = new_leaf(it, (len(cell), *kext)) if monoid in ARG_OPS else None
        pstr = [0] * len(shape)
        for d, st in zip(kept, contiguous_strides(kext)):
            pstr[d] = st
        for i, (lo, ext) in enumerate(cell):
            piece = _windows.rebase(root, lo, ext, shape)
            if pidx is None:
                reduce_into(piece, axes, monoid, acc, Leaf(part.storage, acc, kext, contiguous_strides(kext), i * n_k),
                            tuple(pstr), defer=True)
                continue
            # arg reductions: each piece's extreme value and its index over the whole reduced axes
            reduce_into(piece, axes, _ARG_VALUE[monoid], acc,
                        Leaf(part.storage, acc, kext, contiguous_strides(kext), i * n_k), tuple(pstr))
            slot = Leaf(pidx.storage, it, kext, contiguous_strides(kext), i * n_k)
            local = slot if it == dt.uint32 else new_leaf(dt.uint32, kext)
            reduce_into(piece, axes, monoid, acc, local, tuple(pstr))
            _codegen.evaluate_into(_global_index(local, [shape[d] for d in axes], [lo[d] for d in axes],
                                                 [ext[d] for d in axes], it), slot)
        full = (len(cell), *kext)
        proot = Leaf(part.storage, acc, full, contiguous_strides(full), 0)
        iroot = None if pidx is None else Leaf(pidx.storage, it, full, contiguous_strides(full), 0)
        reduce_into(proot, (0,), monoid, acc, sub_out, (0, *[out_strides[d] for d in kept]), post=post,
                    post_value=post_value, initial=initial, idx_root=iroot, defer=defer and iroot is None)


_ARG_VALUE = {"argmax": "maximum", "argmin": "minimum"}
ARG_WIDE_FROM = 1 << 32  # reduced elements from which pieces' arg indices are uint64 (tests lower it)


def _global_index(local: Leaf, full, lo, ext, u=dt.uint32):
    """The flat index over the reduced extents ``full`` (C order) of the element at flat index
    ``local`` (uint32) of the piece at ``lo`` with extents ``ext``, as ``u`` nodes (uint32, or
    uint64 past 2^32 elements)."""

    def c(v):
        return Const(v, u)

    def ew(op, a, b):
        return Ew(op, u, local.shape, (a, b), u)

    src = local if u == dt.uint32 else Cast(local, u)
    out, inner, scale = None, 1, 1
    for f, a, e in reversed(list(zip(full, lo, ext))):
        coord = ew("remainder", ew("floor_divide", src, c(inner)), c(e)) if len(full) > 1 else src
        term = ew("multiply", ew("add", coord, c(a)), c(scale))
        out = term if out is None else ew("add", out, term)
        inner *= e
        scale *= f
    return out


class _Pending:
    """One reduction's arguments and its kernel choice; ``first_plan`` builds the (first-pass)
    plan, ``second`` the arguments of the pass folding the partials (None for one pass)."""

    __slots__ = ("root", "axes", "monoid", "acc", "out", "out_strides", "post", "post_value", "initial",
                 "idx_root", "kind", "chunks", "length", "part", "pidx", "pstr", "plan", "one_pass", "fp", "vec")

    def __init__(self, root, axes, monoid, acc, out, out_strides, post, post_value, initial, idx_root,
                 kind, chunks, length):
        self.root, self.axes, self.monoid, self.acc = root, tuple(axes), monoid, acc
        self.out, self.out_strides, self.post, self.post_value = out, tuple(out_strides), post, post_value
        self.initial, self.idx_root, self.kind, self.chunks, self.length = initial, idx_root, kind, chunks, length
        self.part = self.pidx = self.pstr = self.plan = self.fp = None
        self.vec = False
        self.one_pass = chunks > 1 and one_pass_ok(kind, monoid, acc, out, root)
        if chunks > 1:  # first pass: partials [chunk][output] in the accumulator type
            shape = root.shape
            kept = [d for d in range(len(shape)) if d not in axes]
            n_out = _prod(shape[d] for d in kept)
            self.part = new_leaf(acc, (chunks, n_out))
            if idx_root is not None and idx_root.dtype == dt.uint64:  # (a fold over a few pieces: one chunk)
                raise SizeLimitError(f"{monoid}: a fold of {length} pieces' 64-bit indices in chunks")
            self.pidx = new_leaf(dt.uint32, (chunks, n_out)) if monoid in ARG_OPS else None
            pstr = [0] * len(shape)
            for d, st in zip(kept, contiguous_strides([shape[d] for d in kept])):
                pstr[d] = st
            self.pstr = tuple(pstr)

    def context(self) -> tuple:
        """What the plan depends on besides the graph (the signature's context, _kernels/replay.py)."""
        o = self.out
        return (self.root.shape, self.axes, self.kind, self.chunks, self.length, self.one_pass, self.monoid,
                self.acc, self.post, self.post_value, self.initial, o.dtype, o.shape, o.strides, o.offset,
                self.out_strides)

    def extras(self) -> tuple:
        """The Leaves the plan binds besides the graph's: output, partials."""
        return (self.out,) if self.part is None else (self.out, self.part) if self.pidx is None else \
            (self.out, self.part, self.pidx)

    def fingerprint(self):
        """The replay Fingerprint of this reduction alone (None: planned every time)."""
        if self.fp is None and self.idx_root is None:
            self.fp = _replay.fingerprint(_runtime.device(), (self.root,), self.extras(), ("r", self.context()))
        return self.fp

    def member(self) -> tuple:
        """This reduction's first pass as a member of a ``MultiReducePlan``."""
        if self.one_pass:
            return (self.root, self.part, self.pstr, self.monoid, self.acc, self.post, self.post_value, self.initial,
                    (self.out, self.out_strides))
        if self.chunks > 1:
            return (self.root, self.part, self.pstr, self.monoid, self.acc, None, None, None, None)
        return (self.root, self.out, self.out_strides, self.monoid, self.acc, self.post, self.post_value, self.initial,
                None)

    def first_plan(self) -> ReducePlan:
        shape = self.root.shape
        if self.one_pass:
            plan = ReducePlan(self.part, shape, self.axes, self.pstr, 0, shape_kind=self.kind, monoid=self.monoid,
                              acc=self.acc, chunks=self.chunks, chunk=self.length, post=self.post,
                              post_value=self.post_value, initial=self.initial, final=(self.out, self.out_strides))
        elif self.chunks > 1:
            plan = ReducePlan(self.part, shape, self.axes, self.pstr, 0, shape_kind=self.kind, monoid=self.monoid,
                              acc=self.acc, chunks=self.chunks, chunk=self.length,
                              idx_out=None if self.pidx is None else self.pidx.storage)
        else:
            plan = ReducePlan(self.out, shape, self.axes, self.out_strides, self.out.offset, shape_kind=self.kind,
                              monoid=self.monoid, acc=self.acc, chunk=self.length, post=self.post,
                              post_value=self.post_value, initial=self.initial)
        plan.root_node = plan.walk(self.root)
        if self.idx_root is not None:
            plan.walk_index(self.idx_root)
        return plan

    def second(self):
        """(args, kwargs) of reduce_into folding the partials of each output (the kept axes keep
        their shape, so the output view is addressed exactly as in the first pass)."""
        if self.chunks == 1 or self.one_pass:
            return None
        shape, axes = self.root.shape, self.axes
        kept = [d for d in range(len(shape)) if d not in axes]
        kshape = [shape[d] for d in kept]
        n_out = _prod(kshape)
        pshape, pstrides = (self.chunks, *kshape), (n_out, *contiguous_strides(kshape))
        proot = Leaf(self.part.storage, self.acc, pshape, pstrides, 0)
        iroot = None if self.pidx is None else Leaf(self.pidx.storage, dt.uint32, pshape, pstrides, 0)
        args = (proot, (0,), self.monoid, self.acc, self.out, (0, *[self.out_strides[d] for d in kept]))
        return args, dict(post=self.post, post_value=self.post_value, initial=self.initial, idx_root=iroot,
                          defer=iroot is None)


# ------------------------------------------------------------ deferred reductions
_PENDING: list = []  # queued reductions, mutually independent (see _enqueue)
_PENDING_OUT: set = set()  # ids of the storages they write
_FLUSHING = False


def _enqueue(p: _Pending) -> None:
    # a reduction reading what a queued one writes must see its result: run the queue first
    if _PENDING_OUT and any(id(st) in _PENDING_OUT for st in p.root.storages):
        run_pending()
    if p.kind == "group":  # the vec4 fold structure (group kernels only), which merged members must share
        fp = p.fingerprint()
        rec = None if fp is None else _replay.recipe(fp)
        if rec is not None:
            p.vec = rec.vec
        else:
            plan = p.first_plan()
            plan.finish()
            p.plan, p.vec = plan, plan.vec
    _PENDING.append(p)
    _PENDING_OUT.add(id(p.out.storage))
    if p.part is not None:
        _PENDING_OUT.add(id(p.part.storage))
    if not _FLUSHING:
        p.out.storage.dev.pending_work = run_pending


@_runtime.locked
def run_pending() -> None:
    """Record the queued reductions, those over the same iteration space as one kernel (their
    second passes, queued again, merge the same way)."""
    global _FLUSHING
    if _FLUSHING:
        return
    for d in _runtime.opened():
        d.pending_work = None
    _FLUSHING = True
    try:
        while _PENDING:
            batch = list(_PENDING)
            groups: dict = {}
            for p in batch:  # (each device's reductions run on it: the key holds the device)
                key = (p.root.shape, p.axes, p.kind, p.chunks, p.length, p.vec, p.out.storage.dev)
                groups.setdefault(key, []).append(p)
            for key, members in groups.items():
                dev = key[-1]
                with _runtime.using(dev):
                    if len(members) == 1:
                        _run_alone(members[0])
                    else:
                        for i in range(0, len(members), _MAX_MEMBERS):
                            _run_merged(members[i:i + _MAX_MEMBERS], key[:-1], dev)
                    for p in members:
                        _PENDING.remove(p)
                        nxt = p.second()
                        if nxt is not None:
                            reduce_into(*nxt[0], **nxt[1])
            _PENDING_OUT.clear()
            _PENDING_OUT.update(id(p.out.storage) for p in _PENDING)
    finally:
        _FLUSHING = False
        for p in _PENDING:
            p.out.storage.dev.pending_work = run_pending


def _run_alone(p: _Pending) -> None:
    fp = p.fingerprint()
    if fp is not None:
        rec = _replay.recipe(fp)
        if rec is not None:
            return rec.replay(fp)
    plan, finished = (p.first_plan(), False) if p.plan is None else (p.plan, True)
    kernel, n = _run(plan, _groups, finished=finished)
    if fp is not None:
        _replay.offer(fp, plan, kernel, n, fixed=fixed(_runtime.device(), plan))


_MAX_MEMBERS = 6  # bindings: each member adds an output (the device allows 8 or more in all)


def _run_merged(members, key, dev) -> None:
    shape, axes, kind, chunks, length, vec = key
    fp = None
    if all(p.idx_root is None for p in members):
        fp = _replay.fingerprint(dev, tuple(p.root for p in members), sum((p.extras() for p in members), ()),
                                 ("m", key, tuple(p.context() for p in members)))
        if fp is not None:
            rec = _replay.recipe(fp)
            if rec is not None:
                return rec.replay(fp)
    plan = MultiReducePlan([p.member() for p in members], shape, axes, shape_kind=kind, chunks=chunks,
                           chunk=length, vec=vec)
    try:
        plan.finish()
    except _windows.NeedsSplit:  # the members' outputs in one buffer of a segmented array do not fit one window
        for p in members:
            _run_alone(p)
        return
    if len(plan.bindings) + 1 > dev.max_bindings:  # too many distinct buffers together: one by one
        for p in members:
            _run_alone(p)
        return
    kernel, n = _run(plan, _groups, finished=True)
    if fp is not None:
        _replay.offer(fp, plan, kernel, n, fixed=fixed(dev, plan))
