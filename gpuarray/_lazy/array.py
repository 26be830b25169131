"""GpuArray: a duck array whose data lives in a device buffer, or, while it is still an
unevaluated expression, in a lazy node (see _graph/nodes.py). Everything here goes through the
same graph: an eager result is just a node evaluated now.

This module holds the array's data and evaluation (``_node``, ``_leaf()``, shape, dtype,
strides, host transfers): every topic module imports it to make and recognize arrays. The
operators and the methods that call the topic modules are installed on the class by
``_api/methods.py``, above them."""
from __future__ import annotations

import sys
from weakref import ref as _weakref

import numpy as np

from .._graph import dtypes as dt
from .._device import runtime as _runtime
from .._kernels.codegen import evaluate_into
from .._graph.nodes import Const, Leaf, broadcast_shapes, contiguous_strides, new_leaf


def view_of(x: GpuArray, leaf: Leaf) -> GpuArray:
    """A view ``leaf`` of ``x``'s buffer as an array whose ``base`` is the array owning the memory
    (NumPy collapses chains of views onto the owner)."""
    v = GpuArray(leaf)
    b = x._base
    v._base = x if b is None else b
    return v


def register_reader(arr, storages) -> None:
    """Record that lazy ``arr`` reads ``storages`` (see ``elementwise.flush_readers``)."""
    ref = _weakref(arr)
    k = id(arr)
    for st in storages:
        r = st.readers
        r[k] = ref
        if len(r) > st.prune_at:
            with _runtime.CRITICAL:  # (other threads add readers meanwhile)
                for key in [key for key, v in list(r.items()) if v() is None]:
                    r.pop(key, None)
                st.prune_at = max(64, 2 * len(r))


def _views_onto(arr, leaf: Leaf) -> None:
    """Make the unevaluated views of ``arr`` (just evaluated into ``leaf``) views of that buffer,
    as NumPy's views are: writes through either side are seen by the other from now on."""
    views, arr._views = arr._views, None
    for r in views:
        v = r()
        if v is not None and v._vfn is not None and not isinstance(v._node, Leaf):
            vl = v._vfn(leaf)
            v._node, v._vfn = vl, None
            if v._views is not None:
                _views_onto(v, vl)


class GpuArray:
    __module__ = "gpuarray"  # its public path (as NumPy's ndarray): what reprs and pickles name
    # _base: NumPy's base (see view_of). A view of an unevaluated array stays an expression (see
    # _lazy/views.py): ``_vfn`` is then the view's function of its base's buffer view, and the
    # base lists such views in ``_views`` (weak references) to make them views of its buffer once
    # it has one
    # _dev: the device the array lives on (its buffers' device; for an expression reading no
    # buffer, the device current when it was built): evaluated there, whatever device is current
    __slots__ = ("_node", "_base", "_vfn", "_views", "_dev", "__weakref__")
    __array_priority__ = 100

    def __init__(self, node):
        self._node = node
        self._base = None
        self._vfn = self._views = None
        sts = node.storages
        if sts:
            self._dev = sts[0].dev
            if type(node) is not Leaf:
                if _runtime.MULTI and len(sts) > 1:
                    same_device(sts)
                register_reader(self, sts)
        else:
            self._dev = _runtime.device()

    # ------------------------------------------------------------------ evaluation
    def _leaf(self) -> Leaf:
        """This array as a buffer view, evaluating its expression now if it is lazy."""
        node = self._node
        if isinstance(node, Leaf):
            return node
        if _runtime.MULTI and self._dev is not _runtime.device():
            with _runtime.using(self._dev):  # evaluated on its own device
                return self._evaluate()
        return self._evaluate()

    def _evaluate(self) -> Leaf:
        with _runtime.CRITICAL:  # evaluated once, however many threads ask
            node = self._node
            if isinstance(node, Leaf):
                return node
            if self._vfn is not None:  # a view of an unevaluated array: a view of its buffer
                self._base._leaf()  # (which makes this a view of it)
                node = self._node
                if isinstance(node, Leaf):
                    return node
                self._vfn = None
            leaf = new_leaf(node.dtype, node.shape)
            evaluate_into(node, leaf)
            self._node = leaf
            if self._views is not None:
                _views_onto(self, leaf)
            return leaf

    @property
    def is_lazy(self) -> bool:
        """True while the array is an unevaluated expression."""
        return not isinstance(self._node, Leaf)

    # ------------------------------------------------------------------ attributes
    @property
    def dtype(self) -> np.dtype:
        return self._node.dtype

    @property
    def shape(self) -> tuple:
        return self._node.shape

    @property
    def ndim(self) -> int:
        return len(self._node.shape)

    @property
    def size(self) -> int:
        n = 1
        for s in self._node.shape:
            n *= s
        return n

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def strides(self) -> tuple:
        node = self._node
        st = node.strides if isinstance(node, Leaf) else contiguous_strides(node.shape)
        return tuple(s * self.dtype.itemsize for s in st)

    @property
    def base(self):
        """The array owning the memory this view reads (NumPy's ``base``), None for an owner."""
        return self._base

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        # a plain method, not a generator: a 0-d array refuses at iter() as NumPy does, so
        # np.iterable() and the libraries that ask it (matplotlib) see a scalar
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        if self.ndim == 1:
            return iter(self.get())  # one download, then NumPy's scalars of the array's dtype
        self._leaf()  # evaluated once: the rows are views of its buffer, read only when used
        return (self[i] for i in range(self.shape[0]))

    # ------------------------------------------------------------------ host transfer
    def get(self) -> np.ndarray:
        """A host (NumPy) copy of the data."""
        leaf = self._leaf()
        if self.size == 0:
            return np.empty(self.shape, self.dtype)
        if not leaf.is_contiguous():
            if _runtime.MULTI and self._dev is not _runtime.device():
                with _runtime.using(self._dev):
                    return self.get()
            tmp = new_leaf(self.dtype, self.shape)
            evaluate_into(leaf, tmp)
            leaf = tmp
        isz = self.dtype.itemsize
        raw = leaf.storage.dev.read(leaf.storage, leaf.offset * isz, self.size * isz)
        return raw.view(self.dtype).reshape(self.shape)

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError("a GpuArray cannot be viewed as a NumPy array without a copy")
        a = self._host_view() if dtype is None or np.dtype(dtype) == self.dtype else None
        if a is None:
            a = self.get()
        return a.astype(dtype, copy=False) if dtype is not None else a

    def _host_view(self):
        """For a view of part of a buffer: the same view (offset, strides) of a host copy of the
        whole buffer, else None (a compact copy). NumPy code may read a view's base around it:
        ``as_strided`` with strides taken from the view (SciPy's toeplitz and circulant) reads
        before its start, where a compact copy has other memory. The whole buffer is handed over
        to ``as_strided``, and wherever it costs at most about the view's own size; a small view
        of a large buffer (a row) is otherwise copied alone, so that converting the rows of an
        array one by one stays linear."""
        leaf = self._node
        if not isinstance(leaf, Leaf) or self.size == 0:
            return None
        st, isz = leaf.storage, self.dtype.itemsize
        if leaf.offset == 0 and self.size * isz == st.nbytes and leaf.is_contiguous():
            return None  # the whole buffer in order: get() is that copy
        span = isz * (1 + sum((n - 1) * abs(s) for n, s in zip(leaf.shape, leaf.strides)))
        if st.nbytes > 2 * span + _SMALL_BUFFER and not _called_by_as_strided():
            return None
        raw = st.dev.read(st, 0, st.nbytes // isz * isz)
        base = raw.view(self.dtype)
        return np.lib.stride_tricks.as_strided(base[leaf.offset:], self.shape, self.strides)

    def to_numpy(self) -> np.ndarray:
        """A host (NumPy) copy: the name pandas and xarray use, by which matplotlib (boxplot, hist,
        violinplot of 2-D data) and xarray recognize an array that is not an ndarray."""
        return self.get()

    def tolist(self):
        return self.get().tolist()

    def item(self, *args):
        return self.get().item(*args)

    def _scalar(self, kind):
        if self.size != 1:
            raise TypeError(f"only length-1 arrays can be converted to Python scalars") if kind is not bool else ValueError(
                "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()"
            )
        if self.ndim:  # NumPy's rule for one element of ndim > 0 (an error or a warning, by NumPy version)
            kind(np.zeros(self.shape, self.dtype))
        return kind(self.get().reshape(()).item())

    def __bool__(self):
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()")
        return bool(self.get().reshape(()).item())

    def __float__(self):
        return self._scalar(float)

    def __int__(self):
        if self.dtype.kind == "c":
            raise TypeError("int() argument must not be a complex array")
        return self._scalar(int)

    def __complex__(self):
        return self._scalar(complex)

    def __index__(self):
        if self.dtype.kind not in "iu" and self.dtype != dt.bool_ or self.ndim != 0:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self.get().item())

    def __format__(self, spec):
        # as ndarray: a 0-d array formats as its NumPy scalar, others only with an empty spec
        if self.ndim == 0:
            return format(self.get()[()], spec)
        return object.__format__(self, spec)

    def _repr_inline_(self, max_width):
        """xarray's one-line summary (Dataset reprs): the first elements only, so a repr reads
        back a few values rather than the whole array."""
        n = min(self.size, max(1, max_width // 2))
        flat = self.reshape(-1)[:n].get() if self.ndim else self.get().reshape(1)
        txt = " ".join(np.array2string(np.asarray(v), separator=" ") for v in flat)
        if n < self.size:
            txt += " ..."
        return txt if len(txt) <= max_width else txt[: max(0, max_width - 3)] + "..."

    def __hash__(self):
        raise TypeError("unhashable type: 'GpuArray'")

    def __dask_tokenize__(self):
        """dask's token without reading the data: the buffer's write version (a fresh number for
        every buffer and every recorded write into it, see ``_runtime.Storage``) and the view's
        geometry. A lazy array is evaluated on the device first, and queued reductions are
        recorded (their stores would change the version after the token was taken)."""
        with _runtime.CRITICAL:
            leaf = self._leaf()
            work = leaf.storage.dev.pending_work  # (read once: another thread may run it)
            if work is not None:
                work()
            return ("gpuarray.GpuArray", leaf.storage.version, leaf.dtype.str, leaf.shape, leaf.strides, leaf.offset)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    # ------------------------------------------------------------------ array API
    def __dlpack_device__(self):
        return (1, 0)  # host (kDLCPU): data is exported through a host copy

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        if copy is False:
            raise BufferError("a GpuArray can only be exported through DLPack with a copy")
        a = self.get()
        if max_version is None:
            return a.__dlpack__(stream=stream)
        return a.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)

    def fill(self, value):
        self[...] = value



dt.register_array_type(GpuArray)

_SMALL_BUFFER = 1 << 16  # bytes below which a view's whole buffer is read (one transfer's fixed cost)
_AS_STRIDED = np.lib.stride_tricks.as_strided.__code__  # converts its argument with np.array()


def _called_by_as_strided() -> bool:
    """Whether the conversion in progress (``__array__`` -> ``_host_view`` -> here) is as_strided's."""
    try:
        return sys._getframe(3).f_code is _AS_STRIDED
    except ValueError:  # called with no Python caller
        return False


def same_device(storages) -> None:
    """Refuse buffers of several devices in one expression (NumPy's kind of error, naming both)."""
    d = storages[0].dev
    for st in storages:
        if st.dev is not d:
            raise _runtime.mixed_devices(d, st.dev)


def from_host(a: np.ndarray) -> GpuArray:
    """Upload a NumPy array (its dtype must be supported on the device)."""
    a = np.asarray(a, order="C")  # not ascontiguousarray: that makes 0-d arrays 1-d
    st = _runtime.device().upload(a)
    return GpuArray(Leaf(st, a.dtype, a.shape, contiguous_strides(a.shape), 0))


