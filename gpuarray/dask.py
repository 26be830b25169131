"""Several GPUs through dask-distributed: one worker process per GPU.

``cluster()`` starts a ``distributed.LocalCluster`` whose worker processes each choose their own
adapter (``GPUARRAY_ADAPTER``, set in the worker's environment by its nanny) and compute their
chunks there; GpuArray chunks moving between workers (and results sent to the client) go as bytes
through the host and land on the receiving process's device (``_api/dask.py``: the
serialization, counted by ``stats()``)::

    import dask.array as da
    import gpuarray as ga
    from distributed import Client

    with ga.dask.cluster(adapters=[0, 1, 2, 3]) as cl, Client(cl) as client:
        x = da.random.random((32768, 32768), chunks=8192).map_blocks(ga.asarray)
        (x @ x.T).sum().compute()

The same as a recipe without the helper: one ``dask worker`` process per GPU, each started with
``GPUARRAY_ADAPTER=<index>`` in its environment (and ``--nthreads 1``), against one scheduler.

Importing this module imports neither dask nor distributed: ``cluster`` does.
"""
from __future__ import annotations

import os

from ._device import runtime as _runtime
from ._device.handle import devices

__all__ = ["cluster", "gpu_adapters"]


def gpu_adapters() -> list:
    """Adapter indices of one backend, one per GPU: those of the default adapter's backend (a GPU
    is usually listed once per backend: Vulkan and OpenGL, say)."""
    default = _runtime.default_adapter_index()
    devs = [d for d in devices() if d.slot == 0]
    backend = next(d.backend for d in devs if d.index == default)
    return [d.index for d in devs if d.backend == backend]


def cluster(n_workers: int | None = None, adapters=None, *, threads_per_worker: int = 1,
            memory_limit="auto", device_memory_limit: int | None = None, env: dict | None = None, **kwargs):
    """A ``distributed.LocalCluster`` of worker processes, one per adapter in ``adapters`` (indices
    or name substrings, repeated to put several workers on one adapter; default: every GPU,
    ``gpu_adapters()``), or ``n_workers`` of them spread over those adapters in turn.

    ``memory_limit``: each worker's host memory limit (dask's, e.g. ``"4GiB"``);
    ``device_memory_limit``: bytes of device memory each worker's pool may hold
    (``GPUARRAY_MEMORY_LIMIT``: past it allocations raise ``OutOfMemoryError``);
    ``threads_per_worker``: 1 by default (a device runs one program at a time; more threads
    only interleave their recording). Other keywords go to ``LocalCluster`` (``dashboard_address``,
    ``scheduler_port`` ...). Use it as a context manager, or close it."""
    import copy

    from distributed import LocalCluster

    if adapters is None:
        adapters = gpu_adapters()
        if n_workers is not None:
            adapters = [adapters[i % len(adapters)] for i in range(n_workers)]
    else:
        adapters = list(adapters)
        if not adapters:
            raise ValueError("cluster: adapters is empty")
        if n_workers is not None and n_workers != len(adapters):
            raise ValueError(f"cluster: n_workers={n_workers} but {len(adapters)} adapters given")
    for a in adapters:  # (refused here, not in a worker that fails to start)
        _runtime.adapter_index(str(a))
    kwargs.setdefault("dashboard_address", None)
    cl = LocalCluster(n_workers=0, processes=True, threads_per_worker=threads_per_worker,
                      memory_limit=memory_limit, **kwargs)
    try:
        for i, a in enumerate(adapters):
            spec = copy.deepcopy(cl.new_spec)
            wenv = dict(env or {})
            wenv["GPUARRAY_ADAPTER"] = str(a)
            if device_memory_limit is not None:
                wenv["GPUARRAY_MEMORY_LIMIT"] = str(int(device_memory_limit))
            spec.setdefault("options", {})["env"] = {**spec["options"].get("env", {}), **wenv}
            cl.worker_spec[f"gpu-{i}"] = spec
        cl.sync(cl._correct_state)
        cl.wait_for_workers(len(adapters), timeout=float(os.environ.get("GPUARRAY_DASK_START_TIMEOUT", "300")))
    except BaseException:
        cl.close()
        raise
    return cl
