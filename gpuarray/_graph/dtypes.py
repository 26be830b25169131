"""Every fact about dtypes, in one place: names, categories, storage layout in
device buffers, the WGSL type used inside kernels, promotion, and which
dtypes the current device supports.

Dtype objects are NumPy's (``numpy.float32`` ...), so ``x.dtype == np.float32``
holds and code written for NumPy keeps working.
"""
from __future__ import annotations

import numpy as np
from .._device import runtime as _runtime

bool_ = np.dtype(np.bool_)
int8, int16, int32, int64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
float16, float32, float64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
complex64, complex128 = np.dtype(np.complex64), np.dtype(np.complex128)

# storage: how elements sit in a buffer and how a kernel binds it.
#   "word": 32-bit native array<T>;  "wide": 64-bit native array<T> (needs shader-f64/int64);
#   "sub": 8/16-bit packed into array<u32> (bool as one byte, like NumPy);
#   "complex": interleaved (re, im) in array<f32>/array<f64>.
# wgsl: the type a value has inside a kernel (sub-word integers compute in 32 bits and are
# wrapped back to their width after every operation).
_INFO = {
    # dtype: (storage, wgsl value type, wgsl storage element type)
    bool_: ("sub", "bool", "u32"),
    int8: ("sub", "i32", "u32"),
    uint8: ("sub", "u32", "u32"),
    int16: ("sub", "i32", "u32"),
    uint16: ("sub", "u32", "u32"),
    # float16 needs no shader-f16: stored packed, computed in f32 and rounded back to f16
    # after every operation (what NumPy's float16 loops do)
    float16: ("sub", "f32", "u32"),
    int32: ("word", "i32", "i32"),
    uint32: ("word", "u32", "u32"),
    float32: ("word", "f32", "f32"),
    int64: ("wide", "i64", "i64"),
    uint64: ("wide", "u64", "u64"),
    float64: ("wide", "f64", "f64"),
    complex64: ("complex", "vec2<f32>", "f32"),
    complex128: ("complex", "vec2<f64>", "f64"),
}

ALL = tuple(_INFO)
SIGNED = (int8, int16, int32, int64)
UNSIGNED = (uint8, uint16, uint32, uint64)
INTEGER = SIGNED + UNSIGNED
REAL_FLOAT = (float16, float32, float64)
COMPLEX = (complex64, complex128)
FLOATING = REAL_FLOAT + COMPLEX
NUMERIC = INTEGER + FLOATING
NEEDS_64 = (int64, uint64, float64, complex128)

# what a 64-bit type becomes on a device without 64-bit support (implicit results only)
NARROW = {int64: int32, uint64: uint32, float64: float32, complex128: complex64}


def storage(dt: np.dtype) -> str:
    return _INFO[dt][0]


def wgsl_type(dt: np.dtype) -> str:
    return _INFO[dt][1]


def wgsl_elem(dt: np.dtype) -> str:
    return _INFO[dt][2]


def real_of(dt: np.dtype) -> np.dtype:
    return {complex64: float32, complex128: float64}.get(dt, dt)


def complex_of(dt: np.dtype) -> np.dtype:
    return {float32: complex64, float64: complex128}.get(dt, complex128)


def kind(dt: np.dtype) -> str:
    """'b' bool, 'i' signed, 'u' unsigned, 'f' real float, 'c' complex."""
    return dt.kind


def is_supported(dt) -> bool:
    return np.dtype(dt) in _INFO


def host_only(dt: np.dtype) -> bool:
    """Strings, bytes, objects, structured records, dates: dtypes NumPy keeps on the host."""
    return dt.kind in "OUSVMm"


_NORMALIZED: dict = {}  # request (type, str or dtype) -> (device, checked dtype), the last device that asked


def normalize(dtype, device=None) -> np.dtype:
    """An explicit dtype request -> numpy dtype, checked against the device."""
    if device is None:
        try:
            hit = _NORMALIZED.get(dtype)
        except TypeError:  # unhashable request (a list for a structured dtype): checked below
            hit = None
        if hit is not None and hit[0] is _runtime.device():
            return hit[1]
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"data type {dtype!r} not understood") from e
    if dt not in _INFO:
        raise TypeError(f"gpuarray does not support dtype {dt} (supported: {', '.join(d.name for d in ALL)})")
    dev = device or _runtime.device()
    if dt in NEEDS_64 and not dev.has_64:
        raise TypeError(
            f"dtype {dt} needs 64-bit shader support, which device '{dev.name}' does not have "
            f"(shader-f64/shader-int64 {'disabled by GPUARRAY_DISABLE_F64=1' if dev.disabled_64 else 'missing'}); "
            f"use {NARROW[dt]} instead"
        )
    if device is None and isinstance(dtype, (type, str, np.dtype)):
        _NORMALIZED[dtype] = (dev, dt)
    return dt


def canonical(dt: np.dtype) -> np.dtype:
    """An implicitly computed dtype (promotion, defaults) mapped onto the device."""
    if dt in NEEDS_64 and not _runtime.device().has_64:
        return NARROW[dt]
    return dt


def default_float() -> np.dtype:
    return canonical(float64)


def default_int() -> np.dtype:
    return canonical(int64)


def default_complex() -> np.dtype:
    return canonical(complex128)


# The device array class (GpuArray), as a tuple for isinstance: registered by the module that defines it,
# which sits above this one (empty until then).
ARRAY_TYPE: tuple = ()


def register_array_type(cls) -> None:
    global ARRAY_TYPE
    ARRAY_TYPE = (cls,)


def result_type(*args) -> np.dtype:
    """NumPy 2 promotion (NEP 50): Python scalars are weak and take the array's type.

    Arguments are dtypes, GpuArrays, NumPy arrays or Python scalars.
    """
    conv = []
    for a in args:
        if isinstance(a, ARRAY_TYPE):
            conv.append(a.dtype)
        elif isinstance(a, (bool, int, float, complex)) and not isinstance(a, np.generic):
            conv.append(a)
        elif isinstance(a, np.ndarray):
            conv.append(a.dtype)
        else:
            conv.append(np.dtype(a) if not isinstance(a, np.generic) else a.dtype)
    if not conv:
        raise ValueError("at least one array or dtype is required")
    try:
        dt = np.result_type(*conv)
    except TypeError as e:
        raise TypeError(str(e)) from e
    return canonical(dt)


def scalar_dtype(value) -> np.dtype:
    """Dtype NumPy gives a lone Python scalar (asarray(3.0) -> default float)."""
    if isinstance(value, np.generic):
        return canonical(value.dtype)
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return default_int()
    if isinstance(value, float):
        return default_float()
    if isinstance(value, complex):
        return default_complex()
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


# (min, max) of each integer dtype: looked up for every Python int operand, where building
# np.iinfo would cost more than the rest of the check
INT_BOUNDS = {d: (int(np.iinfo(d).min), int(np.iinfo(d).max)) for d in INTEGER}


def int_bounds(dt: np.dtype) -> tuple[int, int]:
    """(min, max) of integer dtype ``dt``."""
    b = INT_BOUNDS.get(dt)
    if b is None:
        info = np.iinfo(dt)
        b = (int(info.min), int(info.max))
    return b


def check_int_fits(value: int, dt: np.dtype) -> None:
    """NEP 50: a Python int that does not fit the array's integer type is an error."""
    if dt.kind in "iu":
        lo, hi = int_bounds(dt)
        if not (lo <= value <= hi):
            raise OverflowError(f"Python integer {value} out of bounds for {dt}")


def store_scalar(value, dtype: np.dtype):
    """The value NumPy stores when scalar ``value`` is assigned into an array of ``dtype``
    (``a[i] = value``, ``a.fill(value)``), with NumPy's errors: a complex into a real array is a
    TypeError, a float into an integer array goes through Python's int() (NaN is a ValueError,
    inf an OverflowError), a Python int beyond the dtype an OverflowError."""
    if isinstance(value, (complex, np.complexfloating)) and dtype.kind != "c":
        raise TypeError(f"cannot assign a complex value to an array of {dtype}")
    if dtype.kind in "iu" and (isinstance(value, float) or (isinstance(value, np.floating) and dtype.kind == "i")):
        value = int(value)  # (NumPy converts an unsigned target's NumPy float scalars by a plain cast)
    elif dtype.kind == "b" and isinstance(value, float) and np.isfinite(value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and dtype.kind in "iu":
        check_int_fits(value, dtype)
    if dtype.kind == "c":
        return complex(value)
    with np.errstate(all="ignore"):
        return np.array(value).astype(dtype).item()
