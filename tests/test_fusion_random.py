"""Fused (lazy) evaluation against eager evaluation and NumPy on random expression graphs.

A random program (1-3 input arrays of random dtypes, broadcast shapes and strided views, then up
to 8 elementwise steps) is evaluated three ways:
  * NumPy on host copies of the inputs (the reference),
  * gpuarray lazily: the whole expression is built and read once with ``.get()`` (one fused kernel),
  * gpuarray eagerly: every step is evaluated into its own buffer (``GpuArray._leaf()``) before the
    next one reads it (one kernel per step; checked with ``gpuarray.stats()``).

What is compared, and why not always bit for bit:
  * every eager step against NumPy applied to host copies of exactly the same device inputs: integer
    and bool results exactly, float results within a few ulps (the WGSL math libraries are within
    1-3 ulps of NumPy, bench/accuracy.md), inf and NaN exactly. This pins each operation down
    without error build-up.
  * the final lazy and eager results against the NumPy reference evaluated from the inputs. Float
    rounding differences grow along a chain (cancellation, a comparison or a float->int cast that
    flips), so the reference carries a per-element error bound (``Ref.err``) propagated through every
    step by first-order error analysis: 0 where the value is exact, a finite bound for floats, inf
    where the value is not determined by the inputs (a comparison of values closer than their error,
    a square root of a value whose error reaches below 0, ...). Elements with an infinite bound are
    not compared; everything else must agree (integers and bools exactly, floats within the bound,
    NaN and inf positions exactly). Arithmetic on inf and NaN is left undetermined here: the driver
    compiles a fused kernel as if they did not exist (see ``bound``; the cases are xfail tests at
    the end of this file).
  * lazy against eager bit for bit (NaN payloads aside) wherever the bound is 0, i.e. wherever no
    float rounding happened. Elsewhere they may legitimately differ by more than an ulp: drivers
    rewrite float expressions across the steps of one fused kernel (lavapipe turns ``(a + b) - a``
    into ``b``, see docs/ARCHITECTURE.md), so a fused kernel is not always rounded like the eager
    chain; both must still be within the bound of the reference.

Reductions reading random expressions, and random sequences of views, lazy expressions and in-place
writes on one buffer (NumPy's aliasing semantics), are tested the same way further down.
"""
from __future__ import annotations

import math
import operator
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gpuarray as ga
from gpuarray._graph.nodes import MAX_NODES, Cast, Const, Leaf
from conftest import ALL_DTYPES, sample

# the order matters only for shrinking: a failing example is reduced towards the first ones
_ORDER = [np.float32, np.int32, np.int8, np.uint8, np.float64, np.int16, np.uint16, np.uint32, np.int64,
          np.uint64, np.bool_]
DTYPES = [np.dtype(d) for d in _ORDER if d in ALL_DTYPES]
# results NumPy produces from these inputs that the device stores (float16 comes from float functions
# of bool and 8-bit integers, e.g. sqrt(int8))
RESULT_DTYPES = set(DTYPES) | {np.dtype(np.float16)}

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

# ----------------------------------------------------------------------------- programs
# A program is (inputs, steps). An input is (dtype, shape, views, value kind, seed); a step is
# (op, args, param) where an arg is ("v", index of an earlier value) or ("s", Python scalar).
ARITH = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
         "true_divide": operator.truediv, "floor_divide": operator.floordiv}
COMPARE = {"less": operator.lt, "less_equal": operator.le, "greater": operator.gt,
           "greater_equal": operator.ge, "equal": operator.eq, "not_equal": operator.ne}
FUNC2 = ("maximum", "minimum", "logical_and", "logical_or", "logical_xor")
FLOAT_FUNCS = ("sqrt", "exp", "log", "sin", "tanh")
UNARY = {"abs": operator.abs, "negative": operator.neg}
# (op, weight): the float functions are rarer (their kernels are the slowest to compile)
OP_WEIGHTS = [("add", 4), ("subtract", 3), ("multiply", 4), ("true_divide", 2), ("floor_divide", 2),
              ("maximum", 2), ("minimum", 2), ("where", 3), ("abs", 1), ("negative", 2), ("sqrt", 1),
              ("exp", 1), ("log", 1), ("sin", 1), ("tanh", 1), ("astype", 3), ("compare", 3),
              ("logical_and", 1), ("logical_or", 1), ("logical_xor", 1), ("logical_not", 1), ("power", 2),
              ("flip", 1)]
OP_NAMES = [op for op, w in OP_WEIGHTS for _ in range(w)]
INT_SCALARS = [2, 3, -1, 0, 1, 7, 100, -3, True]
FLOAT_SCALARS = [0.5, -1.5, 2.0, 0.0, -0.0, 1e-3, 3.25, math.inf, math.nan]
POWERS = [0, 1, 2, 3, 2.0, 0.5, -1, -1.0]
SIZES = [3, 17, 1, 129, 0, 2, 5]  # the first is what examples shrink to
# what programs are made of: every dtype and op, or integers and bools only (every value exact)
FULL = dict(dtypes=DTYPES, ops=OP_NAMES, scalars=(INT_SCALARS, FLOAT_SCALARS), powers=POWERS,
            results=RESULT_DTYPES)
_INTS = [d for d in DTYPES if d.kind in "biu"]
# 8- and 16-bit types twice as often: they are computed in 32 bits and wrapped after every op
_INT_INPUTS = [d for d in _INTS if d.itemsize < 4 and d.kind != "b"] * 2 + _INTS
INTEGER = dict(dtypes=_INT_INPUTS, ops=[op for op in OP_NAMES if op not in FLOAT_FUNCS and op != "true_divide"],
               scalars=(INT_SCALARS, INT_SCALARS), powers=[0, 1, 2, 3], results=set(_INTS))


def apply_step(xp, op, args, param):
    """One step on NumPy arrays (xp=np) or GpuArrays (xp=ga), through the operators where there is one."""
    if op in ARITH:
        return ARITH[op](*args)
    if op in COMPARE:
        return COMPARE[op](*args)
    if op in FUNC2 or op in FLOAT_FUNCS or op == "logical_not":
        return getattr(xp, op)(*args)
    if op in UNARY:
        return UNARY[op](args[0])
    if op == "power":
        return args[0] ** param
    if op == "astype":
        return args[0].astype(param)
    if op == "where":
        return xp.where(*args)
    if op == "flip":
        return args[0][..., ::-1]
    raise AssertionError(op)


def np_step(op, args, param):
    with np.errstate(all="ignore"):
        return np.asarray(apply_step(np, op, args, param))


def _fits(value, dtype) -> bool:
    if isinstance(value, bool) or not isinstance(value, int) or dtype.kind not in "iu":
        return True
    info = np.iinfo(dtype)
    return info.min <= value <= info.max


def _excluded(op, args, param) -> bool:
    """Constructs left out of the random programs (each is tested on its own below)."""
    arrays = [a for a in args if isinstance(a, np.ndarray)]
    scalars = [a for a in args if not isinstance(a, np.ndarray)]
    # np.where(c, int8_array, 300) wraps 300 to 44 without a warning; not a behaviour to copy
    if op == "where" and any(not _fits(s, a.dtype) for s in scalars for a in arrays[1:]):
        return True
    return False


def _clamp_bounds(src: np.dtype, dst: np.dtype):
    """Bounds, representable in ``src``, of the float values whose conversion to ``dst`` is defined."""
    lo, hi = {np.dtype(np.int32): (-2.0 ** 30, 2.0 ** 30), np.dtype(np.int64): (-2.0 ** 62, 2.0 ** 62),
              np.dtype(np.uint32): (0.0, 2.0 ** 31), np.dtype(np.uint64): (0.0, 2.0 ** 62)}.get(
        dst, (float(np.iinfo(dst).min), float(np.iinfo(dst).max)) if dst.kind == "i" else (0.0, float(np.iinfo(dst).max)))
    fmax = float(np.finfo(src).max)
    lo, hi = max(lo, -fmax), min(hi, fmax)
    # the largest value of src not above hi (float16 rounds 32767 up to 32768)
    h = np.array(hi, src)
    if float(h) > hi:
        h = np.nextafter(h, np.array(-np.inf, src))
    return lo, float(h)


@st.composite
def shapes(draw, max_ndim=3):
    nd = draw(st.sampled_from([2, 1, 3, 0][:max_ndim + 1]))
    dims = [draw(st.sampled_from(SIZES)) for _ in range(nd)]
    while math.prod(dims) > 2400:
        dims[dims.index(max(dims))] = 3
    return tuple(dims)


def _views_for(shape, draw):
    """Up to two view transforms producing an array of ``shape``, outermost first (see make_input)."""
    out, cur = [], shape
    for _ in range(draw(st.integers(0, 2))):
        choices = ["index", "bcast"] + (["step", "flip", "T"] if len(cur) >= 1 else [])
        v = draw(st.sampled_from(choices))
        if v == "step":
            out.append((v, draw(st.integers(0, len(cur) - 1))))
        elif v == "bcast":
            out.append((v, tuple(draw(st.booleans()) for _ in cur)))
        else:
            out.append((v, None))
        cur = _base_shape(cur, out[-1:])
    return out


@st.composite
def input_specs(draw, out_shape, dtypes=DTYPES):
    dtype = draw(st.sampled_from(dtypes))
    drop = draw(st.integers(0, len(out_shape))) if draw(st.integers(0, 3)) == 3 else 0  # fewer dims
    shape = tuple(1 if draw(st.integers(0, 3)) == 3 else d for d in out_shape[drop:])
    kinds = {"b": ["any"], "i": ["small", "tiny", "full"], "u": ["small", "tiny", "full"],
             "f": ["small", "unit", "ints", "special"]}[dtype.kind]
    return (dtype, shape, _views_for(shape, draw), draw(st.sampled_from(kinds)), draw(st.integers(0, 2 ** 32 - 1)))


def _base_shape(shape, views):
    """Shape of the buffer from which ``views`` (applied last-first) produce ``shape``."""
    for v, arg in views:
        if v == "index":
            shape = (2,) + shape
        elif v == "step":
            shape = shape[:arg] + (2 * shape[arg] + 1,) + shape[arg + 1:]
        elif v == "T":
            shape = shape[::-1]
        elif v == "bcast":
            shape = tuple(1 if keep1 else d for d, keep1 in zip(shape, arg))
    return shape


def _view(xp, a, v, arg, shape):
    if v == "index":
        return a[1]
    if v == "step":
        return a[(slice(None),) * arg + (slice(1, None, 2),)]
    if v == "T":
        return a.T
    if v == "flip":
        return a[..., ::-1]
    if v == "bcast":
        return xp.broadcast_to(a, shape)
    raise AssertionError(v)


def _values(shape, dtype, kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "full":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    if kind == "tiny":
        return sample(shape, dtype, rng, low=-3, high=3)
    if kind == "unit":
        return sample(shape, dtype, rng, low=-2, high=2)
    if kind == "ints":
        return rng.integers(-5, 5, size=shape, endpoint=True).astype(dtype)
    return sample(shape, dtype, rng, special=kind == "special")


def make_input(spec):
    """(host view, device view) of one input: the same view of the same data on both sides."""
    dtype, shape, views, kind, seed = spec
    shapes_ = [shape]
    for v, arg in views:  # shapes_[i] is the shape after views[i:] are undone
        shapes_.append(_base_shape(shapes_[-1], [(v, arg)]))
    base = _values(shapes_[-1], dtype, kind, seed)
    h, g = base, ga.asarray(base)
    for i in range(len(views) - 1, -1, -1):
        v, arg = views[i]
        h, g = _view(np, h, v, arg, shapes_[i]), _view(ga, g, v, arg, shapes_[i])
    assert h.shape == g.shape == shape
    return h, g


@st.composite
def programs(draw, max_steps=8, max_inputs=3, profile=FULL):
    out_shape = draw(shapes())
    inputs = [draw(input_specs(out_shape, profile["dtypes"])) for _ in range(draw(st.integers(1, max_inputs)))]
    # placeholders with the dtypes and shapes of the values: NumPy on them decides whether a step is
    # valid (NumPy raises on e.g. bool - bool, uint8 + -1) and what its result type is; never empty,
    # as NumPy skips some checks on empty arrays (int_array ** -1)
    ph = [np.zeros(tuple(max(d, 1) for d in s[1]), s[0]) for s in inputs]
    steps = []

    def value():
        return draw(st.integers(0, len(ph) - 1)) if draw(st.booleans()) else len(ph) - 1

    def operand(scalar_ok=True, last=True):
        if scalar_ok and draw(st.integers(0, 3)) == 3:
            return ("s", draw(st.sampled_from(profile["scalars"][draw(st.integers(0, 1))])))
        return ("v", value() if last else draw(st.integers(0, len(ph) - 1)))

    def add(op, args, param=None) -> bool:
        vals = [ph[a[1]] if a[0] == "v" else a[1] for a in args]
        if _excluded(op, vals, param):
            return False
        try:
            r = np_step(op, vals, param)
        except (TypeError, ValueError, OverflowError):
            return False
        if r.dtype not in profile["results"]:
            return False
        steps.append((op, tuple(args), param))
        ph.append(r)
        return True

    for _ in range(draw(st.integers(max(1, max_steps // 2), max_steps))):
        for _attempt in range(6):
            op = draw(st.sampled_from(profile["ops"]))
            if op in ARITH or op in FUNC2:
                a, b = operand(), operand(last=False)
                if a[0] == "s" and b[0] == "s":
                    b = ("v", value())
                ok = add(op, [a, b])
            elif op == "compare":
                a, b = operand(), operand(last=False)
                if a[0] == "s" and b[0] == "s":
                    a = ("v", value())
                ok = add(draw(st.sampled_from(sorted(COMPARE))), [a, b])
            elif op in UNARY or op in FLOAT_FUNCS or op == "logical_not":
                ok = add(op, [("v", value())])
            elif op == "power":
                ok = add(op, [("v", value())], draw(st.sampled_from(profile["powers"])))
            elif op == "flip":
                i = value()
                ok = ph[i].ndim >= 1 and add(op, [("v", i)])
            elif op == "where":
                # the condition: an earlier bool value, or a new comparison
                bools = [i for i, p in enumerate(ph) if p.dtype == np.bool_]
                if bools and draw(st.booleans()):
                    c = ("v", draw(st.sampled_from(bools)))
                else:
                    c0 = ("v", value())
                    if not add(draw(st.sampled_from(sorted(COMPARE))), [c0, operand()]):
                        continue
                    c = ("v", len(ph) - 1)
                ok = add("where", [c, operand(), operand()])
            else:  # astype
                i = value()
                src, dst = ph[i].dtype, draw(st.sampled_from(profile["dtypes"]))
                if dst == src:
                    continue
                if src.kind == "f" and dst.kind in "iu":
                    # float -> int is undefined in NumPy for NaN and out-of-range values: clamp first
                    lo, hi = _clamp_bounds(src, dst)
                    if not (add("equal", [("v", i), ("v", i)])
                            and add("where", [("v", len(ph) - 1), ("v", i), ("s", 0.0)])
                            and add("maximum", [("v", len(ph) - 1), ("s", lo)])
                            and add("minimum", [("v", len(ph) - 1), ("s", hi)])):
                        continue
                    i = len(ph) - 1
                ok = add("astype", [("v", i)], dst)
            if ok:
                break
    if not steps:  # every draw was rejected: one step that is always valid
        add("abs", [("v", 0)])
    return inputs, steps


# --------------------------------------------------------------------- reference and bounds
class Ref:
    """A NumPy value with a per-element bound on how far a correct implementation may be from it
    (float64; 0 = exact, inf = not determined by the inputs)."""

    __slots__ = ("a", "err")

    def __init__(self, a, err):
        self.a, self.err = a, err


def _is_float(x) -> bool:
    return isinstance(x, float) or (isinstance(x, np.ndarray) and x.dtype.kind == "f")


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _in_err(x, e, shape):
    """An input's bound broadcast to ``shape``; a nonzero float below the smallest normal counts as
    uncertain by its size (devices may flush subnormals to zero, the H200 does for float32)."""
    e = np.broadcast_to(_f64(e), shape)
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        ax = np.broadcast_to(np.abs(_f64(x)), shape)
        e = np.where((ax > 0) & (ax < np.finfo(x.dtype).tiny), np.maximum(e, ax), e)
    return e


def _safe_mul(x, e):
    """|x| * e with 0 * inf = 0 (an exact operand contributes nothing)."""
    with np.errstate(all="ignore"):
        return np.where(e == 0, 0.0, np.abs(x) * e)


def _truth_unknown(x, e):
    if _is_float(x):
        return (e > 0) & ~(np.abs(_f64(x)) > e)
    return e > 0


EXACT_OPS = {"abs", "negative", "maximum", "minimum", "where", "flip"}
PASS_THROUGH = EXACT_OPS | {"astype"}
BASIC_ULPS, FUNC_ULPS = 2.0, 8.0  # both sides round: NumPy and the device, within 1 and 3 ulps of exact


def bound(op, param, ins, r, fold_specials=True):
    """Error bound of ``r = op(ins)`` given the inputs' bounds; ins are (value, err) pairs.

    fold_specials: leave undetermined every arithmetic result that is inf or NaN or has an inf or
    NaN operand. The driver rewrites float expressions as if inf and NaN did not exist (Vulkan lets
    it): ``a - a`` -> 0, ``(a + b) - a`` -> b, ``sqrt(a) * sqrt(a)`` -> |a|, a division by a zero it
    can see -> anything (the xfail tests at the end of this file). That changes results only where
    an inf or NaN is involved; in one kernel of one op it happens only to ``x - x``, in a fused
    kernel to any op. Ops that pass values through (abs, max, where, casts ...) are kept exact."""
    shape = r.shape
    xs = [np.broadcast_to(_f64(x), shape) for x, _ in ins]
    es = [_in_err(x, e, shape) for x, e in ins]
    any_err = np.zeros(shape, bool)
    for e in es:
        any_err |= e > 0
    unknown_in = np.zeros(shape, bool)
    for e in es:
        unknown_in |= np.isinf(e)
    with np.errstate(all="ignore"):
        if r.dtype.kind != "f":
            return _bound_exact(op, param, ins, xs, es, unknown_in, shape)
        return _bound_float(op, param, ins, xs, es, any_err, r, fold_specials)


def _bound_exact(op, param, ins, xs, es, unknown_in, shape):
    """Bool and integer results: 0 where determined, inf where not."""
    unk = np.zeros(shape, bool)
    if op in COMPARE and any(_is_float(x) for x, _ in ins):
        (a, b), (ea, eb) = xs, es
        s = ea + eb
        unk = (s > 0) & ~(np.abs(a - b) > s)
    elif op.startswith("logical") or op == "astype" and np.dtype(param) == np.bool_:
        for (x, _), e in zip(ins, es):
            unk |= _truth_unknown(np.broadcast_to(x, shape) if isinstance(x, np.ndarray) else x, e)
    elif op == "astype" and _is_float(ins[0][0]):  # float -> int truncation
        a, ea = xs[0], es[0]
        unk = (ea > 0) & ~(np.trunc(a - ea) == np.trunc(a + ea))
    elif op == "where":
        c, a, b = xs
        unk = _truth_unknown(ins[0][0], es[0]) | np.where(c != 0, es[1] > 0, es[2] > 0)
        return np.where(unk, np.inf, 0.0)
    unk |= unknown_in
    return np.where(unk, np.inf, 0.0)


def _bound_float(op, param, ins, xs, es, any_err, r, fold_specials):
    d = r.dtype
    eps, tiny, fmax = float(np.finfo(d).eps), float(np.finfo(d).tiny), float(np.finfo(d).max)
    rf = _f64(r)
    ulps = BASIC_ULPS
    extra = 0.0
    unk = np.zeros(r.shape, bool)
    a, ea = xs[0], es[0]
    if op in ("add", "subtract"):
        e = es[0] + es[1]
    elif op == "multiply":
        e = _safe_mul(xs[0], es[1]) + _safe_mul(xs[1], es[0]) + es[0] * es[1]
    elif op == "true_divide":
        e, unk = _div_bound(xs[0], es[0], xs[1], es[1])
    elif op == "floor_divide":
        q = xs[0] / xs[1]
        eq, unk = _div_bound(xs[0], es[0], xs[1], es[1])
        eq = eq + 4 * eps * np.abs(q) + tiny
        # the floor is determined when q's uncertainty does not reach an integer
        unk |= np.isfinite(q) & ~(np.floor(q - eq) == np.floor(q + eq))
        e = np.zeros(r.shape)
    elif op in ("maximum", "minimum", "where"):
        if op == "where":
            unk = _truth_unknown(ins[0][0], es[0])
            e = np.where(xs[0] != 0, es[1], es[2])
        else:
            e = np.maximum(es[0], es[1])
        ulps = 0.0
    elif op in ("abs", "negative", "flip"):
        e, ulps = ea, 0.0
    elif op == "sqrt" or op == "power" and param == 0.5:
        unk = (ea > 0) & ~(a - ea > 0)
        e = ea / np.sqrt(np.maximum(a - ea, tiny))
    elif op == "exp":
        e = _safe_mul(np.exp(a), np.expm1(ea))
        # overflow is decided near log(max) by the last bits of the implementations
        unk = np.abs(a - math.log(fmax)) <= ea + 1e-3 * abs(math.log(fmax))
        ulps = FUNC_ULPS
    elif op == "log":
        unk = (ea > 0) & ~(a - ea > 0)
        e = ea / np.maximum(a - ea, tiny)
        ulps, extra = FUNC_ULPS, eps  # absolute: log is near 0 around 1
    elif op == "sin":
        e = ea.copy()
        # argument reduction: the error grows with |a|
        ulps, extra = FUNC_ULPS, 4 * eps * np.abs(np.where(np.isfinite(a), a, 0))
    elif op == "tanh":
        e, ulps = ea.copy(), FUNC_ULPS
    elif op == "power":
        p = param
        if p == 0:
            e, ulps = np.zeros(r.shape), 0.0
        elif p == 1:
            e, ulps = ea, 0.0
        elif p == 2:
            e = 2 * _safe_mul(a, ea) + ea * ea
        elif p == 3:
            e = 3 * _safe_mul(a * a, ea) + 3 * _safe_mul(a, ea * ea) + ea ** 3
            ulps = FUNC_ULPS
        elif p == -1:
            e, unk = _div_bound(np.ones(r.shape), np.zeros(r.shape), a, ea)
        else:
            raise AssertionError(p)
    elif op == "astype":
        src = ins[0][0].dtype
        e = ea
        if src.kind != "f" or src.itemsize <= d.itemsize:
            ulps = 0.0  # widening float conversions are exact; int -> float rounds the same way
    else:
        raise AssertionError(op)
    e = e + ulps * eps * np.abs(np.where(np.isfinite(rf), rf, 0)) + ulps * tiny + extra
    unk |= np.isnan(e)
    finite = np.isfinite(rf)
    if fold_specials and op not in PASS_THROUGH and not (op == "power" and param == 1):
        unk |= ~finite
        for x in xs:
            unk |= ~np.isfinite(x)
    # a non-finite result of uncertain inputs may be finite on the device (overflow) unless the op
    # passes values through unchanged
    if op not in EXACT_OPS and not (op == "power" and param in (0, 1)):
        unk |= ~finite & any_err
    unk |= finite & ~(np.abs(rf) + e < fmax)  # may overflow on one side only
    # a known inf or NaN is exact; an undetermined input stays undetermined
    e = np.where(finite | np.isinf(e), e, 0.0)
    return np.where(unk, np.inf, e)


def _div_bound(a, ea, b, eb):
    ab = np.abs(b)
    e = (_safe_mul(a, eb) + _safe_mul(b, ea)) / (ab * (ab - eb))
    e = np.where((ea == 0) & (eb == 0), 0.0, e)
    return e, (eb > 0) & ~(ab > eb)


def ref_step(op, args, param, fold_specials=True):
    """The NumPy result of a step on Ref/scalar arguments, with its bound."""
    vals = [a.a if isinstance(a, Ref) else a for a in args]
    r = np_step(op, vals, param)
    if op == "flip":
        return Ref(r, np.ascontiguousarray(np.broadcast_to(args[0].err, args[0].a.shape)[..., ::-1]))
    ins = [(a.a, a.err) if isinstance(a, Ref) else (a, 0.0) for a in args]
    return Ref(r, bound(op, param, ins, r, fold_specials))


# ---------------------------------------------------------------------------- comparison
def check_bound(got: np.ndarray, ref: Ref, what: str):
    """``got`` agrees with the reference wherever the reference is determined."""
    exp = ref.a
    assert got.shape == exp.shape, f"{what}: shape {got.shape} != {exp.shape}"
    assert got.dtype == exp.dtype, f"{what}: dtype {got.dtype} != {exp.dtype}"
    err = np.broadcast_to(ref.err, exp.shape)
    known = np.isfinite(err)
    if exp.dtype.kind != "f":
        bad = known & (got != exp)
    else:
        g, x = _f64(got), _f64(exp)
        with np.errstate(invalid="ignore"):
            same_special = (np.isnan(g) == np.isnan(x)) & (~np.isinf(x) | (g == x))
            close = np.isnan(x) | np.isinf(x) | (np.abs(g - x) <= err)
        bad = known & ~(same_special & close)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise AssertionError(f"{what}: {int(bad.sum())} of {bad.size} elements differ from NumPy, first at "
                             f"{idx}: got {got[idx]!r}, NumPy {exp[idx]!r} (allowed error {err[idx]!r})")


def check_identical(fused: np.ndarray, eager: np.ndarray, err, what: str):
    """Bit equality (NaN payloads aside) where no float rounding happened (bound 0)."""
    assert fused.dtype == eager.dtype and fused.shape == eager.shape
    exact = np.broadcast_to(err, fused.shape) == 0
    if fused.dtype.kind == "f":
        same = (fused == eager) & (np.signbit(fused) == np.signbit(eager))
        same |= np.isnan(fused) & np.isnan(eager)
    else:
        same = fused == eager
    bad = exact & ~same
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise AssertionError(f"{what}: fused and eager differ at {int(bad.sum())} exact elements, first at {idx}: "
                             f"fused {fused[idx]!r}, eager {eager[idx]!r}")


# ----------------------------------------------------------------------------- evaluation
def _resolve(vals, args):
    return [vals[a[1]] if a[0] == "v" else a[1] for a in args]


def run_reference(inputs_h, steps):
    vals = [Ref(h, np.zeros(h.shape)) for h in inputs_h]
    for op, args, param in steps:
        vals.append(ref_step(op, _resolve(vals, args), param))
    return vals


def run_lazy(inputs_g, steps):
    """The program as one expression; also the expression size of every step when it was built."""
    vals, sizes = list(inputs_g), []
    for op, args, param in steps:
        vals.append(apply_step(ga, op, _resolve(vals, args), param))
        sizes.append(vals[-1]._node.size_)
    return vals, sizes


def _stored(node) -> bool:
    """A stored operand: a buffer view or a scalar, possibly converted to the compute type."""
    if isinstance(node, Cast):
        node = node.srcs[0]
    return isinstance(node, (Leaf, Const))


def run_eager(inputs_g, steps):
    """Every step evaluated into a buffer before the next reads it; returns (values, kernels run)."""
    vals, forced = list(inputs_g), 0
    for op, args, param in steps:
        y = apply_step(ga, op, _resolve(vals, args), param)
        if y.is_lazy:
            # one op over stored operands: evaluating it runs exactly this step's kernel
            assert all(_stored(s) for s in y._node.srcs), (op, y._node)
            y._leaf()
            forced += y.size > 0  # an empty result runs nothing
        vals.append(y)
    return vals, forced


def check_program(prog):
    inputs, steps = prog
    made = [make_input(s) for s in inputs]
    hs, gs = [m[0] for m in made], [m[1] for m in made]
    ref = run_reference(hs, steps)

    with ga.stats() as s_eager:
        eager, forced = run_eager(gs, steps)
    # a dispatch per evaluated step, nothing else (no host fallback, no hidden evaluation)
    assert s_eager.dispatches == forced, (s_eager, forced)
    assert not s_eager.fallbacks

    # each eager step against NumPy on host copies of the same device operands
    host = list(hs) + [v.get() for v in eager[len(hs):]]
    for k, (op, args, param) in enumerate(steps):
        operands = [Ref(host[a[1]], np.zeros(host[a[1]].shape)) if a[0] == "v" else a[1] for a in args]
        # one op per kernel: only x - x (the same buffer twice) is folded by the driver
        same = len(args) == 2 and args[0] == args[1]
        check_bound(host[len(hs) + k], ref_step(op, operands, param, fold_specials=same),
                    f"step {k} {op}{args} {param or ''}")

    with ga.stats() as s_build:
        lazy, sizes = run_lazy(gs, steps)
    final = lazy[-1]
    with ga.stats() as s_get:
        fused = final.get()
    assert not s_build.fallbacks and not s_get.fallbacks
    if final.size and not any(op == "flip" for op, _, _ in steps):
        # views of lazy values aside, the whole program is one kernel, unless an operand grew past
        # the size bound of one kernel (then it is evaluated first)
        assert s_build.dispatches + s_get.dispatches <= max(forced, 1)
        if max(sizes) <= MAX_NODES // 2:
            assert (s_build.dispatches, s_get.dispatches) == (0, 1), (s_build, s_get)

    check_bound(fused, ref[-1], "fused")
    check_bound(host[-1], ref[-1], "eager")
    check_identical(fused, host[-1], ref[-1].err, "fused vs eager")
    # every other value too, each still an expression read as its own fused kernel (a later op, a
    # comparison say, often hides what went wrong before it)
    for k in range(len(hs), len(lazy) - 1):
        got = lazy[k].get()
        check_bound(got, ref[k], f"fused value {k}")
        check_identical(got, host[k], ref[k].err, f"fused vs eager value {k}")


@settings(max_examples=100, **SETTINGS)
@given(programs())
def test_random_graphs(prog):
    check_program(prog)


@settings(max_examples=100, **SETTINGS)
@given(programs(profile=INTEGER))
def test_random_integer_graphs(prog):
    """Integers and bools only: wrap-around of 8/16-bit values inside a fused kernel, integer
    division by zero, casts between widths; every value is exact, so every element is compared."""
    inputs, steps = prog
    ref = run_reference([make_input(s)[0] for s in inputs], steps)
    assert all(not r.err.any() for r in ref)
    check_program(prog)


# ----------------------------------------------------------------------------- reductions
REDUCTIONS = ["sum", "mean", "max", "min"]


def _final_placeholder(prog):
    inputs, steps = prog
    vals = [np.zeros(tuple(max(d, 1) for d in s[1]), s[0]) for s in inputs]
    for op, args, param in steps:
        vals.append(np_step(op, _resolve(vals, args), param))
    return vals[-1]


@st.composite
def reduction_programs(draw):
    prog = draw(programs(max_steps=4))
    nd = _final_placeholder(prog).ndim
    kind = draw(st.sampled_from(["one", "all", "tuple", "none"])) if nd else "none"
    if kind == "one":
        axis = draw(st.integers(-nd, nd - 1))
    elif kind == "tuple":
        axis = tuple(draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True)))
    elif kind == "all":
        axis = tuple(range(nd))
    else:
        axis = None
    return prog, draw(st.sampled_from(REDUCTIONS)), axis, draw(st.booleans())


def reduce_ref(name, x: Ref, axis, keepdims, fold_specials=True) -> Ref:
    """NumPy's reduction of ``x`` with a bound: rounding of any summation order, the inputs' bounds.
    fold_specials: the mean of an empty slice (0 / 0) is left undetermined when the reduction reads
    an expression: the driver may fold the expression to 0 and then 0 / n to 0 (see ``bound``)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = np.asarray(getattr(np, name)(x.a, axis=axis, keepdims=keepdims))
    e = np.broadcast_to(x.err, x.a.shape)
    n = x.a.size // max(r.size, 1) if x.a.size else 0
    if r.dtype.kind != "f":
        err = np.where(np.any(np.isinf(e), axis=axis, keepdims=keepdims), np.inf, 0.0)
        return Ref(r, err)
    a = _f64(x.a)
    with np.errstate(all="ignore"):
        if name in ("max", "min"):
            err = np.max(e, axis=axis, keepdims=keepdims, initial=0.0)
            unk = np.zeros(r.shape, bool)
        else:
            eps, fmax = float(np.finfo(r.dtype).eps), float(np.finfo(r.dtype).max)
            finite = np.isfinite(a)
            mag = np.sum(np.where(finite, np.abs(a), 0.0), axis=axis, keepdims=keepdims)
            # any summation order: each partial sum rounds once, at most n - 1 of them in a chain
            err = np.sum(e, axis=axis, keepdims=keepdims) + 2 * eps * max(n, 1) * mag
            # a partial sum may overflow in one order and not in another
            unk = ~(mag * (1 + 2 * eps * max(n, 1)) < fmax / 2)
            unk |= np.any(~finite & (e > 0), axis=axis, keepdims=keepdims)
            if name == "mean":
                err = err / max(n, 1)
                if fold_specials and n == 0:
                    unk |= True
            err = err + float(np.finfo(r.dtype).tiny) * max(n, 1)
        unk |= np.isnan(err)
        err = np.where(np.isfinite(_f64(r)) | np.isinf(err), err, 0.0)
    return Ref(r, np.where(unk, np.inf, err))


def run_reduction(name, x, axis, keepdims):
    """(result, None) or (None, exception type) for gpuarray and NumPy alike."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the mean of an empty slice
            return getattr(ga, name)(x, axis=axis, keepdims=keepdims), None
    except ValueError as exc:
        return None, type(exc)


@settings(max_examples=100, **SETTINGS)
@given(reduction_programs())
def test_random_reductions(case):
    """A reduction reading a random expression (fused into the reduction kernel) against the same
    reduction of the evaluated expression, and both against NumPy."""
    (inputs, steps), name, axis, keepdims = case
    made = [make_input(s) for s in inputs]
    hs, gs = [m[0] for m in made], [m[1] for m in made]
    eager_vals, _ = run_eager(gs, steps)
    x_host = eager_vals[-1].get()
    eager, eager_exc = run_reduction(name, eager_vals[-1], axis, keepdims)
    lazy_vals, _ = run_lazy(gs, steps)
    with ga.stats() as s:
        fused, fused_exc = run_reduction(name, lazy_vals[-1], axis, keepdims)
        fused_h = fused.get() if fused is not None else None
    assert not s.fallbacks
    try:
        ref = reduce_ref(name, run_reference(hs, steps)[-1], axis, keepdims)
    except ValueError:  # max/min of an empty axis: gpuarray raises too
        assert eager_exc is fused_exc is ValueError
        return
    assert eager_exc is fused_exc is None
    eager_h = eager.get()
    # the eager reduction against NumPy's reduction of the same device values
    check_bound(eager_h, reduce_ref(name, Ref(x_host, np.zeros(x_host.shape)), axis, keepdims, fold_specials=False),
                f"{name} eager")
    check_bound(fused_h, ref, f"{name} fused")
    check_bound(eager_h, ref, f"{name} eager (end to end)")
    check_identical(fused_h, eager_h, ref.err, f"{name} fused vs eager")


# ------------------------------------------------------------------- aliasing and in-place
# Random sequences of views, lazy expressions, in-place operators and assignments on one buffer,
# replayed on NumPy. Values stay small integers (also in float32), so every result is exact.
ALIAS_DTYPES = [np.dtype(d) for d in (np.int32, np.float32, np.int8, np.uint8, np.int16, np.int64) if d in ALL_DTYPES]
VIEW_KINDS = {
    1: ["step2", "step2_1", "rev", "tail", "head", "mid", "step3"],
    2: ["T", "row", "col", "rev", "tail", "step2", "rev_rows"],
}


def _alias_view(a, kind):
    return {"step2": lambda: a[::2], "step2_1": lambda: a[1::2], "rev": lambda: a[..., ::-1],
            "tail": lambda: a[1:], "head": lambda: a[:-1], "mid": lambda: a[1:-1], "step3": lambda: a[::-3],
            "T": lambda: a.T, "row": lambda: a[1], "col": lambda: a[:, 2], "rev_rows": lambda: a[::-1, 1:]}[kind]()


@st.composite
def alias_programs(draw):
    dtype = draw(st.sampled_from(ALIAS_DTYPES))
    shape = draw(st.sampled_from([(9,), (5, 6), (16,), (4, 7), (1030,)]))
    steps = []
    for _ in range(draw(st.integers(2, 10))):
        kind = draw(st.sampled_from(["lazy", "iop", "view", "set", "lazy", "iop", "read", "reduce"]))
        steps.append((kind, draw(st.integers(0, 63)), draw(st.integers(0, 63)), draw(st.integers(0, 63))))
    return dtype, shape, steps


def _compatible(handles, shape, dtype):
    """Handles of ``dtype`` whose shape broadcasts to ``shape`` (a sum is wider than its operand; NumPy
    refuses to write an out-of-range 0-d value into a narrower array)."""
    out = []
    for i, (g, h) in enumerate(handles):
        try:
            if h.dtype == dtype and np.broadcast_shapes(h.shape, shape) == tuple(shape):
                out.append(i)
        except ValueError:
            pass
    return out


def run_alias_program(dtype, shape, steps):
    """Replays the program on gpuarray and NumPy; returns the handle pairs (device, host)."""
    rng = np.random.default_rng(7)
    xh = rng.integers(-5, 6, size=shape).astype(dtype)
    handles = [(ga.asarray(xh), xh.copy())]  # views of the base, lazy values, their views
    log = []
    for kind, i, j, k in steps:
        g, h = handles[i % len(handles)]
        if kind == "view":
            kinds = VIEW_KINDS.get(h.ndim, [])
            if not kinds or h.size == 0:
                continue
            v = kinds[j % len(kinds)]
            if v == "col" and h.shape[1] < 3 or v == "row" and h.shape[0] < 2:
                continue
            handles.append((_alias_view(g, v), _alias_view(h, v)))
        elif kind in ("lazy", "set", "iop"):
            cands = _compatible(handles, h.shape, h.dtype)
            other = handles[cands[j % len(cands)]] if cands and k % 4 else None
            scalar = [2, -1, 3, 1][k % 4] if h.dtype.kind != "u" else [2, 7, 3, 1][k % 4]
            if kind == "lazy":
                form = k % 3
                if other is None:
                    gv, hv = g * scalar + 1, h * scalar + 1
                elif form == 0:
                    gv, hv = g + other[0], h + other[1]
                elif form == 1:
                    gv, hv = g * 2 - other[0], h * 2 - other[1]
                else:
                    gv, hv = -other[0] + g, -other[1] + h
                handles.append((gv, np.array(hv)))
            elif kind == "set":
                if other is None:
                    g[...] = scalar
                    h[...] = scalar
                elif k % 2:
                    g[...] = other[0] + 1
                    h[...] = other[1] + 1
                else:  # the value may be a lazy array reading this very buffer
                    g[...] = other[0]
                    h[...] = other[1]
            else:  # in-place operator; products only by scalars (values stay exact in float32)
                op = ["+=", "-=", "*="][j % 3]
                if op == "*=" or other is None:
                    g_val = h_val = scalar
                else:
                    g_val, h_val = other
                if op == "+=":
                    g += g_val
                    h += h_val
                elif op == "-=":
                    g -= g_val
                    h -= h_val
                else:
                    g *= g_val
                    h *= h_val
                handles[i % len(handles)] = (g, h)
        elif kind == "read":
            log.append((g.get(), h.copy()))
        elif kind == "reduce":  # may wait in the queue of deferred reductions until a later write
            # (float sums of many values would round: the max of floats)
            name = "max" if h.dtype.kind == "f" else "sum"
            axis, keep = (-1 if h.ndim else None), bool(j % 2)
            handles.append((getattr(ga, name)(g, axis=axis, keepdims=keep),
                            np.asarray(getattr(np, name)(h, axis=axis, keepdims=keep))))
    return handles, log


@settings(max_examples=150, **SETTINGS)
@given(alias_programs())
def test_random_aliasing(prog):
    """NumPy's aliasing semantics: a view sees every later write to its buffer; a lazy expression
    keeps the values its operands had when it was built, however the buffer is written later."""
    handles, log = run_alias_program(*prog)
    for got, exp in log:
        np.testing.assert_array_equal(got, exp)
        assert got.dtype == exp.dtype
    for n, (g, h) in enumerate(handles):
        got = g.get()
        assert got.dtype == h.dtype and got.shape == h.shape, (n, got.dtype, h.dtype, got.shape, h.shape)
        np.testing.assert_array_equal(got, h, err_msg=f"handle {n}")


# ------------------------------------------------------------------------- explicit cases
def test_eager_and_lazy_dispatch_counts():
    """The harness's eager mode really runs one kernel per op, its lazy mode one for the chain."""
    xh = np.linspace(-3, 3, 37).astype(np.float32)
    x = ga.asarray(xh)
    with ga.stats() as s:
        y = x * 2
        assert y.is_lazy
        y._leaf()
        z = y - x
        z._leaf()
        w = ga.tanh(z)
        w._leaf()
    assert s.dispatches == 3
    with ga.stats() as s:
        r = ga.tanh(x * 2 - x).get()
    assert s.dispatches == 1
    np.testing.assert_allclose(w.get(), np.tanh(xh * 2 - xh), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(r, np.tanh(xh * 2 - xh), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.int32, np.int8, np.float32, np.uint16])
def test_view_sees_later_inplace_write(dtype):
    xh = np.arange(11).astype(dtype)
    x = ga.asarray(xh)
    y, yh = x[::2], xh[::2]
    r, rh = x[::-1], xh[::-1]
    x += 1
    xh += 1
    np.testing.assert_array_equal(y.get(), yh)
    np.testing.assert_array_equal(r.get(), rh)
    y *= 3  # a write through the view is seen by the base
    yh *= 3
    np.testing.assert_array_equal(x.get(), xh)


@pytest.mark.parametrize("dtype", [np.int32, np.int8, np.float32, np.float64])
def test_lazy_expression_keeps_values_from_before_a_write(dtype):
    if np.dtype(dtype) not in [np.dtype(d) for d in ALL_DTYPES]:
        pytest.skip("no 64-bit support")
    xh = np.arange(-4, 9).astype(dtype)
    x = ga.asarray(xh)
    z, zh = x * 2, xh * 2
    t, th = x[1:] + x[:-1], xh[1:] + xh[:-1]
    w, wh = z + 1, zh + 1  # reads the buffer only through another lazy array
    assert z.is_lazy and t.is_lazy and w.is_lazy
    x += 1
    xh += 1
    np.testing.assert_array_equal(z.get(), zh)  # read after the write: the old values
    x[2:5] = 0
    xh[2:5] = 0
    np.testing.assert_array_equal(t.get(), th)
    np.testing.assert_array_equal(w.get(), wh)
    np.testing.assert_array_equal(x.get(), xh)
    u, uh = x - 1, xh - 1  # built after the writes: the new values
    np.testing.assert_array_equal(u.get(), uh)


OVERLAPPING = {
    "shift_right": lambda a: a.__setitem__(slice(1, None), a[:-1] + 1),
    "shift_left": lambda a: a.__setitem__(slice(None, -1), a[1:]),
    "reverse_self": lambda a: a.__setitem__(slice(None, None, -1), a),
    "odd_into_even": lambda a: a.__setitem__(slice(None, 2 * (len(a) // 2), 2), a[1::2] * 2),
    "iadd_shifted": lambda a: a[2:].__iadd__(a[:-2]),
    "isub_reversed": lambda a: a[1:-1].__isub__(a[-2:0:-1]),
    "iadd_self_view": lambda a: a[::2].__iadd__(a[::2]),
}


@pytest.mark.parametrize("dtype", [np.int32, np.int8, np.float32])
@pytest.mark.parametrize("case", sorted(OVERLAPPING))
def test_overlapping_assignment(case, dtype):
    """Writes whose value reads the target's own buffer through another view: NumPy copies first."""
    for n in (10, 1031):  # 1031: past the vectorized kernel threshold
        xh = (np.arange(n) % 23 - 11).astype(dtype)
        x = ga.asarray(xh)
        pending, pending_h = x * 3, xh * 3
        OVERLAPPING[case](x)
        OVERLAPPING[case](xh)
        np.testing.assert_array_equal(x.get(), xh)
        np.testing.assert_array_equal(pending.get(), pending_h)


def test_inplace_on_lazy_array_with_readers():
    xh = np.arange(12, dtype=np.int32).reshape(3, 4)
    x = ga.asarray(xh)
    z, zh = x * 2, xh * 2
    w, wh = z + 1, zh + 1
    z += 1
    zh += 1
    z *= x  # the other operand reads the buffer the expression came from
    zh *= xh
    x -= 5
    xh -= 5
    for g, h in ((z, zh), (w, wh), (x, xh)):
        np.testing.assert_array_equal(g.get(), h)


def test_assign_lazy_reader_into_its_own_buffer():
    # x[...] = z, where z is a lazy array reading x and still held: z keeps its value
    xh = np.arange(5, dtype=np.int32)
    x = ga.asarray(xh)
    z, zh = x * 2 + 1, xh * 2 + 1
    x[...] = z
    xh[...] = zh
    np.testing.assert_array_equal(x.get(), xh)
    np.testing.assert_array_equal(z.get(), zh)


def test_subword_view_writes():
    """int8 / bool views write single bytes of shared 32-bit words."""
    xh = np.arange(-9, 10, dtype=np.int8)
    x = ga.asarray(xh)
    x[::2] += 5
    xh[::2] += 5
    k = len(xh[1::3])
    x[1::3] = x[::3][:k] * -1
    xh[1::3] = xh[::3][:k] * -1
    np.testing.assert_array_equal(x.get(), xh)
    bh = np.zeros(13, bool)
    b = ga.asarray(bh)
    lazy_b, lazy_bh = ~b, ~bh
    b[1::2] = True
    bh[1::2] = True
    b[::3] = ~b[::3]
    bh[::3] = ~bh[::3]
    np.testing.assert_array_equal(b.get(), bh)
    np.testing.assert_array_equal(lazy_b.get(), lazy_bh)


def test_reductions_and_writes():
    """A reduction (possibly deferred) of a buffer written afterwards, and a write reading it."""
    xh = np.arange(-6, 10, dtype=np.float32).reshape(4, 4)
    x = ga.asarray(xh)
    s, sh = ga.sum(x * 2, axis=0), np.sum(xh * 2, axis=0)
    m, mh = ga.max(x, axis=1, keepdims=True), np.max(xh, axis=1, keepdims=True)
    x += 1
    xh += 1
    np.testing.assert_array_equal(s.get(), sh)
    x -= x.mean()
    xh -= xh.mean()
    x[1:] -= m[:-1]
    xh[1:] -= mh[:-1]
    np.testing.assert_array_equal(m.get(), mh)
    np.testing.assert_allclose(x.get(), xh, rtol=1e-6)


SUBWORD_CHAINS = {
    "floordiv_of_sum": lambda x: (x * 3 + x) // 7,
    "compare_of_sum": lambda x: (x + x) > x,
    "max_of_product": lambda x: abs(x * x - 1),
    "widen_product": lambda x: (x * x).astype(np.int32) + 1,
    "where_of_negation": lambda x: (-x) // 3 + (x < 0),
}


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.float16])
@pytest.mark.parametrize("name", sorted(SUBWORD_CHAINS))
def test_subword_values_wrap_inside_a_fused_kernel(name, dtype):
    """8/16-bit values are computed in 32 bits: a fused chain must wrap (float16: round) after every
    op exactly as the eager chain and NumPy do."""
    f = SUBWORD_CHAINS[name]
    if np.dtype(dtype).kind == "f":
        xh = np.linspace(-100, 100, 1031).astype(dtype)  # x * x stays finite (a cast of inf is undefined)
    else:
        info = np.iinfo(dtype)
        xh = np.linspace(info.min, info.max, 1031).astype(dtype)
    x = ga.asarray(xh)
    with np.errstate(all="ignore"):
        exp = np.asarray(f(xh))
    fused = f(x).get()
    np.testing.assert_array_equal(fused, exp)
    assert fused.dtype == exp.dtype
    # the same chain with every op evaluated on its own
    eager_ops = {"floordiv_of_sum": lambda x: _ev(_ev(_ev(x * 3) + x) // 7),
                 "compare_of_sum": lambda x: _ev(_ev(x + x) > x),
                 "max_of_product": lambda x: _ev(abs(_ev(_ev(x * x) - 1))),
                 "widen_product": lambda x: _ev(_ev(_ev(x * x).astype(np.int32)) + 1),
                 "where_of_negation": lambda x: _ev(_ev(_ev(-x) // 3) + _ev(x < 0))}
    np.testing.assert_array_equal(eager_ops[name](x).get(), fused)


def _ev(a):
    a._leaf()
    return a


# ------------------------------------------------------------------------- known bugs
# Each case below is kept out of the random programs above (see _excluded and bound).
LAVAPIPE = "llvmpipe" in ga.adapter_info()["name"]
# The folds are the driver's: Vulkan lets it assume that float operands and results are not inf or
# NaN unless a shader asks to preserve them. Seen on lavapipe, where they are strict failures;
# other drivers may or may not fold.
DRIVER_FOLD = "the driver folds float expressions as if inf/NaN did not exist; gpuarray does not fence them"


def test_compare_with_out_of_range_python_int():
    xh = np.array([0, 7, 255], np.uint8)
    x = ga.asarray(xh)
    np.testing.assert_array_equal((x < -1).get(), xh < -1)
    np.testing.assert_array_equal((x == 300).get(), xh == 300)


def test_bool_array_squared_dtype():
    bh = np.array([True, False])
    r = ga.asarray(bh) ** 2
    assert r.dtype == (bh ** 2).dtype
    np.testing.assert_array_equal(r.get(), bh ** 2)


@pytest.mark.xfail(strict=LAVAPIPE, reason=DRIVER_FOLD + ": x - x is 0 for inf and NaN (NumPy: NaN)")
def test_driver_folds_inf_and_nan_in_sums():
    xh = np.array([np.inf, -np.inf, np.nan, 1.5], np.float32)
    x = ga.asarray(xh)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal((x - x).get(), xh - xh)


@pytest.mark.xfail(strict=LAVAPIPE, reason=DRIVER_FOLD + ": fused (x + y) - x is y (NumPy: NaN for x = inf, -inf + inf)")
def test_fused_sum_reassociation_with_inf():
    xh = np.array([np.inf, np.nan, 1.0], np.float32)
    yh = np.array([-np.inf, 2.0, 3.0], np.float32)
    x, y = ga.asarray(xh), ga.asarray(yh)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(((x + y) - x).get(), (xh + yh) - xh)


@pytest.mark.xfail(strict=LAVAPIPE, reason=DRIVER_FOLD + ": fused sqrt(x) * sqrt(x) is |x| (NumPy: NaN for x < 0)")
def test_fused_sqrt_product_of_negative():
    xh = np.array([-4.0, 9.0, -np.inf], np.float32)
    x = ga.asarray(xh)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal((ga.sqrt(x) * ga.sqrt(x)).get(), np.sqrt(xh) * np.sqrt(xh))


@pytest.mark.xfail(strict=LAVAPIPE, reason=DRIVER_FOLD + ": fused x / (x - x) of int32 is 0, not +-inf")
def test_fused_division_by_folded_zero():
    xh = np.array([5, -3, 7], np.int32)
    x = ga.asarray(xh)
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal((x / (x - x)).get(), xh / (xh - xh))


@pytest.mark.xfail(strict=LAVAPIPE, reason=DRIVER_FOLD + ": mean(x - x) of an empty x is 0.0, not NaN")
def test_mean_of_empty_folded_expression():
    x = ga.asarray(np.zeros((3, 0), np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isnan(ga.mean(x - x).get())
