"""``packbits`` / ``unpackbits`` on the device: bits as elementwise shifts of uint8 bytes along an
axis (unpack: a byte broadcast against the 8 bit positions; pack: the truth of each element
times its bit's weight, summed over groups of 8). NumPy's arguments, dtypes and errors."""
from __future__ import annotations

import operator

import numpy as np
from numpy.exceptions import AxisError

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, as_operand, astype
from .creation import arange, asarray, zeros
from .manipulation import concatenate, moveaxis, reshape
from .reductions import sum as _sum

__all__ = ["packbits", "unpackbits"]


def _arr(x) -> GpuArray:
    x = as_operand(x)
    return x if isinstance(x, GpuArray) else asarray(np.asarray(x))


def _axis(axis, ndim: int) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise AxisError(axis, ndim)
    return axis % ndim


def _weights(bitorder: str, t) -> GpuArray:
    if bitorder not in ("big", "little"):
        raise ValueError("'order' must be either 'little' or 'big'")
    shifts = arange(8, dtype=t) if bitorder == "little" else arange(7, -1, -1, dtype=t)
    return shifts


def packbits(a, /, axis=None, bitorder="big"):
    """Each group of 8 elements along ``axis`` (flattened when None) as the bits of one uint8,
    nonzero as 1; the last group padded with zeros."""
    x = _arr(a)
    if x.dtype.kind not in "biu":
        raise TypeError("Expected an input array of integer or boolean data type")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = _axis(axis, x.ndim)
    shifts = _weights(bitorder, dt.uint8)
    x = moveaxis(x, axis, -1)
    n = x.shape[-1]
    m = -(-n // 8)
    bits = astype(apply("not_equal", x, 0), dt.uint8, copy=False)
    if m * 8 != n:
        bits = concatenate([bits, zeros(x.shape[:-1] + (m * 8 - n,), dtype=dt.uint8)], axis=-1)
    groups = reshape(bits, x.shape[:-1] + (m, 8))
    res = astype(_sum(apply("left_shift", groups, shifts), axis=-1, dtype=dt.uint8), dt.uint8, copy=False)
    return moveaxis(res, -1, axis)


def unpackbits(a, /, axis=None, count=None, bitorder="big"):
    """Each uint8 along ``axis`` (flattened when None) as 8 elements of 0/1; ``count`` keeps that
    many bits (negative: drops them from the end; more than there are: pads with zeros)."""
    x = _arr(a)
    if x.dtype != dt.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = _axis(axis, x.ndim)
    shifts = _weights(bitorder, dt.uint8)
    x = moveaxis(x, axis, -1)
    n = x.shape[-1] * 8
    expanded = reshape(x, x.shape + (1,))
    bits = apply("bitwise_and", apply("right_shift", expanded, shifts), np.uint8(1))
    bits = reshape(bits, x.shape[:-1] + (n,))
    if count is not None:
        count = operator.index(count)
        if count < -n:
            raise ValueError("-count larger than number of elements")
        keep = count if count >= 0 else n + count
        if keep <= n:
            bits = bits[..., :keep]
        else:
            bits = concatenate([bits, zeros(x.shape[:-1] + (keep - n,), dtype=dt.uint8)], axis=-1)
    return moveaxis(bits, -1, axis)
