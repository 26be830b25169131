"""Elementwise functions: every one builds a lazy node through ``apply``; nothing runs
until a value is needed. Public functions are generated from the op table."""
from __future__ import annotations

import numbers

import numpy as np

from .._graph import dtypes as dt
from .._graph import errstate as _errstate, ops as _ops
from .._device import runtime as _runtime
from .array import GpuArray, from_host, register_reader
from .convert import asarray
from .placement import operand_device
from .._device.fallback import host_call
from .._device.errors import DeferToArrayFunction
from .._kernels.codegen import check_expression, evaluate_into
from .._graph.nodes import MAX_NODES, Cast, Const, Ew, Leaf, broadcast_shapes, dag_size, new_leaf

_PY_SCALARS = (bool, int, float, complex)
# An operand whose expression has more than _HALF distinct nodes is evaluated first, so a kernel
# holds at most ~2 * _HALF nodes (3 for where). Starts at the CPU adapters' bound; the first check
# of a large operand sets it for the device (_set_half).
_HALF = MAX_NODES // 2
_HALF_SET = False


def _set_half() -> None:
    """GPUs take MAX_NODES per operand: each evaluation costs the host a fixed recording cost, and
    halving the evaluations of a loop of small ops measured iir 14.2 -> 11.8 ms and montecarlo
    11.1 -> 10.1 ms on an H200. CPU adapters keep MAX_NODES // 2: llvmpipe compiles kernels of
    twice the size several times slower, and there the kernels, not the host, are the cost."""
    global _HALF, _HALF_SET
    _HALF = MAX_NODES // 2 if _runtime.device().is_cpu else MAX_NODES
    _HALF_SET = True
# operands kept as they are: arrays, Python scalars (weak, NEP 50) and NumPy scalars (typed)
_OPERANDS = (GpuArray, bool, int, float, complex, np.generic)


def as_operand(x):
    """GpuArray, or a Python scalar (kept weak for promotion); anything else is uploaded."""
    if isinstance(x, GpuArray):
        return x
    if isinstance(x, _PY_SCALARS) and not isinstance(x, np.generic):
        return x
    if getattr(type(x), "_ga_defer", False):
        raise DeferToArrayFunction(f"{type(x).__name__} operands take NumPy's dispatch")
    return asarray(x)


def _reads_limit() -> int:
    """Most buffers an operand's expression may read: an op joins up to three operands in one
    kernel, which also binds its output and stays within the device's storage bindings."""
    global _READS
    _READS = (_runtime.device().max_bindings - 1) // 3
    return _READS


_READS = None


def _too_big(n) -> bool:
    """Whether operand node ``n`` is evaluated first (bounded kernel size and bindings)."""
    if not _HALF_SET:
        _set_half()
    if n.size_ > _HALF and dag_size(n, _HALF) > _HALF:
        return True
    return len(n.storages) > (_READS or _reads_limit())


def node_of(x, ct) -> object:
    """The node reading operand ``x`` as dtype ``ct``."""
    if isinstance(x, GpuArray):
        n = x._node
        if (n.size_ > _HALF or len(n.storages) > 2) and _too_big(n):
            n = x._leaf()  # keep kernels bounded: evaluate a big subexpression first
        return n if n.dtype == ct else Cast(n, ct)
    if isinstance(x, np.generic):  # a typed NumPy scalar: a parameter like a Python scalar
        x = x.item()
    # Python scalar
    if isinstance(x, bool) and ct.kind != "b":
        x = int(x)
    if isinstance(x, int) and ct.kind in "iu":
        dt.check_int_fits(x, ct)
    if isinstance(x, complex) and ct.kind != "c":
        raise TypeError(f"cannot cast complex scalar to {ct}")
    return Const(x, ct)


def _shapes(args):
    return [a.shape for a in args if isinstance(a, GpuArray)]


# operand types the common path takes: Python scalars, and NumPy's numeric scalar types (typed:
# their type alone decides the result, as an array's dtype does)
_FAST_SCALARS = frozenset((float, int, bool)) | frozenset(np.dtype(c).type for c in "?bhilqBHILQefdFD")
_quiet_state = None  # the last floating-point error state seen that asks for no checks (see _errstate)
_quiet_mask = 0  # its 'warn' categories: the flags kernels report for ops built under it (Ew.fpe)
_errstate_now = _errstate.state


def _checked_state(st) -> bool:
    global _quiet_state, _quiet_mask
    if _errstate.checked(st):
        return True
    _quiet_state, _quiet_mask = st, _errstate.warn_mask(st)
    return False


def _fpe_mask() -> int:
    """Ew.fpe for an op built now (see _errstate)."""
    st = _errstate_now()
    return _quiet_mask if st is _quiet_state else _errstate.warn_mask(st)


def apply(opname: str, *args) -> GpuArray:
    """Build op(*args) as a lazy node; shape and dtype errors are raised here."""
    st = _errstate_now()
    if st is not _quiet_state and _checked_state(st):
        _errstate.check(opname, args)
    # the common case (arrays and Python float/int/bool operands, resolution cached, no
    # special power form) builds its node directly: this path runs once per operation
    sig = [opname]
    shape = None
    for a in args:
        t = type(a)
        if t is GpuArray:
            n = a._node
            sig.append(n.dtype)
            sh = n.shape
            if shape is None or sh == shape:
                shape = sh
            else:
                shape = False  # differing shapes: broadcast in the general path
        elif t in _FAST_SCALARS:
            sig.append(t)
        else:
            return _apply(opname, args)
    if _runtime.MULTI:
        dev = operand_device(args)  # (arrays of two devices: NumPy's kind of error)
        if dev is not None and dev is not _runtime.device():
            return _apply(opname, args)  # built on the operands' device (a lazy operand may hold no buffer)
    res = _resolved.get(tuple(sig))
    if res is None or res[4] is not None or shape is None or shape is False:
        return _apply(opname, args)
    op, ct, rt, in_ct, _ = res
    if op.name == "power":
        # only NumPy's float shortcuts (x**2 is x*x, x**0.5 is sqrt ...) here; the rest in _apply
        fast = _SCALAR_POWER.get(args[1]) if ct.kind == "f" and len(args) == 2 and type(args[1]) in (int, float) else None
        if fast is None:
            return _apply(opname, args)
        return _power_shortcut(fast, node_of(args[0], ct), rt, shape, ct)
    fpe = _quiet_mask if st is _quiet_state else 0
    srcs = []
    for a, c in zip(args, in_ct):
        if type(a) is GpuArray:
            n = a._node
            if (n.size_ > _HALF or len(n.storages) > 2) and _too_big(n):
                n = a._leaf()  # keep kernels bounded: evaluate a big subexpression first
            srcs.append(n if n.dtype is c or n.dtype == c else Cast(n, c))
        elif type(a) is float and c.kind == "f":
            srcs.append(Const(a, c))
        else:
            try:
                srcs.append(node_of(a, c))
            except OverflowError:  # a Python int beyond the compute dtype: _apply decides
                return _apply(opname, args)
    return GpuArray(Ew(op.name, rt, shape, srcs, ct, fpe))


def _apply(opname: str, args) -> GpuArray:
    if _runtime.MULTI:
        dev = operand_device(args)  # host operands go to the arrays' device
        if dev is not None and dev is not _runtime.device():
            with _runtime.using(dev):
                return _apply(opname, args)
    args = [a if isinstance(a, _OPERANDS) and (not isinstance(a, np.generic) or a.dtype.kind in "biufc")
            else as_operand(a) for a in args]
    if not any(isinstance(a, GpuArray) for a in args):
        return _scalars_only(opname, args)
    # the dtype resolution depends only on the op and the operands' dtypes / scalar types
    sig = (opname,) + tuple(a._node.dtype if isinstance(a, GpuArray) else type(a) for a in args)
    res = _resolved.get(sig)
    if res is None:
        res = _resolved[sig] = _resolve(opname, args)
    op, ct, rt, in_ct, how = res
    if how is not None:
        if how == "host":
            return _host_op(op.name, args, rt)
        raise how
    if len(args) == 1:
        shape = args[0]._node.shape
    else:
        shapes = [a._node.shape for a in args if isinstance(a, GpuArray)]
        shape = shapes[0] if all(sh == shapes[0] for sh in shapes) else broadcast_shapes(*shapes)
    if op.name == "power" and ct.kind in "iu" and isinstance(args[1], GpuArray) and args[1].dtype.kind == "i":
        _check_exponents(args[1], shape)
    if op.name == "power" and not isinstance(args[1], GpuArray):
        if ct.kind in "iu" and isinstance(args[1], int) and args[1] < 0:
            dt.check_int_fits(args[1], ct)  # NEP 50 comes first: uint8_array ** -1 is an OverflowError
            if 0 not in shape:  # NumPy's loop raises this, so an empty array has an empty result
                raise ValueError("Integers to negative integer powers are not allowed.")
        fast = _SCALAR_POWER.get(args[1]) if ct.kind in "fiu" and isinstance(args[0], GpuArray) else None
        if fast is not None and (ct.kind == "f" or fast == "square"):
            return _power_shortcut(fast, node_of(args[0], ct), rt, shape, ct)
    try:
        srcs = [node_of(a, c) for a, c in zip(args, in_ct)]
    except OverflowError:
        res = _compare_beyond_range(op.name, args, shape) if op.rule == "compare" else None
        if res is None:
            raise  # NEP 50: arithmetic with a Python int the dtype cannot hold is an error
        return res
    return GpuArray(Ew(op.name, rt, shape, srcs, ct, _fpe_mask()))


def _check_exponents(e: GpuArray, shape) -> None:
    """NumPy's integer power raises for a negative exponent. Which elements are negative is only
    known on the device: this reads one bool back (a sync), paid by integer powers with a
    signed integer exponent array only."""
    if 0 in shape or 0 in e.shape:
        return
    if bool(apply("less", e, 0).any()):  # (the reductions sit above: through the method)
        raise ValueError("Integers to negative integer powers are not allowed.")


def _power_shortcut(fast: str, x, rt, shape, ct) -> GpuArray:
    """``x ** s`` as NumPy's own scalar-exponent shortcut ``fast`` (from _SCALAR_POWER: same
    results, x**0.5 is sqrt with -0.0 and -inf included; x**2 is square, x*x)."""
    return GpuArray(Ew(fast, rt, shape, [x], ct, _fpe_mask()))


def _scalars_only(opname, args) -> GpuArray:
    """An op on Python / NumPy scalars only (``add(1, 2)``): NumPy's value and dtype, as a 0-d
    array (there is nothing to run on the device)."""
    try:
        name = _ops.lookup(opname).name
    except KeyError:
        name = opname
    f = getattr(np, name, None)
    if not isinstance(f, np.ufunc):
        raise TypeError(f"{opname}: expected at least one array operand")
    with np.errstate(all="ignore"):
        r = np.asarray(f(*args))
    if r.dtype == object:  # a Python int beyond 64 bits stayed an object: NumPy would fail to convert it
        raise OverflowError(f"{opname}: Python integer operands out of range for any integer dtype")
    return as_operand(r)


# sign of each ordering comparison: +1 when it holds for a small left and a large right operand
_ORDER = {"less": 1, "less_equal": 1, "greater": -1, "greater_equal": -1}


def _compare_beyond_range(name, args, shape):
    """An integer array compared with a Python int its dtype cannot hold, or None.

    NumPy 2 compares such values instead of raising (``uint8_array < -1`` is all False): every
    element lies on the same side of the int, so the result is one known bool, made as a lazy
    node of the result's shape that reads no buffer. A bool array promotes with the int to the
    default int, where NumPy raises OverflowError like arithmetic does: None, so the caller
    re-raises."""
    a, b = args
    right = isinstance(a, GpuArray)  # the int is the right operand
    arr, v = (a, b) if right else (b, a)
    if not (isinstance(arr, GpuArray) and arr.dtype.kind in "iu" and isinstance(v, int)
            and not isinstance(v, (bool, np.generic))):
        return None
    lo, hi = dt.int_bounds(arr.dtype)
    if lo <= v <= hi:
        return None
    if name in _ORDER:
        # e.g. x < v holds for every x when v is above the range, and v < x when it is below
        t = (_ORDER[name] > 0) == ((v > hi) == right)
    else:
        t = name == "not_equal"
    return GpuArray(Ew("logical_not", dt.bool_, shape, [Const(not t, dt.bool_)], dt.bool_))


_resolved: dict = {}
_SCALAR_POWER = {2: "square", 2.0: "square", 0.5: "sqrt", -1: "reciprocal", -1.0: "reciprocal", 1: "positive",
                 1.0: "positive"}


def _resolve(opname, args):
    """(op, compute dtype, result dtype, operand dtypes, None | 'host' | exception to raise)."""
    op = _ops.lookup(opname)
    if len(args) != op.nin:
        raise TypeError(f"{op.name} takes {op.nin} arguments ({len(args)} given)")
    arrays = [a for a in args if isinstance(a, GpuArray)]
    scalars = [a for a in args if not isinstance(a, GpuArray)]
    if op.rule == "where":
        if not isinstance(args[0], GpuArray):
            raise TypeError("where: the condition must be an array")
        arrays = [a for a in args[1:] if isinstance(a, GpuArray)]
        scalars = [a for a in args[1:] if not isinstance(a, GpuArray)]
        ct, rt = _ops.resolve_types(op, [a.dtype for a in arrays], scalars)
        if not arrays:
            ct = rt = dt.result_type(*scalars)
    else:
        ct, rt = _ops.resolve_types(op, [a.dtype for a in arrays], scalars)
    in_ct = [dt.bool_ if (op.rule == "logical" or (op.rule == "where" and i == 0)) else ct for i in range(op.nin)]
    how = None
    if _ops.expression(op, ct) is None:
        if ct.kind == "c":  # no complex kernel yet: NumPy on the host decides and computes
            how = "host"
        else:
            how = _ops.no_loop(op.name, [a.dtype for a in arrays])
    elif not check_expression(op.name, ct):
        how = "host"
    return op, ct, rt, in_ct, how


def _host_op(name, args, rt):
    """Run a NumPy ufunc on host copies (no device kernel for this op/dtype yet): a counted fallback."""
    fn = getattr(np, name)
    host = [a.get() if isinstance(a, GpuArray) else a for a in args]
    with np.errstate(all="ignore"):
        res = host_call(fn, name, host, {})
    res = np.asarray(res)
    return from_host(res.astype(dt.canonical(res.dtype), copy=False))


def can_cast_same_kind(src, dst) -> bool:
    return np.can_cast(src, dst, casting="same_kind")


@_runtime.locked
def assign(target: GpuArray, value, value_temporary: bool = False) -> None:
    """Write ``value`` (array, expression or scalar) into ``target``'s buffer view, broadcasting
    and casting to its dtype. Pending expressions that read the buffer are evaluated first,
    and a value that reads the same buffer through another view is evaluated to a temporary,
    so the result is that of NumPy's copy semantics."""
    if _runtime.MULTI:
        operand_device((target, value))  # (a value of another device: NumPy's kind of error)
        if target._dev is not _runtime.device():
            with _runtime.using(target._dev):  # host values go to the target's device
                return assign(target, value, value_temporary)
    leaf = target._node
    if not isinstance(leaf, Leaf):
        leaf = target._leaf()
    if leaf.readonly:
        raise ValueError("assignment destination is read-only")
    if not (isinstance(value, np.generic) and value.dtype.kind in "biufc"):  # (NumPy scalars: scalar rules)
        value = as_operand(value)
    keep = None
    if isinstance(value, GpuArray):
        broadcast_shapes(value.shape, leaf.shape)
        extra = len(value.shape) - len(leaf.shape)
        if extra > 0 and all(d == 1 for d in value.shape[:extra]):  # NumPy drops leading unit axes
            value = value.reshape(value.shape[extra:])
        if len(value.shape) > len(leaf.shape) or any(
            v != t and v != 1 for v, t in zip(value.shape[::-1], leaf.shape[::-1])
        ):
            raise ValueError(f"could not broadcast input array from shape {value.shape} into shape {leaf.shape}")
        node = value._node
        if leaf.storage in node.storages and not _reads_only_same_view(node, leaf):
            node = value._leaf() if not isinstance(node, Leaf) else _copy_node(node)
        elif leaf.storage in node.storages and not isinstance(node, Leaf) and not value_temporary:
            if node.dtype == leaf.dtype and node.shape == leaf.shape:
                keep = value  # written by one fused kernel; the value then reads back what it wrote
            else:
                node = value._leaf()  # the value outlives this write: compute it into its own buffer
        if node.dtype != leaf.dtype:
            node = Cast(node, leaf.dtype)
    else:
        node = Const(dt.store_scalar(value, leaf.dtype), leaf.dtype)
    flush_readers(leaf.storage, exclude=(target, value))
    evaluate_into(node, leaf)
    if keep is not None:
        # whether the caller still holds the value is not known here (reference counts do not
        # tell it the same way across Python versions): the value becomes a pending copy of the
        # target view, a reader of its buffer, computed only if that buffer is written again
        # while the value is alive, and never if the value was a temporary
        keep._node = Cast(Leaf(leaf.storage, leaf.dtype, leaf.shape, leaf.strides, leaf.offset), leaf.dtype)
        register_reader(keep, keep._node.storages)


def _copy_node(leaf: Leaf) -> Leaf:
    tmp = new_leaf(leaf.dtype, leaf.shape)
    evaluate_into(leaf, tmp)
    return tmp


def _reads_only_same_view(node, target: Leaf) -> bool:
    """True if every read of target's buffer in ``node`` is exactly the target view (elementwise safe)."""
    st = target.storage
    stack, seen = [node], set()
    while stack:
        n = stack.pop()
        if id(n) in seen or st not in n.storages:  # (subexpressions not reading the buffer are skipped)
            continue
        seen.add(id(n))
        if type(n) is Leaf:
            if n.strides != target.strides or n.offset != target.offset or n.shape != target.shape:
                return False
        stack.extend(n.srcs)
    return True


def check_writeable(leaf: Leaf) -> None:
    """NumPy's error for a write through a read-only view (``writeable=False``)."""
    if leaf.readonly:
        raise ValueError("assignment destination is read-only")


@_runtime.locked
def flush_readers(storage, exclude=()) -> None:
    """Evaluate every pending expression that reads ``storage`` (before it is overwritten),
    except the arrays in ``exclude`` (the target itself and the value being written)."""
    if not isinstance(exclude, tuple):
        exclude = (exclude,)
    for ref in list(storage.readers.values()):
        arr = ref()
        if arr is not None and not any(arr is e for e in exclude) and not isinstance(arr._node, Leaf):
            arr._leaf()


def _exceptions():
    from numpy._core import _exceptions

    return _exceptions


def output_casting_error(ufunc, casting, from_, to, i=0) -> Exception:
    """NumPy's UFuncTypeError for an output the result cannot be cast to."""
    if not isinstance(ufunc, np.ufunc):
        return TypeError(f"Cannot cast ufunc '{ufunc}' output from dtype('{from_}') to dtype('{to}') "
                         f"with casting rule '{casting}'")
    return _exceptions()._UFuncOutputCastingError(ufunc, casting, np.dtype(from_), np.dtype(to), i)


def apply_inplace(opname: str, target: GpuArray, other) -> None:
    res = apply(opname, target, other)
    if res.shape != target.shape:
        raise ValueError(
            f"non-broadcastable output operand with shape {target.shape} doesn't match the broadcast shape {res.shape}"
        )
    if not can_cast_same_kind(res.dtype, target.dtype):
        name = _ops.lookup(opname).name
        raise output_casting_error(getattr(np, name, name), "same_kind", res.dtype, target.dtype)
    if target.is_lazy and not _has_views(target):
        # nobody else can see this array's buffer: just extend its expression (the new node and its
        # registration as a reader of the buffers it reads, together: see flush_readers)
        node = res._node if res.dtype == target.dtype else Cast(res._node, target.dtype)
        with _runtime.CRITICAL:
            target._node = node
            register_reader(target, node.storages)
        return
    # res is the value being written, not a pending reader to evaluate first (that would
    # compute it into a temporary and cost a second kernel)
    for st in res._node.storages:
        st.readers.pop(id(res), None)
    assign(target, res, value_temporary=True)


def _has_views(a: GpuArray) -> bool:
    """Whether a lazy array is a view of another or has views (see _lazy/views.py): an in-place
    op then writes a buffer they share, instead of extending the expression."""
    return a._vfn is not None or a._views is not None


# ------------------------------------------------------------------- named functions
def astype(x, dtype, copy=True, casting="unsafe"):
    x = as_operand(x)
    target = dt.normalize(dtype)
    if casting != "unsafe" and not np.can_cast(x.dtype, target, casting=casting):
        raise TypeError(f"Cannot cast array data from dtype('{x.dtype}') to dtype('{target}') according to the rule '{casting}'")
    if target == x.dtype:
        return copy_array(x) if copy else x
    return GpuArray(Cast(x._node, target, _fpe_mask()))


def copy_array(x):
    x = as_operand(x)
    leaf = new_leaf(x.dtype, x.shape)
    evaluate_into(x._node, leaf)
    return GpuArray(leaf)


def where(condition, x=None, y=None, /):
    if x is None and y is None:
        return asarray(condition).nonzero()  # (indexing sits above: through the method)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    if not isinstance(condition, GpuArray):
        condition = as_operand(np.asarray(condition))
    return apply("where", condition, x, y)


def clip(x, min=None, max=None, out=None, **kw):
    x = as_operand(x)
    a_min = kw.pop("a_min", min)
    a_max = kw.pop("a_max", max)
    if x.dtype.kind in "iu":
        # NumPy drops a Python int bound beyond the side of the range it limits (uint8 clip(x, -1,
        # 300) is x); a bound beyond the other side stays an OverflowError
        lo, hi = dt.int_bounds(x.dtype)
        if type(a_min) is int and a_min < lo:
            a_min = None
        if type(a_max) is int and a_max > hi:
            a_max = None
    res = x
    if a_min is not None:
        res = apply("maximum", res, a_min)
    if a_max is not None:
        res = apply("minimum", res, a_max)
    if a_min is None and a_max is None:
        res = copy_array(x)
    if (res.dtype != x.dtype and x.dtype != dt.bool_ and not isinstance(a_min, GpuArray)
            and not isinstance(a_max, GpuArray)):
        # (weak Python scalar bounds keep the array's dtype; a bool array with number bounds takes
        # the bounds' kind, as NumPy's promotion does: clip(bool, 2, 5) is int64)
        res = astype(res, x.dtype, copy=False)
    if out is not None:
        assign(out, res)
        return out
    return res


def round(x, decimals=0, out=None):
    x = as_operand(x)
    if x.dtype.kind in "biu":
        res = copy_array(x) if decimals >= 0 else apply("multiply", apply("rint", apply("divide", x, 10.0 ** -decimals)), 10 ** -decimals).astype(x.dtype)
    elif decimals == 0:
        res = apply("rint", x)
    else:
        f = 10.0 ** decimals
        res = apply("divide", apply("rint", apply("multiply", x, f)), f)
    if out is not None:
        assign(out, res)
        return out
    return res


around = round


def real(x):
    x = as_operand(x)
    return apply("real", x) if x.dtype.kind == "c" else x


def imag(x):
    return apply("imag", as_operand(x))


def conj(x):
    return apply("conj", x)


def angle(x, deg=False):
    x = as_operand(x)
    if x.dtype.kind == "c":
        r = apply("arctan2", apply("imag", x), apply("real", x))
    else:
        r = apply("arctan2", apply("multiply", 0.0, x), x)
    return apply("rad2deg", r) if deg else r


__all__ = ["angle", "around", "astype", "clip", "conj", "imag", "real", "round", "where"]
