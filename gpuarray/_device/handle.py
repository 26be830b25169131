"""Devices as values: ``gpuarray.Device`` names one device (an adapter, and a logical slot on it),
``gpuarray.devices()`` lists one per adapter, ``x.device`` is the device an array lives on, and
``device=`` arguments, ``to_device`` and ``with gpuarray.device(d):`` take them.

A ``Device`` is a value: equal and hashing alike when it names the same adapter index and slot,
printable, and describing its adapter (name, backend, type, features, limits) without opening it.
The wgpu device behind it (``_device/runtime.py`` ``Device``: buffers, pool, kernel cache, flag
words) is opened when arrays are first made on it. Several slots of one adapter are separate wgpu
devices: this is how one machine with one adapter runs code written for several."""
from __future__ import annotations

from . import runtime as _runtime

_LIMITS = (
    "max-buffer-size",
    "max-storage-buffer-binding-size",
    "max-compute-workgroup-storage-size",
    "max-compute-invocations-per-workgroup",
    "max-compute-workgroups-per-dimension",
    "max-storage-buffers-per-shader-stage",
)


def _adapter(index: int):
    adapters = _runtime.list_adapters()
    if not 0 <= index < len(adapters):
        raise ValueError(f"adapter {index}: there are {len(adapters)} adapters "
                         f"({[a.summary for a in adapters]})")
    return adapters[index]


class Device:
    """A device arrays live on: ``Device(adapter, slot=0)``, ``adapter`` an index into
    ``gpuarray.devices()`` or a substring of an adapter's name; ``slot`` numbers further logical
    devices on the same adapter (each a wgpu device of its own)."""

    __slots__ = ("index", "slot", "_info")

    def __init__(self, adapter=0, slot: int = 0):
        if isinstance(adapter, Device):
            adapter, slot = adapter.index, adapter.slot if slot == 0 else slot
        if isinstance(adapter, bool) or not isinstance(adapter, (int, str)):
            raise TypeError(f"Device(adapter): an adapter index or name, not {adapter!r}")
        if isinstance(slot, bool) or not isinstance(slot, int) or slot < 0:
            raise ValueError(f"Device slot must be a non-negative integer, not {slot!r}")
        self.index = adapter if isinstance(adapter, int) else _runtime.adapter_index(adapter)
        self.slot = slot
        self._info = None
        _adapter(self.index)  # (an index past the adapters is refused here)

    # ---- what it names
    def _describe(self) -> dict:
        if self._info is None:
            a = _adapter(self.index)
            info, lim = a.info, a.limits
            self._info = {
                "name": info.get("device", "") or a.summary,
                "summary": a.summary,
                "backend": info.get("backend_type", ""),
                "adapter_type": info.get("adapter_type", ""),
                "features": tuple(sorted(a.features)),
                "limits": {k: lim[k] for k in _LIMITS if k in lim},
                # arrays larger than this are held in several buffers and worked on in windows
                # and pieces (the binding limit caps what one kernel binding can address)
                "segment_bytes": _runtime.seg_bytes(lim.get("max-storage-buffer-binding-size", 0),
                                                    lim.get("max-buffer-size", 0)),
            }
        return self._info

    @property
    def name(self) -> str:
        return self._describe()["name"]

    @property
    def summary(self) -> str:
        return self._describe()["summary"]

    @property
    def backend(self) -> str:
        return self._describe()["backend"]

    @property
    def adapter_type(self) -> str:
        return self._describe()["adapter_type"]

    @property
    def features(self) -> tuple:
        return self._describe()["features"]

    @property
    def limits(self) -> dict:
        return dict(self._describe()["limits"])

    @property
    def segment_bytes(self) -> int:
        return self._describe()["segment_bytes"]

    def __getitem__(self, key):
        """The description as a mapping (``d["name"]``, ``d["limits"]``): what ``devices()`` gave before it gave values."""
        if key == "index":
            return self.index
        if key == "slot":
            return self.slot
        return self._describe()[key]

    def runtime(self) -> _runtime.Device:
        """The wgpu device behind it (opened now if it is not yet)."""
        return _runtime.open_device(self.index, self.slot)

    # ---- a value
    def __eq__(self, other):
        if not isinstance(other, Device):
            return NotImplemented
        return self.index == other.index and self.slot == other.slot

    def __hash__(self):
        return hash(("gpuarray.Device", self.index, self.slot))

    def __repr__(self):
        slot = f", slot={self.slot}" if self.slot else ""
        return f"Device({self.index}{slot}, name={self.summary!r})"

    def __reduce__(self):
        return (Device, (self.index, self.slot))


def handle_of(dev: _runtime.Device) -> Device:
    """The value naming a runtime device."""
    h = dev.handle
    if h is None:
        h = dev.handle = Device(dev.index, dev.slot)
    return h


def devices() -> list:
    """Every adapter wgpu can see, as a ``Device`` (slot 0) each, and the further slots opened."""
    out = {Device(i) for i in range(len(_runtime.list_adapters()))}
    out.update(handle_of(d) for d in _runtime.opened())
    return sorted(out, key=lambda d: (d.index, d.slot))


def default_device() -> Device:
    """The device creation functions use now: the one of ``with gpuarray.device(d):`` in this
    thread, else the process's default (``GPUARRAY_ADAPTER``: an index or a name substring)."""
    return handle_of(_runtime.device())


def runtime_device(device) -> _runtime.Device | None:
    """The runtime device a ``device=`` argument names (None for None): a ``Device``, an adapter
    index, or ``"gpu"`` (the current device). Other strings are refused ("cpu" would be a name
    substring of a CPU adapter, yet means the host in other array libraries): name an adapter with
    ``gpuarray.Device(name)``."""
    if device is None:
        return None
    if isinstance(device, Device):
        return device.runtime()
    if isinstance(device, _runtime.Device):
        return device
    if isinstance(device, str) and device.lower() in ("gpu", "webgpu"):
        return _runtime.device()
    if isinstance(device, int) and not isinstance(device, bool):
        try:
            return Device(device).runtime()
        except (TypeError, ValueError) as e:
            raise ValueError(f"unsupported device {device!r}: {e}") from None
    raise ValueError(f"unsupported device {device!r}; devices are gpuarray.Device values (gpuarray.devices())")


def check_device(device) -> None:
    """A ``device=`` argument of a function whose work runs on the current device: it must name that
    device (the namespace's functions make the device they are given current first)."""
    dev = runtime_device(device)
    if dev is not None and dev is not _runtime.device():
        raise ValueError(f"device {device!r} is not the current device {_runtime.describe(_runtime.device())}; "
                         f"use 'with gpuarray.device(d):' or the namespace's functions")


class device:
    """``with gpuarray.device(d):`` makes ``d`` (a ``Device``, an adapter index or name) this
    thread's default device: creation functions and host data converted inside use it. Operations
    on arrays run on the arrays' device whatever the default."""

    __slots__ = ("dev", "_ctx")

    def __init__(self, d):
        self.dev = runtime_device(d)

    def __enter__(self):
        self._ctx = _runtime.using(self.dev)
        self._ctx.__enter__()
        return handle_of(self.dev)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)
