"""The array API inspection namespace (``__array_namespace_info__``); ``Device`` objects live in
``_device/handle.py``."""
from __future__ import annotations

from .._graph import dtypes as dt
from .._device import runtime as _runtime
from .._device.handle import Device, check_device, default_device, devices, runtime_device  # noqa: F401 (re-exported)


class Info:
    def capabilities(self):
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": None}

    def default_device(self):
        return default_device()

    def default_dtypes(self, *, device=None):
        dev = runtime_device(device) or _runtime.device()
        with _runtime.using(dev):
            return self._default_dtypes()

    def _default_dtypes(self):
        return {
            "real floating": dt.default_float(),
            "complex floating": dt.default_complex(),
            "integral": dt.default_int(),
            "indexing": dt.default_int(),
        }

    def devices(self):
        return tuple(devices())

    def dtypes(self, *, device=None, kind=None):
        has64 = (runtime_device(device) or _runtime.device()).has_64
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
                sel += [d for d in self.dtypes(device=device, kind=k).values() if d not in sel]
        return {d.name: d for d in sel}


def __array_namespace_info__():
    return Info()
