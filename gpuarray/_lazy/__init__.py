"""The lazy layer: evaluation scheduling above the kernels. The array core (``array``: ``GpuArray``'s
data and evaluation, ``_leaf()``; its operators and methods are installed by ``_api/methods``),
host data into arrays (``convert``: ``asarray``), node building and fusion decisions with in-place
assignment and the readers' bookkeeping (``elementwise``: ``apply``, ``assign``,
``flush_readers``), lazy matrix products and their epilogues (``product``), the queue of deferred
reductions (``reduce_queue``: when each reduction kernel runs, which run as one). It imports the kernels,
the graph vocabulary and the device layer, never the API."""
