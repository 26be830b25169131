"""``numpy.lib`` counterparts: ``gpuarray.lib.stride_tricks`` (strided views on the device) and
``gpuarray.lib.array_utils``."""
from . import array_utils, stride_tricks  # noqa: F401
