"""dask support: GpuArray as a dask.array chunk type, and as data dask-distributed moves between
processes.

Registered with dask (``register_chunk_type``, so ``dask_array + gpuarray`` and NumPy calls mixing
them are dask's, and dask's dispatch tables for concatenate, take, tensordot, einsum, empty,
percentile, numel, to_numpy) without making ``import gpuarray`` import dask: if ``dask.array`` is
already imported the registration runs at once, else a finder on ``sys.meta_path`` waits for
``dask.array`` to be imported, runs the registration right after the module has executed and
removes itself. dask's own lazy registration (``Dispatch.register_lazy``) only serves libraries
dask lists itself (CuPy, sparse), so it cannot be used from here.

Tokens (``GpuArray.__dask_tokenize__``) come from the buffer's write version and the view's
geometry, never from the data.

dask-distributed (``distributed.protocol`` imported, the same way): a GpuArray sent to another
process (a worker's chunk to another worker, a result to the client) is serialized as its bytes
on the host (one read) and a small header, and deserialized onto the receiving process's current
device (one upload): each process uses its own device (``GPUARRAY_ADAPTER`` per worker, see
``gpuarray.dask.cluster``). Counted by ``stats()`` (``serialized_bytes``, ``deserialized_bytes``).
"""
from __future__ import annotations

import sys
import threading
import warnings

import numpy as np

from .._device import stats as _stats
from .._lazy.array import GpuArray, from_host

_lock = threading.Lock()
_done = False
_done_distributed = False
_namespace = None  # the gpuarray package, set by install()


def register() -> None:
    """Register GpuArray with dask.array (idempotent; imports dask.array)."""
    global _done
    gpuarray = _namespace
    with _lock:
        if _done:
            return
        _done = True
    import dask.array as da
    from dask.array import backends, dispatch

    da.register_chunk_type(GpuArray)
    dispatch.concatenate_lookup.register(GpuArray, gpuarray.concatenate)
    dispatch.take_lookup.register(GpuArray, gpuarray.take)
    dispatch.tensordot_lookup.register(GpuArray, gpuarray.tensordot)
    dispatch.empty_lookup.register(GpuArray, gpuarray.empty)
    dispatch.percentile_lookup.register(GpuArray, backends.percentile)
    # numel arrays of the chunk's own type, so that mean/var chunks stay on the device
    dispatch.numel_lookup.register(GpuArray, backends._numel_arraylike)
    dispatch.nannumel_lookup.register(GpuArray, backends._nannumel)

    @dispatch.einsum_lookup.register(GpuArray)
    def _einsum(subscripts, *operands, casting="safe", order="K", **kwargs):
        return gpuarray.einsum(subscripts, *operands, **kwargs)

    @dispatch.to_numpy_dispatch.register(GpuArray)
    def _to_numpy(data, **kwargs):
        return data.get()


def serialize(x: GpuArray):
    """dask-distributed's (header, frames) of a GpuArray: its bytes in C order, read once."""
    h = np.asarray(x.get(), order="C")  # (not ascontiguousarray: that makes 0-d arrays 1-d)
    _stats.add("serialized_bytes", h.nbytes)
    return {"dtype": h.dtype.str, "shape": list(h.shape)}, [h.reshape(-1).view(np.uint8).data]


def deserialize(header, frames) -> GpuArray:
    """The array of ``serialize``'s header and frames, on this process's current device."""
    dtype, shape = np.dtype(header["dtype"]), tuple(header["shape"])
    raw = b"".join(bytes(f) for f in frames) if len(frames) != 1 else frames[0]
    h = np.frombuffer(raw, np.uint8, count=int(np.prod(shape, dtype=np.int64)) * dtype.itemsize)
    _stats.add("deserialized_bytes", h.nbytes)
    return from_host(h.view(dtype).reshape(shape))


def register_distributed() -> None:
    """Register GpuArray's serialization with dask-distributed (idempotent; imports distributed.protocol)."""
    global _done_distributed
    with _lock:
        if _done_distributed:
            return
        _done_distributed = True
    from distributed.protocol import dask_deserialize, dask_serialize

    dask_serialize.register(GpuArray)(serialize)
    dask_deserialize.register(GpuArray)(deserialize)


# module -> what runs once it has been imported
_HOOKS = {"dask.array": register, "distributed.protocol": register_distributed}


class _AfterDaskArray:
    """A meta path finder that runs the registrations (``_HOOKS``) once their modules have been imported."""

    def find_spec(self, fullname, path=None, target=None):
        hook = _HOOKS.get(fullname)
        if hook is None or hook in _ran:
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        # the finder stays until the module has executed: a bare importlib.util.find_spec call
        # (a spec that is never loaded) must not use it up
        exec_module = spec.loader.exec_module

        def exec_then_register(module):
            exec_module(module)
            _ran.add(hook)
            if len(_ran) == len(_HOOKS):
                uninstall()
            try:
                hook()
            except Exception as exc:  # dask must still import if its registration API changed
                warnings.warn(f"gpuarray: registering GpuArray with {fullname} failed ({exc!r}); "
                              f"GpuArrays may not work with it", RuntimeWarning, stacklevel=2)

        spec.loader.exec_module = exec_then_register  # this spec's own loader instance
        return spec


_finder = _AfterDaskArray()
_ran: set = set()  # hooks run


def uninstall() -> None:
    try:
        sys.meta_path.remove(_finder)
    except ValueError:
        pass


def install(namespace) -> None:
    """Register now if dask.array is imported, else when it is. ``namespace``: the ``gpuarray``
    package (which imports this module), whose functions dask's dispatch tables get."""
    global _namespace
    _namespace = namespace
    for name, hook in _HOOKS.items():
        if name in sys.modules:
            _ran.add(hook)
            hook()
    if len(_ran) < len(_HOOKS) and _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
