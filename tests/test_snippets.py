"""Ordinary NumPy snippets, written as tutorials write them, run with ``import numpy as np`` and with
``import gpuarray as np``: every value they return must match NumPy's (dtype and shape included)."""
from __future__ import annotations

import warnings

import numpy
import pytest

import gpuarray

SNIPPETS = []


def snippet(fn):
    SNIPPETS.append(fn)
    return fn


# ----------------------------------------------------------------------------- statistics
@snippet
def describe(np):
    rng = numpy.random.default_rng(0)
    data = np.asarray(rng.normal(50, 12, size=1000).round(2))
    q1, med, q3 = np.percentile(data, [25, 50, 75])
    iqr = q3 - q1
    outliers = data[(data < q1 - 1.5 * iqr) | (data > q3 + 1.5 * iqr)]
    return (data.mean(), data.std(ddof=1), np.median(data), q1, q3, np.sort(outliers), data.min(), data.max(),
            np.ptp(data))


@snippet
def zscore_and_clip(np):
    x = np.array([[1.0, 2.0, 3.0, 40.0], [5.0, 6.0, 7.0, 8.0], [9.0, -10.0, 11.0, 12.0]])
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    return np.clip(z, -1.0, 1.0), np.abs(z).argmax(axis=1), np.round(z, 3)


@snippet
def histogram_and_cdf(np):
    rng = numpy.random.default_rng(1)
    samples = np.asarray(rng.exponential(2.0, 500))
    counts, edges = np.histogram(samples, bins=20, range=(0, 10))
    centers = (edges[:-1] + edges[1:]) / 2
    cdf = np.cumsum(counts) / counts.sum()
    return counts, centers, cdf, np.searchsorted(cdf, 0.5)


@snippet
def weighted_stats(np):
    values = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    weights = np.array([1, 2, 1, 3, 1, 1, 2, 1])
    avg = np.average(values, weights=weights)
    var = np.average((values - avg) ** 2, weights=weights)
    return avg, var, np.quantile(values, 0.5, method="inverted_cdf", weights=weights), np.bincount(weights)


@snippet
def correlation(np):
    rng = numpy.random.default_rng(2)
    x = np.asarray(rng.normal(size=200))
    y = 2 * x + np.asarray(rng.normal(scale=0.5, size=200))
    c = np.corrcoef(x, y)
    slope, intercept = np.polyfit(x, y, 1)
    return c, np.cov(x, y), slope, intercept


@snippet
def moving_average(np):
    prices = np.array([10.0, 11.5, 12.0, 11.0, 13.5, 14.0, 13.0, 15.5, 16.0, 15.0])
    window = 3
    ma = np.convolve(prices, np.ones(window) / window, mode="valid")
    cs = np.cumsum(np.insert(prices, 0, 0))
    ma2 = (cs[window:] - cs[:-window]) / window
    returns = np.diff(prices) / prices[:-1]
    return ma, ma2, returns, np.where(returns > 0, 1, -1)


@snippet
def grouped_means(np):
    groups = np.array([0, 1, 0, 2, 1, 2, 2, 0])
    vals = np.array([1.0, 4.0, 2.0, 8.0, 6.0, 7.0, 9.0, 3.0])
    sums = np.bincount(groups, weights=vals)
    counts = np.bincount(groups)
    uniq, inv = np.unique(groups, return_inverse=True)
    return sums / counts, uniq, inv, np.argsort(-sums)


# ----------------------------------------------------------------------------- image processing
@snippet
def image_normalize(np):
    img = np.arange(48, dtype=np.uint8).reshape(4, 4, 3) * 5
    f = img.astype(np.float32) / 255.0
    gray = f @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    norm = (gray - gray.min()) / (gray.max() - gray.min())
    return gray, norm, (norm * 255).astype(np.uint8), f.transpose(2, 0, 1).shape


@snippet
def image_flip_rotate_pad(np):
    img = np.arange(20).reshape(4, 5)
    return np.flipud(img), np.fliplr(img), np.rot90(img), np.pad(img, 1, mode="constant"), \
        np.pad(img, ((1, 0), (2, 1)), mode="edge"), np.roll(img, 2, axis=1)


@snippet
def image_threshold(np):
    rng = numpy.random.default_rng(3)
    img = np.asarray(rng.integers(0, 256, size=(8, 8)).astype(np.uint8))
    mask = img > 128
    out = np.zeros_like(img)
    out[mask] = 255
    coords = np.argwhere(mask)
    return out, coords, np.count_nonzero(mask), np.nonzero(mask.any(axis=1))[0]


@snippet
def box_blur(np):
    img = np.asarray(numpy.random.default_rng(4).random((6, 7)).astype(np.float32))
    p = np.pad(img, 1, mode="reflect")
    out = sum(p[i:i + 6, j:j + 7] for i in range(3) for j in range(3)) / 9
    return out, out.mean(), np.lib.stride_tricks.sliding_window_view(img, (3, 3)).mean(axis=(-2, -1))


@snippet
def grid_coordinates(np):
    yy, xx = np.mgrid[0:5, 0:7]
    cy, cx = 2, 3
    r = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    disk = r <= 2
    oy, ox = np.ogrid[0:5, 0:7]
    X, Y = np.meshgrid(np.linspace(-1, 1, 7), np.linspace(-1, 1, 5))
    return r, disk.astype(int), (oy * ox), np.hypot(X, Y), np.indices((2, 3))


@snippet
def image_histogram_equalize(np):
    img = np.asarray((numpy.random.default_rng(5).random((16, 16)) ** 2 * 255).astype(np.uint8))
    hist = np.bincount(img.ravel(), minlength=256)
    cdf = hist.cumsum()
    cdf_m = (cdf - cdf.min()) * 255 / (cdf.max() - cdf.min())
    eq = cdf_m.astype(np.uint8)[img]
    return hist, eq, np.histogram2d(img[:, 0].astype(float), img[:, 1].astype(float), bins=4)[0]


# ----------------------------------------------------------------------------- simulations
@snippet
def random_walk(np):
    rng = numpy.random.default_rng(6)
    steps = np.asarray(rng.choice([-1, 1], size=(5, 100)))
    walks = steps.cumsum(axis=1)
    crossed = (np.abs(walks) >= 10).any(axis=1)
    first = np.where(crossed, np.abs(walks).argmax(axis=1), -1)
    return walks[:, -1], walks.max(axis=1), crossed, first


@snippet
def heat_equation(np):
    n, alpha = 21, 0.2
    u = np.zeros(n)
    u[n // 2] = 100.0
    for _ in range(30):
        u[1:-1] = u[1:-1] + alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
    return u, u.sum(), np.gradient(u)


@snippet
def projectile(np):
    g, v0 = 9.81, 20.0
    angles = np.radians(np.arange(15, 90, 15))
    t_flight = 2 * v0 * np.sin(angles) / g
    rng_ = v0 ** 2 * np.sin(2 * angles) / g
    t = np.linspace(0, 1, 11)[:, None] * t_flight
    y = v0 * np.sin(angles) * t - 0.5 * g * t ** 2
    return t_flight, rng_, y.max(axis=0), np.degrees(angles[np.argmax(rng_)])


@snippet
def monte_carlo_pi(np):
    rng = numpy.random.default_rng(7)
    pts = np.asarray(rng.random((2000, 2)))
    inside = (pts ** 2).sum(axis=1) <= 1.0
    return 4 * inside.mean(), np.count_nonzero(inside), inside[:10]


@snippet
def game_of_life(np):
    z = np.zeros((8, 8), dtype=int)
    z[1, 2] = z[2, 3] = z[3, 1] = z[3, 2] = z[3, 3] = 1
    for _ in range(4):
        n = sum(np.roll(np.roll(z, i, 0), j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1) if (i, j) != (0, 0))
        z = ((n == 3) | ((z == 1) & (n == 2))).astype(int)
    return z, z.sum()


@snippet
def linear_system(np):
    a = np.array([[3.0, 1.0, -1.0], [2.0, 4.0, 1.0], [-1.0, 2.0, 5.0]])
    b = np.array([4.0, 1.0, 1.0])
    x = np.linalg.solve(a, b)
    return x, a @ x, np.linalg.norm(a @ x - b) < 1e-10, np.linalg.det(a), np.trace(a), np.linalg.inv(a) @ b


@snippet
def markov_chain(np):
    p = np.array([[0.9, 0.075, 0.025], [0.15, 0.8, 0.05], [0.25, 0.25, 0.5]])
    state = np.array([1.0, 0.0, 0.0])
    hist = [state]
    for _ in range(20):
        state = state @ p
        hist.append(state)
    return np.array(hist)[-1], np.stack(hist).shape, np.linalg.matrix_power(p, 3), np.allclose(p.sum(axis=1), 1)


# ----------------------------------------------------------------------------- data cleaning
@snippet
def fill_missing(np):
    x = np.array([1.0, np.nan, 3.0, np.nan, 5.0, 6.0, np.nan])
    mean = np.nanmean(x)
    filled = np.where(np.isnan(x), mean, x)
    idx = np.arange(len(x))
    good = ~np.isnan(x)
    interp = np.interp(idx, idx[good], x[good])
    return filled, interp, np.isnan(x).sum(), np.nan_to_num(x, nan=-1.0), np.nanargmax(x), np.nancumsum(x)


@snippet
def masked_cleaning(np):
    x = np.array([1.0, -999.0, 3.0, 4.0, -999.0, 6.0])
    m = np.ma.masked_equal(x, -999.0)
    y = np.ma.masked_invalid(np.array([1.0, np.nan, 2.0, np.inf]))
    return m.mean(), m.sum(), m.filled(0.0), m.compressed(), m.count(), y.max(), (m * 2).filled(-1.0)


@snippet
def dedupe_and_sets(np):
    a = np.array([5, 3, 5, 1, 3, 9, 7, 1])
    b = np.array([3, 4, 5, 6])
    vals, counts = np.unique(a, return_counts=True)
    return vals, counts, np.intersect1d(a, b), np.setdiff1d(a, b), np.union1d(a, b), np.isin(a, b), \
        vals[counts > 1]


@snippet
def column_ops(np):
    table = np.array([[1, 170.0, 65.0], [2, 180.0, 80.0], [3, 165.0, 55.0], [4, 175.0, 72.0]])
    bmi = table[:, 2] / (table[:, 1] / 100) ** 2
    table = np.column_stack([table, bmi])
    order = np.argsort(table[:, 3])[::-1]
    top = table[order[:2], 0].astype(int)
    return table.round(2), top, np.c_[table[:, 0], bmi > 22], np.r_[bmi, 0.0], np.vstack([bmi, bmi]).T.shape


@snippet
def outlier_scrub(np):
    x = np.array([10.0, 12.0, 11.0, 13.0, 95.0, 12.5, 11.5, -40.0, 12.0])
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    good = np.abs(x - med) / mad < 5
    return x[good], np.flatnonzero(~good), np.percentile(x, [5, 95]), np.clip(x, *np.percentile(x, [5, 95]))


@snippet
def reshape_and_aggregate(np):
    sales = np.arange(1, 25, dtype=float).reshape(2, 3, 4)  # year x store x quarter
    return sales.sum(axis=(0, 2)), sales.mean(axis=-1), sales.max(axis=0), np.apply_along_axis(np.sum, 2, sales), \
        np.apply_over_axes(np.sum, sales, [0, 2]), sales.swapaxes(0, 1).reshape(3, -1)


@snippet
def string_free_encoding(np):
    labels = np.array([2, 0, 1, 2, 1])
    onehot = np.eye(3)[labels]
    back = onehot.argmax(axis=1)
    return onehot, back, np.array_equal(back, labels), np.packbits(onehot.astype(bool), axis=1), \
        np.unravel_index(np.argmax(onehot * np.arange(5)[:, None]), onehot.shape)


@snippet
def polynomial_tools(np):
    p = np.array([1.0, -3.0, 2.0])
    x = np.linspace(-1, 3, 9)
    return np.polyval(p, x), np.polyder(p), np.polyint(p), np.roots(p), np.poly1d(p)(2.5), \
        np.polyfit(x, np.polyval(p, x), 2)


@snippet
def vector_geometry(np):
    a = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    b = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, -1.0, 0.0]])
    cos = np.einsum("ij,ij->i", a, b) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return np.cross(a, b), np.degrees(np.arccos(np.clip(cos, -1, 1))), np.outer(a[2], b[2]), \
        np.tensordot(a, b, axes=([1], [1])), np.kron(a[:2, :2], np.eye(2))


@snippet
def ufunc_methods(np):
    x = np.arange(1, 11)
    acc = np.zeros(4)
    np.add.at(acc, np.array([0, 1, 1, 3, 3, 3]), 1.0)
    return np.add.reduce(x), np.multiply.accumulate(x[:6]), np.maximum.reduce(x), np.subtract.outer(x[:3], x[:2]), \
        acc, np.add.reduceat(x, [0, 4, 7]), np.logical_and.reduce(x > 0)


@snippet
def dates_free_timeseries(np):
    t = np.arange(0, 48)  # hours
    temp = 15 + 8 * np.sin(2 * np.pi * (t - 6) / 24)
    daily = temp.reshape(2, 24)
    hot_hours = np.nonzero(daily > 20)
    return daily.max(axis=1), daily.argmax(axis=1), hot_hours[1], np.trapezoid(temp, t), \
        np.digitize(temp, [10, 15, 20])


# ----------------------------------------------------------------------------- small models
@snippet
def kmeans(np):
    rng = numpy.random.default_rng(8)
    pts = np.asarray(numpy.concatenate([rng.normal(0, 0.5, (30, 2)), rng.normal(4, 0.5, (30, 2))]))
    centers = pts[[0, 59]]
    for _ in range(5):
        d = np.linalg.norm(pts[:, None, :] - centers[None, :, :], axis=2)
        labels = d.argmin(axis=1)
        centers = np.array([pts[labels == k].mean(axis=0) for k in range(2)])
    return labels, centers, np.bincount(labels)


@snippet
def softmax_layer(np):
    rng = numpy.random.default_rng(9)
    x = np.asarray(rng.normal(size=(4, 5)).astype(np.float32))
    w = np.asarray(rng.normal(size=(5, 3)).astype(np.float32))
    b = np.zeros(3, dtype=np.float32)
    z = x @ w + b
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = np.array([0, 2, 1, 2])
    loss = -np.log(p[np.arange(4), y]).mean()
    relu = np.maximum(z, 0)
    return p, loss, p.argmax(axis=1), relu, np.tanh(z), 1 / (1 + np.exp(-z))


@snippet
def least_squares(np):
    x = np.linspace(0, 5, 20)
    y = 3 * x + 1 + np.sin(x)
    a = np.vstack([x, np.ones_like(x)]).T
    coef = np.linalg.lstsq(a, y, rcond=None)[0]
    normal = np.linalg.solve(a.T @ a, a.T @ y)
    resid = y - a @ normal
    return coef, normal, (resid ** 2).sum(), np.linalg.pinv(a) @ y


@snippet
def newton_sqrt(np):
    v = np.array([2.0, 9.0, 10.0, 0.25])
    x = np.ones_like(v)
    for _ in range(8):
        x = x - (x * x - v) / (2 * x)
    return x, np.abs(x - np.sqrt(v)).max() < 1e-12, np.isclose(x, np.sqrt(v)).all()


@snippet
def fft_lowpass(np):
    t = np.linspace(0, 1, 64, endpoint=False)
    sig = np.sin(2 * np.pi * 3 * t) + 0.5 * np.sin(2 * np.pi * 20 * t)
    spec = np.fft.rfft(sig)
    freqs = np.fft.rfftfreq(64, d=1 / 64)
    spec[freqs > 10] = 0
    return np.fft.irfft(spec, n=64), freqs, np.abs(spec).argmax()


@snippet
def sliding_windows(np):
    x = np.arange(10.0)
    win = np.lib.stride_tricks.sliding_window_view(x, 4)
    img = np.arange(36.0).reshape(6, 6)
    patches = np.lib.stride_tricks.sliding_window_view(img, (2, 2))[::2, ::2]
    return win.mean(axis=1), win.max(axis=-1), patches.max(axis=(2, 3)), patches.shape


@snippet
def records_sort(np):
    ages = np.array([31, 25, 31, 40, 25])
    scores = np.array([88.0, 92.5, 75.0, 60.0, 92.5])
    order = np.lexsort((-scores, ages))
    ranks = np.empty_like(order)
    ranks[order] = np.arange(len(order))
    return order, ranks, ages[order], np.argsort(scores, kind="stable")[::-1], np.partition(scores, 2)[:2]


@snippet
def confusion_matrix(np):
    y_true = np.array([0, 1, 2, 2, 1, 0, 1, 2])
    y_pred = np.array([0, 2, 2, 2, 1, 0, 0, 1])
    cm = np.zeros((3, 3), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    acc = np.trace(cm) / cm.sum()
    precision = np.diag(cm) / cm.sum(axis=0)
    return cm, acc, precision, np.bincount(y_true * 3 + y_pred, minlength=9).reshape(3, 3)


def _host(v):
    if isinstance(v, gpuarray.GpuArray):
        return v.get()
    get = getattr(v, "get", None)
    if callable(get) and not isinstance(v, (dict, numpy.ndarray)) and hasattr(v, "_data"):
        return get()
    if isinstance(v, (tuple, list)):
        return type(v)(_host(x) for x in v) if type(v) in (tuple, list) else [_host(x) for x in v]
    return v


def _compare(got, exp, path="result"):
    got = _host(got)
    if isinstance(exp, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(exp), f"{path}: {type(got)} {got!r}"
        for i, (g, e) in enumerate(zip(got, exp)):
            _compare(g, e, f"{path}[{i}]")
        return
    if exp is numpy.ma.masked:
        assert got is numpy.ma.masked, path
        return
    if isinstance(exp, numpy.ma.MaskedArray):
        assert isinstance(got, numpy.ma.MaskedArray), f"{path}: {type(got)}"
        numpy.testing.assert_array_equal(numpy.ma.getmaskarray(got), numpy.ma.getmaskarray(exp), err_msg=path)
        exp, got = exp.filled(0), got.filled(0)
    ge, gg = numpy.asarray(exp), numpy.asarray(got)
    assert gg.shape == ge.shape, f"{path}: shape {gg.shape} != {ge.shape}"
    if ge.dtype.kind in "biufc":
        assert gg.dtype == ge.dtype, f"{path}: dtype {gg.dtype} != {ge.dtype}"
        numpy.testing.assert_allclose(gg, ge, rtol=1e-5, atol=1e-9, equal_nan=True, err_msg=path)
    else:
        assert got == exp, path


@pytest.mark.parametrize("fn", SNIPPETS, ids=[f.__name__ for f in SNIPPETS])
def test_snippet(fn):
    exp = fn(numpy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gpuarray.FallbackWarning)
        got = fn(gpuarray)
    _compare(got, exp)


# ----------------------------------------------------------------------------- one-liners
# statements run with each module as ``np``; ``r`` (value or exception type) must match NumPy's
ONE_LINERS = [
    "a = np.arange(5.0); a[1:3] = np.array([[1, 2]]); r = a",  # leading unit axes of a value dropped
    "a = np.zeros((2, 3)); a[0] = np.ones((1, 1, 3)); r = a",
    "a = np.zeros((2, 3)); a[:] = np.ones((2, 2, 3)); r = a",
    "r = int(np.array([3.7]))",  # NumPy's rule for one element of ndim > 0
    "r = float(np.array([[3.7]]))",
    "r = float(np.array(3.7))",
    "r = np.arange(6.0).reshape((2, 3), order='F')",
    "r = np.arange(6.0).reshape(2, 3).flatten('F')",
    "r = np.ravel(np.arange(6).reshape(2, 3), order='F')",
    "r = np.arange(6).reshape(2, 3).T.ravel('A')",
    "r = np.arange(24).reshape(2, 3, 4).transpose(1, 0, 2).ravel('K')",
    "r = np.arange(5)[::-1].ravel('K')",
    "r = np.arange(24).reshape(2, 3, 4)[:, ::2].reshape(-1, order='F')",
    "r = np.arange(6).reshape(3, 2, order='K')",
    "r = np.bincount(np.arange(256, dtype=np.uint8), minlength=300)",
    "r = np.resize(np.arange(3), (2, 4))",
    "r = np.mgrid[0:1:4j, 0:3]",
    "r = np.r_[np.arange(3), 7, 0:2]",
    "r = np.ma.masked_less(np.arange(5.0), 2).sum()",
    # edge cases of the former host fallbacks: 0-d, empty, NaN, errors
    "r = np.apply_along_axis(np.sum, 0, np.arange(5.0))",
    "r = np.apply_along_axis(np.sum, 2, np.ones((2, 3)))",
    "r = np.apply_along_axis(np.std, 1, np.arange(12.0).reshape(3, 4), ddof=1)",
    "r = np.resize(np.array(5), (2, 2))",
    "r = np.resize(np.arange(4), (2, -1))",
    "r = np.histogram2d([1.0, 2, 3], [1.0, 2], bins=2)",
    "r = np.histogram2d(np.array([1.0, np.nan, 3]), np.array([1.0, 2, 3]), bins=2)",
    "r = np.histogram2d(np.array([1, 2, 3]), np.array([1, 2, 3]), bins=[np.array([0, 2, 4]), np.array([0, 1, 5])], "
    "density=True)",
    "r = np.histogramdd(np.arange(12.0).reshape(4, 3), bins=[[0, 5, 3], 2, 2])",
    "r = np.histogramdd(np.arange(3.0), bins=2)",
    "r = np.quantile(np.arange(10.0), [[0.1, 0.5], [0.9, 1.0]], method='inverted_cdf', weights=np.ones(10))",
    "r = np.quantile(np.arange(10.0), 0.5, method='inverted_cdf', weights=np.ones(9))",
    "r = np.quantile(np.arange(10.0), 1.5, method='inverted_cdf', weights=np.ones(10))",
    "r = np.quantile(np.array([np.nan, 1.0, 2.0]), 0.5, method='inverted_cdf', weights=np.ones(3))",
    "r = np.quantile(np.arange(5, dtype=np.int8), 0.3, method='inverted_cdf', weights=np.ones(5))",
    "r = np.polyder([1, 2, 3]), np.polyint([1, 2, 3], k=5)",
    "r = np.polyfit(np.arange(5), np.arange(5) ** 2, 2)",
    "r = np.polyfit(np.ones(5), np.arange(5.0), 1)",
    "r = np.bincount(np.array([0, 1, 1, 5]), weights=np.array([1.0, np.inf, -np.inf, np.nan]))",
    "r = np.trim_zeros(np.array([0, 0]), trim='f')",
    "r = np.mgrid[3:0:-1]",
    "r = np.c_[np.array(1), np.array(2)]",
    "r = np.ix_([True, False], [0, 1])",
    "r = np.matvec(np.ones((2, 3)), np.ones((4, 3)))",
]


@pytest.mark.parametrize("stmt", ONE_LINERS)
def test_one_liner(stmt):
    res = {}
    for name, mod in (("numpy", numpy), ("gpuarray", gpuarray)):
        env = {"np": mod}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", gpuarray.FallbackWarning)
                exec(stmt, env)
            res[name] = env["r"]
        except Exception as e:  # the exception's type is the result
            res[name] = type(e)
    exp, got = res["numpy"], res["gpuarray"]
    if isinstance(exp, type) and issubclass(exp, Exception):
        assert got is exp or (isinstance(got, type) and issubclass(got, exp)), (got, exp)
        return
    assert not (isinstance(got, type) and issubclass(got, Exception)), got
    _compare(got, exp)
