"""nlms: p x C normalized LMS filters, T steps, inputs from a uint32 LCG (deterministic).

x at step t: state = 1664525 * (r*C + c + t*p*C) + 1013904223 (mod 2**32), x = state / 2**32;
d = sum(x*x, 0), y = sum(x*W, 0), e = d - y, nx = sum(x**2, 0) + 1e-3, W += 0.5 * x * (e / nx);
the final MSE (mean of e**2) in float64.
"""
from __future__ import annotations

SIZES = {
    "small": {"p": 16, "C": 64, "T": 10},
    "default": {"p": 128, "C": 2048, "T": 200},
}


def inputs(lib, size="small", seed=0):
    s = SIZES[size] if isinstance(size, str) else size
    p, C = s["p"], s["C"]
    return {
        "idx": lib.arange(p * C, dtype=lib.uint32).reshape(p, C),  # r*C + c
        "W": lib.zeros((p, C), dtype=lib.float32),
    }


def run(xp, size="small", inputs=None, seed=0):
    if inputs is None:
        inputs = globals()["inputs"](xp, size, seed)
    s = SIZES[size] if isinstance(size, str) else size
    idx, W = inputs["idx"], inputs["W"].copy()
    p, C = idx.shape
    T = s["T"]
    e = None
    for t in range(T):
        state = (idx + t * p * C) * 1664525 + 1013904223  # uint32 arithmetic wraps mod 2**32
        x = state.astype(xp.float32) * (1.0 / 4294967296.0)
        d = xp.sum(x * x, axis=0)
        y = xp.sum(x * W, axis=0)
        e = d - y
        nx = xp.sum(x ** 2, axis=0) + 1e-3
        W += 0.5 * x * (e / nx)
    e64 = e.astype(xp.float64)
    return {
        "mse": float(xp.mean(e64 * e64)),
        "w_mean": float(xp.mean(W, dtype=xp.float64)),
        "w_absmax": float(xp.max(xp.abs(W))),
    }
