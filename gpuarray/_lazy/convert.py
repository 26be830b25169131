"""Host data into arrays: ``asarray`` (NumPy's conversion rules and dtypes, the device's dtypes),
used by every module that takes array-like operands (``elementwise.as_operand`` first)."""
from __future__ import annotations

import builtins

import numpy as np

from .._graph import dtypes as dt
from .array import GpuArray, from_host
from .._device import runtime as _runtime
from .._device.errors import HostDataError
from .._device.handle import check_device, runtime_device
from .._graph.nodes import new_leaf
from .placement import move_to, operand_device


def _check_device(device):
    if device is not None:
        check_device(device)


def _host_array(obj) -> np.ndarray:
    """NumPy's array for a host object; dtypes a device cannot hold are refused."""
    a = np.asarray(obj)
    if a.dtype.kind in "OUSVMm":
        raise HostDataError(f"cannot create a GpuArray from {type(obj).__name__} with dtype {a.dtype}")
    return a


def asarray(obj, dtype=None, device=None, copy=None, order=None, ndmin=0, like=None):
    """A GpuArray from a NumPy array, nested sequence, scalar, buffer or GpuArray.

    NumPy's dtypes (Python int -> int64, float -> float64); types the device lacks map to
    the nearest it has (float16 -> float32; 64-bit types on a device without them).

    ``device``: where the result lives (host data is uploaded there, an array of another device is
    copied there, through the host); without it host data goes to the current device and an array
    stays where it is."""
    if device is not None:
        dev = runtime_device(device)
        if dev is not _runtime.device():
            with _runtime.using(dev):
                return asarray(obj, dtype, dev, copy, order, ndmin)
        if isinstance(obj, GpuArray) and obj._dev is not dev:
            if copy is False:
                raise ValueError("asarray: an array of another device cannot be used without a copy (copy=False given)")
            obj, copy = move_to(obj, dev), None
    elif _runtime.MULTI and type(obj) in (GpuArray, list, tuple):
        dev = operand_device((obj,))  # an array (or a sequence of them) stays on its device
        if dev is not None and dev is not _runtime.device():
            with _runtime.using(dev):
                return asarray(obj, dtype, None, copy, order, ndmin)
    want = dt.normalize(dtype) if dtype is not None else None
    if isinstance(obj, GpuArray):
        out = obj
        if want is not None and want != obj.dtype:
            if copy is False:
                raise ValueError("asarray: a dtype change needs a copy (copy=False given)")
            out = obj.astype(want)
        elif copy:
            out = obj.copy()
        return _ndmin(out, ndmin)
    if copy is False:
        raise ValueError("asarray: host data cannot be placed on the device without a copy (copy=False given)")
    if isinstance(obj, (list, tuple)) and _has_gpu(obj):
        return _ndmin(_stack([asarray(o, dtype=dtype) for o in obj]), ndmin)
    if isinstance(obj, int) and not isinstance(obj, bool) and want is not None and want.kind in "iu":
        dt.check_int_fits(obj, want)
    if want is not None:
        a = np.asarray(obj, dtype=want)
    else:
        a = _host_array(obj)
        a = a.astype(dt.canonical(a.dtype), copy=False)
    if not dt.is_supported(a.dtype):
        raise TypeError(f"gpuarray does not support dtype {a.dtype}")
    dt.normalize(a.dtype)
    return _ndmin(from_host(a), ndmin)


def _has_gpu(seq) -> bool:
    return builtins.any(isinstance(o, GpuArray) or (isinstance(o, (list, tuple)) and _has_gpu(o)) for o in seq)


def _stack(parts) -> GpuArray:
    """A sequence holding device arrays, as NumPy reads it: its items (of one shape) stacked along
    a new first axis in their common dtype, each written into its row by one fused copy."""
    shape = parts[0].shape
    if any(p.shape != shape for p in parts):
        raise ValueError("all input arrays must have the same shape")
    out = GpuArray(new_leaf(dt.result_type(*[p.dtype for p in parts]), (len(parts),) + shape))
    for i, p in enumerate(parts):
        out[i] = p  # (indexing and assignment sit above this module: through the operator)
    return out


def _ndmin(a, ndmin):
    if ndmin and a.ndim < ndmin:
        return a.reshape((1,) * (ndmin - a.ndim) + a.shape)  # (manipulation sits above: the method)
    return a


__all__: list[str] = []
