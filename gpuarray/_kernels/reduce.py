"""Reduction and scan kernels over a node tree (map-reduce fusion).

A reduction reads its input as an expression (the same node trees ``_codegen`` evaluates), so
``sum(x * w, axis=0)`` reads ``x`` and ``w`` once and writes only the result. ``ReducePlan``
walks the tree with ``_codegen``'s describe/emit tables; what differs from an elementwise plan
is the iteration space: every index vector is split into the kept axes (one output each) and the
reduced axes (logically moved last, in their order, so a flat reduction index is NumPy's C-order
index over them). Each group is collapsed separately where the vectors allow.

Kernel shapes (chosen from the sizes, see ``choose``):
  thread  one thread per (output, chunk), sequential fold: many outputs, short reductions, or
          reductions over an outer axis (adjacent threads read adjacent memory);
  group   one workgroup per (output, chunk): strided per-thread runs, then a shared-memory tree;
          When the innermost reduced axis is contiguous for some 32-bit leaf (or a Philox draw)
          and every group of 4 starts 16-byte aligned, the vec4 variant (reduce_group_vec4.wgsl)
          reads one vec4 per leaf per group, VEC_UNROLL groups per loop trip with their loads
          issued first, and folds lane l into accumulator a<l> (4 independent chains);
  scan    one workgroup per row, blocked scan carrying the running total across blocks; rows of
          at most SCAN_THREAD_MAX elements one thread per row (``scan_thread``: a workgroup
          per 3-element row cost lavapipe 5.5 s for 1e5 rows).
When one chunk per output is not enough parallelism (or per-thread runs would grow long), every
workgroup writes its chunk's partial; on adapters whose storage barrier is a device-scope fence
(Vulkan: naga emits OpControlBarrier with Device memory scope and AcquireRelease|UniformMemory) the
last workgroup of each output to finish (a per-output ticket counter) folds the partials in the
same kernel ("one pass", one dispatch), elsewhere the partials are folded by a second pass.
Sizes and scalars are parameter words: a structure compiles once. ``_lazy/reduce_queue.py``
decides when each reduction runs (the queue of deferred reductions, merged into one kernel).
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from . import wgsl_lib as _wgsl_lib
from .._device import runtime as _runtime
from . import codegen as _codegen
from . import windows as _windows
from .codegen import (EMIT, FPE_DECL, GROUP_LANES, LIT, SUFFIX, Plan, binding_decls, cast_expr, collapse_dims,
                      const_expr, const_words, fpe_begin, fpe_end, fpe_stmt, load_fn, op_expr, param_bytes, store_fn)
from .._graph.nodes import Ew, Leaf, new_leaf
from .._graph.nodes import contiguous_strides as _contiguous
from .._device.errors import SizeLimitError
from .._graph.memo import Memo

WG = _runtime.WORKGROUP
THREAD_MAX_RED = 32  # reductions this short always use one thread per output
GROUP_ONE_PASS = WG * 256  # a workgroup folds this many elements per output in one pass
GROUP_CHUNK = WG * 1024  # longest chunk of a multi-pass group reduction (1024 elements per thread)
MIN_RUN = 16  # fewest elements per thread worth a chunk of its own
TARGET_THREADS = 1 << 16  # parallelism wanted from the thread shape
TARGET_GROUPS = 512  # ... and from the group shape
THREAD_CHUNK = 256  # chunk length of an outer reduction split for parallelism
SCAN_K = 8  # elements per thread per scan block
SCAN_THREAD_MAX = 32  # scans of rows this short use one thread per row
VEC_UNROLL = 2  # vec4 groups per unrolled loop trip of the vec4 group kernel
VEC_MIN_RED = 1024  # shortest reduction worth the vec4 group kernel
ONE_PASS = True  # chunked group reductions fold their partials in their last workgroup (where safe)

# ---------------------------------------------------------------------------- monoids
# name -> op-table op combining two accumulators (None: a section of reduce_combine.wgsl)
VALUE_OPS = {"add": "add", "multiply": "multiply", "maximum": "maximum", "minimum": "minimum",
             "fmax": "fmax", "fmin": "fmin", "logical_or": "logical_or", "logical_and": "logical_and",
             "bitwise_and": "bitwise_and", "bitwise_or": "bitwise_or", "bitwise_xor": "bitwise_xor"}
_ALL_ONES = {"bool": "true", "i32": "bitcast<i32>(0xffffffffu)", "u32": "0xffffffffu", "i64": "bitcast<i64>(0xfffffffffffffffflu)",
             "u64": "0xfffffffffffffffflu"}
ARG_OPS = ("argmax", "argmin")


def _lowest(acc) -> str:
    w = dt.wgsl_type(acc)
    return {
        "f32": "bitcast<f32>(0xff800000u)", "f64": "bitcast<f64>(0xfff0000000000000lu)",
        "i32": "bitcast<i32>(0x80000000u)", "i64": "bitcast<i64>(0x8000000000000000lu)",
        "u32": "0u", "u64": "0lu", "bool": "false",
        "vec2<f32>": "vec2<f32>(bitcast<f32>(0xff800000u))", "vec2<f64>": "vec2<f64>(bitcast<f64>(0xfff0000000000000lu))",
    }[w]


def _highest(acc) -> str:
    w = dt.wgsl_type(acc)
    return {
        "f32": "bitcast<f32>(0x7f800000u)", "f64": "bitcast<f64>(0x7ff0000000000000lu)",
        "i32": "bitcast<i32>(0x7fffffffu)", "i64": "bitcast<i64>(0x7ffffffffffffffflu)",
        "u32": "0xffffffffu", "u64": "0xfffffffffffffffflu", "bool": "true",
        "vec2<f32>": "vec2<f32>(bitcast<f32>(0x7f800000u))", "vec2<f64>": "vec2<f64>(bitcast<f64>(0x7ff0000000000000lu))",
    }[w]


def identity_expr(monoid: str, acc, it="u32") -> str:
    """The accumulator a fold starts from (for max/min: the value every element beats)."""
    w = dt.wgsl_type(acc)
    if monoid in ("add", "logical_or", "bitwise_or", "bitwise_xor"):
        return f"{w}()" if acc.kind == "c" else LIT[w][0]
    if monoid == "bitwise_and":
        return _ALL_ONES[w]
    if monoid in ("multiply", "logical_and"):
        if acc.kind == "c":
            r = dt.wgsl_type(dt.real_of(acc))
            return f"{w}({LIT[r][1]}, {LIT[r][0]})"
        return LIT[w][1]
    if monoid in ("fmax", "fmin") and acc.kind == "f":
        return f"bitcast<{w}>({'0x7fc00000u' if w == 'f32' else '0x7ff8000000000000lu'})"  # NaN: all-NaN -> NaN
    if monoid in ("maximum", "fmax"):
        return _lowest(acc)
    if monoid in ("minimum", "fmin"):
        return _highest(acc)
    none = "0xffffffffu" if it == "u32" else "0xfffffffffffffffflu"  # (no index yet: loses every tie)
    if monoid == "argmax":
        return f"Acc({_lowest(acc)}, {none})"
    if monoid == "argmin":
        return f"Acc({_highest(acc)}, {none})"
    raise ValueError(monoid)


def _order_helpers(monoid: str, acc) -> str:
    """red_nan / red_eq / red_first for the ordered and arg combine sections."""
    w = dt.wgsl_type(acc)
    cmp = ">" if monoid in ("maximum", "fmax", "argmax") else "<"
    if acc.kind == "c":
        rs = SUFFIX[dt.wgsl_type(dt.real_of(acc))]
        nan = f"ga_isnan_{rs}(x.x) || ga_isnan_{rs}(x.y)"
        eq = "all(a == b)"
        first = f"(a.x {cmp} b.x) || (a.x == b.x && a.y {cmp} b.y)"
    else:
        nan = f"ga_isnan_{SUFFIX[w]}(x)" if acc.kind == "f" else "false"
        eq = "a == b"
        first = f"a {cmp} b"
    return (f"fn red_nan(x: {w}) -> bool {{ return {nan}; }}\n"
            f"fn red_eq(a: {w}, b: {w}) -> bool {{ return {eq}; }}\n"
            f"fn red_first(a: {w}, b: {w}) -> bool {{ return {first}; }}\n")


def combine_code(monoid: str, acc, it="u32") -> str:
    """WGSL declaring ``Acc`` and ``comb`` for a monoid over accumulator dtype ``acc`` (arg
    reductions: ``it`` the index type)."""
    sections = _sections()
    w = dt.wgsl_type(acc)
    if monoid in ARG_OPS:
        return _order_helpers(monoid, acc) + sections["arg"].substitute(T=w, IT=it)
    if acc.kind == "c" and monoid in ("maximum", "minimum", "fmax", "fmin"):
        return _order_helpers(monoid, acc) + sections["ordered"].substitute(T=w)
    return sections["value"].substitute(T=w, EXPR=op_expr(VALUE_OPS[monoid], acc, ["a", "b"]))


_SECTIONS: dict = {}


def _sections() -> dict:
    if not _SECTIONS:
        from string import Template

        text = (_wgsl_lib.WGSL_DIR / "reduce_combine.wgsl").read_text()
        name, buf, sections = None, [], {}
        for line in text.splitlines() + ["//@ end"]:
            if line.startswith("//@ "):
                if name:
                    sections[name] = Template("\n".join(buf))
                name, buf = line[4:].strip(), []
            elif name:
                buf.append(line)
        _SECTIONS.update(sections)  # complete at once: another thread may be reading it
    return _SECTIONS


# ------------------------------------------------------------------------------ plan
class ReducePlan(Plan):
    """A node tree read over (kept axes, reduced axes); writes one value per output (per output
    and chunk when ``chunks > 1``: partials), or, for scans, one value per input element.

    out:           the Leaf written (final result, partials buffer, or scan result)
    out_strides:   the output's strides over the input's axes (0 on reduced axes of a reduction)
    """

    def __init__(self, out: Leaf, in_shape, axes, out_strides, out_offset, *, shape_kind, monoid, acc,
                 chunks=1, chunk=0, post=None, post_value=None, initial=None, idx_out=None, final=None):
        super().__init__(out)
        self.shape = tuple(in_shape)
        self.vectors[self.out_vec] = [tuple(out_strides), out_offset]
        self.axes = tuple(sorted(axes))
        self.kind, self.monoid, self.acc = shape_kind, monoid, acc
        self.chunks, self.chunk = chunks, chunk
        self.post = post
        self.root_node = None  # node index of the value folded (set by the caller's walk)
        self.idx_node = None
        self.force_vec = None
        self.idx_out = None if idx_out is None else self.binding(idx_out, dt.uint32, writable=True)
        self.post_slot = None if post_value is None else self.const(const_words(post_value, self.post_dtype()))
        self.init_slot = None if initial is None else self.const(const_words(initial, acc))
        # one pass (see the module docstring): out holds the partials, ``final`` = (Leaf, strides
        # over the input's axes) the result the last workgroup of each output writes
        self.final = self.ticket = None
        if final is not None:
            fleaf, fstr = final
            n_out = _prod(n for d, n in enumerate(self.shape) if d not in self.axes)
            self.final = (self.binding(fleaf.storage, fleaf.dtype, writable=True),
                          self.vector(fstr, fleaf.offset), fleaf.dtype)
            self.ticket = self.binding(tickets(n_out), dt.uint32, writable=True)

    def vector_bindings(self) -> list:
        out = super().vector_bindings()
        if self.final is not None:
            out.append((self.final[0], self.final[1], self.final[2].itemsize))
        for m in getattr(self, "mem", ())[1:]:
            out.append((m["b"], m["v"], m["out"].itemsize))
            if m["final"] is not None:
                out.append((m["final"][0], m["final"][1], m["final"][2].itemsize))
        return out

    form = None  # the vec4 lane form this plan's source is written in (None: codegen.VEC4_FORM)

    def identity(self) -> str:
        return identity_expr(self.monoid, self.acc, self.index_type())

    def index_type(self) -> str:
        """The WGSL type of an arg reduction's index: u32, or u64 where it comes from a uint64 node
        (the fold over pieces of 2^32 elements or more)."""
        if self.idx_node is not None and self.nodes[self.idx_node].dtype == dt.uint64:
            return "u64"
        return "u32"

    def post_dtype(self):
        return post_dtype(self.acc)

    def walk_index(self, node):
        """Second-pass arg reductions: the element's index comes from this node, not from r."""
        self.idx_node = self.walk(node)

    def finish(self):
        if self.fpe_b is None:
            self.bind_fpe()
        nd = len(self.shape)
        kept = [d for d in range(nd) if d not in self.axes]
        vecs = [v[0] for v in self.vectors]
        self.kshape, self.kstr, self.kmodes = _collapse(self.shape, kept, vecs)
        self.rshape, self.rstr, self.rmodes = _collapse(self.shape, list(self.axes), vecs)
        self.n_out = _prod(self.shape[d] for d in kept)
        self.n_red = _prod(self.shape[d] for d in self.axes)
        total = self.n_out if self.kind in ("scan", "scan_thread") else self.n_out * self.chunks
        self.total = total
        self.meta = 1 + len(self.consts)
        if self.large and self.windows:
            _windows.bind_windows(self, self.vector_bindings())
        self._vec_analysis()
        if self.force_vec is not None:
            self._force_vec(self.force_vec)
        self.key = ("reduce", self.kind, self.vec, tuple(sorted(self.vbind)), tuple(sorted(self.vrand)),
                    VEC_UNROLL if self.vec else 0, self.monoid, self.acc.char, self.post, self.out.dtype.char,
                    self.idx_out, self.idx_node, self.init_slot is not None, self.chunks > 1,
                    None if self.final is None else (self.final[0], self.final[1], self.final[2].char, self.ticket),
                    tuple(self.desc), len(self.kshape), len(self.rshape), tuple(self.kmodes), tuple(self.rmodes),
                    tuple((dt.wgsl_elem(b[1]), dt.storage(b[1]) == "sub", b[2]) for b in self.bindings))

    def _vec_analysis(self):
        """Whether the group kernel can work in groups of 4 consecutive reduction indices with
        vec4 loads: ``vbind`` the bindings read as vec4 (every leaf on them contiguous along the
        innermost reduced axis, 32-bit words, every group start a multiple of 4), ``vrand`` the
        Philox nodes whose 4 lanes come from one block."""
        self.vec, self.vbind, self.vrand = False, set(), set()
        nr = len(self.rshape)
        if self.kind != "group" or nr == 0 or self.n_red < VEC_MIN_RED or (nr > 1 and self.rshape[-1] % 4):
            return

        def aligned(v):
            if self.rmodes[v] != "s" or self.rstr[v][-1] != 1 or self.vectors[v][1] % 4:
                return False
            return all(x % 4 == 0 for x in self.kstr[v]) and all(x % 4 == 0 for x in self.rstr[v][:-1])

        ok, bad = set(), set()
        for k, d in enumerate(self.desc):
            if d[0] == "L":
                b = d[1]
                good = b != 0 and not self.bindings[b][2] and dt.storage(self.bindings[b][1]) == "word" and aligned(d[2])
                (ok if good else bad).add(b)
            elif d[0] == "R" and d[1] in GROUP_LANES and aligned(d[2]):
                self.vrand.add(k)
        self.vbind = ok - bad
        self.vec = bool(self.vbind or self.vrand)

    def _force_vec(self, vec: bool):
        """Use (or not) the vec4 fold structure whatever the leaves allow: a merged reduction
        folds in the order each member would fold alone (leaves that cannot be read as vec4 are
        read per lane, which gives the same values)."""
        if vec != self.vec and self.kind == "group":
            if not vec:
                self.vbind, self.vrand = set(), set()
            self.vec = vec

    def params(self) -> bytes:
        words = [self.total] + self.consts + [self.n_out, self.n_red, self.chunks, self.chunk]
        words += list(self.kshape) + list(self.rshape)
        for (_, off), ks, rs, km, rm in zip(self.vectors, self.kstr, self.rstr, self.kmodes, self.rmodes):
            words.append(off)
            if km == "s":
                words.extend(x & 0xFFFFFFFF for x in ks)
            if rm == "s":
                words.extend(x & 0xFFFFFFFF for x in rs)
        return param_bytes(words)

    # ---- WGSL pieces
    def _layout(self):
        """Parameter word of the kept shape, reduced shape, and each vector's words."""
        p = self.meta + 4
        kbase, p = p, p + len(self.kshape)
        rbase, p = p, p + len(self.rshape)
        vec = []
        for km, rm in zip(self.kmodes, self.rmodes):
            off = p
            p += 1
            ks = p if km == "s" else None
            p += len(self.kshape) if km == "s" else 0
            rs = p if rm == "s" else None
            p += len(self.rshape) if rm == "s" else 0
            vec.append((off, ks, rs))
        return kbase, rbase, vec

    def bases_code(self) -> str:
        kbase, _, vec = self._layout()
        nk = len(self.kshape)
        lines = []
        if nk and any(v[1] is not None for v in vec):
            lines.append("  var ro = o;")
            for d in range(nk - 1, 0, -1):
                lines.append(f"  let k{d} = ro % P[{kbase + d}]; ro = ro / P[{kbase + d}];")
            lines.append("  let k0 = ro;")
        for v, (off, ks, _) in enumerate(vec):
            e = f"bitcast<i32>(P[{off}])"
            if ks is not None:
                e += "".join(f" + i32(k{d}) * bitcast<i32>(P[{ks + d}])" for d in range(nk))
            lines.append(f"  let B{v}: i32 = {e};")
        return "\n".join(lines)

    def coords_code(self, indent, vectors) -> str:
        """Reduced coordinates q<d> of r and the indices I<v> of the given vectors."""
        _, rbase, vec = self._layout()
        nr = len(self.rshape)
        lines = []
        if nr and any(vec[v][2] is not None for v in vectors):
            if nr == 1:
                lines.append("let q0 = r;")
            else:
                lines.append("var rr = r;")
                for d in range(nr - 1, 0, -1):
                    lines.append(f"let q{d} = rr % P[{rbase + d}]; rr = rr / P[{rbase + d}];")
                lines.append("let q0 = rr;")
        for v in vectors:
            rs = vec[v][2]
            e = f"B{v}"
            if rs is not None:
                e += "".join(f" + i32(q{d}) * bitcast<i32>(P[{rs + d}])" for d in range(nr))
            lines.append(f"let I{v} = u32({e});")
        return "\n".join(indent + x for x in lines)

    def _value_expr(self) -> str:
        """The Acc folded for one element, from the node values v<k> (and r, its reduction index)."""
        last = self.root_node
        val = cast_expr(self.nodes[last].dtype, self.acc, f"v{last}")
        if self.monoid in ARG_OPS:
            ix = "r" if self.idx_node is None else f"v{self.idx_node}"
            return f"Acc({val}, {ix})"
        return val

    def element_code(self, indent) -> str:
        reads = [v for v in range(len(self.vectors)) if v != self.out_vec]
        lines = [self.coords_code(indent, reads), indent + fpe_begin(self)]
        for k, node in enumerate(self.nodes):
            e = EMIT[type(node)](node, self, k, self.children[k], self.desc[k])
            lines.append(f"{indent}let v{k}: {dt.wgsl_type(node.dtype)} = {e};{fpe_stmt(self, k)}")
        lines.append(indent + fpe_end(self))
        lines.append(f"{indent}let e: Acc = {self._value_expr()};")
        return "\n".join(lines)

    # ---- the vec4 group kernel
    def _vec_nodes(self) -> list:
        """Nodes whose 4 lanes come as one vec4 per group (passed to elem as u<k>)."""
        return [k for k, d in enumerate(self.desc)
                if (d[0] == "L" and d[1] in self.vbind) or k in self.vrand]

    def elem_fn_code(self) -> str:
        reads = [v for v in range(len(self.vectors)) if v != self.out_vec]
        args = ["r: u32"] + [f"I{v}: u32" for v in reads]
        args += [f"u{k}: {dt.wgsl_type(self.nodes[k].dtype)}" for k in self._vec_nodes()]
        lines = ["  " + fpe_begin(self)]
        vn = set(self._vec_nodes())
        for k, node in enumerate(self.nodes):
            e = f"u{k}" if k in vn else EMIT[type(node)](node, self, k, self.children[k], self.desc[k])
            lines.append(f"  let v{k}: {dt.wgsl_type(node.dtype)} = {e};{fpe_stmt(self, k)}")
        lines.append("  " + fpe_end(self))
        body = "\n".join(lines)
        return f"fn elem({', '.join(args)}) -> Acc {{\n{body}\n  return {self._value_expr()};\n}}"

    def group_body(self, gexprs, indent: str, count: str | None = None, tail: bool = False) -> str:
        """Statements folding the groups of 4 at the group indices ``gexprs`` into a0..a3: every
        group's index math and loads first (names suffixed by the group's position), then the
        folds, so that the loads of all groups are in flight together. Loop form only: ``count``,
        the lanes folded (an expression); ``tail``, a trip may instead fold the one element ``rt``
        (where ``tail_``): group 0 is then read at ``rt`` and its lane ``rt & 3`` (``o_``) folded."""
        import re

        _, _, vec = self._layout()
        nr = len(self.rshape)
        reads = [v for v in range(len(self.vectors)) if v != self.out_vec]
        loads, folds = [], []
        ident = re.compile(r"\b(r|rr|q\d+|I\d+)\b")
        for u, gexpr in enumerate(gexprs):
            def sfx(text, u=u):
                return ident.sub(lambda m: f"{m.group(1)}_{u}", text)

            if tail and u == 0:
                loads.append(f"  let r_0 = select(({gexpr}) << 2u, rt, tail_);")
            else:
                loads.append(f"  let r_{u} = ({gexpr}) << 2u;")
            loads += ["  " + sfx(x) for x in self.coords_code("", reads).split("\n") if x]
            lanes = {}
            for k in self._vec_nodes():
                d = self.desc[k]
                if d[0] == "L":
                    loads.append(f"  let x{k}_{u} = b{d[1]}[I{d[2]}_{u} >> 2u];")
                    lanes[k] = [f"x{k}_{u}.{c}" for c in "xyzw"]
                else:
                    _, helper, v, slot = d
                    kc = f"vec4<u32>(P[{slot}], P[{slot + 1}], P[{slot + 2}], P[{slot + 3}])"
                    stmts, lanes[k] = GROUP_LANES[helper](f"I{v}_{u} >> 2u", kc, f"{k}_{u}")
                    folds += ["  " + x for x in stmts]
            if (self.form or _codegen.VEC4_FORM) == "loop":
                for k in self._vec_nodes():
                    if self.desc[k][0] != "L":
                        w = dt.wgsl_type(self.nodes[k].dtype)  # a value vector: its lanes stay in registers
                        t = f"vec4<{w}>" if w in ("f32", "i32", "u32") else f"array<{w}, 4>"
                        folds.append(f"  {'let' if t[0] == 'v' else 'var'} y{k}_{u} = {t}({', '.join(lanes[k])});")
                continue
            for lane in range(4):
                args = [f"r_{u} + {lane}u" if lane else f"r_{u}"]
                for v in reads:
                    rs = vec[v][2]
                    if lane == 0 or rs is None:
                        args.append(f"I{v}_{u}")
                    else:
                        args.append(f"u32(i32(I{v}_{u}) + {lane}i * bitcast<i32>(P[{rs + nr - 1}]))")
                args += [lanes[k][lane] for k in self._vec_nodes()]
                folds.append(f"  a{lane} = comb(a{lane}, elem({', '.join(args)}));")
        if (self.form or _codegen.VEC4_FORM) == "loop":
            folds += self._lane_loop(len(gexprs), reads, vec, nr, count, "l_ + o_" if tail else "l_")
        return "\n".join(indent + x for x in ["{", *loads, *folds, "}"])

    def _lane_loop(self, ngroups, reads, vec, nr, count=None, lane="l_") -> list:
        """The folds of ``ngroups`` loaded groups (the first ``count`` of them where given) as one
        loop over their lanes (group-major, the order of the unrolled form, so each accumulator
        folds the same values in the same order): the expression appears once. The trip count is
        opaque to the compiler (``count``, or arrayLength of the parameter window, never 0), so
        drivers do not unroll the loop back."""
        def pick(fmt):  # the value of group u_ (a select chain over the groups)
            e = fmt.format(u=ngroups - 1)
            for u in range(ngroups - 2, -1, -1):
                e = f"select({e}, {fmt.format(u=u)}, u_ == {u}u)"
            return e

        args = [f"{pick('r_{u}')} + l_"]
        for v in reads:
            rs = vec[v][2]
            iv = pick("I" + str(v) + "_{u}")
            args.append(iv if rs is None else f"u32(i32({iv}) + i32(l_) * bitcast<i32>(P[{rs + nr - 1}]))")
        for k in self._vec_nodes():
            args.append(pick(("x" if self.desc[k][0] == "L" else "y") + str(k) + "_{u}[" + lane + "]"))
        cases = " ".join(f"case {l}u: {{ a{l} = comb(a{l}, e_); }}" for l in range(3))
        trips = count or f"select({4 * ngroups}u, 0u, arrayLength(&P) == 0u)"
        return [f"  for (var t_ = 0u; t_ < {trips}; t_++) {{",
                "    let u_ = t_ >> 2u;",
                "    let l_ = t_ & 3u;",
                f"    let e_ = elem({', '.join(args)});",
                f"    switch l_ {{ {cases} default: {{ a3 = comb(a3, e_); }} }}",
                "  }"]

    def final_value(self, a: str) -> str:
        """The output value from the folded accumulator ``a`` (initial, mean/var divisor, sqrt, cast)."""
        return self._final(a, self.monoid, self.acc, self.out.dtype, self.init_slot, self.post, self.post_slot)

    def _final(self, a, monoid, acc, out, init_slot, post, post_slot, comb="comb") -> str:
        if monoid in ARG_OPS:
            return cast_expr(dt.uint64 if self.index_type() == "u64" else dt.uint32, out, f"{a}.i")
        if init_slot is not None:
            a = f"{comb}({a}, {const_expr(init_slot, acc)})"
        if post in ("div", "div_sqrt"):
            pd = post_dtype(acc)
            num = a if acc.kind in "fc" else cast_expr(acc, pd, a)
            a = f"({num} / {const_expr(post_slot, pd)})"
            if post == "div_sqrt":
                a = f"sqrt({a})"
            return cast_expr(acc if acc.kind in "fc" else pd, out, a)
        return cast_expr(acc, out, a)

    def finish_code(self, indent) -> str:
        if self.chunks > 1:  # partials, chunk-major: [chunk][output]
            lines = [f"let j = u32(B{self.out_vec}) + c * n_out;", "st(j, acc);"]
            if self.monoid in ARG_OPS:
                lines = [f"let j = u32(B{self.out_vec}) + c * n_out;", "st(j, acc.v);", f"b{self.idx_out}[j] = acc.i;"]
        else:
            lines = [f"st(u32(B{self.out_vec}), {self.final_value('acc')});"]
        return "\n".join(indent + x for x in lines)

    def _last_members(self) -> list:
        """(partials binding, partials vector, final binding, final vector, final dtype, monoid,
        acc, init slot, post, post slot) per member folded by the last workgroup."""
        fb, fv, fdt = self.final
        return [(0, self.out_vec, fb, fv, fdt, self.monoid, self.acc, self.init_slot, self.post, self.post_slot)]

    def last_code(self) -> str:
        """One pass: after its partial, each workgroup takes a ticket for its output; the last one
        folds the output's partials (in a fixed order, whichever workgroup is last) and writes the
        result, then resets the ticket for the next kernel."""
        if self.final is None:
            return ""
        mem = self._last_members()
        loads = [f"ld{b}(u32(B{v}) + cc * n_out)" for b, v, *_ in mem]
        part = loads[0] if len(mem) == 1 else "Acc(" + ", ".join(loads) + ")"
        stores = []
        for j, (_, _, fb, fv, fdt, monoid, acc, init_slot, post, post_slot) in enumerate(mem):
            a = "acc" if len(mem) == 1 else f"acc.m{j}"
            comb = "comb" if len(mem) == 1 else f"comb{j}"
            val = self._final(a, monoid, acc, fdt, init_slot, post, post_slot, comb=comb)
            stores.append(f"stF{j}(u32(B{fv}), {val});")
        t = f"T{self.ticket}"
        return "\n".join([
            "  storageBarrier();  // release this workgroup's partial (device scope)",
            f"  if (lid == 0u) {{ ticket = atomicAdd(&{t}[o], 1u); }}",
            "  if (workgroupUniformLoad(&ticket) + 1u == P[$meta + 2u]) {",
            "    storageBarrier();  // acquire the other workgroups' partials",
            "    let nch = P[$meta + 2u];",
            f"    var f: Acc = {self.identity()};",
            f"    for (var cc = lid; cc < nch; cc = cc + {WG}u) {{ f = comb(f, {part}); }}",
            "    sh[lid] = f;",
            "    workgroupBarrier();",
            f"    for (var s = {WG // 2}u; s > 0u; s = s >> 1u) {{",
            "      if (lid < s) { sh[lid] = comb(sh[lid], sh[lid + s]); }",
            "      workgroupBarrier();",
            "    }",
            "    if (lid == 0u) {",
            "      acc = sh[0];",
            *["      " + x for x in stores],
            f"      atomicStore(&{t}[o], 0u);",
            "    }",
            "  }",
        ]).replace("$meta", str(self.meta))

    def _last_decls(self) -> str:
        if self.final is None:
            return ""
        out = ["var<workgroup> ticket: u32;"]
        for j, (_, _, fb, _, fdt, *_) in enumerate(self._last_members()):
            out.append(store_fn(fdt).replace("fn st(", f"fn stF{j}(").replace("b0[", f"b{fb}["))
        return "\n".join(out)

    def prelude(self) -> str:
        st = store_fn(self.out.dtype) if self.final is None else part_fns(0, self.acc, "st")
        return "\n".join([self._io_decls(), st, combine_code(self.monoid, self.acc, self.index_type()),
                          self._last_decls()])

    def _io_decls(self) -> str:
        fns, decls = [], []
        parts = {m[0] for m in self._last_members()} if self.final is not None else set()
        for i, b in enumerate(self.bindings):
            if i == self.fpe_b:
                decls.append(FPE_DECL.format(i + 1))
                continue
            if i == self.ticket:
                decls.append(f"@group(0) @binding({i + 1}) var<storage, read_write> T{i}: array<atomic<u32>>;")
                continue
            if i in parts:  # one-pass partials (part_fns)
                decls.append(f"@group(0) @binding({i + 1}) var<storage, read_write> b{i}: array<atomic<u32>>;")
                continue
            if i in self.vbind:
                w, el = dt.wgsl_type(b[1]), dt.wgsl_elem(b[1])
                decls.append(f"@group(0) @binding({i + 1}) var<storage, read> b{i}: array<vec4<{el}>>;")
                fns.append(f"fn ld{i}(j: u32) -> {w} {{ return {w}(b{i}[j >> 2u][j & 3u]); }}")
            else:
                decls.append(binding_decls([b]).replace("@binding(1)", f"@binding({i + 1})").replace(" b0:", f" b{i}:"))
                fns.append(load_fn(i, b[1], b[2]))
        return "\n".join(["@group(0) @binding(0) var<storage, read> P: array<u32>;", *decls, *fns])


class MultiReducePlan(ReducePlan):
    """Several reductions over the same iteration space (input shape, axes, kernel shape) in one
    kernel: ``Acc`` is a struct with one field per member, folded field by field, so each member
    folds its elements in exactly the order it would alone. ``sum(x*x, 0)``, ``sum(x*w, 0)`` and
    ``sum(x**2, 0)`` read ``x`` once instead of three times.

    members: (root, out Leaf, out strides, monoid, acc, post, post_value, initial, final) per member
    (``final``: see ReducePlan; all members or none have one)."""

    def __init__(self, members, in_shape, axes, *, shape_kind, chunks, chunk, vec):
        root0, out0, ostr0, monoid0, acc0, post0, pv0, init0, fin0 = members[0]
        super().__init__(out0, in_shape, axes, ostr0, out0.offset, shape_kind=shape_kind, monoid=monoid0,
                         acc=acc0, chunks=chunks, chunk=chunk, post=post0, post_value=pv0, initial=init0,
                         final=fin0)
        self.force_vec = vec
        self.mem = [dict(b=0, v=self.out_vec, monoid=monoid0, acc=acc0, post=post0, out=out0.dtype,
                         post_slot=self.post_slot, init_slot=self.init_slot, final=self.final)]
        for root, out, ostr, monoid, acc, post, pv, init, fin in members[1:]:
            b = self.binding(out.storage, out.dtype, writable=True)
            v = self.vector(ostr, out.offset)
            if fin is not None:
                fin = (self.binding(fin[0].storage, fin[0].dtype, writable=True), self.vector(fin[1], fin[0].offset),
                       fin[0].dtype)
            self.mem.append(dict(b=b, v=v, monoid=monoid, acc=acc, post=post, out=out.dtype,
                                 post_slot=None if pv is None else self.const(const_words(pv, post_dtype(acc))),
                                 init_slot=None if init is None else self.const(const_words(init, acc)),
                                 final=fin))
        for m, member in zip(self.mem, members):
            m["root"] = self.walk(member[0])
        self.root_node = self.mem[0]["root"]

    def finish(self):
        super().finish()
        self.key = ("multi", self.key, tuple((m["b"], m["v"], m["monoid"], m["acc"].char, m["post"], m["out"].char,
                                              m["init_slot"] is not None, m["root"],
                                              None if m["final"] is None else (m["final"][0], m["final"][1], m["final"][2].char))
                                             for m in self.mem))

    def _last_members(self) -> list:
        return [(m["b"], m["v"], *m["final"], m["monoid"], m["acc"], m["init_slot"], m["post"], m["post_slot"])
                for m in self.mem]

    def identity(self) -> str:
        return "Acc(" + ", ".join(identity_expr(m["monoid"], m["acc"]) for m in self.mem) + ")"

    def _value_expr(self) -> str:
        return "Acc(" + ", ".join(cast_expr(self.nodes[m["root"]].dtype, m["acc"], f"v{m['root']}")
                                  for m in self.mem) + ")"

    def finish_code(self, indent) -> str:
        lines = []
        for j, m in enumerate(self.mem):
            if self.chunks > 1:  # partials, chunk-major: [chunk][output]
                lines.append(f"st{j}(u32(B{m['v']}) + c * n_out, acc.m{j});")
            else:
                val = self._final(f"acc.m{j}", m["monoid"], m["acc"], m["out"], m["init_slot"], m["post"],
                                  m["post_slot"], comb=f"comb{j}")
                lines.append(f"st{j}(u32(B{m['v']}), {val});")
        return "\n".join(indent + x for x in lines)

    def prelude(self) -> str:
        parts = [self._io_decls()]
        fields, combs = [], []
        for j, m in enumerate(self.mem):
            w = dt.wgsl_type(m["acc"])
            if m["final"] is not None:
                parts.append(part_fns(m["b"], m["acc"], f"st{j}"))
            else:
                parts.append(store_fn(m["out"]).replace("fn st(", f"fn st{j}(").replace("b0[", f"b{m['b']}["))
            parts.append(f"fn comb{j}(a: {w}, b: {w}) -> {w} {{ return "
                         f"{op_expr(VALUE_OPS[m['monoid']], m['acc'], ['a', 'b'])}; }}")
            fields.append(f"m{j}: {w}")
            combs.append(f"comb{j}(a.m{j}, b.m{j})")
        parts.append("struct Acc { " + ", ".join(fields) + " }")
        parts.append("fn comb(a: Acc, b: Acc) -> Acc { return Acc(" + ", ".join(combs) + "); }")
        parts.append(self._last_decls())
        return "\n".join(parts)


def mergeable(monoid: str, acc) -> bool:
    """Whether a reduction can share a kernel with others (value monoids on one accumulator)."""
    return monoid in VALUE_OPS and not (acc.kind == "c" and monoid not in ("add", "multiply"))


def post_dtype(acc):
    """Dtype of the divisor of mean/var: the accumulator's real type (float64 for integers)."""
    return dt.real_of(acc) if acc.kind in "fc" else dt.default_float()


def _words(acc) -> tuple:
    """(u32 words per value, fn value expr -> word exprs, fn word exprs -> value expr) of an
    accumulator type: one-pass partials move through 32-bit atomics."""
    w = dt.wgsl_type(acc)
    comp = dt.real_of(acc) if acc.kind == "c" else acc
    cw = dt.wgsl_type(comp)
    if comp.itemsize == 8:
        def split(e):
            return [f"u32(bitcast<u64>({e}))", f"u32(bitcast<u64>({e}) >> 32u)"]

        def join(ws):
            return f"bitcast<{cw}>((u64({ws[1]}) << 32u) | u64({ws[0]}))"
    else:
        def split(e):
            return [f"bitcast<u32>({e})"]

        def join(ws):
            return f"bitcast<{cw}>({ws[0]})"
    k = comp.itemsize // 4
    if acc.kind != "c":
        return k, split, join
    return (2 * k, lambda e: split(f"({e}).x") + split(f"({e}).y"),
            lambda ws: f"{w}({join(ws[:k])}, {join(ws[k:])})")


def part_fns(i: int, acc, st_name: str) -> str:
    """Store ``st_name(j, v)`` and load ``ld<i>(j)`` of one-pass partials in binding ``i`` (an
    ``array<atomic<u32>>``): atomics are coherent across workgroups, where plain loads may hit a
    line another workgroup's read left in an SM's L1 before the partial was written."""
    n, split, join = _words(acc)
    w = dt.wgsl_type(acc)
    stores = " ".join(f"atomicStore(&b{i}[{n}u * j + {q}u], {x});" for q, x in enumerate(split("v")))
    loads = join([f"atomicLoad(&b{i}[{n}u * j + {q}u])" for q in range(n)])
    return (f"fn {st_name}(j: u32, v: {w}) {{ {stores} }}\n"
            f"fn ld{i}(j: u32) -> {w} {{ return {loads}; }}")


def _collapse(shape, dims, vecs):
    """(shape, per-vector strides, per-vector mode 'z'|'s') of ``dims`` with size-1 dims dropped
    and adjacent dims merged where every vector allows."""
    cshape, cstr = collapse_dims(shape, dims, vecs)
    zero = (0,) * len(cshape)
    return cshape, cstr, ["z" if s == zero else "s" for s in cstr]


def _prod(it) -> int:
    p = 1
    for x in it:
        p *= x
    return p


# --------------------------------------------------------------------------- sources
def reduce_source(plan: ReducePlan) -> str:
    elem = plan.element_code("    ")
    fin = plan.finish_code("    " if plan.kind == "group" else "  ")
    subs = dict(WG=WG, HALF=WG // 2, meta=plan.meta, bases=plan.bases_code(), element=elem,
                identity=plan.identity(), finish=fin, last=plan.last_code())
    if plan.kind != "group":
        main = _wgsl_lib.template("reduce_thread.wgsl").substitute(prelude=plan.prelude(), **subs)
        return main + "\n" + _wgsl_lib.resolve(main)  # (the whole kernel: its every call of the library)
    if plan.vec and (plan.form or _codegen.VEC4_FORM) == "loop":
        u = VEC_UNROLL
        bodies = plan.group_body([f"min(gb + {i * WG}u, gend - 1u)" if i else "gb" for i in range(u)], "    ",
                                 count="select(4u * ng_, 1u, tail_)", tail=True)
        efn = plan.elem_fn_code()
        fold = _wgsl_lib.template("reduce_group_vec4_loop.wgsl").substitute(bodies=bodies, U=u, **subs)
        fold = "\n".join(x for x in fold.split("\n") if not x.startswith("//"))
    elif plan.vec:
        u = VEC_UNROLL
        bodies = plan.group_body([f"gb + {i * WG}u" if i else "gb" for i in range(u)], "    ")
        body1 = plan.group_body(["gb"], "    ")
        efn = plan.elem_fn_code()
        fold = _wgsl_lib.template("reduce_group_vec4.wgsl").substitute(
            bodies=bodies, body1=body1, U=u, UM1=u - 1, **subs)
        fold = "\n".join(x for x in fold.split("\n") if not x.startswith("//"))
    else:
        efn = ""
        fold = "\n".join([f"  var acc: Acc = {subs['identity']};",
                          f"  for (var r = r0 + lid; r < r1; r = r + {WG}u) {{", elem, "    acc = comb(acc, e);", "  }"])
    main = _wgsl_lib.template("reduce_group.wgsl").substitute(prelude=plan.prelude(), elem_fn=efn, fold=fold, **subs)
    return main + "\n" + _wgsl_lib.resolve(main)


def scan_source(plan: ReducePlan) -> str:
    elem = plan.element_code("        ")
    idx = plan.coords_code("        ", [plan.out_vec]) + f"\n        let j = I{plan.out_vec};"
    store = f"        st(j, {plan.final_value('v')});"
    main = _wgsl_lib.template("scan.wgsl" if plan.kind == "scan" else "scan_thread.wgsl").substitute(
        prelude=plan.prelude(), WG=WG, K=SCAN_K, meta=plan.meta, bases=plan.bases_code(), element=elem,
        index_out=idx, identity=plan.identity(), store=store)
    return main + "\n" + _wgsl_lib.resolve(main)


def _run(plan: ReducePlan, groups, finished=False):
    """Record ``plan``'s kernel; returns (kernel getter, work-group count) for ``_replay.offer``."""
    if not finished:
        plan.finish()
    dev = _runtime.device()
    params = plan.params()

    def build(form=None):
        plan.form = form
        src = scan_source(plan) if plan.kind in ("scan", "scan_thread") else reduce_source(plan)
        name = f"{plan.kind}_multi{len(plan.mem)}" if isinstance(plan, MultiReducePlan) else f"{plan.kind}_{plan.monoid}"
        return name, src, ["rw" if b[2] else "r" for b in plan.bindings], len(params)

    if plan.vec and _codegen.VEC4_FORM == "loop" and _codegen.TIERS and not dev.is_cpu:
        key = plan.key

        def kernel():  # (the unrolled form built later for hot kernels)
            return _codegen.tiered(dev, key, build)
    else:
        kern = dev.kernel(plan.key + (_codegen.VEC4_FORM,), build)

        def kernel():
            return kern
    n = groups(plan)
    dev.dispatch(kernel(), [b[0] for b in plan.bindings], params, n)
    return kernel, n


def fixed(dev, plan) -> tuple:
    """(storage, getter) of the device-wide buffers a reduction plan may bind (``_replay.offer``)."""
    out = _codegen._fixed(dev)
    st = dev.consts.get("tickets")
    if st is not None:
        n_out = plan.n_out
        out += ((st, lambda: tickets(n_out)),)
    return out


# ------------------------------------------------------------------------ strategies
def choose(n_out: int, n_red: int, inner: bool) -> tuple[str, int, int]:
    """(kernel shape, chunk count, chunk length) for a reduction of n_red elements to each of
    n_out outputs; ``inner``: the reduced axes are the innermost (contiguous) ones."""
    if n_red <= THREAD_MAX_RED or (not inner and n_out >= TARGET_THREADS):
        return "thread", 1, max(n_red, 1)
    if not inner:
        # one pass while the runs are short: splitting (sum(x, axis=0) of a (128, 2048) array into
        # 16-element runs and a second pass) measured faster on the device but cost the host more
        # recording than it saved (nlms on the H200: 88 ms single-pass, 123 ms split)
        chunks = 1 if n_red <= 4 * THREAD_CHUNK else min(-(-n_red // THREAD_CHUNK), -(-TARGET_THREADS // n_out))
        chunks = max(chunks, 1)
        length = -(-n_red // chunks)
        return "thread", -(-n_red // length), length
    if n_red <= GROUP_ONE_PASS:
        return "group", 1, n_red
    chunks = max(-(-n_red // GROUP_CHUNK), min(-(-n_red // (WG * MIN_RUN)), -(-TARGET_GROUPS // n_out)))
    length = -(-n_red // chunks)
    length = -(-length // (4 * WG)) * (4 * WG)  # whole vec4 groups, the same count for every thread
    return "group", -(-n_red // length), length


def is_inner(shape, axes) -> bool:
    """Whether the last non-trivial reduced axis comes after every non-trivial kept axis."""
    red = [d for d in axes if shape[d] > 1]
    kept = [d for d in range(len(shape)) if d not in axes and shape[d] > 1]
    return bool(red) and (not kept or max(red) > max(kept))


def one_pass_ok(kind, monoid, acc, out, root) -> bool:
    """Whether a chunked reduction can fold its partials in its last workgroup: a group kernel on
    an adapter whose storage barrier is a device-scope fence, a value monoid (arg reductions carry
    index partials) over a word-sized accumulator, and a result no input of the kernel reads
    (other outputs' workgroups may still be reading when the last one writes)."""
    if kind != "group" or not ONE_PASS or not _runtime.device().device_fence:
        return False
    if monoid not in VALUE_OPS or dt.storage(acc) == "sub":
        return False
    return all(st is not out.storage for st in root.storages)


# the tickets of one-pass reductions: one counter per output, zero between kernels (the last
# workgroup of each output resets its own), so one buffer per device serves every kernel in turn
@_runtime.locked
def tickets(n_out: int):
    consts = _runtime.device().consts
    st = consts.get("tickets")
    if st is None or st.nbytes < 4 * n_out:
        st = consts["tickets"] = _runtime.device().upload(np.zeros(max(n_out, 1024), np.uint32))
    return st


def _geometry(shape, axes) -> tuple:
    """(output count, kernel shape, chunk count, chunk length) of a reduction of ``shape`` over
    ``axes`` (kept per pair in ``_GEOMETRY``: a loop reduces the same shapes each step)."""
    n_out = _prod(shape[d] for d in range(len(shape)) if d not in axes)
    n_red = _prod(shape[d] for d in axes)
    _runtime.check_elements(n_out * n_red, "reduction")  # before anything is queued
    return (n_out, *choose(n_out, n_red, is_inner(shape, axes)))


_GEOMETRY = Memo(_geometry)


def _groups(plan: ReducePlan) -> int:
    if plan.kind in ("thread", "scan_thread"):
        return _runtime.groups_for(plan.total)
    return plan.total


@_runtime.locked
def scan_into(root, axis_dims, monoid: str, acc, out: Leaf, out_strides, out_offset, in_order=False) -> None:
    """Record the inclusive scan of ``root`` along ``axis_dims`` (C order) into ``out``
    (``out_strides``/``out_offset``: where each input element's result goes); ``in_order``: one
    thread per row whatever its length, folding in NumPy's order (its bits, for float sums whose
    roundings matter to the caller)."""
    shape = root.shape
    n_out = _prod(shape[d] for d in range(len(shape)) if d not in axis_dims)
    n_red = _prod(shape[d] for d in axis_dims)
    if n_out == 0 or n_red == 0:
        return
    if _windows.needs_split(n_out * n_red, (out.storage, *root.storages)):
        views = _windows.views_of(root, Leaf(out.storage, out.dtype, shape, out_strides, out_offset), shape)
        bxs = _windows.boxes(shape, views)
        if len(bxs) > 1:
            return _scan_split(root, tuple(axis_dims), monoid, acc, out, tuple(out_strides), out_offset, bxs, in_order)
    kind = "scan_thread" if in_order or n_red <= SCAN_THREAD_MAX else "scan"
    plan = ReducePlan(out, shape, axis_dims, out_strides, out_offset, shape_kind=kind, monoid=monoid, acc=acc)
    plan.root_node = plan.walk(root)
    _run(plan, _groups)


def _scan_split(root, axes, monoid, acc, out, out_strides, out_offset, bxs, in_order=False) -> None:
    """A scan whose iteration space was cut into boxes (_kernels/windows.py): each piece scanned
    alone, in order along the scanned axis, then combined with the last values of the piece before
    it (copied out first: they may lie in another buffer of a segmented result)."""
    shape = root.shape
    ivals, cells = _windows.grid(shape, bxs)
    if (len(axes) > 1 and len(axes) == len(shape) and tuple(out_strides) == _contiguous(shape)
            and _prod(len(ivals[d]) for d in axes) > 1):
        # a scan of the whole array in C order (axis=None): the expression into a contiguous buffer
        # (several, past one), then one scan of its flat view, which splits along its one axis
        flat = new_leaf(root.dtype, shape)
        _codegen.evaluate_into(root, flat)
        n = _prod(shape)
        return scan_into(Leaf(flat.storage, root.dtype, (n,), (1,), 0), (0,), monoid, acc, out, (1,), out_offset,
                         in_order)
    if len(axes) > 1 and _prod(len(ivals[d]) for d in axes) > 1:
        raise SizeLimitError(
            "a scan over several axes of an array past max-storage-buffer-binding-size is not split into "
            "pieces yet: scan the flattened array (axis=None) or smaller pieces")
    ax = axes[0]
    op = VALUE_OPS[monoid]
    prev = {}  # kept cell -> the previous piece's (lo, ext)
    for lo, ext in sorted(cells, key=lambda c: c[0][ax]):
        off = out_offset + sum(a * s for a, s in zip(lo, out_strides))
        scan_into(_windows.rebase(root, lo, ext, shape), axes, monoid, acc, out, out_strides, off, in_order)
        key = lo[:ax] + lo[ax + 1:]
        before = prev.get(key)
        prev[key] = (lo, ext)
        if before is None:
            continue
        # the previous piece's last values (its slice at the last index along the axis), broadcast
        last = Leaf(out.storage, out.dtype, ext[:ax] + (1,) + ext[ax + 1:], out_strides,
                    off - out_strides[ax])
        carry = new_leaf(out.dtype, last.shape)
        _codegen.evaluate_into(last, carry)
        piece = Leaf(out.storage, out.dtype, ext, out_strides, off)
        _codegen.evaluate_into(Ew(op, out.dtype, ext, (piece, carry), acc), piece)

