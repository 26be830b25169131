"""The device layer, the only importer of wgpu: adapter choice, buffers, transfers, command recording
and submission, the kernel cache (``runtime``), trusted shader modules (``trusted``), telemetry
counters (``stats``) and the library's errors (``errors``). It imports nothing else of the package."""
