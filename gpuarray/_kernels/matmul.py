"""Matrix product kernels: one strided contraction, ``contract_into(out, a, b)``:
``out[..., m, n] = sum_k a[..., m, k] * b[..., k, n]`` over views whose batch dims agree (broadcast
dims have stride 0). Operands are read through their own strides, offsets and dtypes (converted
while loading), so transposes, slices, broadcasting and mixed dtypes cost no copies. An epilogue
(``_lazy.product.Epilogue``, passed as ``epi``) is applied by the kernel as it stores each element.

Kernels (wgsl/matmul_*.wgsl): a register-tiled one for float32/float64 products (``matmul_fast``:
tile shapes per dtype and operand shape, split-K with a second reduction pass ``matmul_splitk``
when K is long and the output small, upper-triangle-only for ``X.T @ X`` / ``X @ X.T``), a narrow
one for float products with a side <= 16 (``matmul_narrow``: one workgroup per 8 rows over all of K,
summed in workgroup memory: G @ Q, Q.T @ G, vector norms), and a
one-output-per-thread one for everything else (integers wrap like NumPy, bool is or-of-ands,
complex, small matrices, and the sum/max/min reductions against a broadcast unit operand).
``matmul_tiled`` (the former float kernel) serves the float products the fast kernel does not
take: float16 outputs, integer/bool operands with a float result, adapters with too little
workgroup memory for a fast tile; ``FAST = False`` sends every float product to it.
Sizes, strides, offsets and load patterns are parameter words: kernels are cached by dtypes,
tile configuration and batch rank only. See bench/gemm_notes.md for the measured figures.
"""
from __future__ import annotations

import math
import struct

from .._graph import dtypes as dt
from .._device import runtime as _runtime
from .._device.errors import SizeLimitError
from .._graph.nodes import Ew, Leaf, contiguous_strides, new_leaf
from . import codegen as _codegen
from . import windows as _windows
from . import wgsl_lib as _wgsl_lib
from .codegen import LIT, SUFFIX, binding_decls, cast_expr, load_fn, store_fn

# tile of C per workgroup, K-depth of a staged slice, micro-tile per thread (256 threads);
# float64 tiles take 16 KiB of workgroup memory, within every adapter's limit
TILE = {"TM": 64, "TN": 64, "TK": 16, "RM": 4, "RN": 4}
TILED_MIN = 16  # M and N from which the tiled kernel beats one thread per output
SIMPLE_WG = 256
FAST = True  # register-tiled kernel for float32/float64 products (False: the 64x64 tiled kernel for all)
SYRK = True  # X.T @ X / X @ X.T: one block triangle, mirrored
TRUSTED = True  # fast kernels built without naga's bounds checks (every access is guarded)
# fast-kernel tiles (BM x BN of C per workgroup, BK-deep slices, RM x RN per thread, multiples of 4);
# "big" serves min(M, N) >= TILED_MIN, "skinny" an output with one side < SKINNY_SIDE and the other
# >= SKINNY_LONG (that side is tiled by BM; the thin side is padded to a multiple of 4).
# BK is halved while the double-buffered slices exceed the adapter's workgroup memory (lavapipe: 32 KiB).
FAST_CFG = {
    "f": {"BM": 128, "BN": 128, "BK": 16, "RM": 8, "RN": 8},
    # float64: 64 threads with 4-deep slices. The 8x8 f64 micro-tile needs ~200 registers; a small
    # workgroup lets several run per SM, so one group's barrier wait is covered by another's FMAs,
    # and the 4-deep prefetch keeps registers free (H200 4096: 15.7 vs 13.4 TFLOP/s for 128x128 BK 8)
    "d": {"BM": 64, "BN": 64, "BK": 4, "RM": 8, "RN": 8},
    "skinny": {"NT": 128, "RM": 4, "BK": 8},
}
SKINNY_SIDE = 16
SKINNY_LONG = 256
SPLIT_MIN_K = 1024  # split-K only for K at least this long ...
SPLIT_FEW = 264  # ... when fewer workgroups than this would run (2 per SM of the H200)
SPLIT_TARGET = 1024  # workgroups aimed at by split-K
SPLIT_MIN_SLICES = 16  # K slices per split at least
# narrow kernel (matmul_narrow.wgsl): products with a side <= NARROW_SIDE (G @ Q, Q.T @ G, vector norms);
# one workgroup of NARROW_NT threads per RPT rows of C over the whole K (one dispatch), split-K
# only when fewer than NARROW_FEW workgroups would run and each thread still gets NARROW_MIN_STEPS k
NARROW = True
EARLY_SUBMIT = True  # submit the recorded work right after a product of at least EARLY_SUBMIT_FLOPS
EARLY_SUBMIT_FLOPS = 1 << 31  # (~40 us of device time at 50 TFLOP/s; a submit costs the host ~20-50 us)
NARROW_SIDE = 16
NARROW_NT = 128
NARROW_UNROLL = 2
NARROW_FEW = 132
NARROW_TARGET = 1024
NARROW_MIN_STEPS = 8
NARROW_MAX_SPLIT = 256
NARROW_MAX_MK = 1 << 24  # above this many elements of the long operand the tiled kernels take it


# ----------------------------------------------------------------------------- kernels
def _pack(words) -> bytes:
    """Parameter words as little-endian u32 (negative strides wrap)."""
    return struct.pack(f"<{len(words)}I", *[w & 0xFFFFFFFF for w in words])


def _zero(w: str) -> str:
    return f"{w}()" if w.startswith("vec2") else LIT[w][0]


def _step(step: str, ct) -> tuple[str, str]:
    """(initial accumulator, WGSL statement folding a, b at step k into acc) for compute dtype ct."""
    w = dt.wgsl_type(ct)
    if step == "dot":
        if ct == dt.bool_:
            return "false", "acc = acc || (a && b);"
        if ct.kind in "iu":  # 32/64-bit wrap-around; sub-word results are masked when stored
            return _zero(w), "acc = acc + a * b;"
        if ct.kind == "f":
            return _zero(w), "acc = fma(a, b, acc);"
        return _zero(w), f"acc = acc + {w}(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);"
    # max / min of a along K; the first element starts the fold (these reductions have no identity)
    if ct == dt.bool_:
        fold = "acc || a" if step == "max" else "acc && a"
    elif ct.kind == "f":
        fold = f"ga_{'maximum' if step == 'max' else 'minimum'}_{SUFFIX[w]}(acc, a)"  # NaN propagates
    elif ct.kind in "iu":
        fold = f"{step}(acc, a)"
    else:
        raise TypeError(f"{step} is not defined for {ct}")
    return _zero(w), f"acc = select({fold}, a, k == 0u);"


def _common(adt, bdt, cdt, nb: int, helpers: str = "", epi=None) -> str:
    """The prologue every matmul kernel shares: bindings, typed loads of A and B converted to the
    compute type, the store of C, and the batch-index helpers (matmul_common.wgsl). With an
    epilogue (``_lazy.product.EpiCode``) the store ``st`` applies it and binding 0 has the output's dtype."""
    w = dt.wgsl_type(cdt)
    if epi is None:
        bindings, store = binding_decls([(None, cdt, True), (None, adt, False), (None, bdt, False)]), store_fn(cdt)
    else:
        bindings, store = epi.decls(), epi.functions()
        helpers = helpers or epi.helpers()
    loaders = [
        load_fn(1, adt, False),
        load_fn(2, bdt, False),
        store,
        f"fn la(j: u32) -> {w} {{ let v = ld1(j); return {cast_expr(adt, cdt, 'v')}; }}",
        f"fn lb(j: u32) -> {w} {{ let v = ld2(j); return {cast_expr(bdt, cdt, 'v')}; }}",
    ]
    # (the loads' and the store's conversions may call the library too: float16 rounding)
    helpers = helpers + "\n" + _wgsl_lib.resolve("\n".join(loaders), have=helpers)
    return _wgsl_lib.template("matmul_common.wgsl").substitute(
        bindings=bindings, loaders="\n".join(loaders), helpers=helpers, NB=nb)


def _source(variant: str, step: str, adt, bdt, cdt, nb: int, epi=None) -> str:
    w = dt.wgsl_type(cdt)
    init, code = _step(step, cdt)
    common = _common(adt, bdt, cdt, nb, _wgsl_lib.resolve(code + ("\n" + epi.body() if epi else "")), epi)
    if variant == "simple":
        return _wgsl_lib.template("matmul_simple.wgsl").substitute(
            common=common, CT=w, INIT=init, STEP=code, WG=SIMPLE_WG)
    t = TILE
    nt = (t["TM"] // t["RM"]) * (t["TN"] // t["RN"])
    return _wgsl_lib.template("matmul_tiled.wgsl").substitute(
        common=common, CT=w, ZERO=_zero(w), NT=nt, TMK=t["TM"] * t["TK"], TNK=t["TN"] * t["TK"],
        RMN=t["RM"] * t["RN"], LA=t["TM"] * t["TK"] // nt, LB=t["TN"] * t["TK"] // nt, **t)


# ------------------------------------------------------------------- fast kernel generator
_XYZW = "xyzw"


def _load_offsets(rows: int, bk: int, nt: int, count: int, kfast: bool):
    """(row offset, k offset) of each element a thread loads, relative to its first one."""
    out = []
    for l in range(count):
        if kfast:  # consecutive threads walk k, then rows
            out.append((l * (nt // bk), 0))
        elif nt % rows == 0:  # consecutive threads walk the rows
            out.append((0, l * (nt // rows)))
        else:
            per = rows // nt
            out.append(((l % per) * nt, l // per))
    return out


def _fast_blocks(c: dict, ct: str, loop_write: bool = False) -> dict:
    BM, BN, BK, RM, RN, NT = c["BM"], c["BN"], c["BK"], c["RM"], c["RN"], c["NT"]
    la_n, lb_n = -(-BM * BK // NT), -(-BN * BK // NT)
    decl = [f"  var ra{l}: {ct};" for l in range(la_n)] + [f"  var rb{l}: {ct};" for l in range(lb_n)]
    decl += [f"  var c{i}_{j} = vec4<{ct}>();" for i in range(RM) for j in range(RN // 4)]

    def side(name, reg, rows, first, kfirst, p, srow, sk, lim, flag, arr, pitch, count):
        load, store = [], []
        for kf in (True, False):
            ld, sto = [], []
            loc = first.split(" + ")[1]  # the row inside the tile
            for l, (dm, dk) in enumerate(_load_offsets(rows, BK, NT, count, kf)):
                # a tile smaller than the workgroup: only its first rows * BK threads stage it
                part = f"lid + {l * NT}u < {rows * BK}u && " if (rows * BK) % NT else ""
                ld.append(f"      if ({part}{first} + {dm}u < {lim} && kl + {kfirst} + {dk}u < ke) {{ "
                          f"{reg}{l} = {name}(u32({p} + {dm} * {srow} + (i32(kl) + {dk}) * {sk})); }} "
                          f"else {{ {reg}{l} = {ct}(); }}")
                sto.append(f"      if ({part[:-4] or 'true'}) {{ let e = {loc} + {dm}u; {arr}[(buf * BK + {kfirst} + {dk}u) * {pitch} + e / 4u][e % 4u] = {reg}{l}; }}")
            load.append(ld)
            store.append(sto)
        lo = f"    if ({flag}) {{\n" + "\n".join(load[0]) + "\n    } else {\n" + "\n".join(load[1]) + "\n    }"
        so = f"    if ({flag}) {{\n" + "\n".join(store[0]) + "\n    } else {\n" + "\n".join(store[1]) + "\n    }"
        return lo, so

    # m0 + am / n0 + bn: the first staged row (rows and k past the matrix or the split load zeros);
    la, sa = side("la", "ra", BM, "m0 + am", "ak", "pa", "sam", "sak", "M", "afk", "As", "AP", la_n)
    lb, sb = side("lb", "rb", BN, "n0 + bn", "bk", "pb", "sbn", "sbk", "N", "bfk", "Bs", "BP", lb_n)
    # the k offset of pa / pb already holds ak / bk, so the load adds kl (+ dk) only
    comp = []
    for kk in range(BK):
        comp.append("    {")
        for r in range(RM // 4):
            comp.append(f"      let a{r} = As[ab + {kk * (BM // 4 + 1) + r * (BM // RM)}u + ty];")
        for j in range(RN // 4):
            comp.append(f"      let b{j} = Bs[bb + {kk * (BN // 4 + 1) + j * (BN // RN)}u + tx];")
        for i in range(RM):
            a = f"a{i // 4}.{_XYZW[i % 4]}"
            for j in range(RN // 4):
                comp.append(f"      c{i}_{j} = fma(vec4<{ct}>({a}), b{j}, c{i}_{j});")
        comp.append("    }")
    wr = []
    if loop_write:
        # one copy of the store in the code (a heavy epilogue is inlined into every st call: 64-128
        # unrolled copies compile slowly and cost registers); the row's values are picked by a switch
        rv = RN // 4
        wr.append(f"  for (var i = 0u; i < {RM}u; i++) {{\n    var r: array<vec4<{ct}>, {rv}>;\n    switch (i) {{")
        for i in range(RM):
            wr.append(f"      case {i}u: {{ " + " ".join(f"r[{j}] = c{i}_{j};" for j in range(rv)) + " }")
        wr.append("      default: {}\n    }")
        wr.append(f"    let m = m0 + (i / 4u) * {4 * (BM // RM)}u + ty * 4u + i % 4u;")
        wr.append("    if (m < M) {\n      let row = cz + i32(m) * scm;")
        wr.append(f"      for (var e = 0u; e < {RN}u; e++) {{")
        wr.append(f"        let n = n0 + (e / 4u) * {4 * (BN // RN)}u + e % 4u + tx * 4u;")
        wr.append("        if (n < N) { let v = r[e / 4u][e % 4u]; st(u32(row + i32(n) * scn), v); "
                  "if (mirror) { st(u32(cz + i32(n) * scm + i32(m) * scn), v); } }")
        wr.append("      }\n    }\n  }")
    for i in range(0 if loop_write else RM):
        wr.append(f"  {{\n    let m = m0 + {(i // 4) * 4 * (BM // RM)}u + ty * 4u + {i % 4}u;")
        wr.append("    if (m < M) {\n      let row = cz + i32(m) * scm;")
        for j in range(RN // 4):
            for q in range(4):
                v = f"c{i}_{j}.{_XYZW[q]}"
                wr.append(f"      {{ let n = n0 + {j * 4 * (BN // RN) + q}u + tx * 4u; if (n < N) {{ st(u32(row + i32(n) * scn), {v}); "
                          f"if (mirror) {{ st(u32(cz + i32(n) * scm + i32(m) * scn), {v}); }} }} }}")
        wr.append("    }\n  }")
    return {"DECL": "\n".join(decl), "LOAD": la + "\n" + lb, "STORE": sa + "\n" + sb,
            "COMPUTE": "\n".join(comp), "WRITE": "\n".join(wr)}


def _fast_cfg(kind: str, cdt, M: int, N: int) -> dict:
    """The tile configuration for a product: the dtype's square tile, or a skinny one."""
    if kind == "big":
        c = dict(FAST_CFG[cdt.char])
        c["NT"] = (c["BM"] // c["RM"]) * (c["BN"] // c["RN"])
        return c
    k = FAST_CFG["skinny"]
    thin = max(4, -(-min(M, N) // 4) * 4)  # the thin side, padded to a vec4
    nt, rm, tx = k["NT"], k["RM"], thin // 4
    return {"BM": (nt // tx) * rm, "BN": thin, "BK": k["BK"], "RM": rm, "RN": 4, "NT": nt}


def _fast_smem(c: dict, itemsize: int) -> int:
    return 2 * c["BK"] * (c["BM"] + 4 + c["BN"] + 4) * itemsize


def _fast_source(c: dict, adt, bdt, cdt, nb: int, epi=None) -> str:
    w = dt.wgsl_type(cdt)
    common = _common(adt, bdt, cdt, nb, epi=epi)
    BM, BN, BK = c["BM"], c["BN"], c["BK"]
    return _wgsl_lib.template("matmul_fast.wgsl").substitute(
        common=common, CT=w, NT=c["NT"], BM=BM, BN=BN, BK=BK, TX=BN // c["RN"], TY=BM // c["RM"],
        AP=BM // 4 + 1, BP=BN // 4 + 1, ASZ=2 * BK * (BM // 4 + 1), BSZ=2 * BK * (BN // 4 + 1), XW=15 + 4 * nb,
        **_fast_blocks(c, w, epi is not None and epi.heavy()))


@_runtime.locked
def _fast_kernel(dev, key, build):
    # (every access of the fast kernels is guarded by its own index test: no bounds checks needed)
    return dev.kernel(key, build, trusted=TRUSTED)


def _splitk_reduce(out: Leaf, part, M: int, N: int, S: int, sym: bool, scm: int, scn: int, epi=None) -> None:
    cdt = out.dtype
    words = [M * N, M, N, S, out.offset, scm, scn, int(sym)]
    code = epi.code(len(words), [(part, cdt)]) if epi is not None else None
    params = _pack(words) + (code.params if code else b"")

    def build():
        if code is None:
            bindings, store = binding_decls([(None, cdt, True), (None, cdt, False)]), store_fn(cdt)
        else:
            bindings, store = code.decls(), code.functions() + "\n" + code.helpers()
        src = _wgsl_lib.template("matmul_splitk.wgsl").substitute(bindings=bindings, store=store)
        name = f"matmul_splitk_{cdt.name}" + ("_epi" if code else "")
        return name, src, ["rw", "r"] + (code.access if code else []), len(params)

    dev = _runtime.device()
    key = ("matmul_splitk", cdt.char) + ((code.key,) if code else ())
    kern = dev.kernel(key, build)
    dev.dispatch(kern, [out.storage, part] + (code.storages if code else []), params, _runtime.groups_for(M * N, 256))


def _contract_fast(out: Leaf, a: Leaf, b: Leaf, M, N, K, sam, sak, sbk, sbn, scm, scn, dims, nbatch, epi=None) -> bool:
    """Record the product on the register-tiled kernel; False where it does not apply."""
    cdt = out.dtype
    if min(M, N) >= TILED_MIN:
        kind = "big"
    elif min(M, N) < SKINNY_SIDE and max(M, N) >= SKINNY_LONG:
        kind = "skinny"
    else:
        return False
    dev = _runtime.device()
    if M < N and kind == "skinny":  # C.T = B.T @ A.T: the long side is tiled by BM
        a, b = b, a
        M, N, sam, sak, sbk, sbn, scm, scn = N, M, sbn, sbk, sak, sam, scn, scm
        dims = [(n, (sb, sa, sc)) for n, (sa, sb, sc) in dims]
    c = _fast_cfg(kind, cdt, M, N)
    limit = dev.limits.get("max-compute-workgroup-storage-size", 16384)
    while _fast_smem(c, cdt.itemsize) > limit and c["BK"] > 4:
        c["BK"] //= 2
    if _fast_smem(c, cdt.itemsize) > limit:
        return False
    BM, BN, BK = c["BM"], c["BN"], c["BK"]
    tm, tn = -(-M // BM), -(-N // BN)
    # X.T @ X or X @ X.T (one buffer, one view): compute the upper block triangle, mirror it
    sym = (SYRK and kind == "big" and a.storage is b.storage and a.offset == b.offset and a.dtype == b.dtype and M == N
           and BM == BN and sam == sbn and sak == sbk and all(sa == sb for _, (sa, sb, _) in dims))
    if sym and BK > 8:  # measured on the H200: the m-fast staging of X.T runs best with 8-deep slices
        c["BK"] = BK = 8
    tiles = tm * (tm + 1) // 2 if sym else tm * tn
    S, kchunk = 1, -(-max(K, 1) // BK) * BK
    if nbatch == 1 and K >= SPLIT_MIN_K and tiles < SPLIT_FEW:
        S = min(-(-SPLIT_TARGET // tiles), max(1, K // (BK * SPLIT_MIN_SLICES)))
        kchunk = -(-(-(-K // S)) // BK) * BK
        S = -(-K // kchunk)
    part, (cst, coff, cm, cn, cs) = _c_target(dev, S, M, N, cdt, out, scm, scn)
    total = nbatch * tiles * S
    kfa = int(abs(sak) <= abs(sam) or sak == 1)
    kfb = int(abs(sbk) <= abs(sbn) or sbk == 1)
    words = [total, M, N, K, tn, tm, a.offset, sam, sak, b.offset, sbk, sbn, coff, cm, cn]
    for n, st in dims:
        words.append(n)
        words.extend(st)
    words += [S, kchunk, cs, tiles, int(sym), int(sym and S == 1), kfa, kfb]
    key = ("matmul", "fast", tuple(sorted(c.items())), TRUSTED, a.dtype.char, b.dtype.char, cdt.char, len(dims))
    _record_product(dev, key, lambda code: (_fast_source(c, a.dtype, b.dtype, cdt, len(dims), code),
                                            f"matmul_fast_{cdt.name}_{BM}x{BN}"),
                    words, a, b, cst, total, epi if S == 1 else None)
    if S > 1:
        _splitk_reduce(out, part, M, N, S, sym, scm, scn, epi)
    if EARLY_SUBMIT and 2 * M * N * K * nbatch >= EARLY_SUBMIT_FLOPS:
        # a long product: submit now, so that the device runs it while the host records what follows
        dev.flush()
    return True


# ----------------------------------------------------------------- narrow kernel generator
def _narrow_cfg(cdt, N: int) -> dict:
    """Narrow-kernel shape for a thin side of N columns: NP = N padded to 4, RPT rows per workgroup
    (RPT x NP partial sums per thread), W values per reduction round."""
    np_ = max(4, -(-N // 4) * 4)
    rpt = 8 if np_ <= 8 else 4
    return {"NT": NARROW_NT, "RPT": rpt, "NP": np_, "U": NARROW_UNROLL, "W": 16 if cdt.itemsize == 4 else 8}


def _narrow_blocks(c: dict, ct: str) -> dict:
    NT, RPT, NP, U, W = c["NT"], c["RPT"], c["NP"], c["U"], c["W"]
    NV = NP // 4
    decl = [f"  let pa{j} = o.x + i32(min(m0 + {j}u, M - 1u)) * sam;" for j in range(RPT)]
    decl += [f"  let nb{q} = o.y + i32(min({q}u, N - 1u)) * sbn;" for q in range(NP)]
    decl += [f"  var c{j}_{v} = vec4<{ct}>();" for j in range(RPT) for v in range(NV)]
    lp = []
    for u in range(U):
        if u == 0:
            lp.append(f"    let q0 = k;")
        else:
            lp.append(f"    let ok{u} = k + {u * NT}u < ke;")
            lp.append(f"    let q{u} = select(k, k + {u * NT}u, ok{u});")
        lp.append(f"    let ia{u} = i32(q{u}) * sak;")
        lp.append(f"    let ib{u} = i32(q{u}) * sbk;")
    for u in range(U):
        for v in range(NV):
            vec = f"vec4<{ct}>(" + ", ".join(f"lb(u32(nb{4 * v + q} + ib{u}))" for q in range(4)) + ")"
            lp.append(f"    let b{u}_{v} = {vec};" if u == 0 else f"    let b{u}_{v} = select(vec4<{ct}>(), {vec}, ok{u});")
        for j in range(RPT):
            ld = f"la(u32(pa{j} + ia{u}))"
            lp.append(f"    let a{u}_{j} = {ld};" if u == 0 else f"    let a{u}_{j} = select({ct}(), {ld}, ok{u});")
    for u in range(U):
        for j in range(RPT):
            for v in range(NV):
                lp.append(f"    c{j}_{v} = fma(vec4<{ct}>(a{u}_{j}), b{u}_{v}, c{j}_{v});")
    lp.append(f"    k += {U * NT}u;")
    vals = [f"c{j}_{v}.{_XYZW[q]}" for j in range(RPT) for v in range(NV) for q in range(4)]
    V, G = len(vals), NT // W
    red = [f"  var p{r} = {ct}();" for r in range(V // W)]
    for r in range(V // W):
        red.append("  {")
        red += [f"    red[lid * {W + 1}u + {i}u] = {vals[r * W + i]};" for i in range(W)]
        red.append("    workgroupBarrier();")
        red.append(f"    let i = lid % {W}u;")
        red.append(f"    let gq = lid / {W}u;")
        red.append(f"    for (var q = 0u; q < {W}u; q++) {{ p{r} += red[(gq * {W}u + q) * {W + 1}u + i]; }}")
        red.append("    workgroupBarrier();")
        red.append("  }")
    red += [f"  red[({r * W}u + lid % {W}u) * {G + 1}u + lid / {W}u] = p{r};" for r in range(V // W)]
    red.append("  workgroupBarrier();")
    red.append(f"  var v = {ct}();")
    red.append(f"  if (lid < {V}u) {{ for (var q = 0u; q < {G}u; q++) {{ v += red[lid * {G + 1}u + q]; }} }}")
    return {"DECL": "\n".join(decl), "LOOP": "\n".join(lp), "REDUCE": "\n".join(red),
            "RSZ": max(NT * (W + 1), V * (G + 1))}


def _narrow_source(c: dict, adt, bdt, cdt, nb: int, epi=None) -> str:
    w = dt.wgsl_type(cdt)
    common = _common(adt, bdt, cdt, nb, epi=epi)
    return _wgsl_lib.template("matmul_narrow.wgsl").substitute(
        common=common, CT=w, NT=c["NT"], RPT=c["RPT"], NP=c["NP"], W=c["W"], XW=15 + 4 * nb,
        **_narrow_blocks(c, w))


def _contract_narrow(out: Leaf, a: Leaf, b: Leaf, M, N, K, sam, sak, sbk, sbn, scm, scn, dims, nbatch, epi=None) -> bool:
    """Record a product with a thin side (<= NARROW_SIDE) on the narrow kernel: one dispatch
    (two with split-K); False where it does not apply."""
    if not NARROW or min(M, N) > NARROW_SIDE:
        return False
    if M < N:  # C.T = B.T @ A.T: the thin side is N
        a, b = b, a
        M, N, sam, sak, sbk, sbn, scm, scn = N, M, sbn, sbk, sak, sam, scn, scm
        dims = [(n, (sb, sa, sc)) for n, (sa, sb, sc) in dims]
    if (min(M, N) >= TILED_MIN or max(M, N) >= SKINNY_LONG) and nbatch * max(M, N) * K > NARROW_MAX_MK:
        return False  # large operands stream faster through the tiled kernels (H200: 0.24 vs 0.50 ms)
    cdt = out.dtype
    dev = _runtime.device()
    c = _narrow_cfg(cdt, N)
    tiles = -(-M // c["RPT"])
    S, kchunk = 1, max(K, 1)
    if nbatch == 1 and tiles < NARROW_FEW and K >= 2 * NARROW_NT * NARROW_MIN_STEPS:
        S = min(-(-NARROW_TARGET // tiles), K // (NARROW_NT * NARROW_MIN_STEPS), NARROW_MAX_SPLIT)
        kchunk = -(-K // S)
        S = -(-K // kchunk)
    part, (cst, coff, cm, cn, cs) = _c_target(dev, S, M, N, cdt, out, scm, scn)
    total = nbatch * tiles * S
    words = [total, M, N, K, tiles, 0, a.offset, sam, sak, b.offset, sbk, sbn, coff, cm, cn]
    for n, st in dims:
        words.append(n)
        words.extend(st)
    words += [S, kchunk, cs]
    key = ("matmul", "narrow", c["NT"], c["RPT"], c["NP"], c["U"], c["W"], TRUSTED, a.dtype.char, b.dtype.char,
           cdt.char, len(dims))
    _record_product(dev, key, lambda code: (_narrow_source(c, a.dtype, b.dtype, cdt, len(dims), code),
                                            f"matmul_narrow_{cdt.name}_{c['RPT']}x{c['NP']}"),
                    words, a, b, cst, total, epi if S == 1 else None)
    if S > 1:
        _splitk_reduce(out, part, M, N, S, False, scm, scn, epi)
    return True


def _c_target(dev, S, M, N, cdt, out, scm, scn):
    """(partials buffer or None, (storage, offset, row stride, column stride, slice stride)) of
    where a product kernel stores C: the output view, or with K split S ways, S partial products
    [S][M][N] that the split-K reduction folds into it."""
    if S > 1:
        part = dev.alloc(S * M * N * cdt.itemsize)
        return part, (part, 0, N, 1, M * N)
    return None, (out.storage, out.offset, scm, scn, 0)


def _record_product(dev, key, source, words, a, b, cst, total, epi):
    """Record a product kernel (parameter ``words``, ``total`` workgroups) storing C into ``cst``;
    ``epi``: the epilogue it applies as it stores (None when a split-K reduction stores C instead);
    ``source(code)`` -> (WGSL, kernel name) on a cache miss."""
    code = epi.code(len(words), [(a.storage, a.dtype), (b.storage, b.dtype)]) if epi is not None else None
    params = _pack(words) + (code.params if code else b"")

    def build():
        src, name = source(code)
        return name + ("_epi" if code else ""), src, ["rw", "r", "r"] + (code.access if code else []), len(params)

    kern = _fast_kernel(dev, key + (code.key if code else None,), build)
    dev.dispatch(kern, [cst, a.storage, b.storage] + (code.storages if code else []), params, total)


def _merge(sizes, *stride_lists):
    """Collapse dims (outermost first) into as few as possible for every stride list at once.
    Returns [(size, (stride per list))...]; size-1 dims are dropped."""
    out: list = []
    for d, n in enumerate(sizes):
        if n == 1:
            continue
        st = tuple(s[d] for s in stride_lists)
        if out:
            pn, pst = out[-1]
            if all(a == b * n for a, b in zip(pst, st)):
                out[-1] = (pn * n, st)
                continue
        out.append((n, st))
    return out


def contract_into(out: Leaf, a: Leaf, b: Leaf, step: str = "dot", epi=None) -> None:
    """Record ``out[..., m, n] = fold_k step(a[..., m, k], b[..., k, n])`` (one dispatch).

    All three views share the batch shape ``out.shape[:-2]``. step: 'dot' (sum of products,
    in out's dtype), 'max' / 'min' (of a along k; b is ignored but bound).
    epi: a ``_lazy.product.Epilogue``; ``out`` is then the product's layout as a contiguous result at
    offset 0 over the epilogue output's buffer, and every kernel stores through the epilogue.
    """
    *batch, M, N = out.shape
    K = a.shape[-1]
    if M * N * math.prod(int(x) for x in batch) == 0:
        return
    if out.storage.segs is not None or a.storage.segs is not None or b.storage.segs is not None:
        if epi is not None:
            raise SizeLimitError("a matmul epilogue over arrays held in several buffers")  # (never fused: product.py)
        wo, wa, wb = _windows.window_leaf(out), _windows.window_leaf(a), _windows.window_leaf(b)
        if wo is None or wa is None or wb is None:
            return _contract_blocked(out, a, b, step, (wo, wa, wb))
        out, a, b = wo, wa, wb
    sam, sak = a.strides[-2:]
    sbk, sbn = b.strides[-2:]
    scm, scn = out.strides[-2:]
    dims = _merge(batch, a.strides[:-2], b.strides[:-2], out.strides[:-2])
    # an inner batch dim that one operand broadcasts over can join M (or N): one larger
    # matrix product instead of a batch of small ones
    while dims:
        n, (sa, sb, sc) = dims[-1]
        if sb == 0 and (M == 1 or (sa == sam * M and sc == scm * M)):
            if M == 1:
                sam, scm = sa, sc
            M *= n
        elif sa == 0 and (N == 1 or (sb == sbn * N and sc == scn * N)):
            if N == 1:
                sbn, scn = sb, sc
            N *= n
        else:
            break
        dims.pop()
    nbatch = math.prod(int(d[0]) for d in dims)
    if (FAST and step == "dot" and out.dtype in (dt.float32, dt.float64) and a.dtype in dt.REAL_FLOAT and b.dtype in dt.REAL_FLOAT
            and (_contract_narrow(out, a, b, M, N, K, sam, sak, sbk, sbn, scm, scn, dims, nbatch, epi)
                 or _contract_fast(out, a, b, M, N, K, sam, sak, sbk, sbn, scm, scn, dims, nbatch, epi))):
        return
    tiled = step == "dot" and out.dtype in dt.REAL_FLOAT and M >= TILED_MIN and N >= TILED_MIN
    if tiled:
        tiles_n = -(-N // TILE["TN"])
        tiles_m = -(-M // TILE["TM"])
        total = groups = nbatch * tiles_m * tiles_n
    else:
        tiles_n = tiles_m = 0
        total = nbatch * M * N
        groups = _runtime.groups_for(total, SIMPLE_WG)
    words = [total, M, N, K, tiles_n, tiles_m, a.offset, sam, sak, b.offset, sbk, sbn, out.offset, scm, scn]
    for n, st in dims:
        words.append(n)
        words.extend(st)
    code = epi.code(len(words), [(a.storage, a.dtype), (b.storage, b.dtype)]) if epi is not None else None
    params = _pack(words) + (code.params if code else b"")
    variant = "tiled" if tiled else "simple"
    key = ("matmul", variant, step, a.dtype.char, b.dtype.char, out.dtype.char, len(dims), code.key if code else None)

    def build():
        src = _source(variant, step, a.dtype, b.dtype, out.dtype, len(dims), code)
        name = f"matmul_{variant}_{step}_{out.dtype.name}" + ("_epi" if code else "")
        return name, src, ["rw", "r", "r"] + (code.access if code else []), len(params)

    dev = _runtime.device()
    kern = dev.kernel(key, build)
    dev.dispatch(kern, [out.storage, a.storage, b.storage] + (code.storages if code else []), params, groups)


# ------------------------------------------------------------------------------ helpers


_COMBINE = {"dot": "add", "max": "maximum", "min": "minimum"}


def _contract_blocked(out: Leaf, a: Leaf, b: Leaf, step: str, windows) -> None:
    """``contract_into`` over operands or a result held in several buffers whose views do not fall
    in one (see _kernels/windows.py): cut in two along the dimension that spreads the largest
    such view most (M: rows of ``a`` and ``out``; N: columns of ``b`` and ``out``; K: both
    operands, the second half's product added to the first's; a batch dimension: all three)
    until every piece binds as windows."""
    nb = out.ndim - 2
    # per view, its dimensions as (batch..., M, N, K) axes of the contraction
    axes = {"out": list(range(nb)) + [nb, nb + 1], "a": list(range(nb)) + [nb, nb + 2],
            "b": list(range(nb)) + [nb + 2, nb + 1]}
    views = {"out": out, "a": a, "b": b}
    extent = list(out.shape) + [a.shape[-1]]
    worst = max((k for k, w in zip(("out", "a", "b"), windows) if w is None),
                key=lambda k: views[k].dtype.itemsize * sum((n - 1) * abs(s) for n, s in
                                                              zip(views[k].shape, views[k].strides)))
    v = views[worst]
    spread = [(n - 1) * abs(s) if n > 1 else -1 for n, s in zip(v.shape, v.strides)]
    ax = axes[worst][max(range(v.ndim), key=lambda d: spread[d])]
    if extent[ax] < 2:
        raise SizeLimitError(f"a matmul operand view of {v.shape} with strides {v.strides} spans more than one "
                             f"buffer of {_runtime.device().seg_bytes} bytes along a dimension of length 1")
    k = extent[ax] // 2
    if extent[ax] > 128:
        k -= k % 64
    halves = []
    for lo, n in ((0, k), (k, extent[ax] - k)):
        part = {}
        for name, leaf in views.items():
            if ax in axes[name]:
                d = axes[name].index(ax)
                shape = leaf.shape[:d] + (n,) + leaf.shape[d + 1:]
                part[name] = Leaf(leaf.storage, leaf.dtype, shape, leaf.strides, leaf.offset + lo * leaf.strides[d],
                                  leaf.readonly)
            else:
                part[name] = leaf
        halves.append(part)
    if ax != nb + 2:
        for part in halves:
            contract_into(part["out"], part["a"], part["b"], step)
        return
    contract_into(out, halves[0]["a"], halves[0]["b"], step)
    tmp = new_leaf(out.dtype, out.shape)
    contract_into(tmp, halves[1]["a"], halves[1]["b"], step)
    _codegen.evaluate_into(Ew(_COMBINE[step], out.dtype, out.shape, (out, tmp), out.dtype), out)
