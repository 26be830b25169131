"""dask-distributed over GpuArray chunks: a LocalCluster of two worker processes, each on its own
device (``gpuarray.dask.cluster``: ``GPUARRAY_ADAPTER`` per worker; here both on the one adapter,
each process its own wgpu device), GpuArrays serialized between processes as host bytes; the
threaded scheduler too. Results against NumPy. One cluster for the module (worker processes are
slow to start on lavapipe), small arrays."""
from __future__ import annotations

import os

import numpy as np
import pytest

import gpuarray as ga

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
from distributed import Client  # noqa: E402
from distributed.protocol import deserialize, serialize  # noqa: E402

F = np.float32
RTOL = 2e-4


def _host(shape, seed):
    h = np.random.default_rng(seed).uniform(-2, 2, shape).astype(F)
    return h


def _pipeline(x):
    """elementwise + reductions + matmul + rechunk + map_blocks, as dask graphs over x's chunks."""
    y = da.sin(x) * 2 + x ** 2
    return [
        y,
        y.sum(axis=0),
        x.max(axis=1),
        x.mean(),
        x @ x.T,
        x.rechunk((x.shape[0], 7)),
        x.map_blocks(lambda b: b - b.min(), dtype=x.dtype),
        (x.T @ y).std(axis=0),
    ]


def _check(got, want):
    for g, w in zip(got, want):
        assert isinstance(g, ga.GpuArray), type(g)
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        np.testing.assert_allclose(g.get(), w, rtol=RTOL, atol=RTOL)


# ---------------------------------------------------------------- serialization alone
@pytest.mark.parametrize("make", [
    lambda: np.array([1.5, -0.0, np.nan, np.inf], np.float32),
    lambda: np.arange(12, dtype=np.int8).reshape(3, 4) - 6,
    lambda: np.array([True, False, True]),
    lambda: (np.arange(6) + 1j * np.arange(6)).astype(np.complex64).reshape(2, 3),
    lambda: np.array(-7, np.int32),
    lambda: np.zeros((0, 5), np.uint16),
], ids=["f32", "i8", "bool", "c64", "0d", "empty"])
def test_serialization_is_host_bytes_and_back(make):
    h = make()
    x = ga.asarray(h)
    with ga.stats() as s:
        header, frames = serialize(x)
    assert header["serializer"] == "dask"
    assert s.serialized_bytes == h.nbytes and sum(memoryview(f).nbytes for f in frames) == h.nbytes
    with ga.stats() as s:
        y = deserialize(header, [bytes(f) for f in frames])
    assert s.deserialized_bytes == h.nbytes
    assert isinstance(y, ga.GpuArray) and y.dtype == h.dtype and y.shape == h.shape
    np.testing.assert_array_equal(y.get(), h)


def test_serialization_of_views_and_expressions():
    h = _host((9, 8), 3)
    x = ga.asarray(h)
    for v, w in ((x[::2, 1::3].T, h[::2, 1::3].T), (ga.exp(x) - 1, np.exp(h) - 1)):
        y = deserialize(*serialize(v))
        np.testing.assert_allclose(y.get(), w, rtol=1e-6, atol=1e-6)


def test_serialization_onto_the_current_device():
    d1 = ga.Device(ga.default_device().index, slot=1)
    x = ga.asarray(_host((4, 3), 4))
    header, frames = serialize(x)
    with ga.device(d1):
        y = deserialize(header, frames)
    assert y.device == d1
    np.testing.assert_array_equal(y.get(), x.get())


# ---------------------------------------------------------------- the threaded scheduler
def test_threaded_scheduler_pipeline():
    h = _host((30, 20), 1)
    x = da.from_array(h, chunks=(10, 10)).map_blocks(ga.asarray, dtype=h.dtype, meta=ga.empty((0, 0), F))
    got = dask.compute(*_pipeline(x), scheduler="threads", num_workers=2)
    want = dask.compute(*_pipeline(da.from_array(h, chunks=(10, 10))), scheduler="sync")
    _check(got, want)


# ---------------------------------------------------------------- two worker processes
@pytest.fixture(scope="module")
def client():
    d0 = ga.default_device()
    cl = ga.dask.cluster(adapters=[d0.index, d0.index], memory_limit="2GiB", device_memory_limit=512 << 20)
    try:
        with Client(cl) as c:
            yield c
    finally:
        cl.close()


def _worker_state():
    import gpuarray
    from gpuarray._device import runtime

    d = runtime.device()
    t = gpuarray._device.stats.totals()
    return {"adapter": os.environ.get("GPUARRAY_ADAPTER"), "index": d.index, "memory_limit": d.memory_limit,
            "dispatches": t["dispatches"], "serialized": t["serialized_bytes"],
            "deserialized": t["deserialized_bytes"], "pid": os.getpid()}


def test_cluster_workers_choose_their_adapter(client):
    d0 = ga.default_device()
    info = client.scheduler_info(n_workers=-1)["workers"]
    assert len(info) == 2
    assert all(w["memory_limit"] == 2 << 30 and w["nthreads"] == 1 for w in info.values())
    states = client.run(_worker_state)
    assert len({s["pid"] for s in states.values()} | {os.getpid()}) == 3  # two processes, not this one
    for s in states.values():
        assert s["adapter"] == str(d0.index) and s["index"] == d0.index and s["memory_limit"] == 512 << 20


def test_cluster_pipeline_matches_numpy(client):
    h = _host((40, 28), 2)
    x = da.from_array(h, chunks=(10, 14)).map_blocks(ga.asarray, dtype=h.dtype, meta=ga.empty((0, 0), F))
    x = x.persist()  # chunks made on the workers, as GpuArrays, on their devices
    kinds = client.run(lambda dask_worker: sorted({type(v).__name__ for v in dask_worker.data.values()}))
    assert all(k == ["GpuArray"] for k in kinds.values() if k), kinds
    before = client.run(_worker_state)
    got = client.compute(_pipeline(x), sync=True)
    want = dask.compute(*_pipeline(da.from_array(h, chunks=(10, 14))), scheduler="sync")
    _check(got, want)
    after = client.run(_worker_state)
    # both workers computed on their devices; chunks crossed between them as serialized GpuArrays
    assert all(after[w]["dispatches"] > before[w]["dispatches"] for w in after)
    assert sum(after[w]["serialized"] - before[w]["serialized"] for w in after) > 0
    assert sum(after[w]["deserialized"] - before[w]["deserialized"] for w in after) > 0


def test_multi_gpu_bench_graphs_at_tiny_sizes(client):
    """bench/multi_gpu.py's Dask graphs (chunks made on the workers) give the same values on the
    cluster as with the threaded scheduler in this process."""
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).parents[1] / "bench" / "multi_gpu.py"
    spec = importlib.util.spec_from_file_location("multi_gpu", path)
    mg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mg)
    for name, graph in mg.GRAPHS.items():
        g = graph(da, "gpuarray", mg.SIZES["tiny"][name])
        on_cluster = float(client.compute(g, sync=True))
        local = float(dask.compute(g, scheduler="threads")[0])
        assert np.isfinite(local) and local != 0, name
        assert on_cluster == pytest.approx(local, rel=1e-5), name


def test_cluster_arguments_checked_before_any_process_starts():
    d0 = ga.default_device()
    assert d0.index in ga.dask.gpu_adapters()
    assert all(ga.Device(i).backend == d0.backend for i in ga.dask.gpu_adapters())
    with pytest.raises(ValueError, match="empty"):
        ga.dask.cluster(adapters=[])
    with pytest.raises(ValueError, match="n_workers=3"):
        ga.dask.cluster(n_workers=3, adapters=[d0.index, d0.index])
    with pytest.raises(ValueError, match="matches none"):
        ga.dask.cluster(adapters=["no-such-adapter"])


@pytest.mark.parametrize("order", ["import gpuarray, dask.array; import distributed", "import distributed; import gpuarray"])
def test_serialization_registered_whichever_is_imported_first(order):
    import pathlib
    import subprocess
    import sys

    code = (order + "\nimport gpuarray as ga, numpy as np, sys\nfrom distributed.protocol import serialize\n"
            "h, f = serialize(ga.arange(5))\nprint(h['serializer'], 'dask' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       cwd=str(pathlib.Path(ga.__file__).parents[1]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == "dask"
