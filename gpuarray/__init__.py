"""gpuarray: NumPy on the GPU through WebGPU.

``import gpuarray as np`` gives a NumPy-like namespace (also a conforming array API
namespace) whose arrays live in wgpu buffers. Elementwise work is lazy and fused;
see ``gpuarray.stats()`` for what ran on the device.
"""
from __future__ import annotations

import math as _math
import sys as _sys

import numpy as _np

from ._api import methods as _methods  # noqa: F401 (installs GpuArray's operators and methods)
from ._api import (advanced, apply_functions, array_edits, index_tricks, averages, bessel, bits, creation, cross_product, dtype_functions,
                   extras, float_parts, grids, host_dtypes, host_modules, index_tables, interop, iteration,
                   linalg as _linalg, manipulation, masked_edits, masked_layout, masked_numerical, masked_sets, masked_writes, memory, numerical, numpy_names, polynomial as _poly_api, reductions, searching,
                   set_algebra, sets, sorting, statistics, ufunc, ufunc_objects, utility, windows)
from ._api import dask as _dask_chunks
from ._api.info import Device, __array_namespace_info__
from ._device.handle import default_device, device, devices
from ._lazy.placement import to_device
from ._lazy import placement as _placement
from ._device import runtime as _runtime
from ._device.errors import (DeviceLostError, FallbackError, FallbackWarning, GpuArrayError, KernelError,
                             OutOfMemoryError, SizeLimitError)
from ._device.fallback import get_fallback, set_fallback
from ._device.stats import stats
from ._graph import dtypes as _dtypes  # noqa: F401 (gpuarray._dtypes: the dtype facts)
from ._graph.dtypes import result_type
from ._lazy import elementwise
from ._lazy.array import GpuArray
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
    """Evaluate nothing new, but submit all recorded work and wait for the devices."""
    for d in _runtime.opened() or [_runtime.device()]:
        d.sync()


def adapter_info() -> dict:
    """The adapter in use: name, backend, whether 64-bit types are native, the limits that shape
    arrays (arrays past ``segment_bytes`` are held in several buffers of that size, and kernels
    work on them in windows and pieces: no array size limit but the device's memory)."""
    d = _runtime.device()
    return {"name": d.name, "has_64": d.has_64, "disabled_64": d.disabled_64, "features": sorted(d.features),
            "max_storage_binding": d.max_binding, "max_buffer": d.max_buffer, "segment_bytes": d.seg_bytes}


# Each API module lists its public names in ``__all__``; they are re-exported here (a later
# module's name wins over an earlier one's); the remaining NumPy names (``numpy_names``: host
# fallbacks and small compositions) only where no module above provided the name
_API_MODULES = (creation, grids, elementwise, ufunc, manipulation, reductions, advanced, _linalg, sorting,
                searching, sets, utility, dtype_functions, interop, extras, memory, bits, iteration, _poly_api,
                statistics, numerical, windows, index_tables, float_parts, set_algebra, array_edits, masked_writes,
                averages, cross_product, bessel, apply_functions, index_tricks, host_modules, host_dtypes)
for _m in _API_MODULES:
    globals().update({_name: getattr(_m, _name) for _name in _m.__all__})
for _name in numpy_names.__all__:
    globals().setdefault(_name, getattr(numpy_names, _name))
ufunc_objects.install(globals())  # the ufunc names' methods (reduce, outer, at ...) and attributes
host_dtypes.accept_host_data(globals())  # string, record, date and object arrays: NumPy's functions on the host
_placement.follow_namespace(globals())  # each function runs on its operands' device (or its device= argument's)
del _m, _name, _API_MODULES, advanced, array_edits, averages, bessel, bits, creation, cross_product, dtype_functions, \
    elementwise, extras, float_parts, grids, \
    host_dtypes, host_modules, index_tables, iteration, manipulation, masked_edits, masked_layout, masked_numerical, masked_sets, masked_writes, memory, numerical, numpy_names, \
    _poly_api, reductions, searching, set_algebra, sets, sorting, statistics, ufunc, ufunc_objects, utility, windows
from . import emath, fft, lib, linalg, random  # noqa: E402,F401 (after the re-exports: the subpackages win)
lib.scimath = emath  # NumPy's name for the same functions
for _sub in (emath, fft, linalg, random, lib, lib.stride_tricks):
    _placement.follow_namespace(vars(_sub))
del _sub

interop.bind_namespace(_sys.modules[__name__])  # NumPy functions on GpuArrays map onto this namespace
_dask_chunks.install(_sys.modules[__name__])  # GpuArray as a dask chunk type and distributed's data, once they are imported
del interop
from . import dask  # noqa: E402 (gpuarray.dask.cluster: one dask-distributed worker per GPU; imports no dask)
