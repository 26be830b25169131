"""dask.array over GpuArray chunks: the same pipelines as on NumPy chunks, chunks and results
staying GpuArrays, tokens without reading the data, registration without importing dask."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import gpuarray as ga

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
from dask.base import tokenize  # noqa: E402

from conftest import HAS64  # noqa: E402

F = np.float64 if HAS64 else np.float32
RTOL = 1e-10 if HAS64 else 2e-5


def _host(rng=None, shape=(7, 5)):
    rng = rng or np.random.default_rng(7)
    return rng.uniform(-3, 3, shape).astype(F)


def _pair(shape=(7, 5), chunks=(3, 2)):
    h = _host(shape=shape)
    return da.from_array(ga.asarray(h), chunks=chunks), da.from_array(h, chunks=chunks)


def _check(got, expected, rtol=RTOL):
    assert isinstance(got, ga.GpuArray), type(got)
    g = got.get()
    assert g.shape == np.shape(expected)
    assert g.dtype == np.asarray(expected).dtype, (g.dtype, np.asarray(expected).dtype)
    np.testing.assert_allclose(g, expected, rtol=rtol, atol=rtol)


# ------------------------------------------------------------------ registration
def _run(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       cwd=str(__import__("pathlib").Path(ga.__file__).parents[1]))
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_import_gpuarray_does_not_import_dask():
    assert _run("import sys, gpuarray; print('dask' in sys.modules, 'dask.array' in sys.modules)") == "False False"


@pytest.mark.parametrize("order", ["import gpuarray; import dask.array", "import dask.array; import gpuarray",
                                   "import dask; import gpuarray; import dask.array",
                                   "import gpuarray, importlib.util; importlib.util.find_spec('dask.array'); "
                                   "import dask.array"])
def test_registered_whichever_is_imported_first(order):
    out = _run(order + "\nfrom dask.array.chunk_types import is_valid_chunk_type\n"
               "from dask.array.dispatch import concatenate_lookup\nimport gpuarray as ga\n"
               "print(is_valid_chunk_type(ga.GpuArray), concatenate_lookup.dispatch(ga.GpuArray) is ga.concatenate)")
    assert out == "True True"


def test_meta_and_chunk_type():
    x = ga.asarray(_host())
    d = da.from_array(x, chunks=(3, 2))
    assert isinstance(d._meta, ga.GpuArray)
    assert d._meta.dtype == x.dtype and d._meta.ndim == 2
    assert "chunktype=gpuarray.GpuArray" in repr(d)
    blocks = d.to_delayed().ravel()
    b = blocks[-1].compute(scheduler="synchronous")
    assert isinstance(b, ga.GpuArray) and b.shape == (1, 1)


# ------------------------------------------------------------------ tokens
def test_tokenize_reads_nothing():
    x = ga.asarray(_host())
    x.get()
    with ga.stats() as s:
        t1 = tokenize(x)
        t2 = tokenize(x)
        d = da.from_array(x, chunks=(3, 2))
    assert t1 == t2
    assert s.bytes_from_device == 0 and s.bytes_to_device == 0, s
    # from_array copies its input (on the device here), so later writes to x do not reach d, as with NumPy
    h = x.get()
    x[0, 0] = 1.5
    np.testing.assert_array_equal(d.compute(scheduler="synchronous").get(), h)


def test_token_changes_after_in_place_writes():
    x = ga.asarray(_host())
    v = x[1:4]
    seen = {tokenize(x)}
    tv = tokenize(v)

    def step(write):
        write()
        t = tokenize(x)
        assert t not in seen
        seen.add(t)

    step(lambda: x.__setitem__((0, 0), 5.0))
    step(lambda: x.__iadd__(1.0))
    step(lambda: np.add(x, 1.0, out=x))
    step(lambda: x.__setitem__(x > 0, 0.5))  # masked write
    step(lambda: x.__setitem__((np.array([0, 2]), 1), 7.0))  # scatter
    step(lambda: ga.sum(ga.asarray(_host()), axis=1, out=x[:, 0]))  # reduction out=
    step(lambda: x.sort(axis=1))
    assert tokenize(v) != tv  # a view of the written buffer changes with it


def test_token_equal_for_same_view_different_for_other_views():
    x = ga.asarray(_host(shape=(6, 6)))
    assert tokenize(x[1:4, ::2]) == tokenize(x[1:4, ::2])
    views = [x, x[1:], x[:-1], x[:, ::2], x.T, x[::-1], x.reshape(36), x.reshape(4, 9), x[0], x[:, 0]]
    tokens = [tokenize(v) for v in views]
    assert len(set(tokens)) == len(tokens)
    y = ga.asarray(_host(shape=(6, 6)))  # same values, another buffer
    assert tokenize(y) != tokenize(x)
    assert tokenize(x.astype(np.float32)) != tokenize(x)


def test_token_of_a_queued_reduction_is_stable():
    x = ga.asarray(_host())
    y = ga.sum(x, axis=0)  # queued until something records or reads
    t = tokenize(y)
    z = ga.max(x, axis=1)  # another queued reduction, recorded later
    assert tokenize(y) == t
    np.testing.assert_allclose(z.get(), _host().max(axis=1))
    assert tokenize(y) == t


def test_token_of_lazy_array_evaluates_on_device_only():
    x = ga.asarray(_host())
    y = x * 2 + 1
    assert y.is_lazy
    with ga.stats() as s:
        t = tokenize(y)
    assert s.bytes_from_device == 0
    assert t == tokenize(y)
    np.testing.assert_allclose(y.get(), _host() * 2 + 1)


# ------------------------------------------------------------------ pipelines
PIPELINES = {
    "elementwise": lambda d: (d * 2 - 1) / (abs(d) + 1),
    "ufunc": lambda d: np.exp(d) + np.sin(d) * d,
    "sum": lambda d: d.sum(),
    "sum_axis0": lambda d: d.sum(axis=0),
    "mean_axis1": lambda d: d.mean(axis=1),
    "std": lambda d: d.std(),
    "var_axis0": lambda d: d.var(axis=0, ddof=1),
    "max_axis0": lambda d: d.max(axis=0),
    "min": lambda d: d.min(),
    "argmax_axis0": lambda d: d.argmax(axis=0),
    "argmin_axis1": lambda d: d.argmin(axis=1),
    "argmax_all": lambda d: d.argmax(),
    "nanargmin_all": lambda d: da.nanargmin(d),
    "matmul": lambda d: d @ d.T,
    "dot": lambda d: da.dot(d.T, d),
    "tensordot": lambda d: da.tensordot(d, d, axes=([0], [0])),
    "rechunk": lambda d: d.rechunk((2, 5)) + 0,
    "map_blocks": lambda d: d.map_blocks(lambda b: b * b + 1),
    "concatenate": lambda d: da.concatenate([d, d * 2], axis=1),
    "stack": lambda d: da.stack([d, -d], axis=1),
    "transpose_slice": lambda d: d.T[1:4, ::2],
    "where": lambda d: da.where(d > 0, d, -1),
    "cumsum": lambda d: d.cumsum(axis=0),
    "nansum": lambda d: da.nansum(da.where(d > 2, np.nan, d), axis=0),
    "nanmean": lambda d: da.nanmean(da.where(d > 2, np.nan, d), axis=1),
    "reshape": lambda d: d.reshape(35),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_numpy(name):
    f = PIPELINES[name]
    dg, dn = _pair()
    with ga.stats() as s:
        got = f(dg).compute(scheduler="synchronous")
    _check(got, f(dn).compute(scheduler="synchronous"))
    assert s.fallbacks == {}, s.fallbacks
    if "arg" not in name:  # dask's arg reductions index by the found positions (index bounds checks read back)
        assert s.bytes_from_device == 0, s


@pytest.mark.parametrize("sub", ["ij,ij->i", "ij,kj->ik", "ij->j", "ij,jk"])
def test_einsum_matches_numpy(sub):
    """einsum chunks run through gpuarray.einsum (dask passes dtype=, casting=, optimize=)."""
    dg, dn = _pair()
    ops = (dg, dg.T) if sub == "ij,jk" else (dg,) * sub.split("->")[0].count(",") + (dg,)
    nops = (dn, dn.T) if sub == "ij,jk" else (dn,) * len(ops)
    with ga.stats() as s:
        got = da.einsum(sub, *ops).compute(scheduler="synchronous")
    assert s.fallbacks == {}, s.fallbacks
    _check(got, da.einsum(sub, *nops).compute(scheduler="synchronous"))


def test_compute_of_from_array_returns_gpuarray_unchanged_values():
    h = _host()
    x = ga.asarray(h)
    got = da.from_array(x, chunks=(4, 3)).compute(scheduler="synchronous")
    assert isinstance(got, ga.GpuArray)
    np.testing.assert_array_equal(got.get(), h)


@pytest.mark.parametrize("form", ["gpu+dask", "dask+gpu", "np.add", "gpu*dask", "gpu@dask"])
def test_mixed_operands_give_dask_arrays(form):
    h = _host()
    x = ga.asarray(h)
    o = np.linspace(-1, 1, h.size).reshape(h.shape).astype(F)
    d = da.from_array(o, chunks=3)
    res = {"gpu+dask": lambda: x + d, "dask+gpu": lambda: d + x, "np.add": lambda: np.add(x, d),
           "gpu*dask": lambda: x * d, "gpu@dask": lambda: x @ d.T}[form]()
    assert isinstance(res, da.Array)
    expected = {"gpu+dask": h + o, "dask+gpu": o + h, "np.add": h + o, "gpu*dask": h * o, "gpu@dask": h @ o.T}[form]
    _check(res.compute(scheduler="synchronous"), expected)


def test_binary_operators_defer_to_dask():
    x = ga.asarray(_host())
    d = da.ones(x.shape, chunks=3, dtype=F)
    assert x.__add__(d) is NotImplemented
    assert x.__array_ufunc__(np.add, "__call__", x, d) is NotImplemented


def _threaded_pipeline(scheduler):
    rng = np.random.default_rng(3)
    h = rng.uniform(-1, 1, (64, 48)).astype(F)
    dg = da.from_array(ga.asarray(h), chunks=(8, 12))
    dn = da.from_array(h, chunks=(8, 12))
    f = lambda d: ((d * 3 + 1) ** 2).sum(axis=0) + (d @ d.T).mean(axis=1)[:48]  # noqa: E731
    for _ in range(3):
        _check(f(dg).compute(scheduler=scheduler), f(dn).compute(scheduler="synchronous"), rtol=1e-4)


def test_synchronous_scheduler_pipeline():
    _threaded_pipeline("synchronous")


def test_threaded_scheduler_pipeline():
    """dask's default scheduler runs chunk tasks on a thread pool: the device lock
    (``_runtime.CRITICAL``) serializes their recording, submission and transfers."""
    _threaded_pipeline("threads")
    with dask.config.set(num_workers=8):
        _threaded_pipeline("threads")
