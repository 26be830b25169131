"""The ndarray attributes and methods beyond the operators: ``flags`` (an object, as NumPy's),
``setflags``, the ``shape`` setter, ``flat``, ``tobytes``/``tofile``/``dump``/``dumps``, in-place
``resize`` and ``partition``, ``byteswap``, ``in``, and the methods that are the namespace's
functions with the array first (``take``, ``put``, ``compress``, ``choose``, ``searchsorted``,
``ptp``, ``argpartition``). Installed on ``GpuArray`` by ``_api/methods.py``.

Write protection is the buffer view's ``readonly`` (``Leaf.readonly``): ``setflags(write=False)``
gives the array a read-only view of its buffer (marked ``SETFLAGS``, so that the array may be made
writable again when it owns its memory; NumPy's own read-only views, ``broadcast_to`` and
``diagonal``, may not). Views taken later inherit it, as in NumPy."""
from __future__ import annotations

import pickle

import numpy as np

from .._graph import dtypes as dt
from .._graph.nodes import Leaf
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, assign, copy_array
from .creation import arange, zeros
from .interop import namespace
from .manipulation import ravel, reshape
from .reinterpret import view as view_as
from .searching import put
from .sorting import partition as _partition

__all__: list[str] = []

SETFLAGS = "setflags"  # Leaf.readonly of an array made read-only by setflags (truthy: writes refuse)


# ------------------------------------------------------------------------------ flags
def _contiguity(x: GpuArray) -> tuple[bool, bool]:
    node = x._node
    if not isinstance(node, Leaf):
        return True, x.ndim <= 1 or x.size <= 1
    shape, strides = node.shape, node.strides
    if 0 in shape:
        return True, True

    def packed(dims):
        expect = 1
        for n, s in dims:
            if n != 1 and s != expect:
                return False
            expect *= n
        return True

    dims = list(zip(shape, strides))
    return packed(dims[::-1]), packed(dims)


class Flags:
    """NumPy's ``ndarray.flags`` for a GpuArray: attributes and item access by NumPy's names."""
    __slots__ = ("_a",)
    _KEYS = {"C_CONTIGUOUS": "c_contiguous", "C": "c_contiguous", "CONTIGUOUS": "c_contiguous",
             "F_CONTIGUOUS": "f_contiguous", "F": "f_contiguous", "FORTRAN": "f_contiguous",
             "WRITEABLE": "writeable", "W": "writeable", "OWNDATA": "owndata", "O": "owndata",
             "ALIGNED": "aligned", "A": "aligned", "WRITEBACKIFCOPY": "writebackifcopy", "X": "writebackifcopy",
             "FNC": "fnc", "FORC": "forc", "BEHAVED": "behaved", "B": "behaved", "CARRAY": "carray",
             "CA": "carray", "FARRAY": "farray", "FA": "farray"}

    def __init__(self, a: GpuArray):
        self._a = a

    c_contiguous = property(lambda self: _contiguity(self._a)[0])
    f_contiguous = property(lambda self: _contiguity(self._a)[1])
    contiguous = c_contiguous
    fortran = f_contiguous
    owndata = property(lambda self: self._a.base is None)
    aligned = property(lambda self: True)
    writebackifcopy = property(lambda self: False)
    fnc = property(lambda self: self.f_contiguous and not self.c_contiguous)
    forc = property(lambda self: self.f_contiguous or self.c_contiguous)
    behaved = property(lambda self: self.writeable)
    carray = property(lambda self: self.c_contiguous and self.writeable)
    farray = property(lambda self: self.f_contiguous and not self.c_contiguous and self.writeable)

    @property
    def writeable(self) -> bool:
        node = self._a._node
        return not (isinstance(node, Leaf) and node.readonly)

    @writeable.setter
    def writeable(self, value) -> None:
        setflags(self._a, write=value)

    def __getitem__(self, key):
        try:
            return getattr(self, self._KEYS[key])
        except (KeyError, TypeError):
            raise KeyError("Unknown flag") from None

    def __setitem__(self, key, value):
        if self._KEYS.get(key) != "writeable":
            raise KeyError("Unknown flag")
        self.writeable = value

    def __repr__(self):
        names = ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED", "WRITEBACKIFCOPY")
        return "".join(f"  {n} : {self[n]}\n" for n in names)

    def __eq__(self, other):
        return isinstance(other, Flags) and repr(self) == repr(other)

    __hash__ = None


def flags(self) -> Flags:
    return Flags(self)


def setflags(self, write=None, align=None, uic=None) -> None:
    """NumPy's ``setflags``: ``write=False`` makes writes raise NumPy's ValueError; ``write=True``
    undoes that where the array owns its memory (NumPy's ValueError otherwise)."""
    if uic:
        raise ValueError("cannot set WRITEBACKIFCOPY flag to True")
    if write is None:
        return
    leaf = self._leaf()
    if bool(write) == (not leaf.readonly):
        return
    if write:
        base = self.base
        if leaf.readonly != SETFLAGS or (base is not None and not base.flags.writeable):
            raise ValueError("cannot set WRITEABLE flag to True of this array")
        ro = False
    else:
        ro = SETFLAGS
    self._node = Leaf(leaf.storage, leaf.dtype, leaf.shape, leaf.strides, leaf.offset, ro)


# ------------------------------------------------------------------------------ shape, resize
def set_shape(self, shape) -> None:
    """``x.shape = s``: a view of the same buffer with another shape (NumPy's errors otherwise)."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        res = reshape(self, tuple(shape), copy=False)
    except ValueError as e:
        if "avoid creating a copy" in str(e):
            raise AttributeError("Incompatible shape for in-place modification. Use `.reshape()` to make a copy "
                                 "with the desired shape.") from None
        raise
    self._node = res._leaf()


def resize(self, *new_shape, refcheck=True) -> None:
    """NumPy's in-place ``resize``: the flat data kept in C order, new elements zero. The array
    must own its memory (NumPy's ValueError). Views taken earlier keep the old buffer (NumPy's
    ``refcheck`` refuses a resize while they exist; reference counts are not read here)."""
    if len(new_shape) == 1 and isinstance(new_shape[0], (tuple, list)):
        new_shape = tuple(new_shape[0])
    if len(new_shape) == 1 and new_shape[0] is None:
        return
    shape = tuple(int(s) for s in new_shape)
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions not allowed")
    if self.base is not None:
        raise ValueError("cannot resize this array: it does not own its data")
    if not _contiguity(self)[0]:
        raise ValueError("resize only works on single-segment arrays")
    n = 1
    for s in shape:
        n *= s
    res = zeros(shape, dtype=self.dtype)
    keep = min(n, self.size)
    if keep:
        flat = reshape(res, (-1,))
        flat[:keep] = ravel(self)[:keep]
    leaf = res._leaf()
    readonly = self._node.readonly if isinstance(self._node, Leaf) else False
    self._node = Leaf(leaf.storage, leaf.dtype, leaf.shape, leaf.strides, leaf.offset, readonly)


# ------------------------------------------------------------------------------ flat
class FlatIter:
    """``x.flat``: the array in C order as one dimension: iteration, indexing (a copy, as
    NumPy's), assignment (values repeat when shorter, as NumPy's)."""
    __slots__ = ("base",)

    def __init__(self, a: GpuArray):
        self.base = a

    def __len__(self):
        return self.base.size

    def __iter__(self):
        return iter(ravel(self.base))

    def __getitem__(self, key):
        return ravel(self.base)[key]

    def __setitem__(self, key, value):
        put(self.base, arange(self.base.size, dtype=dt.default_int())[key], value)

    def __array__(self, dtype=None, copy=None):
        h = ravel(self.base).get()
        return h if dtype is None else h.astype(dtype)

    def copy(self):
        return copy_array(ravel(self.base))


def get_flat(self) -> FlatIter:
    return FlatIter(self)


def set_flat(self, value) -> None:
    put(self, arange(self.size, dtype=dt.default_int()), value)


# ------------------------------------------------------------------------------ bytes and files
def tobytes(self, order="C") -> bytes:
    return self.get().tobytes(order=order)


def tofile(self, fid, sep="", format="%s") -> None:
    self.get().tofile(fid, sep=sep, format=format)


def dumps(self) -> bytes:
    return pickle.dumps(self, protocol=2)


def dump(self, file) -> None:
    if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
        with open(file, "wb") as f:
            pickle.dump(self, f, protocol=2)
    else:
        pickle.dump(self, file, protocol=2)


# ------------------------------------------------------------------------------ byteswap
_UINT = {1: dt.uint8, 2: dt.uint16, 4: dt.uint32, 8: dt.uint64}


def _swap_words(u: GpuArray, bits: int) -> GpuArray:
    """The bytes of each unsigned ``bits``-bit element reversed, with shifts and masks."""
    t = u.dtype
    res = None
    nbytes = bits // 8
    for i in range(nbytes):
        byte = apply("bitwise_and", apply("right_shift", u, t.type(8 * i)), t.type(0xFF))
        part = apply("left_shift", byte, t.type(8 * (nbytes - 1 - i)))
        res = part if res is None else apply("bitwise_or", res, part)
    return res


def byteswap(self, inplace=False) -> GpuArray:
    """NumPy's ``byteswap``: each element's bytes reversed (complex: each part's), on the device."""
    t = self.dtype
    part = t.itemsize // 2 if t.kind == "c" else t.itemsize
    if part == 1:
        return self if inplace else copy_array(self)
    src = self if _contiguity(self)[0] and self.ndim else copy_array(self.reshape(self.shape or (1,)))
    u = view_as(src, _UINT[part])
    swapped = _swap_words(u, 8 * part)
    if inplace:
        if src is self:
            assign(u, swapped)
        else:
            tmp = copy_array(swapped)
            assign(self, reshape(view_as(tmp, t), self.shape))
        return self
    out = copy_array(swapped)
    return reshape(view_as(out, t), self.shape)


# ------------------------------------------------------------------------------ methods as functions
def take(self, indices, axis=None, out=None, mode="raise"):
    return namespace().take(self, indices, axis=axis, out=out, mode=mode)


def put_method(self, indices, values, mode="raise") -> None:
    put(self, indices, values, mode=mode)


def compress(self, condition, axis=None, out=None):
    return namespace().compress(condition, self, axis=axis, out=out)


def choose(self, choices, out=None, mode="raise"):
    return namespace().choose(self, choices, out=out, mode=mode)


def searchsorted(self, v, side="left", sorter=None):
    return namespace().searchsorted(self, v, side=side, sorter=sorter)


def ptp(self, axis=None, out=None, keepdims=False):
    return namespace().ptp(self, axis=axis, out=out, keepdims=keepdims)


def partition_inplace(self, kth, axis=-1, kind="introselect", order=None) -> None:
    res = _partition(self, kth, axis=axis, kind=kind, order=order)
    res._leaf()  # it reads self: evaluated before self is overwritten
    assign(self, res)


def argpartition(self, kth, axis=-1, kind="introselect", order=None):
    return namespace().argpartition(self, kth, axis=axis, kind=kind, order=order)


def itemset(self, *args) -> None:
    """NumPy 1's ``itemset`` (``x[index] = value``), for code written for it."""
    if not args:
        raise ValueError("itemset must have at least one argument")
    *index, value = args
    if len(index) == 1 and isinstance(index[0], (int, np.integer)):  # a flat index
        index = [int(i) for i in np.unravel_index(int(index[0]), self.shape)]
    elif len(index) == 1 and isinstance(index[0], tuple):
        index = list(index[0])
    self[tuple(index)] = value


def contains(self, value) -> bool:
    return bool(apply("equal", self, value).any())


def delitem(self, key) -> None:
    raise ValueError("cannot delete array elements")

