"""The random draw as a lazy graph node, so that it fuses into the elementwise kernel that
consumes it (``x * exp(mu + s * rng.standard_normal(n))`` is one kernel, and the normals
never touch memory).

A ``Rand`` node is a pure function of (key, counter base, element index): evaluating it
twice gives the same numbers. Key, counter and integer bounds are parameter words, never
source text, so a loop of draws reuses one compiled kernel.
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from . import codegen as _codegen
from . import replay as _replay
from . import wgsl_lib as _wgsl_lib
from .._graph import remap as _remap_mod
from .._device.errors import SizeLimitError
from .._graph.nodes import Node, _union, broadcast_strides, contiguous_strides
from .._graph.memo import Memo

# element values per 128-bit Philox block, by (kind, dtype)
PER_BLOCK = {
    ("uniform", dt.float32): 4,
    ("uniform", dt.float64): 2,
    ("normal", dt.float32): 4,
    ("normal", dt.float64): 2,
}
INT_PER_BLOCK = 2  # integers take 64 random bits each
# integer node dtypes: 32-bit ones are computed from the low word only
INT_HELPER = {dt.int32: "ga_rand_int_i32", dt.uint32: "ga_rand_int_u32",
              dt.int64: "ga_rand_int_i64", dt.uint64: "ga_rand_int_u64"}


def per_block(kind: str, dtype) -> int:
    return INT_PER_BLOCK if kind == "int" else PER_BLOCK[(kind, dtype)]


class Rand(Node):
    """``kind`` 'uniform' | 'normal' | 'int'; ``words``: key0, key1, counter lo, counter hi,
    and for 'int' also range lo/hi and low lo/hi (range 0 means 2^64)."""

    __slots__ = ("kind", "words", "index")
    costly = True
    under_costly = True
    weight = 8  # ~8 ordinary ops of code per draw (see Node.weight)

    def __init__(self, kind, dtype, shape, words, masked=False):
        # masked: ``words`` are already Python ints below 2^32 (the generator's own key and counter)
        self.kind, self.dtype, self.shape = kind, dtype, shape if type(shape) is tuple else tuple(shape)
        self.words = tuple(words) if masked else tuple(int(w) & 0xFFFFFFFF for w in words)
        self.size_ = self.weight  # size_ stays an upper bound of dag_size
        self.storages = ()
        # (strides over the evaluated shape, offset) of the element index, where this node is a
        # piece of a larger draw (see _rebase); None: the index within the node's own shape
        self.index = None


class RandOf(Node):
    """A draw whose element is a function of parameter operands ``srcs`` (a gamma's shape, a
    Poisson mean ...; broadcast to ``shape``, of the draw's float ``dtype``), computed by the WGSL
    sampler ``ga_rand_<kind>_<f32|f64>`` of random_samplers.wgsl, which may reject and draw again:
    element i owns the blocks at counter (base + i, t) for tries t (see ga__philox_sub), so the
    draw takes one counter value per element. ``words``: key0, key1, counter lo, counter hi."""

    __slots__ = ("kind", "words", "index", "srcs", "under_costly")
    costly = True
    weight = 24  # a sampler's loop and its math calls: many ordinary ops of code

    def __init__(self, kind, dtype, shape, words, srcs):
        self.kind, self.dtype, self.shape = kind, dtype, tuple(shape)
        self.words = tuple(int(w) & 0xFFFFFFFF for w in words)
        self.srcs = tuple(srcs)
        self.size_ = self.weight + sum(s.size_ for s in self.srcs)
        self.storages = _union(self.srcs)
        self.under_costly = True
        self.index = None


def _describe_of(node, plan, ch):
    v = plan.vector(_INDEX_STRIDES[node.shape, plan.shape], 0) if node.index is None else plan.vector(*node.index)
    return ("RO", f"ga_rand_{node.kind}_{dt.wgsl_type(node.dtype)}", v, plan.const(node.words), ch)


def _emit_of(node, plan, k, ch, d):
    _, helper, v, s, _ = d
    args = "".join(f", v{c}" for c in ch)
    return f"{helper}(I{v}, vec4<u32>(P[{s}], P[{s + 1}], P[{s + 2}], P[{s + 3}]){args})"


def _remap_of(node, rm, memo):
    r = _remap(node, rm, memo)
    out = RandOf(node.kind, node.dtype, rm.shape, r.words, [_remap_mod.remap(s, rm, memo) for s in node.srcs])
    out.index = r.index
    return out


def _normal_f64_helper() -> str:
    # the driver's f64 log/cos/sin are wrong: use the library's, else f32 ones widened
    return "ga_rand_normal_f64" if _wgsl_lib.has("ga_log_f64") else "ga_rand_normal_f64_via_f32"


def _helper(kind, dtype) -> str:
    if kind == "int":
        return INT_HELPER[dtype]
    if kind == "normal" and dtype == dt.float64:
        return _normal_f64_helper()
    return f"ga_rand_{kind}_{dt.wgsl_type(dtype)}"


def _describe(node, plan, ch):
    # the element's linear index within the node's own shape (broadcast dimensions repeat it)
    if node.index is None:
        v = plan.vector(_INDEX_STRIDES[node.shape, plan.shape], 0)
    else:
        v = plan.vector(*node.index)
    slot = plan.const(node.words)
    return ("R", _HELPERS.get((node.kind, node.dtype)) or _helper(node.kind, node.dtype), v, slot)


# per (draw shape, evaluated shape): every draw of a loop asks the same
_INDEX_STRIDES = Memo(lambda shape, out_shape: broadcast_strides(shape, contiguous_strides(shape), out_shape))
# the helpers that do not depend on the WGSL library's contents (see _helper)
_HELPERS = {k: _helper(*k) for k in [("uniform", dt.float32), ("normal", dt.float32), ("uniform", dt.float64)]}


def _emit(node, plan, k, ch, d):
    _, helper, v, s = d
    kc = f"vec4<u32>(P[{s}], P[{s + 1}], P[{s + 2}], P[{s + 3}])"
    if node.kind == "int":
        return (f"{helper}(I{v}, {kc}, vec2<u32>(P[{s + 4}], P[{s + 5}]), "
                f"vec2<u32>(P[{s + 6}], P[{s + 7}]))")
    return f"{helper}(I{v}, {kc})"


def _uniform_lanes(block, kc, name):
    w = f"w{name}"
    return [f"let {w} = ga_philox_block({block}, {kc});"], [f"ga_u01_f32({w}.{c})" for c in "xyzw"]


def _normal_lanes(block, kc, name):
    # the two Box-Muller pairs of the block, as ga_rand_normal_f32 computes them element by element
    w = f"w{name}"
    stmts = [f"let {w} = ga_philox_block({block}, {kc});",
             f"let z{name}a = ga_box_muller_f32({w}.x, {w}.y);", f"let z{name}b = ga_box_muller_f32({w}.z, {w}.w);"]
    return stmts, [f"z{name}a.x", f"z{name}a.y", f"z{name}b.x", f"z{name}b.y"]


def _vec4_group(node, plan, k):
    """float32 draws read along the output (their own index is the element's): one Philox block
    gives the group's 4 uniforms, or its 2 Box-Muller pairs."""
    _, helper, v, s = plan.desc[k]
    lanes = _codegen.GROUP_LANES.get(helper)
    if lanes is None or plan.modes[v] != "l":
        return None
    kc = f"vec4<u32>(P[{s}], P[{s + 1}], P[{s + 2}], P[{s + 3}])"

    def group(off, j):
        return lanes(f"({off[v]} + {j}) >> 2u", kc, str(k))

    def one(off, q):
        return f"{helper}({off[v]} + {q}, {kc})"

    return group, one


def _remap(node, rm, memo):
    """The draw read at remapped coordinates (see _graph/remap.py): the same numbers, its first
    Philox block folded into the counter words so that indices stay 32-bit."""
    strides = _INDEX_STRIDES[node.shape, rm.old_shape] if node.index is None else node.index[0]
    new, off = rm.strides(strides)
    start = (0 if node.index is None else node.index[1]) + off
    lo = start + sum((e - 1) * s for e, s in zip(rm.shape, new) if e and s < 0)
    per = 1 if type(node) is RandOf else per_block(node.kind, node.dtype)
    blocks = lo // per
    first = start - blocks * per
    span = sum((e - 1) * abs(s) for e, s in zip(rm.shape, new) if e)
    if lo < 0 or (lo - blocks * per) + span >= 1 << 32:
        raise SizeLimitError(f"a piece of a random draw spans {span} draws: element indices past 32 bits")
    w = list(node.words)
    ctr = (w[2] | (w[3] << 32)) + blocks
    w[2], w[3] = ctr & 0xFFFFFFFF, (ctr >> 32) & 0xFFFFFFFF
    r = Rand(node.kind, node.dtype, rm.shape, w, masked=True)
    r.index = (new, first)
    return r


_remap_mod.REMAP[Rand] = _remap
_codegen.GROUP_LANES.update(ga_rand_uniform_f32=_uniform_lanes, ga_rand_normal_f32=_normal_lanes)
_codegen.DESCRIBE[Rand] = _describe
# replay (_kernels/replay.py): a draw's structure is its kind, dtype, shape and index; its key and
# counter are parameter words at the slot its description names
_replay.WORDS[Rand] = (lambda n: (n.kind, n.dtype, n.shape, n.index and (tuple(n.index[0]), n.index[1])),
                       lambda d: d[3], lambda n: n.words)
_codegen.EMIT[Rand] = _emit
_codegen.VEC4_GROUP[Rand] = _vec4_group
_remap_mod.REMAP[RandOf] = _remap_of
_codegen.DESCRIBE[RandOf] = _describe_of
_codegen.EMIT[RandOf] = _emit_of


def split64(x: int) -> tuple[int, int]:
    """(lo, hi) u32 words of a value taken modulo 2^64."""
    x &= (1 << 64) - 1
    return x & 0xFFFFFFFF, x >> 32


def int_node_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype a bounded-integer node computes in for a requested integer dtype."""
    if dtype.itemsize == 8:
        return dtype
    return dt.uint32 if dtype.kind in "ub" else dt.int32
