"""The device runtime: adapter choice, buffer pool, transfers, command recording and
the kernel cache. With ``trusted``, the only module that imports wgpu (the device layer).

Work is recorded into one shared command encoder / compute pass and submitted at
sync points (a host read, a host write into a buffer the batch uses, every
``MAX_BATCH`` dispatches, or ``sync()``). Per-dispatch parameters (shapes, strides,
scalar operands) are packed into one host-side arena, uploaded once per submit and
bound with a dynamic offset, so bind groups are reused and scalars never recompile.

Threads and Ctrl-C: everything that touches the device or its shared bookkeeping runs in a
critical section (``CRITICAL`` / ``@locked``): one reentrant lock, inside which a SIGINT is
recorded and raised as KeyboardInterrupt when the main thread leaves its outermost section.
"""
from __future__ import annotations

import itertools
import os
import _signal
import signal
import sys
import threading
import time
import weakref

import numpy as np
import wgpu

from . import cache_dir as _cache_dir
from . import ctypes_fast as _ctypes_fast
from . import runtime_dir as _runtime_dir
from . import stats as _stats
from . import trusted as _trusted
from .errors import DeviceLostError, KernelError, OutOfMemoryError, SizeLimitError

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
# Kernels index elements with 32-bit integers; loops step past their bound by up to a grid's
# width, so an iteration space stays below 2^31 elements to keep every index from wrapping.
MAX_ELEMENTS = 1 << 31


def complete_source(source: str) -> str:
    """A kernel's WGSL with the library functions it calls and does not define appended (the
    kernel layer installs the library's resolver here: every kernel gets its helpers, wherever in
    its source the calls are, e.g. inside store functions)."""
    return source
_U = wgpu.BufferUsage
# Floating-point error flags: kernels OR bits into one of these words (one per op, see
# _errstate); they travel back with the next host read, which hands them to ``fpe_report``
# (set by the layer above: NumPy's RuntimeWarnings).
FPE_WORDS = 128
fpe_report = None


# ---------------------------------------------------------------- threads and interrupts
# One reentrant lock serializes recording, submission, transfers, the pool and the queues of
# deferred work: threads then see the device as one program in some interleaving of their
# sections. Python runs signal handlers in the main thread between bytecodes; ours records a
# SIGINT that lands while the main thread is inside a section (it holds the lock, or waits on the
# device with the lock let go: ``_hold``) and the outermost section's exit raises it, once the
# runtime's state is consistent again.
_lock = threading.RLock()
_owned = _lock._is_owned  # whether the calling thread holds the lock
_MAIN = threading.main_thread().ident
_interrupted = False  # a SIGINT arrived inside a section of the main thread, not raised yet
_hold = 0  # main-thread sections waiting on the device with the lock let go
_prev_handler = None  # the SIGINT handler ours replaced (called to deliver)
_NO_RAISE: set = set()  # code objects (finalizers) where a raised interrupt would be swallowed
_SIGINT = signal.SIGINT
_getsignal = _signal.getsignal  # (the C function: signal.getsignal wraps it in an enum lookup)


class _Critical:
    """``with CRITICAL:`` holds the device lock; a Ctrl-C inside is raised at the outermost exit."""

    __slots__ = ()

    def __enter__(self):
        if _getsignal(_SIGINT) is not _on_sigint:  # (Jupyter resets the handler for every cell)
            install_interrupt_handler()
        _lock.acquire()

    def __exit__(self, et, ev, tb):
        _lock.release()
        if _interrupted:
            _deliver()
        return False


CRITICAL = _Critical()


def critical() -> _Critical:
    """The critical-section context manager (``with _runtime.critical(): ...``)."""
    return CRITICAL


def locked(fn):
    """Decorator: ``fn`` runs as one critical section."""
    import functools

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with CRITICAL:
            return fn(*args, **kwargs)

    return run


def _deliver() -> None:
    """Raise the recorded interrupt if the main thread has left its last section."""
    global _interrupted
    if _owned() or _hold or threading.get_ident() != _MAIN:
        return
    _interrupted = False
    _pass_on(signal.SIGINT, sys._getframe(1))


def _pass_on(signum, frame) -> None:
    h = _prev_handler
    if h is None or h is signal.default_int_handler:
        raise KeyboardInterrupt
    h(signum, frame)


def _in_finalizer(frame) -> bool:
    """Whether ``frame`` runs inside a finalizer, where Python would swallow a raised exception."""
    while frame is not None:
        code = frame.f_code
        if code in _NO_RAISE or code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _on_sigint(signum, frame):
    global _interrupted
    if _owned() or _hold or _in_finalizer(frame):
        _interrupted = True  # raised when the section (or the next one, after a finalizer) ends
        return
    _interrupted = False
    _pass_on(signum, frame)


def install_interrupt_handler() -> bool:
    """Install the deferring SIGINT handler in place of a Python-level one (Python's default, or
    one it then chains to); an ignored or C-level disposition is left alone. Only the main thread
    can: sections entered elsewhere try again at the main thread's next one. True if installed."""
    global _prev_handler
    if threading.get_ident() != _MAIN:
        return False
    cur = _getsignal(_SIGINT)
    if cur is _on_sigint:
        return True
    if not callable(cur):  # SIG_IGN, SIG_DFL or set outside Python: not ours to change
        return False
    _prev_handler = cur
    signal.signal(_SIGINT, _on_sigint)
    return True


def prepare_environment() -> None:
    """Before wgpu loads the Vulkan stack (the first adapter request): a valid XDG_RUNTIME_DIR,
    and the drivers' shader caches pointed at gpuarray's cache directory."""
    _runtime_dir.prepare()
    _cache_dir.prepare()
    try:
        from wgpu.backends.wgpu_native._ffi import ffi
    except Exception:  # another backend: no cffi declarations to look up
        return
    _ctypes_fast.install(ffi)


_adapters: list = []  # wgpu's adapters, enumerated once per process (the indices devices are named by)


def list_adapters():
    if not _adapters:
        prepare_environment()
        _adapters.extend(wgpu.gpu.enumerate_adapters_sync())
    return list(_adapters)


def seg_bytes(max_binding: int, max_buffer: int) -> int:
    """Bytes per buffer of an array held in several (see Device.seg_bytes)."""
    return 1 << (max(4096, min(max_binding, max_buffer)).bit_length() - 1)


def adapter_index(sel: str) -> int:
    """The index (in ``list_adapters()``) of an adapter named by ``sel``: an index, or a substring of
    its name (the first that matches)."""
    adapters = list_adapters()
    names = [a.summary for a in adapters]
    sel = str(sel).strip()
    if sel.isdigit():
        idx = int(sel)
        if idx >= len(adapters):
            raise ValueError(f"adapter {sel}: there are only {len(adapters)} adapters ({names})")
        return idx
    for i, n in enumerate(names):
        if sel.lower() in n.lower():
            return i
    raise ValueError(f"adapter {sel!r} matches none of {names}")


def default_adapter_index() -> int:
    """GPUARRAY_ADAPTER = index or name substring; otherwise wgpu's high-performance adapter."""
    prepare_environment()
    sel = os.environ.get("GPUARRAY_ADAPTER", "").strip()
    if sel:
        try:
            return adapter_index(sel)
        except ValueError as e:
            raise RuntimeError(f"GPUARRAY_ADAPTER={sel!r}: {e}") from None
    a = wgpu.gpu.request_adapter_sync(power_preference="high-performance")
    if a is None:
        raise RuntimeError(
            "no WebGPU adapter found; on a machine without a GPU install Mesa's CPU Vulkan driver "
            "(apt-get install mesa-vulkan-drivers libvulkan1)"
        )
    names = [x.summary for x in list_adapters()]
    return names.index(a.summary) if a.summary in names else 0


def _size_class(n: int) -> int:
    """Pool size classes: powers of two up to 1 MiB, then eighths of the next power of two."""
    n = max(16, (n + 3) & ~3)
    p = 1 << (n - 1).bit_length()
    if p <= (1 << 20):
        return p
    step = p >> 3
    return (n + step - 1) // step * step


# Write versions: every Storage takes a fresh number when it is made and whenever a write into it
# is recorded (kernel store, host write, device copy), so ``version`` names one state of one
# buffer for the life of the process (dask's tokens are built from it, without reading the data)
next_version = itertools.count(1).__next__


class Storage:
    """A pooled device buffer holding an array's data (shared by all views of it).

    An array larger than the device's segment size (``Device.seg_bytes``: the storage binding
    limit, rounded down) is held in several buffers, ``segs``, each ``seg_bytes`` long but the
    last: byte ``i`` of the array is byte ``i % seg_bytes`` of segment ``i // seg_bytes``. Such a
    storage has no ``buffer``; kernels bind a ``Window`` of one segment (see _kernels/windows.py)."""

    __slots__ = ("buffer", "nbytes", "cls", "readers", "prune_at", "version", "segs", "seg", "bkey", "dev",
                 "__weakref__")
    woff = 0  # where a kernel's binding of it starts (a Window's is elsewhere)

    def __init__(self, buffer, nbytes, cls, segs=None, seg=0, dev=None):
        self.dev = dev  # the Device whose buffers these are (wgpu buffers belong to one device)
        self.buffer = buffer
        self.nbytes = nbytes
        self.cls = cls
        self.segs = segs  # ((buffer, size class), ...) of a segmented storage, else None
        self.seg = seg  # the bytes per segment (the device's seg_bytes when it was made)
        self.bkey = id(buffer)  # what identifies its binding in a bind group
        self.version = next_version()
        # lazy arrays whose pending expression reads this buffer, evaluated before a write:
        # id -> weakref.ref (plain references are ~10x cheaper to make than a WeakValueDictionary
        # entry, which matters once per operation); dead entries are pruned past ``prune_at``
        self.readers = {}
        self.prune_at = 64

    def __del__(self):
        # runs in any thread at any collection: never blocks on the device lock (see _release),
        # and a Ctrl-C landing here is kept for the next section's exit (_NO_RAISE)
        try:
            self.dev._release(self)
        except Exception:  # interpreter shutdown
            pass


class Window:
    """Bytes [woff, woff + wsize) of one buffer of a storage, bound in place of the storage: a
    segment of a segmented array, or the part of it one dispatch reads. Writes through it are
    writes to ``base``."""

    __slots__ = ("base", "buffer", "woff", "wsize", "bkey", "nbytes", "dev")
    segs = None

    def __init__(self, base: Storage, buffer, woff: int, wsize: int):
        self.base, self.buffer, self.woff, self.wsize = base, buffer, woff, wsize
        self.dev = base.dev
        self.nbytes = wsize
        self.bkey = (id(buffer), woff, wsize)

    @property
    def version(self):
        return self.base.version

    @version.setter
    def version(self, v):
        self.base.version = v

    @property
    def readers(self):
        return self.base.readers


_NO_RAISE.add(Storage.__del__.__code__)


class Kernel:
    __slots__ = ("name", "source", "pipeline", "bgl", "window", "access", "id", "writes", "fpe")

    def __init__(self, name, source, pipeline, bgl, window, access, kid):
        self.name, self.source, self.pipeline, self.bgl = name, source, pipeline, bgl
        self.window, self.access, self.id = window, access, kid
        self.writes = tuple(i for i, a in enumerate(access) if a == "rw")  # bindings it may store to
        self.fpe = "fpe_flags" in source  # it may set floating-point error flags


# ---------------------------------------------------------------- staged transfers
# Large transfers go through persistent host-visible staging buffers: one host copy into (or out
# of) the mapped range and a device copy, chunk by chunk, so that the host copy of one chunk
# overlaps the device copy of the next and staging memory stays bounded. queue.write_buffer
# allocates (and first-touches) a fresh staging buffer inside wgpu for every call, which is what
# limits large uploads; small uploads keep it because it needs no submit of its own.
STAGE_MIN = 4 << 20  # uploads from this many bytes on use the staging ring
STAGE_CHUNK = 8 << 20  # bytes per staging buffer; larger transfers are pipelined in chunks
STAGE_DEPTH = 3  # staging buffers per direction in flight at once
PAR_COPY_MIN = 4 << 20  # host copies from this size on are split over COPY_THREADS threads
# Non-blocking polls for this long before a blocking wait on a single-chunk read; 0 waits
# (blocking, on the calling thread) at once, which measured no slower on lavapipe.
MAP_SPIN_S = 0.0
MAP_TIMEOUT_S = 60.0  # a staging map still pending this long after its submission is an error
# wgpu-py versions whose native internals (module-level ffi/lib/libf, ``_internal`` handles) the
# direct mapping path was written against; any other version uses the public mapping API.
NATIVE_MAP_VERSIONS = ("0.32.",)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


COPY_THREADS = max(1, min(4, _cpu_count()))

_IDLE, _PENDING, _MAPPED, _FAILED = 0, 1, 2, 3
_KEEP_ALIVE: list = []  # map callbacks and status cells of _NativeMaps (see there)


class _HostCopier:
    """Host memcpy of large ranges split over a few threads (NumPy releases the GIL while it
    copies), so the copy and the page faults of a freshly allocated destination use several cores."""

    def __init__(self):
        self._pool = None
        self._pid = None

    def copy(self, dst: np.ndarray, src: np.ndarray) -> None:
        n = dst.nbytes
        t = COPY_THREADS
        if t <= 1 or n < PAR_COPY_MIN:
            np.copyto(dst, src)
            return
        if self._pool is None or self._pid != os.getpid():  # worker threads do not survive a fork
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=t - 1, thread_name_prefix="gpuarray-copy")
            self._pid = os.getpid()
        step = ((n + t - 1) // t + 4095) & ~4095
        futs = [self._pool.submit(np.copyto, dst[a: a + step], src[a: a + step]) for a in range(step, n, step)]
        try:
            np.copyto(dst[:step], src[:step])
        finally:
            for f in futs:  # every piece must finish before the mapped range is released
                f.result()


_copier = _HostCopier()


class _Stage:
    """A staging buffer (MAP_READ|COPY_DST or MAP_WRITE|COPY_SRC) and its map state. ``cell[0]``
    holds _IDLE/_PENDING/_MAPPED/_FAILED; ``index`` is the submission that last used the buffer."""

    __slots__ = ("buf", "size", "cell", "index", "promise")

    def __init__(self, buf, size, cell):
        self.buf, self.size, self.cell = buf, size, cell
        self.index = None
        self.promise = None


class _NativeMaps:
    """Buffer mapping through wgpu-native's C entry points. wgpu-py's map_sync resolves a promise
    on its poller thread (two thread hand-offs per map), allocates a callback and a promise per
    map and submits an empty command buffer before every read map; here the map request reuses
    one callback, the calling thread polls (waiting for just the submission that used the
    buffer) and the mapped pointer is copied with NumPy."""

    def __init__(self, dev: "Device"):
        from wgpu.backends.wgpu_native import _api

        ffi, lib, libf = _api.ffi, _api.lib, _api.libf
        self.ffi, self.libf = ffi, libf
        self._dev = dev.device._internal
        self._queue = dev.queue._internal
        self._read_mode, self._write_mode = lib.WGPUMapMode_Read, lib.WGPUMapMode_Write
        self._null = ffi.NULL
        ok = lib.WGPUMapAsyncStatus_Success
        errors = self._errors = {}
        message_of = _api.from_c_string_view
        # Cells and the callback are never freed (not even when this object is, after a failed
        # self-test): a map request still pending when its stage is dropped may complete later
        # and call the callback, which writes its status into the cell.
        self._cells = []

        @ffi.callback("void(WGPUMapAsyncStatus, WGPUStringView, void *, void *)")
        def on_map(status, message, cell, _unused):
            c = ffi.cast("int32_t *", cell)
            if status == ok:
                c[0] = _MAPPED
            else:
                text = message_of(message)
                errors[int(ffi.cast("intptr_t", cell))] = f"could not map a staging buffer ({status}: {text})"
                c[0] = _FAILED

        _KEEP_ALIVE.append((on_map, self._cells))
        self._info = ffi.new("WGPUBufferMapCallbackInfo *")
        self._info.mode = lib.WGPUCallbackMode_AllowProcessEvents
        self._info.callback = on_map
        self._cmd = ffi.new("WGPUCommandBuffer[1]")
        self._poll_lock = threading.Lock()
        self._selftest(dev)

    def _selftest(self, dev):
        """Every entry point once on a small buffer, so that an incompatible wgpu-native build
        fails here (and the public API is used) rather than in the middle of a transfer."""
        buf = dev.device.create_buffer(size=16, usage=_U.MAP_READ | _U.COPY_DST)
        dev.queue.write_buffer(buf, 0, np.arange(4, dtype=np.uint32))
        s = self.stage(buf, 16)
        s.index = self.submit(dev.queue, dev.device.create_command_encoder().finish())
        self.begin(s, False, 16)
        self.wait(s)
        got = np.empty(16, np.uint8)
        self.get(s, 0, got, 16)
        self.unmap(s)
        buf.destroy()
        if not np.array_equal(got.view(np.uint32), np.arange(4, dtype=np.uint32)):
            raise RuntimeError("direct buffer mapping returned wrong data")

    unlocked_wait = True  # wait() only polls the device: other threads may record meanwhile

    def stage(self, buf, size) -> _Stage:
        cell = self.ffi.new("int32_t *")
        self._cells.append(cell)
        return _Stage(buf, size, cell)

    def submit(self, queue, command_buffer):
        self._cmd[0] = command_buffer._internal
        return int(self.libf.wgpuQueueSubmitForIndex(self._queue, 1, self._cmd))

    def begin(self, s: _Stage, write: bool, size: int) -> None:
        s.cell[0] = _PENDING
        self._info.userdata1 = s.cell
        mode = self._write_mode if write else self._read_mode
        self.libf.wgpuBufferMapAsync(s.buf._internal, mode, 0, size, self._info[0])

    def ready(self, s: _Stage) -> bool:
        if s.cell[0] == _PENDING:
            with self._poll_lock:
                self.libf.wgpuDevicePoll(self._dev, False, self._null)
        return s.cell[0] != _PENDING

    def wait(self, s: _Stage, spin: float = 0.0) -> None:
        c = s.cell
        if c[0] == _PENDING:
            poll = self.libf.wgpuDevicePoll
            with self._poll_lock:
                poll(self._dev, False, self._null)
            if spin > 0 and c[0] == _PENDING:
                until = time.perf_counter() + spin
                while c[0] == _PENDING and time.perf_counter() < until:
                    with self._poll_lock:
                        poll(self._dev, False, self._null)
            if s.index is None:
                target = self._null  # the most recent submission
            else:  # (a cell per wait: threads may wait at once, see Device._read_one)
                target = self.ffi.new("WGPUSubmissionIndex *", s.index)
            tries, deadline = 0, None
            while c[0] == _PENDING:
                # one poll at a time; a blocking poll returns early while another thread submits,
                # so past a few polls the wait also sleeps, up to MAP_TIMEOUT_S without the map
                with self._poll_lock:
                    if c[0] == _PENDING:
                        poll(self._dev, True, target)
                tries += 1
                if c[0] == _PENDING and tries >= 8:
                    now = time.perf_counter()
                    if deadline is None:
                        deadline = now + MAP_TIMEOUT_S
                    elif now > deadline:
                        raise RuntimeError("a staging buffer map did not complete")
                    time.sleep(0.0005)
        if c[0] != _MAPPED:
            c[0] = _IDLE
            raise RuntimeError(self._errors.pop(int(self.ffi.cast("intptr_t", c)), "could not map a staging buffer"))

    def _view(self, s: _Stage, size: int, write: bool) -> np.ndarray:
        f = self.libf.wgpuBufferGetMappedRange if write else self.libf.wgpuBufferGetConstMappedRange
        p = f(s.buf._internal, 0, size)
        if p == self._null:
            raise RuntimeError("the staging buffer's mapped range is not available")
        return np.frombuffer(self.ffi.buffer(p, size), np.uint8)

    def put(self, s: _Stage, src: np.ndarray) -> None:
        _copier.copy(self._view(s, src.nbytes, True), src)

    def get(self, s: _Stage, off: int, out: np.ndarray, size: int) -> None:
        _copier.copy(out, self._view(s, size, False)[off: off + out.nbytes])

    def unmap(self, s: _Stage) -> None:
        s.cell[0] = _IDLE
        self.libf.wgpuBufferUnmap(s.buf._internal)


class _PublicMaps:
    """The same operations through wgpu-py's public mapping API (any wgpu-py version)."""

    unlocked_wait = False  # (its promise machinery is not known to be safe to share)

    def stage(self, buf, size) -> _Stage:
        return _Stage(buf, size, [_IDLE])

    def submit(self, queue, command_buffer):
        queue.submit([command_buffer])
        return None

    def begin(self, s: _Stage, write: bool, size: int) -> None:
        s.cell[0] = _PENDING
        s.promise = s.buf.map_async(wgpu.MapMode.WRITE if write else wgpu.MapMode.READ, 0, size)

    def ready(self, s: _Stage) -> bool:
        return s.cell[0] != _PENDING  # a promise cannot be polled without an event loop

    def wait(self, s: _Stage, spin: float = 0.0) -> None:
        if s.cell[0] == _PENDING:
            p, s.promise = s.promise, None
            s.cell[0] = _FAILED
            p.sync_wait()
            s.cell[0] = _MAPPED
        elif s.cell[0] != _MAPPED:
            raise RuntimeError("could not map a staging buffer")

    def put(self, s: _Stage, src: np.ndarray) -> None:
        s.buf.write_mapped(src, 0)

    def get(self, s: _Stage, off: int, out: np.ndarray, size: int) -> None:
        view = s.buf.read_mapped(0, size, copy=False)
        _copier.copy(out, np.frombuffer(view, np.uint8)[off: off + out.nbytes])

    def unmap(self, s: _Stage) -> None:
        s.cell[0] = _IDLE
        s.buf.unmap()


def _make_maps(dev: "Device"):
    """The direct mapping path on the wgpu-py versions it was written for, else the public API."""
    if wgpu.__version__.startswith(NATIVE_MAP_VERSIONS) and os.environ.get("GPUARRAY_PUBLIC_MAP", "") in ("", "0"):
        try:
            return _NativeMaps(dev)
        except Exception:
            pass
    return _PublicMaps()


class _Transfers:
    """A device's staging state: the mapping path and the ring of upload staging buffers (the
    read staging buffers are pooled in ``Device._staging`` by size class)."""

    def __init__(self, maps):
        import collections

        self.maps = maps
        self.wring = collections.deque()  # _Stage objects, oldest use first


class Device:
    """One wgpu device: adapter ``index`` (in ``list_adapters()``), logical device ``slot`` on it
    (several wgpu devices may be requested from one adapter: each has its own buffers, pool, kernel
    cache and flag words, and none can use another's buffers)."""

    def __init__(self, index: int, slot: int = 0):
        self.disabled_64 = os.environ.get("GPUARRAY_DISABLE_F64", "") not in ("", "0")
        self.index, self.slot = index, slot
        self.handle = None  # the public Device value naming this device (_device/handle.py)
        self.consts: dict = {}  # device-resident constants kept by the layers above (tickets, unit values, tables)
        self.adapter = list_adapters()[index]
        feats = set(self.adapter.features)
        want = [f for f in WANTED_FEATURES if f in feats]
        if self.disabled_64:
            want = [f for f in want if f not in ("shader-f64", "shader-int64")]
        self.features = frozenset(want)
        self.device = self.adapter.request_device_sync(required_features=want)
        self.queue = self.device.queue
        self.limits = dict(self.device.limits)
        self.name = self.adapter.summary
        self.is_cpu = str(self.adapter.info.get("adapter_type", "")).lower() == "cpu"
        self.has_64 = "shader-f64" in self.features and "shader-int64" in self.features
        # storageBarrier() is a device-scope acquire/release fence on storage memory where naga
        # writes SPIR-V (OpControlBarrier, Device memory scope); other backends fence the
        # workgroup only. One-pass reductions (_kernels.reduce) rely on it.
        self.device_fence = str(self.adapter.info.get("backend_type", "")).lower() == "vulkan"
        # A kernel binds at most this many bytes of a buffer and nothing stops it from indexing
        # past the window (the results are silently wrong), so no buffer may be larger.
        # GPUARRAY_MAX_BINDING lowers it (tests of the limit without gigabyte arrays).
        self.max_binding = self.limits["max-storage-buffer-binding-size"]
        lim = os.environ.get("GPUARRAY_MAX_BINDING", "")
        if lim:
            self.max_binding = min(self.max_binding, int(float(lim)))
        self.max_buffer = self.limits["max-buffer-size"]
        # Arrays larger than this are held in several buffers of this size (Storage.segs): a
        # kernel binds a window of one of them (never more than max_binding bytes). A power of two,
        # so that windows start aligned, no element straddles two buffers, and power-of-two blocks
        # of elements (sorting networks, tiles) never do either.
        self.seg_bytes = seg_bytes(self.max_binding, self.max_buffer)
        self.max_bindings = self.limits["max-storage-buffers-per-shader-stage"]
        self.align = max(self.limits["min-storage-buffer-offset-alignment"], 16)
        lim = os.environ.get("GPUARRAY_MEMORY_LIMIT", "")
        self.memory_limit = int(float(lim)) if lim else None
        self.lost = False
        self._busy = True  # work was submitted or written since the last sync
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
        self._late: list = []  # (buffer, nbytes, size class) finalized while another thread held the lock
        # recording
        self._encoder = None
        self._pass = None
        self._arena_host = bytearray(ARENA_BYTES)
        self._arena_used = 0
        self._arena = self.device.create_buffer(size=ARENA_BYTES, usage=_U.STORAGE | _U.COPY_DST)
        self._batch = 0
        self._batch_t0 = 0.0
        self._batch_buffers: set[int] = set()
        # deferred work (queued reductions, see _kernels.reduce.run_pending): recorded before
        # anything else is recorded, read or written, so the device sees the program's order
        self.pending_work = None
        # kernels
        self._kernels: dict = {}
        self._later: set = set()  # keys sent to the compile thread (build_later)
        self._compile_queue = None
        self._bind_groups: dict = {}
        # plans kept for replay, by evaluation signature (see _kernels/replay.py)
        self.recipes: dict = {}
        # floating-point error flags (FPE_WORDS words): whether a kernel that may set them was
        # recorded since they were last read, and the words read but not yet reported
        self._fpe = None
        self._fpe_dirty = False
        self._fpe_seen = None

    @locked
    def fpe_storage(self) -> Storage:
        """The buffer of floating-point error flag words (zeroed; cleared again by every read
        that brings it back)."""
        if self._fpe is None:
            # zeroed by a queue write, which runs before the unsubmitted batch: never a buffer that batch reads
            st = self.alloc(FPE_WORDS * 4, for_host_write=True)
            self.queue.write_buffer(st.buffer, 0, bytes(FPE_WORDS * 4))
            self._fpe = st
        return self._fpe

    # ------------------------------------------------------------------ memory
    @locked
    def alloc(self, nbytes: int, *, for_host_write: bool = False) -> Storage:
        """A buffer of at least nbytes (several, past ``seg_bytes``: a segmented Storage).
        Buffers freed in the unsubmitted batch may be reused by kernels (they run in recording
        order) but not for host writes (those happen first)."""
        if nbytes > self.seg_bytes:
            return self._alloc_segments(nbytes, for_host_write)
        if self._late:
            self._drain_late()
        buf, cls = self._pooled_or_new(nbytes, for_host_write)
        _stats.live_bytes_changed(nbytes)
        return Storage(buf, nbytes, cls, dev=self)

    def _pooled_or_new(self, nbytes, for_host_write):
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
        return buf, cls

    def _alloc_segments(self, nbytes, for_host_write):
        if self._late:
            self._drain_late()
        seg, segs = self.seg_bytes, []
        try:
            for lo in range(0, nbytes, seg):
                segs.append(self._pooled_or_new(min(seg, nbytes - lo), for_host_write))
        except OutOfMemoryError as e:
            for buf, cls in segs:  # nothing already allocated is lost: the pieces go back to the pool
                self._pending.setdefault(cls, []).append(buf)
                self._pooled_bytes += cls
            raise OutOfMemoryError(
                f"out of device memory on '{self.name}': an array of {nbytes} bytes needs "
                f"{-(-nbytes // seg)} buffers of {seg} bytes; {len(segs)} could be made "
                f"({self._held_bytes} bytes held by live arrays and the pool). {e}") from None
        _stats.live_bytes_changed(nbytes)
        _stats.add("segmented_arrays")
        return Storage(None, nbytes, None, tuple(segs), seg, self)

    def pieces(self, st: Storage, offset: int, nbytes: int):
        """(Window of one buffer, offset in it, offset in the range, length) covering bytes
        [offset, offset + nbytes) of a storage: one piece unless it is segmented."""
        if st.segs is None:
            return [(st, offset, 0, nbytes)]
        seg, out, pos, end = st.seg, [], offset, offset + nbytes
        while pos < end:
            i = pos // seg
            buf, _ = st.segs[i]
            stop = min(end, (i + 1) * seg)
            out.append((Window(st, buf, 0, min(seg, st.nbytes - i * seg)), pos - i * seg, pos - offset, stop - pos))
            pos = stop
        return out

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
        """Return a finalized Storage's buffer to the pool. Called from ``Storage.__del__`` in
        whatever thread collects it, so it never waits for the lock: when another thread holds
        it, the buffer is queued (``_late``) and pooled by the next section that allocates,
        submits or reports the pool."""
        if st.segs is not None:
            return self._release_segments(st)
        if not _lock.acquire(False):
            self._late.append((st.buffer, st.nbytes, st.cls))  # (list.append is atomic)
            return
        try:
            self._pool_buffer(st.buffer, st.nbytes, st.cls)
        finally:
            _lock.release()

    def _release_segments(self, st: Storage):
        n, seg = st.nbytes, st.seg
        late = not _lock.acquire(False)
        try:
            for i, (buf, cls) in enumerate(st.segs):
                size = min(seg, n - i * seg)
                if late:
                    self._late.append((buf, size, cls))
                else:
                    self._pool_buffer(buf, size, cls)
        finally:
            if not late:
                _lock.release()

    def _pool_buffer(self, buf, nbytes, cls):
        _stats.live_bytes_changed(-nbytes)
        self._pending.setdefault(cls, []).append(buf)
        self._pooled_bytes += cls

    def _drain_late(self):
        late = self._late
        while late:
            self._pool_buffer(*late.pop())

    @locked
    def free_pool(self):
        """Destroy every pooled (unused) buffer."""
        self.flush()  # buffers freed during the unsubmitted batch may still be read by it
        self._drain_late()
        for d in (self._free, self._pending):
            for cls, lst in d.items():
                for b in lst:
                    self._owned.discard(b)
                    b.destroy()
                    self._held_bytes -= cls
            d.clear()
        self._pooled_bytes = 0
        self._bind_groups.clear()

    @locked
    def pool_info(self) -> dict:
        self._drain_late()
        return {"pooled_bytes": self._pooled_bytes, "held_bytes": self._held_bytes, "live_bytes": _stats.live_bytes()}

    # --------------------------------------------------------------- transfers
    @locked
    def upload(self, data: np.ndarray) -> Storage:
        """A new buffer holding the bytes of a C-contiguous host array."""
        data = np.asarray(data, order="C")
        raw = memoryview(data.reshape(-1)).cast("B") if data.size else b""
        st = self.alloc(len(raw), for_host_write=True)
        self._write(st, 0, raw, fresh=True)
        return st

    @locked
    def write(self, st: Storage, offset: int, raw) -> None:
        """Host bytes into a buffer at a byte offset (4-byte aligned ends are padded by reading back)."""
        self._write(st, offset, raw, fresh=False)

    def _write(self, st: Storage, offset: int, raw, fresh: bool) -> None:
        """``fresh``: the buffer was just allocated for these bytes, so the padding bytes after
        them belong to no array and are written as zeros instead of being read back."""
        raw = memoryview(raw).cast("B")
        if st.dev is not self:
            return st.dev._write(st, offset, raw, fresh)  # (a buffer is written on its own device)
        if st.segs is not None:
            for w, off, a, n in self.pieces(st, offset, raw.nbytes):
                self._write(w, off, raw[a: a + n], fresh)
            return
        n = raw.nbytes
        if n == 0:
            return
        st.version = next_version()
        if self.pending_work is not None:  # queued work reads the old contents
            self.pending_work()
        if id(st.buffer) in self._batch_buffers:
            self.flush()  # the pending batch must see the old contents
        end = offset + n
        lo, hi = offset & ~3, (end + 3) & ~3
        try:
            if n < STAGE_MIN:
                if lo != offset or hi != end:
                    if lo == offset and fresh:
                        cur = bytearray(hi - lo)
                    else:
                        cur = bytearray(self.read(st, lo, hi - lo).tobytes())
                    cur[offset - lo: offset - lo + n] = raw
                    raw, offset = memoryview(cur), lo
                self.queue.write_buffer(st.buffer, offset, raw)
            else:
                # Aligned interior through the staging ring; partial edge words (read back
                # before anything is written) through write_buffer.
                a, b = (offset + 3) & ~3, end & ~3
                edges = []
                if a != offset:
                    w = bytearray(self.read(st, lo, 4).tobytes())
                    w[offset - lo:] = raw[: a - offset]
                    edges.append((lo, w))
                if b != end:
                    w = bytearray(4) if fresh else bytearray(self.read(st, b, 4).tobytes())
                    w[: end - b] = raw[b - offset:]
                    edges.append((b, w))
                self._stage_write(st, a, np.frombuffer(raw, np.uint8)[a - offset: b - offset])
                for off, w in edges:
                    self.queue.write_buffer(st.buffer, off, w)
        except Exception as e:
            self._check_lost(e)
            raise
        self._busy = True
        _stats.add("bytes_to_device", n)

    def _transfers(self):
        """The staging state (mapping path, write ring), made on first use."""
        t = self.__dict__.get("_xfer")
        if t is None:
            t = self._xfer = _Transfers(_make_maps(self))
        return t

    def _stage_write(self, st: Storage, dst: int, src: np.ndarray) -> None:
        """4-byte aligned host bytes into a buffer through the write ring. Each chunk's copy is
        submitted on its own, ahead of the unsubmitted batch (like queue.write_buffer), and its
        staging buffer is re-mapped right away, so the map completes once the copy has run."""
        t = self._transfers()
        maps, ring = t.maps, t.wring
        n, pos = src.nbytes, 0
        chunk = max(4, STAGE_CHUNK & ~7)
        while pos < n:
            c = min(chunk, n - pos)
            s = None
            while ring and ring[0].size != chunk:  # the chunk size changed
                ring.popleft()
            if ring and (len(ring) >= STAGE_DEPTH or maps.ready(ring[0])):
                s = ring.popleft()
            else:
                s = maps.stage(self.device.create_buffer(size=chunk, usage=_U.MAP_WRITE | _U.COPY_SRC), chunk)
                maps.begin(s, True, chunk)
            maps.wait(s)
            maps.put(s, src[pos: pos + c])
            maps.unmap(s)
            enc = self.device.create_command_encoder()
            enc.copy_buffer_to_buffer(s.buf, 0, st.buffer, dst + pos, c)
            s.index = maps.submit(self.queue, enc.finish())
            maps.begin(s, True, chunk)
            ring.append(s)
            pos += c

    @locked
    def read(self, st: Storage, offset: int, nbytes: int) -> np.ndarray:
        """Bytes [offset, offset+nbytes) of a buffer, as a new uint8 host array (waits for the GPU)."""
        if nbytes == 0:
            return np.empty(0, np.uint8)
        if st.dev is not self:
            return st.dev.read(st, offset, nbytes)  # (a buffer is read on its own device)
        if st.segs is not None:
            out = np.empty(nbytes, np.uint8)
            for w, off, a, n in self.pieces(st, offset, nbytes):
                out[a: a + n] = self.read(w, off, n)
            return out
        lo, hi = offset & ~3, (offset + nbytes + 3) & ~3
        out = np.empty(nbytes, np.uint8)
        try:
            if self.pending_work is not None:  # the read must see queued work's results
                self.pending_work()
            t = self._transfers()
            if hi - lo <= STAGE_CHUNK:
                self._read_one(t.maps, st, lo, hi - lo, offset - lo, out)
            else:
                self._read_chunked(t.maps, st, lo, hi, offset, out)
                if self._fpe_dirty:  # the flags come back with a small read of their own
                    self._read_one(t.maps, self._fpe, 0, 4, 0, np.empty(4, np.uint8))
        except Exception as e:
            self._check_lost(e)
            raise
        _stats.add("bytes_from_device", nbytes)
        if self._fpe_seen is not None:
            words, self._fpe_seen = self._fpe_seen, None
            _stats.add("fp_errors", int(np.unpackbits(words.view(np.uint8)).sum()))
            if fpe_report is not None:
                fpe_report(words)
        return out

    def _read_one(self, maps, st: Storage, lo: int, size: int, skip: int, out: np.ndarray) -> None:
        """One staged read: the copy is recorded after the pending work and submitted with it.
        The floating-point flag words ride along (after the data) when a kernel may have set
        them, and are cleared in the same submission."""
        flags = FPE_WORDS * 4 if self._fpe_dirty else 0
        cls = _size_class(size + flags)
        pool = self._staging.setdefault(cls, [])
        if pool:
            s = pool.pop()
        else:
            s = maps.stage(self.device.create_buffer(size=cls, usage=_U.MAP_READ | _U.COPY_DST), cls)
        self._end_pass()
        enc = self._enc()
        enc.copy_buffer_to_buffer(st.buffer, lo, s.buf, 0, size)
        if flags:
            enc.copy_buffer_to_buffer(self._fpe.buffer, 0, s.buf, size, flags)
            enc.clear_buffer(self._fpe.buffer, 0, flags)
            self._fpe_dirty = False
        self.flush()
        s.index = None  # the submission just made is the most recent one
        maps.begin(s, False, size + flags)
        if maps.unlocked_wait:
            _wait_unlocked(maps, s)
        else:
            maps.wait(s, MAP_SPIN_S)
        maps.get(s, skip, out, size + flags)
        if flags:
            words = np.empty(FPE_WORDS, np.uint32)
            maps.get(s, size, words.view(np.uint8), size + flags)
            if words.any():
                self._fpe_seen = words if self._fpe_seen is None else self._fpe_seen | words
        maps.unmap(s)
        pool.append(s)  # not returned after an error: its map state is unknown

    def _read_chunked(self, maps, st: Storage, lo: int, hi: int, offset: int, out: np.ndarray) -> None:
        """A large read in STAGE_CHUNK pieces through up to STAGE_DEPTH staging buffers: while
        one chunk is copied out on the host, the device copies of the next ones run."""
        self.flush()  # pending work is submitted before the copies, so they see its results
        chunk = max(8, STAGE_CHUNK & ~7)
        starts = range(lo, hi, chunk)
        cls = _size_class(chunk)
        pool = self._staging.setdefault(cls, [])
        stages = []
        for _ in range(min(STAGE_DEPTH, len(starts))):
            stages.append(pool.pop() if pool else maps.stage(
                self.device.create_buffer(size=cls, usage=_U.MAP_READ | _U.COPY_DST), cls))
        depth = len(stages)

        def issue(i):
            s, c0 = stages[i % depth], starts[i]
            enc = self.device.create_command_encoder()
            enc.copy_buffer_to_buffer(st.buffer, c0, s.buf, 0, min(chunk, hi - c0))
            s.index = maps.submit(self.queue, enc.finish())
            maps.begin(s, False, min(chunk, hi - c0))

        end = offset + len(out)
        for i in range(depth):
            issue(i)
        for i, c0 in enumerate(starts):
            s = stages[i % depth]
            c = min(chunk, hi - c0)
            maps.wait(s)
            a, b = max(c0, offset), min(c0 + c, end)
            maps.get(s, a - c0, out[a - offset: b - offset], c)
            maps.unmap(s)
            if i + depth < len(starts):
                issue(i + depth)
        pool.extend(stages)  # not returned after an error: their map state is unknown

    @locked
    def copy(self, src: Storage, src_off: int, dst: Storage, dst_off: int, nbytes: int) -> None:
        """Device-to-device byte copy, recorded in order with the kernels (4-byte aligned)."""
        if self.pending_work is not None:
            self.pending_work()
        if src.dev is not self or dst.dev is not self:
            raise mixed_devices(src.dev if src.dev is not self else dst.dev, self, "a copy's buffers")
        if src.segs is not None or dst.segs is not None:
            for w, off, a, n in self.pieces(src, src_off, nbytes):
                for w2, off2, _, n2 in self.pieces(dst, dst_off + a, n):
                    self.copy(w, off, w2, off2, n2)
                    off += n2
            return
        self._end_pass()
        self._enc().copy_buffer_to_buffer(src.buffer, src_off, dst.buffer, dst_off, nbytes)
        dst.version = next_version()
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

    @locked
    def flush(self) -> None:
        """Submit everything recorded so far."""
        if self.pending_work is not None:
            self.pending_work()
        if self._encoder is None:
            return
        self._end_pass()
        try:  # a failure here leaves the batch recorded, to be submitted by the next flush
            if self._arena_used:
                self.queue.write_buffer(self._arena, 0, memoryview(self._arena_host)[: self._arena_used])
        except Exception as e:
            self._check_lost(e)
            raise
        try:  # an encoder or submission the device rejected cannot be submitted again: raised
            self.queue.submit([self._encoder.finish()])
        except Exception as e:
            self._check_lost(e)
            raise
        finally:
            self._encoder = None
            self._arena_used = 0
            self._batch = 0
            self._batch_buffers.clear()
        self._busy = True
        _stats.add("submits")
        if self._late:
            self._drain_late()
        for cls, lst in self._pending.items():
            self._free.setdefault(cls, []).extend(lst)
        self._pending.clear()

    @locked
    def sync(self) -> None:
        """Submit pending work and wait until the device has finished it (at once where nothing
        was submitted or written since the last sync)."""
        if not self._busy and self._encoder is None and self.pending_work is None:
            return
        self.flush()
        tmp = self.alloc(4)
        self.read(tmp, 0, 4)
        self._busy = False

    @locked
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
        for s in storages:
            if s.dev is not self:  # another device's buffer cannot be bound here (see Storage.dev)
                raise mixed_devices(s.dev, self, f"kernel '{kernel.name}''s arrays")
        key = (kernel.id, tuple([s.bkey for s in storages]))
        bg = self._bind_groups.get(key)
        if bg is None:
            if None in bufs:  # a segmented array reached a kernel that does not bind windows of it
                big = next(s for s in storages if s.buffer is None)
                raise SizeLimitError(
                    f"kernel '{kernel.name}' cannot read an array of {big.nbytes} bytes: it is held in "
                    f"buffers of {big.seg} bytes (max-storage-buffer-binding-size on '{self.name}') "
                    f"and this operation does not split its work over them yet. Work on pieces of at most "
                    f"that size (slices, or dask.array chunks)")
            entries = [{"binding": 0, "resource": {"buffer": self._arena, "offset": 0, "size": kernel.window}}]
            for i, (b, s) in enumerate(zip(bufs, storages)):
                size = s.wsize if type(s) is Window else min(b.size, self.max_binding)
                entries.append({"binding": i + 1, "resource": {"buffer": b, "offset": s.woff, "size": size}})
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
        if kernel.fpe:
            self._fpe_dirty = True
        for i in kernel.writes:
            storages[i].version = next_version()
        self._batch += 1
        self._batch_buffers.update(map(id, bufs))
        _stats.add("dispatches")
        if self._batch == 1:
            self._batch_t0 = time.perf_counter()
        elif self._batch % SUBMIT_CHECK == 0 and time.perf_counter() - self._batch_t0 > SUBMIT_AFTER_S:
            self.flush()

    # ----------------------------------------------------------------- kernels
    @locked
    def kernel(self, key, build, trusted=False) -> Kernel:
        """The compiled kernel for a structural key; ``build()`` -> (name, source, access, window)
        runs only on a miss. access: 'r' or 'rw' per data binding (bindings 1..n). ``trusted``:
        its module without naga's bounds checks where wgpu-native offers that (``_device/trusted.py``:
        only for kernels that test every index themselves)."""
        k = self._kernels.get(key)
        if k is not None:
            _stats.add("pipeline_cache_hits")
            return k
        t0 = time.perf_counter()
        name, source, access, window = build()
        source = complete_source(source)
        t1 = time.perf_counter()
        try:
            pipe, bgl, t2, t3 = self._pipeline(name, source, access, trusted)
        except Exception as e:
            self._check_lost(e)
            raise KernelError(name, source, e) from None
        return self._add_kernel(key, name, source, pipe, bgl, window, access, (t0, t1, t2, t3))

    def _add_kernel(self, key, name, source, pipe, bgl, window, access, times) -> Kernel:
        """Cache a built kernel under ``key`` and count its build (``times``: its phases' ends)."""
        t0, t1, t2, t3 = times
        k = Kernel(name, source, pipe, bgl, max(16, (window + 15) // 16 * 16), access, len(self._kernels))
        self._kernels[key] = k
        _stats.compiled(name, t1 - t0, t2 - t1, t3 - t2, len(source.encode()))
        return k

    def _pipeline(self, name, source, access, trusted=False):
        """(pipeline, bind group layout, time after the module, time after the pipeline) of WGSL
        ``source``: no device state of ours is touched, so a worker thread may call it."""
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
        module = None
        if trusted:
            try:
                module = _trusted.create(self.device, source, name)
            except Exception:  # (the checked module below)
                module = None
        if module is None:
            module = self.device.create_shader_module(code=source, label=name)
        t2 = time.perf_counter()
        bgl = self.device.create_bind_group_layout(entries=entries)
        layout = self.device.create_pipeline_layout(bind_group_layouts=[bgl])
        pipe = self.device.create_compute_pipeline(layout=layout, compute={"module": module, "entry_point": "main"})
        return pipe, bgl, t2, time.perf_counter()

    def ready_kernel(self, key):
        """The compiled kernel for ``key`` if there is one (built in the background or not), else None."""
        return self._kernels.get(key)

    def build_later(self, key, build) -> None:
        """Compile a kernel on the device's compile thread (the caller goes on with another one):
        ``build`` as for ``kernel``. The kernel appears to ``ready_kernel`` once built; a build that
        fails is dropped (its caller keeps the kernel it had). wgpu-native's device is thread
        safe and its C calls release the GIL, so the driver compiles while this thread records."""
        if key in self._kernels or key in self._later:
            return
        self._later.add(key)
        if self._compile_queue is None:
            import queue

            self._compile_queue = queue.SimpleQueue()
            threading.Thread(target=self._compile_worker, name="gpuarray-compile", daemon=True).start()
        self._compile_queue.put((key, build))

    def _compile_worker(self):
        while True:
            key, build = self._compile_queue.get()
            try:
                t0 = time.perf_counter()
                name, source, access, window = build()
                source = complete_source(source)
                t1 = time.perf_counter()
                pipe, bgl, t2, t3 = self._pipeline(name, source, access)
            except Exception:  # (never used: the caller's kernel stays)
                continue
            with CRITICAL:
                self._add_kernel(key, name, source, pipe, bgl, window, access, (t0, t1, t2, t3))
                _stats.add("background_compiles")

    def _check_lost(self, e: Exception):
        if self.lost or "lost" in str(e).lower():
            self.lost = True
            raise DeviceLostError(
                f"the GPU device '{self.name}' was lost ({e}); arrays on it are gone. Restart the process."
            ) from e


_NO_RAISE.add(Device._release.__code__)


def _wait_unlocked(maps, s) -> None:
    """Wait for a staging buffer's map with the device lock let go (the buffer belongs to this
    call and its copy is submitted), so other threads record meanwhile; a Ctrl-C stays deferred."""
    global _hold
    main = threading.get_ident() == _MAIN
    if main:
        _hold += 1
    saved = _lock._release_save()
    try:
        maps.wait(s, MAP_SPIN_S)
    finally:
        _lock._acquire_restore(saved)
        if main:
            _hold -= 1


_dev: Device | None = None  # the process's default device (GPUARRAY_ADAPTER, else the high-performance adapter)
_devices: dict = {}  # (adapter index, slot) -> Device, every device opened
# More than one device is open: the current device is then per thread (``using``), and operations
# find the device of their operands. While False (one device) none of that is looked at.
MULTI = False
_tls = threading.local()


def _record_pending() -> None:
    for dev in list(_devices.values()):
        work = dev.pending_work  # (read once: another thread may run it)
        if work is not None:
            work()


_stats.set_deferred_work(_record_pending)


def open_device(index: int, slot: int = 0) -> Device:
    """The device of adapter ``index``, logical slot ``slot`` (opened on first use)."""
    global MULTI
    d = _devices.get((index, slot))
    if d is None:
        with CRITICAL:
            d = _devices.get((index, slot))
            if d is None:
                d = Device(index, slot)
                _devices[(index, slot)] = d
                MULTI = len(_devices) > 1
    return d


def default_device() -> Device:
    """The process's default device (opened on first use)."""
    global _dev
    if _dev is None:
        with CRITICAL:
            if _dev is None:
                _dev = open_device(default_adapter_index())
    return _dev


def device() -> Device:
    """The current device: the one this thread's operation runs on (``using``), else the default."""
    if MULTI:
        d = getattr(_tls, "dev", None)
        if d is not None:
            return d
    d = _dev
    return d if d is not None else default_device()


def opened() -> list:
    """The devices opened so far."""
    return list(_devices.values())


class using:
    """``with using(dev):`` makes ``dev`` this thread's current device (nested blocks restore the
    outer one): operations and allocations inside run on it."""

    __slots__ = ("dev", "prev")

    def __init__(self, dev: Device):
        self.dev = dev

    def __enter__(self):
        self.prev = getattr(_tls, "dev", None)
        _tls.dev = self.dev
        return self.dev

    def __exit__(self, *exc):
        _tls.dev = self.prev
        return False


def mixed_devices(a: Device, b: Device, what: str = "operands") -> ValueError:
    """NumPy's kind of error for arrays of two devices in one operation (never a silent copy)."""
    return ValueError(
        f"{what} are on different devices: {describe(a)} and {describe(b)}; "
        f"move one with x.to_device(device) (gpuarray.to_device) first")


def describe(dev: Device) -> str:
    return f"Device({dev.index}{f', slot={dev.slot}' if dev.slot else ''}: {dev.name!r})"


@locked
def transfer(st: Storage, offset: int, nbytes: int, dst: Device) -> Storage:
    """Bytes [offset, offset + nbytes) of ``st`` into a new buffer of device ``dst``: wgpu devices
    share no buffers and wgpu has no copy between devices, so the bytes go through the host (a read
    on the source device, an upload on the destination). Counted in ``stats()``. In STAGE_CHUNK
    pieces: a piece's upload (submitted through the staging ring, not waited for) runs on the
    destination while the next piece is read from the source."""
    out = dst.alloc(nbytes, for_host_write=True)
    for a in range(0, nbytes, STAGE_CHUNK):
        n = min(STAGE_CHUNK, nbytes - a)
        dst._write(out, a, st.dev.read(st, offset + a, n), fresh=True)
    _stats.add("device_transfers")
    _stats.add("device_transfer_bytes", nbytes)
    return out


def check_elements(n: int, what: str = "kernel") -> None:
    """Refuse an iteration space that 32-bit kernel indices cannot cover (a broadcast view can
    be that large without any memory behind it)."""
    if n >= MAX_ELEMENTS:
        raise SizeLimitError(
            f"a {what} over {n} elements: kernels address fewer than 2^31 elements per dispatch "
            f"on this device. Reduce over smaller pieces (e.g. dask.array chunks)"
        )


def groups_for(n: int, per_group: int = WORKGROUP) -> int:
    return (n + per_group - 1) // per_group
