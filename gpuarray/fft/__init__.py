"""The array API ``fft`` extension (also NumPy's ``numpy.fft`` names).

``fftfreq``, ``rfftfreq``, ``fftshift`` and ``ifftshift`` run on the device (an index expression
and a roll). The transforms themselves (``fft``, ``ifft``, ``fftn``, ``ifftn``, ``rfft``,
``irfft``, ``rfftn``, ``irfftn``, ``hfft``, ``ihfft``, ``fft2`` ...) have no device kernel yet:
each runs NumPy's pocketfft on a host copy and uploads the result, a counted host fallback
(``gpuarray.stats().fallbacks``; refused under ``gpuarray.set_fallback("raise")``). Result dtypes
follow the array API: complex64 stays complex64, float32 gives complex64, and float64 results
become float32/complex64 on a device without 64-bit support.
"""
from __future__ import annotations

import operator

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._device.fallback import host_call
from .._api.creation import arange, asarray
from .._lazy.elementwise import apply
from .._api.info import check_device
from .._api.manipulation import roll

_NORMS = ("backward", "ortho", "forward")


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _upload(res: np.ndarray) -> GpuArray:
    res = np.asarray(res)
    return asarray(res.astype(dt.canonical(res.dtype), copy=False))


def _transform(name, x, kwargs, *, real_input=False, complex_input=False):
    x = _arr(x)
    norm = kwargs.get("norm")
    if norm is not None and norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    if real_input and x.dtype.kind == "c":
        raise TypeError(f"{name}: x must have a real-valued floating-point dtype, not {x.dtype}")
    if complex_input and x.dtype.kind not in "fc":
        raise TypeError(f"{name}: x must have a floating-point dtype, not {x.dtype}")
    fn = getattr(np.fft, name)
    res = host_call(fn, f"fft.{name}", (x.get(),), {k: v for k, v in kwargs.items() if v is not None})
    return _upload(res)


# ------------------------------------------------------------------ transforms (host)
def fft(x, /, n=None, axis=-1, norm="backward"):
    """One-dimensional discrete Fourier transform (host fallback)."""
    return _transform("fft", x, dict(n=n, axis=axis, norm=norm))


def ifft(x, /, n=None, axis=-1, norm="backward"):
    """One-dimensional inverse discrete Fourier transform (host fallback)."""
    return _transform("ifft", x, dict(n=n, axis=axis, norm=norm))


def fftn(x, /, s=None, axes=None, norm="backward"):
    """n-dimensional discrete Fourier transform (host fallback)."""
    return _transform("fftn", x, dict(s=s, axes=axes, norm=norm))


def ifftn(x, /, s=None, axes=None, norm="backward"):
    """n-dimensional inverse discrete Fourier transform (host fallback)."""
    return _transform("ifftn", x, dict(s=s, axes=axes, norm=norm))


def fft2(x, /, s=None, axes=(-2, -1), norm="backward"):
    return _transform("fft2", x, dict(s=s, axes=axes, norm=norm))


def ifft2(x, /, s=None, axes=(-2, -1), norm="backward"):
    return _transform("ifft2", x, dict(s=s, axes=axes, norm=norm))


def rfft(x, /, n=None, axis=-1, norm="backward"):
    """Transform of real input: the n//2 + 1 non-negative frequency terms (host fallback)."""
    return _transform("rfft", x, dict(n=n, axis=axis, norm=norm), real_input=True)


def irfft(x, /, n=None, axis=-1, norm="backward"):
    """Inverse of ``rfft`` (real output of length n, default 2 * (m - 1)) (host fallback)."""
    return _transform("irfft", x, dict(n=n, axis=axis, norm=norm))


def rfftn(x, /, s=None, axes=None, norm="backward"):
    return _transform("rfftn", x, dict(s=s, axes=axes, norm=norm), real_input=True)


def irfftn(x, /, s=None, axes=None, norm="backward"):
    return _transform("irfftn", x, dict(s=s, axes=axes, norm=norm))


def rfft2(x, /, s=None, axes=(-2, -1), norm="backward"):
    return _transform("rfft2", x, dict(s=s, axes=axes, norm=norm), real_input=True)


def irfft2(x, /, s=None, axes=(-2, -1), norm="backward"):
    return _transform("irfft2", x, dict(s=s, axes=axes, norm=norm))


def hfft(x, /, n=None, axis=-1, norm="backward"):
    """Transform of a Hermitian-symmetric signal (real output) (host fallback)."""
    return _transform("hfft", x, dict(n=n, axis=axis, norm=norm))


def ihfft(x, /, n=None, axis=-1, norm="backward"):
    """Inverse of ``hfft`` (real input) (host fallback)."""
    return _transform("ihfft", x, dict(n=n, axis=axis, norm=norm), real_input=True)


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
