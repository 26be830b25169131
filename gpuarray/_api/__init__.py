"""The API layer: the public functions by topic, each module listing its names in ``__all__``
(re-exported by ``gpuarray/__init__.py``), with the public subpackages ``linalg``, ``fft``,
``random`` and ``lib`` beside it. Inside, imports run one way, bottom to top (the contract in
pyproject.toml): ``creation``, ``indexing`` (basic views), ``info``, ``memory``, ``printing``,
``dask``; ``advanced`` (``x[key]``, ``x[key] = v``), ``host``, ``dtype_functions``, ``reinterpret``;
``manipulation``, ``ufunc``; ``reductions``, ``grids``, ``extras``; ``ufunc_objects``; ``linalg``,
``sorting``, ``searching``, ``interop``, ``utility``, ``bits``, ``iteration``, ``polynomial``; ``sets``,
``numpy_names``, ``array_methods``; ``methods`` (GpuArray's operators and methods, installed on the
class). Everything here imports the lazy layer and those below it, never the package above."""
