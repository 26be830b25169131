"""``Generator``: NumPy's Generator API over a counter-based Philox4x32-10 stream.

State is a 64-bit key (from the seed, through NumPy's SeedSequence) and a 64-bit block
counter. A draw of n values reads blocks counter .. counter + ceil(n / per_block) - 1 and
advances the counter past them, so successive draws are independent streams and the same
seed replays the same numbers. Draws are lazy ``Rand`` nodes: nothing runs until a value is
needed, and a draw consumed by an elementwise expression is computed inside its kernel.

Here: state, uniform/normal/exponential draws, integers, the transforms of those draws (rayleigh
... wald) and ``multivariate_normal``; the samplers that reject inside the kernel are in
``_samplers.py``, orders and samples of populations in ``_sequences.py`` (mixins of the class).
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .._api.creation import asarray
from .._api.decompositions import cholesky
from .._api.linalg import matmul, matrix_transpose
from .._device import fallback as _fallback
from .._device import runtime as _runtime
from .._graph import dtypes as dt
from .._graph.nodes import Cast, broadcast_shapes
from .._kernels.random import Rand, RandOf, int_node_dtype, per_block, split64
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from ._params import (_float_dtype, _host_method, _host_value, _int_dtype, _operand_shapes, _out_shape, _quiet,
                      _scalar_args, _shape, _size_shape, _to_out)
from ._samplers import Samplers
from ._sequences import Sequences

_U64 = (1 << 64) - 1


class Generator(Sequences, Samplers):
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
        shape = _size_shape(size, _operand_shapes(low, high))
        u = self.random(shape)
        if _scalar_args(low, high):
            low, high = float(low), float(high)
            if not np.isfinite(high - low):
                raise OverflowError("high - low range exceeds valid bounds")
            return apply("add", apply("multiply", u, high - low), low) if (low, high) != (0.0, 1.0) else u
        return apply("add", low, apply("multiply", apply("subtract", high, low), u))

    def normal(self, loc=0.0, scale=1.0, size=None) -> GpuArray:
        """Normal floats: loc + scale * z."""
        shape = _size_shape(size, _operand_shapes(loc, scale))
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
        shape = _size_shape(size, _operand_shapes(scale))
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

    def bytes(self, length) -> bytes:
        """``length`` random bytes (drawn on the device, returned as Python bytes like NumPy's)."""
        length = operator.index(length)
        if length < 0:
            raise ValueError("negative dimensions are not allowed")
        return self.integers(0, 256, size=length, dtype=np.uint8).get().tobytes() if length else b""

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
        return self.standard_exponential(_size_shape(size, _operand_shapes(*params)))

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
        shape = _size_shape(size, _operand_shapes(loc, scale))
        d = apply("subtract", self.standard_exponential(shape), self.standard_exponential(shape))
        return apply("add", loc, apply("multiply", scale, d))

    def lognormal(self, mean=0.0, sigma=1.0, size=None) -> GpuArray:
        """``exp(mean + sigma * z)``."""
        sigma = self._param(sigma, "sigma", lambda x: x < 0, "sigma < 0")
        shape = _size_shape(size, _operand_shapes(mean, sigma))
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
        v = self._open_uniform(_size_shape(size, _operand_shapes(loc, scale)))
        return apply("add", loc, apply("multiply", scale, apply("log", apply("divide", v, apply("subtract", 1.0, v)))))

    def gumbel(self, loc=0.0, scale=1.0, size=None) -> GpuArray:
        """``loc - scale * log(-log(v))``, v uniform in (0, 1)."""
        scale = self._param(scale, "scale", lambda x: x < 0, "scale < 0")
        v = self._open_uniform(_size_shape(size, _operand_shapes(loc, scale)))
        return apply("subtract", loc, apply("multiply", scale, apply("log", apply("negative", apply("log", v)))))

    def standard_cauchy(self, size=None) -> GpuArray:
        """``tan(pi * (v - 1/2))``, v uniform in (0, 1)."""
        v = self._open_uniform(_shape(size))
        return apply("tan", apply("multiply", apply("subtract", v, 0.5), math.pi))
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
        shape = _size_shape(size, _operand_shapes(left, mode, right))
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
        shape = _size_shape(size, _operand_shapes(mean, scale))
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


for _name in dir(np.random.Generator):
    if not _name.startswith("_") and not hasattr(Generator, _name) and callable(getattr(np.random.Generator, _name)):
        setattr(Generator, _name, _host_method(_name))
del _name


def default_rng(seed=None) -> Generator:
    """A new ``Generator`` seeded by ``seed`` (int, sequence of ints, SeedSequence or None for
    fresh entropy); a Generator is returned unchanged."""
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)
