"""The kernels layer: code generation for fused elementwise kernels (``codegen``), for reductions and
scans with their queue (``reduce``), Philox draws as nodes (``random``) and the WGSL helper library
(``wgsl_lib``, over ``gpuarray/wgsl/``). It knows buffers, views and nodes, never the array class, and
imports only the graph facts (``_graph``, ``_dtypes``, ``_ops``) and the device layer."""
