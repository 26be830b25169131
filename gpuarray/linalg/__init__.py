"""gpuarray.linalg."""
