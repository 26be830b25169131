"""Several GPUs of one machine through dask-distributed: one worker process per GPU.

Workloads as Dask graphs over 1, 2, 4, 8 GPUs, gpuarray (``gpuarray.dask.cluster``: each worker's
``GPUARRAY_ADAPTER``) and dask + CuPy (each worker's ``CUDA_VISIBLE_DEVICES``) in the same run:

- ``image4k``: B images (chunks of whole images), per-image mean/std, normalization, gamma curve,
  MSE; each chunk is independent (no traffic but the final scalars);
- ``montecarlo``: M paths (chunks of paths) of T steps of geometric Brownian motion, the payoff's
  mean; independent chunks;
- ``sgemm``: C = A @ B of N x N float32 in blocks (dask's blocked matmul: blocks travel between
  workers, through the host for gpuarray), then C's sum.

Chunks are made on the workers (each block's generator seeded by its index), so the client sends
no data. Times: the median of ``--repeats`` computations after one warm-up (compiles), wall clock
on the client; speedup against the same library on 1 GPU.

    python bench/multi_gpu.py                           # full sizes, 1/2/4/8 GPUs (as many as there are)
    python bench/multi_gpu.py --size tiny --gpus 1,2 --libs gpuarray --adapters 0,0   # CPU adapter check
    python bench/multi_gpu.py --transfer 16,256,1024 --workloads none   # to_device GPU -> GPU (through the host)

``--adapters`` lists the adapter of each worker (default: every GPU adapter of one backend,
``gpuarray.dask.gpu_adapters()``); on a machine with one adapter, repeating it runs several workers
(each its own wgpu device) on it. Results go to ``bench/results/<date>-multi_gpu-<adapter>.json``.
"""
from __future__ import annotations

import argparse
import copy
import datetime
import json
import math
import os
import re
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # this checkout's gpuarray

SIZES = {
    "full": {"image4k": {"B": 64, "H": 2160, "W": 3840, "chunk": 4},
             "montecarlo": {"M": 10_000_000, "T": 256, "chunk": 625_000},
             "sgemm": {"N": 32768, "chunk": 8192}},
    "tiny": {"image4k": {"B": 8, "H": 24, "W": 40, "chunk": 2},
             "montecarlo": {"M": 8192, "T": 8, "chunk": 1024},
             "sgemm": {"N": 192, "chunk": 64}},
}


# ---------------------------------------------------------------- chunk functions (run on the workers)
def _xp(lib):
    if lib == "cupy":
        import cupy
        return cupy
    import gpuarray
    return gpuarray


def _images(lib, shape, block_id=None):
    xp = _xp(lib)
    return xp.random.default_rng(1000 + block_id[0]).random(shape, dtype=xp.float32)


def _paths(lib, m, T, block_id=None):
    xp = _xp(lib)
    rng = xp.random.default_rng(2000 + block_id[0])
    S = xp.full((m, 1), 100.0, dtype=xp.float32)
    drift, scale = (0.05 - 0.02) / 252, 0.2 * math.sqrt(1 / 252)
    for _ in range(T):
        S = S * xp.exp(drift + scale * rng.standard_normal((m, 1), dtype=xp.float32))
    return S


def _matrix_block(lib, shape, seed, block_id=None):
    xp = _xp(lib)
    return xp.random.default_rng(seed + 97 * block_id[0] + block_id[1]).random(shape, dtype=xp.float32) - 0.5


def _meta(lib, ndim):
    return _xp(lib).empty((0,) * ndim, dtype=np.float32)


# ---------------------------------------------------------------- graphs
def image4k_graph(da, lib, s):
    B, H, W, c = s["B"], s["H"], s["W"], s["chunk"]
    X = da.map_blocks(_images, lib, (c, H, W), chunks=((c,) * (B // c), (H,), (W,)), dtype=np.float32,
                      meta=_meta(lib, 3))
    mean = X.mean(axis=(1, 2), keepdims=True)
    var = ((X - mean) ** 2).mean(axis=(1, 2), keepdims=True)
    std = da.sqrt(var + 1e-6)
    Y = da.maximum((X - mean) / std * 1.0123 - 0.02, 0) ** 1.8
    D = Y - X
    return (D * D).mean(dtype=np.float64)


def montecarlo_graph(da, lib, s):
    M, T, c = s["M"], s["T"], s["chunk"]
    S = da.map_blocks(_paths, lib, c, T, chunks=((c,) * (M // c), (1,)), dtype=np.float32, meta=_meta(lib, 2))
    return da.maximum(S - 100, 0).mean(dtype=np.float64) * math.exp(-0.05 * T / 252)


def sgemm_graph(da, lib, s):
    N, c = s["N"], s["chunk"]
    k = N // c
    A = da.map_blocks(_matrix_block, lib, (c, c), 1, chunks=((c,) * k, (c,) * k), dtype=np.float32, meta=_meta(lib, 2))
    B = da.map_blocks(_matrix_block, lib, (c, c), 2, chunks=((c,) * k, (c,) * k), dtype=np.float32, meta=_meta(lib, 2))
    return (A @ B).sum(dtype=np.float64)


GRAPHS = {"image4k": image4k_graph, "montecarlo": montecarlo_graph, "sgemm": sgemm_graph}


# ---------------------------------------------------------------- clusters
def start_cluster(lib, workers, memory_limit):
    """A LocalCluster of one worker process per entry of ``workers`` (gpuarray: adapters; CuPy:
    CUDA device ordinals)."""
    if lib == "gpuarray":
        import gpuarray as ga
        return ga.dask.cluster(adapters=workers, memory_limit=memory_limit)
    from distributed import LocalCluster
    cl = LocalCluster(n_workers=0, processes=True, threads_per_worker=1, memory_limit=memory_limit,
                      dashboard_address=None)
    for i, w in enumerate(workers):
        spec = copy.deepcopy(cl.new_spec)
        spec.setdefault("options", {})["env"] = {"CUDA_VISIBLE_DEVICES": str(w)}
        cl.worker_spec[f"gpu-{i}"] = spec
    cl.sync(cl._correct_state)
    cl.wait_for_workers(len(workers), timeout=300)
    return cl


def transfer_bench(adapters, sizes_mib, repeats):
    """``to_device`` between the first two workers' adapters in this process (through the host: a
    read on one device, an upload on the other), against a host read and an upload alone."""
    import gpuarray as ga

    a = ga.Device(int(adapters[0]) if str(adapters[0]).isdigit() else adapters[0])
    b = ga.Device(int(adapters[1]) if str(adapters[1]).isdigit() else adapters[1]) if len(adapters) > 1 else a
    if b == a:
        b = ga.Device(a.index, slot=1)  # another wgpu device on the same adapter
    out = []
    for mib in sizes_mib:
        h = np.random.default_rng(0).random(int(mib * (1 << 20)) // 4, dtype=np.float32)
        x = ga.asarray(h, device=a)
        y = x.to_device(b)
        assert np.array_equal(y.get(), h)
        t_move, t_read, t_up = [], [], []
        for _ in range(repeats):
            t = time.perf_counter()
            y = x.to_device(b)
            b.runtime().sync()
            t_move.append(time.perf_counter() - t)
            t = time.perf_counter()
            x.get()
            t_read.append(time.perf_counter() - t)
            t = time.perf_counter()
            ga.asarray(h, device=b)
            b.runtime().sync()
            t_up.append(time.perf_counter() - t)
        r = {"kind": "to_device", "from": repr(a), "to": repr(b), "bytes": h.nbytes,
             "move_s": min(t_move), "read_s": min(t_read), "upload_s": min(t_up)}
        out.append(r)
        print(f"to_device {mib:7.1f} MiB: {r['move_s'] * 1e3:8.2f} ms ({h.nbytes / r['move_s'] / 2**30:.2f} GiB/s); "
              f"read {r['read_s'] * 1e3:.2f} ms, upload {r['upload_s'] * 1e3:.2f} ms", flush=True)
        del x, y
    return out


def measure(client, graph, repeats):
    t0 = time.perf_counter()
    value = float(client.compute(graph, sync=True))  # warm-up: compiles on every worker
    cold = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        v = float(client.compute(graph, sync=True))
        times.append(time.perf_counter() - t)
        assert math.isclose(v, value, rel_tol=1e-5, abs_tol=1e-9), (v, value)
    return {"cold_s": cold, "warm_s": statistics.median(times), "times_s": times, "value": value}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="full", choices=sorted(SIZES))
    ap.add_argument("--gpus", default="1,2,4,8")
    ap.add_argument("--libs", default="gpuarray,cupy")
    ap.add_argument("--workloads", default=",".join(GRAPHS))
    ap.add_argument("--adapters", default=None, help="gpuarray: the adapter of each worker, e.g. 0,1,2,3")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--memory-limit", default="auto")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    ap.add_argument("--tag", default="")
    ap.add_argument("--transfer", default=None, help="to_device sizes in MiB, e.g. 16,256,1024 (in this process)")
    args = ap.parse_args(argv)
    import dask.array as da
    from distributed import Client
    import gpuarray as ga

    adapters = [a for a in args.adapters.split(",")] if args.adapters else ga.dask.gpu_adapters()
    sizes = SIZES[args.size]
    counts = [int(g) for g in args.gpus.split(",")]
    record = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "adapter": ga.default_device().summary, "size": args.size, "sizes": sizes,
              "adapters": adapters, "results": []}
    if args.transfer:
        record["transfers"] = transfer_bench(adapters, [float(m) for m in args.transfer.split(",")], args.repeats)
    workloads = [w for w in args.workloads.split(",") if w in GRAPHS]
    for lib in args.libs.split(",") if workloads else ():
        if lib == "cupy":
            try:
                import cupy
                n_cuda = cupy.cuda.runtime.getDeviceCount()
            except Exception as e:  # no CuPy or no CUDA device here
                record["results"].append({"lib": lib, "skipped": repr(e)})
                print(f"cupy: skipped ({e!r})", flush=True)
                continue
            pool = list(range(n_cuda))
        else:
            pool = adapters
        base = {}
        for n in counts:
            if n > len(pool):
                print(f"{lib}: {n} GPUs asked, {len(pool)} here: skipped", flush=True)
                continue
            cl = start_cluster(lib, pool[:n], args.memory_limit)
            try:
                with Client(cl) as client:
                    for w in workloads:
                        r = measure(client, GRAPHS[w](da, lib, sizes[w]), args.repeats)
                        if n == 1:
                            base[w] = r["warm_s"]
                        sp = base[w] / r["warm_s"] if w in base else None
                        r.update(lib=lib, workload=w, gpus=n, speedup=sp, efficiency=sp / n if sp else None)
                        record["results"].append(r)
                        print(f"{lib:9s} {w:11s} {n} GPU(s): {r['warm_s'] * 1e3:10.1f} ms (cold {r['cold_s']:.1f} s)"
                              + (f"  speedup {sp:.2f}x ({sp / n:.2f} per GPU)" if sp else ""), flush=True)
            finally:
                cl.close()
    os.makedirs(args.out, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", record["adapter"].lower()).strip("-")[:40]
    path = os.path.join(args.out, f"{datetime.date.today()}-multi_gpu-{slug}{'-' + args.tag if args.tag else ''}.json")
    with open(path, "w") as f:
        json.dump(record, f, indent=1)
    print("wrote", path)
    return record


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
