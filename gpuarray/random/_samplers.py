"""Distributions drawn by samplers that reject and draw again inside the kernel (a ``RandOf``
node: each element runs random_samplers.wgsl's loop on its own Philox sub-stream): gamma and what
is built on it (beta, chisquare, f, standard_t, dirichlet, the noncentral chi-square and F),
Poisson, binomial, negative binomial, zipf, hypergeometric, multinomial, multivariate
hypergeometric and von Mises. A mixin of ``Generator``. The discrete ones count in float64: on a
device without it they are NumPy's on the host (counted)."""
from __future__ import annotations

import math
import operator

import numpy as np

from .._api.creation import asarray, zeros
from .._api.manipulation import broadcast_to, stack
from .._api.reductions import max as _max, sum as _sum
from .._device import runtime as _runtime
from .._graph import dtypes as dt
from .._graph.nodes import Cast, Const
from .._kernels.random import RandOf
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from ._params import (_POISSON_LAM_MAX, _float_dtype, _host_method, _host_value, _operand_shapes, _out_shape,
                      _quiet, _scalar_args, _shape, _size_shape, _to_out, _whole)


class Samplers:
    """The rejection samplers' methods of ``Generator`` (they use its ``_words``, ``_param``,
    ``random``, ``standard_normal`` ...)."""

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
        g = self._sampled("gamma", _size_shape(size, _operand_shapes(shape, scale)), shape)
        return g if isinstance(scale, float) and scale == 1.0 else apply("multiply", g, scale)

    def _loggamma(self, shape, a) -> GpuArray:
        """log G(a): what ratios of gamma variates are computed from (finite where G underflows)."""
        return self._sampled("loggamma", shape, a)

    @_quiet
    def beta(self, a, b, size=None) -> GpuArray:
        """``X / (X + Y)`` for gamma variates X, Y, as ``1 / (1 + exp(log Y - log X))``: finite
        where both variates underflow (shapes far below 1)."""
        a = self._param(a, "a", lambda x: x <= 0, "a <= 0")
        b = self._param(b, "b", lambda x: x <= 0, "b <= 0")
        shape = _size_shape(size, _operand_shapes(a, b))
        d = apply("subtract", self._loggamma(shape, b), self._loggamma(shape, a))
        return apply("divide", 1.0, apply("add", 1.0, apply("exp", d)))

    @_quiet
    def chisquare(self, df, size=None) -> GpuArray:
        """``2 G(df / 2)``."""
        df = self._param(df, "df", lambda x: x <= 0, "df <= 0")
        return apply("multiply", self._sampled("gamma", size, apply("multiply", df, 0.5) if not isinstance(df, float) else df / 2), 2.0)

    @_quiet
    def f(self, dfnum, dfden, size=None) -> GpuArray:
        """``(chi2(dfnum) / dfnum) / (chi2(dfden) / dfden)``, the ratio of the gamma variates as the
        exponential of the difference of their logs (finite where both underflow: tiny dfs)."""
        dfnum = self._param(dfnum, "dfnum", lambda x: x <= 0, "dfnum <= 0")
        dfden = self._param(dfden, "dfden", lambda x: x <= 0, "dfden <= 0")
        shape = _size_shape(size, _operand_shapes(dfnum, dfden))
        half = [apply("multiply", d, 0.5) if not isinstance(d, float) else d / 2 for d in (dfnum, dfden)]
        ratio = apply("exp", apply("subtract", self._loggamma(shape, half[0]), self._loggamma(shape, half[1])))
        return apply("multiply", ratio, apply("divide", dfden, dfnum))

    @_quiet
    def standard_t(self, df, size=None) -> GpuArray:
        """``z * sqrt((df / 2) / G(df / 2))``."""
        df = self._param(df, "df", lambda x: x <= 0, "df <= 0")
        shape = _size_shape(size, _operand_shapes(df))
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
        top = _max(lg, axis=-1, keepdims=True)
        # (all alphas 0: every variate is 0, and so is NumPy's result)
        e = apply("exp", apply("where", apply("equal", top, -math.inf), -math.inf, apply("subtract", lg, top)))
        total = _sum(e, axis=-1, keepdims=True)
        return apply("where", apply("equal", total, 0.0), 0.0, apply("divide", e, total))

    @_quiet
    def noncentral_chisquare(self, df, nonc, size=None) -> GpuArray:
        """NumPy's construction: chi2(df) where nonc is 0; chi2(df - 1) + (z + sqrt(nonc))^2 where
        df > 1; else chi2(df + 2 Poisson(nonc / 2)) (array parameters: each element its case)."""
        df = self._param(df, "df", lambda x: x <= 0, "df <= 0")
        nonc = self._param(nonc, "nonc", lambda x: x < 0, "nonc < 0")
        shape = _size_shape(size, _operand_shapes(df, nonc))
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
        shape = _size_shape(size, _operand_shapes(dfnum, dfden, nonc))
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
        shape = _size_shape(size, _operand_shapes(n, p))
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
        shape = _size_shape(size, _operand_shapes(p))
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
        shape = _size_shape(size, _operand_shapes(n, pv[..., 0]))
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
