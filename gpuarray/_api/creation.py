"""Array creation. Constants are kernel parameters and ranges are coordinates (Const and
Iota nodes), so filling, ``arange``, ``linspace``, ``eye`` and ``tril`` are each one dispatch
with no upload, and their kernels serve every size and value."""
from __future__ import annotations

import builtins
import math
import operator

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._kernels.codegen import evaluate_into
from .._graph.nodes import Cast, Const, Ew, Iota, Leaf, new_leaf
from .._lazy.convert import _check_device, _host_array, _ndmin, asarray  # noqa: F401 (asarray is this module's)


def _shape(shape) -> tuple:
    if isinstance(shape, (int, np.integer)) or (isinstance(shape, GpuArray) and shape.ndim == 0):
        shape = (operator.index(shape),)
    try:
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"expected a sequence of integers or a single integer, got {shape!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions are not allowed")
    return shape


def asanyarray(obj, dtype=None, device=None, copy=None, order=None, ndmin=0, like=None):
    return asarray(obj, dtype=dtype, device=device, copy=copy, ndmin=ndmin)


def ascontiguousarray(a, dtype=None, *, like=None):
    a = asarray(a, dtype=dtype)
    if a.ndim == 0:
        a = _ndmin(a, 1)
    node = a._node
    if node.__class__ is Leaf and not node.is_contiguous():
        return a.copy()
    return a


array = asarray


def empty(shape, dtype=None, device=None, order="C", **kw):
    _check_device(device)
    d = dt.normalize(dtype) if dtype is not None else dt.default_float()
    return GpuArray(new_leaf(d, _shape(shape)))


def _is_scalar(v) -> bool:
    return isinstance(v, (bool, int, float, complex, np.generic)) or (isinstance(v, np.ndarray) and v.ndim == 0)


def full(shape, fill_value, dtype=None, device=None, order="C", **kw):
    """One dispatch: a constant parameter (or a broadcast array) written into a new buffer."""
    _check_device(device)
    shape = _shape(shape)
    if _is_scalar(fill_value):
        if dtype is None:
            d = dt.canonical(_host_array(fill_value).dtype)
        else:
            d = dt.normalize(dtype)
        # NumPy's own conversion of the value (unsafe casting; OverflowError for Python ints)
        v = np.full((), fill_value, dtype=d).item()
        leaf = new_leaf(d, shape)
        evaluate_into(Const(v, d), leaf)
        return GpuArray(leaf)
    value = asarray(fill_value)
    d = dt.normalize(dtype) if dtype is not None else value.dtype
    out = GpuArray(new_leaf(d, shape))
    out[...] = value  # (assignment sits above this module: through the operator)
    return out


def zeros(shape, dtype=None, device=None, order="C", **kw):
    return full(shape, 0, dtype=dtype if dtype is not None else dt.default_float(), device=device)


def ones(shape, dtype=None, device=None, order="C", **kw):
    return full(shape, 1, dtype=dtype if dtype is not None else dt.default_float(), device=device)


def _like_dtype(x, dtype):
    if dtype is not None:
        return dtype
    return x.dtype if isinstance(x, GpuArray) else dt.canonical(_host_array(x).dtype)


def _like_shape(x, shape):
    if shape is not None:
        return shape
    return x.shape if isinstance(x, GpuArray) else np.shape(x)


def empty_like(x, /, dtype=None, device=None, order="K", subok=True, shape=None):
    return empty(_like_shape(x, shape), dtype=_like_dtype(x, dtype), device=device)


def zeros_like(x, /, dtype=None, device=None, order="K", subok=True, shape=None):
    return zeros(_like_shape(x, shape), dtype=_like_dtype(x, dtype), device=device)


def ones_like(x, /, dtype=None, device=None, order="K", subok=True, shape=None):
    return ones(_like_shape(x, shape), dtype=_like_dtype(x, dtype), device=device)


def full_like(x, /, fill_value, dtype=None, device=None, order="K", subok=True, shape=None):
    return full(_like_shape(x, shape), fill_value, dtype=_like_dtype(x, dtype), device=device)


def _eval_new(node) -> GpuArray:
    leaf = new_leaf(node.dtype, node.shape)
    evaluate_into(node, leaf)
    return GpuArray(leaf)


def _host_scalar(v):
    """A 0-d GpuArray bound (arange, linspace) as a host scalar: it sizes the result."""
    if isinstance(v, GpuArray):
        if v.ndim:
            raise TypeError("only 0-d arrays can be range bounds")
        return v.get()[()]
    return v


def arange(start, /, stop=None, step=None, *, dtype=None, device=None, like=None):
    """NumPy's arange: length ceil((stop - start) / step); values start + i * delta, where delta
    is the difference of the first two values in the result dtype (as NumPy fills them)."""
    _check_device(device)
    start, stop, step = _host_scalar(start), _host_scalar(stop), _host_scalar(step)
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    for v in (start, stop, step):
        if isinstance(v, (complex, np.complexfloating)):
            raise TypeError("arange does not accept complex values")
    if step == 0:
        raise ZeroDivisionError("division by zero")
    if dtype is None:
        d = dt.canonical(np.result_type(*(np.asarray(v).dtype for v in (start, stop, step))))
    else:
        d = dt.normalize(dtype)
    with np.errstate(all="ignore"):
        n = builtins.max(0, math.ceil((stop - start) / step))
    if d == dt.bool_:
        if n > 2:
            raise TypeError("arange() is only supported for booleans when the result has at most length 2.")
        ct = dt.int32
    else:
        ct = d
    with np.errstate(all="ignore"):
        first = np.asarray(start).astype(ct)
        second = np.asarray(start + step).astype(ct)
        delta = np.subtract(second, first, dtype=ct)
    f0, d0 = first.item(), delta.item()
    if ct.kind in "iu" and f0 >= 0 and d0 > 0 and f0 + d0 * max(n - 1, 0) < 2**31:
        # the coordinate itself (start + step * i in u32, exact below 2^31): one node
        node = Iota(ct, (n,), 0, int(f0), int(d0))
    else:
        i = Cast(Iota(dt.uint32, (n,), 0), ct)
        node = Ew("add", ct, (n,), [Ew("multiply", ct, (n,), [i, Const(d0, ct)], ct), Const(f0, ct)], ct)
    # lazy: the values are computed where they are read (index grids such as arange(p)[:, None]
    # fuse into their consumer's kernel instead of a dispatch and a buffer each)
    return GpuArray(node if ct == d else Cast(node, d))


def eye(N, M=None, k=0, dtype=None, order="C", *, device=None, like=None):
    """Ones where column == row + k: a comparison of coordinates, one dispatch."""
    _check_device(device)
    n_rows = operator.index(N)
    n_cols = n_rows if M is None else operator.index(M)
    k = builtins.min(builtins.max(operator.index(k), -n_rows - 1), n_cols + 1)  # past the edges: no diagonal
    d = dt.normalize(dtype) if dtype is not None else dt.default_float()
    shape = _shape((n_rows, n_cols))
    r, c = Iota(dt.int32, shape, 0), Iota(dt.int32, shape, 1)
    eq = Ew("equal", dt.bool_, shape, [Ew("add", dt.int32, shape, [r, Const(k, dt.int32)], dt.int32), c], dt.int32)
    return _eval_new(Cast(eq, d))


def identity(n, dtype=None, *, like=None, device=None):
    return eye(n, dtype=dtype, device=device)


def _tri_mask(shape, k, lower):
    """column <= row + k (lower) or column >= row + k (upper), over the last two axes."""
    r = Iota(dt.int32, shape, len(shape) - 2)
    c = Iota(dt.int32, shape, len(shape) - 1)
    rk = Ew("add", dt.int32, shape, [r, Const(operator.index(k), dt.int32)], dt.int32)
    return Ew("greater_equal" if lower else "less_equal", dt.bool_, shape, [rk, c], dt.int32)


def _tri_select(x, k, lower):
    x = asarray(x)
    if x.ndim == 0:
        raise ValueError(f"{'tril' if lower else 'triu'} requires an array of at least 1 dimension")
    shape = x.shape if x.ndim >= 2 else (x.shape[0], x.shape[0])  # NumPy: a 1-D input is broadcast
    m = _tri_mask(shape, k, lower)
    zero = Const(0j if x.dtype.kind == "c" else False if x.dtype == dt.bool_ else 0, x.dtype)
    return _eval_new(Ew("where", x.dtype, shape, [m, x._node, zero], x.dtype))


def tril(x, /, k=0):
    return _tri_select(x, k, True)


def triu(x, /, k=0):
    return _tri_select(x, k, False)


def tri(N, M=None, k=0, dtype=None, *, like=None):
    M = N if M is None else M
    d = dt.normalize(dtype) if dtype is not None else dt.default_float()
    return _eval_new(Cast(_tri_mask(_shape((N, M)), k, True), d))


def from_dlpack(x, /, *, device=None, copy=None):
    _check_device(device)
    if isinstance(x, GpuArray):
        if device is not None and x.device != device:  # (another device: always a copy)
            if copy is False:
                raise BufferError("from_dlpack: the array is on another device; copy=False given")
            return x.to_device(device)
        return x.copy() if copy else x
    if copy is False:
        raise BufferError("from_dlpack: data must be copied to the device (copy=False given)")
    return asarray(np.from_dlpack(x))


def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    d = dt.normalize(dtype)
    shape = _shape(shape)
    coords = [GpuArray(Iota(d, shape, i)) for i in range(len(shape))]
    return function(*coords, **kwargs)


__all__ = ['arange', 'array', 'asanyarray', 'asarray', 'ascontiguousarray', 'empty', 'empty_like', 'eye',
           'from_dlpack', 'frombuffer', 'fromfunction', 'full', 'full_like', 'identity',
           'ones', 'ones_like', 'tri', 'tril', 'triu', 'zeros', 'zeros_like']
