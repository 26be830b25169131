"""``numpy.lib`` counterparts: ``gpuarray.lib.stride_tricks`` (strided views on the device)."""
from . import stride_tricks  # noqa: F401
