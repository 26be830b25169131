"""gpuarray: NumPy on the GPU through WebGPU.

``import gpuarray as np`` gives a NumPy-like namespace (also a conforming array API
namespace) whose arrays live in wgpu buffers. Elementwise work is lazy and fused;
see ``gpuarray.stats()`` for what ran on the device.
"""
from __future__ import annotations

import math as _math

import numpy as _np

from . import _dtypes
from ._array import GpuArray
from ._dtypes import result_type
from ._device.errors import (DeviceLostError, FallbackError, FallbackWarning, GpuArrayError, KernelError,
                             OutOfMemoryError, SizeLimitError)
from ._fallback import get_fallback, set_fallback
from ._info import Device, __array_namespace_info__
from ._device.runtime import devices
from ._device.stats import stats
from ._device.cache_dir import clear_kernel_cache, kernel_cache_dir

__version__ = "0.1.0"
__array_api_version__ = "2025.12"

ndarray = GpuArray

# dtypes are NumPy's scalar types, so `x.dtype == gpuarray.float32` and `np.float32(1)` both work
bool = _np.bool_
bool_ = _np.bool_
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
float16, float32, float64 = _np.float16, _np.float32, _np.float64
complex64, complex128 = _np.complex64, _np.complex128
intp, uintp = _np.intp, _np.uintp
float_, complex_ = _np.float64, _np.complex128
single, double = _np.float32, _np.float64
dtype = _np.dtype
generic, number, integer, signedinteger, unsignedinteger = (_np.generic, _np.number, _np.integer,
                                                            _np.signedinteger, _np.unsignedinteger)
floating, complexfloating, inexact = _np.floating, _np.complexfloating, _np.inexact

e, pi, inf, nan, euler_gamma = _math.e, _math.pi, _math.inf, _math.nan, _np.euler_gamma
newaxis = None
PINF, NINF, NAN = _math.inf, -_math.inf, _math.nan


def sync() -> None:
    """Evaluate nothing new, but submit all recorded work and wait for the device."""
    from ._device.runtime import device

    device().sync()


def adapter_info() -> dict:
    """The adapter in use: name, backend, whether 64-bit types are native."""
    from ._device.runtime import device

    d = device()
    return {"name": d.name, "has_64": d.has_64, "disabled_64": d.disabled_64, "features": sorted(d.features),
            "max_storage_binding": d.max_binding}



def _export_all():
    """Each API module lists its public names in ``__all__``; they are re-exported here."""
    import importlib
    import pkgutil

    g = globals()
    for mod in _API_MODULES:
        try:
            m = importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{mod}":
                raise
            continue
        for name in m.__all__:
            g[name] = getattr(m, name)


_API_MODULES = ("_creation", "_elementwise", "_manipulation", "_reductions", "_advanced", "_linalg",
                "_sorting", "_searching", "_sets", "_utility", "_dtype_functions", "_interop", "_api_extras",
                "_memory", "_namespace_numpy")
_export_all()
from . import random  # noqa: E402,F401
from . import linalg  # noqa: E402,F401
from . import fft  # noqa: E402,F401
from . import lib  # noqa: E402,F401
from . import _dask  # noqa: E402

_dask.install()  # GpuArray as a dask chunk type, registered when dask.array is imported (never imports it)
