"""Device objects and the array API inspection namespace (``__array_namespace_info__``)."""
from __future__ import annotations

from . import _dtypes as dt
from ._device import runtime as _runtime


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


class Info:
    def capabilities(self):
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": None}

    def default_device(self):
        return default_device()

    def default_dtypes(self, *, device=None):
        check_device(device)
        return {
            "real floating": dt.default_float(),
            "complex floating": dt.default_complex(),
            "integral": dt.default_int(),
            "indexing": dt.default_int(),
        }

    def devices(self):
        return (default_device(),)

    def dtypes(self, *, device=None, kind=None):
        check_device(device)
        has64 = _runtime.device().has_64
        names = {
            "bool": [dt.bool_],
            "signed integer": [dt.int8, dt.int16, dt.int32] + ([dt.int64] if has64 else []),
            "unsigned integer": [dt.uint8, dt.uint16, dt.uint32] + ([dt.uint64] if has64 else []),
            "real floating": [dt.float32] + ([dt.float64] if has64 else []),
            "complex floating": [dt.complex64] + ([dt.complex128] if has64 else []),
        }
        names["integral"] = names["signed integer"] + names["unsigned integer"]
        names["numeric"] = names["integral"] + names["real floating"] + names["complex floating"]
        if kind is None:
            sel = names["bool"] + names["numeric"]
        elif isinstance(kind, str):
            if kind not in names:
                raise ValueError(f"unknown dtype kind {kind!r}")
            sel = names[kind]
        else:
            sel = []
            for k in kind:
                sel += [d for d in self.dtypes(kind=k).values() if d not in sel]
        return {d.name: d for d in sel}


def __array_namespace_info__():
    return Info()
