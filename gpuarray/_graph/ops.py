"""The elementwise op table: one entry per operation, with its dtype rule and its WGSL
expression per dtype kind. This is the single home for what each op computes.

Expressions: ``$0``, ``$1``, ``$2`` are operands (already cast to the compute type),
``$S`` the compute type's suffix (f32, f64, i32, c64 ...), ``$T`` its WGSL type,
``$Z``/``$O`` its typed zero/one. Calls to ``ga_*`` functions are pulled from the
helper library (_wgsl_lib); if a helper is missing (say f64 math on a device where
it is not yet provided) the op runs on the host as a counted fallback.

Kinds: b bool, i signed int, u unsigned int, f real float, c complex.
Dtype rules:
  promote   result = NumPy promotion of the inputs; computed in it
  float     like promote, then integers/bool go to a float (NumPy's table: f16/f32/f64 by size)
  divide    like float, but integers/bool always go to the default float
  compare   computed in the promoted type, result bool
  logical   inputs as bool, result bool
  bitwise   integer/bool only
  same      one input, result of its type
  abs       like same, complex -> its real type
  nobool    like same/promote, bool computed as int8 (NumPy's square, reciprocal)
  int       integer/bool only, one input
  count     integer (bool computed as int8), result uint8 (NumPy's bitwise_count)
  predicate one float input (ints pass through as float), result bool
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import dtypes as dt
from . import nodes as _nodes


@dataclass(frozen=True)
class OpDef:
    name: str
    nin: int
    rule: str
    expr: dict  # kind letters -> WGSL expression
    kinds: str = "biufc"  # dtype kinds accepted
    numpy: tuple = field(default=())  # NumPy ufunc names mapping here (besides `name`)
    # Floating-point error flags (NumPy's divide/overflow/invalid RuntimeWarnings), see _errstate.
    # fpe: None when the op never raises one; else the op is checked on real floats: a NaN from
    # operands without NaN is 'invalid', an infinity from finite operands is 'divide' where the
    # condition ``fpe`` holds (WGSL over $0/$1, "" = never) and 'overflow' otherwise.
    fpe: str | None = None
    fpe_int: int = 0  # flags (bits of _errstate) raised on integer operands where ``fpe`` holds
    fpe_from: tuple = ()  # the operands whose finiteness makes an infinity an error (() = all)
    # the same classification on complex values (a NaN or an infinity in either part), for the
    # complex transcendentals: "true" where an infinity from finite operands is 'divide' (a pole),
    # "" where it is 'overflow'; None: complex results are not checked
    fpe_c: str | None = None


def _op(name, nin, rule, expr, kinds=None, numpy=(), fpe=None, fpe_int=0, fpe_from=(), fpe_c=None):
    if kinds is None:
        kinds = "".join(sorted({k for key in expr for k in key}))
    return OpDef(name, nin, rule, expr, kinds, tuple(numpy), fpe, fpe_int, tuple(fpe_from), fpe_c)


_TR = "ga_{}_$S($0)"  # a transcendental from the helper library
_TC = "ga_c{}_$S($0)"  # its complex form (the library's complex_math section)

OPS: dict[str, OpDef] = {}
for _d in [
    # arithmetic
    _op("add", 2, "promote", {"b": "($0 || $1)", "iufc": "($0 + $1)"}, fpe=""),
    _op("subtract", 2, "promote", {"iufc": "($0 - $1)"}, fpe=""),
    _op("multiply", 2, "promote", {"b": "($0 && $1)", "iuf": "($0 * $1)", "c": "ga_cmul_$S($0, $1)"}, fpe=""),
    _op("divide", 2, "divide", {"f": "($0 / $1)", "c": "ga_cdiv_$S($0, $1)"}, numpy=("true_divide",), fpe="$1 == $Z"),
    _op("floor_divide", 2, "nobool", {"iuf": "ga_floordiv_$S($0, $1)"}, fpe="$1 == $Z", fpe_int=1),
    _op("remainder", 2, "nobool", {"iuf": "ga_mod_$S($0, $1)"}, numpy=("mod",), fpe="$1 == $Z", fpe_int=1),
    _op("fmod", 2, "nobool", {"i": "ga_fmod_$S($0, $1)", "u": "select($0 % $1, $Z, $1 == $Z)", "f": "ga_fmod_$S($0, $1)"}, fpe="$1 == $Z", fpe_int=1),
    _op("power", 2, "nobool", {"iu": "ga_ipow_$S($0, $1)", "f": "ga_pow_$S($0, $1)", "c": "ga_cpow_$S($0, $1)"}, numpy=("pow",), fpe="$0 == $Z"),
    _op("negative", 1, "same", {"ifc": "(-$0)", "u": "($Z - $0)"}, kinds="iufc"),
    _op("positive", 1, "same", {"iufc": "$0"}),
    _op("absolute", 1, "abs", {"b": "$0", "iuf": "abs($0)", "c": "ga_cabs_$S($0)"}, numpy=("abs",)),
    _op("square", 1, "nobool", {"iuf": "($0 * $0)", "c": "ga_cmul_$S($0, $0)"}, fpe=""),
    _op("reciprocal", 1, "nobool", {"f": "($O / $0)", "i": "ga_irecip_$S($0)", "u": "select($Z, $O / $0, $0 != $Z)", "c": "ga_cdiv_$S($T(1.0, 0.0), $0)"}, fpe="$0 == $Z", fpe_int=5),
    _op("sign", 1, "same", {"i": "sign($0)", "u": "select($Z, $O, $0 != $Z)", "f": "ga_sign_$S($0)", "c": "ga_csign_$S($0)"}),
    _op("conj", 1, "nobool", {"iuf": "$0", "c": "ga_conj_$S($0)"}, numpy=("conjugate",)),
    # comparisons (`!=` is built as !(==): the SPIR-V ordered not-equal is false for NaN)
    _op("equal", 2, "compare", {"biuf": "($0 == $1)", "c": "all($0 == $1)"}),
    _op("not_equal", 2, "compare", {"biuf": "!($0 == $1)", "c": "!all($0 == $1)"}),
    _op("less", 2, "compare", {"iuf": "($0 < $1)", "c": "ga_clt_$S($0, $1)"}, kinds="biufc"),
    _op("less_equal", 2, "compare", {"iuf": "($0 <= $1)", "c": "ga_cle_$S($0, $1)"}, kinds="biufc"),
    _op("greater", 2, "compare", {"iuf": "($0 > $1)", "c": "ga_cgt_$S($0, $1)"}, kinds="biufc"),
    _op("greater_equal", 2, "compare", {"iuf": "($0 >= $1)", "c": "ga_cge_$S($0, $1)"}, kinds="biufc"),
    _op("maximum", 2, "promote", {"b": "($0 || $1)", "iu": "max($0, $1)", "f": "ga_maximum_$S($0, $1)", "c": "ga_cmaximum_$S($0, $1)"}),
    _op("minimum", 2, "promote", {"b": "($0 && $1)", "iu": "min($0, $1)", "f": "ga_minimum_$S($0, $1)", "c": "ga_cminimum_$S($0, $1)"}),
    _op("fmax", 2, "promote", {"b": "($0 || $1)", "iu": "max($0, $1)", "f": "ga_fmax_$S($0, $1)", "c": "ga_cfmax_$S($0, $1)"}),
    _op("fmin", 2, "promote", {"b": "($0 && $1)", "iu": "min($0, $1)", "f": "ga_fmin_$S($0, $1)", "c": "ga_cfmin_$S($0, $1)"}),
    # logical and bitwise
    _op("logical_and", 2, "logical", {"b": "($0 && $1)"}, kinds="biufc"),
    _op("logical_or", 2, "logical", {"b": "($0 || $1)"}, kinds="biufc"),
    _op("logical_xor", 2, "logical", {"b": "($0 != $1)"}, kinds="biufc"),
    _op("logical_not", 1, "logical", {"b": "(!$0)"}, kinds="biufc"),
    _op("bitwise_and", 2, "bitwise", {"b": "($0 && $1)", "iu": "($0 & $1)"}),
    _op("bitwise_or", 2, "bitwise", {"b": "($0 || $1)", "iu": "($0 | $1)"}),
    _op("bitwise_xor", 2, "bitwise", {"b": "($0 != $1)", "iu": "($0 ^ $1)"}),
    _op("gcd", 2, "promote", {"i": "ga_gcd_$S($0, $1)", "u": "ga_gcd_$S($0, $1)"}, kinds="iu"),
    _op("lcm", 2, "promote", {"i": "ga_lcm_$S($0, $1)", "u": "ga_lcm_$S($0, $1)"}, kinds="iu"),
    _op("bitwise_count", 1, "count", {"iu": "ga_popcount_$S($0)"}),
    _op("invert", 1, "bitwise", {"b": "(!$0)", "iu": "(~$0)"}, numpy=("bitwise_not", "bitwise_invert")),
    _op("left_shift", 2, "shift", {"iu": "ga_shl_$S($0, $1)"}, numpy=("bitwise_left_shift",)),
    _op("right_shift", 2, "shift", {"iu": "ga_shr_$S($0, $1)"}, numpy=("bitwise_right_shift",)),
    # rounding
    _op("floor", 1, "same", {"biu": "$0", "f": "floor($0)"}),
    _op("ceil", 1, "same", {"biu": "$0", "f": "ceil($0)"}),
    _op("trunc", 1, "same", {"biu": "$0", "f": "trunc($0)"}),
    _op("rint", 1, "float", {"f": "round($0)", "c": "ga_crint_$S($0)"}),
    # predicates
    _op("isnan", 1, "predicate", {"biu": "($0 != $0)", "f": "ga_isnan_$S($0)", "c": "(ga_isnan_$RS($0.x) || ga_isnan_$RS($0.y))"}),
    _op("isinf", 1, "predicate", {"biu": "($0 != $0)", "f": "ga_isinf_$S($0)", "c": "(ga_isinf_$RS($0.x) || ga_isinf_$RS($0.y))"}),
    _op("isfinite", 1, "predicate", {"biu": "($0 == $0)", "f": "ga_isfinite_$S($0)", "c": "(ga_isfinite_$RS($0.x) && ga_isfinite_$RS($0.y))"}),
    _op("signbit", 1, "float_predicate", {"f": "ga_signbit_$S($0)"}),
    # float functions
    _op("sqrt", 1, "float", {"f": "sqrt($0)", "c": "ga_csqrt_$S($0)"}, fpe="", fpe_c="true"),
    _op("cbrt", 1, "float", {"f": "ga_cbrt_$S($0)"}),
    _op("exp", 1, "float", {"f": _TR.format("exp"), "c": _TC.format("exp")}, fpe="", fpe_c=""),
    _op("exp2", 1, "float", {"f": _TR.format("exp2"), "c": _TC.format("exp2")}, fpe="", fpe_c=""),
    _op("expm1", 1, "float", {"f": _TR.format("expm1"), "c": _TC.format("expm1")}, fpe="", fpe_c=""),
    _op("log", 1, "float", {"f": _TR.format("log"), "c": _TC.format("log")}, fpe="true", fpe_c="true"),
    _op("log2", 1, "float", {"f": _TR.format("log2"), "c": _TC.format("log2")}, fpe="true", fpe_c="true"),
    _op("log10", 1, "float", {"f": _TR.format("log10"), "c": _TC.format("log10")}, fpe="true", fpe_c="true"),
    _op("log1p", 1, "float", {"f": _TR.format("log1p"), "c": _TC.format("log1p")}, fpe="true", fpe_c="true"),
    _op("sin", 1, "float", {"f": _TR.format("sin"), "c": _TC.format("sin")}, fpe="", fpe_c=""),
    _op("cos", 1, "float", {"f": _TR.format("cos"), "c": _TC.format("cos")}, fpe="", fpe_c=""),
    _op("tan", 1, "float", {"f": _TR.format("tan"), "c": _TC.format("tan")}, fpe="", fpe_c="true"),
    _op("arcsin", 1, "float", {"f": _TR.format("asin"), "c": _TC.format("asin")}, numpy=("asin",), fpe="", fpe_c="true"),
    _op("arccos", 1, "float", {"f": _TR.format("acos"), "c": _TC.format("acos")}, numpy=("acos",), fpe="", fpe_c="true"),
    _op("arctan", 1, "float", {"f": _TR.format("atan"), "c": _TC.format("atan")}, numpy=("atan",), fpe_c="true"),
    _op("sinh", 1, "float", {"f": _TR.format("sinh"), "c": _TC.format("sinh")}, fpe="", fpe_c=""),
    _op("cosh", 1, "float", {"f": _TR.format("cosh"), "c": _TC.format("cosh")}, fpe="", fpe_c=""),
    _op("tanh", 1, "float", {"f": _TR.format("tanh"), "c": _TC.format("tanh")}, fpe_c="true"),
    _op("arcsinh", 1, "float", {"f": _TR.format("asinh"), "c": _TC.format("asinh")}, numpy=("asinh",), fpe_c="true"),
    _op("arccosh", 1, "float", {"f": _TR.format("acosh"), "c": _TC.format("acosh")}, numpy=("acosh",), fpe="", fpe_c="true"),
    _op("arctanh", 1, "float", {"f": _TR.format("atanh"), "c": _TC.format("atanh")}, numpy=("atanh",), fpe="true", fpe_c="true"),
    _op("arctan2", 2, "float", {"f": "ga_atan2_$S($0, $1)"}, numpy=("atan2",)),
    _op("hypot", 2, "float", {"f": "ga_hypot_$S($0, $1)"}),
    _op("logaddexp", 2, "float", {"f": "ga_logaddexp_$S($0, $1)"}),
    _op("logaddexp2", 2, "float", {"f": "ga_logaddexp2_$S($0, $1)"}),
    _op("copysign", 2, "float", {"f": "ga_copysign_$S($0, $1)"}),
    # NaN for NaN, 0 below zero, 1 above, x2 at (either signed) zero
    _op("heaviside", 2, "float", {"f": "select(select(select($1, $O, $0 > $Z), $Z, $0 < $Z), $0, ga_isnan_$S($0))"}),
    # float16 is computed in f32: its own steps, on its bits
    _op("nextafter", 2, "float", {"f": "ga_nextafter_$S($0, $1)", "=float16": "ga_nextafter16($0, $1)"}, kinds="f",
        fpe="", fpe_from=(0,)),
    _op("deg2rad", 1, "float", {"f": "($0 * 0.017453292519943295$L)"}, numpy=("radians",), fpe=""),
    _op("rad2deg", 1, "float", {"f": "($0 * 57.29577951308232$L)"}, numpy=("degrees",), fpe=""),
    # parts of NumPy's frexp/ldexp (internal: their exponent operand or result is an integer, so the
    # namespace's frexp/ldexp, _api/float_parts.py, pass it as a float of the loop's type)
    _op("_frexp_mantissa", 1, "float", {"f": "ga_frexpm_$S($0)"}),
    _op("_frexp_exponent", 1, "float", {"f": "ga_frexpe_$S($0)"}),
    _op("_ldexp", 2, "float", {"f": "ga_ldexp_$S($0, $1)"}, fpe="", fpe_from=(0,)),
    # complex parts
    _op("real", 1, "real", {"biuf": "$0", "c": "$0.x"}),
    _op("imag", 1, "real", {"biuf": "$Z", "c": "$0.y"}),
    # selection
    _op("where", 3, "where", {"biufc": "select($2, $1, $0)"}),
]:
    OPS[_d.name] = _d

# the word of the device's floating-point flag buffer each op's flags go to (0: casts)
FPE_SLOT = {name: i + 1 for i, name in enumerate(OPS)}

# NumPy spellings -> canonical op name
ALIASES = {alias: d.name for d in OPS.values() for alias in d.numpy}
# the ops whose float form is a transcendental of the math library (tens of ordinary ops of code
# each) weigh more in the bound on a reduction's fused expression (see _graph/nodes.py OP_WEIGHT)
LIBRARY_OP_WEIGHT = 4
TRANSCENDENTAL = ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos",
                  "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "arctan2", "hypot", "logaddexp",
                  "logaddexp2", "cbrt", "power")
_nodes.OP_WEIGHT.update({name: LIBRARY_OP_WEIGHT for name in TRANSCENDENTAL})


def lookup(name: str) -> OpDef:
    return OPS[ALIASES.get(name, name)]


def _float_for(t: np.dtype) -> np.dtype:
    """NumPy's result type of a float function of an integer/bool input."""
    if t.kind in "fc":
        return t
    if t.itemsize == 1:  # NumPy's loop table: float16 for bool/8-bit, float32 for 16-bit
        return dt.float16
    if t.itemsize == 2:
        return dt.float32
    return dt.default_float()


def no_loop(name: str, dtypes) -> Exception:
    """NumPy's exception for a ufunc without a loop for ``dtypes`` (the numeric ufuncs' type
    resolver raises a plain TypeError with this message)."""
    return TypeError(f"ufunc '{name}' not supported for the input types, and the inputs could not be safely "
                     f"coerced to any supported types according to the casting rule ''safe''")


def _no_loop(name, in_dtypes, scalars) -> Exception:
    """NumPy's UFuncTypeError (no loop) for these operands."""
    return no_loop(name, list(in_dtypes) + [type(s) for s in scalars])


def resolve_types(op: OpDef, in_dtypes: list, scalars: list) -> tuple[np.dtype, np.dtype]:
    """(compute dtype, result dtype) for an op on arrays of ``in_dtypes``; ``scalars`` holds the
    Python scalars among the operands (weak types, NEP 50). Raises TypeError like NumPy for
    dtype kinds the op does not take. Complex inputs pass here even where there is no kernel:
    ``apply`` sends those to the host (NumPy decides whether they are valid)."""
    if op.rule == "where":
        ct = dt.result_type(*in_dtypes, *scalars)
        return ct, ct
    if op.rule == "logical":
        return dt.bool_, dt.bool_
    promoted = dt.result_type(*in_dtypes, *scalars) if (in_dtypes or scalars) else dt.default_float()
    ct, rt = promoted, promoted
    if op.rule == "float":
        if len(in_dtypes) > 1 and promoted.kind in "iub" and not any(isinstance(s, (float, complex)) for s in scalars):
            # NumPy's loop is the smallest float every operand converts to safely, not the float
            # of the promoted integer: uint8 with int8 is float16 (int16 would give float32)
            ct = rt = dt.result_type(*[_float_for(t) for t in in_dtypes])
        else:
            ct = rt = _float_for(promoted)
    elif op.rule == "float_predicate":  # integers are tested as the float NumPy converts them to
        ct, rt = _float_for(promoted), dt.bool_
    elif op.rule == "divide":  # true division of integers is always in the default float
        ct = rt = promoted if promoted.kind in "fc" else dt.default_float()
    elif op.rule in ("compare", "predicate"):
        rt = dt.bool_
        if promoted == dt.bool_ and op.name in ("less", "less_equal", "greater", "greater_equal"):
            ct = dt.uint8  # WGSL has no ordering on bool
    elif op.rule == "real":
        rt = dt.real_of(promoted)
    elif op.rule == "abs":
        rt = ct = promoted
        if promoted.kind == "c":
            rt = dt.real_of(promoted)
    elif op.rule == "count":
        ct, rt = (dt.int8 if promoted == dt.bool_ else promoted), dt.uint8
    elif op.rule in ("nobool", "shift"):  # NumPy computes these on bool as int8
        if promoted == dt.bool_:
            ct = rt = dt.int8
        if op.rule == "shift" and ct.kind not in "iu":
            raise _no_loop(op.name, in_dtypes, scalars)
    if ct.kind not in op.kinds and ct.kind != "c":
        raise _no_loop(op.name, in_dtypes, scalars)
    return ct, rt


def expression(op: OpDef, ct: np.dtype) -> str | None:
    """The WGSL expression template of ``op`` for compute dtype ``ct`` (None if not defined): the
    one keyed "=<dtype name>" where there is one, else the one whose key holds ``ct``'s kind."""
    e = op.expr.get("=" + ct.name)
    if e is not None:
        return e
    k = ct.kind
    for key, e in op.expr.items():
        if k in key and key[0] != "=":
            return e
    return None
