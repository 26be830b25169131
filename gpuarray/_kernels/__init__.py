"""The kernels layer: code generation for fused elementwise kernels (``codegen``), for reductions and
scans (``reduce``), Philox draws as nodes (``random``), matrix products
(``matmul``) and the WGSL helper library (``wgsl_lib``, over the templates in ``wgsl/``). It knows
buffers, views and nodes, never the array class, and imports only the graph vocabulary
(``_graph``) and the device layer."""
