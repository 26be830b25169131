"""The Generator's distributions drawn by rejection on the device (gamma and what is built on it,
Poisson, binomial, negative binomial) and the remaining direct transforms (geometric, logseries,
triangular, wald). Streams differ from NumPy's, so values are checked as distributions: a
Kolmogorov-Smirnov test (continuous) or a chi-square test (discrete) against scipy.stats at fixed
seeds (deterministic: the thresholds have a wide margin), moments, edge parameters, NumPy's errors,
broadcasting, ``size=``, dtypes, reproducibility and no host fallback."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga

from conftest import HAS64
from gpuarray._device import runtime as _runtime

stats = pytest.importorskip("scipy.stats")
needs64 = pytest.mark.skipif(not HAS64, reason="device without 64-bit types")

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

N = 20_000
P_MIN = 1e-4  # KS / chi-square p-values at fixed seeds: a wrong distribution gives ~1e-20 at N


def _draw(name, *args, seed=5, size=N, **kw):
    g = ga.random.default_rng(seed)
    with ga.stats() as s:
        h = getattr(g, name)(*args, size=size, **kw).get()
    assert s.fallbacks == {}, s.fallbacks
    return h


_CONTINUOUS = {  # name: (args, scipy frozen distribution)
    "standard_gamma-2.5": ("standard_gamma", (2.5,), lambda: stats.gamma(2.5)),
    "standard_gamma-0.3": ("standard_gamma", (0.3,), lambda: stats.gamma(0.3)),
    "standard_gamma-1": ("standard_gamma", (1.0,), lambda: stats.gamma(1.0)),
    "standard_gamma-0.05": ("standard_gamma", (0.05,), lambda: stats.gamma(0.05)),
    "standard_gamma-200": ("standard_gamma", (200.0,), lambda: stats.gamma(200.0)),
    "gamma": ("gamma", (3.0, 2.0), lambda: stats.gamma(3.0, scale=2.0)),
    "beta": ("beta", (2.0, 5.0), lambda: stats.beta(2.0, 5.0)),
    "beta-small": ("beta", (0.2, 0.5), lambda: stats.beta(0.2, 0.5)),
    "chisquare": ("chisquare", (3.0,), lambda: stats.chi2(3.0)),
    "f": ("f", (4.0, 7.0), lambda: stats.f(4.0, 7.0)),
    "standard_t": ("standard_t", (5.0,), lambda: stats.t(5.0)),
    "noncentral_chisquare": ("noncentral_chisquare", (3.0, 2.0), lambda: stats.ncx2(3.0, 2.0)),
    "noncentral_chisquare-df<1": ("noncentral_chisquare", (0.5, 2.0), lambda: stats.ncx2(0.5, 2.0)),
    "noncentral_f": ("noncentral_f", (3.0, 8.0, 1.5), lambda: stats.ncf(3.0, 8.0, 1.5)),
    "triangular": ("triangular", (-1.0, 0.5, 3.0), lambda: stats.triang(0.375, loc=-1.0, scale=4.0)),
    "wald": ("wald", (1.5, 2.0), lambda: stats.invgauss(1.5 / 2.0, scale=2.0)),
    "vonmises": ("vonmises", (0.5, 2.0), lambda: stats.vonmises(2.0, loc=0.5)),
    "vonmises-tiny-kappa": ("vonmises", (0.0, 1e-9), lambda: stats.uniform(-np.pi, 2 * np.pi)),
    "vonmises-huge-kappa": ("vonmises", (1.0, 1e7), lambda: stats.norm(1.0, 1e7 ** -0.5)),
}


@needs64
@pytest.mark.parametrize("key", sorted(_CONTINUOUS))
def test_continuous_fit(key, fresh_fallback):
    name, args, dist = _CONTINUOUS[key]
    h = _draw(name, *args)
    assert h.dtype == np.float64 and h.shape == (N,)
    assert np.isfinite(h).all()
    assert stats.kstest(h, dist().cdf).pvalue > P_MIN


_DISCRETE = {  # name: (args, scipy frozen distribution)
    "poisson-3": ("poisson", (3.0,), lambda: stats.poisson(3.0)),
    "poisson-0.05": ("poisson", (0.05,), lambda: stats.poisson(0.05)),
    "poisson-40": ("poisson", (40.0,), lambda: stats.poisson(40.0)),
    "poisson-1e4": ("poisson", (1e4,), lambda: stats.poisson(1e4)),
    "binomial-small": ("binomial", (20, 0.3), lambda: stats.binom(20, 0.3)),
    "binomial-large": ("binomial", (500, 0.4), lambda: stats.binom(500, 0.4)),
    "binomial-flipped": ("binomial", (300, 0.9), lambda: stats.binom(300, 0.9)),
    "binomial-flipped-small": ("binomial", (30, 0.95), lambda: stats.binom(30, 0.95)),
    "negative_binomial": ("negative_binomial", (3.0, 0.4), lambda: stats.nbinom(3.0, 0.4)),
    "geometric": ("geometric", (0.3,), lambda: stats.geom(0.3)),
    "logseries": ("logseries", (0.7,), lambda: stats.logser(0.7)),
    "zipf": ("zipf", (2.5,), lambda: stats.zipf(2.5)),
    "poisson-5e5": ("poisson", (5e5,), lambda: stats.poisson(5e5)),
    "binomial-1e6": ("binomial", (10**6, 0.3), lambda: stats.binom(10**6, 0.3)),
    "binomial-tiny-p": ("binomial", (10**9, 2e-8), lambda: stats.binom(10**9, 2e-8)),
    "hypergeometric-large": ("hypergeometric", (10**8, 2 * 10**8, 10**6), lambda: stats.hypergeom(3 * 10**8, 10**8, 10**6)),
    "hypergeometric": ("hypergeometric", (500, 800, 300), lambda: stats.hypergeom(1300, 500, 300)),
    "hypergeometric-small": ("hypergeometric", (10, 5, 7), lambda: stats.hypergeom(15, 10, 7)),
}


def _chi2_pvalue(h, dist):
    """Chi-square goodness of fit over the values' range, bins with expected counts below 20
    merged into their neighbours."""
    lo, hi = int(h.min()), int(h.max())
    ks = np.arange(lo, hi + 1)
    obs = np.bincount(h - lo, minlength=hi - lo + 1).astype(float)
    exp = dist.pmf(ks) * h.size
    exp[0] += dist.cdf(lo - 1) * h.size
    exp[-1] += dist.sf(hi) * h.size
    o_bins, e_bins, o_acc, e_acc = [], [], 0.0, 0.0
    for o, e in zip(obs, exp):
        o_acc += o
        e_acc += e
        if e_acc >= 20:
            o_bins.append(o_acc)
            e_bins.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc and o_bins:
        o_bins[-1] += o_acc
        e_bins[-1] += e_acc
    o_bins, e_bins = np.array(o_bins), np.array(e_bins)
    e_bins *= o_bins.sum() / e_bins.sum()
    if len(o_bins) < 2:
        return 1.0
    return stats.chisquare(o_bins, e_bins).pvalue


@needs64
@pytest.mark.parametrize("key", sorted(_DISCRETE))
def test_discrete_fit(key, fresh_fallback):
    name, args, dist = _DISCRETE[key]
    h = _draw(name, *args)
    assert h.dtype == np.int64 and h.shape == (N,)
    d = dist()
    assert _chi2_pvalue(h, d) > P_MIN
    assert abs(h.mean() - d.mean()) < 6 * d.std() / np.sqrt(N)


@needs64
def test_beta_of_tiny_shapes_against_numpy(fresh_fallback):
    """Shapes far below 1: most of the mass within rounding of 0 and 1 (a few percent of the values
    are exactly 1.0, for NumPy too), which a one-sample KS test near 1 misjudges: compared with
    NumPy's own draws (two-sample KS)."""
    h = _draw("beta", 0.05, 0.08)
    ref = np.random.default_rng(0).beta(0.05, 0.08, N)
    assert np.isfinite(h).all() and (h >= 0).all() and (h <= 1).all()
    assert stats.ks_2samp(h, ref).pvalue > P_MIN
    assert abs(np.mean(h == 1.0) - np.mean(ref == 1.0)) < 0.01


@needs64
def test_dirichlet(fresh_fallback):
    alpha = np.array([0.5, 2.0, 3.5])
    h = _draw("dirichlet", alpha, size=(N,))
    assert h.shape == (N, 3) and h.dtype == np.float64
    np.testing.assert_allclose(h.sum(axis=1), 1.0, rtol=1e-12)
    for k in range(3):  # the marginals are Beta(alpha_k, sum - alpha_k)
        assert stats.kstest(h[:, k], stats.beta(alpha[k], alpha.sum() - alpha[k]).cdf).pvalue > P_MIN
    tiny = _draw("dirichlet", [1e-3, 1e-3], size=200)  # gamma variates underflow: still on the simplex
    assert np.isfinite(tiny).all()
    np.testing.assert_allclose(tiny.sum(axis=1), 1.0, rtol=1e-12)
    assert _draw("dirichlet", [1.0, 2.0], size=None).shape == (2,)
    assert _draw("dirichlet", [1.0, 0.0], size=4)[:, 1].tolist() == [0.0] * 4  # NumPy: a zero alpha gives 0
    np.testing.assert_array_equal(_draw("dirichlet", [0.0, 0.0], size=3), np.random.default_rng(0).dirichlet([0.0, 0.0], 3))


def test_float32_standard_gamma(fresh_fallback):
    h = _draw("standard_gamma", 2.5, dtype=np.float32)
    assert h.dtype == np.float32
    assert stats.kstest(h.astype(np.float64), stats.gamma(2.5).cdf).pvalue > P_MIN
    with pytest.raises(TypeError):
        ga.random.default_rng(0).standard_gamma(1.0, 3, dtype=np.int32)


@needs64
def test_edge_parameters(fresh_fallback):
    g = ga.random.default_rng(11)
    assert g.standard_gamma(0.0, 5).get().tolist() == [0.0] * 5
    assert np.isnan(g.standard_gamma(np.nan, 3).get()).all()  # NumPy passes NaN through
    tiny = g.standard_gamma(1e-3, 2000).get()
    ref = np.mean(np.random.default_rng(0).standard_gamma(1e-3, 20_000) == 0.0)  # about half underflow to 0
    assert (tiny >= 0).all() and np.isfinite(tiny).all() and abs(np.mean(tiny == 0.0) - ref) < 0.05
    huge = g.standard_gamma(1e12, 2000).get()
    assert abs(huge.mean() / 1e12 - 1) < 1e-5 and abs(huge.std() / 1e6 - 1) < 0.1
    assert g.poisson(0.0, 6).get().tolist() == [0] * 6
    big = g.poisson(1e12, 2000).get()
    assert abs(big.mean() / 1e12 - 1) < 1e-6 and abs(big.std() / 1e6 - 1) < 0.1
    assert g.binomial(0, 0.5, 4).get().tolist() == [0] * 4
    assert g.binomial(7, 0.0, 4).get().tolist() == [0] * 4
    assert g.binomial(7, 1.0, 4).get().tolist() == [7] * 4
    assert g.binomial(7.9, 1.0, 2).get().tolist() == [7, 7]  # n truncated like NumPy's int64 conversion
    b = g.binomial(10**12, 0.5, 2000).get()
    assert abs(b.mean() / 5e11 - 1) < 1e-6 and abs(b.std() / 5e5 - 1) < 0.1
    assert g.negative_binomial(2.0, 1.0, 4).get().tolist() == [0] * 4
    assert g.geometric(1.0, 4).get().tolist() == [1] * 4
    assert (g.geometric(1e-300, 10).get() == np.iinfo(np.int64).max).all()  # NumPy clips to int64's max
    assert g.logseries(0.0, 4).get().tolist() == [1] * 4
    assert g.hypergeometric(5, 5, 0, 3).get().tolist() == [0] * 3
    assert g.hypergeometric(5, 7, 12, 3).get().tolist() == [5] * 3  # the whole urn
    assert g.hypergeometric(0, 7, 4, 3).get().tolist() == [0] * 3
    assert g.zipf(2000.0, 3).get().tolist() == [1] * 3
    tiny_f = g.f(1e-3, 1e-3, 1000).get()  # both gamma variates underflow: their ratio from their logs
    assert not np.isnan(tiny_f).any() and (tiny_f >= 0).all()
    t = g.triangular(0.0, 0.0, 1.0, 1000).get()
    assert (t >= 0).all() and (t <= 1).all() and t.mean() < 0.5


_ERRORS = [
    ("standard_gamma", (-1.0,), "shape < 0"), ("gamma", (-1.0,), "shape < 0"), ("gamma", (1.0, -1.0), "scale < 0"),
    ("beta", (0.0, 1.0), "a <= 0"), ("beta", (1.0, 0.0), "b <= 0"), ("chisquare", (0.0,), "df <= 0"),
    ("f", (0.0, 1.0), "dfnum <= 0"), ("f", (1.0, 0.0), "dfden <= 0"), ("standard_t", (0.0,), "df <= 0"),
    ("dirichlet", ([1.0, -1.0],), "alpha < 0"), ("noncentral_chisquare", (0.0, 1.0), "df <= 0"),
    ("noncentral_chisquare", (1.0, -1.0), "nonc < 0"), ("noncentral_f", (0.0, 1.0, 1.0), "dfnum <= 0"),
    ("noncentral_f", (1.0, 0.0, 1.0), "dfden <= 0"), ("noncentral_f", (1.0, 1.0, -1.0), "nonc < 0"),
    ("triangular", (2.0, 1.0, 3.0), "left > mode"), ("triangular", (1.0, 3.0, 2.0), "mode > right"),
    ("triangular", (1.0, 1.0, 1.0), "left == right"), ("wald", (0.0, 1.0), "mean <= 0"),
    ("wald", (1.0, 0.0), "scale <= 0"), ("geometric", (0.0,), "p <= 0, p > 1 or p contains NaNs"),
    ("geometric", (1.5,), "p <= 0, p > 1 or p contains NaNs"), ("geometric", (np.nan,), "p <= 0, p > 1"),
    ("logseries", (1.0,), "p < 0, p >= 1 or p is NaN"), ("logseries", (-0.1,), "p < 0, p >= 1"),
    ("poisson", (-1.0,), "lam < 0 or lam is NaN"), ("poisson", (np.nan,), "lam < 0 or lam is NaN"),
    ("poisson", (1e20,), "lam value too large"), ("binomial", (-1, 0.5), "n < 0"),
    ("binomial", (1, 1.5), "p < 0, p > 1 or p is NaN"), ("binomial", (1, np.nan), "p < 0, p > 1 or p is NaN"),
    ("negative_binomial", (0.0, 0.5), "n <= 0"), ("negative_binomial", (1.0, 0.0), "p <= 0, p > 1"),
    ("vonmises", (0.0, -1.0), "kappa < 0"), ("zipf", (1.0,), "a <= 1 or a is NaN"), ("zipf", (np.nan,), "a <= 1"),
    ("hypergeometric", (1, 1, 3), "ngood \\+ nbad < nsample"), ("hypergeometric", (-1, 2, 1), "ngood < 0"),
    ("hypergeometric", (1, 2, -1), "nsample < 0"), ("hypergeometric", (10**9, 1, 1), "less than 1000000000"),
]


@pytest.mark.parametrize("name,args,msg", _ERRORS)
def test_numpy_errors(name, args, msg):
    with pytest.raises(ValueError, match=msg.replace("(", r"\(")):
        getattr(np.random.default_rng(0), name)(*args)  # (the reference)
    with pytest.raises(ValueError, match=msg.replace("(", r"\(")):
        getattr(ga.random.default_rng(0), name)(*args)
    arr = tuple(np.array([a, a]) if isinstance(a, float) else a for a in args)
    with pytest.raises(ValueError, match=msg.replace("(", r"\(")):
        getattr(ga.random.default_rng(0), name)(*arr)  # array parameters are checked too


@needs64
def test_array_parameters_broadcast(fresh_fallback):
    """Each element uses its own parameter: rows drawn with different shapes have their means."""
    g = ga.random.default_rng(4)
    shapes = np.array([0.5, 2.0, 9.0])
    h = g.standard_gamma(shapes, size=(40_000, 3)).get()
    np.testing.assert_allclose(h.mean(axis=0), shapes, rtol=0.03)
    lam = ga.asarray(np.array([[0.5], [4.0], [30.0], [500.0]]))
    p = g.poisson(lam, size=(4, 20_000)).get()
    np.testing.assert_allclose(p.mean(axis=1), [0.5, 4.0, 30.0, 500.0], rtol=0.03)
    b = g.binomial(np.array([10, 1000]), np.array([[0.2], [0.7]])).get()
    assert b.shape == (2, 2) and b.dtype == np.int64
    assert g.gamma(np.array([1.0, 2.0]), np.array([[1.0], [3.0]])).shape == (2, 2)
    assert g.beta(np.array([1.0, 2.0, 3.0]), 2.0).shape == (3,)
    nc = g.noncentral_chisquare(np.array([0.5, 4.0, 4.0]), np.array([2.0, 2.0, 0.0]), size=(30_000, 3)).get()
    np.testing.assert_allclose(nc.mean(axis=0), [2.5, 6.0, 4.0], rtol=0.03)  # df + nonc, each case
    with pytest.raises(ValueError, match="broadcast"):
        g.standard_gamma(np.ones(3), size=2)


@needs64
def test_sizes_dtypes_and_reproducibility():
    for name, args in [("standard_gamma", (2.0,)), ("poisson", (3.0,)), ("binomial", (9, 0.3)),
                       ("beta", (2.0, 3.0)), ("geometric", (0.2,))]:
        a = getattr(ga.random.default_rng(77), name)(*args, size=(3, 5)).get()
        b = getattr(ga.random.default_rng(77), name)(*args, size=(3, 5)).get()
        np.testing.assert_array_equal(a, b)
        ref = getattr(np.random.default_rng(0), name)(*args, size=(3, 5))
        assert a.shape == ref.shape and a.dtype == ref.dtype
        g = ga.random.default_rng(77)
        c, d = getattr(g, name)(*args, size=(3, 5)).get(), getattr(g, name)(*args, size=(3, 5)).get()
        assert not np.array_equal(c, d)  # successive draws are different streams
        assert getattr(g, name)(*args).shape == ()


@needs64
def test_draws_of_a_slice_are_the_draws_sliced():
    """A view of a lazy draw reads the same numbers (remapped counters and parameters)."""
    g = ga.random.default_rng(9)
    lam = ga.asarray(np.linspace(0.5, 60.0, 24).reshape(4, 6))
    x = g.poisson(lam)
    part = x[1:, ::-2]
    full = x.get()
    np.testing.assert_array_equal(part.get(), full[1:, ::-2])


def test_module_level_functions_and_no_fallback(fresh_fallback):
    ga.random.seed(3)
    with ga.stats() as s:
        assert ga.random.standard_gamma(2.0, 4).shape == (4,)
        assert ga.random.beta(2.0, 3.0, 4).shape == (4,)
        assert ga.random.poisson(2.0, 4).shape == (4,) if HAS64 else True
        assert len(ga.random.bytes(5)) == 5
    g1 = ga.random.default_rng(ga.random.SeedSequence(42))
    g2 = ga.random.default_rng(42)
    np.testing.assert_array_equal(g1.random(4).get(), g2.random(4).get())  # the same seed, as NumPy's
    if HAS64:
        assert s.fallbacks == {}


@needs64
def test_multinomial(fresh_fallback):
    """Each category's count is Binomial(n, p_k) and the counts add up to n."""
    pv = [0.2, 0.5, 0.3]
    h = _draw("multinomial", 40, pv, size=(N,))
    assert h.shape == (N, 3) and h.dtype == np.int64
    assert (h.sum(axis=1) == 40).all()
    for k in range(3):
        assert _chi2_pvalue(h[:, k], stats.binom(40, pv[k])) > P_MIN
    g = ga.random.default_rng(1)
    assert g.multinomial([3, 50], [0.2, 0.8]).shape == (2, 2)
    assert g.multinomial(5, [[0.2, 0.8], [0.5, 0.5]]).shape == (2, 2)
    assert g.multinomial(5, [1.0]).get().tolist() == [5]
    assert g.multinomial(7, [0.3, 0.3]).get().sum() == 7  # (the last category takes what is left)
    assert g.multinomial(0, [0.5, 0.5], size=3).get().tolist() == [[0, 0]] * 3
    for n, pv, msg in [(-1, [0.5, 0.5], "n < 0"), (5, [-0.1, 1.1], "pvals < 0"), (5, [np.nan, 1.0], "pvals < 0"),
                       (5, 0.5, "at least 1 dimension"), (5, [], "at least 1 dimension"), (5, [0.7, 0.6, 0.1], "pvals")]:
        with pytest.raises(ValueError, match=msg):
            np.random.default_rng(0).multinomial(n, pv)
        with pytest.raises(ValueError, match=msg):
            g.multinomial(n, pv)


@needs64
def test_multivariate_hypergeometric(fresh_fallback):
    colors = [30, 50, 20]
    h = _draw("multivariate_hypergeometric", colors, 40, size=(N,))
    assert h.shape == (N, 3) and h.dtype == np.int64 and (h.sum(axis=1) == 40).all()
    for k in range(3):  # each color's count is hypergeometric
        assert _chi2_pvalue(h[:, k], stats.hypergeom(100, colors[k], 40)) > P_MIN
    g = ga.random.default_rng(2)
    assert g.multivariate_hypergeometric([3, 4, 5], 12).get().tolist() == [3, 4, 5]
    assert g.multivariate_hypergeometric([], 0).shape == (0,)
    assert g.multivariate_hypergeometric([3, 4], 2, method="count").get().sum() == 2
    for args, kw, msg in [(([3, 4, 5], 13), {}, "nsample > sum"), (([3, -4, 5], 6), {}, "colors must be"),
                          (([3, 4, 5], -1), {}, "nsample must be nonnegative"), (([[3, 4]], 1), {}, "colors must be"),
                          (([3, 4], 1), {"method": "foo"}, "method must be")]:
        with pytest.raises(ValueError, match=msg):
            np.random.default_rng(0).multivariate_hypergeometric(*args, **kw)
        with pytest.raises(ValueError, match=msg):
            g.multivariate_hypergeometric(*args, **kw)


@needs64
def test_integers_with_array_bounds(fresh_fallback):
    """Each element in its own [low, high): uniform (chi-square per row), NumPy's bounds errors,
    full 64-bit ranges, endpoint, narrow dtypes, float bounds converted like NumPy's."""
    g = ga.random.default_rng(8)
    with ga.stats() as s:
        h = g.integers(np.array([[0], [10], [-3]]), np.array([[5], [13], [4]]), size=(3, 21_000)).get()
    assert s.fallbacks == {}
    assert h.dtype == np.int64
    for row, (lo, hi) in zip(h, [(0, 5), (10, 13), (-3, 4)]):
        assert row.min() == lo and row.max() == hi - 1
        counts = np.bincount(row - lo)
        assert stats.chisquare(counts).pvalue > P_MIN
    e = g.integers([0, 5], [3, 5], endpoint=True, size=(2000, 2)).get()
    assert set(e[:, 1].tolist()) == {5} and set(e[:, 0].tolist()) == {0, 1, 2, 3}
    big = g.integers(np.array([-2**63, 0]), np.array([2**63 - 1, 2**62]), endpoint=True, size=(4000, 2)).get()
    assert big[:, 0].min() < -2**61 and big[:, 0].max() > 2**61 and (big[:, 1] >= 0).all()
    u8 = g.integers([0, 200], [3, 256], dtype=np.uint8, size=(500, 2)).get()
    assert u8.dtype == np.uint8 and u8[:, 1].min() >= 200 and u8[:, 1].max() == 255
    assert g.integers([0.5, 1.0], [3.5, 4.0]).shape == (2,)
    np.testing.assert_array_equal(ga.random.default_rng(4).integers([0, 9], [7, 99], size=(3, 2)).get(),
                                  ga.random.default_rng(4).integers([0, 9], [7, 99], size=(3, 2)).get())
    for args, kw, msg in [(([0, 5], [3, 4]), {}, "low >= high"), (([0, 5], [3, 4]), {"endpoint": True}, "low > high"),
                          (([-1, 5], [3, 6]), {"dtype": np.uint8}, "low is out of bounds for uint8"),
                          (([0, 5], [3, 300]), {"dtype": np.uint8}, "high is out of bounds for uint8"),
                          ((0, [3, 6]), {"size": 3}, "shape mismatch")]:
        with pytest.raises(ValueError, match=msg):
            np.random.default_rng(0).integers(*args, **kw)
        with pytest.raises(ValueError, match=msg):
            g.integers(*args, **kw)


@needs64
def test_samplers_are_the_same_numbers_in_pieces():
    """Over arrays past one binding a sampler is computed box by box (its counters and parameter
    views remapped): the numbers do not depend on the segment size."""
    dev = _runtime.device()
    lam = np.linspace(0.5, 80.0, 3001)
    shapes = np.linspace(0.2, 9.0, 3001)
    kinds = [lambda g: g.poisson(ga.asarray(lam)), lambda g: g.standard_gamma(ga.asarray(shapes)[::-1]),
             lambda g: g.integers(ga.asarray(np.arange(3001)), 5000), lambda g: g.beta(2.0, ga.asarray(shapes))]
    ref = [f(ga.random.default_rng(5)).get() for f in kinds]
    old = dev.seg_bytes
    ga.sync()
    dev.seg_bytes = 8192
    try:
        with ga.stats() as st:
            got = [f(ga.random.default_rng(5)).get() for f in kinds]
        assert st.split_dispatches >= 4
    finally:
        ga.sync()
        dev.seg_bytes = old
    for a, b in zip(got, ref):
        np.testing.assert_array_equal(a, b)


@needs64
def test_standard_gamma_out_and_fused_consumers(fresh_fallback):
    g = ga.random.default_rng(13)
    out = ga.asarray(np.full(5000, -7.0))
    res = g.standard_gamma(3.0, out=out)
    assert res is out and (out.get() > 0).all()
    with pytest.raises(TypeError):
        g.standard_gamma(3.0, out=ga.asarray(np.zeros(3, np.float32)))
    # a sampler read by a fused expression and a reduction: the draw is made once
    x = g.gamma(2.0, 3.0, size=40_000)
    s = float((x * 0.5 + 1.0).sum())
    np.testing.assert_allclose(s, (x.get() * 0.5 + 1.0).sum(), rtol=1e-12)
    assert abs(s / 40_000 - 4.0) < 0.05


_SIZE_CASES = [("uniform", (0.0, [1.0, 2.0, 3.0])), ("normal", (0.0, [1.0, 2.0, 3.0])), ("exponential", ([1.0, 2.0, 3.0],)),
               ("rayleigh", ([1.0, 2.0, 3.0],)), ("laplace", (0.0, [1.0, 2.0, 3.0])), ("gumbel", (0.0, [1.0, 2.0, 3.0])),
               ("gamma", (2.0, [1.0, 2.0, 3.0])), ("beta", ([1.0, 2.0, 3.0], 2.0)), ("standard_t", ([1.0, 2.0, 3.0],)),
               ("poisson", ([1.0, 2.0, 3.0],)), ("binomial", (5, [0.1, 0.2, 0.3])), ("geometric", ([0.1, 0.2, 0.3],)),
               ("triangular", (0.0, 0.5, [1.0, 2.0, 3.0])), ("wald", (1.0, [1.0, 2.0, 3.0])),
               ("noncentral_f", (2.0, 3.0, [1.0, 2.0, 3.0])), ("vonmises", (0.0, [1.0, 2.0, 3.0]))]


@pytest.mark.parametrize("name,args", _SIZE_CASES, ids=[c[0] for c in _SIZE_CASES])
def test_size_must_hold_the_parameters_shape(name, args):
    """``size`` smaller than the parameters' broadcast shape is NumPy's ValueError; a larger one
    broadcasts them."""
    with pytest.raises(ValueError, match="shape mismatch"):
        getattr(np.random.default_rng(0), name)(*args, size=2)
    with pytest.raises(ValueError, match="shape mismatch"):
        getattr(ga.random.default_rng(0), name)(*args, size=2)
    assert getattr(ga.random.default_rng(0), name)(*args, size=(4, 3)).shape == (4, 3)


def test_discrete_samplers_without_float64_go_to_the_host(monkeypatch, fresh_fallback):
    """Where the device has no float64 the discrete samplers (which count in it) are NumPy's on the
    host from this stream: counted fallbacks, NumPy's dtypes and laws."""
    from gpuarray.random._samplers import Samplers

    monkeypatch.setattr(Samplers, "_device_floats", lambda self: False)
    ga.set_fallback("silent")
    g = ga.random.default_rng(3)
    with ga.stats() as s:
        p = g.poisson(4.0, 5000).get()
        b = g.binomial(10, 0.5, 7).get()
        m = g.multinomial(6, [0.5, 0.5], 3).get()
    assert set(s.fallbacks) == {"random.poisson", "random.binomial", "random.multinomial"}
    assert abs(p.mean() - 4.0) < 0.2 and b.shape == (7,) and (m.sum(axis=1) == 6).all()
