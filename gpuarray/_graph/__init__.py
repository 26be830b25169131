"""The graph vocabulary: what a lazy expression is made of and what the kernels compile. Node types
(``nodes``: ``Leaf`` views of buffers, ``Const``, ``Iota``, ``Ew``, ``Cast``), every dtype fact
(``dtypes``), the elementwise op table (``ops``), NumPy's floating-point error state (``errstate``)
and bounded memo tables of pure functions of shapes (``memo``). It imports only the device layer."""
