"""Random orders and samples of a population on the device: ``permutation``, ``shuffle``,
``permuted`` (argsorts of random keys) and ``choice`` (uniform integers; a search of uniforms in
the cumulative weights; without replacement the first of a random order, or Efraimidis-Spirakis
keys log(U) / p for weights). A mixin of ``Generator``: its draws come from the Generator's own."""
from __future__ import annotations

import math
import operator

import numpy as np
from numpy.exceptions import AxisError

from .._api.creation import asarray, ones, zeros
from .._api.manipulation import concat, reshape
from .._api.reductions import cumsum
from .._api.searching import searchsorted, take, take_along_axis
from .._api.sorting import argsort, sort
from .._device import fallback as _fallback
from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from ._params import _host_value, _quiet, _scalar_args, _shape


class Sequences:
    """The orders and samples of ``Generator`` (they use its ``integers``, ``random`` ...)."""

    def _order(self, shape, axis=-1) -> GpuArray:
        """A uniformly random order of each slice along ``axis``: the argsort of random keys of
        the default integer's full width (ties, where the sort keeps index order, have probability
        below n^2 / 2^64 with 64-bit keys)."""
        it = dt.default_int()
        lo, hi = dt.int_bounds(it)
        return argsort(self.integers(lo, hi, size=shape, dtype=it, endpoint=True), axis=axis)

    def _distinct_draws(self, n, k):
        """k distinct integers of range(n) in random order, for k small against n: draws with
        replacement whose repeats are dropped (the first k distinct values of a uniform stream are
        a uniform ordered sample without replacement, whatever the number of draws they take), in
        sorts of about k elements instead of n; None (the caller orders all n) in the rare case
        that the draws hold fewer than k distinct values. One count is read back."""
        m = k + 2 * (k * k // (2 * n)) + 32  # twice the expected number of repeats, and a margin
        x = self.integers(0, n, size=m)
        by_value = argsort(x)  # stable: the first draw of each value comes first among its repeats
        xs = take(x, by_value)
        first = concat([ones((1,), dtype=dt.bool_), apply("not_equal", xs[1:], xs[:-1])])
        pos = sort(by_value[first])  # the draw positions of each value's first draw, in draw order
        if pos.shape[0] < k:
            return None
        return take(x, pos[:k])

    def permutation(self, x, axis=0) -> GpuArray:
        """A permuted range (int ``x``) or a copy of ``x`` permuted along ``axis``."""
        if _scalar_args(x) and isinstance(x, (int, np.integer)):
            return self._order((operator.index(x),))
        arr = asarray(x)
        if arr.ndim == 0:
            raise AxisError(axis, 0)
        ax = operator.index(axis)
        if not -arr.ndim <= ax < arr.ndim:
            raise AxisError(axis, arr.ndim)
        return take(arr, self._order((arr.shape[ax],)), axis=ax)

    def shuffle(self, x, axis=0) -> None:
        """Permute ``x`` in place along ``axis`` (a device array on the device; other mutable
        sequences by a host generator from this stream)."""
        if not isinstance(x, GpuArray):
            _fallback.note("random.shuffle")
            self._host().shuffle(x, axis=axis)
            return
        y = self.permutation(x, axis)
        y._leaf()  # drawn and gathered before ``x`` is written
        x[...] = y

    def permuted(self, x, *, axis=None, out=None) -> GpuArray:
        """``x`` with each slice along ``axis`` permuted independently (the flattened array when
        None); into ``out`` if given (which may be ``x``)."""
        arr = asarray(x)
        if axis is None:
            res = reshape(take(reshape(arr, (-1,)), self._order((arr.size,))), arr.shape)
        else:
            ax = operator.index(axis)
            if not -arr.ndim <= ax < arr.ndim:
                raise AxisError(axis, arr.ndim)
            res = take_along_axis(arr, self._order(arr.shape, ax), axis=ax)
        if out is None:
            return res
        if not isinstance(out, GpuArray):
            raise TypeError("out must be a gpuarray array")
        if out.shape != arr.shape:
            raise ValueError("out must have the same shape as x")
        res._leaf()
        out[...] = res
        return out

    @_quiet
    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True) -> GpuArray:
        """Samples of ``a`` (an int: of ``range(a)``) along ``axis``: with replacement uniform
        integers, or with weights a search of uniforms in the weights' cumulative sums; without
        replacement the first ``size`` of a random order, or with weights the largest keys
        log(U) / p (Efraimidis-Spirakis: the same law as drawing one by one among those left)."""
        if _scalar_args(a):
            if not isinstance(a, (int, np.integer)):
                raise ValueError(f"a must be a sequence or an integer, not {type(a)}")
            pop, n = None, operator.index(a)
        else:
            pop = asarray(a)
            if pop.ndim == 0:
                raise ValueError("a must be a sequence or an integer, not <class 'numpy.ndarray'>")
            ax = operator.index(axis)
            if not -pop.ndim <= ax < pop.ndim:
                raise AxisError(axis, pop.ndim)
            n = pop.shape[ax]
        shape = _shape(size)
        k = 1
        for d in shape:
            k *= d
        if n <= 0 and k:
            raise ValueError("a must be a positive integer unless no samples are taken" if pop is None
                             else "a cannot be empty unless no samples are taken")
        if p is not None:
            ph = np.asarray(_host_value(p), dtype=np.float64)
            if ph.ndim != 1:
                raise ValueError("p must be 1-dimensional")
            if ph.size != n:
                raise ValueError("a and p must have same size")
            if np.isnan(ph).any():
                raise ValueError("Probabilities contain NaN")
            if (ph < 0).any():
                raise ValueError("Probabilities are not non-negative")
            if abs(ph.sum() - 1.0) > math.sqrt(np.finfo(np.float64).eps):
                raise ValueError("Probabilities do not sum to 1. See Notes section of docstring for more information.")
            pd = p if isinstance(p, GpuArray) and p.dtype.kind == "f" else asarray(ph.astype(dt.default_float()))
        if replace:
            if p is None:
                idx = self.integers(0, n, size=shape) if k else zeros(shape, dtype=dt.default_int())
            else:
                cdf = cumsum(pd)
                cdf = apply("divide", cdf, cdf[-1])
                idx = apply("minimum", searchsorted(cdf, self.random(shape), side="right"), n - 1)
        else:
            if k > n:
                raise ValueError("Cannot take a larger sample than population when replace is False")
            if p is None:
                idx = (self._distinct_draws(n, k) if k * 8 <= n else None)
                if idx is None:
                    idx = self._order((n,))
            else:
                if np.count_nonzero(ph) < k:
                    raise ValueError("Fewer non-zero entries in p than size")
                idx = argsort(apply("divide", apply("log", self._open_uniform((n,))), pd), descending=True)
            idx = reshape(idx[:k], shape)
        if idx.dtype != dt.default_int():
            idx = idx.astype(dt.default_int())
        if pop is None:
            return idx
        return take(pop, idx, axis=ax)
