"""ULP accuracy of gpuarray/_kernels/wgsl/f64math.wgsl and f32math.wgsl against NumPy.

One shader per function (only the library functions it reaches), all inputs in one dispatch:
random bit patterns over the whole exponent range, each function's interesting regions, and the
special values. NaN must match NaN, signed zeros must match exactly, inf must match inf.
"""
from __future__ import annotations

import numpy as np
import pytest

import wgsl_harness as h

MAX_ULP = {np.float64: 2.0, np.float32: 4.0}

SPECIAL64 = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308,
             1.7976931348622157e308, -1.7976931348622157e308, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 10.0]
SPECIAL32 = [1.401298464324817e-45, -1.401298464324817e-45, 1.1754943508222875e-38, 3.4028234663852886e38,
             -3.4028234663852886e38]


# Inputs that once failed on some driver (kept as regressions): H200 float re-association (expm1/sinh/tanh/
# asinh near 1e-8..1e-16, cosh near overflow, tan, log10), H200 f32 subnormal flushing (cbrt near 2^-126,
# atan2/hypot/pow/logaddexp with a subnormal argument or result).
REGRESSION1 = {"expm1": [1e-16, -1e-16, 1.5e-16, 3e-16, 5.6e-17, 1e-12, -3e-9], "sinh": [-2.2704993071017987e-08, 1e-8],
               "tanh": [-2.2704993071017987e-08, 3e-8], "asinh": [-2.2704993071017987e-08, 2e-8],
               "atanh": [2.2704993071017987e-08], "log1p": [1e-12, -3e-9], "cosh": [709.0, 710.0, 710.4758],
               "tan": [-649237.6496795962, 1.4068217212234157e+133], "log10": [1.0358132209932822],
               "cbrt": [1.1754943508222875e-38, -1.2095069474080723e-38, 2.0**-100, 2.0**-91]}
REGRESSION2 = {"atan2": [(7.517830335151604e-39, 3.0551726362052332e-30), (1e-39, 1e-38), (1.82e-43, 1.4695565e+06),
                         (-9.911398051154074e-40, 6.305843089461677e-44), (1e-38, 1e-39)],
               "hypot": [(-6.473998905180655e-43, -1.0349631725096232e-38), (3 * 2.0**-149, 4 * 2.0**-149)],
               "pow": [(7.2727390298458e-43, -0.9109635353088379), (-8.240451113945218e+25, 7.638337799188145e-41),
                       (0.0, 1e-45), (0.0, -1e-45), (2.0, -140.0), (0.5, 135.5)],
               "logaddexp": [(-1086406340378624.0, -1.1464866318316852e-38), (1.1161813104631181e-38, -1625.5),
                             (1e-40, -70.0), (-1e-40, -80.0)],
               "logaddexp2": [(-1086406340378624.0, -1.1464866318316852e-38), (1e-40, -100.0), (-1e-40, -120.0)]}


def _bits(rng, n, dtype):
    it = np.uint64 if dtype == np.float64 else np.uint32
    b = rng.integers(0, np.iinfo(it).max, size=n, dtype=it, endpoint=True).view(dtype)
    return b[np.isfinite(b)]


def _logu(rng, n, lo, hi, signed=True):
    """log-uniform magnitudes in [2^lo, 2^hi], random sign"""
    v = np.exp2(rng.uniform(lo, hi, n))
    return v * rng.choice([-1.0, 1.0], n) if signed else v


def unary_inputs(name: str, dtype, n_rand=12000, seed=1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    f32 = dtype == np.float32
    big = 128 if f32 else 1024
    tiny = -149 if f32 else -1074
    parts = [_bits(rng, n_rand, dtype), np.array(SPECIAL64 + SPECIAL32), _logu(rng, 2000, tiny, 0),
             rng.uniform(-1, 1, 2000), _logu(rng, 1000, -30, 30)]
    u = rng.uniform
    if name in ("exp", "expm1", "sinh", "cosh"):
        lim = 89.0 if f32 else 710.5
        parts += [u(-lim, lim, 3000), u(lim - 20, lim + 1, 1000), u(-lim - 40, -lim + 10, 1000),
                  u(-40, 40, 2000)]
    if name == "exp2":
        parts += [u(-big - 60, big + 1, 3000), np.round(u(-1100, 1100, 500)), u(-60, 60, 2000)]
    if name in ("log", "log2", "log10", "log1p", "acosh", "cbrt"):
        parts += [1 + _logu(rng, 2000, -53, -1), np.abs(_logu(rng, 3000, tiny, big)),
                  np.round(u(1, 400, 200)) * 1.0, 10.0 ** np.arange(-300 if not f32 else -37, 300 if not f32 else 38),
                  u(-1, 1, 2000), -1 + _logu(rng, 500, -53, -1, signed=False)]
    if name in ("sin", "cos", "tan"):
        k = rng.integers(1, 2**40, 2000).astype(np.float64)
        parts += [u(-10, 10, 3000), u(-1e6, 1e6, 2000), k * (np.pi / 2), np.round(u(1, 2**20, 1000)) * (np.pi / 2),
                  _logu(rng, 2000, 0, big), np.array([6381956970095103.0 * 2.0**797, 5.319372648326541e+255,
                                                      1e22, 1e300, 2.0**1023])]
    if name in ("asin", "acos", "atanh"):
        parts += [u(-1, 1, 4000), 1 - _logu(rng, 1000, -53, -1, signed=False),
                  -1 + _logu(rng, 1000, -53, -1, signed=False), u(0.45, 0.55, 500), u(-0.55, -0.45, 500)]
    if name in ("tanh", "asinh", "atan"):
        parts += [u(-25, 25, 4000), _logu(rng, 2000, -30, 8)]
    parts.append(np.array(REGRESSION1.get(name, [0.0])))
    with np.errstate(over="ignore", under="ignore"):
        return np.concatenate(parts).astype(dtype)


def binary_inputs(name: str, dtype, seed=2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    f32 = dtype == np.float32
    big = 127 if f32 else 1023
    tiny = -149 if f32 else -1074
    sp = np.array(SPECIAL64 + [0.25, -3.0, 1.5, -1.5, 0.3333333333333333, 1e-300])
    xs, ys = np.meshgrid(sp, sp)
    xs, ys = [xs.ravel()], [ys.ravel()]
    n = 12000
    xs.append(_bits(rng, n, dtype)[:10000]); ys.append(_bits(rng, n, dtype)[:10000])
    if name == "pow":
        x = _logu(rng, 6000, -20, 20, signed=False)
        y = rng.uniform(-1, 1, 6000) * (700.0 if not f32 else 88.0) / np.abs(np.log(x))
        xs += [x, rng.uniform(0, 4, 4000), -np.abs(_logu(rng, 2000, -10, 10))]
        ys += [y, rng.uniform(-60, 60, 4000), np.round(rng.uniform(-200, 200, 2000))]
        xs += [1 + _logu(rng, 2000, -40, -5)]
        ys += [_logu(rng, 2000, 5, 40)]
        xs += [np.abs(_logu(rng, 2000, tiny, big))]
        ys += [rng.uniform(-3, 3, 2000)]
    elif name in ("hypot", "atan2"):
        xs += [_logu(rng, 6000, tiny, big), rng.uniform(-2, 2, 3000)]
        ys += [_logu(rng, 6000, tiny, big), rng.uniform(-2, 2, 3000)]
    else:  # logaddexp, logaddexp2
        a = rng.uniform(-800, 800, 6000)
        xs += [a, rng.uniform(-50, 50, 4000), _logu(rng, 2000, -60, 60)]
        ys += [a + _logu(rng, 6000, -40, 6), rng.uniform(-50, 50, 4000), _logu(rng, 2000, -60, 60)]
    reg = np.array(REGRESSION2.get(name, [(0.0, 0.0)]))
    xs.append(reg[:, 0]); ys.append(reg[:, 1])
    with np.errstate(over="ignore", under="ignore"):
        return np.concatenate(xs).astype(dtype), np.concatenate(ys).astype(dtype)


UNARY = {  # name -> NumPy reference
    "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "log": np.log, "log2": np.log2, "log10": np.log10,
    "log1p": np.log1p, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos,
    "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "cbrt": np.cbrt,
}
BINARY = {"atan2": np.arctan2, "pow": np.power, "hypot": np.hypot, "logaddexp": np.logaddexp,
          "logaddexp2": np.logaddexp2}


# NumPy in x87 long double (64-bit significand) rounded once to float64 is the float64 reference where the
# platform has it: NumPy's own float64 functions are off by up to 8 ULP in places (cos near multiples of
# pi/2 at 1e255, logaddexp2 where it cancels), which would otherwise be charged to us.
_LD = np.longdouble if np.finfo(np.longdouble).nmant >= 63 else np.float64


def reference(name: str, args, dtype, *, exact=True):
    """NumPy's result; exact=True: computed in the widest float NumPy has and rounded once to dtype."""
    f = UNARY.get(name) or BINARY[name]
    with np.errstate(all="ignore"):
        if not exact:
            return f(*args)
        wide = np.float64 if dtype == np.float32 else _LD
        return f(*[a.astype(wide) for a in args]).astype(dtype)


def measure(name: str, dtype, lib: str, fn: str):
    args = [unary_inputs(name, dtype)] if name in UNARY else list(binary_inputs(name, dtype))
    got = h.run(lib, fn, args, dtype)
    want = reference(name, args, dtype)
    err = h.ulp_error(got, want)
    return args, got, want, err


def _report(name, args, got, want, err, limit):
    bad = np.argsort(-err)[:6]
    rows = [f"  in={[a[i] for a in args]!r} got={got[i]!r} want={want[i]!r} ulp={err[i]:.3g}" for i in bad
            if err[i] > limit]
    return f"{name}: max {err.max():.3g} ULP, mean {err[err < 2**60].mean():.3g}\n" + "\n".join(rows)


needs_f64 = pytest.mark.skipif(not h.has_f64(), reason="adapter has no shader-f64")


@needs_f64
@pytest.mark.parametrize("name", list(UNARY) + list(BINARY))
def test_f64(name):
    args, got, want, err = measure(name, np.float64, h.library("f64math.wgsl"), f"ga_{name}_f64")
    assert err.max() <= MAX_ULP[np.float64], _report(name, args, got, want, err, MAX_ULP[np.float64])


@pytest.mark.parametrize("name", list(UNARY) + list(BINARY))
def test_f32(name):
    args, got, want, err = measure(name, np.float32, h.library("f32math.wgsl"), f"ga_{name}_f32")
    assert err.max() <= MAX_ULP[np.float32], _report(name, args, got, want, err, MAX_ULP[np.float32])


def test_ulp_error_helper():
    a = np.array([1.0, -0.0, np.nan, np.inf, 5e-324, 1.0])
    b = np.array([np.nextafter(1.0, 2.0), 0.0, np.nan, 1.7976931348622157e308, -5e-324, np.nan])
    e = h.ulp_error(a, b)
    assert list(e[[0, 2, 4]]) == [1.0, 0.0, 2.0]
    assert e[1] >= 2**60 and e[3] >= 2**60 and e[5] >= 2**60



# ---------------------------------------------------------------------------------------------------
# float32 power through gpuarray (the fused elementwise kernel: ga_pow_f32's fast path for positive
# normal x, normal y and |y log2 x| < 120, and the general path around it), against NumPy float64 rounded
# once to float32: about 6.4 million inputs in the fast path, at its edges (|y log2 x| near 120) and
# beyond them (overflow, subnormal results), array and scalar exponents, and the special values.

POW_Y = [1.8, 2.2, 0.4545, -1.5, 3.7, 0.1, 17.0, -0.5]


def _pow_ref(x, y):
    with np.errstate(all="ignore"):
        return np.power(x.astype(np.float64), np.asarray(y, np.float32).astype(np.float64)).astype(np.float32)


def pow_array_inputs(n=250_000, seed=7):
    """x and y (float32) with z = y log2(x) spread over the fast path, its edges and past them"""
    rng = np.random.default_rng(seed)
    u = rng.uniform
    xs, zs = [], []
    x_wide = lambda m: np.exp2(u(-126, 128, m))                               # every normal binade
    x_near1 = lambda m: 1 + rng.choice([-1, 1], m) * np.exp2(u(-24, -1, m))   # x - 1 down to 2^-24
    for xf in (x_wide, x_near1):
        xs += [xf(2 * n), xf(n), xf(n), xf(n // 2), xf(n // 2)]
        zs += [u(-119.5, 119.5, 2 * n), u(-3, 3, n),                         # fast path
               rng.choice([-1, 1], n) * u(117, 123, n),                        # its edges
               u(125, 129, n // 2), u(-153, -124, n // 2)]                    # overflow, subnormal results
    x = np.concatenate(xs).astype(np.float32)
    y = (np.concatenate(zs) / np.log2(x.astype(np.float64))).astype(np.float32)
    x2 = u(0, 4, n).astype(np.float32)                                          # plain uniform inputs
    y2 = u(-30, 30, n).astype(np.float32)
    keep = np.isfinite(y)
    return np.concatenate([x[keep], x2]), np.concatenate([y[keep], y2])


def pow_scalar_inputs(n=100_000, seed=8):
    """x (float32) for a scalar exponent: every normal binade, near 1, uniform [0, 4)"""
    rng = np.random.default_rng(seed)
    return np.concatenate([np.exp2(rng.uniform(-126, 128, n)), 1 + rng.uniform(-0.3, 0.3, n),
                           1 + rng.choice([-1, 1], n) * np.exp2(rng.uniform(-24, -1, n)),
                           rng.uniform(0, 4, n)]).astype(np.float32)


def _pow_check(x, y, got, label):
    want = _pow_ref(x, y)
    err = h.ulp_error(got, want)
    args = [x, np.broadcast_to(np.asarray(y, np.float32), x.shape)]
    assert err.max() <= 1, _report(f"power {label}", args, got, want, err, 1)


def test_pow_f32_gpuarray_array_exponent():
    import gpuarray as ga
    x, y = pow_array_inputs()
    _pow_check(x, y, (ga.asarray(x) ** ga.asarray(y)).get(), "array exponent")


def test_pow_f32_gpuarray_scalar_exponent():
    import gpuarray as ga
    x = pow_scalar_inputs()
    X = ga.asarray(x)
    for yv in POW_Y + [float(np.float32(np.random.default_rng(9).uniform(-40, 40)))]:
        _pow_check(x, np.float32(yv), (X ** yv).get(), f"x ** {yv}")


def test_pow_f32_gpuarray_special():
    import gpuarray as ga
    tiny = [1e-45, 3e-44, 1e-40, 1.1754942e-38, 1.1754944e-38]
    vals = np.array([0.0, np.inf, np.nan, 1.0, 0.5, 2.0, 3.0, 0.25, 1.5, 7.0, 1e-20, 1e20, 3.4028235e38,
                     0.99999994, 1.0000001] + tiny, np.float64)
    xs = np.concatenate([vals, -vals]).astype(np.float32)
    ys = np.concatenate([vals, -vals, [0.5, 2.5, -2.5, 3.0, -3.0, 5.0, -7.0, 2.0**24, 2.0**24 + 2, 2.0**31,
                                       2.0**32, 1e10, -1e10, 127.5, 150.0, -150.0, 149.0, -149.5]]).astype(np.float32)
    x, y = [a.ravel() for a in np.meshgrid(xs, ys)]
    _pow_check(x, y, (ga.asarray(x) ** ga.asarray(y)).get(), "special values")
    for yv in (3.0, -3.0, 2.5, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45):
        _pow_check(xs, np.float32(yv), (ga.asarray(xs) ** float(yv)).get(), f"special x ** {yv}")


# ---------------------------------------------------------------------------------------------------
# Measurement for bench/accuracy.md: `python tests/test_wgsl_math.py [out.json] [--seeds N]` measures every
# function of both libraries (and the driver's f32 builtins) on the default adapter and writes per-function
# max/mean ULP, special-value mismatches and the worst inputs as JSON. `--eft` adds direct checks of the
# error-free transformations (two_sum, two_prod, ...) against exact rational arithmetic.

BUILTIN32 = {"exp": "exp", "exp2": "exp2", "log": "log", "log2": "log2", "sin": "sin", "cos": "cos", "tan": "tan",
             "asin": "asin", "acos": "acos", "atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
             "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "atan2": "atan2", "pow": "pow"}


import json  # noqa: E402  (measurement part only)


def _stats(args, got, want, err, extra_seeds=()):
    fin = err < 2**60
    bad = np.argsort(-err)[:5]
    return {"n": int(err.size), "max": float(err[fin].max()) if fin.any() else 0.0,
            "mean": float(err[fin].mean()) if fin.any() else 0.0, "special": int((~fin).sum()),
            "worst": [[[repr(float(a[i])) for a in args], repr(float(got[i])), repr(float(want[i])), float(err[i])]
                      for i in bad if err[i] > 0]}


def _measure_all(seeds=1, path=None, result=None):
    import time
    out = {"adapter": str(h.device().adapter.info if hasattr(h.device(), "adapter") else ""), "f64": {}, "f32": {},
           "builtin32": {}}
    for dt, key, lib in ((np.float64, "f64", "f64math.wgsl"), (np.float32, "f32", "f32math.wgsl")):
        if dt == np.float64 and not h.has_f64():
            continue
        for name in list(UNARY) + list(BINARY):
            t0 = time.time()
            try:
                args, got, want, err = measure(name, dt, h.library(lib), f"ga_{name}_{key}")
                st = _stats(args, got, want, err)
                st["vs_numpy_max"] = float(h.ulp_error(got, reference(name, args, dt, exact=False))[err < 2**60].max())
                for s in range(2, 1 + seeds):
                    a2 = ([unary_inputs(name, dt, n_rand=40000, seed=s)] if name in UNARY else
                          list(binary_inputs(name, dt, seed=s + 1)))
                    g2 = h.run(h.library(lib), f"ga_{name}_{key}", a2, dt)
                    e2 = h.ulp_error(g2, reference(name, a2, dt))
                    st.setdefault("seeds_max", []).append(float(e2[e2 < 2**60].max()))
                    st.setdefault("seeds_special", []).append(int((e2 >= 2**60).sum()))
            except Exception as exc:  # a driver failure in one function must not hide the others
                st = {"error": repr(exc)[:500]}
            st["s"] = round(time.time() - t0, 2)
            out[key][name] = st
            print(key, name, {k: v for k, v in st.items() if k != "worst"}, flush=True)
            if path:  # written as it goes: a run cut short still leaves its numbers
                with open(path, "w") as f:
                    json.dump({**(result or {}), **out}, f, indent=1)
    for name, b in BUILTIN32.items():
        nargs = 1 if name in UNARY else 2
        ps = ", ".join(f"a{i}: f32" for i in range(nargs))
        lib = f"fn ga_b_{name}({ps}) -> f32 {{ return {b}({', '.join(f'a{i}' for i in range(nargs))}); }}\n"
        try:
            args, got, want, err = measure(name, np.float32, lib, f"ga_b_{name}")
            out["builtin32"][name] = _stats(args, got, want, err)
        except Exception as exc:
            out["builtin32"][name] = {"error": repr(exc)[:500]}
    return out


def _eft_checks():
    """error term of each transformation vs exact arithmetic; count of wrong results out of n"""
    from fractions import Fraction
    rng = np.random.default_rng(5)
    res = {}
    for dt, key, lib in ((np.float64, "f64", "f64math.wgsl"), (np.float32, "f32", "f32math.wgsl")):
        if dt == np.float64 and not h.has_f64():
            continue
        t = "f64" if key == "f64" else "f32"
        sfx = "" if key == "f64" else "_f32"
        n = 2000
        a = (rng.uniform(-1, 1, n) * np.exp2(rng.integers(-20, 20, n))).astype(dt)
        b = (rng.uniform(-1, 1, n) * np.exp2(rng.integers(-20, 20, n))).astype(dt)
        src = h.library(lib) + "".join(
            f"fn ga_t_{nm}(a: {t}, b: {t}) -> {t} {{ return {ex}; }}\n" for nm, ex in [
                ("sum_e", f"ga__two_sum{sfx}(a, b).y"), ("fsum_e", f"ga__fast_two_sum{sfx}(max(abs(a), abs(b)), -min(abs(a), abs(b))).y"),
                ("prod_e", f"ga__two_prod{sfx}(a, b).y"), ("fma_e", "fma(a, b, -(a * b))"),
                ("opq_id", f"ga__opq{sfx}(a + b) - a"), ("naive_e", "(a - ((a + b) - ((a + b) - a))) + (b - ((a + b) - a))"),
                ("oldopq_e", f"ga_t_old_ts(a, b)")])
        # the barrier used before (an identity a compiler may prove): i | (i < i >> 1)
        ut = "u64" if key == "f64" else "u32"
        src += (f"fn ga_t_old({t.replace('f', 'x')}: {t}) -> {t} {{ let i = bitcast<{ut}>({t.replace('f', 'x')}); "
                f"return bitcast<{t}>(i | {ut}(i < (i >> 1u))); }}\n"
                f"fn ga_t_old_ts(a: {t}, b: {t}) -> {t} {{ let s = ga_t_old(a + b); let bb = ga_t_old(s - a); "
                f"return ga_t_old((a - (s - bb)) + (b - bb)); }}\n")
        for nm in ("sum_e", "fsum_e", "prod_e", "fma_e", "opq_id", "naive_e", "oldopq_e"):
            try:
                got = h.run(src, f"ga_t_{nm}", [a, b], dt)
            except Exception as exc:
                res[f"{key}_{nm}"] = repr(exc)[:300]
                continue
            bad = 0
            for x, y, g in zip(a.tolist(), b.tolist(), got.tolist()):
                X, Y = Fraction(x), Fraction(y)
                if nm == "sum_e":
                    want = X + Y - Fraction(float(dt(x) + dt(y)))
                elif nm == "fsum_e":
                    p, q = max(abs(x), abs(y)), -min(abs(x), abs(y))
                    want = Fraction(p) + Fraction(q) - Fraction(float(dt(p) + dt(q)))
                elif nm in ("prod_e", "fma_e"):
                    want = X * Y - Fraction(float(dt(x) * dt(y)))
                elif nm == "opq_id":
                    want = Fraction(float(dt(dt(x) + dt(y)) - dt(x)))
                else:
                    want = X + Y - Fraction(float(dt(x) + dt(y)))
                bad += Fraction(g) != want
            res[f"{key}_{nm}"] = f"{bad}/{n} wrong"
        # the driver's own / and sqrt against IEEE (NumPy): fraction not correctly rounded and max ULP
        x = (rng.uniform(0.5, 1, 20000) * np.exp2(rng.integers(-30, 30, 20000))).astype(dt)
        y = (rng.uniform(0.5, 1, 20000) * np.exp2(rng.integers(-30, 30, 20000))).astype(dt)
        for nm, ex, want in (("div", "a / b", x / y), ("sqrt", "sqrt(a)", np.sqrt(x))):
            src = f"fn ga_t_{nm}(a: {t}, b: {t}) -> {t} {{ return {ex}; }}\n"
            e = h.ulp_error(h.run(src, f"ga_t_{nm}", [x, y], dt), want)
            res[f"{key}_builtin_{nm}"] = f"{int((e > 0).sum())}/{e.size} not correctly rounded, max {e.max():g} ULP"
    return res


def _stages():
    """Intermediate values (as integer bits) of tan and tanh on their test inputs, plus a / b and sqrt:
    compared between adapters they show which step differs."""
    res = {}
    for dt, key, lib in ((np.float64, "f64", "f64math.wgsl"), (np.float32, "f32", "f32math.wgsl")):
        if dt == np.float64 and not h.has_f64():
            continue
        t = key
        sfx = "" if key == "f64" else "_f32"
        it = np.uint64 if key == "f64" else np.uint32
        tx = unary_inputs("tan", dt)
        th = unary_inputs("tanh", dt)
        rng = np.random.default_rng(9)
        a = (rng.uniform(0.5, 1, 20000) * np.exp2(rng.integers(-30, 30, 20000))).astype(dt)
        b = (rng.uniform(0.5, 1, 20000) * np.exp2(rng.integers(-30, 30, 20000))).astype(dt)
        stages = [("rr_n", "tan", f"ga__rem_pio2{sfx}(x).x"), ("rr_h", "tan", f"ga__rem_pio2{sfx}(x).y"),
                  ("rr_l", "tan", f"ga__rem_pio2{sfx}(x).z"),
                  ("s_h", "tan", f"ga__sin_kernel{sfx}(ga__rem_pio2{sfx}(x).y, ga__rem_pio2{sfx}(x).z).x"),
                  ("s_l", "tan", f"ga__sin_kernel{sfx}(ga__rem_pio2{sfx}(x).y, ga__rem_pio2{sfx}(x).z).y"),
                  ("c_h", "tan", f"ga__cos_kernel{sfx}(ga__rem_pio2{sfx}(x).y, ga__rem_pio2{sfx}(x).z).x"),
                  ("c_l", "tan", f"ga__cos_kernel{sfx}(ga__rem_pio2{sfx}(x).y, ga__rem_pio2{sfx}(x).z).y"),
                  ("tan", "tan", f"ga_tan{sfx if sfx else '_f64'}(x)"),
                  ("e_h", "tanh", (f"ga__expm1_dd(2.0 * abs(x)).x" if key == "f64" else "ga__expm1_ff_f32(2.0 * abs(x)).x")),
                  ("e_l", "tanh", (f"ga__expm1_dd(2.0 * abs(x)).y" if key == "f64" else "ga__expm1_ff_f32(2.0 * abs(x)).y")),
                  ("tanh", "tanh", f"ga_tanh{sfx if sfx else '_f64'}(x)"),
                  ("div", "ab", "x / y"), ("sqrt", "ab", "sqrt(x)"), ("recip", "ab", "1.0 / x")]
        for nm, kind, ex in stages:
            args = [tx] if kind == "tan" else [th] if kind == "tanh" else [a, b]
            ps = "x: T" if len(args) == 1 else "x: T, y: T"
            src = h.library(lib) + f"fn ga_s_{nm}({ps.replace('T', t)}) -> {t} {{ return {ex}; }}\n"
            try:
                got = h.run(src, f"ga_s_{nm}", args, dt)
                res[f"{key}_{nm}"] = got.view(it).tolist()
            except Exception as exc:
                res[f"{key}_{nm}"] = repr(exc)[:300]
    return res


if __name__ == "__main__":
    import sys

    argv = sys.argv[1:]
    seeds = int(argv[argv.index("--seeds") + 1]) if "--seeds" in argv else 1
    path = next((a for a in argv if a.endswith(".json")), None)
    result = {}
    if "--eft" in argv:
        result["eft"] = _eft_checks()
        print(result["eft"], flush=True)
    if "--stages" in argv:
        with open(path.replace(".json", "_stages.json"), "w") as f:
            json.dump(_stages(), f)
    result.update(_measure_all(seeds, path, result))
    if path:
        with open(path, "w") as f:
            json.dump(result, f, indent=1)
    for key in ("f64", "f32"):
        over = {k: v.get("max", v.get("error")) for k, v in result.get(key, {}).items()
                if "error" in v or v["max"] > MAX_ULP[np.float64 if key == "f64" else np.float32] or v["special"]
                or max(v.get("seeds_max", [0])) > MAX_ULP[np.float64 if key == "f64" else np.float32]}
        print(key, "OVER BOUNDS:", over)
