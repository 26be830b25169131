"""``numpy.lib.array_utils``: axis normalization (NumPy's own) and ``byte_bounds``."""
from __future__ import annotations

import numpy as np

from .._lazy.array import GpuArray

normalize_axis_index = np.lib.array_utils.normalize_axis_index
normalize_axis_tuple = np.lib.array_utils.normalize_axis_tuple


def byte_bounds(a):
    """NumPy's ``byte_bounds`` of a host array; a GpuArray's data has no host address."""
    if isinstance(a, GpuArray):
        raise TypeError("byte_bounds needs host memory, and a GpuArray's data lives in a device buffer: use "
                        "gpuarray.may_share_memory / shares_memory to compare arrays, or byte_bounds(np.asarray(x))")
    return np.lib.array_utils.byte_bounds(a)


__all__ = ["byte_bounds", "normalize_axis_index", "normalize_axis_tuple"]
