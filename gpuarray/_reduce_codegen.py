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
  scan    one workgroup per row, blocked scan carrying the running total across blocks.
When one chunk per output is not enough parallelism (or per-thread runs would grow long), the
first pass writes per-chunk partials and the reduction of the partials runs as a second pass.
Sizes and scalars are parameter words: a structure compiles once.
"""
from __future__ import annotations

import numpy as np

from . import _dtypes as dt
from . import _runtime, _wgsl_lib
from ._codegen import EMIT, LIT, SUFFIX, Plan, binding_decls, cast_expr, const_expr, const_words, load_fn, op_expr, store_fn
from ._graph import Leaf, contiguous_strides

WG = _runtime.WORKGROUP
THREAD_MAX_RED = 32  # reductions this short always use one thread per output
GROUP_ONE_PASS = WG * 256  # a workgroup folds this many elements per output in one pass
GROUP_CHUNK = WG * 1024  # longest chunk of a multi-pass group reduction (1024 elements per thread)
MIN_RUN = 16  # fewest elements per thread worth a chunk of its own
TARGET_THREADS = 1 << 16  # parallelism wanted from the thread shape
TARGET_GROUPS = 512  # ... and from the group shape
THREAD_CHUNK = 256  # chunk length of an outer reduction split for parallelism
SCAN_K = 8  # elements per thread per scan block
VEC_UNROLL = 2  # vec4 groups per unrolled loop trip of the vec4 group kernel
VEC_MIN_RED = 1024  # shortest reduction worth the vec4 group kernel
# Philox helpers whose four lanes of one block can be computed from one block per group of 4
_RAND_VEC = ("ga_rand_uniform_f32", "ga_rand_normal_f32")

# ---------------------------------------------------------------------------- monoids
# name -> op-table op combining two accumulators (None: a section of reduce_combine.wgsl)
VALUE_OPS = {"add": "add", "multiply": "multiply", "maximum": "maximum", "minimum": "minimum",
             "fmax": "fmax", "fmin": "fmin", "logical_or": "logical_or", "logical_and": "logical_and"}
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


def identity_expr(monoid: str, acc) -> str:
    """The accumulator a fold starts from (for max/min: the value every element beats)."""
    w = dt.wgsl_type(acc)
    if monoid in ("add", "logical_or"):
        return f"{w}()" if acc.kind == "c" else LIT[w][0]
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
    if monoid == "argmax":
        return f"Acc({_lowest(acc)}, 0xffffffffu)"
    if monoid == "argmin":
        return f"Acc({_highest(acc)}, 0xffffffffu)"
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


def combine_code(monoid: str, acc) -> str:
    """WGSL declaring ``Acc`` and ``comb`` for a monoid over accumulator dtype ``acc``."""
    sections = _sections()
    w = dt.wgsl_type(acc)
    if monoid in ARG_OPS:
        return _order_helpers(monoid, acc) + sections["arg"].substitute(T=w)
    if acc.kind == "c" and monoid in ("maximum", "minimum", "fmax", "fmin"):
        return _order_helpers(monoid, acc) + sections["ordered"].substitute(T=w)
    return sections["value"].substitute(T=w, EXPR=op_expr(VALUE_OPS[monoid], acc, ["a", "b"]))


_SECTIONS: dict = {}


def _sections() -> dict:
    if not _SECTIONS:
        from string import Template

        text = (_wgsl_lib.WGSL_DIR / "reduce_combine.wgsl").read_text()
        name, buf = None, []
        for line in text.splitlines() + ["//@ end"]:
            if line.startswith("//@ "):
                if name:
                    _SECTIONS[name] = Template("\n".join(buf))
                name, buf = line[4:].strip(), []
            elif name:
                buf.append(line)
    return _SECTIONS


# ------------------------------------------------------------------------------ plan
class ReducePlan(Plan):
    """A node tree read over (kept axes, reduced axes); writes one value per output (per output
    and chunk when ``chunks > 1``: partials), or, for scans, one value per input element.

    out:           the Leaf written (final result, partials buffer, or scan result)
    out_strides:   the output's strides over the input's axes (0 on reduced axes of a reduction)
    """

    def __init__(self, out: Leaf, in_shape, axes, out_strides, out_offset, *, shape_kind, monoid, acc,
                 chunks=1, chunk=0, post=None, post_value=None, initial=None, idx_out=None):
        super().__init__(out)
        self.shape = tuple(in_shape)
        self.vectors[self.out_vec] = [tuple(out_strides), out_offset]
        self.axes = tuple(sorted(axes))
        self.kind, self.monoid, self.acc = shape_kind, monoid, acc
        self.chunks, self.chunk = chunks, chunk
        self.post = post
        self.root_node = None  # node index of the value folded (set by the caller's walk)
        self.idx_node = None
        self.idx_out = None if idx_out is None else self.binding(idx_out, dt.uint32, writable=True)
        self.post_slot = None if post_value is None else self.const(const_words(post_value, self.post_dtype()))
        self.init_slot = None if initial is None else self.const(const_words(initial, acc))

    def post_dtype(self):
        """Dtype of the divisor of mean/var: the accumulator's real type (float64 for integers)."""
        return dt.real_of(self.acc) if self.acc.kind in "fc" else dt.default_float()

    def walk_index(self, node):
        """Second-pass arg reductions: the element's index comes from this node, not from r."""
        self.idx_node = self.walk(node)

    def finish(self):
        nd = len(self.shape)
        kept = [d for d in range(nd) if d not in self.axes]
        vecs = [v[0] for v in self.vectors]
        self.kshape, self.kstr, self.kmodes = _collapse(self.shape, kept, vecs)
        self.rshape, self.rstr, self.rmodes = _collapse(self.shape, list(self.axes), vecs)
        self.n_out = _prod(self.shape[d] for d in kept)
        self.n_red = _prod(self.shape[d] for d in self.axes)
        total = self.n_out if self.kind == "scan" else self.n_out * self.chunks
        self.total = total
        self.meta = 1 + len(self.consts)
        self._vec_analysis()
        self.key = ("reduce", self.kind, self.vec, tuple(sorted(self.vbind)), tuple(sorted(self.vrand)),
                    VEC_UNROLL if self.vec else 0, self.monoid, self.acc.char, self.post, self.out.dtype.char,
                    self.idx_out, self.idx_node, self.init_slot is not None, self.chunks > 1,
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
            elif d[0] == "R" and d[1] in _RAND_VEC and aligned(d[2]):
                self.vrand.add(k)
        self.vbind = ok - bad
        self.vec = bool(self.vbind or self.vrand)

    def params(self) -> bytes:
        words = [self.total] + self.consts + [self.n_out, self.n_red, self.chunks, self.chunk]
        words += list(self.kshape) + list(self.rshape)
        for (_, off), ks, rs, km, rm in zip(self.vectors, self.kstr, self.rstr, self.kmodes, self.rmodes):
            words.append(off)
            if km == "s":
                words.extend(x & 0xFFFFFFFF for x in ks)
            if rm == "s":
                words.extend(x & 0xFFFFFFFF for x in rs)
        return np.array(words, np.uint32).tobytes()

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
        lines = [self.coords_code(indent, reads)]
        for k, node in enumerate(self.nodes):
            e = EMIT[type(node)](node, self, k, self.children[k], self.desc[k])
            lines.append(f"{indent}let v{k}: {dt.wgsl_type(node.dtype)} = {e};")
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
        lines = []
        vn = set(self._vec_nodes())
        for k, node in enumerate(self.nodes):
            e = f"u{k}" if k in vn else EMIT[type(node)](node, self, k, self.children[k], self.desc[k])
            lines.append(f"  let v{k}: {dt.wgsl_type(node.dtype)} = {e};")
        body = "\n".join(lines)
        return f"fn elem({', '.join(args)}) -> Acc {{\n{body}\n  return {self._value_expr()};\n}}"

    def group_body(self, gexprs, indent: str) -> str:
        """Statements folding the groups of 4 at the group indices ``gexprs`` into a0..a3: every
        group's index math and loads first (names suffixed by the group's position), then the
        folds, so that the loads of all groups are in flight together."""
        import re

        _, _, vec = self._layout()
        nr = len(self.rshape)
        reads = [v for v in range(len(self.vectors)) if v != self.out_vec]
        loads, folds = [], []
        ident = re.compile(r"\b(r|rr|q\d+|I\d+)\b")
        for u, gexpr in enumerate(gexprs):
            def sfx(text, u=u):
                return ident.sub(lambda m: f"{m.group(1)}_{u}", text)

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
                    w = f"w{k}_{u}"
                    folds.append(f"  let {w} = ga_philox_block(I{v}_{u} >> 2u, {kc});")
                    if helper == "ga_rand_uniform_f32":
                        lanes[k] = [f"ga_u01_f32({w}.{c})" for c in "xyzw"]
                    else:  # the pairs of ga_rand_normal_f32 (Box-Muller), as that helper computes them
                        for h, (p, q) in enumerate((("x", "y"), ("z", "w"))):
                            folds.append(f"  let nr{k}_{u}_{h} = sqrt(-2.0f * ga_log_f32(1.0f - ga_u01_f32({w}.{p})));")
                            folds.append(f"  let nt{k}_{u}_{h} = 6.2831853071795865f * ga_u01_f32({w}.{q});")
                        lanes[k] = [f"nr{k}_{u}_{h} * ga_{f}_f32(nt{k}_{u}_{h})" for h in (0, 1) for f in ("cos", "sin")]
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
        return "\n".join(indent + x for x in ["{", *loads, *folds, "}"])

    def final_value(self, a: str) -> str:
        """The output value from the folded accumulator ``a`` (initial, mean/var divisor, sqrt, cast)."""
        out = self.out.dtype
        if self.monoid in ARG_OPS:
            return cast_expr(dt.uint32, out, f"{a}.i")
        if self.init_slot is not None:
            a = f"comb({a}, {const_expr(self.init_slot, self.acc)})"
        if self.post in ("div", "div_sqrt"):
            pd = self.post_dtype()
            num = a if self.acc.kind in "fc" else cast_expr(self.acc, pd, a)
            a = f"({num} / {const_expr(self.post_slot, pd)})"
            if self.post == "div_sqrt":
                a = f"sqrt({a})"
            return cast_expr(self.acc if self.acc.kind in "fc" else pd, out, a)
        return cast_expr(self.acc, out, a)

    def finish_code(self, indent) -> str:
        if self.chunks > 1:  # partials, chunk-major: [chunk][output]
            lines = [f"let j = u32(B{self.out_vec}) + c * n_out;", "st(j, acc);"]
            if self.monoid in ARG_OPS:
                lines = [f"let j = u32(B{self.out_vec}) + c * n_out;", "st(j, acc.v);", f"b{self.idx_out}[j] = acc.i;"]
        else:
            lines = [f"st(u32(B{self.out_vec}), {self.final_value('acc')});"]
        return "\n".join(indent + x for x in lines)

    def prelude(self) -> str:
        fns, decls = [], []
        for i, b in enumerate(self.bindings):
            if i in self.vbind:
                w, el = dt.wgsl_type(b[1]), dt.wgsl_elem(b[1])
                decls.append(f"@group(0) @binding({i + 1}) var<storage, read> b{i}: array<vec4<{el}>>;")
                fns.append(f"fn ld{i}(j: u32) -> {w} {{ return {w}(b{i}[j >> 2u][j & 3u]); }}")
            else:
                decls.append(binding_decls([b]).replace("@binding(1)", f"@binding({i + 1})").replace(" b0:", f" b{i}:"))
                fns.append(load_fn(i, b[1], b[2]))
        return "\n".join(["@group(0) @binding(0) var<storage, read> P: array<u32>;", *decls,
                          *fns, store_fn(self.out.dtype),
                          combine_code(self.monoid, self.acc)])


def _collapse(shape, dims, vecs):
    """(shape, per-vector strides, per-vector mode 'z'|'s') of ``dims`` with size-1 dims dropped
    and adjacent dims merged where every vector allows."""
    merged = []
    for d in dims:
        n = shape[d]
        if n == 1:
            continue
        st = [v[d] for v in vecs]
        if merged:
            pn, pst = merged[-1]
            if all(a == b * n for a, b in zip(pst, st)):
                merged[-1] = (pn * n, st)
                continue
        merged.append((n, st))
    cshape = tuple(n for n, _ in merged)
    cstr = [tuple(st[i] for _, st in merged) for i in range(len(vecs))]
    modes = ["z" if all(x == 0 for x in s) else "s" for s in cstr]
    return cshape, cstr, modes


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
                identity=identity_expr(plan.monoid, plan.acc), finish=fin)
    if plan.vec:
        u = VEC_UNROLL
        bodies = plan.group_body([f"gb + {i * WG}u" if i else "gb" for i in range(u)], "    ")
        body1 = plan.group_body(["gb"], "    ")
        efn = plan.elem_fn_code()
        main = _wgsl_lib.template("reduce_group_vec4.wgsl").substitute(
            prelude=plan.prelude(), elem_fn=efn, bodies=bodies, body1=body1, U=u, UM1=u - 1, **subs)
        return main + "\n" + _wgsl_lib.resolve("\n".join([elem, fin, efn, body1, plan.prelude()]))
    body = "\n".join([elem, fin, plan.prelude()])
    name = "reduce_group.wgsl" if plan.kind == "group" else "reduce_thread.wgsl"
    main = _wgsl_lib.template(name).substitute(prelude=plan.prelude(), **subs)
    return main + "\n" + _wgsl_lib.resolve(body)


def scan_source(plan: ReducePlan) -> str:
    elem = plan.element_code("        ")
    idx = plan.coords_code("        ", [plan.out_vec]) + f"\n        let j = I{plan.out_vec};"
    store = f"        st(j, {plan.final_value('v')});"
    body = "\n".join([elem, store, plan.prelude()])
    main = _wgsl_lib.template("scan.wgsl").substitute(
        prelude=plan.prelude(), WG=WG, K=SCAN_K, meta=plan.meta, bases=plan.bases_code(), element=elem,
        index_out=idx, identity=identity_expr(plan.monoid, plan.acc), store=store)
    return main + "\n" + _wgsl_lib.resolve(body)


def _run(plan: ReducePlan, groups) -> None:
    plan.finish()
    dev = _runtime.device()
    params = plan.params()

    def build():
        src = scan_source(plan) if plan.kind == "scan" else reduce_source(plan)
        return f"{plan.kind}_{plan.monoid}", src, ["rw" if b[2] else "r" for b in plan.bindings], len(params)

    kern = dev.kernel(plan.key, build)
    dev.dispatch(kern, [b[0] for b in plan.bindings], params, groups(plan))


# ------------------------------------------------------------------------ strategies
def choose(n_out: int, n_red: int, inner: bool) -> tuple[str, int, int]:
    """(kernel shape, chunk count, chunk length) for a reduction of n_red elements to each of
    n_out outputs; ``inner``: the reduced axes are the innermost (contiguous) ones."""
    if n_red <= THREAD_MAX_RED or (not inner and n_out >= TARGET_THREADS):
        return "thread", 1, max(n_red, 1)
    if not inner:
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


def reduce_into(root, axes, monoid: str, acc, out: Leaf, out_strides, *, post=None, post_value=None,
                initial=None, idx_root=None) -> None:
    """Record the kernels writing the reduction of ``root`` over ``axes`` into ``out``
    (``out_strides``: the output's strides over root's axes, 0 on the reduced ones)."""
    shape = root.shape
    n_out = _prod(shape[d] for d in range(len(shape)) if d not in axes)
    n_red = _prod(shape[d] for d in axes)
    if n_out == 0:
        return
    kind, chunks, length = choose(n_out, n_red, is_inner(shape, axes))
    if chunks == 1:
        plan = ReducePlan(out, shape, axes, out_strides, out.offset, shape_kind=kind, monoid=monoid, acc=acc,
                          chunk=length, post=post, post_value=post_value, initial=initial)
        plan.root_node = plan.walk(root)
        if idx_root is not None:
            plan.walk_index(idx_root)
        _run(plan, _groups)
        return
    # first pass: partials [chunk][output] in the accumulator type
    from ._array import new_leaf

    kept = [d for d in range(len(shape)) if d not in axes]
    part = new_leaf(acc, (chunks, n_out))
    pidx = new_leaf(dt.uint32, (chunks, n_out)) if monoid in ARG_OPS else None
    pstr = [0] * len(shape)
    for d, s in zip(kept, contiguous_strides([shape[d] for d in kept])):
        pstr[d] = s
    plan = ReducePlan(part, shape, axes, pstr, 0, shape_kind=kind, monoid=monoid, acc=acc, chunks=chunks,
                      chunk=length, idx_out=None if pidx is None else pidx.storage)
    plan.root_node = plan.walk(root)
    if idx_root is not None:
        plan.walk_index(idx_root)
    _run(plan, _groups)
    # second pass: fold the partials of each output (the kept axes keep their shape, so the
    # output view is addressed exactly as in the first pass)
    kshape = [shape[d] for d in kept]
    pshape, pstrides = (chunks, *kshape), (n_out, *contiguous_strides(kshape))
    proot = Leaf(part.storage, acc, pshape, pstrides, 0)
    iroot = None if pidx is None else Leaf(pidx.storage, dt.uint32, pshape, pstrides, 0)
    reduce_into(proot, (0,), monoid, acc, out, (0, *[out_strides[d] for d in kept]), post=post,
                post_value=post_value, initial=initial, idx_root=iroot)


def _groups(plan: ReducePlan) -> int:
    if plan.kind == "thread":
        return _runtime.groups_for(plan.total)
    return plan.total


def scan_into(root, axis_dims, monoid: str, acc, out: Leaf, out_strides, out_offset) -> None:
    """Record the inclusive scan of ``root`` along ``axis_dims`` (C order) into ``out``
    (``out_strides``/``out_offset``: where each input element's result goes)."""
    shape = root.shape
    n_out = _prod(shape[d] for d in range(len(shape)) if d not in axis_dims)
    n_red = _prod(shape[d] for d in axis_dims)
    if n_out == 0 or n_red == 0:
        return
    plan = ReducePlan(out, shape, axis_dims, out_strides, out_offset, shape_kind="scan", monoid=monoid, acc=acc)
    plan.root_node = plan.walk(root)
    _run(plan, _groups)
