"""Replay of repeated evaluations: a loop's step records the same kernels with new buffers and
scalars every time; planning them again (walking the graph, binding, collapsing dimensions,
building and hashing the kernel's key: ~60-90 us per kernel) is skipped after the second time.

An evaluation is described by its **fingerprint**: the graph's nodes in the order ``Plan.walk``
visits them (post-order, shared subexpressions once), each with the part of it the plan and the
kernel depend on (op, dtypes, error flags, the views' shapes and strides and offsets modulo 4,
which buffers are the same buffer) but not the values that only become parameter words or
bindings: the buffers, the views' offsets and the scalars (and a random draw's key and counter).
The first plan made for a fingerprint seen twice is kept as a **recipe**: the plan itself (its
nodes replaced by copies that hold no buffer), the kernel and the work-group count, and where each
binding, offset and scalar word comes from. Replaying it patches those into the plan, packs the
parameter words as the plan always does, and dispatches: the same kernel with the same words as
a fresh plan would give (tests/test_replay.py compares them bit for bit).

Not replayed (planned every time): graphs with nodes of other kinds (matrix products, gathers),
arrays held in several buffers (windows), arg reductions and split work. Recipes are per device,
at most ``MAX_RECIPES`` (the oldest dropped first); a loop whose structure keeps changing only pays
the fingerprint. ``stats()`` counts ``replays`` and ``recipes`` (plans kept)."""
from __future__ import annotations

import os

from .._device import stats as _stats
from .._graph.nodes import Cast, Const, Ew, Iota, Leaf

MAX_RECIPES = 2048
ENABLED = os.environ.get("GPUARRAY_REPLAY", "1") != "0"

# node kinds with parameter words taken from the node's values: kind -> (static signature of the
# node, slot of its words given the node's plan description, its words); registered by the
# modules that add node kinds (random draws)
WORDS: dict = {}


class _Unsupported(Exception):
    pass


def _strip(node):
    """A copy of ``node`` for code generation only: no sources, no buffer."""
    t = type(node)
    c = t.__new__(t)
    for cls in t.__mro__:
        for s in getattr(cls, "__slots__", ()):
            if s != "__weakref__" and hasattr(node, s):
                setattr(c, s, getattr(node, s))
    if t is Leaf:
        c.storage = None
    c.storages = ()
    if node.srcs:
        c.srcs = ()
    return c


class Fingerprint:
    """The nodes of ``roots`` in walk order and the signature of the evaluation (see the module
    docstring). ``extras``: the Leaves the plan binds besides the graph's (its outputs)."""

    __slots__ = ("nodes", "sig", "extras", "dev")

    def __init__(self, dev, roots, extras, context):
        self.dev, self.extras = dev, extras
        ids: dict = {}
        nodes: list = []
        parts: list = []
        alias: dict = {}
        for e in extras:
            st = e.storage
            if st.segs is not None:
                raise _Unsupported
            alias.setdefault(id(st), len(alias))

        def visit(n):
            k = ids.get(id(n))
            if k is not None:
                return k
            t = type(n)
            if t is Ew:
                srcs = n.srcs
                if len(srcs) == 2:
                    part = (n.op, n.ct, n.dtype, n.fpe, visit(srcs[0]), visit(srcs[1]))
                else:
                    part = (n.op, n.ct, n.dtype, n.fpe, tuple([visit(s) for s in srcs]))
            elif t is Const:
                part = (0, n.dtype)
            elif t is Leaf:
                st = n.storage
                if st.segs is not None:
                    raise _Unsupported
                a = alias.get(id(st))
                if a is None:
                    a = alias[id(st)] = len(alias)
                part = (1, a, n.dtype, n.shape, n.strides, n.offset & 3)
            elif t is Cast:
                part = (2, n.dtype, n.fpe, visit(n.srcs[0]))
            elif t is Iota:
                part = (3, n.dtype, n.shape, n.axis, n.start, n.step)
            else:
                w = WORDS.get(t)
                if w is None:
                    raise _Unsupported
                part = (4, w[0](n))
            k = len(nodes)
            ids[id(n)] = k
            nodes.append(n)
            parts.append(part)
            return k

        tops = tuple([visit(r) for r in roots])  # (a root may be a node of another root's graph)
        self.nodes = nodes
        self.sig = (context, tops, tuple(parts))


def fingerprint(dev, roots, extras, context):
    """The evaluation's Fingerprint, or None where it is not replayed."""
    if not ENABLED:
        return None
    try:
        return Fingerprint(dev, roots, extras, context)
    except _Unsupported:
        return None


def recipe(fp):
    """The recipe kept for ``fp``'s signature, or None (the evaluation is then planned)."""
    got = fp.dev.recipes.get(fp.sig)
    return got if type(got) is Recipe else None


class Recipe:
    __slots__ = ("plan", "kernel", "groups", "binds", "vecs", "xvecs", "consts", "vec", "fixed")

    def replay(self, fp) -> None:
        plan, nodes, extras = self.plan, fp.nodes, fp.extras
        bindings = plan.bindings
        for b, role, i in self.binds:
            bindings[b][0] = nodes[i].storage if role == 0 else extras[i].storage if role == 1 else i()
        vectors = plan.vectors
        for v, k in self.vecs:
            vectors[v][1] = nodes[k].offset
        for v, i in self.xvecs:
            vectors[v][1] = extras[i].offset
        consts = plan.consts
        for slot, k, words in self.consts:
            w = words(nodes[k])
            consts[slot - 1: slot - 1 + len(w)] = w
        storages = [b[0] for b in bindings]
        kern = self.kernel()
        try:
            fp.dev.dispatch(kern, storages, plan.params(), self.groups)
        finally:
            for b in bindings:
                b[0] = None  # the recipe holds no buffer between replays
        _stats.add("replays")


def offer(fp, plan, kernel, groups, xvecs=(), fixed=()) -> None:
    """After ``plan`` was made and dispatched for ``fp``: count the signature, and on its second
    sight keep the plan as a recipe. ``kernel()`` gives the kernel to dispatch (a tiered kernel can
    change); ``xvecs``: (vector, extra) pairs whose offsets come from the extras; ``fixed``:
    (storage, getter) of device-wide buffers the plan binds (the getter gives the current one)."""
    recipes = fp.dev.recipes
    seen = recipes.get(fp.sig)
    if seen is None:
        if len(recipes) >= MAX_RECIPES:
            for k in list(recipes)[: len(recipes) - MAX_RECIPES * 3 // 4]:  # the oldest first
                del recipes[k]
        recipes[fp.sig] = 1
        return
    if seen != 1 or type(seen) is not int or plan.large or plan.deferred:
        return
    nodes = fp.nodes
    if len(nodes) != len(plan.nodes) or any(a is not b for a, b in zip(nodes, plan.nodes)):
        recipes[fp.sig] = _NEVER  # not the order the plan walked: plan it every time
        return
    first_leaf: dict = {}
    for k, n in enumerate(nodes):
        if type(n) is Leaf:
            first_leaf.setdefault(id(n.storage), k)
    extra_ix = {}
    for i, e in enumerate(fp.extras):
        extra_ix.setdefault(id(e.storage), i)
    fixed_ix = {id(st): get for st, get in fixed}
    binds = []
    for b, (st, _, _) in enumerate(plan.bindings):
        if id(st) in extra_ix:
            binds.append((b, 1, extra_ix[id(st)]))
        elif id(st) in first_leaf:
            binds.append((b, 0, first_leaf[id(st)]))
        elif id(st) in fixed_ix:
            binds.append((b, 2, fixed_ix[id(st)]))
        else:
            recipes[fp.sig] = _NEVER
            return
    vecs, consts = [], []
    for k, d in enumerate(plan.desc):
        t = type(nodes[k])
        if t is Leaf:
            vecs.append((d[2], k))
        elif t is Const:
            consts.append((d[1], k, _const_words))
        elif t in WORDS:
            consts.append((WORDS[t][1](d), k, WORDS[t][2]))
    r = Recipe()
    r.plan, r.kernel, r.groups, r.binds = plan, kernel, groups, binds
    r.vecs, r.xvecs, r.consts, r.vec = vecs, tuple(xvecs), consts, getattr(plan, "vec", None)
    plan.nodes = [_strip(n) for n in plan.nodes]
    plan.out = _strip(plan.out)
    plan.ids = {}
    for bnd in plan.bindings:
        bnd[0] = None
    recipes[fp.sig] = r
    _stats.add("recipes")


_NEVER = 0  # a signature whose plans are not kept


def _const_words(node):
    return CONST_WORDS(node.value, node.dtype)


CONST_WORDS = None  # codegen.const_words (set by codegen, which imports this module)
