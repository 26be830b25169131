"""NumPy-only names of the drop-in namespace (``import gpuarray as np``).

The array API names live in the topic modules; this module fills the gaps a NumPy
script expects: dtype helpers (``finfo``, ``iinfo``, ``can_cast``, ``issubdtype`` ...,
NumPy's own), printing options (NumPy's, which ``GpuArray.__repr__`` follows),
``errstate``, array predicates (``shape``, ``ndim``, ``isscalar`` ...), comparisons
(``isclose``, ``allclose``, ``array_equal``) and small functions built from device
operations. NumPy functions without a device implementation are available as counted
host fallbacks (``gpuarray.stats().fallbacks``; see ``gpuarray.set_fallback``).

Only names no other module defines are exported: a device implementation elsewhere
always wins over the definitions here.

``errstate``/``seterr`` are NumPy's. Under NumPy's default state ('warn') device operations give
NumPy's IEEE values without its RuntimeWarnings; a state with 'raise' (or 'call', 'print',
'log') is honoured for elementwise operations as NumPy would (see ``_errstate``).
"""
from __future__ import annotations

import builtins

import numpy as np

from .._graph import dtypes as dt
from . import printing as _printing
from .._lazy.array import GpuArray
from .interop import host_fallback, namespace, to_host
from .._lazy.elementwise import apply, as_operand, assign

_NoValue = getattr(np, "_NoValue", None)


def _ga():
    return namespace()  # the package, bound at its import (it sits above this module)


def _op(x):
    return as_operand(x)


def _apply(name, *args):
    return apply(name, *args)


def _dtype_arg(x):
    """A dtype from a dtype-like or an array (GpuArray included)."""
    if isinstance(x, (GpuArray, np.ndarray, np.generic)):
        return x.dtype
    return x


# ----------------------------------------------------------------------------- NumPy's own
errstate = np.errstate
seterr, geterr, seterrcall, geterrcall = np.seterr, np.geterr, np.seterrcall, np.geterrcall
set_printoptions, get_printoptions, printoptions = np.set_printoptions, np.get_printoptions, np.printoptions
format_float_positional, format_float_scientific = np.format_float_positional, np.format_float_scientific
promote_types = np.promote_types
issubdtype = np.issubdtype
isscalar = np.isscalar
iterable = np.iterable
ndindex = np.ndindex
broadcast_shapes = np.broadcast_shapes
s_, index_exp = np.s_, np.index_exp
typename = np.typename
little_endian = np.little_endian
True_, False_ = np.True_, np.False_

# further scalar type names (dtypes are NumPy's scalar types)
int_, uint, intc, uintc = np.int_, np.uint, np.intc, np.uintc
byte, ubyte, short, ushort = np.byte, np.ubyte, np.short, np.ushort
longlong, ulonglong, half, csingle, cdouble = np.longlong, np.ulonglong, np.half, np.csingle, np.cdouble


def isdtype(dtype, kind):
    """Array API ``isdtype`` (NumPy's); accepts arrays for ``dtype`` as well."""
    return np.isdtype(np.dtype(_dtype_arg(dtype)), kind)


def finfo(type):
    """NumPy's ``finfo`` (also for a GpuArray)."""
    return np.finfo(_dtype_arg(type))


def iinfo(type):
    """NumPy's ``iinfo`` (also for a GpuArray)."""
    return np.iinfo(_dtype_arg(type))


def can_cast(from_, to, casting="safe"):
    """NumPy's ``can_cast``; ``from_`` may be a GpuArray (its dtype is used)."""
    return np.can_cast(_dtype_arg(from_), _dtype_arg(to), casting=casting)


def min_scalar_type(a):
    return np.min_scalar_type(a.get() if isinstance(a, GpuArray) else a)


def array2string(a, *args, **kwargs):
    if isinstance(a, GpuArray):
        return _printing.array2string(a, *args, **kwargs)
    return np.array2string(a, *args, **kwargs)


def array_repr(arr, *args, **kwargs):
    return _printing.array_repr(arr, *args, **kwargs) if isinstance(arr, GpuArray) else np.array_repr(arr, *args, **kwargs)


def array_str(a, *args, **kwargs):
    return _printing.array_str(a, *args, **kwargs) if isinstance(a, GpuArray) else np.array_str(a, *args, **kwargs)


# ----------------------------------------------------------------------------- predicates
def shape(a):
    return tuple(a.shape) if isinstance(a, GpuArray) else np.shape(a)


def ndim(a):
    return a.ndim if isinstance(a, GpuArray) else np.ndim(a)


def size(a, axis=None):
    if not isinstance(a, GpuArray):
        return np.size(a, axis)
    if axis is None:
        return a.size
    if isinstance(axis, tuple):
        n = 1
        for ax in axis:
            n *= a.shape[ax]
        return n
    return a.shape[axis]


def iscomplexobj(x):
    return x.dtype.kind == "c" if isinstance(x, GpuArray) else np.iscomplexobj(x)


def isrealobj(x):
    return not iscomplexobj(x)


def iscomplex(x):
    x = _op(x)
    if x.dtype.kind == "c":
        return _apply("not_equal", _apply("imag", x), 0)
    return _ga().zeros(x.shape, dtype=np.bool_)


def isreal(x):
    return _apply("logical_not", iscomplex(x))


def isfortran(a):
    return False  # GpuArrays are C-ordered (or strided views of C-ordered buffers)


# ----------------------------------------------------------------------------- comparisons
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """NumPy's ``isclose`` on the device: ``|a - b| <= atol + rtol*|b|`` (finite b), or a == b."""
    scal = (bool, int, float, complex)
    if isinstance(a, scal) and isinstance(b, scal):
        return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    x = a if isinstance(a, scal) and not isinstance(a, np.generic) else _op(a)
    y = b if isinstance(b, scal) and not isinstance(b, np.generic) else _op(b)
    if any(isinstance(v, complex) or (isinstance(v, GpuArray) and v.dtype.kind == "c") for v in (x, y)):
        return host_fallback(np.isclose, "isclose", (a, b), {"rtol": rtol, "atol": atol, "equal_nan": equal_nan})
    if isinstance(y, GpuArray):
        y = y.astype(dt.result_type(y, 1.0), copy=False)
    elif isinstance(y, int):
        y = float(y)
    for v in (rtol, atol):
        if isinstance(v, (GpuArray, np.ndarray)):
            return host_fallback(np.isclose, "isclose", (a, b), {"rtol": rtol, "atol": atol, "equal_nan": equal_nan})
    absy = _apply("absolute", y) if isinstance(y, GpuArray) else abs(y)
    tol = _apply("add", float(atol), _apply("multiply", float(rtol), absy)) if isinstance(absy, GpuArray) else float(atol) + float(rtol) * absy
    close = _apply("less_equal", _apply("absolute", _apply("subtract", x, y)), tol)
    fin_y = _apply("isfinite", y) if isinstance(y, GpuArray) else bool(np.isfinite(y))
    res = _apply("logical_or", _apply("logical_and", close, fin_y), _apply("equal", x, y))
    if equal_nan:
        nan_x = _apply("isnan", x) if isinstance(x, GpuArray) else bool(np.isnan(x))
        nan_y = _apply("isnan", y) if isinstance(y, GpuArray) else bool(np.isnan(y))
        res = _apply("logical_or", res, _apply("logical_and", nan_x, nan_y))
    return res


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    r = isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return builtins.bool(_ga().all(r)) if isinstance(r, GpuArray) else builtins.bool(np.all(r))


def array_equal(a1, a2, equal_nan=False):
    x, y = _op(a1), _op(a2)
    if x.shape != y.shape:
        return False
    eq = _apply("equal", x, y)
    if equal_nan and (x.dtype.kind in "fc" or y.dtype.kind in "fc"):
        eq = _apply("logical_or", eq, _apply("logical_and", _apply("isnan", x), _apply("isnan", y)))
    return builtins.bool(_ga().all(eq))


def array_equiv(a1, a2):
    x, y = _op(a1), _op(a2)
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return False
    return builtins.bool(_ga().all(_apply("equal", x, y)))


# ----------------------------------------------------------------------------- device functions
def copy(a, order="K", subok=False):
    return _ga().asarray(a, copy=True)


def asanyarray(a, dtype=None, order=None, *, like=None, **kw):
    return _ga().asarray(a, dtype=dtype, **kw)


def ascontiguousarray(a, dtype=None, *, like=None):
    a = _ga().asarray(a, dtype=dtype)
    if isinstance(a, GpuArray) and not a.flags["C_CONTIGUOUS"]:
        a = a.copy()
    return a


def asarray_chkfinite(a, dtype=None, order=None):
    a = _ga().asarray(a, dtype=dtype)
    if a.dtype.kind in "fc" and not builtins.bool(_ga().all(_apply("isfinite", a))):
        raise ValueError("array must not contain infs or NaNs")
    return a


def copyto(dst, src, casting="same_kind", where=True):
    """NumPy's ``copyto``: write ``src`` into ``dst`` (where ``where`` is true)."""
    if not isinstance(dst, GpuArray):
        return np.copyto(dst, to_host(src), casting=casting, where=to_host(where))
    if not (isinstance(src, (bool, int, float, complex)) and not isinstance(src, np.generic)):
        src = _op(src)
        if not np.can_cast(src.dtype, dst.dtype, casting=casting):
            raise TypeError(f"Cannot cast array data from dtype('{src.dtype}') to dtype('{dst.dtype}') "
                            f"according to the rule '{casting}'")
    if where is not True:
        src = _apply("where", where, src, dst)
    assign(dst, src)


def isposinf(x, out=None):
    x = _op(x)
    if x.dtype.kind == "c":
        raise TypeError("This operation is not supported for complex values because it would be ambiguous.")
    r = _apply("logical_and", _apply("isinf", x), _apply("logical_not", _apply("signbit", x))) if x.dtype.kind == "f" \
        else _ga().zeros(x.shape, dtype=np.bool_)
    return _out(r, out)


def isneginf(x, out=None):
    x = _op(x)
    if x.dtype.kind == "c":
        raise TypeError("This operation is not supported for complex values because it would be ambiguous.")
    r = _apply("logical_and", _apply("isinf", x), _apply("signbit", x)) if x.dtype.kind == "f" \
        else _ga().zeros(x.shape, dtype=np.bool_)
    return _out(r, out)


def _out(r, out):
    if out is None:
        return r
    assign(out, r)
    return out


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN -> ``nan``, +inf -> ``posinf`` (largest finite), -inf -> ``neginf`` (most negative finite)."""
    x = _op(x)
    if x.dtype.kind == "c":
        return host_fallback(np.nan_to_num, "nan_to_num", (x,), {"copy": copy, "nan": nan, "posinf": posinf, "neginf": neginf})
    if x.dtype.kind != "f":
        return x.copy() if copy else x
    info = np.finfo(x.dtype)
    pinf = float(info.max) if posinf is None else posinf
    ninf = float(info.min) if neginf is None else neginf
    r = _apply("where", _apply("isnan", x), float(nan), x)
    r = _apply("where", isposinf(x), float(pinf), r)
    r = _apply("where", isneginf(x), float(ninf), r)
    if r.dtype != x.dtype:
        r = r.astype(x.dtype)
    if not copy:
        assign(x, r)
        return x
    return r


def float_power(x1, x2, out=None, **kw):
    """``x1 ** x2`` computed in float64 (complex128 for complex inputs), as NumPy does."""
    if kw:
        return host_fallback(np.float_power, "float_power", (x1, x2), dict(kw, out=out) if out is not None else kw)
    d1, d2 = [_dtype_arg(v) if isinstance(v, (GpuArray, np.ndarray, np.generic)) else v for v in (x1, x2)]
    t = dt.normalize(np.result_type(d1, d2, np.float64))
    a = _op(x1).astype(t, copy=False) if not isinstance(x1, (int, float)) or isinstance(x1, builtins.bool) else x1
    b = _op(x2).astype(t, copy=False) if not isinstance(x2, (int, float)) or isinstance(x2, builtins.bool) else x2
    if not isinstance(a, GpuArray) and not isinstance(b, GpuArray):
        a = _ga().asarray(a, dtype=t)
    return _out(_apply("power", a, b), out)


def divmod(x1, x2, /, out=(None, None)):
    """``(floor_divide(x1, x2), remainder(x1, x2))`` on the device."""
    q, r = _apply("floor_divide", x1, x2), _apply("remainder", x1, x2)
    out = out if out is not None else (None, None)
    return (_out(q, out[0]), _out(r, out[1]))


def outer(a, b, out=None):
    ga = _ga()
    a, b = ga.ravel(_op(a)), ga.ravel(_op(b))
    return _out(_apply("multiply", ga.reshape(a, (a.shape[0], 1)), ga.reshape(b, (1, b.shape[0]))), out)


def amax(a, axis=None, out=None, keepdims=False, **kw):
    return _ga().max(a, axis=axis, out=out, keepdims=keepdims, **kw) if out is not None else \
        _ga().max(a, axis=axis, keepdims=keepdims, **kw)


def amin(a, axis=None, out=None, keepdims=False, **kw):
    return _ga().min(a, axis=axis, out=out, keepdims=keepdims, **kw) if out is not None else \
        _ga().min(a, axis=axis, keepdims=keepdims, **kw)


def ptp(a, axis=None, out=None, keepdims=False):
    ga = _ga()
    a = _op(a)
    return _out(_apply("subtract", ga.max(a, axis=axis, keepdims=keepdims), ga.min(a, axis=axis, keepdims=keepdims)), out)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """NumPy's ``trace``: the sum along the diagonals of the (axis1, axis2) planes."""
    ga = _ga()
    d = ga.diagonal(_op(a), offset=offset, axis1=axis1, axis2=axis2)
    r = ga.sum(d, axis=-1, dtype=dtype)
    return _out(r, out)


def diag(v, k=0):
    """The k-th diagonal of a 2-D array, or a 2-D array with 1-D ``v`` on its k-th diagonal."""
    ga = _ga()
    v = _op(v)
    if v.ndim == 2:
        return ga.diagonal(v, offset=k, axis1=0, axis2=1).copy()
    if v.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = v.shape[0] + builtins.abs(k)
    res = ga.zeros((n, n), dtype=v.dtype)
    assign(ga.diagonal(res, offset=k, axis1=0, axis2=1), v)
    return res


def diagflat(v, k=0):
    return diag(_ga().ravel(_op(v)), k)


def fabs(x, /, out=None, **kw):
    """NumPy's ``fabs``: the absolute value of real input (complex input: NumPy's TypeError)."""
    x = _op(x)
    if x.dtype.kind == "c":
        raise TypeError("ufunc 'fabs' not supported for the input types, and the inputs could not be safely "
                        "coerced to any supported types according to the casting rule ''safe''")
    if x.dtype.kind != "f":  # NumPy's loop for the dtype (int8 -> float16, int32 -> float64 ...)
        x = x.astype(dt.canonical(np.fabs(np.zeros(0, x.dtype)).dtype))
    return _ga().absolute(x, out=out, **kw) if out is not None or kw else _apply("absolute", x)


def fix(x, out=None):
    """NumPy's ``fix``: round toward zero (``trunc``; integers unchanged)."""
    x = _op(x)
    r = _apply("trunc", x) if x.dtype.kind == "f" else x.copy()
    return _out(r, out)


def asfortranarray(a, dtype=None, *, like=None):
    """A column-major copy on the device: the transposed array made contiguous, seen transposed."""
    a = _ga().asarray(a, dtype=dtype)
    if a.ndim < 2:
        return a if a.ndim == 1 else a.reshape((1,))
    return a.T.copy().T


def require(a, dtype=None, requirements=None, *, like=None):
    """NumPy's ``require``: the array in ``dtype`` with the flags asked for ('C', 'F', 'W', 'O', 'A', 'E')."""
    reqs = {str(r).upper()[:1] for r in (requirements or ())}
    if "C" in reqs and "F" in reqs:
        raise ValueError("Cannot specify both C and Fortran contiguous.")
    a = _ga().asarray(a, dtype=dtype)
    if "F" in reqs:
        f = a if a.flags["F_CONTIGUOUS"] else asfortranarray(a)
        if "O" in reqs and f is a:  # a copy of its own, still column-major
            f = a.T.copy().T if a.ndim >= 2 else a.copy()
        return f
    if "C" in reqs or "O" in reqs or ("W" in reqs and not a.flags.writeable):
        return a.copy() if "O" in reqs or not a.flags["C_CONTIGUOUS"] or not a.flags.writeable else a
    return a


def common_type(*arrays):
    """NumPy's ``common_type`` from the arrays' dtypes (no data read)."""
    return np.common_type(*[np.empty(0, x.dtype) if isinstance(x, GpuArray) else x for x in arrays])


class vectorize(np.vectorize):
    """NumPy's ``vectorize``: the Python function called per element on host copies (a counted fallback)."""

    def __call__(self, *args, **kwargs):
        return host_fallback(super().__call__, "vectorize", args, kwargs)


# ----------------------------------------------------------------------------- host fallbacks
# NumPy functions a script may call that have no device kernel (unless a module defines them):
# each runs NumPy on host copies, counted and warned about like every fallback.
_HOST_FALLBACKS = """
all any sum prod mean std var max min argmax argmin cumsum cumprod median percentile quantile
nansum nanprod nanmean nanstd nanvar nanmax nanmin nanargmax nanargmin nanmedian nanpercentile nanquantile
nancumsum nancumprod count_nonzero
concatenate concat stack hstack vstack dstack column_stack split array_split hsplit vsplit dsplit
tile repeat roll rot90 pad resize trim_zeros unstack block
sort argsort lexsort partition argpartition searchsorted unique unique_values unique_counts unique_inverse
unique_all isin nonzero flatnonzero argwhere take take_along_axis
put compress extract choose select piecewise
dot vdot inner matmul tensordot einsum einsum_path kron vecdot matvec vecmat
diff ediff1d gradient trapezoid convolve correlate interp unwrap polyfit polyval polyder polyint
histogram histogram2d histogramdd histogram_bin_edges bincount digitize cov corrcoef
logspace geomspace indices tril_indices triu_indices tril_indices_from triu_indices_from
vander sinc hanning hamming blackman bartlett real_if_close sort_complex
apply_along_axis apply_over_axes gcd lcm heaviside modf spacing divmod
load save savez savez_compressed loadtxt savetxt genfromtxt fromfile fromstring fromiter fromregex
datetime_as_string busday_count busday_offset is_busday ix_
polyadd polysub nested_iters
"""

_FALLBACK_NAMES = [n for n in _HOST_FALLBACKS.split() if callable(getattr(np, n, None))]


def _host_function(name):
    fn = getattr(np, name)

    def f(*args, **kwargs):
        return host_fallback(fn, name, args, kwargs)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"NumPy's ``{name}`` on host copies of the arguments (a counted fallback: no device kernel)."
    f._ga_host = fn
    return f


class _HostIndexTrick:
    """``mgrid``/``ogrid``/``r_``/``c_``: NumPy's, results uploaded (counted as a fallback)."""

    _ga_host = True  # (a counted fallback)

    def __init__(self, name):
        self._name = name

    def __getitem__(self, key):
        return host_fallback(lambda k: getattr(np, self._name)[k], self._name, (key,), {})


mgrid, ogrid, r_, c_ = (_HostIndexTrick(n) for n in ("mgrid", "ogrid", "r_", "c_"))

_DEFINED = [n for n in list(globals()) if not n.startswith("_") and n not in (
    "annotations", "builtins", "sys", "np", "dt", "GpuArray", "host_fallback", "to_host", "apply", "as_operand", "namespace",
    "assign")]
for _n in _FALLBACK_NAMES:
    if _n not in globals():
        globals()[_n] = _host_function(_n)
_CANDIDATES = _DEFINED + [n for n in _FALLBACK_NAMES if n not in _DEFINED]

# the package takes only what no other module provides (device implementations elsewhere take
# precedence): ``gpuarray/__init__.py`` adds these names last and keeps a name it already has
__all__ = list(_CANDIDATES)
