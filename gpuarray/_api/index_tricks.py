"""NumPy's index tricks over device arrays: ``mgrid``/``ogrid`` (the 1-D coordinates from NumPy, a
handful of numbers, broadcast on the device), ``r_``/``c_`` (NumPy's item rules: slices as ranges,
scalars, lists; the join on the device; string directives are NumPy's on the host, counted), ``ix_``
(reshaped views; boolean masks through the device ``nonzero``); and the small functions next to them
in NumPy's ``lib``: ``matvec``/``vecmat`` (products on the matmul kernels), ``real_if_close``,
``sort_complex``."""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype, conj
from .creation import asarray
from .host import host_fallback
from .linalg import matmul
from .manipulation import broadcast_to, concatenate, reshape, stack
from .reductions import all as rall
from .searching import nonzero
from .sorting import sort


class _Grid:
    """``mgrid`` (dense) / ``ogrid`` (open) grids."""

    def __init__(self, sparse: bool):
        self.sparse = sparse

    def __getitem__(self, key):
        open_ = np.ogrid[key]  # NumPy's coordinates and dtype: one 1-D array per axis
        if isinstance(open_, np.ndarray):
            return asarray(open_)
        axes = [asarray(g) for g in open_]
        if self.sparse:
            return type(open_)(axes)
        if not axes:
            return asarray(np.mgrid[key])
        shape = np.broadcast_shapes(*[g.shape for g in axes])
        return stack([broadcast_to(g, shape) for g in axes])


mgrid, ogrid = _Grid(False), _Grid(True)


class _Concatenator:
    """``r_`` (axis 0, at least 1-D) / ``c_`` (last axis, at least 2-D, 1-D items as columns)."""

    def __init__(self, name, axis, ndmin, trans1d):
        self.name, self.axis, self.ndmin, self.trans1d = name, axis, ndmin, trans1d

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        if not any(isinstance(k, GpuArray) for k in items) or any(isinstance(k, str) for k in items):
            if any(isinstance(k, GpuArray) for k in items):  # directives ('r', '0,2,1', 'c'): NumPy's
                return host_fallback(lambda k: getattr(np, self.name)[k], self.name, (key,), {})
            res = getattr(np, self.name)[key]  # host values only: NumPy's result, uploaded
            return asarray(res) if isinstance(res, np.ndarray) and res.dtype.kind in "biufc" else res
        arrays, weak = [], []
        for k in items:
            if isinstance(k, slice):
                k = np.r_[k]  # a range or linspace: a handful of numbers
            if isinstance(k, GpuArray):
                arrays.append(k)
                weak.append(np.empty(0, k.dtype) if k.ndim else k.dtype)
            elif isinstance(k, (bool, int, float, complex)) and not isinstance(k, np.generic):
                arrays.append(k)
                weak.append(k)
            else:
                a = np.asarray(k)
                arrays.append(asarray(a))
                weak.append(a)
        t = np.result_type(*weak)
        parts = []
        for a in arrays:
            a = asarray(np.asarray(a, dtype=t)) if not isinstance(a, GpuArray) else astype(a, dt.normalize(t), copy=False)
            nd = a.ndim
            if nd < self.ndmin:
                a = reshape(a, (1,) * (self.ndmin - nd) + a.shape)
                if self.trans1d != -1 and nd > 0:  # NumPy's placement of the original axes
                    k2, k1 = self.ndmin - nd, self.trans1d
                    if k1 < 0:
                        k1 += k2 + 1
                    d = list(range(self.ndmin))
                    a = a.transpose(d[:k1] + d[k2:] + d[k1:k2])
            parts.append(a)
        return concatenate(parts, axis=self.axis)

    def __len__(self):
        return 0


r_ = _Concatenator("r_", 0, 1, -1)
c_ = _Concatenator("c_", -1, 2, 0)


def ix_(*args):
    """NumPy's ``ix_``: each 1-D index as a view shaped to broadcast along its own axis."""
    out = []
    nd = len(args)
    for k, new in enumerate(args):
        if not isinstance(new, GpuArray):
            h = np.asarray(new)
            if h.size == 0:
                h = h.astype(np.intp)
            new = asarray(h)
        if new.ndim != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if new.dtype == dt.bool_:
            new, = nonzero(new)
        out.append(reshape(new, (1,) * k + (new.size,) + (1,) * (nd - k - 1)))
    return tuple(out)


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def matvec(x1, x2, /, out=None, **kw):
    """NumPy's ``matvec``: ``x1 @ x2[..., None]`` over the stacked matrices, the last axis dropped."""
    if kw:
        return host_fallback(np.matvec, "matvec", (x1, x2), dict(kw, out=out))
    a, v = _arr(x1), _arr(x2)
    if a.ndim < 2 or v.ndim < 1:
        raise ValueError("matvec: Input operand does not have enough dimensions")
    if a.shape[-1] != v.shape[-1]:
        raise ValueError(f"matvec: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                         f"(m,n),(n)->(m) (size {v.shape[-1]} is different from {a.shape[-1]})")
    r = matmul(a, reshape(v, v.shape + (1,)))[..., 0]
    return _out(r, out)


def vecmat(x1, x2, /, out=None, **kw):
    """NumPy's ``vecmat``: ``conj(x1)[..., None, :] @ x2``, the matrix axis dropped."""
    if kw:
        return host_fallback(np.vecmat, "vecmat", (x1, x2), dict(kw, out=out))
    v, a = _arr(x1), _arr(x2)
    if a.ndim < 2 or v.ndim < 1:
        raise ValueError("vecmat: Input operand does not have enough dimensions")
    if a.shape[-2] != v.shape[-1]:
        raise ValueError(f"vecmat: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                         f"(n),(n,m)->(m) (size {a.shape[-2]} is different from {v.shape[-1]})")
    if v.dtype.kind == "c":
        v = conj(v)
    r = matmul(reshape(v, v.shape[:-1] + (1, v.shape[-1])), a)[..., 0, :]
    return _out(r, out)


def _out(r, out):
    if out is None:
        return r
    if isinstance(out, tuple):
        out = out[0]
    out[...] = r
    return out


def real_if_close(a, tol=100):
    """NumPy's ``real_if_close``: the real part where every imaginary part is below ``tol`` (in
    machine epsilons when ``tol > 1``); one boolean read back."""
    a = _arr(a)
    if a.dtype.kind != "c":
        return a
    if tol > 1:
        tol = np.finfo(a.dtype).eps * tol
    if bool(rall(apply("less", apply("absolute", apply("imag", a)), float(tol))).get()):
        return apply("real", a)
    return a


def sort_complex(a):
    """NumPy's ``sort_complex``: the sorted values (real part first, then imaginary) as complex."""
    b = sort(_arr(a))
    if b.dtype.kind != "c":
        t = np.complex64 if b.dtype.char in "bhBH" else np.complex128
        b = astype(b, dt.normalize(np.dtype(t)))
    return b


__all__ = ["c_", "ix_", "matvec", "mgrid", "ogrid", "r_", "real_if_close", "sort_complex", "vecmat"]
