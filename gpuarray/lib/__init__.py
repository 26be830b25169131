"""``numpy.lib`` counterparts: ``gpuarray.lib.stride_tricks`` (strided views on the device) and
``gpuarray.lib.array_utils``; ``lib.scimath`` is ``gpuarray.emath`` (set by the package). NumPy's
helpers that hold no array data (version parsing, the .npy format, the operator mixin, docstring
tools, introspection, the Arrayterator over host arrays) are NumPy's own."""
import numpy as _np

from . import array_utils, stride_tricks  # noqa: F401

NumpyVersion, Arrayterator = _np.lib.NumpyVersion, _np.lib.Arrayterator
format, introspect, mixins, npyio = _np.lib.format, _np.lib.introspect, _np.lib.mixins, _np.lib.npyio
add_docstring, add_newdoc, tracemalloc_domain = _np.lib.add_docstring, _np.lib.add_newdoc, _np.lib.tracemalloc_domain
