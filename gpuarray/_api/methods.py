"""GpuArray's operators and methods, installed on the class (defined in ``_array``) by this
module, which sits above the topic modules they call: ``_array`` holds the array's data and
evaluation and is imported by every topic module to make and recognize arrays, so it cannot
import them. ``import gpuarray`` imports this module before any array exists.

Lower modules that need an operation of a higher one on an array call the array's own method
or operator (``x.reshape(...)``, ``x.any()``, ``x[...] = v``): the dispatch goes through the
class, never through an upward import."""
from __future__ import annotations

import types

import numpy as np

from .._device import fallback as _fallback
from .._graph import dtypes as dt
from . import array_methods as _am
from .advanced import getitem, nonzero, setitem
from .._lazy.array import GpuArray
from .creation import asarray, full
from . import host_dtypes
from .._lazy.elementwise import apply, apply_inplace, astype, clip, conj, copy_array, imag, real, round
from .._device import runtime as _runtime
from .._device.handle import handle_of
from .._lazy.placement import call_on_device, follow, to_device as _to_device
from .interop import array_function, array_ufunc, namespace
from .linalg import dot, matmul, trace_method
from .manipulation import (diagonal_method, flatten, permute_dims, ravel, repeat, reshape_method, squeeze,
                           swapaxes, transpose_method)
from .printing import array_repr, array_str
from .reinterpret import view as view_as
from . import reductions as _r
from .sorting import argsort, sort_inplace

_API_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12", "2025.12")


# ---------------------------------------------------------------------- attributes
def _device(self):
    return handle_of(self._dev)


def _T(self) -> GpuArray:
    return permute_dims(self, tuple(range(self.ndim))[::-1])


def _mT(self) -> GpuArray:
    if self.ndim < 2:
        raise ValueError("matrix transpose with ndim < 2 is undefined")
    return swapaxes(self, -1, -2)


def _real(self):
    return real(self)


def _imag(self):
    return imag(self)


def _data(self):
    # NumPy's ``.data`` is a buffer over host memory; a device array has none to hand out
    # (AttributeError: ``hasattr(x, "data")`` stays False for duck-typing checks)
    raise AttributeError("a GpuArray's elements live on the device: it has no host buffer (.data); "
                         "use x.get() or numpy.asarray(x) for a NumPy array, x.tobytes() for bytes")


for _name, _get in (("device", _device), ("T", _T), ("mT", _mT), ("real", _real), ("imag", _imag), ("data", _data)):
    setattr(GpuArray, _name, property(_get))


# ---------------------------------------------------------------------- protocols
def __repr__(self):
    return array_repr(self)


def __str__(self):
    return array_str(self)


def __reduce__(self):
    return (host_dtypes.asarray, (self.get(),))  # the namespace's asarray: its public path, gpuarray.asarray


def __array_namespace__(self, api_version=None):
    if api_version is not None and api_version not in _API_VERSIONS:
        raise ValueError(f"unsupported array API version {api_version!r}")
    return namespace()


def to_device(self, device, /, *, stream=None):
    return _to_device(self, device)


def __getitem__(self, key):
    return getitem(self, key)


def __setitem__(self, key, value):
    setitem(self, key, value)


def _astype(self, dtype, copy=True, casting="unsafe", **kw):
    try:
        return astype(self, dtype, copy=copy, casting=casting)
    except TypeError:
        try:
            host_dtype = dt.host_only(np.dtype(dtype))
        except TypeError:
            host_dtype = False
        if not host_dtype:
            raise
    # strings, dates, objects, records: NumPy's array on the host (see host_dtypes), a counted fallback
    _fallback.note("astype")
    return self.get().astype(dtype, casting=casting)


def copy(self, order="C"):
    return copy_array(self)


def view(self, dtype=None, type=None):
    return view_as(self, dtype, type)


def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
    return array_ufunc(ufunc, method, inputs, kwargs)


def __array_function__(self, func, types, args, kwargs):
    return array_function(func, types, args, kwargs)


_astype.__name__ = "astype"
for _f in (__repr__, __str__, __reduce__, __array_namespace__, to_device, __getitem__, __setitem__, _astype, copy,
           view, __array_ufunc__, __array_function__):
    _f.__qualname__ = f"GpuArray.{_f.__name__}"  # (as if defined in the class body: help(), tracebacks)
    setattr(GpuArray, _f.__name__, _f if _f in (__repr__, __str__, __array_namespace__, to_device) else follow(_f))

# ndarray's attributes and methods beyond the operators (_api/array_methods.py)
GpuArray.flags = property(_am.flags)
GpuArray.flat = property(_am.get_flat, _am.set_flat)
GpuArray.shape = property(GpuArray.shape.fget, _am.set_shape)
for _name, _f in (("setflags", _am.setflags), ("resize", _am.resize), ("tobytes", _am.tobytes),
                  ("tofile", _am.tofile), ("dump", _am.dump), ("dumps", _am.dumps), ("byteswap", _am.byteswap),
                  ("take", _am.take), ("put", _am.put_method), ("compress", _am.compress), ("choose", _am.choose),
                  ("searchsorted", _am.searchsorted), ("ptp", _am.ptp), ("partition", _am.partition_inplace),
                  ("argpartition", _am.argpartition), ("itemset", _am.itemset), ("__contains__", _am.contains),
                  ("__delitem__", _am.delitem)):
    _f.__name__, _f.__qualname__ = _name, f"GpuArray.{_name}"
    setattr(GpuArray, _name, follow(_f))

GpuArray.__class_getitem__ = classmethod(lambda cls, item: types.GenericAlias(cls, item))  # gpuarray.ndarray[...]

# ---------------------------------------------------------------------- methods by table
_METHODS = {
    "reshape": reshape_method, "transpose": transpose_method, "swapaxes": swapaxes, "squeeze": squeeze,
    "flatten": flatten, "ravel": ravel, "repeat": repeat,
    "sum": _r.sum, "prod": _r.prod, "mean": _r.mean, "var": _r.var, "std": _r.std, "min": _r.min, "max": _r.max,
    "any": _r.any, "all": _r.all, "argmin": _r.argmin, "argmax": _r.argmax, "cumsum": _r.cumsum,
    "cumprod": _r.cumprod,
    "clip": clip, "round": round, "conj": conj, "conjugate": conj,
    "dot": dot, "nonzero": nonzero, "sort": sort_inplace, "argsort": argsort,
    "diagonal": diagonal_method, "trace": trace_method,
}


def _make_method(fn, name):
    def method(self, *args, **kwargs):
        if _runtime.MULTI:  # (on the array's device)
            return call_on_device(fn, (self, *args), kwargs)
        return fn(self, *args, **kwargs)

    method.__name__ = name
    return method


for _name, _fn in _METHODS.items():
    setattr(GpuArray, _name, _make_method(_fn, _name))

# operators by table: dunder -> op name
_BINARY = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide", "floordiv": "floor_divide",
    "mod": "remainder", "pow": "power", "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
    "lshift": "left_shift", "rshift": "right_shift",
}
_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal", "eq": "equal", "ne": "not_equal"}
_UNARY = {"neg": "negative", "pos": "positive", "abs": "absolute", "invert": "invert"}
# Python lists and tuples are operands as NumPy reads them (asarray, then broadcasting, with
# NumPy's errors): ``as_operand`` in apply converts them
_OPERAND_TYPES = (GpuArray, bool, int, float, complex, np.ndarray, np.generic, list, tuple)


def _binary(opname):
    def fwd(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return apply(opname, self, other)

    def rev(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return apply(opname, other, self)

    def inplace(self, other):
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        if _runtime.MULTI:  # (on the array's device)
            call_on_device(apply_inplace, (opname, self, other), {})
        else:
            apply_inplace(opname, self, other)
        return self

    return fwd, rev, inplace


for _d, _op in _BINARY.items():
    _f, _rv, _i = _binary(_op)
    setattr(GpuArray, f"__{_d}__", _f)
    setattr(GpuArray, f"__r{_d}__", _rv)
    setattr(GpuArray, f"__i{_d}__", _i)


def _operator_pow(self, other, _pow=GpuArray.__pow__):
    """``**``: the power op, except for NumPy's own shortcut: ``x ** 2`` with the Python int 2 is
    np.square(x) in NumPy (ndarray.__pow__), not power(x, 2). They differ for bool only, where
    square gives int8 and power (bool promoted with the int) int64; np.power and the namespace's
    power keep int64. For complex arrays NumPy's shortcut takes ``x ** 0.5`` as sqrt (an exact zero
    real part on the negative axis, where exp(0.5 log x) leaves 1e-16), ``x ** 2`` as square and
    ``x ** -1`` as reciprocal."""
    kind = self._node.dtype.kind
    if type(other) is int and other == 2 and kind in "bc":
        return apply("square", self)
    if kind == "c" and ((type(other) is float and other == 0.5) or (type(other) is int and other == -1)):
        return apply("sqrt" if other == 0.5 else "reciprocal", self)
    return _pow(self, other)


GpuArray.__pow__ = _operator_pow
for _d, _op in _COMPARE.items():
    setattr(GpuArray, f"__{_d}__", _binary(_op)[0])


def _object_equality(opname):
    """``==``/``!=`` with None or a string: NumPy compares elementwise as objects (never equal)."""
    fwd = getattr(GpuArray, f"__{'eq' if opname == 'equal' else 'ne'}__")

    def cmp(self, other):
        if other is None or isinstance(other, str):
            with _runtime.using(self._dev):  # (on the array's device)
                return full(self.shape, opname == "not_equal", dtype=dt.bool_)
        return fwd(self, other)

    return cmp


GpuArray.__eq__ = _object_equality("equal")
GpuArray.__ne__ = _object_equality("not_equal")
for _d, _op in _UNARY.items():

    def _u(self, _op=_op):
        return apply(_op, self)

    setattr(GpuArray, f"__{_d}__", _u)


def _matmul(self, other):
    if not isinstance(other, (GpuArray, np.ndarray, list, tuple)):
        return NotImplemented
    return matmul(self, other)


def _rmatmul(self, other):
    if not isinstance(other, (GpuArray, np.ndarray, list, tuple)):
        return NotImplemented
    return matmul(other, self)


def _imatmul(self, other):
    res = matmul(self, other)
    if res.shape != self.shape:
        raise ValueError("matmul: in-place result has a different shape")
    self[...] = res
    return self


def _divmod(self, other):
    return apply("floor_divide", self, other), apply("remainder", self, other)


def _rdivmod(self, other):
    return apply("floor_divide", other, self), apply("remainder", other, self)


GpuArray.__matmul__ = follow(_matmul)
GpuArray.__rmatmul__ = follow(_rmatmul)
GpuArray.__imatmul__ = follow(_imatmul)
GpuArray.__divmod__ = _divmod
GpuArray.__rdivmod__ = _rdivmod

__all__: list[str] = []
