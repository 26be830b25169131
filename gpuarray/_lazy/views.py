"""Views of unevaluated arrays: slicing, ``None``, integer indices, transposes and broadcasts of a
lazy expression read the expression at remapped coordinates (_graph/remap.py) inside whatever
kernel consumes the view, instead of evaluating it into a buffer first.

NumPy's view semantics hold: such a view remembers its base and its view function; when the base
is evaluated (read, written, or needed whole by another operation), the view becomes a view of
the base's buffer (``array._views_onto``), so writes through either are seen by the other. A view
written or read as a buffer before that evaluates its base first (``GpuArray._leaf``).

A view is kept lazy only where that is cheap: the expression has only node kinds ``remap`` knows,
holds no costly node (a random draw: ``X = rng.random(...)`` is one draw, computed once, whose
views and slices read its buffer; a lazy slice would draw its numbers again in every kernel that
reads it, every column of a loop over ``X[:, t]``), and a view larger than its base (a broadcast)
only of a small expression (it is recomputed per element read)."""
from __future__ import annotations

from weakref import ref as _weakref

from .._device import runtime as _runtime
from .._graph import remap as _remap
from .._graph.nodes import Leaf, dag_size
from .array import GpuArray, view_of

SMALL_EXPRESSION = 12  # nodes: a broadcast view of an expression this small is recomputed per element


def view(x: GpuArray, fn) -> GpuArray:
    """The view ``fn`` (a function of a buffer view's shape, strides and offset, returning the
    view) of ``x``: lazy while ``x`` is unevaluated, else a view of its buffer."""
    v = lazy_view(x, fn)
    return v if v is not None else view_of(x, fn(x._leaf()))


def lazy_view(x: GpuArray, fn):
    """The view ``fn`` of the unevaluated ``x`` as a remapped expression, or None where it cannot
    be one (``fn`` may return None: no view of those strides)."""
    if type(x._node) is Leaf:
        return None
    with _runtime.CRITICAL:
        return _lazy_view(x, x._node, fn)


def _lazy_view(x, node, fn):
    if type(node) is Leaf or node.under_costly:
        return None
    rm = _remap.from_view(node.shape, fn)
    if rm is None:
        return None
    n_new = n_old = 1
    for d in rm.shape:
        n_new *= d
    for d in node.shape:
        n_old *= d
    if n_new > n_old and dag_size(node, SMALL_EXPRESSION) > SMALL_EXPRESSION:
        return None
    try:
        new = _remap.remap(node, rm)
    except _remap.NotRemappable:
        return None
    if new.shape != rm.shape:  # (a scalar expression: its node has no shape of its own)
        return None
    if x._vfn is not None:  # a view of a lazy view: of the same base (NumPy's base is the owner)
        outer, inner = fn, x._vfn
        x, fn = x._base, (lambda leaf: outer(inner(leaf)))
    v = GpuArray(new)
    v._base, v._vfn = x, fn
    v._dev = x._dev  # (an expression reading no buffer: its base's device, not the current one)
    if x._views is None:
        x._views = []
    x._views.append(_weakref(v))
    return v
