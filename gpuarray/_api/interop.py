"""NumPy interoperability: the ``__array_ufunc__`` and ``__array_function__`` protocols.

NumPy calls on GpuArrays (``np.exp(x)``, ``np.add(x, 1, out=y)``, ``np.sum(x, axis=0)``,
``np.linalg.norm(x)``) land here and run on the device:

* ufuncs map by name onto the elementwise op table (``_ops.lookup``, NumPy aliases
  included) with ``out=``, ``where=``, ``dtype=`` and ``casting=`` handled here;
  the ufunc methods (``reduce``, ``accumulate``, ``outer``, ``at``, ``reduceat``) share
  ``_ufunc_objects`` with the namespace's ufuncs.
* other NumPy functions map onto the function of the same name in the ``gpuarray``
  namespace (``numpy.linalg.X`` onto ``gpuarray.linalg.X``, and so on), with NumPy's
  argument names and defaults bound first so that NumPy's semantics are kept; a few
  functions whose signatures differ have explicit entries in ``OVERRIDES``.

Anything without a device implementation runs on host copies through NumPy
(``host_fallback``): counted in ``gpuarray.stats().fallbacks``, warned about once per
name, refused under ``gpuarray.set_fallback('raise')``. Arrays a fallback writes into
(``out=``, ``np.add.at``, ``np.put`` ...) are written back to the device.
"""
from __future__ import annotations

import inspect
import types

import numpy as np

from .._device import fallback as _fallback
from .._graph import ops as _ops
from . import ufunc as _ufunc, ufunc_objects as _ufunc_objects
from .._lazy.array import GpuArray
from .._device.errors import HostDataError
from .host import MUTATES, host_fallback, to_device, to_host  # noqa: F401 (re-exported)
from .ufunc import NoDeviceImpl  # (one class for every dispatcher)
from .._lazy.elementwise import apply, as_operand
from ..lib.stride_tricks import sliding_window_view

__all__: list[str] = []

_NoValue = getattr(np, "_NoValue", object())
_NAMESPACE = None


def bind_namespace(module) -> None:
    """Called by ``gpuarray/__init__.py`` with the package itself: the NumPy-name namespace that
    NumPy functions are mapped onto (the package sits above every module; it hands itself down)."""
    global _NAMESPACE
    _NAMESPACE = module


def namespace():
    """The ``gpuarray`` namespace (``bind_namespace``)."""
    return _NAMESPACE
_P = inspect.Parameter


def _label(func) -> str:
    mod = getattr(func, "__module__", None) or "numpy"
    name = getattr(func, "__name__", repr(func))
    if mod.startswith("numpy.") and not mod.startswith(("numpy._", "numpy.lib", "numpy.core")):
        return f"{mod[len('numpy.'):]}.{name}"
    return name


# ------------------------------------------------------------------------------ helpers
def _operand(x):
    return as_operand(x)


def _dtype_of(x):
    if isinstance(x, (GpuArray, np.ndarray, np.generic)):
        return x.dtype
    return None


def _foreign(objs) -> bool:
    """True if an argument brings its own override we do not know (NumPy tries it next)."""
    for o in objs:
        if o is None or isinstance(o, (GpuArray, np.ndarray, np.generic, bool, int, float, complex)):
            continue
        if hasattr(type(o), "__array_ufunc__") and type(o).__array_ufunc__ is not None:
            return True
    return False


def _write_out(o, res, name, casting, where=True):
    """Write ``res`` into ``o`` (GpuArray or NumPy array) as NumPy's ``out=`` does; returns ``o``."""
    if not isinstance(o, (GpuArray, np.ndarray)):
        raise TypeError("return arrays must be of ArrayType")
    return _ufunc.write_out(getattr(np, name), o, res, casting, where)


def _finish(res, out, name, casting, where):
    """Apply ``out=`` / ``where=`` to a computed result."""
    return _ufunc.finish(getattr(np, name), res, _ufunc.normalize_out(out, 1), casting, where)


# ------------------------------------------------------------------------------ __array_ufunc__
# gufuncs and ufuncs that are functions of the namespace rather than op-table entries
_NAMED_UFUNCS = ("matmul", "vecdot", "matvec", "vecmat", "modf", "spacing", "frexp", "ldexp", "float_power")


def array_ufunc(ufunc, method, inputs, kwargs):
    """``GpuArray.__array_ufunc__``: run ``ufunc.method(*inputs, **kwargs)`` on the device."""
    out = kwargs.get("out")
    if _foreign(inputs) or (out is not None and _foreign(out if isinstance(out, tuple) else (out,))):
        return NotImplemented
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("out"), GpuArray):
        kwargs["out"] = (kwargs["out"],)
    if method != "__call__":  # one implementation with the namespace's ufunc methods
        return _ufunc_objects.run(ufunc, method, inputs, kwargs)
    try:
        return _ufunc_call(ufunc, inputs, dict(kwargs))
    except (NoDeviceImpl, HostDataError):
        pass
    return host_fallback(ufunc, ufunc.__name__, inputs, kwargs)


def _ufunc_call(ufunc, inputs, kw):
    name = ufunc.__name__
    if name in _NAMED_UFUNCS or (name == "divmod" and ufunc.nout == 2):
        out = kw.pop("out", None)
        where = kw.pop("where", True)
        dtype = kw.pop("dtype", None)
        casting = kw.pop("casting", "same_kind")
        _ufunc.check_keywords(casting, kw.pop("order", "K"))
        kw.pop("subok", None)
        if kw.pop("signature", None) is not None or kw or dtype is not None:
            raise NoDeviceImpl
        out = _ufunc.normalize_out(out, ufunc.nout)
        where = _ufunc.normalize_where(where)
        if name == "divmod":
            if where is not True:
                raise NoDeviceImpl
            q, r = apply("floor_divide", *inputs), apply("remainder", *inputs)
            if out is None:
                return q, r
            return tuple(_ufunc.write_out(ufunc, o, v, casting, True, i) if o is not None else v
                         for i, (o, v) in enumerate(zip(out, (q, r))))
        gpuarray = namespace()
        fn = getattr(gpuarray, name, None)
        if fn is None or getattr(fn, "_ga_host", None) is not None:
            raise NoDeviceImpl
        if ufunc.nout > 1:  # (modf): the results as they are; out=/where= are NumPy's on the host
            if out is not None or where is not True:
                raise NoDeviceImpl
            return fn(*inputs)
        return _ufunc.finish(ufunc, fn(*inputs), out, casting, where)
    try:
        op = _ops.lookup(name)
    except KeyError:
        raise NoDeviceImpl from None
    if ufunc.nout != 1 or op.nin != ufunc.nin:
        raise NoDeviceImpl
    return _ufunc.call(ufunc, op.name, inputs, kw)


# ------------------------------------------------------------------------------ __array_function__
def _np_trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    gpuarray = namespace()
    d = gpuarray.diagonal(_operand(a), offset=offset, axis1=axis1, axis2=axis2)
    return gpuarray.sum(d, axis=-1, dtype=dtype, out=out)


def _np_clip(a, a_min=_NoValue, a_max=_NoValue, out=None, *, min=_NoValue, max=_NoValue, **kwargs):
    gpuarray = namespace()
    if kwargs:
        raise NoDeviceImpl  # ufunc keywords (dtype=, where=, casting=): NumPy handles them on the host
    if a_min is not _NoValue and min is not _NoValue or a_max is not _NoValue and max is not _NoValue:
        raise ValueError("Passing `min` or `max` keyword argument when `a_min` and `a_max` are provided is forbidden.")
    lo = a_min if a_min is not _NoValue else (None if min is _NoValue else min)
    hi = a_max if a_max is not _NoValue else (None if max is _NoValue else max)
    if lo is None and hi is None and a_min is _NoValue and a_max is _NoValue:
        raise ValueError("One of max or min must be given")
    return gpuarray.clip(a, lo, hi, out=out)


def _np_reshape(a, /, shape=None, order="C", *, newshape=None, copy=None):
    gpuarray = namespace()
    if shape is None:
        if newshape is None:
            raise TypeError("reshape() missing 1 required positional argument: 'shape'")
        shape = newshape
    kw = {} if copy is None else {"copy": copy}
    return gpuarray.reshape(_operand(a), shape, order=order, **kw)


def _np_einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    # NumPy's signature takes the subscripts (or the interleaved form) among the operands
    return namespace().einsum(*operands, out=out, dtype=dtype, order=order, casting=casting, optimize=optimize)


def _np_sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    return sliding_window_view(x, window_shape, axis, subok=subok, writeable=writeable)


# (module, name) -> implementation taking NumPy's arguments
OVERRIDES = {
    ("numpy", "trace"): _np_trace,
    ("numpy", "clip"): _np_clip,
    ("numpy", "reshape"): _np_reshape,
    ("numpy", "einsum"): _np_einsum,
    ("numpy.lib.stride_tricks", "sliding_window_view"): _np_sliding_window_view,
}

# NumPy parameter names that the gpuarray function spells differently: gpuarray name -> NumPy names
_SYNONYMS = {
    "x": ("a", "arr", "ary", "array", "m", "v", "p", "prototype", "ar", "A", "M", "x1"),
    "x1": ("a", "x"),
    "x2": ("b", "y"),
    "a": ("x", "arr", "ary", "array", "m", "v"),
    "shape": ("newshape",),
    "arrays": ("tup", "arys", "xi"),
    "min": ("a_min",),
    "max": ("a_max",),
}

# NumPy modules whose functions map onto a namespace submodule of another name
_SUBMODULES = {"numpy.lib.scimath": "emath", "numpy.lib._scimath_impl": "emath"}

_plans: dict = {}


def _positional(params):
    out = []
    for p in params:
        if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD):
            out.append(p)
        else:
            break
    return out


def _is_default(v, d) -> bool:
    if v is d:
        return True
    if d is _P.empty or isinstance(v, (GpuArray, np.ndarray)) or isinstance(d, (np.ndarray,)):
        return False
    try:
        return bool(type(v) is type(d) and v == d)
    except Exception:
        return False


def _make_plan(func, impl):
    """A caller that binds NumPy's arguments by NumPy's signature and passes them to ``impl``."""
    if getattr(impl, "_ga_host", None) is not None:  # a namespace host fallback: call NumPy's own function
        name = impl.__name__

        def host(args, kwargs):
            return host_fallback(func, name, args, kwargs)

        return host
    try:
        nsig = inspect.signature(func)
        isig = inspect.signature(impl)
    except (TypeError, ValueError):
        return lambda args, kwargs: impl(*args, **kwargs)
    nparams = nsig.parameters
    iparams = list(isig.parameters.values())
    n_varpos = next((p.name for p in nparams.values() if p.kind == _P.VAR_POSITIONAL), None)
    i_varkw = any(p.kind == _P.VAR_KEYWORD for p in iparams)
    # match gpuarray parameters to NumPy parameters: same name, then synonyms, then position
    match: dict = {}
    used: set = set()
    named = [p for p in iparams if p.kind not in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD)]
    for p in named:
        if p.name in nparams and nparams[p.name].kind not in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD):
            match[p.name] = p.name
            used.add(p.name)
    for p in named:
        if p.name in match:
            continue
        for s in _SYNONYMS.get(p.name, ()):
            if s in nparams and s not in used and nparams[s].kind not in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD):
                match[p.name] = s
                used.add(s)
                break
    npos, ipos = _positional(nparams.values()), _positional(iparams)
    for i, p in enumerate(ipos):
        if p.name not in match and i < len(npos) and npos[i].name not in used:
            match[p.name] = npos[i].name
            used.add(npos[i].name)

    plist = list(nparams.values())
    n_pos = [p for p in plist if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)]
    n_varkw = next((p.name for p in plist if p.kind == _P.VAR_KEYWORD), None)
    n_kwable = {p.name for p in plist if p.kind in (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY)}
    n_defaults = {p.name: p.default for p in plist if p.kind not in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD)}

    def bind(args, kwargs):
        """NumPy's signature bound with its defaults applied (inspect's bind, without its cost)."""
        nargs = dict(n_defaults)
        if n_varpos is not None:
            nargs[n_varpos] = tuple(args[len(n_pos):])
        elif len(args) > len(n_pos):
            raise TypeError(f"{func.__name__}() takes {len(n_pos)} positional arguments but {len(args)} were given")
        for p, v in zip(n_pos, args):
            nargs[p.name] = v
        given = {p.name for p in n_pos[:len(args)]}
        extra = {}
        for k, v in kwargs.items():
            if k in n_kwable and k not in given:
                nargs[k] = v
                given.add(k)
            elif n_varkw is not None and k not in nargs:
                extra[k] = v
            else:
                raise TypeError(f"{func.__name__}() got an unexpected keyword argument '{k}'")
        if n_varkw is not None:
            nargs[n_varkw] = extra
        for k, v in nargs.items():
            if v is _P.empty:
                raise TypeError(f"{func.__name__}() missing required argument: '{k}'")
        return nargs

    def call(args, kwargs):
        nargs = bind(args, kwargs)
        pos, kw = [], {}
        for p in iparams:
            if p.kind == _P.VAR_POSITIONAL:
                if n_varpos is not None:
                    pos.extend(nargs.get(n_varpos, ()))
                continue
            if p.kind == _P.VAR_KEYWORD:
                continue
            src = match.get(p.name)
            v = nargs[src] if src is not None else _NoValue
            if v is _NoValue:
                if p.default is _P.empty:
                    raise NoDeviceImpl
                if p.kind == _P.POSITIONAL_ONLY:
                    pos.append(p.default)
                continue
            if p.kind == _P.POSITIONAL_ONLY:
                pos.append(v)
            else:
                kw[p.name] = v
        for n, v in nargs.items():
            if n in used or n == n_varpos:
                if n == n_varpos and not any(p.kind == _P.VAR_POSITIONAL for p in iparams) and v:
                    raise NoDeviceImpl
                continue
            prm = nparams[n]
            if prm.kind == _P.VAR_KEYWORD:
                if v and not i_varkw:
                    raise NoDeviceImpl
                kw.update(v)
            elif v is _NoValue or _is_default(v, prm.default):
                continue
            elif i_varkw:
                kw[n] = v
            else:
                raise NoDeviceImpl  # an argument the device function cannot honour
        try:
            return impl(*pos, **kw)
        except NotImplementedError:
            raise NoDeviceImpl from None

    return call


def _resolve(func):
    """The device implementation of NumPy function ``func`` (a caller), or None."""
    try:
        return _plans[func]
    except KeyError:
        pass
    except TypeError:  # unhashable
        return None
    gpuarray = namespace()
    mod = getattr(func, "__module__", None) or "numpy"
    name = getattr(func, "__name__", None)
    plan = None
    if (mod, name) in OVERRIDES:
        o = OVERRIDES[(mod, name)]
        plan = lambda args, kwargs, o=o: o(*args, **kwargs)  # noqa: E731
    elif name is not None and mod.split(".")[0] == "numpy":
        ns = gpuarray
        sub = _SUBMODULES.get(mod) or (mod.split(".")[1] if "." in mod else None)
        if sub and not sub.startswith("_") and sub not in ("lib", "core"):
            ns = getattr(gpuarray, sub, None)
            ns = ns if isinstance(ns, types.ModuleType) else None
        impl = getattr(ns, name, None) if ns is not None else None
        if callable(impl) and not isinstance(impl, type) and impl is not func and not isinstance(impl, np.ufunc):
            plan = _make_plan(func, impl)
    _plans[func] = plan
    return plan


def array_function(func, types, args, kwargs):
    """``GpuArray.__array_function__``: NumPy function ``func`` on the device, or a counted
    host fallback."""
    for t in types:
        if not issubclass(t, (GpuArray, np.ndarray)):
            return NotImplemented
    kwargs = dict(kwargs)
    kwargs.pop("like", None)
    plan = _resolve(func)
    if plan is not None:
        try:
            return plan(args, kwargs)
        except (NoDeviceImpl, HostDataError):  # HostDataError: None, strings, objects for NumPy
            pass
    return host_fallback(func, _label(func), args, kwargs)
