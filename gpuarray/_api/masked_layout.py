"""numpy.ma's arranging helpers and run finders on the device: ``hsplit``, ``indices``, ``fromfunction``,
``apply_along_axis``, ``apply_over_axes``, ``compress_nd``, ``flatten_mask``, ``clump_masked``,
``clump_unmasked``, ``notmasked_edges``, ``notmasked_contiguous``, ``flatnotmasked_edges``,
``flatnotmasked_contiguous``.

The run finders return Python slices: each line of the mask, padded with a False at both ends, is
compared with its neighbour on the device, and only the positions where a run starts or ends are
read back (in order: starts and ends alternate). ``apply_along_axis`` of a known reduction is one
call with ``axis=`` (numpy.ma's reductions on the device), otherwise NumPy's loop over device
slices; numpy.ma's functions passed as ``func`` are replaced by their device versions (NumPy's would
read a MaskedGpuArray's data only).
"""
from __future__ import annotations

import numpy as np
from numpy.exceptions import AxisError
from numpy.lib.array_utils import normalize_axis_tuple

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from . import masked as _ma
from .creation import arange, asarray, fromfunction as _fromfunction, zeros
from .host import host_fallback
from .index_tables import indices as _indices
from .manipulation import concatenate as _join, hsplit as _hsplit, moveaxis, ravel, reshape, stack
from .masked import MaskedGpuArray, _m, masked
from .reductions import all as _all, any as _any, max as _max, min as _min
from .searching import nonzero as _nonzero


def _operand(x) -> MaskedGpuArray:
    return _m(x if isinstance(x, (MaskedGpuArray, GpuArray)) else asarray(np.asarray(x)))


# ----------------------------------------------------------------------------- runs
def _runs(lines: GpuArray):
    """The runs of True of each row of a 2-D bool array: a list (per row) of slices."""
    n, length = lines.shape
    f = zeros((n, 1), dtype=dt.bool_)
    p = _join([f, lines, f], axis=1)
    edge = apply("not_equal", p[:, 1:], p[:, :-1])
    rows, cols = stack(_nonzero(edge)).get() if edge.size else (np.zeros(0, int), np.zeros(0, int))
    out = [[] for _ in range(n)]
    for r, s, e in zip(rows[::2].tolist(), cols[::2].tolist(), cols[1::2].tolist()):
        out[r].append(slice(s, e))
    return out


def _flat_runs(mask: GpuArray):
    return _runs(reshape(mask, (1, -1)))[0]


def clump_masked(a):
    """The slices of the runs of masked elements of the flattened array."""
    m = _operand(a)
    if m._mask is None:
        return []
    if m.size == 0:  # (NumPy reads the first element)
        raise IndexError("index 0 is out of bounds for axis 0 with size 0")
    return _flat_runs(m._mask)


def clump_unmasked(a):
    """The slices of the runs of unmasked elements of the flattened array."""
    m = _operand(a)
    if m._mask is None:
        return [slice(0, m.size)]
    if m.size == 0:
        raise IndexError("index 0 is out of bounds for axis 0 with size 0")
    return _flat_runs(apply("logical_not", m._mask))


def flatnotmasked_contiguous(a):
    """The slices of the runs of unmasked elements of the flattened array."""
    m = _operand(a)
    if m._mask is None:
        return [slice(0, m.size)]
    return _flat_runs(apply("logical_not", m._mask))


def notmasked_contiguous(a, axis=None):
    """The runs of unmasked elements: of the flattened array (``axis=None``), or a list of them per
    line along ``axis`` of a 2-D array."""
    m = _operand(a)
    if m.ndim > 2:
        raise NotImplementedError("Currently limited to at most 2D array.")
    if axis is None or m.ndim == 1:
        return flatnotmasked_contiguous(m)
    axis = normalize_axis_tuple(axis, 2)[0]
    if m._mask is None:
        return [[slice(0, m.shape[axis])] for _ in range(m.shape[1 - axis])]
    lines = moveaxis(apply("logical_not", m._mask), axis, -1)
    return _runs(lines)


def flatnotmasked_edges(a):
    """The first and last unmasked positions of the flattened array (None when all are masked)."""
    m = _operand(a)
    n = m.size
    if m._mask is None or n == 0:
        return asarray(np.array([0, n - 1]))
    free = apply("logical_not", ravel(m._mask))
    pos = arange(n, dtype=dt.default_int())
    lo, hi = (int(v) for v in stack([_min(apply("where", free, pos, n)), _max(apply("where", free, pos, -1))]).get())
    return None if hi < 0 else asarray(np.array([lo, hi]))


def notmasked_edges(a, axis=None):
    """The first and last unmasked positions: of the flattened array (``axis=None``), or, along
    ``axis``, NumPy's pair of tuples of index arrays (lines with no unmasked element left out)."""
    m = _operand(a)
    if axis is None or m.ndim == 1:
        return flatnotmasked_edges(m)
    k = m._mask_full()
    idx = _indices(m.shape)
    lo, hi = [], []
    for i in range(m.ndim):
        one = _ma._result(idx[i], k)
        lo.append(one.min(axis).compressed())
        hi.append(one.max(axis).compressed())
    return [tuple(lo), tuple(hi)]


# ----------------------------------------------------------------------------- arranging
def hsplit(ary, indices_or_sections):
    """numpy.ma's ``hsplit``: the data and the mask split alike (new arrays: the default fill value)."""
    m = _operand(ary)
    data = _hsplit(m._data, indices_or_sections)
    if m._mask is None:
        return [_ma._result(d, None) for d in data]
    return [_ma._result(d, k) for d, k in zip(data, _hsplit(m._mask, indices_or_sections))]


def _params(kwargs):
    """numpy.ma's ``fill_value``/``hardmask`` keywords of its converted creation functions."""
    return kwargs.pop("fill_value", None), bool(kwargs.pop("hardmask", False))


def indices(dimensions, dtype=int, sparse=False, **kwargs):
    """numpy.ma's ``indices``: the namespace's, nothing masked."""
    fv, hard = _params(kwargs)
    res = _indices(dimensions, dtype=dtype, sparse=sparse)
    if sparse:
        return tuple(_ma._result(r, None, fv) for r in res)
    r = _ma._result(res, None, fv)
    r._hardmask = hard
    return r


def fromfunction(function, shape, **kwargs):
    """numpy.ma's ``fromfunction``: ``function`` of the device coordinates, as a masked array."""
    fv, hard = _params(kwargs)
    res = _fromfunction(function, shape, **kwargs)
    r = res if isinstance(res, MaskedGpuArray) else _ma._result(res if isinstance(res, GpuArray) else
                                                                asarray(np.asarray(res)), None)
    if fv is not None:
        r._fill_value = fv
    r._hardmask = hard
    return r


def _device_function(func):
    """numpy.ma's (or NumPy's) function ``func`` as its ``gpuarray.ma`` version where there is one."""
    name = getattr(func, "__name__", None)
    if name and (func is getattr(np.ma, name, None) or func is getattr(np, name, None)) and name in _ma.DEVICE:
        return _ma.DEVICE[name]
    return func


# reductions whose result along an axis is, slice by slice, their result of the slice alone (var,
# std, median, average mask or fill non-finite slices differently along an axis: NumPy's loop)
_PER_SLICE = ("sum", "prod", "max", "min", "amax", "amin", "any", "all", "ptp", "argmax", "argmin", "mean")


def _reduction(func):
    """(name, device function) of a reduction in ``_PER_SLICE`` that ``func`` names, else None."""
    f = _device_function(func)
    for name in _PER_SLICE:
        if name in _ma.DEVICE and f is _ma.DEVICE[name]:
            return name, f
    return None


def _max_dtype(dtypes):
    """NumPy's ``np.asarray(dtypes).max()`` (the largest under safe casting, the first of equals)."""
    cur = dtypes[0]
    for d in dtypes[1:]:
        if d > cur:
            cur = d
    return cur


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """numpy.ma's ``apply_along_axis``: ``func1d`` of each 1-D masked slice along ``axis`` (see the
    module's note), the results' masks kept; the result's dtype is the largest of the slices' (a
    masked result counts as float64), its fill value the dtype's default."""
    m = _operand(arr)
    nd = m.ndim
    if not isinstance(axis, (int, np.integer)) or not -nd <= axis < nd:
        raise AxisError(axis, nd)
    axis = int(axis) % nd
    lead = m.shape[:axis] + m.shape[axis + 1:]
    red = _reduction(func1d)
    if red is not None and not args and m.shape[axis] and 0 not in lead:
        res = red[1](m, axis=axis, **kwargs)
        res = res if isinstance(res, MaskedGpuArray) else _ma._result(res, None)
        if red[0] == "mean" and m._mask is not None:  # (a slice's own mean is masked only when empty)
            res._mask = _all(m._mask, axis=axis)
        if res._mask is not None and res.dtype.kind in "biuf" and _ma._any_set(res._mask):
            t = _max_dtype([np.dtype(res.dtype), np.dtype(np.float64)])
            res = res.astype(t) if t != res.dtype else res
        res._fill_value = None
        return res
    view = _ma._result(moveaxis(m._data, axis, -1), None if m._mask is None else moveaxis(m._mask, axis, -1))
    f = _device_function(func1d)
    datas, masks, dtypes = [], [], []
    for ind in np.ndindex(*lead):
        r = f(view[ind] if ind else view, *args, **kwargs)
        if r is masked:
            datas.append(zeros((), dtype=dt.normalize(np.dtype(np.float64))))
            masks.append(asarray(np.ones((), bool)))
            dtypes.append(np.dtype(np.float64))
            continue
        rm = _operand(r)
        datas.append(rm._data)
        masks.append(rm._mask_full())
        dtypes.append(np.dtype(rm.dtype))
    if not datas:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    t = dt.normalize(_max_dtype(dtypes))
    data = stack([astype(d, t, copy=False) for d in datas])
    mask = stack(masks)
    k = datas[0].ndim
    shape = lead + tuple(data.shape[1:])
    data, mask = reshape(data, shape), reshape(mask, shape)
    dims = list(range(len(shape)))
    perm = dims[:axis] + dims[len(shape) - k:] + dims[axis:len(shape) - k]
    return _ma._result(data.transpose(perm), mask.transpose(perm) if _ma._any_set(mask) else None)


def apply_over_axes(func, a, axes):
    """numpy.ma's ``apply_over_axes``: ``func(a, axis)`` for each axis in turn, the dimensions kept."""
    val = _operand(a)
    f = _device_function(func)
    n = val.ndim
    if np.ndim(axes) == 0:
        axes = (axes,)
    for axis in axes:
        if axis < 0:
            axis = n + axis
        res = f(val, axis)
        res = res if isinstance(res, MaskedGpuArray) else _operand(res)
        if res.ndim != val.ndim:
            res = _ma._ARRANGING["expand_dims"](res, axis)
            if res.ndim != val.ndim:
                raise ValueError("function is not returning an array of the correct shape")
        val = res
    return val


def compress_nd(x, axis=None):
    """numpy.ma's ``compress_nd``: the data without the slices, along each of ``axis``, that hold a
    masked element (a plain array)."""
    m = _operand(x)
    axes = tuple(range(m.ndim)) if axis is None else normalize_axis_tuple(axis, m.ndim)
    if m._mask is None:
        return m._data
    flags = stack([_any(m._mask), _all(m._mask)]).get()
    if not flags[0]:
        return m._data
    if flags[1]:
        return asarray(np.array([]))
    data = m._data
    for ax in axes:
        others = tuple(i for i in range(m.ndim) if i != ax)
        keep = apply("logical_not", _any(m._mask, axis=others)) if others else apply("logical_not", m._mask)
        data = data[(slice(None),) * ax + (keep,)]
    return data


def flatten_mask(mask):
    """numpy.ma's ``flatten_mask``: a mask flattened (a structured mask's fields in order: NumPy's)."""
    if isinstance(mask, MaskedGpuArray):
        mask = mask._data
    if isinstance(mask, GpuArray):
        return ravel(astype(mask, dt.bool_, copy=False) if mask.dtype != dt.bool_ else mask).copy()
    h = np.asarray(mask)
    if h.dtype.names is not None:
        return host_fallback(np.ma.flatten_mask, "ma.flatten_mask", (h,), {})
    return asarray(h.astype(bool).reshape(-1))


_ma.install({"clump_masked": clump_masked, "clump_unmasked": clump_unmasked,
             "flatnotmasked_contiguous": flatnotmasked_contiguous, "notmasked_contiguous": notmasked_contiguous,
             "flatnotmasked_edges": flatnotmasked_edges, "notmasked_edges": notmasked_edges, "hsplit": hsplit,
             "indices": indices, "fromfunction": fromfunction, "apply_along_axis": apply_along_axis,
             "apply_over_axes": apply_over_axes, "compress_nd": compress_nd, "flatten_mask": flatten_mask})

__all__: list[str] = []
