"""``gpuarray.ma``: masked arrays on the device, the part of ``numpy.ma`` ordinary code uses.

``MaskedGpuArray`` holds a data GpuArray and a boolean mask GpuArray of the same shape (or no
mask: ``nomask``, as NumPy). On the device: construction (``array``/``masked_array``/``MaskedArray``,
``masked_where``, ``masked_invalid``, ``masked_equal`` and the other comparisons, ``masked_values``),
arithmetic and ufuncs keeping masks with NumPy's rules (the union of the operands' masks; division
and the logarithms, square root and inverse trigonometric functions also mask their domain errors and
non-finite results; masked positions keep the first operand's data), the reductions that skip masked
values (``sum``, ``prod``, ``mean``, ``var``, ``std``, ``min``, ``max``, ``count``, ``any``, ``all``, a fully
masked result is NumPy's ``masked``), ``filled``, ``compressed``, indexing, ``.mask``, ``.data``, hard
masks, and the functions of docs/FALLBACKS.md's masked row; the modules above this one add theirs
(``masked_edits``, ``masked_sets``, ``masked_numerical``, ``masked_layout``) through ``install``.
The rest of ``numpy.ma`` is NumPy's on host copies (counted fallbacks), its masked results
brought back as MaskedGpuArrays. A MaskedGpuArray is not an ``np.ma.MaskedArray``: code reading masks
through ``np.ma`` sees its data only (``np.asarray`` gives the data, as for NumPy's); ``get()`` gives
NumPy's masked array."""
from __future__ import annotations

import builtins

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy import elementwise as _ew
from .._lazy.elementwise import apply, astype
from . import reductions as _red
from . import creation as _creation
from .creation import asarray as _upload, zeros
from .host import host_fallback
from . import manipulation as _man
from .manipulation import broadcast_to, concatenate as _join, ravel, reshape

nomask = np.ma.nomask
masked = np.ma.masked
MaskError, MAError = np.ma.MaskError, np.ma.MAError

# NumPy's ma domains (``numpy.ma.core.ufunc_domain``): where they hold, the element becomes masked
_DOMAIN_UNARY = {
    "sqrt": lambda x: apply("less", x, 0.0),
    "log": lambda x: apply("less_equal", x, 0.0), "log2": lambda x: apply("less_equal", x, 0.0),
    "log10": lambda x: apply("less_equal", x, 0.0),
    "tan": lambda x: apply("less", apply("absolute", apply("cos", x)), 1e-35),
    "arcsin": lambda x: apply("logical_or", apply("less", x, -1.0), apply("greater", x, 1.0)),
    "arccos": lambda x: apply("logical_or", apply("less", x, -1.0), apply("greater", x, 1.0)),
    "arccosh": lambda x: apply("less", x, 1.0),
    "arctanh": lambda x: apply("logical_or", apply("less", x, -1.0 + 1e-15), apply("greater", x, 1.0 - 1e-15)),
}
# the data NumPy's ufunc path (``MaskedArray.__array_wrap__``) leaves under a domain mask
_UFUNC_FILL = {"sqrt": 0.0, "log": 1.0, "log2": 1.0, "log10": 1.0, "tan": 0.0, "arcsin": 0.0, "arccos": 0.0,
               "arccosh": 1.0, "arctanh": 0.0, "divide": 1, "true_divide": 1, "floor_divide": 1, "remainder": 1,
               "mod": 1, "fmod": 1}
_DIVIDING = ("divide", "true_divide", "floor_divide", "remainder", "mod", "fmod")
_UNARY_OK = ("negative", "positive", "absolute", "fabs", "exp", "exp2", "expm1", "sin", "cos", "sinh", "cosh",
             "tanh", "arctan", "arcsinh", "floor", "ceil", "rint", "trunc", "sign", "square", "conjugate",
             "isnan", "isinf", "isfinite", "logical_not", "invert", "reciprocal") + tuple(_DOMAIN_UNARY)
_BINARY_OK = ("add", "subtract", "multiply", "power", "maximum", "minimum", "fmax", "fmin", "hypot", "arctan2",
              "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
              "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "copysign") + _DIVIDING


def _default_fill(dtype):
    return np.ma.default_fill_value(np.dtype(dtype))


def _as_gpu(x):
    if isinstance(x, GpuArray):
        return x
    return _upload(x)


def _mask_or(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return apply("logical_or", a, b)


def _quiet(fn):
    """NumPy's ma computes under ``errstate(all='ignore')``: what fails is masked, not warned about
    (the error state is taken when the device op is built)."""
    def f(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    f.__name__, f.__qualname__, f.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return f


class MaskedGpuArray:
    """A masked array on the device: ``data`` (GpuArray) and ``mask`` (bool GpuArray or ``nomask``)."""

    __array_priority__ = 20
    _hardmask = False  # a hard mask: assignments write only unmasked elements and never unmask
    _ga_defer = True  # the namespace's functions and ufuncs hand a masked operand to NumPy's dispatch

    def __init__(self, data=None, mask=nomask, dtype=None, copy=False, fill_value=None, keep_mask=True,
                 hard_mask=False, shrink=True, **kw):
        if isinstance(data, MaskedGpuArray):
            base_mask = data._mask if keep_mask else None
            data = data._data
        elif isinstance(data, np.ma.MaskedArray):
            base_mask = _upload(np.ma.getmaskarray(data)) if keep_mask and data.mask is not nomask else None
            fill_value = data.fill_value if fill_value is None else fill_value
            data = np.asarray(data.data)
        else:
            base_mask = None
        d = _as_gpu(data) if dtype is None else astype(_as_gpu(data), dt.normalize(np.dtype(dtype)), copy=False)
        if copy:
            d = d.copy()
        self._data = d
        m = None
        if mask is not nomask and mask is not None and not (isinstance(mask, (bool, np.bool_)) and not mask):
            if isinstance(mask, (bool, np.bool_)):
                m = zeros(d.shape, dtype=dt.bool_) if not mask else apply("logical_not", zeros(d.shape, dtype=dt.bool_))
            else:
                mg = _as_gpu(mask)
                if mg.size != d.size:
                    raise MaskError(f"Mask and data not compatible: data size is {d.size}, mask size is {mg.size}.")
                mg = astype(mg, dt.bool_, copy=False)
                m = reshape(mg, d.shape) if mg.shape != d.shape else mg
        self._mask = _mask_or(base_mask, m)
        self._fill_value = fill_value
        if hard_mask:
            self._hardmask = True

    # ------------------------------------------------------------------ attributes
    @property
    def data(self) -> GpuArray:
        return self._data

    @property
    def mask(self):
        return nomask if self._mask is None else self._mask

    @mask.setter
    def mask(self, value):
        new = MaskedGpuArray(self._data, mask=value)._mask
        self._mask = _mask_or(self._mask, new) if self._hardmask else new

    @property
    def hardmask(self) -> bool:
        return self._hardmask

    def harden_mask(self):
        """Make the mask hard (assignments leave masked elements alone); returns ``self``."""
        self._hardmask = True
        return self

    def soften_mask(self):
        """Make the mask soft (assignments unmask what they write); returns ``self``."""
        self._hardmask = False
        return self

    def ids(self):
        """Identifiers of the data's and the mask's device buffers (NumPy's addresses of its two
        arrays; ``id(nomask)`` without a mask)."""
        mask_id = id(nomask) if self._mask is None else id(self._mask._leaf().storage)
        return id(self._data._leaf().storage), mask_id

    @property
    def fill_value(self):
        return _default_fill(self.dtype) if self._fill_value is None else \
            np.array(self._fill_value).astype(self.dtype)[()]

    @fill_value.setter
    def fill_value(self, v):
        self._fill_value = v

    dtype = property(lambda self: self._data.dtype)
    shape = property(lambda self: self._data.shape)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)
    T = property(lambda self: self.transpose())

    def __len__(self):
        return len(self._data)

    def _mask_full(self) -> GpuArray:
        return zeros(self.shape, dtype=dt.bool_) if self._mask is None else self._mask

    def _new(self, data, mask):
        r = MaskedGpuArray.__new__(MaskedGpuArray)
        r._data, r._mask, r._fill_value, r._hardmask = data, mask, self._fill_value, self._hardmask
        return r

    # ------------------------------------------------------------------ NumPy's other methods
    def __getattr__(self, name):
        """numpy.ma's other methods and attributes, on a host copy (a counted fallback); a method
        that works in place (returns None) writes the host copy's new state back."""
        if name.startswith("_") or not hasattr(np.ma.MaskedArray, name):
            raise AttributeError(f"'MaskedGpuArray' object has no attribute '{name}'")
        if not callable(getattr(np.ma.MaskedArray, name)):
            return _host(lambda m: getattr(m, name), f"ma.MaskedArray.{name}", (self,), {})

        def method(*args, **kwargs):
            h = self.get()
            res = _host(lambda *a, **k: getattr(h, name)(*a, **k), f"ma.MaskedArray.{name}", args, kwargs)
            if res is None and h.shape == self.shape:
                back = MaskedGpuArray(h)
                self._data[...] = back._data
                self._mask = back._mask
            return res

        method.__name__ = name
        return method

    # ------------------------------------------------------------------ host copies
    def get(self) -> np.ma.MaskedArray:
        """NumPy's masked array on the host."""
        m = nomask if self._mask is None else self._mask.get()
        return np.ma.MaskedArray(self._data.get(), mask=m, fill_value=self._fill_value, hard_mask=self._hardmask)

    _ga_host_value = get

    def __array__(self, dtype=None, copy=None):
        h = self._data.get()
        return h if dtype is None else h.astype(dtype)

    def __repr__(self):
        return repr(self.get())

    def __str__(self):
        return str(self.get())

    def tolist(self):
        return self.get().tolist()

    # ------------------------------------------------------------------ masks and values
    def filled(self, fill_value=None):
        """The data with masked elements replaced by ``fill_value`` (default: the array's)."""
        if self._mask is None:
            return self._data.copy()
        fv = self.fill_value if fill_value is None else fill_value
        fv = np.array(fv).astype(self.dtype)[()]
        return apply("where", self._mask, _upload(np.array(fv, dtype=self.dtype)), self._data)

    def compressed(self) -> GpuArray:
        """The unmasked elements, flattened."""
        d = ravel(self._data)
        if self._mask is None:
            return d
        return d[apply("logical_not", ravel(self._mask))]

    def count(self, axis=None, keepdims=False):
        """The number of unmasked elements (along ``axis``)."""
        if self._mask is None:
            if axis is None:
                return int(self.size) if not keepdims else _upload(np.full((1,) * self.ndim, self.size, np.intp))
            n = int(np.prod([self.shape[a] for a in np.atleast_1d(axis)]))
            shp = list(self.shape)
            for a in sorted(np.atleast_1d(axis) % builtins.max(self.ndim, 1), reverse=True):
                if keepdims:
                    shp[a] = 1
                else:
                    del shp[a]
            return _upload(np.full(shp, n, np.intp))
        r = _red.count_nonzero(apply("logical_not", self._mask), axis=axis, keepdims=keepdims)
        return int(r.get()) if axis is None and not keepdims else astype(r, dt.default_int(), copy=False)

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, key):
        key = _unwrap_key(key)
        d = self._data[key]
        if self._mask is None:
            return self._new(d, None) if isinstance(d, GpuArray) and d.ndim else d
        m = self._mask[key]
        if not isinstance(d, GpuArray) or d.ndim == 0:
            mv = bool((m.get() if isinstance(m, GpuArray) else m))
            if mv:
                return masked
            return d
        return self._new(d, m)

    def __setitem__(self, key, value):
        key = _unwrap_key(key)
        if value is masked:
            if self._mask is None:
                self._mask = zeros(self.shape, dtype=dt.bool_)
            self._mask[key] = True
            return
        if self._hardmask and self._mask is not None:
            self._set_hard(key, value)
            return
        if isinstance(value, MaskedGpuArray):
            self._data[key] = value._data
            if value._mask is not None or self._mask is not None:
                if self._mask is None:
                    self._mask = zeros(self.shape, dtype=dt.bool_)
                self._mask[key] = value._mask_full()
            return
        self._data[key] = value
        if self._mask is not None:
            self._mask[key] = False

    def _set_hard(self, key, value):
        """Assignment under a hard mask: only the elements masked neither here nor in ``value`` are
        written; the mask only grows."""
        dval, mval = (value._data, value._mask) if isinstance(value, MaskedGpuArray) else (value, None)
        cur = self._mask[key]
        keep = cur if mval is None else apply("logical_or", cur, mval)
        self._data[key] = apply("where", keep, self._data[key], dval)
        if mval is not None:
            self._mask[key] = keep

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape, **kw):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return self._new(reshape(self._data, tuple(shape)), None if self._mask is None else reshape(self._mask, tuple(shape)))

    def ravel(self):
        return self._new(ravel(self._data), None if self._mask is None else ravel(self._mask))

    flatten = ravel

    def transpose(self, *axes):
        return self._new(self._data.transpose(*axes), None if self._mask is None else self._mask.transpose(*axes))

    def copy(self):
        return self._new(self._data.copy(), None if self._mask is None else self._mask.copy())

    def astype(self, dtype, copy=True):
        return self._new(astype(self._data, dt.normalize(np.dtype(dtype))), self._mask)

    # ------------------------------------------------------------------ reductions
    @_quiet
    def _reduce(self, fname, fill, axis, keepdims, dtype=None):
        d = self._data if self._mask is None else apply("where", self._mask, fill, self._data)
        kw = {"axis": axis, "keepdims": keepdims}
        if dtype is not None:
            kw["dtype"] = dtype
        res = getattr(_red, fname)(d, **kw)
        return self._finish(res, axis, keepdims)

    def _finish(self, res, axis, keepdims):
        if self._mask is None:
            return res
        empty = _red.all(self._mask, axis=axis, keepdims=keepdims)
        if axis is None and not keepdims:
            return masked if bool(empty.get()) else res
        return self._new(res, empty)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        return self._reduce("sum", 0, axis, keepdims, dtype)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False):
        return self._reduce("prod", 1, axis, keepdims, dtype)

    product = prod

    def cumsum(self, axis=None, dtype=None, out=None):
        """Running sums with masked elements counted as 0; the result keeps the mask."""
        return self._scan("cumsum", 0, axis, dtype)

    def cumprod(self, axis=None, dtype=None, out=None):
        """Running products with masked elements counted as 1; the result keeps the mask."""
        return self._scan("cumprod", 1, axis, dtype)

    def _scan(self, fname, fill, axis, dtype):
        d = self._data if self._mask is None else apply("where", self._mask, fill, self._data)
        res = getattr(_red, fname)(d, axis=axis, dtype=dtype)
        m = self._mask
        if m is not None and axis is None:
            m = ravel(m)
        return self._new(res, m)

    def _minmax_fill(self, largest):
        t = self.dtype
        if t.kind == "f":
            return float("inf") if largest else float("-inf")
        if t.kind == "b":
            return bool(largest)
        info = np.iinfo(t)
        return int(info.max if largest else info.min)

    def min(self, axis=None, out=None, fill_value=None, keepdims=False):
        return self._reduce("min", self._minmax_fill(True), axis, keepdims)

    def max(self, axis=None, out=None, fill_value=None, keepdims=False):
        return self._reduce("max", self._minmax_fill(False), axis, keepdims)

    def any(self, axis=None, out=None, keepdims=False):
        return self._reduce("any", False, axis, keepdims)

    def all(self, axis=None, out=None, keepdims=False):
        return self._reduce("all", True, axis, keepdims)

    def argmin(self, axis=None, fill_value=None, out=None, keepdims=False):
        d = self._data if self._mask is None else apply("where", self._mask, self._minmax_fill(True), self._data)
        return _red.argmin(d, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, fill_value=None, out=None, keepdims=False):
        d = self._data if self._mask is None else apply("where", self._mask, self._minmax_fill(False), self._data)
        return _red.argmax(d, axis=axis, keepdims=keepdims)

    def _count_f(self, axis, keepdims):
        if self._mask is None:
            n = self.size if axis is None else int(np.prod([self.shape[a] for a in np.atleast_1d(axis)]))
            return float(n)
        return _red.count_nonzero(apply("logical_not", self._mask), axis=axis, keepdims=keepdims)

    @_quiet
    def mean(self, axis=None, dtype=None, out=None, keepdims=False):
        t = np.dtype(dtype if dtype is not None else (self.dtype if self.dtype.kind in "fc" else np.float64))
        s = self._reduce_raw("sum", 0, axis, keepdims, t)
        res = apply("true_divide", s, self._count_f(axis, keepdims))
        # numpy.ma divides the masked sum by an integer count: float32 data gives float64 then
        rt = np.result_type(t, np.intp) if self._mask is not None and dtype is None else t
        res = astype(res, dt.normalize(rt), copy=False)
        if self._mask is not None and not (axis is None and not keepdims) and res.dtype.kind in "fc":
            # (numpy.ma divides a masked array's sums by their counts with its division, which masks
            # non-finite quotients)
            bad = apply("logical_or", _red.all(self._mask, axis=axis, keepdims=keepdims),
                        apply("logical_not", apply("isfinite", res)))
            return self._new(res, bad)
        return self._finish(res, axis, keepdims)

    def _reduce_raw(self, fname, fill, axis, keepdims, dtype=None):
        d = self._data if self._mask is None else apply("where", self._mask, fill, self._data)
        return getattr(_red, fname)(d, axis=axis, keepdims=keepdims, **({"dtype": dtype} if dtype is not None else {}))

    @_quiet
    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        t = np.dtype(dtype if dtype is not None else (self.dtype if self.dtype.kind in "fc" else np.float64))
        if self._mask is not None and dtype is None:  # numpy.ma's masked mean is in float64 (see mean)
            t = np.result_type(t, np.intp)
        n = self._count_f(axis, True)
        mu = apply("true_divide", self._reduce_raw("sum", 0, axis, True, t), n)
        dev = apply("subtract", astype(self._data, dt.normalize(np.dtype(t)), copy=False), mu)
        sq = apply("multiply", dev, apply("conjugate", dev)) if np.dtype(t).kind == "c" else apply("multiply", dev, dev)
        if np.dtype(t).kind == "c":
            sq = apply("real", sq)
        if self._mask is not None:
            sq = apply("where", self._mask, 0, sq)
        s = _red.sum(sq, axis=axis, keepdims=keepdims)
        cnt = self._count_f(axis, keepdims)
        res = apply("true_divide", s, apply("subtract", cnt, ddof) if isinstance(cnt, GpuArray) else cnt - ddof)
        if self._mask is not None:  # NumPy masks slices with no more than ddof values
            few = _red.all(self._mask, axis=axis, keepdims=keepdims) if ddof == 0 else \
                apply("less_equal", _red.count_nonzero(apply("logical_not", self._mask), axis=axis, keepdims=keepdims), ddof)
            # (numpy.ma's deviations from a non-finite mean are masked: such a slice sums to 0, and a
            # non-finite total is masked by its division)
            if axis is None and not keepdims:
                return masked if bool(apply("logical_or", few, apply("logical_not", apply("isfinite", res))).get()) \
                    else res
            if res.dtype.kind == "f":
                res = apply("where", apply("isfinite", reshape(mu, res.shape)), res, 0.0)
            return self._new(res, few)
        return res

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        v = self.var(axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims)
        if v is masked:
            return v
        if isinstance(v, MaskedGpuArray):
            return self._new(apply("sqrt", v._data), v._mask)
        return apply("sqrt", v)

    def anom(self, axis=None, dtype=None):
        m = self.mean(axis=axis, dtype=dtype)
        if axis is not None:
            m = m.reshape(tuple(1 if i == axis % self.ndim else s for i, s in enumerate(self.shape)))
        return self - m

    # ------------------------------------------------------------------ arithmetic
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs and ufunc.nout == 1:
            if ufunc.nin == 1 and ufunc.__name__ in _UNARY_OK:
                return _unary(ufunc.__name__, inputs[0], wrap=True)
            if ufunc.nin == 2 and ufunc.__name__ in _BINARY_OK:
                return _binary(ufunc.__name__, inputs[0], inputs[1], strong=False, wrap=True)
        return _host(getattr(ufunc, method) if method != "__call__" else ufunc, f"ma.{ufunc.__name__}", inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        name = func.__name__
        if name in ("sum", "prod", "mean", "var", "std", "min", "max", "amin", "amax", "any", "all", "argmin", "argmax",
                    "ravel", "reshape", "transpose", "count_nonzero") and args and args[0] is self:
            meth = {"amin": "min", "amax": "max"}.get(name, name)
            if meth == "count_nonzero":  # NumPy's counts the data, masked or not
                return _red.count_nonzero(self._data, **kwargs)
            return getattr(self, meth)(*args[1:], **kwargs)
        return _host(func, name, args, kwargs)

    def __matmul__(self, other):
        return _host(np.matmul, "ma.matmul", (self, other), {})

    def __rmatmul__(self, other):
        return _host(np.matmul, "ma.matmul", (other, self), {})

    def __neg__(self):
        return _unary("negative", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _unary("absolute", self)

    def __invert__(self):
        return _unary("invert", self)

    def __bool__(self):
        return bool(self._data) if self._mask is None else bool(self.filled(0))

    def __float__(self):
        return float(self._data)

    def __int__(self):
        return int(self._data)


def _m(a) -> "MaskedGpuArray":
    """``a`` as a MaskedGpuArray (its own object when it is one)."""
    return a if isinstance(a, MaskedGpuArray) else MaskedGpuArray(a)


def _ops(name, rname):
    def f(self, other):
        return _binary(name, self, other)

    def r(self, other):
        return _binary(name, other, self)

    setattr(MaskedGpuArray, f"__{rname}__", f)
    setattr(MaskedGpuArray, f"__r{rname}__", r)


for _n, _r in (("add", "add"), ("subtract", "sub"), ("multiply", "mul"), ("true_divide", "truediv"),
               ("floor_divide", "floordiv"), ("remainder", "mod"), ("power", "pow"), ("bitwise_and", "and"),
               ("bitwise_or", "or"), ("bitwise_xor", "xor")):
    _ops(_n, _r)
for _n, _r in (("equal", "eq"), ("not_equal", "ne"), ("less", "lt"), ("less_equal", "le"), ("greater", "gt"),
               ("greater_equal", "ge")):
    setattr(MaskedGpuArray, f"__{_r}__", (lambda n: lambda self, other: _compare(n, self, other))(_n))
MaskedGpuArray.__hash__ = None


def _unwrap_key(key):
    """A masked index is its data, as NumPy indexes with it."""
    if isinstance(key, MaskedGpuArray):
        return key._data
    if isinstance(key, tuple):
        return tuple(k._data if isinstance(k, MaskedGpuArray) else k for k in key)
    return key


def _parts(x, strong=False):
    """(data, mask or None) of an operand; ``strong``: Python scalars as 0-d arrays of their default
    dtype (numpy.ma's operators and functions take operands through ``np.array``; its ufunc path
    keeps them weak)."""
    if isinstance(x, MaskedGpuArray):
        return x._data, x._mask
    if isinstance(x, np.ma.MaskedArray):
        m = MaskedGpuArray(x)
        return m._data, m._mask
    if x is masked:
        return None, True
    if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):
        return (_upload(np.asarray(x)) if strong else x), None
    return _as_gpu(x), None


def _fill_like(res, src, mask):
    """NumPy's data under the mask: the first operand's."""
    if mask is None:
        return res
    if isinstance(src, GpuArray):
        src = astype(src, res.dtype, copy=False) if src.dtype != res.dtype else src
    elif isinstance(src, (bool, int, float, complex)):
        src = np.array(src).astype(res.dtype)[()].item()
    return apply("where", mask, src, res)


def _result(res, mask, fill_value=None):
    r = MaskedGpuArray.__new__(MaskedGpuArray)
    if mask is not None and mask.shape != res.shape:
        mask = broadcast_to(mask, res.shape).copy()
    r._data, r._mask, r._fill_value = res, mask, fill_value
    return r


@_quiet
def _unary(name, x, wrap=False):
    """``name`` of a masked operand: numpy.ma's function (``wrap=False``: the domain and non-finite
    results masked, the operand's data under the mask) or NumPy's ufunc on a masked array
    (``wrap=True``: the domain masked and filled with NumPy's value, the result's data elsewhere)."""
    d, m = _parts(x)
    res = apply(name, d)
    dom = _DOMAIN_UNARY.get(name)
    fv = getattr(x, "_fill_value", None)
    if wrap:
        if dom is None:
            return _result(res, m, fv)
        bad = _mask_or(dom(d), m)
        return _result(apply("where", bad, _UFUNC_FILL[name], res), bad, fv)
    if dom is not None:
        bad = dom(d)
        if res.dtype.kind in "fc":
            bad = apply("logical_or", bad, apply("logical_not", apply("isfinite", res)))
        m = _mask_or(m, bad)
    return _result(_fill_like(res, d, m), m, fv)


@_quiet
def _binary(name, a, b, strong=True, wrap=False):
    if a is masked or b is masked:
        da, _ = _parts(b if a is masked else a)
        shape = da.shape if isinstance(da, GpuArray) else ()
        probe = apply(name, da, da) if isinstance(da, GpuArray) else _upload(np.asarray(getattr(np, name)(da, da)))
        return _result(probe, apply("logical_not", zeros(shape, dtype=dt.bool_)))
    da, ma_ = _parts(a, strong)
    db, mb = _parts(b, strong)
    res = apply(name, da, db)
    m = _mask_or(ma_, mb)
    fv = a._fill_value if isinstance(a, MaskedGpuArray) else None
    if wrap and name not in _DIVIDING:
        return _result(res, m if m is None or m.shape == res.shape else broadcast_to(m, res.shape), fv)
    if name in _DIVIDING:
        # NumPy's _DomainSafeDivide: |a| * tiny >= |b|
        tiny = float(np.finfo(np.float64).tiny)
        absb = apply("absolute", db) if isinstance(db, GpuArray) else abs(db)
        absa = apply("absolute", da) if isinstance(da, GpuArray) else abs(da)
        dom = apply("greater_equal", apply("multiply", absa, tiny), absb)
        if wrap:  # (NumPy's binary domain sees the data alone: masked inputs keep their result)
            bad = _mask_or(dom, m)
            if bad.shape != res.shape:
                bad = broadcast_to(bad, res.shape)
            return _result(apply("where", dom, _UFUNC_FILL[name], res), bad, fv)
        if res.dtype.kind in "fc":
            dom = apply("logical_or", dom, apply("logical_not", apply("isfinite", res)))
        m = _mask_or(m, dom)
    elif name == "power" and res.dtype.kind in "fc":
        m = _mask_or(m, apply("logical_not", apply("isfinite", res)))
    if m is not None and m.shape != res.shape:
        m = broadcast_to(m, res.shape)
    return _result(_fill_like(res, broadcast_to(da, res.shape) if isinstance(da, GpuArray) else da, m), m, fv)


@_quiet
def _compare(name, a, b):
    """The comparison operators (numpy.ma's ``_comparison``): the comparison of the data everywhere;
    under the mask ``==``/``!=`` compare the operands' masks instead."""
    da, ma_ = _parts(a, True)
    db, mb = _parts(b, True)
    res = apply(name, da, db)
    m = _mask_or(ma_, mb)
    if m is None:
        return _result(res, None)
    if m.shape != res.shape:
        m = broadcast_to(m, res.shape)
    if name in ("equal", "not_equal"):
        sm = ma_ if ma_ is not None else False
        om = mb if mb is not None else False
        res = apply("where", m, apply(name, sm, om), res)
    return _result(res, m)


# ----------------------------------------------------------------------------- host fallbacks
def _to_host(x):
    if isinstance(x, MaskedGpuArray):
        return x.get()
    if isinstance(x, (list, tuple)):
        return type(x)(_to_host(v) for v in x) if type(x) in (list, tuple) else x
    return x


def _to_device(r):
    if r is masked:
        return r
    if isinstance(r, np.ma.MaskedArray) and r.dtype.kind in "biufc":
        mk = r._mask
        if not r.ndim or (mk is not nomask and mk.shape != r.shape):
            return r  # 0-d (NumPy's masked scalar) or a mask NumPy left inconsistent (``m @ v``): NumPy's own
        return MaskedGpuArray(r)
    if isinstance(r, tuple):
        return tuple(_to_device(v) for v in r)
    if isinstance(r, list):
        return [_to_device(v) for v in r]
    return r


def _host(fn, name, args, kwargs):
    """NumPy's ``fn`` on host copies (MaskedGpuArrays as NumPy's masked arrays): counted."""
    res = host_fallback(fn, name, tuple(_to_host(a) for a in args), {k: _to_host(v) for k, v in kwargs.items()})
    return _to_device(res)


# ----------------------------------------------------------------------------- module functions
def array(data, dtype=None, copy=False, order=None, mask=nomask, fill_value=None, keep_mask=True, hard_mask=False,
          shrink=True, subok=True, ndmin=0):
    """``numpy.ma.array`` on the device."""
    if not isinstance(data, (GpuArray, MaskedGpuArray, np.ma.MaskedArray)):
        h = np.asarray(data)
        if h.dtype.kind not in "biufc":
            return _host(np.ma.array, "ma.array", (data,), {"dtype": dtype, "mask": mask, "fill_value": fill_value})
        data = h
    r = MaskedGpuArray(data, mask=mask, dtype=dtype, copy=copy, fill_value=fill_value, keep_mask=keep_mask,
                       hard_mask=hard_mask)
    while r.ndim < ndmin:
        r = r.reshape((1,) + r.shape)
    return r


masked_array = MaskedArray = MaskedGpuArray


def asarray(a, dtype=None, order=None):
    """``numpy.ma.asarray``: a MaskedGpuArray (itself when it is one)."""
    return a if isinstance(a, MaskedGpuArray) and dtype is None else array(a, dtype=dtype)


asanyarray = asarray


def masked_where(condition, a, copy=True):
    """``a`` masked where ``condition`` holds (added to a's own mask)."""
    # (numpy.ma's make_mask of the condition: its masked elements count as True)
    c = _as_gpu(condition.filled(True) if isinstance(condition, MaskedGpuArray) else condition)
    x = _m(a)
    if c.shape != x.shape:
        raise IndexError(f"Inconsistent shape between the condition and the input (got {c.shape} and {x.shape})")
    c = astype(c, dt.bool_, copy=False)
    return x._new(x._data.copy() if copy else x._data, _mask_or(x._mask, c))


def masked_invalid(a, copy=True):
    """``a`` masked where it is NaN or infinite."""
    x = _m(a)
    if x.dtype.kind not in "fc":
        return x.copy() if copy else x
    return masked_where(apply("logical_not", apply("isfinite", x._data)), x, copy=copy)


def _masked_cmp(op):
    def f(x, value, copy=True):
        xx = _m(x)
        r = masked_where(apply(op, xx._data, value), xx, copy=copy)
        if op == "equal":
            r._fill_value = value
        return r

    f.__name__ = f"masked_{op}"
    return f


masked_equal, masked_not_equal = _masked_cmp("equal"), _masked_cmp("not_equal")
masked_greater, masked_greater_equal = _masked_cmp("greater"), _masked_cmp("greater_equal")
masked_less, masked_less_equal = _masked_cmp("less"), _masked_cmp("less_equal")


def masked_inside(x, v1, v2, copy=True):
    lo, hi = builtins.min(v1, v2), builtins.max(v1, v2)
    xx = _m(x)
    return masked_where(apply("logical_and", apply("greater_equal", xx._data, lo), apply("less_equal", xx._data, hi)),
                        xx, copy=copy)


def masked_outside(x, v1, v2, copy=True):
    lo, hi = builtins.min(v1, v2), builtins.max(v1, v2)
    xx = _m(x)
    return masked_where(apply("logical_or", apply("less", xx._data, lo), apply("greater", xx._data, hi)), xx, copy=copy)


def masked_values(x, value, rtol=1e-05, atol=1e-08, copy=True, shrink=True):
    xx = _m(x)
    if xx.dtype.kind == "f":
        cond = apply("less_equal", apply("absolute", apply("subtract", xx._data, value)),
                     apply("add", atol, apply("multiply", rtol, abs(value))))
    else:
        cond = apply("equal", xx._data, value)
    r = masked_where(cond, xx, copy=copy)
    r._fill_value = value
    return r


def concatenate(arrays, axis=0):
    """numpy.ma's ``concatenate``: the data and the masks joined (no mask where none is set)."""
    parts = [_m(a) for a in arrays]
    d = _join([p._data for p in parts], axis=axis)
    if all(p._mask is None for p in parts):
        return _result(d, None)
    m = reshape(_join([p._mask_full() for p in parts], axis=axis), d.shape)
    return _result(d, m if bool(_red.any(m).get()) else None)  # (NumPy's shrunk mask: nomask when none is set)


def filled(a, fill_value=None):
    if isinstance(a, MaskedGpuArray):
        return a.filled(fill_value)
    if isinstance(a, np.ma.MaskedArray):
        return MaskedGpuArray(a).filled(fill_value)
    return _as_gpu(a)


def getmask(a):
    return a.mask if isinstance(a, MaskedGpuArray) else nomask


def getmaskarray(a):
    return a._mask_full() if isinstance(a, MaskedGpuArray) else zeros(np.shape(a) if not isinstance(a, GpuArray) else a.shape, dtype=dt.bool_)


def getdata(a, subok=True):
    return a._data if isinstance(a, MaskedGpuArray) else _as_gpu(a)


def is_masked(x):
    if not isinstance(x, MaskedGpuArray):
        return x is masked
    return x._mask is not None and bool(_red.any(x._mask).get())


def isMaskedArray(x):
    return isinstance(x, (MaskedGpuArray, np.ma.MaskedArray))


isMA = isarray = isMaskedArray


def compressed(x):
    return x.compressed() if isinstance(x, MaskedGpuArray) else ravel(_as_gpu(x))


def count(a, axis=None, keepdims=False):
    return _m(a).count(axis=axis, keepdims=keepdims)


def _method_function(name):
    def f(a, *args, **kwargs):
        x = _m(a)
        return getattr(x, name)(*args, **kwargs)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``numpy.ma.{name}`` on the device (masked values skipped)."
    return f


sum, prod, mean, var, std, min, max = (_method_function(n) for n in ("sum", "prod", "mean", "var", "std", "min", "max"))
product, amin, amax, anom = prod, min, max, _method_function("anom")
argmin, argmax = _method_function("argmin"), _method_function("argmax")


# (not module names: ``all`` and ``any`` would hide the builtins this module uses)
_METHOD_FNS = {n: _method_function(n) for n in ("any", "all", "cumsum", "cumprod")}
_METHOD_FNS.update(alltrue=_METHOD_FNS["all"], sometrue=_METHOD_FNS["any"])


def _arranging(name):
    """numpy.ma's ``name`` for functions that only arrange elements (reshape, stack, repeat ...):
    the namespace's function applied to the data and, where a mask is set, to the mask."""
    fn = getattr(_man, name)

    def f(a, *args, **kwargs):
        seq = isinstance(a, (list, tuple))
        ms = [_m(x) for x in (a if seq else [a])]
        data = fn([m._data for m in ms] if seq else ms[0]._data, *args, **kwargs)
        if builtins.all(m._mask is None for m in ms):
            mask = None
        else:
            mask = fn([m._mask_full() for m in ms] if seq else ms[0]._mask, *args, **kwargs)
        return _result(data, mask, ms[0]._fill_value if ms else None)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``numpy.ma.{name}`` on the device: the data and the mask arranged alike."
    return f


_ARRANGING = {n: _arranging(n) for n in ("swapaxes", "squeeze", "expand_dims", "repeat", "diagonal", "diag",
                                          "diagflat", "stack", "hstack", "vstack", "dstack", "column_stack", "moveaxis")
              if hasattr(np.ma, n)}
if hasattr(np.ma, "row_stack"):
    _ARRANGING["row_stack"] = _arranging("vstack")
for _n in ("atleast_1d", "atleast_2d", "atleast_3d"):
    _one = _arranging(_n)
    _ARRANGING[_n] = (lambda one, name: (lambda *arys: one(arys[0]) if len(arys) == 1 else [one(x) for x in arys]))(_one, _n)


def _keeping_mask(fn, name):
    """numpy.ma's ``name`` for functions of the data elementwise (``clip``, ``round``, ``*_like``):
    ``fn`` of the data, the mask unchanged."""
    def f(a, *args, **kwargs):
        m = _m(a)
        return _result(fn(m._data, *args, **kwargs), None if m._mask is None else m._mask.copy(), m._fill_value)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``numpy.ma.{name}`` on the device: the data's, the mask kept."
    return f


def _unmasked(fn, name):
    """numpy.ma's creation function ``name``: the namespace's array, no element masked."""
    def f(*args, **kwargs):
        return _result(fn(*args, **kwargs), None)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``numpy.ma.{name}`` on the device (no element masked)."
    return f


def masked_all(shape, dtype=float):
    """Every element masked (NumPy's data: zeros)."""
    d = zeros(shape, dtype=dt.normalize(np.dtype(dtype)))
    return _result(d, apply("logical_not", zeros(d.shape, dtype=dt.bool_)))


def masked_all_like(arr):
    a = _as_gpu(arr.data if isinstance(arr, (MaskedGpuArray, np.ma.MaskedArray)) else arr)
    return masked_all(a.shape, a.dtype)


def count_masked(arr, axis=None):
    """The number of masked elements (along ``axis``)."""
    m = _m(arr)
    if m._mask is None:
        return 0 if axis is None else zeros(tuple(n for i, n in enumerate(m.shape) if i != axis % m.ndim), dtype=dt.default_int())
    return _red.sum(m._mask, axis=axis)


def ptp(a, axis=None, out=None, fill_value=None, keepdims=False):
    """Peak to peak (max - min) of the unmasked values."""
    m = _m(a)
    return m.max(axis=axis, keepdims=keepdims) - m.min(axis=axis, keepdims=keepdims)


def _any_set(m) -> bool:
    return m is not None and bool(_red.any(m).get())


def make_mask(m, copy=False, shrink=True, dtype=np.bool_):
    """A mask from ``m`` (True where it is non-zero), ``nomask`` when none is set and ``shrink``."""
    if m is nomask or m is None:
        return nomask
    g = m._mask_full() if isinstance(m, MaskedGpuArray) else _as_gpu(m)
    r = astype(g, dt.bool_, copy=copy) if g.dtype != dt.bool_ else (g.copy() if copy else g)
    return nomask if shrink and not _any_set(r) else r


def make_mask_none(newshape, dtype=None):
    return zeros(newshape, dtype=dt.bool_)


def mask_or(m1, m2, copy=False, shrink=True):
    if m1 is nomask or m1 is False or m1 is None:
        return make_mask(m2, copy=copy, shrink=shrink)
    if m2 is nomask or m2 is False or m2 is None:
        return make_mask(m1, copy=copy, shrink=shrink)
    return make_mask(apply("logical_or", _as_gpu(m1), _as_gpu(m2)), shrink=shrink)


def is_mask(m):
    return isinstance(getattr(m, "dtype", None), np.dtype) and m.dtype == np.bool_ and not isinstance(m, MaskedGpuArray)


def fix_invalid(a, mask=nomask, copy=True, fill_value=None):
    """``a`` with its NaN and infinities masked and replaced by ``fill_value`` (the array's)."""
    m = MaskedGpuArray(a, mask=mask, copy=copy)
    invalid = apply("logical_not", apply("isfinite", m._data))
    if m._mask is not None:
        invalid = apply("logical_or", invalid, m._mask)
    if not _any_set(invalid):
        return m
    fv = m.fill_value if fill_value is None else np.array(fill_value).astype(m.dtype)[()]
    return _result(apply("where", invalid, fv.item() if hasattr(fv, "item") else fv, m._data), invalid, m._fill_value)


def where(condition, x=None, y=None):
    """numpy.ma's ``where``: the elements of ``x`` where ``condition``, else ``y``; masked where the
    chosen element is, or where the condition is."""
    if x is None or y is None:
        if x is None and y is None:  # numpy.ma's: the indices of the condition's unmasked non-zeros
            return nonzero(condition)
        raise ValueError("Must provide both 'x' and 'y' or neither.")
    c = _m(condition)
    cond = c.filled(False)
    cond = astype(cond, dt.bool_, copy=False) if cond.dtype != dt.bool_ else cond
    xd, xm = _parts(x, strong=True)
    yd, ym = _parts(y, strong=True)
    data = apply("where", cond, xd, yd)
    if xm is None and ym is None and c._mask is None:
        return _result(data, None)
    f = zeros(data.shape, dtype=dt.bool_)
    mask = apply("where", cond, f if xm is None else xm, f if ym is None else ym)
    if c._mask is not None:
        mask = apply("logical_or", mask, c._mask)
    return _result(data, mask if _any_set(mask) else None)


def _fill_of(name):
    fn = getattr(np.ma, name)

    def f(obj, *args):
        dtype = obj.dtype if hasattr(obj, "dtype") else np.asarray(obj).dtype
        return fn(np.dtype(dtype), *args) if name != "common_fill_value" else fn(*[
            np.ma.array(np.empty(0, a.dtype), fill_value=a.fill_value) if isinstance(a, MaskedGpuArray) else a
            for a in (obj, *args)])

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"numpy.ma's ``{name}`` (of the dtype: no data is read)."
    return f


def set_fill_value(a, fill_value):
    if isinstance(a, MaskedGpuArray):
        a.fill_value = fill_value


def _take(x: GpuArray, axis: int, sl) -> GpuArray:
    return x[(slice(None),) * (axis % x.ndim) + (sl,)]


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """numpy.ma's ``diff``: differences of neighbours, masked where either is."""
    if prepend is not None or append is not None:
        return host_fallback(np.ma.diff, "ma.diff", (a, n, axis), {"prepend": prepend, "append": append})
    m = _m(a)
    d, k = m._data, m._mask
    for _ in range(n):
        d = apply("subtract", _take(d, axis, slice(1, None)), _take(d, axis, slice(None, -1)))
        if k is not None:
            k = apply("logical_or", _take(k, axis, slice(1, None)), _take(k, axis, slice(None, -1)))
    return _result(d, k, m._fill_value)


def ediff1d(arr, to_end=None, to_begin=None):
    """numpy.ma's ``ediff1d``: ``diff`` of the flattened array, masked where either neighbour is."""
    if to_end is not None or to_begin is not None:
        return host_fallback(np.ma.ediff1d, "ma.ediff1d", (arr,), {"to_end": to_end, "to_begin": to_begin})
    return diff(_m(arr).ravel())


def _mask_lines(a, axis):
    """Every row (``axis=0``), column (1) or both (None) holding a masked element masked whole."""
    m = _m(a)
    if m.ndim != 2:
        raise NotImplementedError("mask_rowcols works for 2D arrays only.")
    if m._mask is None:
        return m
    rows = _red.any(m._mask, axis=1, keepdims=True)
    cols = _red.any(m._mask, axis=0, keepdims=True)
    k = rows if axis == 0 else cols if axis == 1 else apply("logical_or", rows, cols)
    return _result(m._data, broadcast_to(k, m.shape).copy(), m._fill_value)


def mask_rowcols(a, axis=None):
    return _mask_lines(a, axis)


def mask_rows(a, axis=None):
    return _mask_lines(a, 0)


def mask_cols(a, axis=None):
    return _mask_lines(a, 1)


def compress_rowcols(x, axis=None):
    """The 2-D array without the rows (``axis=0``), columns (1) or both (None) holding a masked element."""
    m = _m(x)
    if m.ndim != 2:
        raise NotImplementedError("compress_rowcols works for 2D arrays only.")
    d = m._data
    if m._mask is None:
        return d
    if axis in (None, 0):
        d = d[apply("logical_not", _red.any(m._mask, axis=1))]
    if axis in (None, 1):
        d = d[:, apply("logical_not", _red.any(m._mask, axis=0))]
    return d


def compress_rows(a):
    return compress_rowcols(a, 0)


def compress_cols(a):
    return compress_rowcols(a, 1)


def outer(a, b):
    """numpy.ma's ``outer``: the products of the filled values, masked where either factor is."""
    ma_, mb_ = _m(a).ravel(), _m(b).ravel()
    d = apply("multiply", reshape(ma_.filled(0), (-1, 1)), reshape(mb_.filled(0), (1, -1)))
    if ma_._mask is None and mb_._mask is None:
        return _result(d, None)
    k = apply("logical_or", reshape(ma_._mask_full(), (-1, 1)), reshape(mb_._mask_full(), (1, -1)))
    return _result(d, broadcast_to(k, d.shape).copy())


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """The sum of the unmasked diagonal elements."""
    return _ARRANGING["diagonal"](_m(a), offset, axis1, axis2).sum(axis=-1, dtype=dtype)


def allequal(a, b, fill_value=True):
    """Whether ``a`` and ``b`` are equal where neither is masked (masked elements: ``fill_value``)."""
    ad, am = _parts(a, strong=True)
    bd, bm = _parts(b, strong=True)
    eq = apply("equal", ad, bd)
    k = _mask_or(am, bm)
    if k is not None:
        if not fill_value:
            return False if _any_set(k) else bool(_red.all(eq).get())
        eq = apply("logical_or", eq, k)
    return bool(_red.all(eq).get())


def allclose(a, b, masked_equal=True, rtol=1e-5, atol=1e-8):
    """numpy.ma's ``allclose``: |a - b| <= atol + rtol |b| where neither is masked (masked elements
    equal when ``masked_equal``); infinities must match exactly."""
    ad, am = _parts(a, strong=True)
    bd, bm = _parts(b, strong=True)
    k = _mask_or(am, bm)
    if k is not None and not masked_equal and _any_set(k):
        return False
    close = apply("less_equal", apply("absolute", apply("subtract", ad, bd)),
                  apply("add", atol, apply("multiply", rtol, apply("absolute", bd))))
    same_inf = apply("logical_and", apply("isinf", ad), apply("equal", ad, bd))
    ok = apply("logical_or", close, same_inf)
    if k is not None:
        ok = apply("logical_or", ok, k)
    return bool(_red.all(ok).get())


def _sort_order(m, axis, endwith, fill_value):
    """The stable order of ``m`` along ``axis`` with its masked elements last (``endwith``) or first:
    NumPy's argsort of the data filled with the dtype's largest (smallest) value, through NumPy's
    dispatch to the namespace's sort kernels."""
    if fill_value is None:
        # (numpy.ma's minimum_fill_value is the largest value of the dtype: what a minimum ignores;
        # real floats sort masked elements as NaN, after the infinities, among the NaNs in their order)
        if endwith and m.dtype.kind == "f":
            fill_value = np.nan
        else:
            fill_value = (np.ma.minimum_fill_value if endwith else np.ma.maximum_fill_value)(np.dtype(m.dtype))
    return np.argsort(m.filled(fill_value), axis=axis, kind="stable")


def argsort(a, axis=-1, kind=None, order=None, endwith=True, fill_value=None):
    """numpy.ma's ``argsort`` along an axis: masked elements last (or first)."""
    if order is not None or axis is None or not isinstance(axis, (int, np.integer)):
        return host_fallback(np.ma.argsort, "ma.argsort", (a,), dict(axis=axis, kind=kind, order=order,
                                                                       endwith=endwith, fill_value=fill_value))
    return _sort_order(_m(a), axis, endwith, fill_value)


def sort(a, axis=-1, kind=None, order=None, endwith=True, fill_value=None, stable=None):
    """numpy.ma's ``sort`` along an axis: the unmasked values in order, the masked ones last (or first)."""
    if order is not None or axis is None or not isinstance(axis, (int, np.integer)):
        return host_fallback(np.ma.sort, "ma.sort", (a,), dict(axis=axis, kind=kind, order=order,
                                                                 endwith=endwith, fill_value=fill_value))
    m = _m(a)
    if m._mask is None:
        return _result(np.sort(m._data, axis=axis, kind="stable"), None, m._fill_value)
    idx = _sort_order(m, axis, endwith, fill_value)
    return _result(np.take_along_axis(m._data, idx, axis), np.take_along_axis(m._mask, idx, axis), m._fill_value)


def _dispatched(npfn, name, nargs=1):
    """numpy.ma's ``name`` for selections (take, resize ...): NumPy's ``npfn`` of the data and of the
    mask, reaching the namespace's kernels through NumPy's dispatch."""
    def f(a, *args, **kwargs):
        if kwargs.get("out") is not None:
            return host_fallback(getattr(np.ma, name), f"ma.{name}", (a, *args), kwargs)
        kwargs.pop("out", None)
        m = _m(a)
        data = npfn(m._data, *args, **kwargs)
        return _result(data, None if m._mask is None else npfn(m._mask, *args, **kwargs), m._fill_value)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``numpy.ma.{name}`` on the device: the data and the mask selected alike."
    return f


def compress(condition, a, axis=None, out=None):
    """numpy.ma's ``compress``: the data and the mask where ``condition`` holds."""
    if out is not None:
        return host_fallback(np.ma.compress, "ma.compress", (condition, a, axis), {"out": out})
    m = _m(a)
    c = _as_gpu(condition)
    d = np.compress(c, m._data, axis=axis)
    return _result(d, None if m._mask is None else np.compress(c, m._mask, axis=axis), m._fill_value)


def nonzero(a):
    """The indices of the unmasked non-zero elements."""
    return np.nonzero(_m(a).filled(0))


@_quiet
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median of the unmasked values (along ``axis``): the masked elements sorted last, the
    middle one or the mean of the middle two of each slice's unmasked count; masked where a slice
    has none."""
    if out is not None or not (axis is None or isinstance(axis, (int, np.integer))):
        return host_fallback(np.ma.median, "ma.median", (a,), dict(axis=axis, out=out, keepdims=keepdims))
    m = _m(a)
    nd = m.ndim
    if axis is None:
        m, ax = m.ravel(), 0
    else:
        ax = int(axis) % builtins.max(m.ndim, 1)
    if m.dtype.kind not in "fc":
        m = m.astype(np.float64)
    srt = sort(m, axis=ax, fill_value=np.inf)  # (NumPy sorts unmasked NaN behind the masked elements)
    n = m.count(axis=ax, keepdims=True)
    n = n if isinstance(n, GpuArray) else _upload(np.full((1,) * m.ndim, n, np.int64))
    lo = apply("maximum", apply("floor_divide", apply("subtract", n, 1), 2), 0)
    hi = apply("floor_divide", n, 2)
    hi = apply("minimum", hi, builtins.max(m.shape[ax] - 1, 0))
    vlo = np.take_along_axis(srt._data, astype(lo, dt.default_int(), copy=False), ax)
    vhi = np.take_along_axis(srt._data, astype(hi, dt.default_int(), copy=False), ax)
    med = apply("true_divide", apply("add", vlo, vhi), 2)
    if m.shape[ax]:  # (NumPy's NaN check: an unmasked NaN sorted last makes the median NaN)
        last = _take(srt._data, ax, slice(-1, None))
        nan = apply("isnan", last)
        if srt._mask is not None:
            nan = apply("logical_and", nan, apply("logical_not", _take(srt._mask, ax, slice(-1, None))))
        med = apply("where", nan, last, med)
    empty = apply("equal", n, 0)
    if not keepdims:
        med, empty = _man.squeeze(med, axis=ax), _man.squeeze(empty, axis=ax)
        if axis is None:
            return med if not bool(empty.get()) else masked
    elif axis is None:  # (every axis kept, of length 1)
        med, empty = reshape(med, (1,) * nd), reshape(empty, (1,) * nd)
    return _result(med, empty if _any_set(empty) else None, m._fill_value)


@_quiet
def average(a, axis=None, weights=None, returned=False, keepdims=False):
    """numpy.ma's ``average``: the weighted mean of the unmasked values (masked where a slice's
    weights of unmasked values sum to 0)."""
    if returned or not (axis is None or isinstance(axis, (int, np.integer))):
        return host_fallback(np.ma.average, "ma.average", (a,), dict(axis=axis, weights=weights, returned=returned,
                                                                       keepdims=keepdims))
    m = _m(a)
    if weights is None:
        return m.mean(axis=axis, keepdims=keepdims)
    w = _as_gpu(weights.filled(0) if isinstance(weights, MaskedGpuArray) else weights)
    if w.shape != m.shape:
        if axis is None or w.ndim != 1 or w.shape[0] != m.shape[axis]:
            raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
        shp = [1] * m.ndim
        shp[int(axis) % m.ndim] = w.shape[0]
        w = reshape(w, tuple(shp))
    if m._mask is not None:
        w = apply("where", m._mask, 0, w)
    x = m.filled(0)
    t = np.result_type(m.dtype, w.dtype, np.float64 if m.dtype.kind in "iub" and w.dtype.kind in "iub" else m.dtype)
    num = _red.sum(apply("multiply", x, w), axis=axis, keepdims=keepdims, dtype=t)
    den = _red.sum(broadcast_to(w, m.shape), axis=axis, keepdims=keepdims, dtype=t)
    res = apply("true_divide", num, den)
    zero = apply("equal", den, 0)
    if axis is None and not keepdims:
        return res if not bool(zero.get()) else masked
    return _result(res, zero if _any_set(zero) else None, m._fill_value)


def dot(a, b, strict=False, out=None):
    """numpy.ma's ``dot``: the product of the filled (0) values, masked where no pair of unmasked
    elements meets (``strict``: where the row of ``a`` or the column of ``b`` holds a masked one)."""
    ma_, mb_ = _m(a), _m(b)
    if out is not None or ma_.ndim > 2 or mb_.ndim > 2 or (strict and (ma_.ndim != 2 or mb_.ndim != 2)):
        return host_fallback(np.ma.dot, "ma.dot", (a, b), {"strict": strict, "out": out})
    if strict:
        ma_, mb_ = _mask_lines(ma_, 0), _mask_lines(mb_, 1)
    d = np.dot(ma_.filled(0), mb_.filled(0))
    if ma_._mask is None and mb_._mask is None:
        return _result(d, None)
    f32 = dt.normalize(np.dtype(np.float32))
    ka = astype(apply("logical_not", ma_._mask_full()), f32, copy=False)
    kb = astype(apply("logical_not", mb_._mask_full()), f32, copy=False)
    k = apply("equal", np.dot(ka, kb), 0)  # (counts of unmasked pairs: exact in float32)
    return _result(d, k if isinstance(k, GpuArray) and k.ndim else None) if isinstance(d, GpuArray) and d.ndim \
        else (masked if bool(_as_gpu(k).get()) else d)


def _cov_operand(v, allow_masked):
    """numpy.ma's ``array(v, ndmin=2, dtype=float)`` of a ``cov`` operand; refuses masked data
    without ``allow_masked`` (NumPy's ValueError)."""
    m = _m(v).astype(np.float64)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    if not allow_masked and _any_set(m._mask):
        raise ValueError("Cannot process masked data.")
    return m


@_quiet
def cov(x, y=None, rowvar=True, bias=False, allow_masked=True, ddof=None):
    """numpy.ma's ``cov`` (of ``x``, or of ``x`` and ``y`` joined along the variables' axis, a common
    mask where they have the same shape): the centred data's products over the pairs of unmasked
    elements, each divided by its own count of such pairs less ``ddof``; masked where that is not
    positive (NumPy's ``_covhelper`` steps, on the device)."""
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be an integer")
    ddof = (0 if bias else 1) if ddof is None else int(ddof)
    m = _cov_operand(x, allow_masked)
    if m.ndim != 2:
        return host_fallback(np.ma.cov, "ma.cov", (x, y), dict(rowvar=rowvar, bias=bias, ddof=ddof,
                                                              allow_masked=allow_masked))
    rowvar = True if m.shape[0] == 1 else bool(rowvar)
    if y is not None:
        my = _cov_operand(y, allow_masked)
        if my.shape == m.shape and (m._mask is not None or my._mask is not None):
            common = _mask_or(m._mask, my._mask)
            m, my = m._new(m._data, common), my._new(my._data, common)
        m = concatenate([m, my], axis=0 if rowvar else 1)
    f32 = dt.normalize(np.dtype(np.float32 if builtins.max(m.shape) <= 2 ** 24 else np.float64))
    notmask = astype(apply("logical_not", m._mask_full()), f32, copy=False)
    mean = m.mean(axis=1 if rowvar else 0, keepdims=True)
    xc = apply("subtract", m.filled(0), mean.filled(0) if isinstance(mean, MaskedGpuArray) else mean)
    if m._mask is not None:  # (a masked mean masks its whole slice: numpy.ma's ``x -= mean``)
        xc = apply("where", _mask_or(m._mask, getattr(mean, "_mask", None)), 0.0, xc)
    if rowvar:
        fact = apply("subtract", np.dot(notmask, notmask.T), ddof)
        data = np.dot(xc, xc.T)
    else:
        fact = apply("subtract", np.dot(notmask.T, notmask), ddof)
        data = np.dot(xc.T, xc)
    k = apply("less_equal", fact, 0)
    res = _result(apply("true_divide", data, fact), k if _any_set(k) else None)
    return _ma_squeeze(res)


@_quiet
def corrcoef(x, y=None, rowvar=True, allow_masked=True):
    """numpy.ma's ``corrcoef``: ``cov`` divided by the outer product of the square roots of its
    diagonal (masks combined as numpy.ma's division and multiplication do)."""
    c = cov(x, y, rowvar=rowvar, allow_masked=allow_masked)
    if not isinstance(c, MaskedGpuArray) or c.ndim != 2:
        return masked
    sd = _UFUNCS["sqrt"](_ARRANGING["diagonal"](c))
    den = outer(sd, sd)
    return _UFUNCS["divide"](c, den)


def _ma_squeeze(r):
    return _ARRANGING["squeeze"](r)


def inner(a, b):
    """numpy.ma's ``inner``: the inner product of the filled (0) values, nothing masked."""
    return _result(np.inner(_m(a).filled(0), _m(b).filled(0)), None)


def _shift(op):
    def f(a, n):
        m = _m(a)
        return _result(apply(op, m._data, n), None if m._mask is None else m._mask.copy(), m._fill_value)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"numpy.ma's ``{op}``: the data shifted, the mask kept."
    return f


_ELEMENTWISE = {"clip": _keeping_mask(_ew.clip, "clip"), "around": _keeping_mask(_ew.round, "around"),
                "round": _keeping_mask(_ew.round, "round"), "round_": _keeping_mask(_ew.round, "round_"),
                "zeros_like": _keeping_mask(_creation.zeros_like, "zeros_like"),
                "ones_like": _keeping_mask(_creation.ones_like, "ones_like"),
                "empty_like": _keeping_mask(_creation.empty_like, "empty_like"),
                **{n: _unmasked(getattr(_creation, n), n) for n in ("zeros", "ones", "empty", "identity", "arange")},
                "masked_all": masked_all, "masked_all_like": masked_all_like, "count_masked": count_masked, "ptp": ptp,
                "angle": _keeping_mask(_ew.angle, "angle"),
                "make_mask": make_mask, "make_mask_none": make_mask_none, "mask_or": mask_or, "is_mask": is_mask,
                "fix_invalid": fix_invalid, "where": where, "set_fill_value": set_fill_value,
                "diff": diff, "ediff1d": ediff1d, "mask_rowcols": mask_rowcols, "mask_rows": mask_rows,
                "mask_cols": mask_cols, "compress_rowcols": compress_rowcols, "compress_rows": compress_rows,
                "compress_cols": compress_cols, "outer": outer, "outerproduct": outer, "trace": trace,
                "allequal": allequal, "allclose": allclose, "left_shift": _shift("left_shift"),
                "right_shift": _shift("right_shift"), "sort": sort, "argsort": argsort,
                "take": _dispatched(np.take, "take"), "resize": _dispatched(np.resize, "resize"),
                "compress": compress, "nonzero": nonzero, "median": median, "average": average,
                "dot": dot, "inner": inner, "innerproduct": inner, "cov": cov, "corrcoef": corrcoef,
                "ndim": lambda obj: len(np.shape(obj)) if not hasattr(obj, "ndim") else obj.ndim,
                "shape": lambda obj: obj.shape if hasattr(obj, "shape") else np.shape(obj),
                "size": lambda obj, axis=None: (obj.size if axis is None else obj.shape[axis]) if hasattr(obj, "size") else np.size(obj, axis),
                "copy": lambda a, *args, **kw: _m(a).copy(),
                **{n: _fill_of(n) for n in ("default_fill_value", "maximum_fill_value", "minimum_fill_value",
                                            "common_fill_value")}}
_ELEMENTWISE = {k: v for k, v in _ELEMENTWISE.items() if hasattr(np.ma, k)}


def _ma_reshape(a, new_shape, order="C"):
    return _m(a).reshape(new_shape, order=order)


def _ma_transpose(a, axes=None):
    m = _m(a)
    return m.transpose() if axes is None else m.transpose(*axes)


def _ma_ravel(a, order="C"):
    return _m(a).ravel()


def _ma_append(a, b, axis=None):
    a = _m(a)
    b = _m(b)
    if axis is None:
        a, b, axis = a.ravel(), b.ravel(), 0
    return concatenate([a, b], axis=axis)


def _counted(fn, name):
    def f(*args, **kwargs):
        return _host(fn, name, args, kwargs)

    f.__name__ = f.__qualname__ = name.rsplit(".", 1)[-1]
    f.__doc__ = f"NumPy's ``{name}`` on host copies of the arguments (a counted fallback)."
    f._ga_host = fn
    return f


def _ufunc_function(name, nin):
    if nin == 1:
        def f(x, *a, **k):
            return _unary(name, _m(x))
    else:
        def f(x, y, *a, **k):
            return _binary(name, x if isinstance(x, (MaskedGpuArray, bool, int, float, complex)) else MaskedGpuArray(x), y)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``numpy.ma.{name}``: masks kept on the device."
    for method in ("reduce", "accumulate", "outer"):  # ``ma.add.reduce`` and the like: NumPy's, counted
        fn = getattr(getattr(np.ma, name, None), method, None)
        if callable(fn):
            setattr(f, method, _counted(fn, f"ma.{name}.{method}"))
    return f


_UFUNCS = {n: _ufunc_function(n, 1) for n in _UNARY_OK if hasattr(np.ma, n)}
_UFUNCS.update({n: _ufunc_function(n, 2) for n in _BINARY_OK if hasattr(np.ma, n)})
_UFUNCS["abs"] = _UFUNCS["absolute"]
_UFUNCS["divide"] = _UFUNCS["true_divide"] if "true_divide" in _UFUNCS else _ufunc_function("true_divide", 2)


DEVICE = {
    "array": array, "masked_array": masked_array, "MaskedArray": MaskedArray, "asarray": asarray,
    "asanyarray": asanyarray, "masked_where": masked_where, "masked_invalid": masked_invalid,
    "masked_equal": masked_equal, "masked_not_equal": masked_not_equal, "masked_greater": masked_greater,
    "masked_greater_equal": masked_greater_equal, "masked_less": masked_less, "masked_less_equal": masked_less_equal,
    "masked_inside": masked_inside, "masked_outside": masked_outside, "masked_values": masked_values,
    "concatenate": concatenate, "filled": filled, "getmask": getmask, "getmaskarray": getmaskarray, "getdata": getdata, "is_masked": is_masked,
    "isMaskedArray": isMaskedArray, "isMA": isMA, "isarray": isarray, "compressed": compressed, "count": count,
    "sum": sum, "prod": prod, "product": product, "mean": mean, "var": var, "std": std, "min": min, "max": max,
    "amin": amin, "amax": amax, "anom": anom, "anomalies": anom, "argmin": argmin, "argmax": argmax,
    "nomask": nomask, "masked": masked, "MaskError": MaskError, "MAError": MAError, **_UFUNCS,
    "reshape": _ma_reshape, "transpose": _ma_transpose, "ravel": _ma_ravel, "append": _ma_append,
    "harden_mask": _method_function("harden_mask"), "soften_mask": _method_function("soften_mask"),
    "ids": _method_function("ids"), **_METHOD_FNS, **_ARRANGING, **_ELEMENTWISE,
}


_BUILT: list = []  # the module build_module filled (``gpuarray.ma``)


def install(functions: dict) -> None:
    """numpy.ma functions on the device defined by the modules above this one (sets, writes,
    convolutions ...): added to ``DEVICE`` and to ``gpuarray.ma`` (built before or after)."""
    DEVICE.update(functions)
    for mod in _BUILT:
        for k, v in functions.items():
            setattr(mod, k, v)


def build_module(mod) -> None:
    """Fill module ``mod`` (``gpuarray.ma``): the device functions above, NumPy's other ``ma``
    functions as counted host fallbacks over MaskedGpuArrays, NumPy's constants and types."""
    _BUILT.append(mod)
    for attr in getattr(np.ma, "__all__", None) or [n for n in dir(np.ma) if not n.startswith("_")]:
        if attr in DEVICE:
            continue
        obj = getattr(np.ma, attr)
        if callable(obj) and not isinstance(obj, type):
            obj = _counted(obj, f"ma.{attr}")
        setattr(mod, attr, obj)
    for k, v in DEVICE.items():
        setattr(mod, k, v)


__all__: list[str] = []
