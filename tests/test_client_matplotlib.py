"""matplotlib (Agg) draws GpuArrays as it draws NumPy arrays: the same artists' data for 1-D, 2-D
and 0-d values (line data, collection offsets and sizes, image arrays, bar rectangles, hist counts
and bins, boxplot whiskers, reference lines, limits, text positions)."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import sample

import gpuarray as ga

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


def _data():
    rng = np.random.default_rng(11)
    x = sample((41,), np.float32, rng, low=-3, high=3)
    y = sample((41,), np.float64, rng, low=-5, high=5)
    y[7] = np.nan
    im = sample((7, 9), np.float64, rng, low=0, high=1)
    return x, y, im


def _figure_data(ax, ret):
    """Everything a figure shows, as host values, in a comparable form."""
    out = {"xlim": ax.get_xlim(), "ylim": ax.get_ylim()}
    out["lines"] = [np.asarray(ln.get_xydata(), dtype=float) for ln in ax.get_lines()]
    out["collections"] = [(np.asarray(c.get_offsets(), dtype=float),
                           [np.asarray(p.vertices, dtype=float) for p in c.get_paths()],
                           np.asarray(c.get_sizes() if hasattr(c, "get_sizes") else [], dtype=float),
                           None if c.get_array() is None else np.asarray(c.get_array(), dtype=float))
                          for c in ax.collections]
    out["images"] = [np.asarray(im.get_array(), dtype=float) for im in ax.get_images()]
    out["patches"] = [np.asarray(p.get_path().transformed(p.get_patch_transform()).vertices, dtype=float)
                      for p in ax.patches]
    out["texts"] = [(tuple(float(v) for v in t.get_position()), t.get_text()) for t in ax.texts]

    def host(r):
        if isinstance(r, dict):
            return {k: host(v) for k, v in r.items()}
        if isinstance(r, (list, tuple)):
            return [host(v) for v in r]
        if isinstance(r, (np.ndarray, ga.GpuArray, np.generic, float, int)):
            return np.asarray(r, dtype=float)
        return type(r).__name__  # an artist: its data is compared above
    out["returned"] = host(ret)
    return out


def _assert_same_data(a, b, path="figure"):
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            _assert_same_data(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), (path, len(a), len(b))
        for i, (u, v) in enumerate(zip(a, b)):
            _assert_same_data(u, v, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        b = np.asarray(b)
        assert a.shape == b.shape, (path, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=1e-6, equal_nan=True, err_msg=path)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-12), (path, a, b)
    else:
        assert a == b, (path, a, b)


CALLS = {
    "plot": lambda ax, x, y, im: ax.plot(x, y, "o-"),
    "plot_2d": lambda ax, x, y, im: ax.plot(im),
    "plot_view": lambda ax, x, y, im: ax.plot(x[::-6], im[:, 2]),
    "scatter": lambda ax, x, y, im: ax.scatter(x, y, s=abs(x) * 10 + 1, c=x * 2),
    "imshow": lambda ax, x, y, im: ax.imshow(im),
    "imshow_view": lambda ax, x, y, im: ax.imshow(im.T[::2]),
    "hist": lambda ax, x, y, im: ax.hist(x, bins=7),
    "hist_2d": lambda ax, x, y, im: ax.hist(im, bins=5),
    "hist_range_weights": lambda ax, x, y, im: ax.hist(x, bins=4, range=(x.min(), x.max()), weights=abs(x)),
    "boxplot": lambda ax, x, y, im: ax.boxplot(im),
    "boxplot_1d": lambda ax, x, y, im: ax.boxplot(x),
    "bar": lambda ax, x, y, im: ax.bar(im[0] * 0 + np.arange(9), im[0], width=0.5),
    "bar_bottom": lambda ax, x, y, im: ax.bar(np.arange(9), im[1], bottom=im[2]),
    "barh": lambda ax, x, y, im: ax.barh(np.arange(9), im[3]),
    "axhline": lambda ax, x, y, im: ax.axhline(x[3]),
    "axvline_reduction": lambda ax, x, y, im: ax.axvline(x.max()),
    "hlines": lambda ax, x, y, im: ax.hlines(x[:4], im[0, 0], im[0, 1]),
    "set_xlim": lambda ax, x, y, im: ax.set_xlim(x.min(), x.max()),
    "set_ylim_tuple": lambda ax, x, y, im: ax.set_ylim((im[0, 0], im.max() * 2)),
    "text": lambda ax, x, y, im: ax.text(x[0], im.mean(), "label"),
    "hist_list_of_0d": lambda ax, x, y, im: ax.hist([x[i] for i in range(9)], bins=3),
    "boxplot_list_of_0d": lambda ax, x, y, im: ax.boxplot([im[i, 1] for i in range(7)]),
    "plot_0d": lambda ax, x, y, im: ax.plot(x[2], y[2], "o"),
    "scatter_0d": lambda ax, x, y, im: ax.scatter(x[1], im[2, 2]),
    "axvspan_0d": lambda ax, x, y, im: ax.axvspan(x.min(), x[0]),
    "fill_between": lambda ax, x, y, im: ax.fill_between(np.arange(9), im[0], im[1]),
    "errorbar": lambda ax, x, y, im: ax.errorbar(np.arange(9), im[0], yerr=im[1] / 10),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_figure_data_same_as_numpy(name):
    x, y, im = _data()
    fn = CALLS[name]
    results = []
    for args in ((x, y, im), (ga.asarray(x), ga.asarray(y), ga.asarray(im))):
        fig, ax = plt.subplots()
        try:
            ret = fn(ax, *args)
            fig.canvas.draw()
            results.append(_figure_data(ax, ret))
        finally:
            plt.close(fig)
    _assert_same_data(results[1], results[0])


def test_hist_of_a_0d_value_is_one_dataset():
    """A 0-d value is a scalar to matplotlib (np.iterable is False), not a list of datasets."""
    x, _, _ = _data()
    for xp in (np, ga):
        v = xp.asarray(x)[5]
        assert np.iterable(v) is False
    fig, ax = plt.subplots()
    try:
        counts, bins, _ = ax.hist(ga.asarray(x)[4:12], bins=3)
        want_counts, want_bins = np.histogram(x[4:12], bins=3)
        np.testing.assert_array_equal(np.asarray(counts), want_counts)
        np.testing.assert_allclose(np.asarray(bins), want_bins, rtol=1e-6)
    finally:
        plt.close(fig)
