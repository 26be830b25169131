"""The array API ``fft`` extension (also NumPy's ``numpy.fft`` names), on the device.

Every transform is a sequence of one-axis complex transforms (``_kernels/fft.py``: Stockham passes
for lengths whose prime factors are at most 13, Bluestein's chirp-z otherwise). An inner axis whose
length fits in workgroup memory is transformed where it lies (strided rows, a contiguous result in
the same axis order). Otherwise the axis is moved last and copied into a contiguous complex buffer
(the same copy casts a real input to complex, and crops or zero-pads to ``n``) and the result is
viewed back in place. An input that already is such a buffer (working dtype, contiguous, offset 0)
is read in place, never written.
Real-input transforms (``rfft``, ``ihfft``) of even length n read the real row as a complex row of
n/2 (the same bytes), transform that and combine the result into the n/2 + 1 frequencies in one
pass (about half the cost of a complex transform of length n); real-output ones (``irfft``,
``hfft``) of even length run the inverse of that. Odd lengths use the complex transform of the
promoted input and keep half of it (``rfft``), or extend the half spectrum to the full Hermitian
one (a reversed conjugate view, joined), run the complex inverse and keep the real part (``irfft``).
Normalisation (``norm``) is a lazy multiply by the scale, fused into whatever reads the result.
Dtypes follow NumPy: complex64 and float16/float32 inputs compute in complex64, every other
input in complex128 (float32 on a device without 64-bit support).
"""
from __future__ import annotations

import math
import operator
import warnings

import numpy as np
from numpy.exceptions import AxisError

from .._graph import dtypes as dt
from .._graph.nodes import Cast, Leaf, contiguous_strides, new_leaf
from .._kernels import codegen as _codegen
from .._kernels import fft as _fft
from .._lazy.array import GpuArray
from .._api.creation import arange, asarray, zeros
from .._lazy.elementwise import apply, assign
from .._api.info import check_device
from .._api.manipulation import concatenate, moveaxis, roll

_NORMS = ("backward", "ortho", "forward")


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _work_dtype(dtype):
    """NumPy's computation dtype for an FFT input: complex64 for complex64, float16, float32;
    complex128 for everything else (mapped onto the device)."""
    if dtype in (dt.complex64, dt.float32, dt.float16):
        return dt.complex64
    return dt.canonical(dt.complex128)


def _check_norm(norm):
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    return norm


def _scale(norm: str, n: int, inverse: bool) -> float:
    if norm == "ortho":
        return 1.0 / math.sqrt(n)
    if (norm == "forward") != inverse:
        return 1.0 / n
    return 1.0


def _axis(axis, ndim) -> int:
    a = operator.index(axis)
    if not -ndim <= a < ndim:
        raise AxisError(a, ndim)
    return a % ndim


def _length(n, default: int) -> int:
    n = default if n is None else operator.index(n)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return n


def _fit_last(x: GpuArray, n: int) -> GpuArray:
    """x cropped or zero-padded to length n along its last axis."""
    m = x.shape[-1]
    if m > n:
        return x[..., :n]
    if m < n:
        return concatenate([x, zeros(x.shape[:-1] + (n - m,), dtype=x.dtype)], axis=-1)
    return x


def _c2c(x: GpuArray, n, axis, norm, inverse: bool, cdt=None) -> GpuArray:
    """The complex transform of x along ``axis`` (length n: cropped or padded), scaled by ``norm``."""
    if x.ndim == 0:
        raise AxisError(axis, 0)
    ax = _axis(axis, x.ndim)
    n = _length(n, x.shape[ax])
    cdt = cdt or _work_dtype(x.dtype)
    xm = moveaxis(x, ax, -1) if ax != x.ndim - 1 else x
    xm = _fit_last(xm, n)
    if ax != x.ndim - 1 and xm.size and _fft.strided_local(n, cdt):
        # an inner axis that fits in workgroup memory: transformed where it lies (no transposes)
        leaf, _ = _contiguous(moveaxis(xm, -1, ax), cdt)
        res = GpuArray(_fft.transform_axis(leaf, ax, inverse))
        f = _scale(norm, n, inverse)
        return apply("multiply", res, f) if f != 1.0 else res
    if xm.size == 0:
        res = zeros(xm.shape, dtype=cdt)
    else:
        leaf, keep = _contiguous(xm, cdt)
        res = GpuArray(_fft.transform_rows(leaf, inverse, keep))
        f = _scale(norm, n, inverse)
        if f != 1.0:
            res = apply("multiply", res, f)
    return moveaxis(res, -1, ax) if ax != x.ndim - 1 else res


def _real_check(name, x):
    if x.dtype.kind == "c":
        raise TypeError(f"{name}: x must have a real-valued dtype, not {x.dtype}")


def _out(res, out):
    if out is None:
        return res
    assign(out, res)
    return out


def _r2c(name, x, n, axis, norm) -> GpuArray:
    """The n//2 + 1 non-negative frequency terms of the transform of real x."""
    _real_check(name, x)
    if x.ndim == 0:
        raise AxisError(axis, 0)
    ax = _axis(axis, x.ndim)
    n = _length(n, x.shape[ax])
    if n % 2:  # odd: the complex transform of the promoted input, half of it kept
        full = _c2c(x, n, ax, norm, False)
        idx = [slice(None)] * x.ndim
        idx[ax] = slice(0, n // 2 + 1)
        return full[tuple(idx)]
    cdt = _work_dtype(x.dtype)
    rdt = dt.real_of(cdt)
    xm = _fit_last(moveaxis(x, ax, -1) if ax != x.ndim - 1 else x, n)
    if xm.size == 0:
        res = zeros(xm.shape[:-1] + (n // 2 + 1,), dtype=cdt)
    else:
        leaf, keep = _contiguous(xm, rdt)
        res = GpuArray(_fft.rfft_rows(leaf, cdt, keep))
        f = _scale(norm, n, False)
        if f != 1.0:
            res = apply("multiply", res, f)
    return moveaxis(res, -1, ax) if ax != x.ndim - 1 else res


def _contiguous(x: GpuArray, dtype):
    """(leaf, keep): x itself where it is already a contiguous buffer of ``dtype`` at offset 0 (the
    transform must then keep it), else a copy into a fresh buffer (cast, moved axis, crop or pad
    done by that copy), which the transform may overwrite."""
    node = x._node
    if type(node) is Leaf and node.dtype == dtype and node.offset == 0 and node.strides == contiguous_strides(node.shape):
        return node, True
    leaf = new_leaf(dtype, x.shape)
    _codegen.evaluate_into(node if node.dtype == dtype else Cast(node, dtype), leaf)
    return leaf, False


def _c2r(x, n, axis, norm) -> GpuArray:
    """The real inverse transform of length n of the half spectrum x (Hermitian extension)."""
    if x.ndim == 0:
        raise AxisError(axis, 0)
    ax = _axis(axis, x.ndim)
    n = _length(n, 2 * (x.shape[ax] - 1))
    cdt = _work_dtype(x.dtype)
    rdt = x.dtype if x.dtype == dt.float16 else dt.real_of(cdt)
    xm = moveaxis(x, ax, -1) if ax != x.ndim - 1 else x
    h = _fit_last(xm, n // 2 + 1)
    if n % 2 == 0:  # even: a combining pass and a complex inverse transform of length n/2
        if h.size == 0:
            res = zeros(h.shape[:-1] + (n,), dtype=dt.real_of(cdt))
        else:
            res = GpuArray(_fft.irfft_rows(_contiguous(h, cdt)[0], n))  # (reads its input only)
            f = _scale(norm, n, True)
            if f != 1.0:
                res = apply("multiply", res, f)
        if res.dtype != rdt:
            res = res.astype(rdt)
        return moveaxis(res, -1, ax) if ax != x.ndim - 1 else res
    if h.dtype != cdt:
        h = h.astype(cdt)
    tail = (n - 1) // 2
    if tail:
        h = concatenate([h, apply("conjugate", h[..., tail:0:-1])], axis=-1)
    res = apply("real", _c2c(h, n, -1, norm, True, cdt))
    if res.dtype != rdt:
        res = res.astype(rdt)
    return moveaxis(res, -1, ax) if ax != x.ndim - 1 else res


def _swap(norm: str) -> str:
    return {"backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]


def _cook(x: GpuArray, s, axes, invreal=False):
    """NumPy's (s, axes) defaults for the n-dimensional transforms, with its deprecation warnings."""
    if s is None:
        shapeless = True
        s = list(x.shape) if axes is None else [x.shape[_axis(a, x.ndim)] for a in axes]
    else:
        shapeless = False
        s = [v if v is None else operator.index(v) for v in s]
    if axes is None:
        if not shapeless:
            warnings.warn(_S_WITHOUT_AXES, DeprecationWarning, stacklevel=4)
        axes = list(range(-len(s), 0))
    axes = [operator.index(a) for a in axes]
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if invreal and shapeless and axes:
        s[-1] = (x.shape[_axis(axes[-1], x.ndim)] - 1) * 2
    if None in s:
        warnings.warn(_NONE_IN_S, DeprecationWarning, stacklevel=4)
    s = [x.shape[_axis(a, x.ndim)] if v == -1 else v for v, a in zip(s, axes)]
    return s, axes


_S_WITHOUT_AXES = ("`axes` should not be `None` if `s` is not `None` (Deprecated in NumPy 2.0). In a future version "
                   "of NumPy, this will raise an error and `s[i]` will correspond to the size along the transformed "
                   "axis specified by `axes[i]`. To retain current behaviour, pass a sequence [0, ..., k-1] to "
                   "`axes` for an array of dimension k.")
_NONE_IN_S = ("Passing an array containing `None` values to `s` is deprecated in NumPy 2.0 and will raise an error "
              "in a future version of NumPy. To use the default behaviour of the corresponding 1-D transform, pass "
              "the value matching the default for its `n` parameter. To use the default behaviour for every axis, "
              "the `s` argument can be omitted.")


def _cnd(x, s, axes, norm, inverse, out):
    x = _arr(x)
    norm = _check_norm(norm)
    s, axes = _cook(x, s, axes)
    res = x  # (no axes: NumPy returns the input itself)
    for ii in reversed(range(len(axes))):
        res = _c2c(res, s[ii], axes[ii], norm, inverse)
    return _out(res, out)


def _rnd(x, s, axes, norm, out, name):
    x = _arr(x)
    norm = _check_norm(norm)
    _real_check(name, x)
    s, axes = _cook(x, s, axes)
    if not axes:
        raise ValueError(f"{name}: at least one axis is needed")
    res = _r2c(name, x, s[-1], axes[-1], norm)
    for ii in range(len(axes) - 2, -1, -1):
        res = _c2c(res, s[ii], axes[ii], norm, False)
    return _out(res, out)


def _irnd(x, s, axes, norm, out, name):
    x = _arr(x)
    norm = _check_norm(norm)
    s, axes = _cook(x, s, axes, invreal=True)
    if not axes:
        raise ValueError(f"{name}: at least one axis is needed")
    res = x
    for ii in range(len(axes) - 1):
        res = _c2c(res, s[ii], axes[ii], norm, True)
    return _out(_c2r(res, s[-1], axes[-1], norm), out)


# ------------------------------------------------------------------ transforms
def fft(x, /, n=None, axis=-1, norm="backward", out=None):
    """One-dimensional discrete Fourier transform."""
    return _out(_c2c(_arr(x), n, axis, _check_norm(norm), False), out)


def ifft(x, /, n=None, axis=-1, norm="backward", out=None):
    """One-dimensional inverse discrete Fourier transform."""
    return _out(_c2c(_arr(x), n, axis, _check_norm(norm), True), out)


def fftn(x, /, s=None, axes=None, norm="backward", out=None):
    """n-dimensional discrete Fourier transform (one-axis transforms, last axis first)."""
    return _cnd(x, s, axes, norm, False, out)


def ifftn(x, /, s=None, axes=None, norm="backward", out=None):
    """n-dimensional inverse discrete Fourier transform."""
    return _cnd(x, s, axes, norm, True, out)


def fft2(x, /, s=None, axes=(-2, -1), norm="backward", out=None):
    return _cnd(x, s, axes, norm, False, out)


def ifft2(x, /, s=None, axes=(-2, -1), norm="backward", out=None):
    return _cnd(x, s, axes, norm, True, out)


def rfft(x, /, n=None, axis=-1, norm="backward", out=None):
    """Transform of real input: the n//2 + 1 non-negative frequency terms."""
    return _out(_r2c("rfft", _arr(x), n, axis, _check_norm(norm)), out)


def irfft(x, /, n=None, axis=-1, norm="backward", out=None):
    """Inverse of ``rfft`` (real output of length n, default 2 * (m - 1))."""
    return _out(_c2r(_arr(x), n, axis, _check_norm(norm)), out)


def rfftn(x, /, s=None, axes=None, norm="backward", out=None):
    return _rnd(x, s, axes, norm, out, "rfftn")


def irfftn(x, /, s=None, axes=None, norm="backward", out=None):
    return _irnd(x, s, axes, norm, out, "irfftn")


def rfft2(x, /, s=None, axes=(-2, -1), norm="backward", out=None):
    return _rnd(x, s, axes, norm, out, "rfft2")


def irfft2(x, /, s=None, axes=(-2, -1), norm="backward", out=None):
    return _irnd(x, s, axes, norm, out, "irfft2")


def hfft(x, /, n=None, axis=-1, norm="backward", out=None):
    """Transform of a Hermitian-symmetric signal given by its first half (real output)."""
    x = _arr(x)
    return _out(_c2r(apply("conjugate", x) if x.dtype.kind == "c" else x, n, axis, _swap(_check_norm(norm))), out)


def ihfft(x, /, n=None, axis=-1, norm="backward", out=None):
    """Inverse of ``hfft`` (real input): the conjugate of ``rfft`` with the swapped norm."""
    return _out(apply("conjugate", _r2c("ihfft", _arr(x), n, axis, _swap(_check_norm(norm)))), out)


# ------------------------------------------------------------------ device helpers
def _freq_dtype(dtype, device):
    check_device(device)
    d = dt.default_float() if dtype is None else dt.normalize(dtype)
    if d.kind != "f":
        raise TypeError(f"fftfreq: dtype must be a real floating-point dtype, not {d}")
    return d


def _check_n(n, d):
    n = operator.index(n)
    if n <= 0:
        raise ValueError(f"n must be a positive integer, not {n}")
    if isinstance(d, GpuArray):
        d = float(d)
    return n, d


def fftfreq(n, /, *, d=1.0, dtype=None, device=None):
    """Sample frequencies [0, 1, ..., (n-1)//2, -(n//2), ..., -1] / (d * n), on the device."""
    n, d = _check_n(n, d)
    out = _freq_dtype(dtype, device)
    i = arange(n, dtype=dt.default_int())
    k = apply("where", apply("less", i, (n - 1) // 2 + 1), i, apply("subtract", i, n))
    return apply("multiply", k.astype(out), 1.0 / (n * d))


def rfftfreq(n, /, *, d=1.0, dtype=None, device=None):
    """Sample frequencies [0, 1, ..., n//2] / (d * n) of ``rfft``, on the device."""
    n, d = _check_n(n, d)
    out = _freq_dtype(dtype, device)
    return apply("multiply", arange(n // 2 + 1, dtype=dt.default_int()).astype(out), 1.0 / (n * d))


def _shift(x, axes, sign):
    x = _arr(x)
    if axes is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    axes = tuple(axes)
    if not axes:
        return x[...]
    shifts = tuple(sign * (x.shape[a] // 2) for a in axes)
    return roll(x, shifts, axis=axes)


def fftshift(x, /, axes=None):
    """The zero-frequency term moved to the centre (a roll by n//2 per axis, on the device)."""
    return _shift(x, axes, 1)


def ifftshift(x, /, axes=None):
    """Inverse of ``fftshift`` (a roll by -(n//2) per axis, on the device)."""
    return _shift(x, axes, -1)


__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn", "ifftshift", "ihfft",
           "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]
