"""The device runtime: adapter choice, buffer pool, transfers, command recording and
the kernel cache. This is the only module that imports wgpu.

Work is recorded into one shared command encoder / compute pass and submitted at
sync points (a host read, a host write into a buffer the batch uses, every
``MAX_BATCH`` dispatches, or ``sync()``). Per-dispatch parameters (shapes, strides,
scalar operands) are packed into one host-side arena, uploaded once per submit and
bound with a dynamic offset, so bind groups are reused and scalars never recompile.
"""
from __future__ import annotations

import os
import time
import weakref

import numpy as np
import wgpu

from . import _stats
from ._errors import DeviceLostError, KernelError, OutOfMemoryError

WANTED_FEATURES = (
    "shader-f64",
    "shader-int64",
    "shader-f16",
    "subgroup",
    "timestamp-query",
    "timestamp-query-inside-passes",
    "immediates",
    "shader-float32-atomic",
)
WORKGROUP = 256  # threads per workgroup of the elementwise and reduction kernels
MAX_GROUPS = 65535  # per grid dimension
MAX_BATCH = 2048  # dispatches recorded before an automatic submit
# a batch recorded for longer than this is submitted (checked every SUBMIT_CHECK dispatches): a
# loop that records for milliseconds (a 256-step simulation) keeps the device busy meanwhile
# instead of handing it everything at the first read
SUBMIT_AFTER_S = 0.001
SUBMIT_CHECK = 8
ARENA_BYTES = 1 << 20
_U = wgpu.BufferUsage


def list_adapters():
    return list(wgpu.gpu.enumerate_adapters_sync())


def devices() -> list[dict]:
    """Every adapter wgpu can see: index, name, backend, type, features and key limits."""
    out = []
    for i, a in enumerate(list_adapters()):
        info = a.info
        lim = a.limits
        out.append(
            {
                "index": i,
                "name": info.get("device", "") or a.summary,
                "summary": a.summary,
                "backend": info.get("backend_type", ""),
                "adapter_type": info.get("adapter_type", ""),
                "features": sorted(a.features),
                "limits": {
                    k: lim[k]
                    for k in (
                        "max-buffer-size",
                        "max-storage-buffer-binding-size",
                        "max-compute-workgroup-storage-size",
                        "max-compute-invocations-per-workgroup",
                        "max-compute-workgroups-per-dimension",
                        "max-storage-buffers-per-shader-stage",
                    )
                    if k in lim
                },
            }
        )
    return out


def _choose_adapter():
    """GPUARRAY_ADAPTER = index or name substring; otherwise the high-performance one."""
    sel = os.environ.get("GPUARRAY_ADAPTER", "").strip()
    if sel:
        adapters = list_adapters()
        if sel.isdigit():
            idx = int(sel)
            if idx >= len(adapters):
                raise RuntimeError(f"GPUARRAY_ADAPTER={sel}: only {len(adapters)} adapters ({[a.summary for a in adapters]})")
            return adapters[idx]
        for a in adapters:
            if sel.lower() in a.summary.lower():
                return a
        raise RuntimeError(f"GPUARRAY_ADAPTER={sel!r} matches none of {[a.summary for a in adapters]}")
    a = wgpu.gpu.request_adapter_sync(power_preference="high-performance")
    if a is None:
        raise RuntimeError(
            "no WebGPU adapter found; on a machine without a GPU install Mesa's CPU Vulkan driver "
            "(apt-get install mesa-vulkan-drivers libvulkan1)"
        )
    # Prefer a Vulkan adapter with 64-bit support over e.g. an OpenGL one.
    return a


def _size_class(n: int) -> int:
    """Pool size classes: powers of two up to 1 MiB, then eighths of the next power of two."""
    n = max(16, (n + 3) & ~3)
    p = 1 << (n - 1).bit_length()
    if p <= (1 << 20):
        return p
    step = p >> 3
    return (n + step - 1) // step * step


class Storage:
    """A pooled device buffer holding an array's data (shared by all views of it)."""

    __slots__ = ("buffer", "nbytes", "cls", "readers", "prune_at", "__weakref__")

    def __init__(self, buffer, nbytes, cls):
        self.buffer = buffer
        self.nbytes = nbytes
        self.cls = cls
        # lazy arrays whose pending expression reads this buffer, evaluated before a write:
        # id -> weakref.ref (plain references are ~10x cheaper to make than a WeakValueDictionary
        # entry, which matters once per operation); dead entries are pruned past ``prune_at``
        self.readers = {}
        self.prune_at = 64

    def __del__(self):
        try:
            _dev._release(self)
        except Exception:  # interpreter shutdown
            pass


class Kernel:
    __slots__ = ("name", "source", "pipeline", "bgl", "window", "access", "id")

    def __init__(self, name, source, pipeline, bgl, window, access, kid):
        self.name, self.source, self.pipeline, self.bgl = name, source, pipeline, bgl
        self.window, self.access, self.id = window, access, kid


class Device:
    def __init__(self):
        self.disabled_64 = os.environ.get("GPUARRAY_DISABLE_F64", "") not in ("", "0")
        self.adapter = _choose_adapter()
        feats = set(self.adapter.features)
        want = [f for f in WANTED_FEATURES if f in feats]
        if self.disabled_64:
            want = [f for f in want if f not in ("shader-f64", "shader-int64")]
        self.features = frozenset(want)
        self.device = self.adapter.request_device_sync(required_features=want)
        self.queue = self.device.queue
        self.limits = dict(self.device.limits)
        self.name = self.adapter.summary
        self.has_64 = "shader-f64" in self.features and "shader-int64" in self.features
        self.max_binding = self.limits["max-storage-buffer-binding-size"]
        self.max_buffer = self.limits["max-buffer-size"]
        self.max_bindings = self.limits["max-storage-buffers-per-shader-stage"]
        self.align = max(self.limits["min-storage-buffer-offset-alignment"], 16)
        lim = os.environ.get("GPUARRAY_MEMORY_LIMIT", "")
        self.memory_limit = int(float(lim)) if lim else None
        self.lost = False
        # pool
        self._free: dict[int, list] = {}
        self._pending: dict[int, list] = {}  # freed during the unsubmitted batch
        self._pooled_bytes = 0
        self._held_bytes = 0  # bytes of buffers owned (live + pooled)
        self._staging: dict[int, list] = {}
        # Strong references to every buffer the pool owns. A Storage dropped inside a reference
        # cycle is finalized together with everything only it references; without this set the
        # garbage collector could release the wgpu buffer before Storage.__del__ returns it.
        self._owned: set = set()
        # recording
        self._encoder = None
        self._pass = None
        self._arena_host = bytearray(ARENA_BYTES)
        self._arena_used = 0
        self._arena = self.device.create_buffer(size=ARENA_BYTES, usage=_U.STORAGE | _U.COPY_DST)
        self._batch = 0
        self._batch_t0 = 0.0
        self._batch_buffers: set[int] = set()
        # deferred work (queued reductions, see _reduce_codegen.run_pending): recorded before
        # anything else is recorded, read or written, so the device sees the program's order
        self.pending_work = None
        # kernels
        self._kernels: dict = {}
        self._bind_groups: dict = {}

    # ------------------------------------------------------------------ memory
    def alloc(self, nbytes: int, *, for_host_write: bool = False) -> Storage:
        """A buffer of at least nbytes. Buffers freed in the unsubmitted batch may be reused
        by kernels (they run in recording order) but not for host writes (those happen first)."""
        cls = _size_class(nbytes)
        buf = None
        lst = self._free.get(cls)
        if lst:
            buf = lst.pop()
        elif not for_host_write and self._pending.get(cls):
            buf = self._pending[cls].pop()
        if buf is not None:
            self._pooled_bytes -= cls
        else:
            buf = self._create(cls, nbytes)
        _stats.live_bytes_changed(nbytes)
        return Storage(buf, nbytes, cls)

    def _create(self, cls, nbytes):
        if cls > self.max_buffer:
            raise OutOfMemoryError(
                f"cannot allocate {nbytes} bytes on '{self.name}': larger than the device's maximum "
                f"buffer size {self.max_buffer}"
            )
        for attempt in (0, 1):
            over = self.memory_limit is not None and self._held_bytes + cls > self.memory_limit
            if not over:
                try:
                    buf = self.device.create_buffer(size=cls, usage=_U.STORAGE | _U.COPY_SRC | _U.COPY_DST)
                    self._owned.add(buf)
                    self._held_bytes += cls
                    _stats.add("buffers_allocated")
                    return buf
                except Exception as e:  # out of memory or a lost device
                    self._check_lost(e)
            if attempt == 0:
                self.flush()
                self.free_pool()
        raise OutOfMemoryError(
            f"out of device memory on '{self.name}': requested {nbytes} bytes (size class {cls}); "
            f"{self._held_bytes} bytes held by live arrays after emptying the pool"
            + (f" (GPUARRAY_MEMORY_LIMIT={self.memory_limit})" if self.memory_limit else "")
        )

    def _release(self, st: Storage):
        _stats.live_bytes_changed(-st.nbytes)
        self._pending.setdefault(st.cls, []).append(st.buffer)
        self._pooled_bytes += st.cls

    def free_pool(self):
        """Destroy every pooled (unused) buffer."""
        for d in (self._free, self._pending):
            for cls, lst in d.items():
                for b in lst:
                    self._owned.discard(b)
                    b.destroy()
                    self._held_bytes -= cls
            d.clear()
        self._pooled_bytes = 0
        self._bind_groups.clear()

    def pool_info(self) -> dict:
        return {"pooled_bytes": self._pooled_bytes, "held_bytes": self._held_bytes, "live_bytes": _stats.live_bytes()}

    # --------------------------------------------------------------- transfers
    def upload(self, data: np.ndarray) -> Storage:
        """A new buffer holding the bytes of a C-contiguous host array."""
        data = np.asarray(data, order="C")
        raw = memoryview(data.reshape(-1)).cast("B") if data.size else b""
        st = self.alloc(len(raw), for_host_write=True)
        self.write(st, 0, raw)
        return st

    def write(self, st: Storage, offset: int, raw) -> None:
        """Host bytes into a buffer at a byte offset (4-byte aligned ends are padded by reading back)."""
        n = len(raw)
        if n == 0:
            return
        if self.pending_work is not None:
            self.pending_work()
        raw = memoryview(raw).cast("B")
        if id(st.buffer) in self._batch_buffers:
            self.flush()  # the pending batch must see the old contents
        lo, hi = offset & ~3, (offset + n + 3) & ~3
        if lo != offset or hi != offset + n:
            cur = bytearray(self.read(st, lo, hi - lo).tobytes())
            cur[offset - lo: offset - lo + n] = bytes(raw)
            raw, offset = memoryview(cur), lo
        try:
            self.queue.write_buffer(st.buffer, offset, raw)
        except Exception as e:
            self._check_lost(e)
            raise
        _stats.add("bytes_to_device", n)

    def read(self, st: Storage, offset: int, nbytes: int) -> np.ndarray:
        """Bytes [offset, offset+nbytes) of a buffer, as a new uint8 host array (waits for the GPU)."""
        if nbytes == 0:
            return np.empty(0, np.uint8)
        if self.pending_work is not None:
            self.pending_work()
        lo, hi = offset & ~3, (offset + nbytes + 3) & ~3
        size = hi - lo
        cls = _size_class(size)
        stage = (self._staging.get(cls) or [None]).pop() or self.device.create_buffer(
            size=cls, usage=_U.MAP_READ | _U.COPY_DST
        )
        try:
            self._end_pass()
            self._enc().copy_buffer_to_buffer(st.buffer, lo, stage, 0, size)
            self.flush()
            stage.map_sync(wgpu.MapMode.READ, 0, size)
            view = stage.read_mapped(0, size, copy=False)
            out = np.frombuffer(view, np.uint8)[offset - lo: offset - lo + nbytes].copy()
            stage.unmap()
        except Exception as e:
            self._check_lost(e)
            raise
        self._staging.setdefault(cls, []).append(stage)
        _stats.add("bytes_from_device", nbytes)
        return out

    def copy(self, src: Storage, src_off: int, dst: Storage, dst_off: int, nbytes: int) -> None:
        """Device-to-device byte copy, recorded in order with the kernels (4-byte aligned)."""
        if self.pending_work is not None:
            self.pending_work()
        self._end_pass()
        self._enc().copy_buffer_to_buffer(src.buffer, src_off, dst.buffer, dst_off, nbytes)
        self._batch_buffers.update((id(src.buffer), id(dst.buffer)))

    # --------------------------------------------------------------- recording
    def _enc(self):
        if self._encoder is None:
            self._encoder = self.device.create_command_encoder()
        return self._encoder

    def _end_pass(self):
        if self._pass is not None:
            self._pass.end()
            self._pass = None

    def flush(self) -> None:
        """Submit everything recorded so far."""
        if self.pending_work is not None:
            self.pending_work()
        if self._encoder is None:
            return
        self._end_pass()
        try:
            if self._arena_used:
                self.queue.write_buffer(self._arena, 0, memoryview(self._arena_host)[: self._arena_used])
            self.queue.submit([self._encoder.finish()])
        except Exception as e:
            self._check_lost(e)
            raise
        finally:
            self._encoder = None
            self._arena_used = 0
            self._batch = 0
            self._batch_buffers.clear()
        _stats.add("submits")
        for cls, lst in self._pending.items():
            self._free.setdefault(cls, []).extend(lst)
        self._pending.clear()

    def sync(self) -> None:
        """Submit pending work and wait until the device has finished it."""
        self.flush()
        tmp = self.alloc(4)
        self.read(tmp, 0, 4)

    def dispatch(self, kernel: Kernel, storages, params: bytes, groups: int) -> None:
        """Record one dispatch of ``groups`` workgroups (laid out on a 2-D grid past 65535)."""
        if self.pending_work is not None:
            self.pending_work()
        if groups <= 0:
            return
        if self._batch >= MAX_BATCH or self._arena_used + kernel.window > ARENA_BYTES:
            self.flush()
        off = self._arena_used
        self._arena_host[off: off + len(params)] = params
        self._arena_used = off + (kernel.window + self.align - 1) // self.align * self.align
        bufs = tuple(s.buffer for s in storages)
        key = (kernel.id, tuple(map(id, bufs)))
        bg = self._bind_groups.get(key)
        if bg is None:
            entries = [{"binding": 0, "resource": {"buffer": self._arena, "offset": 0, "size": kernel.window}}]
            for i, b in enumerate(bufs):
                entries.append({"binding": i + 1, "resource": {"buffer": b, "offset": 0, "size": min(b.size, self.max_binding)}})
            bg = self.device.create_bind_group(layout=kernel.bgl, entries=entries)
            if len(self._bind_groups) > 8192:
                self._bind_groups.clear()
            self._bind_groups[key] = bg
        if self._pass is None:
            self._pass = self._enc().begin_compute_pass()
        p = self._pass
        p.set_pipeline(kernel.pipeline)
        p.set_bind_group(0, bg, [off])
        gx = min(groups, MAX_GROUPS)
        gy = (groups + gx - 1) // gx
        if gy > MAX_GROUPS:
            raise ValueError(f"kernel '{kernel.name}': {groups} workgroups exceed the device grid")
        p.dispatch_workgroups(gx, gy, 1)
        self._batch += 1
        self._batch_buffers.update(map(id, bufs))
        _stats.add("dispatches")
        if self._batch == 1:
            self._batch_t0 = time.perf_counter()
        elif self._batch % SUBMIT_CHECK == 0 and time.perf_counter() - self._batch_t0 > SUBMIT_AFTER_S:
            self.flush()

    # ----------------------------------------------------------------- kernels
    def kernel(self, key, build) -> Kernel:
        """The compiled kernel for a structural key; ``build()`` -> (name, source, access, window)
        runs only on a miss. access: 'r' or 'rw' per data binding (bindings 1..n)."""
        k = self._kernels.get(key)
        if k is not None:
            _stats.add("pipeline_cache_hits")
            return k
        name, source, access, window = build()
        if len(access) + 1 > self.max_bindings:
            raise ValueError(f"kernel '{name}' needs {len(access) + 1} storage bindings; the device allows {self.max_bindings}")
        entries = [
            {
                "binding": 0,
                "visibility": wgpu.ShaderStage.COMPUTE,
                "buffer": {"type": wgpu.BufferBindingType.read_only_storage, "has_dynamic_offset": True},
            }
        ]
        for i, a in enumerate(access):
            t = wgpu.BufferBindingType.storage if a == "rw" else wgpu.BufferBindingType.read_only_storage
            entries.append({"binding": i + 1, "visibility": wgpu.ShaderStage.COMPUTE, "buffer": {"type": t}})
        try:
            module = self.device.create_shader_module(code=source, label=name)
            bgl = self.device.create_bind_group_layout(entries=entries)
            layout = self.device.create_pipeline_layout(bind_group_layouts=[bgl])
            pipe = self.device.create_compute_pipeline(layout=layout, compute={"module": module, "entry_point": "main"})
        except Exception as e:
            self._check_lost(e)
            raise KernelError(name, source, e) from None
        k = Kernel(name, source, pipe, bgl, max(16, (window + 15) // 16 * 16), access, len(self._kernels))
        self._kernels[key] = k
        _stats.add("kernels_compiled")
        return k

    def _check_lost(self, e: Exception):
        if self.lost or "lost" in str(e).lower():
            self.lost = True
            raise DeviceLostError(
                f"the GPU device '{self.name}' was lost ({e}); arrays on it are gone. Restart the process."
            ) from e


_dev: Device | None = None


def device() -> Device:
    global _dev
    if _dev is None:
        _dev = Device()
    return _dev


def groups_for(n: int, per_group: int = WORKGROUP) -> int:
    return (n + per_group - 1) // per_group
