"""xarray DataArrays over GpuArrays: the same pipelines as over NumPy data, results whose
``.data`` stays a GpuArray, no host fallback on the way."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga

xr = pytest.importorskip("xarray")

from conftest import HAS64  # noqa: E402

F = np.float64 if HAS64 else np.float32
RTOL = 1e-10 if HAS64 else 2e-5


def _host():
    rng = np.random.default_rng(11)
    h = rng.uniform(-3, 3, (7, 5)).astype(F)
    h[1, 2] = np.nan
    h[4, 0] = np.nan
    return h


def _da(data):
    return xr.DataArray(data, dims=("t", "x"),
                        coords={"t": np.arange(7), "x": np.arange(5) * 10.0, "grp": ("t", [0, 1, 0, 1, 2, 2, 0])},
                        name="v")


PIPELINES = {
    "mean": lambda d: d.mean(),
    "mean_t": lambda d: d.mean("t"),
    "sum_x": lambda d: d.sum("x"),
    "sum_noskip": lambda d: d.sum("x", skipna=False),
    "std": lambda d: d.std(),
    "std_t_ddof": lambda d: d.std("t", ddof=1),
    "var_x": lambda d: d.var("x"),
    "max_x": lambda d: d.max("x"),
    "min_t": lambda d: d.min("t"),
    "prod_x": lambda d: d.prod("x"),
    "cumsum_t": lambda d: d.cumsum("t"),
    "cumprod_x": lambda d: (d / 3).cumprod("x"),
    "arith": lambda d: d * 2 + d / (abs(d) + 1) - d.isel(t=0),
    "where": lambda d: d.where(d > 0),
    "where_other": lambda d: d.where(d > 0, -1.0),
    "isel": lambda d: d.isel(t=slice(1, 5), x=[0, 2, 3]),
    "sel": lambda d: d.sel(x=slice(10, 30)),
    "concat": lambda d: xr.concat([d, d * 2], dim="t"),
    "rolling_mean": lambda d: d.rolling(t=3).mean(),
    "rolling_sum_center": lambda d: d.rolling(t=3, center=True).sum(),
    "rolling_min_periods": lambda d: d.rolling(x=2, min_periods=1).mean(),
    "rolling_2d": lambda d: d.rolling(t=2, x=3).max(),
    "groupby_mean": lambda d: d.groupby("grp").mean(),
    "groupby_sum": lambda d: d.groupby("grp").sum("t"),
    "transpose": lambda d: d.T * 1,
    "fillna": lambda d: d.fillna(0.5),
    "median_x": lambda d: d.median("x"),
    "rolling_median": lambda d: d.rolling(t=3).median(),
    "dot": lambda d: xr.dot(d.fillna(0), d.fillna(1), dim="x"),
    "weighted_mean": lambda d: d.weighted(d.isel(x=0).fillna(0) ** 2).mean("t"),
    "coarsen": lambda d: d.coarsen(x=2, boundary="trim").mean(),
    "shift_diff": lambda d: d.shift(t=1) - d.diff("t"),
    "rolling_std": lambda d: d.rolling(t=3).std(),
    "dataset": lambda d: xr.Dataset({"a": d, "b": d * 2}).mean("t")["b"],
}


# bytes a pipeline reads back by design: weighted() checks `isnull(weights).any()` on the host
READS = {"weighted_mean": 1}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_numpy(name):
    f = PIPELINES[name]
    h = _host()
    with ga.stats() as s:
        got = f(_da(ga.asarray(h)))
        data = got.data
        assert isinstance(data, ga.GpuArray), type(data)
    expected = f(_da(h))
    assert s.fallbacks == {}, s.fallbacks
    assert s.bytes_from_device == READS.get(name, 0), s
    assert got.dims == expected.dims
    for c in expected.coords:
        np.testing.assert_array_equal(np.asarray(got.coords[c].values), expected.coords[c].values)
    g = data.get()
    assert g.dtype == expected.values.dtype
    np.testing.assert_allclose(g, expected.values, rtol=RTOL, atol=RTOL, equal_nan=True)


def test_argmax_stays_on_device():
    h = _host()
    with ga.stats() as s:
        got = _da(ga.asarray(h)).argmax("t")
    assert isinstance(got.data, ga.GpuArray) and s.fallbacks == {}
    np.testing.assert_array_equal(got.data.get(), _da(h).argmax("t").values)


def test_rolling_construct_is_a_read_only_view():
    h = _host()
    d = _da(ga.asarray(h))
    w = d.rolling(t=3).construct("win")
    assert isinstance(w.data, ga.GpuArray)
    np.testing.assert_array_equal(w.data.get(), _da(h).rolling(t=3).construct("win").values)


def test_repr_shows_values():
    h = _host()
    r = repr(_da(ga.asarray(h)))
    assert r.startswith("<xarray.DataArray 'v' (t: 7, x: 5)>")
    assert "GpuArray(" in r and "nan" in r


def test_dask_backed_dataarray():
    pytest.importorskip("dask.array")
    h = _host()
    d = _da(ga.asarray(h)).chunk({"t": 3})
    e = _da(h).chunk({"t": 3})
    f = lambda a: (a * 2).mean("t") + a.sum("x").max()  # noqa: E731
    got = f(d).compute(scheduler="synchronous")
    assert isinstance(got.data, ga.GpuArray)
    np.testing.assert_allclose(got.data.get(), f(e).compute(scheduler="synchronous").values, rtol=RTOL)


def test_dataset_repr_reads_a_few_values_only():
    h = (np.arange(200_000, dtype=np.float32) / 7).reshape(400, 500)
    ds = xr.Dataset({"v": (("a", "b"), ga.asarray(h)), "w": ("a", ga.asarray(np.arange(400) - 3))})
    with ga.stats() as s:
        r = repr(ds)
    assert s.bytes_from_device < 1024, s  # not the 800 kB of data
    line_v = next(line for line in r.splitlines() if line.strip().startswith("v "))
    assert "0.14285715" in line_v and line_v.endswith("...")
    line_w = next(line for line in r.splitlines() if line.strip().startswith("w "))
    assert "-3 -2 -1 0 1" in line_w
    assert "2.5" in repr(xr.Dataset({"z": ((), ga.asarray(np.float32(2.5)))}))
