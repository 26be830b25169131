"""``Generator``: NumPy's Generator API over a counter-based Philox4x32-10 stream.

State is a 64-bit key (from the seed, through NumPy's SeedSequence) and a 64-bit block
counter. A draw of n values reads blocks counter .. counter + ceil(n / per_block) - 1 and
advances the counter past them, so successive draws are independent streams and the same
seed replays the same numbers. Draws are lazy ``Rand`` nodes: nothing runs until a value is
needed, and a draw consumed by an elementwise expression is computed inside its kernel.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .._graph import dtypes as dt
from .._device import fallback as _fallback
from .._device import runtime as _runtime
from .._lazy.array import GpuArray
from .._api.creation import asarray
from .._graph.nodes import Cast, Const, broadcast_shapes
from .._kernels.random import Rand, RandOf, int_node_dtype, per_block, split64
from .._lazy.elementwise import apply
from .._api.decompositions import cholesky
from .._api.linalg import matmul, matrix_transpose
from .._api.reductions import max as _max, sum as _sum
from .._api.manipulation import broadcast_to, reshape, stack
from .._api.reductions import cumsum
from .._api.searching import searchsorted, take, take_along_axis
from .._api.sorting import argsort
from .._api.creation import zeros
from numpy.exceptions import AxisError

_U64 = (1 << 64) - 1


def _quiet(method):
    """A distribution built with floating-point errors ignored: its expressions may compute branches
    that are then not selected (a log of 0 where the other case applies), and NumPy's samplers never
    warn."""
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return method(*args, **kwargs)

    quiet.__name__, quiet.__qualname__, quiet.__doc__ = method.__name__, method.__qualname__, method.__doc__
    return quiet


def _shape(size) -> tuple:
    if type(size) is tuple and all(type(s) is int and s >= 0 for s in size):
        return size  # the common spelling, already valid
    if size is None:
        return ()
    if isinstance(size, (int, np.integer)):
        size = (size,)
    shape = tuple(operator.index(s) for s in size)
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions are not allowed")
    return shape


def _float_dtype(dtype, fname: str) -> np.dtype:
    """float64 (or the device's default float) unless float32 is asked for, like NumPy."""
    if dtype is None:
        return dt.default_float()
    try:
        return _FLOAT_SPELLINGS[dtype]  # a draw per loop step: resolve each spelling once
    except (KeyError, TypeError):
        pass
    d = np.dtype(dtype)
    if d not in (dt.float32, dt.float64):
        raise TypeError(f"Unsupported dtype {d} for {fname}")
    res = dt.normalize(d)
    if res == d:  # not narrowed by the device (that depends on the device: not cached)
        _FLOAT_SPELLINGS[dtype] = res
    return res


_FLOAT_SPELLINGS: dict = {}


def _int_dtype(dtype) -> np.dtype:
    if dtype is None or dtype is int:
        return dt.default_int()
    d = np.dtype(dtype)
    if d.kind not in "biu":
        raise TypeError(f"Unsupported dtype {d} for integers")
    return dt.normalize(d)


def _operand_shapes(*xs) -> tuple:
    return broadcast_shapes(*[tuple(x.shape) if isinstance(x, GpuArray) else np.shape(x) for x in xs])


def _scalar_args(*xs) -> bool:
    return not any(isinstance(x, GpuArray) or np.ndim(x) > 0 for x in xs)


class Generator:
    """Random numbers on the device, NumPy ``Generator`` style (see ``default_rng``)."""

    def __init__(self, seed=None):
        if isinstance(seed, np.random.SeedSequence):
            ss = seed
        else:
            ss = np.random.SeedSequence(seed)
        self._seed_seq = ss
        k0, k1 = (int(w) for w in ss.generate_state(2, np.uint32))
        self._key = (k0, k1)
        self._counter = 0

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> dict:
        """Key words and block counter; assigning a saved state replays the stream from there."""
        return {"bit_generator": "Philox4x32-10", "key": self._key, "counter": self._counter}

    @state.setter
    def state(self, value: dict) -> None:
        self._key = tuple(int(k) & 0xFFFFFFFF for k in value["key"])
        self._counter = int(value["counter"]) & _U64

    def spawn(self, n_children: int) -> list["Generator"]:
        """Independent child generators (their keys come from spawned seed sequences)."""
        return [Generator(s) for s in self._seed_seq.spawn(n_children)]

    def __repr__(self):
        return f"Generator(Philox4x32-10) at counter {self._counter}"

    def _words(self, n_blocks: int) -> list[int]:
        """Key and counter words of the next ``n_blocks`` blocks, and advance past them (as one
        step: threads drawing from one generator get disjoint blocks, as with NumPy's)."""
        with _runtime.CRITICAL:
            c = self._counter
            self._counter = (c + n_blocks) & _U64
        lo, hi = split64(c)
        return [self._key[0], self._key[1], lo, hi]

    def _draw(self, kind: str, dtype, shape, extra=()) -> GpuArray:
        n = 1
        for s in shape:
            n *= s
        pb = per_block(kind, dtype)
        return GpuArray(Rand(kind, dtype, shape, self._words(-(-n // pb)) + list(extra), masked=not extra))

    def _host(self) -> np.random.Generator:
        """A host NumPy generator determined by this stream's state (for host fallbacks);
        it takes one block of the stream so later draws differ."""
        return np.random.default_rng(self._words(1))

    # ------------------------------------------------------------------ floats
    def random(self, size=None, dtype=None, out=None) -> GpuArray:
        """Uniform floats in [0, 1): 53 random bits for float64, 24 for float32."""
        dtype = _float_dtype(dtype, "random")
        return _to_out(self._draw("uniform", dtype, _out_shape(size, out)), out)

    def standard_normal(self, size=None, dtype=None, out=None) -> GpuArray:
        """Standard normal floats (Box-Muller on Philox uniforms)."""
        dtype = _float_dtype(dtype, "standard_normal")
        return _to_out(self._draw("normal", dtype, _out_shape(size, out)), out)

    def standard_exponential(self, size=None, dtype=None, method="inv", out=None) -> GpuArray:
        """Exponential(1) floats by inversion: -log(1 - u)."""
        u = self.random(size, dtype)
        return _to_out(apply("negative", apply("log1p", apply("negative", u))), out)

    def uniform(self, low=0.0, high=1.0, size=None) -> GpuArray:
        """Floats in [low, high): low + (high - low) * u."""
        shape = _shape(size) if size is not None else _operand_shapes(low, high)
        u = self.random(shape)
        if _scalar_args(low, high):
            low, high = float(low), float(high)
            if not np.isfinite(high - low):
                raise OverflowError("high - low range exceeds valid bounds")
            return apply("add", apply("multiply", u, high - low), low) if (low, high) != (0.0, 1.0) else u
        return apply("add", low, apply("multiply", apply("subtract", high, low), u))

    def normal(self, loc=0.0, scale=1.0, size=None) -> GpuArray:
        """Normal floats: loc + scale * z."""
        shape = _shape(size) if size is not None else _operand_shapes(loc, scale)
        if _scalar_args(scale) and float(scale) < 0:
            raise ValueError("scale < 0")
        z = self.standard_normal(shape)
        if _scalar_args(loc, scale):
            loc, scale = float(loc), float(scale)
            if scale != 1.0:
                z = apply("multiply", z, scale)
            return apply("add", z, loc) if loc != 0.0 else z
        return apply("add", loc, apply("multiply", scale, z))

    def exponential(self, scale=1.0, size=None) -> GpuArray:
        shape = _shape(size) if size is not None else _operand_shapes(scale)
        if _scalar_args(scale) and float(scale) < 0:
            raise ValueError("scale < 0")
        e = self.standard_exponential(shape)
        if _scalar_args(scale) and float(scale) == 1.0:
            return e
        return apply("multiply", e, scale if not _scalar_args(scale) else float(scale))

    # ------------------------------------------------------------------ integers
    def integers(self, low, high=None, size=None, dtype=None, endpoint=False) -> GpuArray:
        """Integers in [low, high) ([low, high] with endpoint=True), int64 by default.

        Values are low + floor(x * range / 2^64) for 64 random bits x: no rejection loop (the
        bias is below range / 2^64, under 2.4e-10 for 32-bit ranges)."""
        if high is None:
            low, high = 0, low
        dtype = _int_dtype(dtype)
        if not _scalar_args(low, high):
            return self._host_integers(low, high, size, dtype, endpoint)
        low, high = operator.index(low), operator.index(high)
        top = high if endpoint else high - 1
        lo_ok, hi_ok = (0, 1) if dtype == dt.bool_ else dt.int_bounds(dtype)
        if low < lo_ok:
            raise ValueError(f"low is out of bounds for {dtype}")
        if top > hi_ok:
            raise ValueError(f"high is out of bounds for {dtype}")
        if low > top:
            raise ValueError("low > high" if endpoint else "low >= high")
        node_dtype = int_node_dtype(dtype)
        extra = [*split64(top - low + 1), *split64(low)]  # range 2^64 wraps to 0, meaning "all bits"
        out = self._draw("int", node_dtype, _shape(size), extra)
        return out if node_dtype == dtype else GpuArray(Cast(out._node, dtype))

    def _host_integers(self, low, high, size, dtype, endpoint):
        if _runtime.device().has_64:
            return self._array_integers(low, high, size, dtype, endpoint)
        _fallback.note("random.integers")
        host = lambda x: x.get() if isinstance(x, GpuArray) else np.asarray(x)  # noqa: E731
        res = self._host().integers(host(low), host(high), size=size, dtype=dtype, endpoint=endpoint)
        return asarray(np.asarray(res, dtype=dtype))

    def _array_integers(self, low, high, size, dtype, endpoint):
        """Integers with array bounds: each element's own range, from its own counter (the
        multiply-shift mapping of the scalar case, in int64 with the range modulo 2^64)."""
        hl, hh = np.asarray(_host_value(low)), np.asarray(_host_value(high))
        if hl.dtype.kind not in "iub":  # NumPy converts other bounds to int64
            hl, low = hl.astype(np.int64), hl.astype(np.int64)
        if hh.dtype.kind not in "iub":
            hh, high = hh.astype(np.int64), hh.astype(np.int64)
        lo_ok, hi_ok = (0, 1) if dtype == dt.bool_ else dt.int_bounds(dtype)
        top_h = hh.astype(object) - (0 if endpoint else 1)
        if np.any(hl.astype(object) < lo_ok):
            raise ValueError(f"low is out of bounds for {dtype}")
        if np.any(top_h > hi_ok):
            raise ValueError(f"high is out of bounds for {dtype}")
        if np.any(hl.astype(object) > top_h):
            raise ValueError("low > high" if endpoint else "low >= high")
        shape = _size_shape(size, broadcast_shapes(hl.shape, hh.shape))
        i64 = dt.int64

        def operand(x, h, minus):
            g = x if isinstance(x, GpuArray) else asarray(h)
            node = g._node if g.dtype == i64 else Cast(g._node, i64)
            return GpuArray(node) if not minus else apply("subtract", GpuArray(node), 1)

        lo, top = operand(low, hl, False), operand(high, hh, not endpoint)
        n = 1
        for d in shape:
            n *= d
        out = GpuArray(RandOf("intrange", i64, shape, self._words(n), [lo._node, top._node]))
        return out if dtype == i64 else GpuArray(Cast(out._node, dtype))

    # ------------------------------------------------------------------ sequences
    def _order(self, shape, axis=-1) -> GpuArray:
        """A uniformly random order of each slice along ``axis``: the argsort of random keys of
        the default integer's full width (ties, where the sort keeps index order, have probability
        below n^2 / 2^64 with 64-bit keys)."""
        it = dt.default_int()
        lo, hi = dt.int_bounds(it)
        return argsort(self.integers(lo, hi, size=shape, dtype=it, endpoint=True), axis=axis)

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

    # ---------------------------------------------- transforms of exponential and normal draws
    # (E = -log(1 - u) is finite for every u in [0, 1), so none of these can give an infinity or a
    # NaN that the distribution does not have; NumPy's parameter checks and messages)
    def _param(self, x, name, bad, message):
        """``x`` as a float or a device array, after NumPy's check (``bad(x)`` true anywhere: ValueError)."""
        if _scalar_args(x):
            x = float(x)
            if bad(x):
                raise ValueError(message)
            return x
        x = x if isinstance(x, GpuArray) else asarray(np.asarray(x, dtype=np.float64 if _runtime.device().has_64 else np.float32))
        if bool(bad(x).any()):
            raise ValueError(message)
        return x

    def _exp_draw(self, size, *params):
        return self.standard_exponential(_shape(size) if size is not None else _operand_shapes(*params))

    def rayleigh(self, scale=1.0, size=None) -> GpuArray:
        """``scale * sqrt(2 E)``."""
        scale = self._param(scale, "scale", lambda x: x < 0, "scale < 0")
        return apply("multiply", scale, apply("sqrt", apply("multiply", self._exp_draw(size, scale), 2.0)))

    def weibull(self, a, size=None) -> GpuArray:
        """``E ** (1 / a)`` (0 where a is 0)."""
        a = self._param(a, "a", lambda x: x < 0, "a < 0")
        e = self._exp_draw(size, a)
        if isinstance(a, float):
            return apply("multiply", e, 0.0) if a == 0 else apply("power", e, 1.0 / a)
        return apply("where", apply("equal", a, 0.0), 0.0, apply("power", e, apply("divide", 1.0, a)))

    def pareto(self, a, size=None) -> GpuArray:
        """``expm1(E / a)`` (Lomax, as NumPy's)."""
        a = self._param(a, "a", lambda x: x <= 0, "a <= 0")
        return apply("expm1", apply("divide", self._exp_draw(size, a), a))

    def power(self, a, size=None) -> GpuArray:
        """``(-expm1(-E)) ** (1 / a)``."""
        a = self._param(a, "a", lambda x: x <= 0, "a <= 0")
        e = self._exp_draw(size, a)
        return apply("power", apply("negative", apply("expm1", apply("negative", e))), apply("divide", 1.0, a))

    def laplace(self, loc=0.0, scale=1.0, size=None) -> GpuArray:
        """``loc + scale * (E1 - E2)`` (the difference of two exponentials is Laplace)."""
        scale = self._param(scale, "scale", lambda x: x < 0, "scale < 0")
        shape = _shape(size) if size is not None else _operand_shapes(loc, scale)
        d = apply("subtract", self.standard_exponential(shape), self.standard_exponential(shape))
        return apply("add", loc, apply("multiply", scale, d))

    def lognormal(self, mean=0.0, sigma=1.0, size=None) -> GpuArray:
        """``exp(mean + sigma * z)``."""
        sigma = self._param(sigma, "sigma", lambda x: x < 0, "sigma < 0")
        shape = _shape(size) if size is not None else _operand_shapes(mean, sigma)
        return apply("exp", apply("add", mean, apply("multiply", sigma, self.standard_normal(shape))))

    def _open_uniform(self, shape) -> GpuArray:
        """Uniforms strictly inside (0, 1): the midpoints of 2^52 (float64) or 2^23 (float32)
        equal cells, exact in the type, so that both logs and tangents of them stay finite."""
        u = self.random(shape)
        cells = float(2 ** (52 if u.dtype == dt.float64 else 23))
        return apply("divide", apply("add", apply("floor", apply("multiply", u, cells)), 0.5), cells)

    def logistic(self, loc=0.0, scale=1.0, size=None) -> GpuArray:
        """``loc + scale * log(v / (1 - v))``, v uniform in (0, 1)."""
        scale = self._param(scale, "scale", lambda x: x < 0, "scale < 0")
        v = self._open_uniform(_shape(size) if size is not None else _operand_shapes(loc, scale))
        return apply("add", loc, apply("multiply", scale, apply("log", apply("divide", v, apply("subtract", 1.0, v)))))

    def gumbel(self, loc=0.0, scale=1.0, size=None) -> GpuArray:
        """``loc - scale * log(-log(v))``, v uniform in (0, 1)."""
        scale = self._param(scale, "scale", lambda x: x < 0, "scale < 0")
        v = self._open_uniform(_shape(size) if size is not None else _operand_shapes(loc, scale))
        return apply("subtract", loc, apply("multiply", scale, apply("log", apply("negative", apply("log", v)))))

    def standard_cauchy(self, size=None) -> GpuArray:
        """``tan(pi * (v - 1/2))``, v uniform in (0, 1)."""
        v = self._open_uniform(_shape(size))
        return apply("tan", apply("multiply", apply("subtract", v, 0.5), math.pi))

    # ------------------------------------------- samplers that draw until they accept
    # (a ``RandOf`` node: each element runs random_samplers.wgsl's loop on its own sub-stream)
    def _sampled(self, kind, size, *params, dtype=None):
        """A ``kind`` draw with parameter operands ``params`` (floats or device arrays, already
        checked), of shape ``size`` or the parameters' broadcast shape, computed in ``dtype`` (the
        default float)."""
        ft = dt.default_float() if dtype is None else dtype
        shape = _size_shape(size, _operand_shapes(*params))
        srcs = []
        for p in params:
            if isinstance(p, GpuArray):
                srcs.append(p._node if p.dtype == ft else Cast(p._node, ft))
            else:
                srcs.append(Const(float(p), ft))
        n = 1
        for d in shape:
            n *= d
        return GpuArray(RandOf(kind, ft, shape, self._words(n), srcs))

    def _device_floats(self) -> bool:
        """Whether the discrete samplers run here: they count in float64 (exact integers to 2^53,
        and Poisson's and the binomial's acceptance tests need its precision)."""
        return _runtime.device().has_64

    @_quiet
    def standard_gamma(self, shape, size=None, dtype=None, out=None) -> GpuArray:
        """Gamma(shape) floats, scale 1 (Marsaglia-Tsang on the device)."""
        ft = _float_dtype(dtype, "standard_gamma")
        shape = self._param(shape, "shape", lambda x: x < 0, "shape < 0")
        return _to_out(self._sampled("gamma", _out_shape(size, out) if out is not None else size, shape, dtype=ft), out)

    @_quiet
    def gamma(self, shape, scale=1.0, size=None) -> GpuArray:
        """``scale * G(shape)``."""
        shape = self._param(shape, "shape", lambda x: x < 0, "shape < 0")
        scale = self._param(scale, "scale", lambda x: x < 0, "scale < 0")
        g = self._sampled("gamma", size if size is not None else _operand_shapes(shape, scale), shape)
        return g if isinstance(scale, float) and scale == 1.0 else apply("multiply", g, scale)

    def _loggamma(self, shape, a) -> GpuArray:
        return self._sampled("loggamma", shape, a)

    @_quiet
    def beta(self, a, b, size=None) -> GpuArray:
        """``X / (X + Y)`` for gamma variates X, Y, as ``1 / (1 + exp(log Y - log X))``: finite
        where both variates underflow (shapes far below 1)."""
        a = self._param(a, "a", lambda x: x <= 0, "a <= 0")
        b = self._param(b, "b", lambda x: x <= 0, "b <= 0")
        shape = _shape(size) if size is not None else _operand_shapes(a, b)
        d = apply("subtract", self._loggamma(shape, b), self._loggamma(shape, a))
        return apply("divide", 1.0, apply("add", 1.0, apply("exp", d)))

    @_quiet
    def chisquare(self, df, size=None) -> GpuArray:
        """``2 G(df / 2)``."""
        df = self._param(df, "df", lambda x: x <= 0, "df <= 0")
        return apply("multiply", self._sampled("gamma", size, apply("multiply", df, 0.5) if not isinstance(df, float) else df / 2), 2.0)

    @_quiet
    def f(self, dfnum, dfden, size=None) -> GpuArray:
        """``(chi2(dfnum) / dfnum) / (chi2(dfden) / dfden)``."""
        dfnum = self._param(dfnum, "dfnum", lambda x: x <= 0, "dfnum <= 0")
        dfden = self._param(dfden, "dfden", lambda x: x <= 0, "dfden <= 0")
        shape = _shape(size) if size is not None else _operand_shapes(dfnum, dfden)
        num = apply("multiply", self.chisquare(dfnum, shape), dfden)
        return apply("divide", num, apply("multiply", self.chisquare(dfden, shape), dfnum))

    @_quiet
    def standard_t(self, df, size=None) -> GpuArray:
        """``z * sqrt((df / 2) / G(df / 2))``."""
        df = self._param(df, "df", lambda x: x <= 0, "df <= 0")
        shape = _shape(size) if size is not None else _operand_shapes(df)
        half = apply("multiply", df, 0.5) if not isinstance(df, float) else df / 2
        g = self._sampled("gamma", shape, half)
        return apply("multiply", self.standard_normal(shape), apply("sqrt", apply("divide", half, g)))

    @_quiet
    def dirichlet(self, alpha, size=None) -> GpuArray:
        """Gamma variates G(alpha_k) normalized along the last axis, taken as a softmax of their
        logs (finite where the variates underflow)."""
        al = alpha if isinstance(alpha, GpuArray) else np.asarray(alpha, dtype=np.float64)
        if al.ndim != 1:
            raise ValueError("object too deep for desired array" if al.ndim > 1 else "object of too small depth for desired array")
        al = self._param(al if isinstance(al, GpuArray) else asarray(al.astype(dt.default_float())),
                         "alpha", lambda x: x < 0, "alpha < 0")
        shape = _shape(size) + tuple(al.shape)
        lg = self._loggamma(shape, al)
        e = apply("exp", apply("subtract", lg, _max(lg, axis=-1, keepdims=True)))
        return apply("divide", e, _sum(e, axis=-1, keepdims=True))

    @_quiet
    def noncentral_chisquare(self, df, nonc, size=None) -> GpuArray:
        """NumPy's construction: chi2(df) where nonc is 0; chi2(df - 1) + (z + sqrt(nonc))^2 where
        df > 1; else chi2(df + 2 Poisson(nonc / 2)) (array parameters: each element its case)."""
        df = self._param(df, "df", lambda x: x <= 0, "df <= 0")
        nonc = self._param(nonc, "nonc", lambda x: x < 0, "nonc < 0")
        shape = _shape(size) if size is not None else _operand_shapes(df, nonc)
        scalar = isinstance(df, float) and isinstance(nonc, float)
        if scalar and nonc == 0:
            return self.chisquare(df, shape)
        if scalar and df > 1:
            z = apply("add", self.standard_normal(shape), math.sqrt(nonc))
            return apply("add", self.chisquare(df - 1, shape), apply("multiply", z, z))
        pois = self._poisson_floats(shape, apply("multiply", nonc, 0.5) if not scalar else nonc / 2)
        small = apply("multiply", self._sampled("gamma", shape, apply("add", apply("multiply", df, 0.5), pois)), 2.0)
        if scalar:
            return small
        z = apply("add", self.standard_normal(shape), apply("sqrt", nonc))
        big = apply("add", apply("multiply", self._sampled("gamma", shape, apply("multiply", apply("subtract", df, 1.0), 0.5)), 2.0),
                    apply("multiply", z, z))
        plain = self.chisquare(df, shape)
        return apply("where", apply("equal", nonc, 0.0), plain, apply("where", apply("greater", df, 1.0), big, small))

    @_quiet
    def noncentral_f(self, dfnum, dfden, nonc, size=None) -> GpuArray:
        """``(noncentral chi2(dfnum, nonc) dfden) / (chi2(dfden) dfnum)``."""
        dfnum = self._param(dfnum, "dfnum", lambda x: x <= 0, "dfnum <= 0")
        dfden = self._param(dfden, "dfden", lambda x: x <= 0, "dfden <= 0")
        nonc = self._param(nonc, "nonc", lambda x: x < 0, "nonc < 0")
        shape = _shape(size) if size is not None else _operand_shapes(dfnum, dfden, nonc)
        t = apply("multiply", self.noncentral_chisquare(dfnum, nonc, shape), dfden)
        return apply("divide", t, apply("multiply", self.chisquare(dfden, shape), dfnum))

    # ------------------------------------------------------------------ discrete
    def _poisson_floats(self, shape, lam) -> GpuArray:
        return self._sampled("poisson", shape, lam)

    def _counts(self, x) -> GpuArray:
        """Counts computed as floats, as NumPy's int64 (the device's default integer)."""
        return GpuArray(Cast(x._node, dt.default_int()))

    @_quiet
    def poisson(self, lam=1.0, size=None) -> GpuArray:
        """Poisson counts (inversion below lam = 10, PTRS from 10 on), int64."""
        if not self._device_floats():
            return _host_method("poisson")(self, lam, size)
        lam = self._param(lam, "lam", lambda x: (x < 0) | (x != x), "lam < 0 or lam is NaN")
        if bool(np.any(_host_value(lam) > _POISSON_LAM_MAX)):
            raise ValueError("lam value too large")
        return self._counts(self._poisson_floats(size if size is not None else _operand_shapes(lam), lam))

    @_quiet
    def binomial(self, n, p, size=None) -> GpuArray:
        """Binomial counts (inversion where n min(p, 1-p) <= 30, BTRS above), int64."""
        if not self._device_floats():
            return _host_method("binomial")(self, n, p, size)
        n = self._param(_whole(n), "n", lambda x: x < 0, "n < 0")
        p = self._param(p, "p", lambda x: (x < 0) | (x > 1) | (x != x), "p < 0, p > 1 or p is NaN")
        return self._counts(self._sampled("binomial", size if size is not None else _operand_shapes(n, p), n, p))

    @_quiet
    def negative_binomial(self, n, p, size=None) -> GpuArray:
        """``Poisson(G(n) (1 - p) / p)`` (NumPy's construction), int64."""
        if not self._device_floats():
            return _host_method("negative_binomial")(self, n, p, size)
        n = self._param(n, "n", lambda x: x <= 0, "n <= 0")
        p = self._param(p, "p", lambda x: (x <= 0) | (x > 1) | (x != x), "p <= 0, p > 1 or p contains NaNs")
        shape = _shape(size) if size is not None else _operand_shapes(n, p)
        y = apply("multiply", self._sampled("gamma", shape, n), apply("divide", apply("subtract", 1.0, p), p))
        return self._counts(self._poisson_floats(shape, y))

    @_quiet
    def geometric(self, p, size=None) -> GpuArray:
        """``ceil(E / -log1p(-p))`` (inversion; at least 1, at most int64's maximum), int64."""
        p = self._param(p, "p", lambda x: (x <= 0) | (x > 1) | (x != x), "p <= 0, p > 1 or p contains NaNs")
        e = self._exp_draw(size, p)
        k = apply("maximum", apply("ceil", apply("divide", e, apply("negative", apply("log1p", apply("negative", p))))), 1.0)
        it = dt.default_int()
        top = dt.int_bounds(it)[1]
        return apply("where", apply("greater_equal", k, float(top)), top, GpuArray(Cast(k._node, it)))

    @_quiet
    def logseries(self, p, size=None) -> GpuArray:
        """NumPy's (Kemp's) construction from two uniforms: 1 where V >= p; else with
        q = -expm1(log1p(-p) U): floor(1 + log V / log q) where V <= q^2, else 1 or 2. int64."""
        p = self._param(p, "p", lambda x: (x < 0) | (x >= 1) | (x != x), "p < 0, p >= 1 or p is NaN")
        shape = _shape(size) if size is not None else _operand_shapes(p)
        v = self._open_uniform(shape)
        q = apply("negative", apply("expm1", apply("multiply", apply("log1p", apply("negative", p)), self.random(shape))))
        deep = apply("maximum", apply("floor", apply("add", 1.0, apply("divide", apply("log", v), apply("log", q)))), 1.0)
        k = apply("where", apply("greater_equal", v, p), 1.0,
                  apply("where", apply("less_equal", v, apply("multiply", q, q)), deep,
                        apply("where", apply("greater_equal", v, q), 1.0, 2.0)))
        return self._counts(k)

    @_quiet
    def zipf(self, a, size=None) -> GpuArray:
        """Zipf counts (NumPy's rejection), int64."""
        if not self._device_floats():
            return _host_method("zipf")(self, a, size)
        a = self._param(a, "a", lambda x: (x <= 1) | (x != x), "a <= 1 or a is NaN")
        return self._counts(self._sampled("zipf", size, a))

    @_quiet
    def hypergeometric(self, ngood, nbad, nsample, size=None) -> GpuArray:
        """Good items in ``nsample`` drawn without replacement (chop-down inversion from the mode), int64."""
        if not self._device_floats():
            return _host_method("hypergeometric")(self, ngood, nbad, nsample, size)
        good, bad, sample = (_whole(x) for x in (ngood, nbad, nsample))
        hg, hb, hs = (_host_value(x) for x in (good, bad, sample))
        for bad_, msg in ((hg + hb < hs, "ngood + nbad < nsample"), (hg < 0, "ngood < 0"), (hb < 0, "nbad < 0"),
                          (hs < 0, "nsample < 0"),
                          ((hg >= 10**9) | (hb >= 10**9), "both ngood and nbad must be less than 1000000000")):
            if np.any(bad_):
                raise ValueError(msg)
        good, bad, sample = (x if isinstance(x, (float, GpuArray)) else asarray(x) for x in (good, bad, sample))
        return self._counts(self._sampled("hypergeometric", size, good, bad, sample))

    @_quiet
    def multinomial(self, n, pvals, size=None) -> GpuArray:
        """Counts of ``n`` trials over the categories of ``pvals`` (its last axis): each category a
        binomial of the trials left, with its probability given the ones before (NumPy's
        construction), int64."""
        if not self._device_floats():
            return _host_method("multinomial")(self, n, pvals, size)
        pv = np.asarray(_host_value(pvals), dtype=np.float64)
        if pv.ndim == 0 or pv.shape[-1] == 0:
            raise ValueError("pvals must have at least 1 dimension and the last dimension of pvals must be greater than 0.")
        if np.any((pv < 0) | (pv > 1) | np.isnan(pv)):
            raise ValueError("pvals < 0, pvals > 1 or pvals contains NaNs")
        if np.any(pv[..., :-1].sum(axis=-1) > 1.0 + 1e-12):
            raise ValueError("sum(pvals[:-1]) > 1.0")
        n = self._param(_whole(n), "n", lambda x: x < 0, "n < 0")
        k = pv.shape[-1]
        shape = _shape(size) if size is not None else _operand_shapes(n, pv[..., 0])
        left, rest = n, np.ones(pv.shape[:-1])
        cols = []
        for j in range(k - 1):
            with np.errstate(divide="ignore", invalid="ignore"):
                pj = np.where(rest > 0, np.clip(pv[..., j] / rest, 0.0, 1.0), 0.0)
            x = self._sampled("binomial", shape, left, float(pj) if pj.ndim == 0 else asarray(pj))
            x._leaf()  # drawn once: it is read by the result and by every later category
            cols.append(x)
            left = apply("subtract", left, x)
            rest = rest - pv[..., j]
        cols.append(left)
        out = stack([c if c.shape == shape else broadcast_to(c, shape) for c in
                     (asarray(np.full(shape, c)) if isinstance(c, float) else c for c in cols)], axis=-1)
        return self._counts(out)

    @_quiet
    def multivariate_hypergeometric(self, colors, nsample, size=None, method="marginals") -> GpuArray:
        """Counts of each color among ``nsample`` drawn without replacement: each color a
        hypergeometric draw from the ones left (NumPy's 'marginals' construction; 'count' gives the
        same law), int64."""
        if method not in ("count", "marginals"):
            raise ValueError('method must be "count" or "marginals".')
        if not self._device_floats():
            return _host_method("multivariate_hypergeometric")(self, colors, nsample, size, method)
        c = np.asarray(_host_value(colors))
        if c.ndim != 1 or (c.size and (c.dtype.kind not in "iu" or (c < 0).any())):
            raise ValueError("colors must be a one-dimensional sequence of nonnegative integers not exceeding "
                             f"{np.iinfo(np.int64).max}.")
        nsample = operator.index(nsample)
        if nsample < 0:
            raise ValueError("nsample must be nonnegative.")
        total = int(c.sum())
        if nsample > total:
            raise ValueError("nsample > sum(colors)")
        if total >= 10**9:
            raise ValueError(f'When method is "{method}", sum(colors) must be less than 1000000000.')
        shape = _shape(size)
        if c.size == 0:
            return zeros(shape + (0,), dtype=dt.default_int())
        left, rest, cols = float(nsample), total, []
        for j in range(c.size - 1):
            rest -= int(c[j])
            x = self._sampled("hypergeometric", shape, float(c[j]), float(rest), left)
            x._leaf()  # drawn once: read by the result and by every later color
            cols.append(x)
            left = apply("subtract", left, x)
        cols.append(left if isinstance(left, GpuArray) else asarray(np.full(shape, left)))
        return self._counts(stack(cols, axis=-1))

    @_quiet
    def vonmises(self, mu, kappa, size=None) -> GpuArray:
        """von Mises angles in [-pi, pi] (Best and Fisher's rejection, NumPy's special cases)."""
        kappa = self._param(kappa, "kappa", lambda x: x < 0, "kappa < 0")
        mu = mu if isinstance(mu, GpuArray) else (float(mu) if _scalar_args(mu) else asarray(np.asarray(mu, dtype=dt.default_float())))
        return self._sampled("vonmises", size, mu, kappa)

    # ------------------------------------------------------------------ direct transforms
    @_quiet
    def triangular(self, left, mode, right, size=None) -> GpuArray:
        """Inversion of the triangular distribution's CDF (NumPy's formula)."""
        if _scalar_args(left, mode, right):
            left, mode, right = float(left), float(mode), float(right)
            if left > mode:
                raise ValueError("left > mode")
            if mode > right:
                raise ValueError("mode > right")
            if left == right:
                raise ValueError("left == right")
        else:
            lh, mh, rh = (_host_value(x) for x in (left, mode, right))
            for bad, msg in ((lh > mh, "left > mode"), (mh > rh, "mode > right"), (lh == rh, "left == right")):
                if np.any(bad):
                    raise ValueError(msg)
        shape = _shape(size) if size is not None else _operand_shapes(left, mode, right)
        u = self.random(shape)
        base = apply("subtract", right, left)
        ratio = apply("divide", apply("subtract", mode, left), base)
        lo = apply("add", left, apply("sqrt", apply("multiply", u, apply("multiply", apply("subtract", mode, left), base))))
        hi = apply("subtract", right, apply("sqrt", apply("multiply", apply("subtract", 1.0, u),
                                                          apply("multiply", apply("subtract", right, mode), base))))
        return apply("where", apply("less_equal", u, ratio), lo, hi)

    @_quiet
    def wald(self, mean, scale, size=None) -> GpuArray:
        """Michael, Schucany and Haas's transform of a normal and a uniform (NumPy's)."""
        mean = self._param(mean, "mean", lambda x: x <= 0, "mean <= 0")
        scale = self._param(scale, "scale", lambda x: x <= 0, "scale <= 0")
        shape = _shape(size) if size is not None else _operand_shapes(mean, scale)
        z = self.standard_normal(shape)
        y = apply("multiply", mean, apply("multiply", z, z))
        mu_2l = apply("divide", mean, apply("multiply", scale, 2.0))
        x = apply("add", mean, apply("multiply", mu_2l, apply("subtract", y, apply("sqrt", apply(
            "add", apply("multiply", apply("multiply", scale, 4.0), y), apply("multiply", y, y))))))
        u = self.random(shape)
        return apply("where", apply("less_equal", u, apply("divide", mean, apply("add", mean, x))), x,
                     apply("divide", apply("multiply", mean, mean), x))

    # ------------------------------------------------------------------ vectors
    def multivariate_normal(self, mean, cov, size=None, check_valid="warn", tol=1e-8, *, method="svd"):
        """Normal vectors of mean ``mean`` and covariance ``cov``: ``mean + z @ L.T`` with ``L`` the
        Cholesky factor of ``cov``, both on the device (NumPy's ``method='cholesky'``; its 'svd' and
        'eigh' give other numbers of the same distribution). A covariance that is not positive
        definite (singular, or invalid: NumPy's ``check_valid`` rules apply) is drawn by NumPy's
        method on the host (a counted fallback)."""
        m, c = asarray(mean), asarray(cov)
        if m.ndim != 1:
            raise ValueError("mean must be 1 dimensional")
        if c.ndim != 2 or c.shape[0] != c.shape[1]:
            raise ValueError("cov must be 2 dimensional and square")
        if m.shape[0] != c.shape[0]:
            raise ValueError("mean and cov must have same length")
        ft = dt.float64 if _runtime.device().has_64 else dt.float32
        try:
            low = cholesky(c if c.dtype == ft else c.astype(ft))
            if not bool(apply("isfinite", low).all()):
                raise np.linalg.LinAlgError("not finite")
        except np.linalg.LinAlgError:
            return _host_method("multivariate_normal")(self, mean, cov, size, check_valid, tol, method=method)
        z = self.standard_normal(_shape(size) + (m.shape[0],), ft)
        return apply("add", m if m.dtype == ft else m.astype(ft), matmul(z, matrix_transpose(low)))


# NumPy's other distributions: drawn by a host generator determined by this stream (as
# ``permutation`` is), counted as fallbacks; numeric results come to the device
def _host_method(name):
    def method(self, *args, **kwargs):
        _fallback.note(f"random.{name}")
        host = lambda x: x.get() if isinstance(x, GpuArray) else x  # noqa: E731
        res = getattr(self._host(), name)(*[host(a) for a in args], **{k: host(v) for k, v in kwargs.items()})
        if isinstance(res, (np.ndarray, np.generic, int, float)) and np.asarray(res).dtype.kind in "biufc":
            return asarray(res)
        return res

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"NumPy's ``Generator.{name}`` drawn on the host from this stream (a counted fallback)."
    return method


for _name in dir(np.random.Generator):
    if not _name.startswith("_") and not hasattr(Generator, _name) and callable(getattr(np.random.Generator, _name)):
        setattr(Generator, _name, _host_method(_name))
del _name


# NumPy's largest Poisson mean (its POISSON_LAM_MAX: int64's maximum less 10 of its square roots)
_POISSON_LAM_MAX = np.iinfo(np.int64).max - np.sqrt(np.iinfo(np.int64).max) * 10


def _host_value(x):
    """A checked parameter's values on the host (scalars as they are), for checks NumPy makes on
    the whole parameter."""
    return x.get() if isinstance(x, GpuArray) else np.asarray(x)


def _whole(n):
    """A count parameter truncated to a whole number, as NumPy converts it to int64."""
    if _scalar_args(n):
        return float(int(n))
    return apply("trunc", n) if isinstance(n, GpuArray) else np.trunc(np.asarray(n, dtype=np.float64))


def _size_shape(size, pshape) -> tuple:
    """The draw's shape: ``size``, which the parameters' shape must broadcast to, else theirs."""
    if size is None:
        return pshape
    shape = _shape(size)
    try:
        ok = broadcast_shapes(shape, pshape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError("shape mismatch: objects cannot be broadcast to a single shape")
    return shape


def _out_shape(size, out) -> tuple:
    if out is None:
        return _shape(size)
    if size is not None and _shape(size) != out.shape:
        raise ValueError("size must match out.shape when used together")
    return out.shape


def _to_out(res: GpuArray, out):
    if out is None:
        return res
    if out.dtype != res.dtype:
        raise TypeError(f"Supplied output array has the wrong type. Expected {res.dtype}, got {out.dtype}")
    out[...] = res
    return out


def default_rng(seed=None) -> Generator:
    """A new ``Generator`` seeded by ``seed`` (int, sequence of ints, SeedSequence or None for
    fresh entropy); a Generator is returned unchanged."""
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)
