"""The array API's ``Device`` object: the handle of the one device arrays live on (``x.device``,
``device=`` arguments, ``__array_namespace_info__().devices()``)."""
from __future__ import annotations

from . import runtime as _runtime


class Device:
    """The WebGPU device arrays live on (gpuarray uses one device per process)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"Device({self.name!r})"

    def __eq__(self, other):
        return isinstance(other, Device) and other.name == self.name

    def __hash__(self):
        return hash(self.name)


_default = None


def default_device() -> Device:
    global _default
    if _default is None:
        _default = Device(_runtime.device().name)
    return _default


def check_device(device):
    if device is None or device == default_device() or device == "gpu":
        return
    raise ValueError(f"unsupported device {device!r}; gpuarray arrays live on {default_device()!r}")
