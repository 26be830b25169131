"""Shader modules without naga's per-access bounds checks.

WebGPU clamps every storage access; wgpu-native can skip that for modules created through
``wgpuDeviceCreateShaderModuleTrusted`` (not wrapped by wgpu-py; reached through its ffi).
Only kernels whose every access is guarded by an explicit index test use it: generated
elementwise kernels write element ``gid < n`` of views whose extent the planner checked.
"""
from __future__ import annotations

_available = None


def create(device, code: str, label: str):
    """A GPUShaderModule for WGSL ``code`` with runtime checks off (None if unsupported)."""
    global _available
    try:
        from wgpu.backends.wgpu_native import _api
        from wgpu.backends.wgpu_native._ffi import ffi, lib
    except Exception:  # another backend
        _available = False
        return None
    if _available is False or not hasattr(lib, "wgpuDeviceCreateShaderModuleTrusted"):
        _available = False
        return None
    src = _api.new_struct_p("WGPUShaderSourceWGSL *", code=_api.to_c_string_view(code))
    src[0].chain.next = ffi.NULL
    src[0].chain.sType = lib.WGPUSType_ShaderSourceWGSL
    desc = _api.new_struct_p(
        "WGPUShaderModuleDescriptor *",
        nextInChain=ffi.cast("WGPUChainedStruct *", src),
        label=_api.to_c_string_view(label),
    )
    mid = _api.libf.wgpuDeviceCreateShaderModuleTrusted(device._internal, desc, 0)
    if mid == ffi.NULL:
        raise RuntimeError("shader module creation failed")
    _available = True
    return _api.GPUShaderModule(label, mid, device)
