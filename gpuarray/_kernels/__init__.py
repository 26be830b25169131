"""The kernels layer: code generation for fused elementwise kernels (``codegen``) and for reductions
and scans with their queue (``reduce``). It knows buffers, views and nodes, never the array class, and
imports only the graph facts (``_graph``, ``_dtypes``, ``_ops``), the WGSL library and the device layer."""
