"""Array creation. Constants and ranges are lazy expressions (a Const or an Iota node),
so ``zeros(n) + x`` never touches memory for the zeros."""
from __future__ import annotations

import builtins
import operator

import numpy as np

from . import _dtypes as dt
from ._array import GpuArray, from_host, new_leaf
from ._graph import Const, Ew, Iota, Leaf, contiguous_strides


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


def _check_device(device):
    if device is not None:
        from ._info import check_device

        check_device(device)


def _host_dtype_of(obj) -> np.dtype:
    """NumPy's dtype for a host object, mapped onto the device's defaults."""
    a = np.asarray(obj)
    if a.dtype.kind in "OUSV":
        raise TypeError(f"cannot create a GpuArray from {type(obj).__name__} with dtype {a.dtype}")
    return a


def asarray(obj, dtype=None, device=None, copy=None, order=None, ndmin=0, like=None):
    """A GpuArray from a NumPy array, nested sequence, scalar, buffer or GpuArray."""
    _check_device(device)
    want = dt.normalize(dtype) if dtype is not None else None
    if isinstance(obj, GpuArray):
        out = obj
        if want is not None and want != obj.dtype:
            if copy is False:
                raise ValueError("asarray: a dtype change needs a copy (copy=False given)")
            out = obj.astype(want)
        elif copy:
            out = obj.copy()
        return _ndmin(out, ndmin)
    if copy is False and not isinstance(obj, GpuArray):
        raise ValueError("asarray: host data cannot be placed on the device without a copy (copy=False given)")
    if isinstance(obj, (list, tuple)) and _has_gpu(obj):
        from ._manipulation import stack

        return stack([asarray(o, dtype=dtype) for o in obj])
    if isinstance(obj, bool) and want is None:
        want = dt.bool_
    elif isinstance(obj, int) and not isinstance(obj, bool) and want is None:
        want = dt.default_int()
        info = np.iinfo(want)
        if not info.min <= obj <= info.max:
            if obj > 0 and obj <= np.iinfo(np.uint64).max and dt.canonical(dt.uint64) == dt.uint64:
                want = dt.uint64
            else:
                raise OverflowError(f"Python integer {obj} out of bounds for {want}")
    elif isinstance(obj, float) and want is None:
        want = dt.default_float()
    elif isinstance(obj, complex) and want is None:
        want = dt.default_complex()
    if want is not None:
        if isinstance(obj, int) and not isinstance(obj, bool) and want.kind in "iu":
            dt.check_int_fits(obj, want)
        a = np.asarray(obj, dtype=want) if not _mixed_complex(obj, want) else np.asarray(obj).astype(want)
    else:
        a = _host_dtype_of(obj)
        if a.dtype.kind in "iufcb":
            a = a.astype(dt.canonical(a.dtype), copy=False)
    if not dt.is_supported(a.dtype):
        raise TypeError(f"gpuarray does not support dtype {a.dtype}")
    dt.normalize(a.dtype)
    return _ndmin(from_host(a), ndmin)


def _mixed_complex(obj, want):
    return want.kind != "c" and np.iscomplexobj(np.asarray(obj))


def _has_gpu(seq) -> bool:
    return builtins.any(isinstance(o, GpuArray) or (isinstance(o, (list, tuple)) and _has_gpu(o)) for o in seq)


def _ndmin(a, ndmin):
    if ndmin and a.ndim < ndmin:
        from ._manipulation import reshape

        return reshape(a, (1,) * (ndmin - a.ndim) + a.shape)
    return a


array = asarray


def empty(shape, dtype=None, device=None, order="C", **kw):
    _check_device(device)
    d = dt.normalize(dtype) if dtype is not None else dt.default_float()
    return GpuArray(new_leaf(d, _shape(shape)))


def full(shape, fill_value, dtype=None, device=None, order="C", **kw):
    _check_device(device)
    if isinstance(fill_value, GpuArray):
        fill_value = fill_value.get().item()
    if isinstance(fill_value, np.generic) and dtype is None:
        dtype = fill_value.dtype
        fill_value = fill_value.item()
    d = dt.normalize(dtype) if dtype is not None else dt.scalar_dtype(fill_value)
    if isinstance(fill_value, complex) and d.kind != "c":
        raise TypeError(f"cannot fill an array of {d} with a complex value")
    shape = _shape(shape)
    leaf = new_leaf(d, shape)
    from ._codegen import evaluate_into

    v = np.array(fill_value).astype(d).item() if d.kind != "c" else complex(fill_value)
    evaluate_into(Const(v, d), leaf)
    return GpuArray(leaf)


def zeros(shape, dtype=None, device=None, order="C", **kw):
    return full(shape, 0, dtype=dtype or dt.default_float(), device=device)


def ones(shape, dtype=None, device=None, order="C", **kw):
    return full(shape, 1, dtype=dtype or dt.default_float(), device=device)


def _like_dtype(x, dtype):
    return dtype if dtype is not None else (x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype)


def _like_shape(x, shape):
    return shape if shape is not None else np.shape(x) if not isinstance(x, GpuArray) else x.shape


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
    from ._codegen import evaluate_into

    evaluate_into(node, leaf)
    return GpuArray(leaf)


def arange(start, /, stop=None, step=1, *, dtype=None, device=None, like=None):
    _check_device(device)
    if stop is None:
        start, stop = 0, start
    for v in (start, stop, step):
        if isinstance(v, complex):
            raise TypeError("arange does not accept complex values")
    if step == 0:
        raise ZeroDivisionError("arange: step must not be zero")
    n = int(np.ceil((stop - start) / step)) if (stop - start) / step > 0 else 0
    if dtype is None:
        is_float = builtins.any(isinstance(v, (float, np.floating)) for v in (start, stop, step))
        d = dt.default_float() if is_float else dt.default_int()
    else:
        d = dt.normalize(dtype)
    if d.kind in "iu" and builtins.all(isinstance(v, (int, np.integer)) for v in (start, step)):
        ct = d
    else:
        ct = d if d.kind == "f" else dt.default_float()
    from ._elementwise import node_of

    i = Iota(ct, (n,), 0)
    node = Ew("add", ct, (n,), [Ew("multiply", ct, (n,), [i, Const(_cv(step, ct), ct)], ct), Const(_cv(start, ct), ct)], ct)
    if ct != d:
        from ._graph import Cast

        node = Cast(node, d)
    return _eval_new(node)


def _cv(v, ct):
    return float(v) if ct.kind == "f" else int(v)


def linspace(start, stop, /, num=50, *, dtype=None, device=None, endpoint=True, retstep=False, axis=0):
    _check_device(device)
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    is_c = builtins.any(isinstance(v, complex) for v in (start, stop))
    d = dt.normalize(dtype) if dtype is not None else (dt.default_complex() if is_c else dt.default_float())
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else float("nan")
    ct = d if d.kind in "fc" else dt.default_float()
    cv = complex if ct.kind == "c" else float
    i = Iota(ct, (num,), 0)
    if div > 0:
        # NumPy: start + i*step, and the last point is exactly `stop` when endpoint
        node = Ew("add", ct, (num,), [Ew("multiply", ct, (num,), [i, Const(cv(step), ct)], ct), Const(cv(start), ct)], ct)
    else:
        node = Ew("add", ct, (num,), [Ew("multiply", ct, (num,), [i, Const(cv(0), ct)], ct), Const(cv(start), ct)], ct)
    if ct != d:
        from ._graph import Cast

        node = Cast(node, d)
    out = _eval_new(node)
    if endpoint and num > 1:
        out[-1] = stop
    if retstep:
        return out, step
    return out


def eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None, M=None, N=None):
    _check_device(device)
    if M is not None:
        n_cols = M
    n_cols = n_rows if n_cols is None else n_cols
    d = dt.normalize(dtype) if dtype is not None else dt.default_float()
    shape = (n_rows, n_cols)
    r, c = Iota(dt.int32, shape, 0), Iota(dt.int32, shape, 1)
    eq = Ew("equal", dt.bool_, shape, [Ew("add", dt.int32, shape, [r, Const(int(k), dt.int32)], dt.int32), c], dt.int32)
    from ._graph import Cast

    return _eval_new(Cast(eq, d))


identity = lambda n, dtype=None, **kw: eye(n, dtype=dtype)  # noqa: E731


def _tri_mask(shape, k, lower):
    r = Iota(dt.int32, shape, len(shape) - 2)
    c = Iota(dt.int32, shape, len(shape) - 1)
    rk = Ew("add", dt.int32, shape, [r, Const(int(k), dt.int32)], dt.int32)
    return Ew("greater_equal" if lower else "less_equal", dt.bool_, shape, [rk, c] if lower else [Ew("add", dt.int32, shape, [r, Const(int(k), dt.int32)], dt.int32), c], dt.int32)


def tril(x, /, *, k=0):
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError("tril requires an array of at least 2 dimensions")
    m = _tri_mask(x.shape, k, True)
    return _eval_new(Ew("where", x.dtype, x.shape, [m, x._node, Const(0, x.dtype) if x.dtype.kind != "c" else Const(0j, x.dtype)], x.dtype))


def triu(x, /, *, k=0):
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError("triu requires an array of at least 2 dimensions")
    shape = x.shape
    r = Iota(dt.int32, shape, len(shape) - 2)
    c = Iota(dt.int32, shape, len(shape) - 1)
    m = Ew("less_equal", dt.bool_, shape, [Ew("add", dt.int32, shape, [r, Const(int(k), dt.int32)], dt.int32), c], dt.int32)
    return _eval_new(Ew("where", x.dtype, shape, [m, x._node, Const(0, x.dtype) if x.dtype.kind != "c" else Const(0j, x.dtype)], x.dtype))


def tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    d = dt.normalize(dtype) if dtype is not None else dt.default_float()
    from ._graph import Cast

    return _eval_new(Cast(_tri_mask((N, M), k, True), d))


def meshgrid(*arrays, indexing="xy", sparse=False, copy=True):
    from ._manipulation import broadcast_to, reshape

    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    arrays = [asarray(a) for a in arrays]
    for a in arrays:
        if a.ndim != 1:
            raise ValueError("meshgrid requires 1-D arrays")
    if arrays and len({a.dtype for a in arrays}) > 1:
        raise TypeError("meshgrid: all arrays must have the same dtype")
    n = len(arrays)
    shapes = [a.shape[0] for a in arrays]
    if indexing == "xy" and n >= 2:
        shapes[0], shapes[1] = shapes[1], shapes[0]
    out = []
    for i, a in enumerate(arrays):
        ax = i
        if indexing == "xy" and n >= 2 and i < 2:
            ax = 1 - i
        s = [1] * n
        s[ax] = a.shape[0]
        r = reshape(a, tuple(s))
        if not sparse:
            r = broadcast_to(r, tuple(shapes))
            if copy:
                r = r.copy()
        out.append(r)
    return out


def from_dlpack(x, /, *, device=None, copy=None):
    if copy is False:
        raise BufferError("from_dlpack: data must be copied to the device (copy=False given)")
    return asarray(np.from_dlpack(x))


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromfunction(function, shape, *, dtype=float, **kwargs):
    from ._manipulation import broadcast_to  # noqa: F401

    coords = [GpuArray(Iota(dt.normalize(dtype), tuple(shape), i)) for i in range(len(shape))]
    return function(*coords, **kwargs)


__all__ = ['arange', 'array', 'asarray', 'empty', 'empty_like', 'eye', 'from_dlpack', 'frombuffer', 'fromfunction', 'full', 'full_like', 'identity', 'linspace', 'meshgrid', 'ones', 'ones_like', 'tri', 'tril', 'triu', 'zeros', 'zeros_like']
