"""repr / str / array2string of GpuArrays: NumPy's own printing code, fed only the elements it shows.

NumPy summarises an array past ``threshold`` from its edge items alone: arrayprint's
``_leading_trailing`` keeps the first and last ``edgeitems`` along each axis longer than
``2 * edgeitems``, the format (width, precision, sign) is computed from those corners, and
``_formatArray`` reads no other element. So only the corners leave the device: along such an axis
the kept indices are two strided runs (``[:e]`` and ``[n-e:]``), i.e. the view splits that axis into
``(2, e)`` with strides ``((n - e) * s, s)``, and the whole corner block is one strided view of the
buffer, copied into a small array and downloaded at once. On the host each split axis gets one
filler element between its halves (length ``2e + 1``) and is printed with ``threshold=0``: NumPy
then summarises exactly the same axes, shows exactly the same elements (never the filler) and
computes the same format, so the text is NumPy's summary of the whole array.
The repr's frame (class name, continuation indentation, ``shape=``/``dtype=`` extras, legacy modes)
is NumPy's ``array_repr`` for a subclass, called on the GpuArray with this array2string.
"""
from __future__ import annotations

import numpy as np

from .._graph.nodes import Leaf
from .._lazy.array import GpuArray

try:
    from numpy._core import arrayprint as _arrayprint

    _repr_impl = _arrayprint._array_repr_implementation
    _str_impl = _arrayprint._array_str_implementation
except (ImportError, AttributeError):  # a NumPy without these hooks: print a full host copy
    _repr_impl = _str_impl = None


def shown(a, threshold=None, edgeitems=None) -> tuple[np.ndarray, bool]:
    """``(host, summarised)``: the full data of ``a`` when NumPy would print it whole, else the
    corner block described in the module docstring (to print with ``threshold=0``)."""
    opts = np.get_printoptions()
    threshold = opts["threshold"] if threshold is None else threshold
    e = opts["edgeitems"] if edgeitems is None else edgeitems
    if not a.size > threshold:
        return a.get(), False
    leaf = a._leaf()
    shape, strides, split = [], [], []
    for k, (n, s) in enumerate(zip(leaf.shape, leaf.strides)):
        # edgeitems=0 keeps whole axes: NumPy's ``a[-0:]`` is the whole axis
        if e > 0 and n > 2 * e:
            shape += [2, e]
            strides += [(n - e) * s, s]
            split.append(k)
        else:
            shape.append(n)
            strides.append(s)
    if not split:
        return a.get(), True
    block = GpuArray(Leaf(leaf.storage, leaf.dtype, shape, strides, leaf.offset)).get()
    merged = list(leaf.shape)
    for k in split:
        merged[k] = 2 * e
    host = block.reshape(merged)
    filler = np.r_[0:e, e - 1, e:2 * e]
    for k in split:
        host = np.take(host, filler, axis=k)
    return host, True


def array2string(a, max_line_width=None, precision=None, suppress_small=None, separator=" ", prefix="", *,
                 threshold=None, edgeitems=None, **kwargs):
    """``np.array2string`` of a GpuArray, reading only the printed elements from the device."""
    host, summarised = shown(a, threshold, edgeitems)
    return np.array2string(host, max_line_width, precision, suppress_small, separator, prefix,
                           threshold=0 if summarised else threshold, edgeitems=edgeitems, **kwargs)


class _Named(np.ndarray):
    """A host copy printed under the device class's name (only where NumPy lacks the hooks)."""


_Named.__name__ = _Named.__qualname__ = "GpuArray"


def array_repr(a, max_line_width=None, precision=None, suppress_small=None) -> str:
    if _repr_impl is None:
        return np.array_repr(a.get().view(_Named), max_line_width, precision, suppress_small)
    return _repr_impl(a, max_line_width, precision, suppress_small, array2string=array2string)


def array_str(a, max_line_width=None, precision=None, suppress_small=None) -> str:
    if _str_impl is None or a.ndim == 0:  # a 0-d array prints as its scalar
        return np.array_str(a.get(), max_line_width, precision, suppress_small)
    return _str_impl(a, max_line_width, precision, suppress_small, array2string=array2string)
