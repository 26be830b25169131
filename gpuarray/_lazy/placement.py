"""Which device an operation runs on: the device of its array operands (all on one device, else
NumPy's kind of error naming both), or the one a ``device=`` argument names, else the current
device. ``follow`` wraps the namespace's functions and the array's methods with that rule, so
everything they call (allocations, kernels, uploads of host operands) runs on that device;
``move_to`` copies an array to another device (``to_device``).

With one device open (``_runtime.MULTI`` false) nothing here is looked at: an operation costs
one flag test more."""
from __future__ import annotations

import functools
import types

from .._device import runtime as _runtime
from .._device.handle import runtime_device
from .._graph.nodes import Leaf, contiguous_strides, new_leaf
from .._kernels.codegen import evaluate_into
from .array import GpuArray

_SEQ = (list, tuple)


def operand_device(args, kwargs=None):
    """The one device of the GpuArrays among ``args`` (and in lists and tuples among them) and the
    values of ``kwargs``; None when there is none. Arrays of two devices: ValueError."""
    dev = None
    for vals in (args, kwargs.values() if kwargs else ()):
        for a in vals:
            t = type(a)
            if t is GpuArray:
                d = a._dev
            elif t in _SEQ:
                d = operand_device(a)
            else:
                continue
            if d is not None:
                if dev is None:
                    dev = d
                elif d is not dev:
                    raise _runtime.mixed_devices(dev, d)
    return dev


def target_device(args, kwargs):
    """The device an operation runs on: its ``device=`` argument, else its operands', else None
    (the current one)."""
    d = kwargs.get("device") if kwargs else None
    if d is not None:
        return runtime_device(d)
    return operand_device(args, kwargs)


def follow(fn):
    """``fn`` run on its operands' device (or the one its ``device=`` argument names)."""

    @functools.wraps(fn)
    def on_device(*args, **kwargs):
        if _runtime.MULTI or (kwargs and kwargs.get("device") is not None):
            return call_on_device(fn, args, kwargs)
        return fn(*args, **kwargs)

    on_device._ga_follows = True
    return on_device


def call_on_device(fn, args, kwargs):
    """``fn(*args, **kwargs)`` on the operands' device (``follow``'s body, for wrappers of their own)."""
    dev = target_device(args, kwargs)
    if dev is None or dev is _runtime.device():
        return fn(*args, **kwargs)
    with _runtime.using(dev):
        return fn(*args, **kwargs)


def to_device(x: GpuArray, device) -> GpuArray:
    """The array API's ``to_device``: ``x`` on ``device`` (itself when it is there already)."""
    if not isinstance(x, GpuArray):
        raise TypeError(f"to_device: expected a GpuArray, got {type(x).__name__}")
    dev = runtime_device(device)
    if dev is None:
        raise ValueError("to_device: a device is required (gpuarray.devices(), x.device)")
    return move_to(x, dev)


def follow_namespace(namespace: dict) -> None:
    """Wrap a namespace's public functions with ``follow`` (not classes, modules or the ufunc
    functions, whose one call path ``_api/ufunc.call`` follows its operands itself)."""
    for name, fn in list(namespace.items()):
        if (name.startswith("_") or not isinstance(fn, types.FunctionType) or hasattr(fn, "nin")
                or getattr(fn, "_ga_follows", False) or name in _NOT_WRAPPED):
            continue
        namespace[name] = follow(fn)


# functions that take no arrays, or manage devices themselves (asarray: pickles name it, so the
# namespace's must be the function itself)
_NOT_WRAPPED = frozenset(("stats", "set_fallback", "get_fallback", "devices", "default_device", "result_type",
                          "kernel_cache_dir", "clear_kernel_cache", "adapter_info", "asarray", "array",
                          "asanyarray"))


def move_to(x: GpuArray, dev) -> GpuArray:
    """``x`` on device ``dev`` (a runtime device): ``x`` itself when it is there, else a copy through
    the host (counted: ``stats().device_transfers``, ``device_transfer_bytes``)."""
    if x._dev is dev:
        return x
    with _runtime.using(x._dev):
        leaf = x._leaf()
        if not leaf.is_contiguous():
            tmp = new_leaf(x.dtype, x.shape)
            evaluate_into(leaf, tmp)
            leaf = tmp
    isz = x.dtype.itemsize
    st = _runtime.transfer(leaf.storage, leaf.offset * isz, x.size * isz, dev)
    return GpuArray(Leaf(st, x.dtype, x.shape, contiguous_strides(x.shape), 0))


__all__: list[str] = []
