"""Host fallbacks: running a NumPy function on host copies when no device kernel exists.
Every fallback is counted in telemetry and, by policy, warned about once per function
or refused."""
from __future__ import annotations

import warnings

from . import stats as _stats
from .errors import FallbackError, FallbackWarning

_policy = "warn"
_warned: set[str] = set()


def set_fallback(mode: str) -> None:
    """'warn' (a FallbackWarning once per function), 'silent', or 'raise' (FallbackError)."""
    global _policy
    if mode not in ("warn", "silent", "raise"):
        raise ValueError(f"fallback mode must be 'warn', 'silent' or 'raise', not {mode!r}")
    _policy = mode


def get_fallback() -> str:
    return _policy


def note(name: str) -> None:
    """Record (and by policy warn about or refuse) a host fallback for ``name``."""
    if _policy == "raise":
        raise FallbackError(f"{name} has no GPU implementation for these arguments and fallbacks are disabled")
    _stats.fallback(name)
    if _policy == "warn" and name not in _warned:
        _warned.add(name)
        warnings.warn(f"gpuarray: {name} runs on the host through NumPy (no GPU kernel for these arguments)",
                      FallbackWarning, stacklevel=4)


def host_call(fn, name, args, kwargs):
    note(name)
    return fn(*args, **kwargs)
