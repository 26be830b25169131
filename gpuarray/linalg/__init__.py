"""gpuarray.linalg: NumPy's ``numpy.linalg`` (and the array API ``linalg`` extension).

Products, norms, traces, ``cross`` and ``matrix_power`` run on the device (through the strided
contraction of ``gpuarray._api.linalg`` and elementwise kernels); so do ``cholesky``, ``solve``,
``inv``, ``det``, ``slogdet``, ``qr``, ``tensorsolve``, ``tensorinv``, ``eigh``, ``eigvalsh``
(``gpuarray._api.decompositions``: blocked factorizations on the matmul kernels, Jacobi or
tridiagonalisation + QL for eigh) and ``svd``, ``svdvals``, ``pinv``, ``lstsq``, ``matrix_rank``,
``cond`` and the matrix 2/-2/nuclear norms (``gpuarray._api.svd``: QR + one-sided Jacobi) for real
float, integer and complex inputs, and ``eig``/``eigvals`` (``gpuarray._api.eig``: Hessenberg
reduction + Francis QR). ``qr(mode='raw')`` and float16 inputs run through the host's LAPACK as
counted fallbacks: results come back to the device with NumPy's dtypes and result types.
"""
from __future__ import annotations

import operator

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from .._api.linalg import _arr, matmul, matrix_transpose, reduce_axes, vecdot
from .._api.linalg import outer as _outer
from .._api.linalg import tensordot as _tensordot
from .._api.linalg import trace as _trace
from .._api.manipulation import _axis, diagonal as _diagonal, moveaxis, normalize_axes, reshape
from .._api.creation import empty, eye
from .._api.decompositions import cholesky, det, eigh, eigvalsh, inv, qr, slogdet, solve, tensorinv, tensorsolve
from .._api.svd import cond, lstsq, matrix_norm_sv, matrix_rank, pinv, svd, svdvals
from .._api.eig import eig, eigvals
from .._graph.nodes import Leaf, broadcast_shapes
from .._api.manipulation import broadcast_to

LinAlgError = np.linalg.LinAlgError


# ------------------------------------------------------------------ device functions
def tensordot(x1, x2, /, *, axes=2):
    return _tensordot(x1, x2, axes=axes)


def outer(x1, x2, /):
    """Outer product of two 1-D arrays."""
    a, b = _arr(x1), _arr(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are x1.ndim={a.ndim} and x2.ndim={b.ndim}.")
    return _outer(a, b)


def trace(x, /, *, offset=0, dtype=None):
    """Sum along the diagonals of the last two axes."""
    return _trace(x, offset=offset, axis1=-2, axis2=-1, dtype=dtype)


def diagonal(x, /, *, offset=0):
    """The diagonals of the last two axes (a view)."""
    return _diagonal(x, offset=offset, axis1=-2, axis2=-1)


def cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-element vectors along ``axis`` (broadcast over the other dims)."""
    a, b = _arr(x1), _arr(x2)
    if a.ndim == 0 or b.ndim == 0 or a.shape[axis] != 3 or b.shape[axis] != 3:
        na = a.shape[axis] if a.ndim else 0
        nb = b.shape[axis] if b.ndim else 0
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but they are {na} and {nb} "
                         "dimensional instead.")
    a, b = moveaxis(a, axis, -1), moveaxis(b, axis, -1)
    shape = broadcast_shapes(a.shape[:-1], b.shape[:-1]) + (3,)
    out = empty(shape, dtype=dt.result_type(a.dtype, b.dtype))
    for i in range(3):
        j, k = (i + 1) % 3, (i + 2) % 3
        out[..., i] = apply("subtract", apply("multiply", a[..., j], b[..., k]), apply("multiply", a[..., k], b[..., j]))
    return moveaxis(out, -1, axis)


def multi_dot(arrays, *, out=None):
    """Product of a chain of matrices (the first and last may be 1-D), left to right."""
    arrays = [_arr(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    res = arrays[0]
    for a in arrays[1:]:
        res = matmul(res, a)
    if out is not None:
        out[...] = res
        return out
    return res


def matrix_power(a, n):
    """a raised to the integer power n by repeated squaring (GPU matmuls; n < 0 inverts first)."""
    a = _arr(a)
    if a.ndim < 2:
        raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least two-dimensional")
    if a.shape[-1] != a.shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        return broadcast_to(eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result.copy() if result is a else result


# ------------------------------------------------------------------------ norms
def _float_dtype(d):
    if d.kind == "f":
        return d
    if d.kind == "c":
        return dt.real_of(d)
    return dt.default_float()


def _real_pairs(x: GpuArray) -> GpuArray:
    """A complex array's interleaved storage seen as real (re, im) pairs along a new last axis."""
    leaf = x._leaf()
    return GpuArray(Leaf(leaf.storage, dt.real_of(x.dtype), leaf.shape + (2,),
                         tuple(2 * s for s in leaf.strides) + (1,), 2 * leaf.offset))


def _magnitudes(x: GpuArray) -> GpuArray:
    """|x| as a real float array (complex: sqrt(re^2 + im^2))."""
    if x.dtype.kind == "c":
        ft = dt.real_of(x.dtype)
        return apply("sqrt", reduce_axes(_real_pairs(x), (x.ndim,), "sum", ft, square=True))
    return apply("absolute", astype(x, _float_dtype(x.dtype), copy=False))


def _keep(res: GpuArray, shape, axes, keepdims):
    if not keepdims:
        return res
    return reshape(res, tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _vector_norm(x: GpuArray, axes: tuple, ord) -> GpuArray:
    ft = _float_dtype(x.dtype)
    if ord is None or ord == 2:
        if x.dtype.kind == "c":  # sum of re^2 + im^2 over the pairs too
            x, axes = _real_pairs(x), axes + (x.ndim,)
        return apply("sqrt", reduce_axes(x, axes, "sum", ft, square=True))
    if ord == 0:
        return reduce_axes(apply("not_equal", x, 0), axes, "sum", ft)
    mag = _magnitudes(x)
    if ord == np.inf:
        return reduce_axes(mag, axes, "max", ft)
    if ord == -np.inf:
        return reduce_axes(mag, axes, "min", ft)
    if ord == 1:
        return reduce_axes(mag, axes, "sum", ft)
    p = float(ord)
    return apply("power", reduce_axes(apply("power", mag, p), axes, "sum", ft), 1.0 / p)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector p-norm over ``axis`` (all axes when None, as one flattened vector)."""
    x = _arr(x)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    axes = normalize_axes(axis, x.ndim)
    return _keep(_vector_norm(x, axes, ord), x.shape, axes, keepdims)


def _matrix_norm(x: GpuArray, axes: tuple, ord, keepdims: bool) -> GpuArray:
    row, col = axes
    if row == col:
        raise ValueError("Duplicate axes given.")
    if ord in (2, -2, "nuc"):  # singular values
        res = matrix_norm_sv(moveaxis(x, (row, col), (-2, -1)), ord)
        return _keep(res, x.shape, axes, keepdims)
    if ord in (None, "fro"):
        res = _vector_norm(x, axes, 2)
    elif ord in (1, -1, np.inf, -np.inf):
        ft = _float_dtype(x.dtype)
        inner_ax, outer_ax = (row, col) if ord in (1, -1) else (col, row)
        sums = reduce_axes(_magnitudes(x), (inner_ax,), "sum", ft)
        res = reduce_axes(sums, (outer_ax - (outer_ax > inner_ax),), "max" if ord > 0 else "min", ft)
    else:
        raise ValueError("Invalid norm order for matrices.")
    return _keep(res, x.shape, axes, keepdims)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm of the last two axes ('fro', 'nuc', 1, -1, 2, -2, inf, -inf)."""
    x = _arr(x)
    axes = (_axis(-2, x.ndim), _axis(-1, x.ndim))
    return _matrix_norm(x, axes, ord, keepdims)


def norm(x, ord=None, axis=None, keepdims=False):
    """NumPy's ``linalg.norm``: the 2-norm of the flattened array by default; ``axis`` an int for
    vector norms, a pair for matrix norms."""
    x = _arr(x)
    if axis is None:
        if ord is None:
            return _keep(_vector_norm(x, tuple(range(x.ndim)), None), x.shape, tuple(range(x.ndim)), keepdims)
        if x.ndim == 1:
            axis = (0,)
        elif x.ndim == 2:
            axis = (0, 1)
        else:
            raise ValueError("Improper number of dimensions to norm.")
    elif isinstance(axis, (int, np.integer)):
        axis = (axis,)
    axes = tuple(_axis(a, x.ndim) for a in axis)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        return _keep(_vector_norm(x, axes, ord), x.shape, axes, keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, axes, ord, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


_DEVICE = ("cholesky", "cond", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv", "lstsq", "matrix_rank", "pinv", "qr",
           "slogdet", "solve", "svd", "svdvals", "tensorinv", "tensorsolve")

__all__ = sorted(("LinAlgError", "cross", "diagonal", "matmul", "matrix_norm", "matrix_power", "matrix_transpose",
                  "multi_dot", "norm", "outer", "tensordot", "trace", "vecdot", "vector_norm") + _DEVICE)
