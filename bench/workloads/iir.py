"""iir: a first-order IIR filter run along the time axis of M signals.

X (M, T) uniform float32; Y (M, 1) = 0; for each t: Y = 0.98*Y + 0.02*X[:, t:t+1];
mean(Y) in float64.
"""
from __future__ import annotations

SIZES = {
    "small": {"M": 1024, "T": 64},
    "default": {"M": 131072, "T": 512},
}


def inputs(lib, size="small", seed=0):
    s = SIZES[size] if isinstance(size, str) else size
    rng = lib.random.default_rng(seed)
    return {"X": rng.random((s["M"], s["T"]), dtype=lib.float32)}


def run(xp, size="small", inputs=None, seed=0):
    if inputs is None:
        inputs = globals()["inputs"](xp, size, seed)
    X = inputs["X"]
    M, T = X.shape
    Y = xp.zeros((M, 1), dtype=xp.float32, like=X)
    for t in range(T):
        Y = 0.98 * Y + 0.02 * X[:, t:t + 1]
    return {
        "mean": float(xp.mean(Y, dtype=xp.float64)),
        "std": float(xp.std(Y, dtype=xp.float64)),
        "max": float(xp.max(Y)),
    }
