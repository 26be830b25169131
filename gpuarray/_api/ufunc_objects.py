"""The ufunc methods (``reduce``, ``accumulate``, ``outer``, ``at``, ``reduceat``) and attributes,
in one place for both entry points: the namespace's ufuncs (``gpuarray.add.reduce(x, axis=0)``)
and NumPy's ufuncs on GpuArrays (``numpy.add.reduce(x)`` through ``__array_ufunc__``).

Each method maps onto a device path where one exists: ``reduce`` onto the reductions (``add`` is
``sum``, ``maximum`` is ``max``, ``logical_and`` is ``all``, ``bitwise_or`` a bitwise fold ...), ``accumulate`` onto the scans (add, multiply, maximum, minimum, fmax, fmin, logical_and, logical_or,
bitwise_and/or/xor),
``outer`` onto the ufunc's own call over broadcast operands, ``at`` onto an updating scatter (a
compare-and-swap per update, for elements of at most 32 bits), ``reduceat`` onto one reduction per
segment; the other binary ufuncs' ``reduce``/``accumulate`` onto NumPy's in-order fold (``_fold``, axes up to
``MAX_FOLD`` long). Everything else is NumPy's method on host copies: counted, warned once, refused under
``set_fallback('raise')``.

The namespace's ufuncs stay plain functions (their call costs what it did); the methods and
NumPy's attributes (``nin``, ``nout``, ``nargs``, ``identity``, ``types``, ``ntypes``,
``signature``) are set on them by ``install``.
"""
from __future__ import annotations

import operator

import numpy as np
from numpy.exceptions import AxisError

from .._device.errors import HostDataError
from .._graph import dtypes as dt
from .._graph import ops as _ops
from .._graph.nodes import Const
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, as_operand, assign, astype, flush_readers
from .._lazy.placement import follow
from . import reductions as _reductions
from . import ufunc as _ufunc
from .advanced import _detach, resolve, scatter_update, segment_update, updatable, value_node
from .creation import asarray
from .host import host_fallback
from .indexing import _is_basic, normalize_key
from .manipulation import broadcast_to, concatenate, expand_dims, moveaxis
from .ufunc import NoDeviceImpl

__all__: list[str] = []

_NoValue = getattr(np, "_NoValue", object())
# ufunc -> the reduction computing its reduce / the scan computing its accumulate
_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min",
           "logical_and": "all", "logical_or": "any", "fmax": "nanmax", "fmin": "nanmin"}
_ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}
_BITWISE = ("bitwise_and", "bitwise_or", "bitwise_xor", "logical_xor")  # reductions.bitwise_reduce
_SCANS = ("maximum", "minimum", "fmax", "fmin", "logical_and", "logical_or",
          "bitwise_and", "bitwise_or", "bitwise_xor")  # reductions.scan
# reduceat runs one reduction per segment up to this many segments; more is NumPy's on the host
MAX_REDUCEAT_SEGMENTS = 64
# reduce/accumulate of the other binary ufuncs (subtract, divide, power, arctan2 ...): NumPy's
# left fold in order, one lazy op per element of an axis of at most this length (the chain fuses
# into a few kernels); longer axes are NumPy's on the host
MAX_FOLD = 64
# the namespace's functions (``install``): the package hands itself down, as to ``interop``
_NAMESPACE: dict = {}


def _array(x) -> GpuArray:
    x = as_operand(x)
    if not isinstance(x, GpuArray):
        try:
            x = asarray(x)
        except TypeError:
            raise NoDeviceImpl from None
    return x


def _out1(out):
    if out is None:
        return None
    out = _ufunc.normalize_out(out, 1)
    return out


# ------------------------------------------------------------------------------ reduce
def reduce(ufunc, inputs, kw):
    if ufunc.__name__ in _BITWISE:
        return _bitwise_reduce(ufunc, inputs, kw)
    fname = _REDUCE.get(ufunc.__name__)
    if fname is None and len(inputs) == 1:
        return _fold(ufunc, inputs[0], kw, accumulate=False)
    if fname is None or len(inputs) != 1:
        raise NoDeviceImpl
    axis = kw.pop("axis", 0)
    dtype = kw.pop("dtype", None)
    out = _out1(kw.pop("out", None))
    keepdims = kw.pop("keepdims", False)
    initial = kw.pop("initial", _NoValue)
    where = kw.pop("where", True)
    if kw:
        raise NoDeviceImpl
    a = _array(inputs[0])
    if fname in ("nanmax", "nanmin") and a.dtype.kind == "c":
        raise NoDeviceImpl  # (complex fmax/fmin order NaNs apart from NumPy's nanmax)
    fkw = {"axis": axis, "keepdims": keepdims}
    if where is not True:
        fkw["where"] = where
    if initial is not _NoValue and initial is not None:
        if fname in ("all", "any"):
            raise NoDeviceImpl
        fkw["initial"] = initial
    if dtype is not None:
        dtype = np.dtype(dtype)
        if fname in ("sum", "prod"):
            fkw["dtype"] = dtype
        elif fname in ("max", "min", "nanmax", "nanmin"):
            a = astype(a, dtype, copy=False)
        elif dtype != np.bool_:
            raise NoDeviceImpl
    if a.ndim == 0 and axis not in (None, ()):
        raise AxisError(axis, 0)
    try:
        res = getattr(_reductions, fname)(a, **fkw)
    except NotImplementedError:
        raise NoDeviceImpl from None
    casting = "unsafe" if fname in ("all", "any") else "same_kind"
    return _ufunc.finish(ufunc, as_operand(res), out, casting, True)


def _fold(ufunc, x, kw, accumulate: bool):
    """``ufunc.reduce`` / ``ufunc.accumulate`` of a binary op-table ufunc as NumPy's loop computes
    it: acc = x[0] (or ``initial``), then acc = op(acc, x[i]) in order along the axis (the axes
    NumPy accepts, folded in C order), each step a lazy op: the values and dtypes of NumPy's loop,
    its warnings too. The same call on a proxy of ones gives NumPy's result dtype and raises its
    errors (an axis out of range, several axes of a ufunc NumPy does not reorder, a missing loop)."""
    if ufunc.nin != 2 or ufunc.nout != 1:
        raise NoDeviceImpl
    try:
        op = _ops.lookup(ufunc.__name__)
    except KeyError:
        raise NoDeviceImpl from None
    if op.rule in ("compare", "logical"):
        raise NoDeviceImpl
    if kw.get("where", True) is not True:
        raise NoDeviceImpl
    out = _out1(kw.pop("out", None))
    dtype = kw.get("dtype")
    a = _array(x)
    if accumulate and a.ndim == 0:
        raise TypeError("cannot accumulate on a scalar")
    proxy = np.ones((2,) * a.ndim, a.dtype)
    with np.errstate(all="ignore"):
        ref = (ufunc.accumulate if accumulate else ufunc.reduce)(proxy, **kw)
    rt = np.asarray(ref).dtype
    axis = kw.pop("axis", 0)
    keepdims = kw.pop("keepdims", False)
    initial = kw.pop("initial", _NoValue)
    kw.pop("dtype", None)
    kw.pop("where", None)
    if kw:
        raise NoDeviceImpl
    axes = tuple(range(a.ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    axes = tuple(operator.index(d) % max(a.ndim, 1) for d in axes)
    n = 1
    for d in axes:
        n *= a.shape[d]
    if n > MAX_FOLD or initial is None:
        raise NoDeviceImpl
    if initial is _NoValue and ufunc.identity is not None and not accumulate:
        initial = ufunc.identity  # (NumPy folds from the identity where there is one: hypot.reduce([-x]) is x)
    src = astype(a, np.dtype(dtype), copy=False) if dtype is not None else a
    rest = [d for d in range(a.ndim) if d not in axes]
    if not axes:  # (a 0-d array, or axis=(): each element alone, folded with the initial value)
        axes, src, rest = (0,), expand_dims(src, 0), list(range(1, a.ndim + 1))
        keepdims, n = False, 1
    xs = src.transpose(list(axes) + rest).reshape((n,) + tuple(src.shape[d] for d in rest))
    if n == 0 and initial is _NoValue and not accumulate:
        raise ValueError(f"zero-size array to reduction operation {ufunc.__name__} which has no identity")
    if accumulate:
        steps = [] if n == 0 else [astype(xs[0], rt, copy=False)]
        for i in range(1, n):
            steps.append(apply(op.name, steps[-1], xs[i]))
        res = concatenate([expand_dims(v, 0) for v in steps], axis=0) if steps else astype(xs, rt, copy=False)
        res = moveaxis(res, 0, axes[0])
    else:
        if initial is _NoValue:
            acc, first = astype(xs[0], rt, copy=False), 1
        else:
            acc, first = broadcast_to(asarray(initial, dtype=rt), xs.shape[1:]), 0
        for i in range(first, n):
            acc = apply(op.name, acc, xs[i])
        res = acc
        if keepdims:
            for d in sorted(axes):
                res = expand_dims(res, d)
    res = as_operand(res)
    if res.dtype != rt:
        res = astype(res, rt, copy=False)
    return _ufunc.finish(ufunc, res, out, "same_kind", True)


def _bitwise_reduce(ufunc, inputs, kw):
    axis = kw.pop("axis", 0)
    dtype = kw.pop("dtype", None)
    out = _out1(kw.pop("out", None))
    keepdims = kw.pop("keepdims", False)
    initial = kw.pop("initial", _NoValue)
    where = kw.pop("where", True)
    if kw or len(inputs) != 1:
        raise NoDeviceImpl
    a = _array(inputs[0])
    name = ufunc.__name__
    if dtype is not None and np.dtype(dtype) != a.dtype or (name != "logical_xor" and a.dtype.kind not in "biu"):
        raise NoDeviceImpl  # NumPy's loops (and errors) for other dtypes
    if a.ndim == 0 and axis not in (None, ()):
        raise AxisError(axis, 0)
    res = _reductions.bitwise_reduce(name, a, axis=axis, keepdims=keepdims,
                                     initial=None if initial is _NoValue else initial,
                                     where=None if where is True else where)
    return _ufunc.finish(ufunc, res, out, "same_kind", True)


# ------------------------------------------------------------------------------ accumulate
def accumulate(ufunc, inputs, kw):
    name = ufunc.__name__
    fname = _ACCUMULATE.get(name)
    if fname is None and name not in _SCANS and len(inputs) == 1:
        return _fold(ufunc, inputs[0], kw, accumulate=True)
    if (fname is None and name not in _SCANS) or len(inputs) != 1:
        raise NoDeviceImpl
    axis = kw.pop("axis", 0)
    dtype = kw.pop("dtype", None)
    out = _out1(kw.pop("out", None))
    if kw:
        raise NoDeviceImpl
    a = _array(inputs[0])
    if a.ndim == 0:
        raise TypeError("cannot accumulate on a scalar")
    if axis is None:
        raise TypeError("'NoneType' object cannot be interpreted as an integer")
    if fname is None and name in ("fmax", "fmin") and a.dtype.kind == "c":
        raise NoDeviceImpl
    if fname is None and name.startswith("logical") and dtype is not None and np.dtype(dtype) != np.bool_:
        raise NoDeviceImpl  # (a logical scan in another dtype: NumPy's loop)
    if name.startswith("bitwise") and (a.dtype.kind not in "biu" or dtype is not None and np.dtype(dtype) != a.dtype):
        raise NoDeviceImpl  # NumPy's loops and errors
    try:
        if fname is None:
            res = _reductions.scan(name, a, axis, dtype)
        else:
            res = getattr(_reductions, fname)(a, axis=axis, dtype=dtype)
    except NotImplementedError:
        raise NoDeviceImpl from None
    return _ufunc.finish(ufunc, res, out, "same_kind", True)


# ------------------------------------------------------------------------------ outer
def outer(ufunc, inputs, kw):
    if ufunc.nin != 2 or ufunc.signature is not None:
        raise ValueError("method outer is only supported for binary functions")
    if len(inputs) != 2:
        raise TypeError(f"outer() takes exactly 2 arguments ({len(inputs)} given)")
    a, b = (_array(x) for x in inputs)  # NumPy's outer makes arrays of scalars too (no weak scalars)
    if b.ndim:
        a = a.reshape(a.shape + (1,) * b.ndim)
    try:
        op = _ops.lookup(ufunc.__name__)
    except KeyError:
        raise NoDeviceImpl from None
    return _ufunc.call(ufunc, op.name, (a, b), kw)


# ------------------------------------------------------------------------------ at
def at(ufunc, inputs, kw):
    if kw or len(inputs) not in (2, 3):
        raise NoDeviceImpl
    a, key = inputs[0], inputs[1]
    if not isinstance(a, GpuArray):
        raise NoDeviceImpl  # a host array is NumPy's to update in place
    try:
        op = _ops.lookup(ufunc.__name__)
    except KeyError:
        raise NoDeviceImpl from None
    if ufunc.nout != 1 or op.nin != ufunc.nin or ufunc.nin not in (1, 2):
        raise NoDeviceImpl
    if ufunc.nin == 2 and len(inputs) != 3:
        raise ValueError("second operand needed for ufunc")
    if ufunc.nin == 1 and len(inputs) == 3 and inputs[2] is not None:
        raise ValueError("second operand provided when ufunc is unary")
    t = a.dtype
    if ufunc.nin == 2:
        b = as_operand(inputs[2])
        bt = b.dtype if isinstance(b, (GpuArray, np.generic)) else type(b)
        if isinstance(b, np.generic) and not isinstance(b, np.number | np.bool_):
            raise NoDeviceImpl
        loop = _ufunc._loop(ufunc, (t, bt), None, "same_kind")
    else:
        b = None
        loop = _ufunc._loop(ufunc, (t,), None, "same_kind")
    # a loop over a's own dtype, or one dtype that holds a's values exactly and casts back within its
    # kind (float32 updated by float64 values; other casts: NumPy's on the host)
    lt = loop[0]
    mixed = any(d != t for d in loop)
    if mixed and (any(d != lt for d in loop) or not np.can_cast(t, lt, "safe")
                  or not np.can_cast(lt, t, "same_kind") or dt.canonical(lt) != lt):
        raise NoDeviceImpl
    if _ops.expression(op, lt) is None:
        raise NoDeviceImpl
    atomic = not mixed and updatable(op.name, t)
    if not atomic and "argsort" not in _NAMESPACE:
        raise NoDeviceImpl
    if a._leaf().readonly:
        raise ValueError("assignment destination is read-only")
    k = normalize_key(key if isinstance(key, tuple) else (key,), a.ndim)
    if all(_is_basic(i) for i in k):  # no index repeats: an ordinary in-place update
        view = a[k]
        res = apply(op.name, view) if b is None else apply(op.name, view, b)
        assign(view, res if res.dtype == t else astype(res, t, copy=False))
        return None
    leaf = a._leaf()
    r = resolve(a, k, avoid=leaf.storage)
    value = Const(dt.store_scalar(0, t), t) if b is None else value_node(b, lt)
    vshape = value.shape
    if len(vshape) > len(r.shape) or any(v not in (1, s) for v, s in zip(vshape[::-1], r.shape[::-1])):
        raise ValueError(f"array is not broadcastable to correct shape: value of shape {vshape} for "
                         f"indexing result of shape {r.shape}")
    if 0 in r.shape:
        return None
    value = _detach(value, r.view)
    offset = _detach(r.offset(), r.view)
    if not atomic:
        _at_sorted(op.name, ufunc.nin, value if b is not None else None, offset, r, lt)
        return None
    flush_readers(leaf.storage)
    scatter_update(op.name, ufunc.nin, value, offset, r.view, r.shape)
    return None


def _at_sorted(opname, nin, value, offset, r, lt) -> None:
    """``ufunc.at`` on elements without word atomics, or in a loop dtype ``lt`` other than theirs:
    the updates sorted by destination (stable: repeated destinations keep their order), then one
    in-order fold per destination (``advanced.segment_update``)."""
    argsort, take = _NAMESPACE["argsort"], _NAMESPACE["take"]
    t = lt
    off = astype(broadcast_to(GpuArray(offset), r.shape), r.ix, copy=True).reshape(-1)
    order = argsort(off, stable=True)
    so = take(off, order).copy()._leaf()
    sv = None
    if value is not None:
        v = astype(broadcast_to(GpuArray(value), r.shape), t, copy=True).reshape(-1)
        sv = take(v, order).copy()._leaf()
    flush_readers(r.view.storage)
    segment_update(opname, nin, so, sv, r.view, None if lt == r.view.dtype else lt)


# ------------------------------------------------------------------------------ reduceat
def reduceat(ufunc, inputs, kw):
    fname = _REDUCE.get(ufunc.__name__)
    if fname is None or len(inputs) != 2:
        raise NoDeviceImpl
    axis = kw.pop("axis", 0)
    dtype = kw.pop("dtype", None)
    out = _out1(kw.pop("out", None))
    if kw or fname in ("all", "any"):
        raise NoDeviceImpl
    a = _array(inputs[0])
    idx = inputs[1]
    idx = idx.get() if isinstance(idx, GpuArray) else np.asarray(idx)
    if idx.ndim != 1 or idx.dtype.kind not in "iu" or idx.size > MAX_REDUCEAT_SEGMENTS:
        raise NoDeviceImpl
    if a.ndim == 0:
        raise TypeError("cannot reduceat on a scalar")
    axis = operator.index(axis)
    if not -a.ndim <= axis < a.ndim:
        raise AxisError(axis, a.ndim)
    axis %= a.ndim
    n = a.shape[axis]
    for i in idx:
        if not 0 <= i < n:
            raise IndexError(f"index {i} out-of-bounds in {ufunc.__name__}.reduceat [0, {n})")
    x = moveaxis(a, axis, 0)
    if dtype is not None:
        x = astype(x, np.dtype(dtype), copy=False)
    if not idx.size:
        raise NoDeviceImpl
    # the result dtype of NumPy's reduction (add and multiply widen small integers and bool)
    rt = ufunc.reduce(np.ones(1, x.dtype)).dtype
    f = getattr(_reductions, fname)
    parts = []
    bounds = list(idx) + [n]
    for i in range(idx.size):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        if lo < hi:
            seg = x[lo:hi]
            part = f(seg, axis=0, keepdims=True, dtype=rt) if fname in ("sum", "prod") else f(seg, axis=0, keepdims=True)
        else:
            part = x[lo:lo + 1]
        parts.append(part if part.dtype == rt else astype(part, rt, copy=False))
    res = concatenate(parts, axis=0) if len(parts) > 1 else parts[0].copy()
    res = moveaxis(res, 0, axis)
    return _ufunc.finish(ufunc, res, out, "same_kind", True)


DEVICE = {"reduce": reduce, "accumulate": accumulate, "outer": outer, "at": at, "reduceat": reduceat}


def run(ufunc, method, inputs, kw):
    """``ufunc.method(*inputs, **kw)`` (NumPy's ufunc, ``__array_ufunc__``'s normalized
    arguments) on the device, or NumPy's method on host copies (counted)."""
    impl = DEVICE.get(method)
    if impl is not None:
        try:
            return impl(ufunc, inputs, dict(kw))
        except (NoDeviceImpl, HostDataError):
            pass
    return host_fallback(getattr(ufunc, method), f"{ufunc.__name__}.{method}", inputs, kw,
                         mutated=(0,) if method == "at" else ())


# ------------------------------------------------------------------------------ the namespace's ufuncs
def _methods(uf):
    def reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
        kw = {"axis": axis, "dtype": dtype, "keepdims": keepdims}
        if out is not None:
            kw["out"] = out if isinstance(out, tuple) else (out,)
        if initial is not _NoValue:
            kw["initial"] = initial
        if where is not True:
            kw["where"] = where
        return run(uf, "reduce", (array,), kw)

    def accumulate(array, axis=0, dtype=None, out=None):
        kw = {"axis": axis, "dtype": dtype}
        if out is not None:
            kw["out"] = out if isinstance(out, tuple) else (out,)
        return run(uf, "accumulate", (array,), kw)

    def reduceat(array, indices, axis=0, dtype=None, out=None):
        kw = {"axis": axis, "dtype": dtype}
        if out is not None:
            kw["out"] = out if isinstance(out, tuple) else (out,)
        return run(uf, "reduceat", (array, indices), kw)

    def outer(A, B, /, **kwargs):
        if isinstance(kwargs.get("out"), (GpuArray, np.ndarray)):
            kwargs["out"] = (kwargs["out"],)
        return run(uf, "outer", (A, B), kwargs)

    def at(a, indices, b=None, /):
        return run(uf, "at", (a, indices) if b is None else (a, indices, b), {})

    return {"reduce": reduce, "accumulate": accumulate, "reduceat": reduceat, "outer": outer, "at": at}


_ATTRIBUTES = ("nin", "nout", "nargs", "ntypes", "types", "identity", "signature")


def install(functions: dict) -> None:
    """Give each namespace function named for a NumPy ufunc that ufunc's methods and attributes
    (and keep the namespace's functions: ``at`` on 64-bit elements sorts with its ``argsort``)."""
    _NAMESPACE.update(functions)
    for name, fn in functions.items():
        uf = getattr(np, name, None)
        if not isinstance(uf, np.ufunc) or not callable(fn) or hasattr(fn, "reduce"):
            continue
        if not hasattr(fn, "__dict__"):  # (a builtin: nothing can be set on it)
            continue
        for attr in _ATTRIBUTES:
            setattr(fn, attr, getattr(uf, attr))
        for mname, m in _methods(uf).items():
            m.__name__ = m.__qualname__ = f"{uf.__name__}.{mname}"
            setattr(fn, mname, follow(m))  # (on the operands' device)
        fn.ufunc = uf  # NumPy's own ufunc object, for code that needs a real one


install(_ufunc.FUNCTIONS)
