"""elementwise: a chain of transcendental functions over a long vector.

x = linspace(0, 4*pi, N) (float32); y0 = sin(x)*exp(-x/10); y1 = y0*cos(x/4) + 0.25*y0**2;
y2 = tanh(y1) + 0.1*y1.
"""
from __future__ import annotations

import math

SIZES = {
    "small": {"N": 100_001},
    "default": {"N": 100_000_001},
}


def inputs(lib, size="small", seed=0):
    s = SIZES[size] if isinstance(size, str) else size
    return {"x": lib.linspace(0, 4 * math.pi, s["N"], dtype=lib.float32)}


def run(xp, size="small", inputs=None, seed=0):
    if inputs is None:
        inputs = globals()["inputs"](xp, size, seed)
    x = inputs["x"]
    y0 = xp.sin(x) * xp.exp(-x / 10)
    y1 = y0 * xp.cos(x / 4) + 0.25 * y0 ** 2
    y2 = xp.tanh(y1) + 0.1 * y1
    return {
        "mean": float(xp.mean(y2, dtype=xp.float64)),
        "abs_mean": float(xp.mean(xp.abs(y2), dtype=xp.float64)),
        "min": float(xp.min(y2)),
        "max": float(xp.max(y2)),
    }
