"""numpy.ma's writes and selections by index on the device: ``put`` (and ``MaskedGpuArray.put``),
``putmask``, ``choose``.

The data goes through the namespace's ``put``/``choose`` kernels and the mask through the same ones
beside it, with numpy.ma's mask rules: ``put`` unmasks what it writes unless the values are masked
there; ``putmask`` copies the values' mask where the condition holds (a hard mask only grows);
``choose`` is masked where the chosen array or the index is.
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, assign, astype
from . import masked as _ma
from . import searching as _search
from .creation import arange, asarray, zeros
from .host import host_fallback
from .manipulation import ravel
from .masked import MaskedGpuArray, masked, nomask


def _parts(x):
    """(data, mask or None) of a value operand; NumPy's masked arrays come to the device."""
    if isinstance(x, np.ma.MaskedArray):
        x = MaskedGpuArray(x)
    if isinstance(x, MaskedGpuArray):
        return x._data, x._mask
    return x, None


def _index(x):
    """An index operand as a device array (a masked index is its data, as numpy.ma reads it)."""
    if isinstance(x, MaskedGpuArray):
        return x._data
    return x if isinstance(x, GpuArray) else asarray(np.asarray(x))


def put(a, indices, values, mode="raise"):
    """numpy.ma's ``put``: ``a.flat[indices] = values`` (repeated cyclically) in place; the written
    elements are unmasked, or masked where ``values`` is."""
    if not isinstance(a, MaskedGpuArray):
        if isinstance(a, GpuArray):
            return _search.put(a, _index(indices), _parts(values)[0], mode=mode)
        return host_fallback(np.ma.put, "ma.put", (a, indices, values), {"mode": mode})
    idx = _index(indices)
    vd, vm = _parts(values)
    if a._hardmask and a._mask is not None:
        if a.ndim != 1:  # (NumPy indexes the N-D mask by the flat indices along its first axis)
            return MaskedGpuArray.__getattr__(a, "put")(indices, values, mode=mode)
        idx = ravel(idx)
        free = apply("logical_not", ravel(a._mask)[idx])  # (ordinary indexing: NumPy's IndexError)
        if vm is not None:  # (NumPy resizes the values in place, which a masked array refuses)
            raise ValueError("A masked array does not own its data and therefore cannot be resized.\n"
                             "Use the numpy.ma.resize function instead.")
        v = ravel(vd if isinstance(vd, GpuArray) else asarray(np.asarray(vd, dtype=a.dtype)))
        if v.size < idx.size:  # NumPy's ``ndarray.resize``: the missing values are zeros
            v = apply("where", apply("less", arange(idx.size, dtype=dt.default_int()), v.size),
                      v[apply("minimum", arange(idx.size, dtype=dt.default_int()), v.size - 1)] if v.size else 0,
                      np.zeros((), v.dtype)[()].item())
        idx, vd = idx[free], v[:idx.size][free]
    _search.put(a._data, idx, vd, mode=mode)
    if a._mask is None and vm is None:
        return None
    m = a._mask if a._mask is not None else zeros(a.shape, dtype=dt.bool_)
    # (the data's put checked the indices: 'wrap' leaves a valid one, negative included, where it points)
    _search.put(m, idx, False if vm is None else vm, mode="wrap" if mode == "raise" else mode)
    a._mask = m if _ma._any_set(m) else None  # (NumPy's shrunk mask)
    return None


def _check_same_kind(v, dtype):
    if isinstance(v, (GpuArray, np.ndarray, np.generic)):
        if not np.can_cast(v.dtype, dtype, "same_kind"):
            raise TypeError(f"Cannot cast array data from {v.dtype!r} to {np.dtype(dtype)!r} according to the rule "
                            f"'same_kind'")
    else:
        np.copyto(np.empty((), dtype), v, casting="same_kind")  # (NumPy's error for a Python scalar)


def putmask(a, mask, values):
    """numpy.ma's ``putmask``: ``a``'s data set to ``values`` (broadcast) where ``mask`` holds (a
    masked condition by its data), and its mask to the values' mask there (a hard mask only grows)."""
    cond = _index(mask)
    cond = astype(cond, dt.bool_, copy=False) if cond.dtype != dt.bool_ else cond
    vd, vm = _parts(values)
    if not isinstance(a, MaskedGpuArray):
        if not isinstance(a, GpuArray):
            return host_fallback(np.ma.putmask, "ma.putmask", (a, mask, values), {})
        _check_same_kind(vd, a.dtype)
        assign(a, apply("where", cond, vd, a))
        return None
    _check_same_kind(vd, a.dtype)
    if a._mask is None:
        if vm is not None:
            a._mask = zeros(a.shape, dtype=dt.bool_)
            assign(a._mask, apply("logical_and", cond, vm))
    elif a._hardmask:
        if vm is not None:
            assign(a._mask, apply("logical_or", a._mask, apply("logical_and", cond, vm)))
    else:  # (in place: views of the same array see it, as NumPy's copyto into the mask)
        assign(a._mask, apply("where", cond, False if vm is None else vm, a._mask))
    assign(a._data, apply("where", cond, vd, a._data))
    return None


def choose(indices, choices, out=None, mode="raise"):
    """numpy.ma's ``choose``: the filled choices picked by the filled (0) index; masked where the
    chosen array is masked or the index is."""
    c = indices.filled(0) if isinstance(indices, MaskedGpuArray) else _index(indices)
    masks = [True if x is masked else (x._mask if isinstance(x, MaskedGpuArray) and x._mask is not None else False)
             for x in choices]
    data = [True if x is masked else (x.filled() if isinstance(x, MaskedGpuArray) else x) for x in choices]
    target = out._data if isinstance(out, MaskedGpuArray) else out
    d = _search.choose(c, data, out=target, mode=mode)
    k = None
    if not all(m is False for m in masks):
        # (the index was checked by the data's choice: 'wrap' leaves a valid index as it is)
        k = _search.choose(c, masks, mode="wrap" if mode == "raise" else mode)
    im = indices._mask if isinstance(indices, MaskedGpuArray) else None
    k = _ma._mask_or(k, im)
    if k is not None and k.shape != d.shape:
        k = _ma.broadcast_to(k, d.shape).copy()
    if out is None:
        return _ma._result(d, k)
    if isinstance(out, MaskedGpuArray):
        out.mask = nomask if k is None else k
    return out


def _put_method(self, indices, values, mode="raise"):
    """numpy.ma's ``MaskedArray.put`` (see ``put``)."""
    return put(self, indices, values, mode=mode)


MaskedGpuArray.put = _put_method
_ma.install({"put": put, "putmask": putmask, "choose": choose})

__all__: list[str] = []
