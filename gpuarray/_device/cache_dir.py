"""The kernel cache directory: compiled kernels that outlive the process.

Compiling a kernel is the driver's work (a new fused chain: ~1 s on lavapipe, ~3 s on NVIDIA),
and drivers keep disk caches of their own. wgpu-py 0.32 exposes no pipeline cache (the native
feature exists, the C API to fill and read one does not), so gpuarray points the drivers' caches
at one directory of its own, before the first adapter is created:

  ``GPUARRAY_CACHE_DIR`` if set (``off`` leaves the drivers' settings alone), else
  ``$XDG_CACHE_HOME/gpuarray`` or ``~/.cache/gpuarray`` (``%LOCALAPPDATA%\\gpuarray`` on Windows,
  ``~/Library/Caches/gpuarray`` on macOS).

Mesa (lavapipe, RADV, ANV): ``MESA_SHADER_CACHE_DIR`` = ``<dir>/mesa``, unless the user set it
or disabled the cache (``MESA_SHADER_CACHE_DISABLE``). NVIDIA: ``__GL_SHADER_DISK_CACHE_PATH`` =
``<dir>/nvidia`` with ``__GL_SHADER_DISK_CACHE=1`` and ``__GL_SHADER_DISK_CACHE_SKIP_CLEANUP=1``,
unless the user set the path. A variable the user set is never changed. Where the directory
cannot be created or written (a read-only home) nothing is pointed anywhere: the drivers keep
their defaults and kernels are compiled as before. The variables are inherited by subprocesses.
"""
from __future__ import annotations

import os
import shutil
import sys

ENV = "GPUARRAY_CACHE_DIR"
OFF = ("off", "none", "0", "false", "no")
SUBDIRS = ("mesa", "nvidia")  # what clear() removes: only what gpuarray creates

_prepared = False
_dir: str | None = None


def location() -> str | None:
    """The configured directory (None if ``GPUARRAY_CACHE_DIR=off``); not created here."""
    v = os.environ.get(ENV, "").strip()
    if v:
        return None if v.lower() in OFF else os.path.abspath(os.path.expanduser(v))
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        if not base or not os.path.isabs(base):
            base = os.path.expanduser("~/.cache")
    return os.path.join(base, "gpuarray")


def _usable(path: str) -> bool:
    try:
        for sub in ("",) + SUBDIRS:
            os.makedirs(os.path.join(path, sub), mode=0o700, exist_ok=True)
        return os.access(path, os.W_OK | os.X_OK)
    except (OSError, ValueError):
        return False


def _truthy(v: str | None) -> bool:
    return (v or "").strip().lower() in ("1", "true", "yes", "on")


def prepare() -> str | None:
    """Point the drivers' shader caches at the directory (once, before the first adapter);
    the directory in use, or None where there is none."""
    global _prepared, _dir
    if _prepared:
        return _dir
    _prepared = True
    path = location()
    if path is None or not _usable(path):
        return None
    env = os.environ
    if "MESA_SHADER_CACHE_DIR" not in env and not _truthy(env.get("MESA_SHADER_CACHE_DISABLE")):
        env["MESA_SHADER_CACHE_DIR"] = os.path.join(path, "mesa")
    if "__GL_SHADER_DISK_CACHE_PATH" not in env:
        env["__GL_SHADER_DISK_CACHE_PATH"] = os.path.join(path, "nvidia")
        env.setdefault("__GL_SHADER_DISK_CACHE", "1")
        env.setdefault("__GL_SHADER_DISK_CACHE_SKIP_CLEANUP", "1")
    _dir = path
    return path


def size(path: str | None = None) -> int:
    """Bytes held in the directory's driver caches."""
    path = path or location()
    total = 0
    if path is None:
        return 0
    for sub in SUBDIRS:
        for root, _, files in os.walk(os.path.join(path, sub)):
            for f in files:
                try:
                    total += os.lstat(os.path.join(root, f)).st_size
                except OSError:
                    pass
    return total


def clear() -> int:
    """Delete the compiled kernels kept on disk (the drivers' caches gpuarray pointed into its
    directory; nothing else there, and never a cache the user pointed elsewhere). Kernels this
    process already built stay built. Returns the bytes freed."""
    path = location()
    if path is None:
        return 0
    freed = size(path)
    for sub in SUBDIRS:
        d = os.path.join(path, sub)
        shutil.rmtree(d, ignore_errors=True)
        try:  # the drivers expect their directory where they were told it is
            os.makedirs(d, mode=0o700, exist_ok=True)
        except OSError:
            pass
    return freed


def kernel_cache_dir() -> str | None:
    """The directory where compiled kernels are kept across processes (the drivers' shader
    caches are pointed there: ``GPUARRAY_CACHE_DIR``, default ``~/.cache/gpuarray``), or None
    where there is none (``GPUARRAY_CACHE_DIR=off``, or it cannot be created)."""
    return prepare()


def clear_kernel_cache() -> int:
    """Delete the compiled kernels kept on disk; the next process compiles them again (this one
    keeps those it built). Returns the bytes freed."""
    return clear()
