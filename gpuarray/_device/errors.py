"""The project's exception classes."""
from __future__ import annotations


class GpuArrayError(RuntimeError):
    """Base class of errors raised by the device runtime."""


class OutOfMemoryError(GpuArrayError, MemoryError):
    """The device could not allocate a buffer, even after the pool was emptied."""


class SizeLimitError(GpuArrayError, MemoryError):
    """An operation cannot address an array the way it was asked to on this device: 32-bit
    computed offsets (gathers, scatters, sort) past 2^31 elements, or an array held in several
    buffers (past the storage binding limit) reaching a kernel that does not work on it in pieces.
    The message names the limit and the way out."""


class DeviceLostError(GpuArrayError):
    """The GPU device was lost (driver reset or crash); arrays on it are gone."""


class KernelError(GpuArrayError):
    """A generated kernel failed to compile or validate; carries its name and source."""

    def __init__(self, name: str, source: str, cause: Exception):
        self.kernel_name = name
        self.source = source
        numbered = "\n".join(f"{i + 1:4d} {line}" for i, line in enumerate(source.splitlines()))
        super().__init__(f"kernel '{name}' failed: {cause}\n--- generated WGSL ---\n{numbered}")


class HostDataError(TypeError):
    """A value NumPy holds only as objects, strings or dates (``None``, ``"x"``, ``object()``): no
    device dtype can hold it. NumPy functions called with one run on the host instead."""


class DeferToArrayFunction(TypeError):
    """An operand is an array type with NumPy dispatch of its own (``gpuarray.ma``'s masked arrays): the
    namespace function runs NumPy's instead, which hands the call to that type; reading only its data
    would lose its meaning (a mask)."""


class FallbackWarning(UserWarning):
    """A function ran on the host through NumPy because gpuarray has no device kernel for it."""


class FallbackError(GpuArrayError):
    """Raised instead of a host fallback when ``set_fallback('raise')`` is in effect."""
