"""numpy.ma's numerical functions over the namespace's device kernels: ``convolve``/``correlate``
(the data and the masks through the device convolution), ``polyfit`` (masked points dropped, the
device polyfit of the rest), ``vander`` (the device Vandermonde matrix, masked rows zeroed).

Masks are convolved as float32 counts (exact below 2**24 terms) compared with 0: a result element
is masked where some pair holds a masked element (``propagate_mask``) or where no pair holds two
unmasked ones.
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from . import masked as _ma
from . import numerical as _num
from . import polynomial as _poly
from .creation import asarray, ones
from .index_tables import vander as _vander
from .manipulation import reshape
from .masked import MaskedGpuArray, _m
from .reductions import any as _any


def _operand(x) -> MaskedGpuArray:
    return _m(x if isinstance(x, (MaskedGpuArray, GpuArray)) else asarray(np.asarray(x)))


def _counts(mask, shape):
    """A mask (or ``None``: nothing masked) as float32 counts; ``ones`` for the complement."""
    f32 = dt.normalize(np.dtype(np.float32))
    return ones(shape, dtype=f32) if mask is None else astype(mask, f32, copy=False)


def _convolve_or_correlate(f, a, v, mode, propagate_mask):
    a, v = _operand(a), _operand(v)
    f32 = dt.normalize(np.dtype(np.float32))
    if propagate_mask:
        # masked where a pair holds a masked element of either operand
        data = f(a._data, v._data, mode=mode)
        if a._mask is None and v._mask is None:
            return _ma._result(data, None)
        k = None
        ones_a, ones_v = ones(a.shape, dtype=f32), ones(v.shape, dtype=f32)
        if a._mask is not None:
            k = apply("greater", f(astype(a._mask, f32, copy=False), ones_v, mode=mode), 0.5)
        if v._mask is not None:
            k = _ma._mask_or(k, apply("greater", f(ones_a, astype(v._mask, f32, copy=False), mode=mode), 0.5))
        return _ma._result(data, k)
    # masked where no pair holds two unmasked elements
    data = f(a.filled(0), v.filled(0), mode=mode)
    keep = f(_counts(None if a._mask is None else apply("logical_not", a._mask), a.shape),
             _counts(None if v._mask is None else apply("logical_not", v._mask), v.shape), mode=mode)
    return _ma._result(data, apply("less", keep, 0.5))


def convolve(a, v, mode="full", propagate_mask=True):
    """numpy.ma's ``convolve`` (see the module's note for the mask)."""
    return _convolve_or_correlate(_num.convolve, a, v, mode, propagate_mask)


def correlate(a, v, mode="valid", propagate_mask=True):
    """numpy.ma's ``correlate`` (see the module's note for the mask)."""
    return _convolve_or_correlate(_num.correlate, a, v, mode, propagate_mask)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """numpy.ma's ``polyfit``: NumPy's fit of the points where neither ``x``, ``y`` (2-D: any element
    of the row) nor ``w`` is masked."""
    x, y = _operand(x), _operand(y)
    m = x._mask
    if y.ndim == 1:
        m = _ma._mask_or(m, y._mask)
    elif y.ndim == 2:
        if y._mask is not None:
            m = _ma._mask_or(m, _any(y._mask, axis=1))
    else:
        raise TypeError("Expected a 1D or 2D array for y!")
    wd = None
    if w is not None:
        wm = _operand(w)
        if wm.ndim != 1:
            raise TypeError("expected a 1-d array for weights")
        if wm.shape[0] != y.shape[0]:
            raise TypeError("expected w and y to have the same length")
        m = _ma._mask_or(m, wm._mask)
        wd = wm._data
    xd, yd = x._data, y._data
    if m is not None:
        keep = apply("logical_not", reshape(m, (-1,)) if m.ndim != 1 else m)
        xd, yd = xd[keep], yd[keep]
        wd = None if wd is None else wd[keep]
    return _poly.polyfit(xd, yd, deg, rcond, full, wd, cov)


def vander(x, n=None):
    """numpy.ma's ``vander``: NumPy's Vandermonde matrix of the data (a plain array), the rows of
    masked elements zeroed."""
    xm = _operand(x)
    v = _vander(xm._data, n)
    if xm._mask is None:
        return v
    return apply("where", reshape(xm._mask, (-1, 1)), np.zeros((), v.dtype)[()].item(), v)


_ma.install({"convolve": convolve, "correlate": correlate, "polyfit": polyfit, "vander": vander})

__all__: list[str] = []
