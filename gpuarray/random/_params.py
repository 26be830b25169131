"""Shapes, dtypes and parameter checks shared by the Generator's methods (NumPy's rules and
messages), and the host draw of a NumPy distribution from the device stream (a counted fallback)."""
from __future__ import annotations

import operator

import numpy as np

from .._api.creation import asarray
from .._device import fallback as _fallback
from .._graph import dtypes as dt
from .._graph.nodes import broadcast_shapes
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply


def _quiet(method):
    """A distribution built with floating-point errors ignored: its expressions may compute branches
    that are then not selected (a log of 0 where the other case applies), and NumPy's samplers never
    warn."""
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return method(*args, **kwargs)

    quiet.__name__, quiet.__qualname__, quiet.__doc__ = method.__name__, method.__qualname__, method.__doc__
    return quiet


def _shape(size) -> tuple:
    if type(size) is tuple and all(type(s) is int and s >= 0 for s in size):
        return size  # the common spelling, already valid
    if size is None:
        return ()
    if isinstance(size, (int, np.integer)):
        size = (size,)
    shape = tuple(operator.index(s) for s in size)
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions are not allowed")
    return shape


def _float_dtype(dtype, fname: str) -> np.dtype:
    """float64 (or the device's default float) unless float32 is asked for, like NumPy."""
    if dtype is None:
        return dt.default_float()
    try:
        return _FLOAT_SPELLINGS[dtype]  # a draw per loop step: resolve each spelling once
    except (KeyError, TypeError):
        pass
    d = np.dtype(dtype)
    if d not in (dt.float32, dt.float64):
        raise TypeError(f"Unsupported dtype {d} for {fname}")
    res = dt.normalize(d)
    if res == d:  # not narrowed by the device (that depends on the device: not cached)
        _FLOAT_SPELLINGS[dtype] = res
    return res


_FLOAT_SPELLINGS: dict = {}


def _int_dtype(dtype) -> np.dtype:
    if dtype is None or dtype is int:
        return dt.default_int()
    d = np.dtype(dtype)
    if d.kind not in "biu":
        raise TypeError(f"Unsupported dtype {d} for integers")
    return dt.normalize(d)


def _operand_shapes(*xs) -> tuple:
    return broadcast_shapes(*[tuple(x.shape) if isinstance(x, GpuArray) else np.shape(x) for x in xs])


def _scalar_args(*xs) -> bool:
    return not any(isinstance(x, GpuArray) or np.ndim(x) > 0 for x in xs)


# NumPy's distributions without a device path: drawn by a host generator determined by the
# stream, counted as fallbacks; numeric results come to the device
def _host_method(name):
    def method(self, *args, **kwargs):
        _fallback.note(f"random.{name}")
        host = lambda x: x.get() if isinstance(x, GpuArray) else x  # noqa: E731
        res = getattr(self._host(), name)(*[host(a) for a in args], **{k: host(v) for k, v in kwargs.items()})
        if isinstance(res, (np.ndarray, np.generic, int, float)) and np.asarray(res).dtype.kind in "biufc":
            return asarray(res)
        return res

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"NumPy's ``Generator.{name}`` drawn on the host from this stream (a counted fallback)."
    return method


# NumPy's largest Poisson mean (its POISSON_LAM_MAX: int64's maximum less 10 of its square roots)
_POISSON_LAM_MAX = np.iinfo(np.int64).max - np.sqrt(np.iinfo(np.int64).max) * 10


def _host_value(x):
    """A checked parameter's values on the host (scalars as they are), for checks NumPy makes on
    the whole parameter."""
    return x.get() if isinstance(x, GpuArray) else np.asarray(x)


def _whole(n):
    """A count parameter truncated to a whole number, as NumPy converts it to int64."""
    if _scalar_args(n):
        return float(int(n))
    return apply("trunc", n) if isinstance(n, GpuArray) else np.trunc(np.asarray(n, dtype=np.float64))


def _size_shape(size, pshape) -> tuple:
    """The draw's shape: ``size``, which the parameters' shape must broadcast to, else theirs."""
    if size is None:
        return pshape
    shape = _shape(size)
    try:
        ok = broadcast_shapes(shape, pshape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError("shape mismatch: objects cannot be broadcast to a single shape")
    return shape


def _out_shape(size, out) -> tuple:
    if out is None:
        return _shape(size)
    if size is not None and _shape(size) != out.shape:
        raise ValueError("size must match out.shape when used together")
    return out.shape


def _to_out(res: GpuArray, out):
    if out is None:
        return res
    if out.dtype != res.dtype:
        raise TypeError(f"Supplied output array has the wrong type. Expected {res.dtype}, got {out.dtype}")
    out[...] = res
    return out
