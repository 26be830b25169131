"""dask.array support: GpuArray as a dask chunk type.

Registered with dask (``register_chunk_type``, so ``dask_array + gpuarray`` and NumPy calls mixing
them are dask's, and dask's dispatch tables for concatenate, take, tensordot, einsum, empty,
percentile, numel, to_numpy) without making ``import gpuarray`` import dask: if ``dask.array`` is
already imported the registration runs at once, else a finder on ``sys.meta_path`` waits for
``dask.array`` to be imported, runs the registration right after the module has executed and
removes itself. dask's own lazy registration (``Dispatch.register_lazy``) only serves libraries
dask lists itself (CuPy, sparse), so it cannot be used from here.

Tokens (``GpuArray.__dask_tokenize__``) come from the buffer's write version and the view's
geometry, never from the data.
"""
from __future__ import annotations

import sys
import threading
import warnings

from .._lazy.array import GpuArray

_lock = threading.Lock()
_done = False
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


class _AfterDaskArray:
    """A meta path finder that runs ``register`` once ``dask.array`` has been imported."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "dask.array":
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
            uninstall()
            try:
                register()
            except Exception as exc:  # dask must still import if its registration API changed
                warnings.warn(f"gpuarray: registering GpuArray with dask.array failed ({exc!r}); "
                              "dask arrays of GpuArray chunks may not work", RuntimeWarning, stacklevel=2)

        spec.loader.exec_module = exec_then_register  # this spec's own loader instance
        return spec


_finder = _AfterDaskArray()


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
    if "dask.array" in sys.modules:
        register()
    elif _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
