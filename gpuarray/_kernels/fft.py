"""Complex FFT kernels: batched transforms of contiguous rows (``transform_rows``).

A row of length n is transformed by Stockham passes (the Stockham form reorders as it goes: no bit
reversal pass). Rows that fit in workgroup memory (n up to ``local_capacity``: 2048 complex64 or
1024 complex128 with 32 KiB) are transformed by one dispatch: each workgroup loads as many whole
rows as fit, runs every pass between two halves of its workgroup memory and stores the result.
Longer rows up to capacity^2 are split four-step, n = n1 n2 (both within the capacity): one
dispatch of the same kernel transforms the n2 strided columns of length n1 and multiplies by
exp(-2 pi i k1 j2 / n) on the way out (from two tables of about sqrt(n) roots each), a second one
transforms the n1 rows of length n2 and stores them transposed: two reads and two writes of the
data whatever n. Up to capacity^3 the second factor is split again (three-step: three dispatches,
the last one storing through a two-level index). Rows beyond that take one dispatch per radix pass
over the whole batch, ping-ponging between two buffers in device memory.

n is factored into radices 8 and 4 (a radix 2 only for n = 2), 3, 5, 7, 11 and 13; each radix R has
its R-point DFT unrolled (roots of unity that are 1, -1, +-i become adds and swaps, the rest literal
constants), as a pass kernel and as a branch of the workgroup kernel (which carries the branches of
the radices its plan uses). A length with a prime factor above 13 is done by Bluestein's chirp-z:
the row times a chirp, zero-padded to a power of two m >= 2n - 1, convolved with the conjugate chirp
by two power-of-two transforms, and times the chirp again.

Twiddles are the n-th roots of unity computed in float64 on the host, rounded once to the working
precision, and uploaded once per plan (length, dtype, workgroup capacity): every pass reads its
twiddles from that one table (``W[k r n / (Ns R)]``). The inverse transform uses the same table:
conj(DFT(conj(v))).
Transforms are unnormalised (NumPy's "backward" forward transform and the inverse times n).
"""
from __future__ import annotations

import math
import string
import threading
from collections import OrderedDict

import numpy as np

from .._device import runtime as _runtime
from .._graph import dtypes as dt
from .._graph.nodes import Leaf, contiguous_strides
from . import codegen as _codegen
from . import wgsl_lib as _wgsl_lib

RADICES = (8, 4, 2, 3, 5, 7, 11, 13)  # every radix a pass may have (kernel branch order)
_WG = 64
_LWG = 256  # threads of the workgroup-memory kernel
# False: every length through one dispatch per radix pass (for A/B timings: on lavapipe the per-pass
# kernels are faster, the workgroup kernel is meant for GPUs; see bench/fft_bench.py --per-pass)
WORKGROUP_KERNEL = True
_LOCAL_MAX = 4096  # its largest length (a bound on the per-thread loop trip counts)
_MAX_PASSES = 16
_G = 5 + 2 * _MAX_PASSES  # where the workgroup kernel's layout words start
_LOCAL_WORDS = _G + 15
_PLANS: OrderedDict = OrderedDict()
_PLANS_LOCK = threading.RLock()
_MAX_PLANS = 64


def _template(name: str) -> string.Template:
    """An FFT kernel template: the shared head and ``wgsl/<name>``."""
    return string.Template(_wgsl_lib.template("fft_head.wgsl").template + _wgsl_lib.template(name).template)


def factor(n: int) -> tuple[list[int], int]:
    """The radices of n and the part left over (1: no Bluestein needed). A power of two 2^e goes in
    as few passes as radices 8 and 4 allow (a single 2 only for n = 2): e = 3a + 1 is 8^(a-1) 4 4."""
    e = (n & -n).bit_length() - 1
    n >>= e
    a, r = divmod(e, 3)
    if r == 1 and a:
        out = [8] * (a - 1) + [4, 4]
    else:
        out = [8] * a + {0: [], 1: [2], 2: [4]}[r]
    for p in RADICES[3:]:
        while n % p == 0:
            out.append(p)
            n //= p
    return out, n


def _lit(v: float, t: str) -> str:
    if t == "f32":
        return f"{float(np.float32(v))!r}f"
    return f"{float(v)!r}lf"


def _dft_code(R: int, t: str) -> str:
    """The R-point forward DFT of v0..v{R-1} into y0..y{R-1}, unrolled."""
    lines = []
    for q in range(R):
        terms = []
        for r in range(R):
            e = (r * q) % R
            if e == 0:
                terms.append(f"v{r}")
            elif 4 * e == 2 * R:
                terms.append(f"-v{r}")
            elif 4 * e == R:  # exp(-i pi/2) = -i
                terms.append(f"vec2<{t}>(v{r}.y, -v{r}.x)")
            elif 4 * e == 3 * R:  # +i
                terms.append(f"vec2<{t}>(-v{r}.y, v{r}.x)")
            else:
                a = -2.0 * math.pi * e / R
                terms.append(f"cmul(v{r}, vec2<{t}>({_lit(math.cos(a), t)}, {_lit(math.sin(a), t)}))")
        lines.append(f"  let y{q} = cj(" + " + ".join(terms) + ", inv);")
    return "\n".join(lines)


def _pass_source(R: int, t: str) -> str:
    loads = []
    for r in range(R):
        if r == 0:
            loads.append(f"  let v{r} = cj(ld(src), inv);")
        else:
            loads.append(f"  let v{r} = cj(cmul(ld(src + {r}u * nr), cj(tw({r}u * step), inv)), inv);")
    stores = [f"  st(dst + {q}u * ns, y{q});" for q in range(R)]
    return _template("fft_pass.wgsl").substitute(T=t, WG=_WG, R=R, LOADS="\n".join(loads), DFT=_dft_code(R, t), STORES="\n".join(stores))


def _local_branch(R: int, t: str) -> str:
    """One radix's butterfly inside the workgroup-memory kernel (reads sm[i0 + r nr], writes sm[o0 + q ns])."""
    lines = [f"      if (R == {R}u) {{"]
    for r in range(R):
        if r == 0:
            lines.append(f"        let v0 = cj(sm[i0], inv);")
        else:
            lines.append(f"        let v{r} = cj(cmul(sm[i0 + {r}u * nr], cj(tw({r}u * step), inv)), inv);")
    lines += ["  " * 3 + ln for ln in _dft_code(R, t).splitlines()]
    lines += [f"        sm[o0 + {q}u * ns] = y{q};" for q in range(R)]
    lines.append("      }")
    return "\n".join(lines)


def _local_source(t: str, cap: int, radices) -> str:
    """The workgroup-memory kernel with a butterfly for each radix in ``radices`` (only those a plan
    uses: a CPU driver runs every branch of a non-constant condition under a mask)."""
    branches = "\n".join(_local_branch(R, t) for R in radices)
    return _template("fft_local.wgsl").substitute(T=t, WG=_LWG, CAP=cap, CAP2=2 * cap, RADICES=branches, MAXP=_MAX_PASSES, G=_G)


def local_capacity(dtype) -> int:
    """Elements (complex) per half of the workgroup-memory kernel's ping-pong buffer: the largest
    power of two whose two halves fit the device's workgroup memory (0 where none of use fits)."""
    if not WORKGROUP_KERNEL:
        return 0
    limit = _runtime.device().limits.get("max-compute-workgroup-storage-size", 16384)
    cap = 1 << max(0, (limit // (2 * dtype.itemsize)).bit_length() - 1)
    return min(cap, _LOCAL_MAX) if cap >= 64 else 0


def _split(n: int, cap: int):
    """(n1, m), n = n1 m, for n beyond ``cap``: n1 at most ``cap`` and m either at most ``cap`` too
    (four-step; m the largest such divisor) or up to cap^2 and split in turn with both factors
    within ``cap`` (three-step); None where n fits in workgroup memory or no such split exists."""
    if n <= cap or cap == 0 or n > cap ** 3:
        return None
    if n <= cap * cap:
        for m in range(cap, 1, -1):
            if n % m == 0 and n // m <= cap:
                return n // m, m
    for n1 in range(cap, 1, -1):
        if n % n1 == 0 and n // n1 <= cap * cap and _split(n // n1, cap) is not None:
            m = n // n1
            if _split(m, cap)[1] <= cap and _split(m, cap)[0] <= cap:
                return n1, m
    return None


class _Plan:
    """What a transform of length n in one complex dtype needs: its passes (radix, Ns) and twiddle
    table, or Bluestein's chirp, the transform of the conjugate chirp (over m, divided by m) and
    the power-of-two plan of length m."""
    __slots__ = ("n", "dtype", "passes", "table", "chirp", "kernel_b", "inner", "m", "steps", "twiddle")

    def __init__(self, n: int, dtype):
        self.n, self.dtype = n, dtype
        dev = _runtime.device()
        rdt = dt.real_of(dtype)
        radices, rest = factor(n)
        self.passes, self.table, self.chirp, self.kernel_b, self.inner, self.m = [], None, None, None, None, 0
        self.steps, self.twiddle = None, None
        if rest == 1:
            cap = local_capacity(dtype)
            split = _split(n, cap)
            if split:  # four-step (two dispatches) or three-step (three), all in workgroup memory
                n1, n2 = split
                self.steps = (plan(n1, dtype), plan(n2, dtype))
                t = 1 << ((n - 1).bit_length() + 1) // 2
                self.twiddle = (t, dev.upload(_pairs(np.exp(-2j * np.pi * (np.arange((n + t - 1) // t) * t) / n), rdt)),
                                dev.upload(_pairs(np.exp(-2j * np.pi * np.arange(t, dtype=np.float64) / n), rdt)))
                return
            ns = 1
            for r in radices:
                self.passes.append((r, ns))
                ns *= r
            if self.passes:
                w = np.exp(-2j * np.pi * np.arange(n, dtype=np.float64) / n)
                self.table = dev.upload(_pairs(w, rdt))
            return
        m = 1 << (2 * n - 2).bit_length()
        k = np.arange(n, dtype=np.int64)
        chirp = np.exp(-1j * np.pi * ((k * k) % (2 * n)).astype(np.float64) / n)
        b = np.zeros(m, np.complex128)
        b[:n] = np.conj(chirp)
        b[m - n + 1:] = np.conj(chirp[1:])[::-1]
        self.m = m
        self.chirp = dev.upload(_pairs(chirp, rdt))
        self.kernel_b = dev.upload(_pairs(np.fft.fft(b) / m, rdt))
        self.inner = plan(m, dtype)


def _pairs(z: np.ndarray, rdt) -> np.ndarray:
    return np.ascontiguousarray(np.stack([z.real, z.imag], axis=-1).astype(rdt))


def plan(n: int, dtype) -> _Plan:
    """The plan of length n (cached, least recently used out; one lock: threads share the table,
    and a plan builds its sub-plans)."""
    # the capacity decides the plan's kind; a plan's tables are buffers of the device it was made on
    key = (n, dtype, local_capacity(dtype), _runtime.device())
    with _PLANS_LOCK:
        p = _PLANS.get(key)
        if p is None:
            p = _PLANS[key] = _Plan(n, dtype)
            while len(_PLANS) > _MAX_PLANS:
                _PLANS.popitem(last=False)
        else:
            _PLANS.move_to_end(key)
        return p


def _wgsl_t(dtype) -> str:
    return dt.wgsl_elem(dt.real_of(dtype))


def _stockham(p: _Plan, src, spare, rows: int, inverse: bool, keep: bool = False):
    """Run p's passes over ``rows`` rows held in ``src``; returns the buffer holding the result.
    ``spare`` (and ``src`` unless ``keep``) are overwritten; with ``keep`` a third buffer replaces
    ``src`` where the passes need one."""
    dev = _runtime.device()
    n = p.n
    t = _wgsl_t(p.dtype)
    nbytes = rows * n * p.dtype.itemsize
    if p.steps is not None:
        q1, qm = p.steps
        n1, m = q1.n, qm.n
        out = dev.alloc(nbytes) if keep else src
        # the m columns' transforms of length n1 (element j1 m + j), times exp(-2 pi i k1 j / n)
        cols = _rows(m, n, 1, m)
        _local(q1, src, spare, rows * m, inverse, (cols, cols), (p.twiddle, m))
        if qm.steps is None:  # four-step: the n1 rows' transforms of length m, stored transposed
            _local(qm, spare, out, rows * n1, inverse, (_rows(n1, n, m, 1), _rows(n1, n, 1, n1)), None)
            return out
        # three-step, m = n2 n3: row k1's m elements four-step in turn (columns j3 of length n2 times
        # exp(-2 pi i k2 j3 / m), then rows of length n3), the last step storing element k2 + n2 k3
        # of row k1 at k1 + n1 (k2 + n2 k3)
        q2, q3 = qm.steps
        n2, n3 = q2.n, q3.n
        cols = _rows(n3, m, 1, n3)
        _local(q2, spare, out, rows * n1 * n3, inverse, (cols, cols), (qm.twiddle, n3))
        dst = (n1 * n2, n, n2, 1, n1, n1 * n2)
        _local(q3, out, spare, rows * n1 * n2, inverse, (_rows(1, n3, 0, 1), dst), None)
        return spare
    if n <= local_capacity(p.dtype) and len(p.passes) <= _MAX_PASSES:
        _local(p, src, spare, rows, inverse, (_rows(1, n, 0, 1), _rows(1, n, 0, 1)), None)
        return spare
    for i, (R, ns) in enumerate(p.passes):
        k = dev.kernel(("fft_pass", R, t), lambda R=R: (f"fft_pass{R}_{t}", _pass_source(R, t), ["r", "rw", "r"], 24))
        threads = rows * (n // R)
        dev.dispatch(k, [src, spare, p.table], _codegen.param_bytes([threads, n, n // R, ns, n // (ns * R), int(inverse)]),
                     _runtime.groups_for(threads, _WG))
        nxt = dev.alloc(nbytes) if keep and i == 0 and len(p.passes) > 1 else src
        src, spare = spare, nxt
    return src


def _rows(a: int, b1: int, c: int, stride: int) -> tuple:
    """A one-level layout: sub-row q at (q / a) b1 + (q % a) c, elements ``stride`` apart."""
    return (a, b1, 1, c, 0, stride)


def _local(p: _Plan, src, dst, subrows: int, inverse: bool, layout, twiddle) -> None:
    """One dispatch of the workgroup-memory kernel: p's transform of ``subrows`` sub-rows laid out
    as ``layout`` says ((A1, B1, A2, B2, B3, S) of the input and of the output: see the kernel),
    optionally times the four-step ``twiddle`` ((T, high table, low table), modulus) on the way out."""
    dev = _runtime.device()
    t = _wgsl_t(p.dtype)
    cap = local_capacity(p.dtype)
    radices = tuple(R for R in RADICES if any(R == r for r, _ in p.passes))
    k = dev.kernel(("fft_local", t, cap, radices), lambda: (
        f"fft_local_{t}", _local_source(t, cap, radices), ["r", "rw", "r", "r", "r"], 4 * _LOCAL_WORDS))
    per = cap // p.n
    words = [subrows, p.n, per, int(inverse), len(p.passes)]
    for R, ns in p.passes:
        words += [R, ns]
    words += [0] * (_G - len(words))
    words += list(layout[0]) + list(layout[1])
    table = p.table if p.table is not None else dev.alloc(16)
    if twiddle is None:
        words += [0, 1, 1]
        hi = lo = table
    else:
        (t, hi, lo), modulus = twiddle
        words += [1, t, modulus]
    dev.dispatch(k, [src, dst, table, hi, lo], _codegen.param_bytes(words), (subrows + per - 1) // per)


def _bluestein(p: _Plan, src, rows: int, inverse: bool):
    dev = _runtime.device()
    t = _wgsl_t(p.dtype)
    n, m = p.n, p.m
    isz = p.dtype.itemsize
    a = dev.alloc(rows * m * isz)
    spare = dev.alloc(rows * m * isz)
    pre = dev.kernel(("fft_chirp_pre", t), lambda: (f"fft_chirp_pre_{t}", _template("fft_chirp_pre.wgsl").substitute(T=t, WG=_WG), ["r", "rw", "r"], 16))
    dev.dispatch(pre, [src, a, p.chirp], _codegen.param_bytes([rows * m, n, m, int(inverse)]), _runtime.groups_for(rows * m, _WG))
    first = a
    a = _stockham(p.inner, a, spare, rows, False)
    mul = dev.kernel(("fft_chirp_mul", t), lambda: (f"fft_chirp_mul_{t}", _template("fft_chirp_mul.wgsl").substitute(T=t, WG=_WG), ["rw", "r"], 8))
    dev.dispatch(mul, [a, p.kernel_b], _codegen.param_bytes([rows * m, m]), _runtime.groups_for(rows * m, _WG))
    other = spare if a is first else first
    a = _stockham(p.inner, a, other, rows, True)
    out = dev.alloc(rows * n * isz)
    post = dev.kernel(("fft_chirp_post", t), lambda: (f"fft_chirp_post_{t}", _template("fft_chirp_post.wgsl").substitute(T=t, WG=_WG), ["r", "rw", "r"], 16))
    dev.dispatch(post, [a, out, p.chirp], _codegen.param_bytes([rows * n, n, m, int(inverse)]), _runtime.groups_for(rows * n, _WG))
    return out


def transform_rows(src: Leaf, inverse: bool, keep: bool = False) -> Leaf:
    """The unnormalised DFT (``inverse``: with exp(+2 pi i jk / n)) of each last-axis row of the
    contiguous complex leaf ``src`` (offset 0): a new contiguous leaf. ``src``'s buffer may be
    overwritten unless ``keep`` (and for n = 1 the result is ``src`` itself unless ``keep``)."""
    shape = src.shape
    n = shape[-1]
    rows = int(np.prod(shape[:-1], dtype=np.int64))
    p = plan(n, src.dtype)
    dev = _runtime.device()
    if p.m:
        _runtime.check_elements(rows * p.m, "FFT (Bluestein)")
        out = _bluestein(p, src.storage, rows, inverse)  # reads src only
    else:
        _runtime.check_elements(rows * n, "FFT")
        if not p.passes and p.steps is None:
            if not keep:
                return src
            out = dev.alloc(rows * n * src.dtype.itemsize)
            dev.copy(src.storage, 0, out, 0, rows * n * src.dtype.itemsize)
        else:
            spare = dev.alloc(rows * n * src.dtype.itemsize)
            out = _stockham(p, src.storage, spare, rows, inverse, keep)
    return Leaf(out, src.dtype, shape, contiguous_strides(shape), 0)


def strided_local(n: int, dtype) -> bool:
    """Whether a transform of length n along an inner axis runs in place of the layout (the
    workgroup kernel reading and writing the strided rows directly): n fits in workgroup memory
    and needs no Bluestein step."""
    if n > local_capacity(dtype) or n < 2:
        return False
    p = plan(n, dtype)
    return not p.m and p.steps is None and 0 < len(p.passes) <= _MAX_PASSES


def transform_axis(src: Leaf, axis: int, inverse: bool) -> Leaf:
    """The unnormalised DFT along ``axis`` of the contiguous complex leaf ``src`` (offset 0; read
    only), for lengths ``strided_local`` accepts: rows at a stride of the axes after ``axis``, read
    and written where they are (neighbouring threads take neighbouring rows); a new contiguous leaf."""
    shape = src.shape
    n = shape[axis]
    post = int(np.prod(shape[axis + 1:], dtype=np.int64))
    subrows = int(np.prod(shape, dtype=np.int64)) // n
    _runtime.check_elements(subrows * n, "FFT")
    out = _runtime.device().alloc(subrows * n * src.dtype.itemsize)
    lay = _rows(post, n * post, 1, post)
    _local(plan(n, src.dtype), src.storage, out, subrows, inverse, (lay, lay), None)
    return Leaf(out, src.dtype, shape, contiguous_strides(shape), 0)


_HALF_TABLES: OrderedDict = OrderedDict()


def _half_table(n: int, dtype):
    """exp(-2 pi i k / n) for k = 0 .. n/2, in float64 rounded once (cached per length and dtype)."""
    key = (n, dtype, _runtime.device())
    with _PLANS_LOCK:
        t = _HALF_TABLES.get(key)
        if t is None:
            w = np.exp(-2j * np.pi * np.arange(n // 2 + 1, dtype=np.float64) / n)
            t = _HALF_TABLES[key] = _runtime.device().upload(_pairs(w, dt.real_of(dtype)))
            if len(_HALF_TABLES) > _MAX_PLANS:
                _HALF_TABLES.popitem(last=False)
        return t


def _lits(t: str) -> dict:
    return dict(T=t, WG=_WG, HALF="0.5f" if t == "f32" else "0.5lf", ZERO="0.0f" if t == "f32" else "0.0lf")


def rfft_rows(src: Leaf, cdtype, keep: bool = False) -> Leaf:
    """The n/2 + 1 non-negative frequencies of the unnormalised DFT of each row of the contiguous
    real leaf ``src`` (offset 0, even n; its buffer overwritten unless ``keep``): the rows read as complex
    rows of n/2 (the same bytes), one complex transform of length n/2, and one combining pass."""
    shape = src.shape
    n = shape[-1]
    h = n // 2
    rows = int(np.prod(shape[:-1], dtype=np.int64))
    z = transform_rows(Leaf(src.storage, cdtype, shape[:-1] + (h,), contiguous_strides(shape[:-1] + (h,)), 0), False, keep)
    dev = _runtime.device()
    t = _wgsl_t(cdtype)
    out_shape = shape[:-1] + (h + 1,)
    out = dev.alloc(rows * (h + 1) * cdtype.itemsize)
    k = dev.kernel(("fft_r2c", t), lambda: (f"fft_r2c_{t}", _template("fft_r2c.wgsl").substitute(_lits(t)), ["r", "rw", "r"], 8))
    _runtime.check_elements(rows * (h + 1), "FFT")
    dev.dispatch(k, [z.storage, out, _half_table(n, cdtype)], _codegen.param_bytes([rows * (h + 1), h]),
                 _runtime.groups_for(rows * (h + 1), _WG))
    return Leaf(out, cdtype, out_shape, contiguous_strides(out_shape), 0)


def irfft_rows(src: Leaf, n: int) -> Leaf:
    """The real inverse DFT (unnormalised: n times NumPy's "backward" irfft) of length n (even) of
    each row of the contiguous complex leaf ``src`` of n/2 + 1 half-spectrum terms: one pass
    combining them into a complex row of n/2, its inverse transform, read as n reals."""
    shape = src.shape
    h = n // 2
    rows = int(np.prod(shape[:-1], dtype=np.int64))
    cdtype = src.dtype
    dev = _runtime.device()
    t = _wgsl_t(cdtype)
    zshape = shape[:-1] + (h,)
    z = dev.alloc(rows * h * cdtype.itemsize)
    k = dev.kernel(("fft_c2r", t), lambda: (f"fft_c2r_{t}", _template("fft_c2r.wgsl").substitute(_lits(t)), ["r", "rw", "r"], 8))
    _runtime.check_elements(rows * h, "FFT")
    dev.dispatch(k, [src.storage, z, _half_table(n, cdtype)], _codegen.param_bytes([rows * h, h]),
                 _runtime.groups_for(rows * h, _WG))
    res = transform_rows(Leaf(z, cdtype, zshape, contiguous_strides(zshape), 0), True)
    rshape = shape[:-1] + (n,)
    return Leaf(res.storage, dt.real_of(cdtype), rshape, contiguous_strides(rshape), 0)
