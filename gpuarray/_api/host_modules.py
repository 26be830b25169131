"""NumPy's names that hold no numeric device data: scalar types of non-numeric dtypes, type tables,
NumPy's helper modules, the string and record modules (``char``, ``strings``, ``rec``,
``core.records``), whose functions are counted host fallbacks, and the ``ma`` module (masked arrays:
``_api/masked.py``) (their string and record results
stay NumPy arrays on the host; numeric results, such as ``char.str_len``, come to the device)."""
from __future__ import annotations

import sys
import types

import numpy as np

from .host import host_fallback
from . import masked as _masked

# scalar types of the dtypes that live on the host (``np.dtype(gpuarray.str_)`` works as NumPy's)
datetime64, timedelta64, void, str_, bytes_, object_ = (np.datetime64, np.timedelta64, np.void, np.str_, np.bytes_,
                                                       np.object_)
character, flexible, record = np.character, np.flexible, np.record
long, ulong, longdouble, clongdouble = np.long, np.ulong, np.longdouble, np.clongdouble
ScalarType, sctypeDict, typecodes = np.ScalarType, np.sctypeDict, np.typecodes
busdaycalendar, recarray = np.busdaycalendar, np.recarray
flatiter = np.flatiter  # the type of ``ndarray.flat`` for NumPy arrays
broadcast = np.broadcast  # shapes and host iteration; ``broadcast_arrays`` is the device form

# functions of numbers, strings or dtypes (no array data)
base_repr, binary_repr, datetime_data, mintypecode = np.base_repr, np.binary_repr, np.datetime_data, np.mintypecode
get_include, getbufsize, setbufsize, info = np.get_include, np.getbufsize, np.setbufsize, np.info
show_config, show_runtime = np.show_config, np.show_runtime
frompyfunc = np.frompyfunc  # a NumPy ufunc: on GpuArrays it runs through the general host fallback

# NumPy's modules of types, exceptions, annotations and test helpers (they accept GpuArrays through __array__)
dtypes, exceptions, typing, testing = np.dtypes, np.exceptions, np.typing, np.testing


def _host_module(name: str, source, doc: str) -> types.ModuleType:
    """A module with ``source``'s public names: functions as counted host fallbacks (named
    ``<name>.<function>``), classes and constants as NumPy's."""
    mod = types.ModuleType(f"gpuarray.{name}", doc)
    for attr in getattr(source, "__all__", None) or [n for n in dir(source) if not n.startswith("_")]:
        obj = getattr(source, attr)
        if callable(obj) and not isinstance(obj, type):
            obj = _host_function(obj, f"{name}.{attr}")
        setattr(mod, attr, obj)
    sys.modules[mod.__name__] = mod
    return mod


def _host_function(fn, name):
    def f(*args, **kwargs):
        return host_fallback(fn, name, args, kwargs)

    f.__name__ = f.__qualname__ = name.rsplit(".", 1)[-1]
    f.__doc__ = f"NumPy's ``{name}`` on host copies of the arguments (a counted fallback)."
    f._ga_host = fn
    for method in ("reduce", "accumulate", "outer"):  # ``ma.add.reduce`` and the like
        if callable(getattr(fn, method, None)):
            setattr(f, method, _host_function(getattr(fn, method), f"{name}.{method}"))
    return f


char = _host_module("char", np.char, "NumPy's ``char``: string operations on the host (counted fallbacks).")
strings = _host_module("strings", np.strings, "NumPy's ``strings``: string ufuncs on the host (counted fallbacks).")
rec = _host_module("rec", np.rec, "NumPy's ``rec``: record arrays on the host (counted fallbacks).")
# masked arrays: MaskedGpuArray on the device (``_api/masked.py``), NumPy's other ``ma`` functions
# as counted fallbacks over them
ma = types.ModuleType("gpuarray.ma", _masked.__doc__)
_masked.build_module(ma)
sys.modules[ma.__name__] = ma
polynomial = _host_module("polynomial", np.polynomial,
                          "NumPy's ``polynomial``: the polynomial classes (NumPy's) and functions (counted fallbacks).")
for _sub in ("polynomial", "chebyshev", "hermite", "hermite_e", "laguerre", "legendre"):
    setattr(polynomial, _sub, _host_module(f"polynomial.{_sub}", getattr(np.polynomial, _sub),
                                           f"NumPy's ``polynomial.{_sub}`` (counted fallbacks)."))
core = types.ModuleType("gpuarray.core", "``core.records``: the same module as ``gpuarray.rec``.")
core.records = rec
sys.modules["gpuarray.core"] = core
sys.modules["gpuarray.core.records"] = rec

__all__ = ["datetime64", "timedelta64", "void", "str_", "bytes_", "object_", "character", "flexible", "record",
           "long", "ulong", "longdouble", "clongdouble", "ScalarType", "sctypeDict", "typecodes", "busdaycalendar",
           "flatiter", "broadcast", "base_repr", "binary_repr", "datetime_data", "mintypecode", "get_include",
           "getbufsize", "setbufsize", "info", "show_config", "show_runtime", "frompyfunc", "dtypes", "exceptions",
           "typing", "testing", "char", "strings", "rec", "core", "ma", "polynomial", "recarray"]
for _n in ("float128", "complex256"):  # platform-dependent names, as NumPy has them
    if hasattr(np, _n):
        globals()[_n] = getattr(np, _n)
        __all__.append(_n)
del _n, _sub
