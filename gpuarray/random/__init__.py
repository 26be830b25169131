"""gpuarray.random (counter-based Philox4x32-10 on the GPU)."""
