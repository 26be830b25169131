"""Code generation: a node tree -> one WGSL kernel that writes it into a target view.

Evaluation is split so that the steady state costs little Python:
  1. ``plan`` walks the tree once: assigns bindings, index vectors (per leaf/iota: strides
     against the output shape), constant slots; builds the structural key and the
     parameter words (shapes, strides, offsets, scalar values).
  2. dimensions are collapsed where every vector is contiguous across them (fewer
     divisions per element, and one kernel serves many shapes).
  3. only on a kernel-cache miss is WGSL source generated from the same plan.
A kernel is cached by structure (ops, dtypes, ndim, vector modes), never by values.
"""
from __future__ import annotations

import array
import os
import struct

import numpy as np

from .._graph import dtypes as dt
from .._graph import ops as _ops
from . import wgsl_lib as _wgsl_lib
from .._device import runtime as _runtime
from .._device import stats as _stats
from . import windows as _windows
from . import replay as _replay
from .._graph.nodes import Cast, Const, Ew, Iota, Leaf, broadcast_strides, contiguous_strides

LIT = {  # typed zero and one literals, literal suffix
    "bool": ("false", "true", ""),
    "i32": ("0i", "1i", "i"),
    "u32": ("0u", "1u", "u"),
    "f32": ("0.0f", "1.0f", "f"),
    "i64": ("0li", "1li", "li"),
    "u64": ("0lu", "1lu", "lu"),
    "f64": ("0.0lf", "1.0lf", "lf"),
}
SUFFIX = {"bool": "b", "i32": "i32", "u32": "u32", "f32": "f32", "i64": "i64", "u64": "u64", "f64": "f64",
          "vec2<f32>": "c64", "vec2<f64>": "c128"}


# ----------------------------------------------------------------------------- values
def param_bytes(words) -> bytes:
    """Parameter words (each in [0, 2^32)) as the bytes of a u32 array (``array`` packs a short
    list ~3x faster than NumPy, and this runs once per kernel recorded)."""
    return array.array("I", words).tobytes()


_FLOAT_WORDS = {"f": (struct.Struct("<f"), struct.Struct("<I")), "d": (struct.Struct("<d"), struct.Struct("<2I"))}


def const_words(value, dtype) -> list[int]:
    """A scalar as parameter words (u32), matching ``const_expr``."""
    # fast paths for the common scalars (this runs for every constant of every evaluation)
    c = dtype.char
    tv = type(value)
    if tv is float and c in _FLOAT_WORDS:
        pack, unpack = _FLOAT_WORDS[c]
        try:
            return list(unpack.unpack(pack.pack(value)))
        except OverflowError:  # beyond float32: NumPy rounds to inf
            pass
    elif tv is int and c in "ilqILQ" and dtype.itemsize >= 4:
        if dtype.itemsize == 4:
            return [value & 0xFFFFFFFF]
        return [value & 0xFFFFFFFF, (value >> 32) & 0xFFFFFFFF]
    st = dt.storage(dtype)
    if dtype == dt.bool_:
        return [1 if value else 0]
    if st == "complex":
        v = complex(value)
        fmt = "<2f" if dtype == dt.complex64 else "<2d"
        return list(np.frombuffer(struct.pack(fmt, v.real, v.imag), np.uint32))
    if dtype.kind in "iu" and dtype.itemsize < 4:
        v = int(np.array(value).astype(dtype))
        return [v & 0xFFFFFFFF]
    if dtype == dt.float16:  # computed in f32: the f16 value widened
        return list(np.frombuffer(np.float32(np.float16(value)).tobytes(), np.uint32))
    return list(np.frombuffer(np.array(value, dtype=dtype).tobytes(), np.uint32))


def const_expr(slot: int, dtype) -> str:
    w = dt.wgsl_type(dtype)
    p0, p1 = f"P[{slot}]", f"P[{slot + 1}]"
    if w == "bool":
        return f"({p0} != 0u)"
    if w == "u32":
        return p0
    if w in ("i32", "f32"):
        return f"bitcast<{w}>({p0})"
    if w in ("i64", "u64", "f64"):
        return f"bitcast<{w}>((u64({p1}) << 32u) | u64({p0}))"
    if w == "vec2<f32>":
        return f"vec2<f32>(bitcast<f32>({p0}), bitcast<f32>({p1}))"
    if w == "vec2<f64>":
        p2, p3 = f"P[{slot + 2}]", f"P[{slot + 3}]"
        return f"vec2<f64>(bitcast<f64>((u64({p1}) << 32u) | u64({p0})), bitcast<f64>((u64({p3}) << 32u) | u64({p2})))"
    raise TypeError(dtype)


def wrap_expr(dtype, e: str) -> str:
    """Bring a 32-bit value back to the width of a sub-word integer type (overflow wraps)."""
    if dtype == dt.int8:
        return f"(({e} << 24u) >> 24u)"
    if dtype == dt.int16:
        return f"(({e} << 16u) >> 16u)"
    if dtype == dt.uint8:
        return f"({e} & 0xffu)"
    if dtype == dt.uint16:
        return f"({e} & 0xffffu)"
    if dtype == dt.float16:
        return f"ga_f16_round({e})"
    return e


# float16 bits of the f32 variable {0} (the library's ga_f16_bits: rounding, infinities and NaNs
# in one place; every kernel gets the library functions its source calls, see runtime.complete_source)
F16_BITS = "ga_f16_bits({0})"


def cast_expr(src, dst, e: str) -> str:
    if src == dst:
        return e
    ws, wd = dt.wgsl_type(src), dt.wgsl_type(dst)
    if dst == dt.bool_:
        if src.kind == "c":
            return f"!all({e} == {ws}())"
        return f"!({e} == {LIT[ws][0]})"
    if src == dt.bool_:
        if dst.kind == "c":
            r = dt.wgsl_type(dt.real_of(dst))
            return f"{wd}(select({LIT[r][0]}, {LIT[r][1]}, {e}), {LIT[r][0]})"
        return f"select({LIT[wd][0]}, {LIT[wd][1]}, {e})"
    if src.kind == "c":
        if dst.kind == "c":
            return f"{wd}({e})"
        return cast_expr(dt.real_of(src), dst, f"({e}).x")
    if dst.kind == "c":
        r = dt.real_of(dst)
        return f"{wd}({cast_expr(src, r, e)}, {LIT[dt.wgsl_type(r)][0]})"
    if ws == wd:
        out = e
    elif ws in ("i32", "u32") and wd in ("i64", "u64"):
        # widen on the bits: llvmpipe (LLVM 15) miscompiles `i64(x) < 64li` after a plain sign or
        # zero extension; a signed source is sign-extended (NumPy: int32(-3) -> uint64 2**64-3)
        wide = f"u64({e})" if ws == "u32" else f"bitcast<u64>(bitcast<i64>(u64(bitcast<u32>({e})) << 32u) >> 32u)"
        out = wide if wd == "u64" else f"bitcast<i64>({wide})"
    elif src.kind == "f" and (dst.kind == "i" or (dst.kind == "u" and dst.itemsize < 4)):
        # NumPy (C on x86) converts through a 32- or 64-bit signed integer, and NaN or a value
        # beyond its range becomes its minimum ("integer indefinite"): inf -> int32 is -2**31,
        # and 8/16-bit results wrap that to 0. WGSL's conversion saturates instead.
        bits = 64 if wd in ("i64", "u64") else 32
        si = "i64" if bits == 64 else "i32"
        sfx = "lf" if ws == "f64" else "f"
        lo = f"{si}(-9223372036854775807li - 1li)" if bits == 64 else "i32(-2147483647i - 1i)"
        lim = f"{float(2 ** (bits - 1))!r}{sfx}"
        out = f"select({lo}, {si}({e}), ({e} >= -{lim}) && ({e} < {lim}))"
        if wd != si:
            out = f"{wd}({out})"
    elif src.kind == "f" and dst.kind == "u":
        # NumPy (C) converts negative floats to unsigned through the signed type
        si = "i64" if wd == "u64" else "i32"
        out = f"select({wd}({e}), {wd}({si}({e})), {e} < {LIT[ws][0]})"
    else:
        # (float64 -> float16 rounds twice, through f32: off by one f16 ulp only where the f32 lands on an f16 tie)
        out = f"{wd}({e})"
    return wrap_expr(dst, out) if dst.itemsize < 4 and dst.kind in "iuf" else out


# ------------------------------------------------------------------------- the plan
def collapse_dims(shape, dims, vecs) -> tuple:
    """(merged shape, per-vector strides over it) of ``shape``'s dimensions ``dims`` (in order):
    size-1 dimensions dropped, neighbours merged where every vector (strides over ``shape``) allows.
    Written without generator expressions: it runs for every kernel recorded."""
    sizes, cols = [], []  # merged dims: size, per-vector strides
    for d in dims:
        n = shape[d]
        if n == 1:
            continue
        st = [v[d] for v in vecs]
        if cols:
            for a, b in zip(cols[-1], st):
                if a != b * n:
                    break
            else:
                sizes[-1] *= n
                cols[-1] = st
                continue
        sizes.append(n)
        cols.append(st)
    return tuple(sizes), (list(zip(*cols)) if cols else [()] * len(vecs))


class Plan:
    """Everything one evaluation needs; ``key`` identifies the kernel."""

    # whether the kernel addresses its bindings only through the plan's vectors, so that a view of
    # a segmented array can be bound as a window around the elements those vectors reach (kernels
    # with computed addresses, such as scatters, say False: such arrays then stay unbound and the
    # dispatch refuses them)
    windows = True

    def __init__(self, out: Leaf):
        self.out = out
        self.shape = out.shape
        self.bindings: list = []  # [storage, dtype, writable]
        self._bind_ix: dict = {}
        self.vectors: list = []  # [strides, offset]
        self.consts: list = []  # words
        self.nodes: list = []  # post-order
        self.ids: dict = {}
        self.desc: list = []
        self.children: list = []
        # defer: node kinds evaluated by a kernel of their own (matmul products, _product.py) are
        # listed in ``deferred`` instead of described, and evaluate_into hands the tree to them
        self.defer = False
        self.deferred: list = []
        self.fpe_b = None  # the binding of the floating-point flag words (bind_fpe), if any
        self.large = False  # a segmented storage is bound (see _kernels/windows.py)
        self.fpe_bits: dict = {}  # flag word slot -> its bit in the kernel's local flag words
        self.fpe_late: list = []  # the float nodes' exact flag conditions (see fpe_stmt)
        out_b = self.binding(out.storage, out.dtype, writable=True)
        self.out_vec = self.vector(out.strides, out.offset)
        assert out_b == 0

    def binding(self, storage, dtype, writable=False) -> int:
        key = (id(storage), dt.wgsl_elem(dtype), dt.storage(dtype) == "sub")
        if storage.segs is not None and not writable:
            key = len(self.bindings)  # each view read of a segmented array binds its own window
        b = self._bind_ix.get(key)
        if b is None:
            b = self._bind_ix[key] = len(self.bindings)
            self.bindings.append([storage, dtype, writable])
            if storage.segs is not None:
                self.large = True
        return b

    def vector_bindings(self) -> list:
        """(binding, vector, itemsize) of every view the plan addresses."""
        out = [(0, self.out_vec, self.out.dtype.itemsize)]
        for d in self.desc:
            if d[0] == "L":
                out.append((d[1], d[2], np.dtype(d[3]).itemsize))
        return out

    def vector(self, strides, offset) -> int:
        self.vectors.append([tuple(strides), offset])
        return len(self.vectors) - 1

    def const(self, words) -> int:
        slot = 1 + len(self.consts)
        self.consts.extend(words)
        return slot

    def _const(self, node) -> int:
        """``walk`` of a Const node (the same record, without the recursion and the dispatch)."""
        k = self.ids.get(id(node))
        if k is not None:
            return k
        d = _d_const(node, self, ())
        k = len(self.nodes)
        self.ids[id(node)] = k
        self.nodes.append(node)
        self.desc.append(d)
        self.children.append(())
        return k

    def walk(self, node) -> int:
        # runs once per node of every evaluated graph: unrolled for the common arities, with the
        # elementwise node described inline (~2x faster than a list comprehension and a lookup)
        k = self.ids.get(id(node))
        if k is not None:
            return k
        srcs = node.srcs
        n = len(srcs)
        if n == 2:
            a, b = srcs
            # a scalar operand (most binary ops in loops have one) is described here, not by a call
            ch = (self._const(a) if type(a) is Const else self.walk(a),
                  self._const(b) if type(b) is Const else self.walk(b))
        elif n == 1:
            ch = (self.walk(srcs[0]),)
        elif n == 0:
            ch = ()
        else:
            ch = tuple([self.walk(s) for s in srcs])
        t = type(node)
        d = ("E", node.op, node.ct.char, node.dtype.char, ch, node.fpe) if t is Ew else DESCRIBE[t](node, self, ch)
        k = len(self.nodes)
        self.ids[id(node)] = k
        self.nodes.append(node)
        self.desc.append(d)
        self.children.append(ch)
        return k

    def bind_fpe(self) -> None:
        """Bind the device's floating-point flag words (see _errstate) when a node reports flags.
        Without a binding to spare the kernel reports none (its key says so: the bindings)."""
        for d, node in zip(self.desc, self.nodes):
            if (d[0] == "E" and d[5] and fpe_checked(node.op, node.ct, d[5])) or (
                    d[0] == "X" and d[3] and cast_fpe(self.nodes[d[2]].dtype, node.dtype, d[3])):
                dev = _runtime.device()
                if len(self.bindings) + 2 <= dev.max_bindings:
                    self.fpe_b = self.binding(dev.fpe_storage(), dt.uint32, writable=True)
                return

    # ---- dimension collapsing and vector modes
    def finish(self):
        vecs = [v[0] for v in self.vectors]
        self.cshape, cstr = collapse_dims(self.shape, range(len(self.shape)), vecs)
        contig = contiguous_strides(self.cshape)
        zero = (0,) * len(self.cshape)
        self.modes = ["z" if s == zero else "l" if s == contig else "s" for s in cstr]
        self.cstrides = cstr
        self.n = 1
        for x in self.shape:
            self.n *= x
        if self.n >= _runtime.MAX_ELEMENTS:
            raise _windows.NeedsSplit
        if self.large and self.windows:
            _windows.bind_windows(self, self.vector_bindings())
        self.key = ("ew", tuple(self.desc), len(self.cshape), tuple(self.modes),
                    tuple((dt.wgsl_elem(b[1]), dt.storage(b[1]) == "sub", b[2]) for b in self.bindings),
                    self.out.dtype.char)

    def params(self) -> bytes:
        words = [self.n] + self.consts
        words += list(self.cshape)
        for (strides, off), cs, m in zip(self.vectors, self.cstrides, self.modes):
            words.append(off)
            if m == "s":
                words.extend(x & 0xFFFFFFFF for x in cs)
        return param_bytes(words)


# ---- describe: per node kind, registers what the node needs and returns its key part
def _d_leaf(node, plan, ch):
    writable = node.storage is plan.out.storage
    b = plan.binding(node.storage, node.dtype, writable)
    v = plan.vector(broadcast_strides(node.shape, node.strides, plan.shape), node.offset)
    return ("L", b, v, node.dtype.char)


def _d_iota(node, plan, ch):
    unit = [0] * node.ndim
    unit[node.axis] = node.step
    v = plan.vector(broadcast_strides(node.shape, unit, plan.shape), node.start)
    return ("I", v, node.dtype.char)


def _d_const(node, plan, ch):
    return ("C", plan.const(const_words(node.value, node.dtype)), node.dtype.char)


def _d_cast(node, plan, ch):
    return ("X", node.dtype.char, ch[0], node.fpe)


# elementwise nodes (the most common) are described inline by Plan.walk
DESCRIBE = {Leaf: _d_leaf, Iota: _d_iota, Const: _d_const, Cast: _d_cast}


# ---- emit: per node kind, the WGSL expression of the node (children are v<k> names)
def _e_leaf(node, plan, k, ch, d):
    return f"ld{d[1]}(I{d[2]})"


def _e_iota(node, plan, k, ch, d):
    return cast_expr(dt.uint32, node.dtype, f"I{d[1]}")


def _e_const(node, plan, k, ch, d):
    return const_expr(d[1], node.dtype)


def op_expr(opname, ct, args, rt=None) -> str:
    op = _ops.lookup(opname)
    e = _ops.expression(op, ct)
    w = dt.wgsl_type(ct)
    z, o, lsuf = LIT.get(w, ("", "", ""))
    real = dt.wgsl_type(dt.real_of(ct))
    subs = {"$RS": SUFFIX.get(real, ""), "$S": SUFFIX[w], "$T": w, "$Z": z, "$O": o, "$L": lsuf}
    for i, a in enumerate(args):
        subs[f"${i}"] = a
    for k in sorted(subs, key=len, reverse=True):
        e = e.replace(k, subs[k])
    if ct.itemsize < 4 and (rt is None or rt == ct):
        e = wrap_expr(ct, e)  # sub-word results wrap (ints) or round (float16) after every op
    return e


def _e_ew(node, plan, k, ch, d):
    return op_expr(node.op, node.ct, [f"v{c}" for c in ch], node.dtype)


def _e_cast(node, plan, k, ch, d):
    return cast_expr(plan.nodes[ch[0]].dtype, node.dtype, f"v{ch[0]}")


EMIT = {Leaf: _e_leaf, Iota: _e_iota, Const: _e_const, Ew: _e_ew, Cast: _e_cast}


# ---- floating-point error flags (see _errstate)
# Each flagged node ORs a bit (one per op of the kernel: ``plan.fpe_bits``, slot -> bit) into
# three local words (invalid, divide, overflow) with selects, no branch; one branch after the
# expression (``fpe_end``) reports the words, where they are not zero, to the device's flag words.
# Branch-free per-node code keeps compiles cheap: a branch and an atomic per node measured 40-60%
# more compile time on lavapipe for a 12-op chain.
# Every float flag needs a result that is not finite (a NaN, an infinity), so a float node only
# notes that (``fpe_g``: one bit test) and its exact conditions run after the expression, in one
# branch that elements with finite values never take: the checks inline cost a fused float32
# chain 30-45% of its bandwidth on an H100 (bench/probes/chain_split.py).
FPE_DECL = "@group(0) @binding({}) var<storage, read_write> fpe_flags: array<atomic<u32>>;"
FPE_BEGIN = "var fpe_i = 0u; var fpe_d = 0u; var fpe_o = 0u; var fpe_g = false;"
_FPE_KINDS: dict = {}


def fpe_checked(op: str, ct, mask: int) -> bool:
    """Whether ``op`` computed in ``ct`` reports any of the flags in ``mask``."""
    key = (op, ct.char, mask)
    r = _FPE_KINDS.get(key)
    if r is None:
        d = _ops.lookup(op)
        r = _FPE_KINDS[key] = bool(mask and (
            (d.fpe is not None and (ct.kind == "f" or (ct.kind in "iu" and d.fpe_int & mask)))
            or (ct.kind == "c" and d.fpe_c is not None)))
    return r


def cast_fpe(src, dst, mask: int) -> str:
    """The flag bits of a cast from ``src`` to ``dst`` (placeholders ``$r``, ``$0``, ``$B``), or ''.
    NumPy's: float to integer of NaN, an infinity or a value past int64 (uint64) is invalid
    (smaller integers wrap through int64 without a flag); a finite float that a narrower float
    cannot hold overflows."""
    if src.kind != "f":
        return ""
    s = SUFFIX[dt.wgsl_type(src)]
    if dst.kind in "iu" and mask & 4:
        lim = "1.8446744073709552e19" if dst.kind == "u" and dst.itemsize == 8 else "9.223372036854776e18"
        lit = "f" if s == "f32" else "lf"
        return f"fpe_i |= select(0u, $B, !ga_isfinite_{s}($0) || abs($0) >= {lim}{lit});"
    if dst.kind == "f" and dst.itemsize < src.itemsize and mask & 2:
        return f"fpe_o |= select(0u, $B, ga_isinf_{SUFFIX[dt.wgsl_type(dst)]}($r) && ga_isfinite_{s}($0));"
    return ""


def _fpe_bit(plan, slot: int) -> str:
    j = plan.fpe_bits.setdefault(slot, len(plan.fpe_bits))
    return f"{1 << j}u"


def fpe_stmt(plan, k: int) -> str:
    """The flag bits of node ``k`` (after its ``let v<k>``), or ''."""
    if plan.fpe_b is None:
        return ""
    d = plan.desc[k]
    node = plan.nodes[k]
    if d[0] == "X" and d[3]:
        t = cast_fpe(plan.nodes[d[2]].dtype, node.dtype, d[3])
        return " " + t.replace("$0", f"v{d[2]}").replace("$r", f"v{k}").replace("$B", _fpe_bit(plan, 0)) if t else ""
    if d[0] != "E" or not d[5] or not fpe_checked(node.op, node.ct, d[5]):
        return ""
    op, mask = _ops.lookup(node.op), d[5]
    w = dt.wgsl_type(node.ct)
    if dt.wgsl_type(node.dtype) != w or any(dt.wgsl_type(plan.nodes[c].dtype) != w for c in plan.children[k]):
        return ""  # (operands are cast to the compute type; nothing else is checked)
    args = [f"v{c}" for c in plan.children[k]]
    if node.ct.kind == "c":  # (ga_isnan_c64 ... test both parts)
        pole = "true" if op.fpe_c == "true" else "false"
    else:
        pole = (op.fpe or "false").replace("$Z", LIT[w][0]) if w in LIT else "false"
    for i, a in enumerate(args):
        pole = pole.replace(f"${i}", a)
    B = _fpe_bit(plan, _ops.FPE_SLOT[op.name])
    out = []
    if node.ct.kind in "iu":
        if op.fpe_int & mask & 1:
            out.append(f"fpe_d |= select(0u, {B}, {pole});")
        if op.fpe_int & mask & 4:
            out.append(f"fpe_i |= select(0u, {B}, {pole});")
        return " " + " ".join(out)
    S = SUFFIX[w]
    r = f"v{k}"
    n_late = len(plan.fpe_late)
    out = plan.fpe_late  # (the exact conditions: in fpe_end's branch)
    if mask & 4:
        nan_in = " || ".join(f"ga_isnan_{S}({a})" for a in args)
        out.append(f"fpe_i |= select(0u, {B}, ga_isnan_{S}({r}) && !({nan_in}));")
    fin = " && ".join(f"ga_isfinite_{S}({args[i]})" for i in (op.fpe_from or range(len(args))))
    e = f"ga_isinf_{S}({r}) && {fin}"  # an infinity from finite operands
    if pole == "true":
        if mask & 1:
            out.append(f"fpe_d |= select(0u, {B}, {e});")
    elif pole == "false":
        if mask & 2:
            out.append(f"fpe_o |= select(0u, {B}, {e});")
    elif mask & 3:
        out.append(f"let e{k} = {e};")
        if mask & 1:
            out.append(f"fpe_d |= select(0u, {B}, e{k} && ({pole}));")
        if mask & 2:
            out.append(f"fpe_o |= select(0u, {B}, e{k} && !({pole}));")
    return f" fpe_g = fpe_g | !ga_isfinite_{S}({r});" if len(out) > n_late else ""


def fpe_begin(plan) -> str:
    """The flag words' declarations, before a plan's node lines."""
    plan.fpe_late = []
    return FPE_BEGIN if plan.fpe_b is not None else ""


def fpe_end(plan) -> str:
    """After a plan's node lines: the flags set, reported to the device's words (one branch)."""
    if plan.fpe_b is None or not plan.fpe_bits:
        return ""
    late = f"if (fpe_g) {{ {' '.join(plan.fpe_late)} }} " if plan.fpe_late else ""
    notes = " ".join(
        f"ga_fpe_note({slot}u, select(0u, 1u, (fpe_d & {1 << j}u) != 0u) | select(0u, 2u, (fpe_o & {1 << j}u) != 0u)"
        f" | select(0u, 4u, (fpe_i & {1 << j}u) != 0u));" for slot, j in plan.fpe_bits.items())
    return late + f"if ((fpe_i | fpe_d | fpe_o) != 0u) {{ {notes} }}"


def plan_decls(plan, decl_one) -> list:
    """Declarations of a plan's bindings: the flag words' own, ``decl_one(i, binding)`` for the rest."""
    return [FPE_DECL.format(i + 1) if i == plan.fpe_b else decl_one(i, b) for i, b in enumerate(plan.bindings)]


# ------------------------------------------------------------------------ WGSL text
def binding_decls(bindings) -> str:
    out = []
    for i, (_, dtype, writable) in enumerate(bindings):
        elem = dt.wgsl_elem(dtype)
        if dt.storage(dtype) == "sub" and writable:
            out.append(f"@group(0) @binding({i + 1}) var<storage, read_write> b{i}: array<atomic<u32>>;")
        else:
            mode = "read_write" if writable else "read"
            out.append(f"@group(0) @binding({i + 1}) var<storage, {mode}> b{i}: array<{elem}>;")
    return "\n".join(out)


def load_fn(i, dtype, writable) -> str:
    w = dt.wgsl_type(dtype)
    st = dt.storage(dtype)
    if st == "sub":
        bits = 8 if dtype.itemsize == 1 else 16
        per = 32 // bits
        word = f"atomicLoad(&b{i}[j / {per}u])" if writable else f"b{i}[j / {per}u]"
        body = f"let sh = (j % {per}u) * {bits}u; let x = ({word} >> sh) & {hex((1 << bits) - 1)}u;"
        if dtype == dt.bool_:
            ret = "x != 0u"
        elif dtype == dt.float16:
            ret = F16_VALUE.format("x")
        elif dtype.kind == "i":
            ret = f"(bitcast<i32>(x << {32 - bits}u) >> {32 - bits}u)"
        else:
            ret = "x"
        return f"fn ld{i}(j: u32) -> {w} {{ {body} return {ret}; }}"
    if st == "complex":
        return f"fn ld{i}(j: u32) -> {w} {{ return {w}(b{i}[2u * j], b{i}[2u * j + 1u]); }}"
    return f"fn ld{i}(j: u32) -> {w} {{ return b{i}[j]; }}"


# the f32 value of the float16 bits in the u32 variable {0}: a NaN made on the bits (a conversion
# may quiet a signaling NaN; NumPy's keeps its bits, so float16 arrays copy bit for bit)
F16_VALUE = ("select(unpack2x16float({0}).x, bitcast<f32>((({0} & 0x8000u) << 16u) | 0x7f800000u | (({0} & 0x3ffu) << 13u)), "
             "({0} & 0x7c00u) == 0x7c00u && ({0} & 0x3ffu) != 0u)")


def sub_word_bits(dtype, v: str) -> str:
    """The bits of the sub-word ``dtype`` value in the variable ``v`` (its compute type), in the low
    bits of a u32: what every store into a packed buffer writes."""
    if dtype == dt.bool_:
        return f"select(0u, 1u, {v})"
    if dtype == dt.float16:
        return F16_BITS.format(v)
    return f"(u32({v}) & {hex((1 << (8 * dtype.itemsize)) - 1)}u)"


def store_fn(dtype) -> str:
    w = dt.wgsl_type(dtype)
    st = dt.storage(dtype)
    if st == "sub":
        bits = 8 if dtype.itemsize == 1 else 16
        per = 32 // bits
        val = sub_word_bits(dtype, "v")
        # other lanes' bits are never touched, so and-then-or from many threads composes
        return (f"fn st(j: u32, v: {w}) {{ let sh = (j % {per}u) * {bits}u; let m = {hex((1 << bits) - 1)}u << sh;\n"
                f"  atomicAnd(&b0[j / {per}u], ~m); atomicOr(&b0[j / {per}u], {val} << sh); }}")
    if st == "complex":
        return f"fn st(j: u32, v: {w}) {{ b0[2u * j] = v.x; b0[2u * j + 1u] = v.y; }}"
    return f"fn st(j: u32, v: {w}) {{ b0[j] = v; }}"


def index_code(plan, base: int) -> tuple[str, int]:
    """WGSL computing coordinates c<d> from gid and the index I<v> of every vector."""
    lines = []
    nd = len(plan.cshape)
    p = base + nd  # shape words at [base, base+nd)
    if "s" in plan.modes:
        lines.append("  var rem = gid;")
        for d in range(nd - 1, 0, -1):
            lines.append(f"  let c{d} = rem % P[{base + d}]; rem = rem / P[{base + d}];")
        lines.append("  let c0 = rem;")
    for v, m in enumerate(plan.modes):
        if m == "z":
            lines.append(f"  let I{v} = P[{p}];")
            p += 1
        elif m == "l":
            lines.append(f"  let I{v} = P[{p}] + gid;")
            p += 1
        else:
            terms = " + ".join(f"i32(c{d}) * bitcast<i32>(P[{p + 1 + d}])" for d in range(nd))
            lines.append(f"  let I{v} = u32(i32(P[{p}]) + {terms});")
            p += 1 + nd
    return "\n".join(lines), p


def entry_point(wg: int = _runtime.WORKGROUP) -> str:
    """The compute entry point's first lines (workgroup id, grid size, local index), up to its ``{``."""
    return (f"@compute @workgroup_size({wg})\n"
            "fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,\n"
            "        @builtin(local_invocation_index) lid: u32) {\n")


HEADER = """@group(0) @binding(0) var<storage, read> P: array<u32>;
"""
PER_THREAD = 4  # elements (scalar kernels) or vec4 groups (vector kernels) per thread
# the vec4 kernels' entry: each thread takes PER_THREAD groups of 4 elements (index j), a grid apart
_VEC4_HEAD = entry_point() + f"""  let first = (wid.y * nwg.x + wid.x) * {_runtime.WORKGROUP}u + lid;
  let nthreads = nwg.x * nwg.y * {_runtime.WORKGROUP}u;
  let n = P[0];
  for (var rep = 0u; rep < {PER_THREAD}u; rep++) {{
    let g = first + rep * nthreads;
    let j = g * 4u;
    if (j >= n) {{ return; }}
"""
_VEC_NODES = (Leaf, Iota, Const, Ew, Cast)
# Node types whose values a vec4 kernel computes for a whole group of 4 at once (random draws:
# one Philox block gives 4 values), by type: fn(node, plan, k) -> None when this node cannot,
# else (group, one): group(off, j) -> (statements, 4 lane expressions) for the group whose first
# element is j, one(off, q) -> the expression of element q alone (a tail group); ``off`` maps a
# vector to its offset expression.
VEC4_GROUP: dict = {}
# The group code of the WGSL helpers whose 4 consecutive values come from one computation (the
# float32 random draws), by helper name: fn(block index expr, key/counter expr, name) ->
# (statements, 4 lane expressions). Shared by the vec4 elementwise and reduction kernels.
GROUP_LANES: dict = {}


def _group_nodes(plan) -> dict:
    """{node index: (group code fn, element expr fn)} of the nodes computed a group at a time; None
    if some node can run neither per element of a vec4 kernel nor per group."""
    out = {}
    for k, n in enumerate(plan.nodes):
        t = type(n)
        if t in _VEC_NODES:
            continue
        f = VEC4_GROUP.get(t)
        g = f(n, plan, k) if f is not None else None
        if g is None:
            return None
        out[k] = g
    return out


def vectorizable(plan) -> bool:
    """Whether the plan can run with vec4 loads/stores: every vector contiguous ('l') or
    broadcast ('z'), offsets of the contiguous ones multiples of 4, and every buffer read
    contiguously (and the output) a 32-bit type. Measured on an H200: 3.8-4.1 TB/s against
    2.0-3.0 TB/s for one scalar element per thread."""
    if plan.n < 1024 or any(m == "s" for m in plan.modes) or plan.modes[plan.out_vec] != "l":
        return False
    if _group_nodes(plan) is None:
        return False
    for (strides, off), m in zip(plan.vectors, plan.modes):
        if m == "l" and off % 4:
            return False
    for b in _vec_bindings(plan):
        if dt.storage(plan.bindings[b][1]) != "word":
            return False
    return True


def _vec_bindings(plan) -> set:
    """Bindings read through a contiguous vector (declared as arrays of vec4), and the output."""
    out = {0}
    for k, d in enumerate(plan.desc):
        if d[0] == "L" and plan.modes[d[2]] == "l":
            out.add(d[1])
    return out


# How a vec4 kernel's thread computes the 4 lanes of a group. "loop": one loop over the lanes,
# bounded by the lanes left (4 but for the tail group), so the expression (math library calls
# included) appears once in the compiled code; drivers compile in time growing with code size
# (a 12-op float32 chain on lavapipe: 11.5 s unrolled, see bench/coldstart_notes.md).
# "unrolled": one call per lane plus one for the tail, which drivers inline 5 times; kept to
# compare runtime bandwidth on GPUs (bench/probes/coldstart_probe.py --vec4-form).
VEC4_FORM = "loop"


def source_vec4(plan, form=None) -> str:
    """The vec4 variant: each thread takes PER_THREAD groups of 4 elements, a grid apart; a group
    that runs past the end (the last, if n % 4) is finished element by element."""
    vb = _vec_bindings(plan)
    nd = len(plan.cshape)
    base = 1 + len(plan.consts) + nd
    off = {v: f"P[{base + v}]" for v in range(len(plan.vectors))}  # one offset word per vector
    decls, fns = [], []
    for i, (_, dtype, writable) in enumerate(plan.bindings):
        w = dt.wgsl_type(dtype)
        if i == plan.fpe_b:
            decls.append(FPE_DECL.format(i + 1))
        elif i in vb:
            mode = "read_write" if writable else "read"
            decls.append(f"@group(0) @binding({i + 1}) var<storage, {mode}> b{i}: array<vec4<{dt.wgsl_elem(dtype)}>>;")
            fns.append(f"fn ld{i}(j: u32) -> {w} {{ return {w}(b{i}[j / 4u][j % 4u]); }}")
        else:
            decls.append(binding_decls([plan.bindings[i]]).replace("@binding(1)", f"@binding({i + 1})").replace(" b0:", f" b{i}:"))
            fns.append(load_fn(i, dtype, writable))
    out_w = dt.wgsl_type(plan.out.dtype)
    fns.append(f"fn st(j: u32, v: {out_w}) {{ b0[j / 4u][j % 4u] = v; }}")
    # the expression as a function of the element index, the contiguous leaves' values and the
    # values of nodes computed a group at a time
    vec_leaves = [k for k, d in enumerate(plan.desc) if d[0] == "L" and plan.modes[d[2]] == "l"]
    groups = _group_nodes(plan)
    passed = vec_leaves + sorted(groups)
    params = ", ".join(["j: u32"] + [f"a{k}: {dt.wgsl_type(plan.nodes[k].dtype)}" for k in passed])
    lines = [f"  let I{v} = {off[v]} + j;" if m == "l" else f"  let I{v} = {off[v]};"
             for v, m in enumerate(plan.modes)]
    lines.append("  " + fpe_begin(plan))
    for k, node in enumerate(plan.nodes):
        e = f"a{k}" if k in vec_leaves or k in groups else EMIT[type(node)](node, plan, k, plan.children[k], plan.desc[k])
        lines.append(f"  let v{k}: {dt.wgsl_type(node.dtype)} = {e};{fpe_stmt(plan, k)}")
    lines.append("  " + fpe_end(plan))
    last = len(plan.nodes) - 1
    body = "\n".join(lines)
    fns.append(f"fn value({params}) -> {out_w} {{\n{body}\n  return {cast_expr(plan.nodes[last].dtype, plan.out.dtype, f'v{last}')};\n}}")
    if (form or VEC4_FORM) == "loop":
        main = _main_vec4_loop(plan, off, vec_leaves, groups, passed)
        helpers = _wgsl_lib.resolve(body + main)
        return "\n".join([HEADER, *decls, *fns, helpers, main])
    comps = "xyzw"
    loads = [f"      let q{k} = b{plan.desc[k][1]}[({off[plan.desc[k][2]]} >> 2u) + g];" for k in vec_leaves]
    lanes = {k: [f"{dt.wgsl_type(plan.nodes[k].dtype)}(q{k}.{c})" for c in comps] for k in vec_leaves}
    for k, (group, _) in groups.items():
        stmts, lanes[k] = group(off, "j")
        loads += ["      " + x for x in stmts]
    loads = "\n".join(loads)
    calls = "\n".join(
        f"      r.{c} = value(j + {i}u" + "".join(f", {lanes[k][i]}" for k in passed) + ");"
        for i, c in enumerate(comps))
    tail = {k: f"ld{plan.desc[k][1]}({off[plan.desc[k][2]]} + q)" for k in vec_leaves}
    tail.update({k: one(off, "q") for k, (_, one) in groups.items()})
    tail_args = "".join(f", {tail[k]}" for k in passed)
    main = f"""
{_VEC4_HEAD}    if (j + 3u < n) {{
{loads}
      var r: vec4<{dt.wgsl_elem(plan.out.dtype)}>;
{calls}
      b0[({off[plan.out_vec]} >> 2u) + g] = r;
    }} else {{
      for (var q = j; q < n; q++) {{ st({off[plan.out_vec]} + q, value(q{tail_args})); }}
    }}
  }}
}}
"""
    helpers = _wgsl_lib.resolve(body + main)
    return "\n".join([HEADER, *decls, *fns, helpers, main])


# Lane c of a vec4 without a dynamically indexed variable (which drivers may keep in local
# memory instead of registers): selects on the lane index.
def _lane(v: str) -> str:
    return f"select(select(select({v}.w, {v}.z, c == 2u), {v}.y, c == 1u), {v}.x, c == 0u)"


def _set_lane(v: str, x: str, t: str) -> str:
    return f"{v} = select({v}, {t}({x}), vec4<u32>(0u, 1u, 2u, 3u) == vec4<u32>(c));"


_SCALARS = ("f32", "i32", "u32", "bool")


def _main_vec4_loop(plan, off, vec_leaves, groups, passed) -> str:
    """The entry point of the "loop" form: a full group is loaded as vec4s (and its group-computed
    values a group at a time), a tail group element by element; then one loop over the group's
    lanes computes the expression, whose trip count (the lanes left) the compiler cannot know, so
    it is not unrolled."""
    vt = {k: f"vec4<{dt.wgsl_elem(plan.nodes[k].dtype)}>" for k in vec_leaves}
    for k in groups:
        w = dt.wgsl_type(plan.nodes[k].dtype)
        vt[k] = f"vec4<{w}>" if w in _SCALARS else f"array<{w}, 4>"
    out_t = f"vec4<{dt.wgsl_elem(plan.out.dtype)}>"
    o = off[plan.out_vec]
    decl = "\n".join(f"    var q{k}: {vt[k]};" for k in vec_leaves + sorted(groups))
    full = [f"      q{k} = b{plan.desc[k][1]}[({off[plan.desc[k][2]]} >> 2u) + g];" for k in vec_leaves]
    part = [f"        {_set_lane(f'q{k}', f'ld{plan.desc[k][1]}({off[plan.desc[k][2]]} + j + c)', vt[k])}"
            for k in vec_leaves]
    for k, (group, one) in groups.items():
        stmts, lanes = group(off, "j")
        full += ["      " + x for x in stmts]
        full.append(f"      q{k} = {vt[k]}({', '.join(lanes)});")
        e = one(off, "(j + c)")
        part.append(f"        {_set_lane(f'q{k}', e, vt[k])}" if vt[k].startswith("vec4") else f"        q{k}[c] = {e};")
    args = ""
    for k in passed:
        x = _lane(f"q{k}") if vt[k].startswith("vec4") else f"q{k}[c]"
        args += f", {dt.wgsl_type(plan.nodes[k].dtype)}({x})" if k in vec_leaves else f", {x}"
    full, part = "\n".join(full), "\n".join(part)
    return f"""
{_VEC4_HEAD}    let m = min(n - j, 4u);
{decl}
    if (m == 4u) {{
{full}
    }} else {{
      for (var c = 0u; c < m; c++) {{
{part}
      }}
    }}
    var r: {out_t};
    for (var c = 0u; c < m; c++) {{ {_set_lane("r", f"value(j + c{args})", out_t)} }}
    if (m == 4u) {{
      b0[({o} >> 2u) + g] = r;
    }} else {{
      for (var c = 0u; c < m; c++) {{ st({o} + j + c, {_lane("r")}); }}
    }}
  }}
}}
"""


def source(plan) -> str:
    lines = ["  " + fpe_begin(plan)]
    for k, node in enumerate(plan.nodes):
        e = EMIT[type(node)](node, plan, k, plan.children[k], plan.desc[k])
        lines.append(f"  let v{k}: {dt.wgsl_type(node.dtype)} = {e};{fpe_stmt(plan, k)}")
    lines.append("  " + fpe_end(plan))
    body = "\n".join(lines)
    idx, _ = index_code(plan, 1 + len(plan.consts))
    last = len(plan.nodes) - 1
    out_cast = cast_expr(plan.nodes[last].dtype, plan.out.dtype, f"v{last}")
    fns = [load_fn(i, b[1], b[2]) for i, b in enumerate(plan.bindings) if i != plan.fpe_b]
    fns.append(store_fn(plan.out.dtype))
    # each thread handles PER_THREAD elements, a grid-size apart (coalesced, fewer workgroups)
    main = f"""
{entry_point()}  let first = (wid.y * nwg.x + wid.x) * {_runtime.WORKGROUP}u + lid;
  let nthreads = nwg.x * nwg.y * {_runtime.WORKGROUP}u;
  for (var rep = 0u; rep < {PER_THREAD}u; rep++) {{
  let gid = first + rep * nthreads;
  if (gid >= P[0]) {{ return; }}
{idx}
{body}
  st(I{plan.out_vec}, {out_cast});
  }}
}}
"""
    helpers = _wgsl_lib.resolve(body + main)
    decls = plan_decls(plan, lambda i, b: binding_decls([b]).replace("@binding(1)", f"@binding({i + 1})").replace(" b0:", f" b{i}:"))
    return "\n".join([HEADER, *decls, *fns, helpers, main])


# ------------------------------------------------------------------------ evaluation
@_runtime.locked
def evaluate_into(root, out: Leaf) -> None:
    """Record the kernel that computes ``root`` (broadcast to ``out.shape``) into the view ``out``."""
    dev = _runtime.device()
    fp = _replay.fingerprint(dev, (root,), (out,), ("ew", out.dtype, out.shape, out.strides, out.offset & 3))
    if fp is not None:
        rec = _replay.recipe(fp)
        if rec is not None:
            return rec.replay(fp)
    plan = Plan(out)
    plan.defer = True
    plan.walk(root)
    if plan.deferred:
        return type(plan.deferred[0]).evaluate(root, out, plan.deferred)
    plan.bind_fpe()
    try:
        plan.finish()
    except _windows.NeedsSplit:
        return evaluate_split(root, out)
    if plan.n == 0:
        return
    params = plan.params()

    vec = vectorizable(plan)

    def build(form=None):
        src = source_vec4(plan, form) if vec else source(plan)
        name = "ew_" + "_".join(sorted({d[1] for d in plan.desc if d[0] == "E"}) or ["copy"])
        return name, src, ["rw" if b[2] else "r" for b in plan.bindings], len(params)

    if vec and VEC4_FORM == "loop" and TIERS and not dev.is_cpu:
        key = plan.key

        def kernel():
            return tiered(dev, key, build)
    else:
        kern = dev.kernel(plan.key + (vec and VEC4_FORM,), build)

        def kernel():
            return kern
    per_group = _runtime.WORKGROUP * PER_THREAD * (4 if vec else 1)
    groups = _runtime.groups_for(plan.n, per_group)
    dev.dispatch(kernel(), [b[0] for b in plan.bindings], params, groups)
    if fp is not None:
        _replay.offer(fp, plan, kernel, groups, xvecs=((plan.out_vec, 0),), fixed=_fixed(dev))


def _fixed(dev) -> tuple:
    """(storage, getter) of the device-wide buffers plans bind (see _replay.offer)."""
    return () if dev._fpe is None else ((dev._fpe, dev.fpe_storage),)


_replay.CONST_WORDS = const_words


def evaluate_split(root, out: Leaf) -> None:
    """``evaluate_into`` box by box (arrays past one binding, iteration spaces of 2^31 elements
    and more: see _kernels/windows.py)."""
    shape = out.shape
    for lo, ext in _windows.boxes(shape, _windows.views_of(root, out, shape)):
        _stats.add("split_dispatches")
        evaluate_into(_windows.rebase(root, lo, ext, shape), _windows.sub_leaf(out, lo, ext, shape))


# Tiers of the vec4 kernels (elementwise and reductions) on GPUs: the loop form compiles fast (one
# copy of the expression) and runs first; from its HOT_USES-th recording on, the unrolled form (the 4 lanes' computations
# interleaved, faster at run time where the expression is compute bound) is built on the device's
# compile thread and replaces it once ready. Not on CPU adapters, where compiling is the cost that
# matters and shares the same cores. Off unless GPUARRAY_TIERS=1 until measured on a GPU (the two
# forms' run times, and whether a driver gives them the same bits: bench/probes/fpe_cost.py).
TIERS = os.environ.get("GPUARRAY_TIERS", "0") == "1"
HOT_USES = 2
_uses: dict = {}


def tiered(dev, key, build):
    fast = dev.ready_kernel(key + ("unrolled",))
    if fast is not None:
        return fast
    kern = dev.kernel(key + ("loop",), build)
    n = _uses.get(key, 0) + 1
    if n <= HOT_USES:
        _uses[key] = n
        if n == HOT_USES:
            if len(_uses) > 8192:
                _uses.clear()
            dev.build_later(key + ("unrolled",), lambda: build("unrolled"))
    return kern


def check_expression(opname: str, ct) -> bool:
    """Whether the op's WGSL for compute type ``ct`` has every helper it calls (else: host fallback)."""
    return _check_cache(opname, ct)


_checked: dict = {}


def _check_cache(opname, ct):
    key = (opname, ct)
    r = _checked.get(key)
    if r is None:
        e = op_expr(opname, ct, ["a", "b", "c"])
        try:
            _wgsl_lib.resolve(e)
            r = True
        except _wgsl_lib.Missing:
            r = False
        _checked[key] = r
    return r
