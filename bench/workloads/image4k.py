"""image4k: per-image normalization of a batch of images, then a gamma curve.

B images HxW uniform in [0, 1) (float32); per-image mean and std over (H, W) (keepdims,
eps 1e-6 inside the sqrt); normalize, ``* 1.0123 - 0.02``, clamp at 0, ``** 1.8``; MSE
against the input, accumulated in float64.
"""
from __future__ import annotations

SIZES = {
    "small": {"B": 2, "H": 64, "W": 96},
    "default": {"B": 16, "H": 2160, "W": 3840},
}


def inputs(lib, size="small", seed=0):
    s = SIZES[size] if isinstance(size, str) else size
    rng = lib.random.default_rng(seed)
    return {"X": rng.random((s["B"], s["H"], s["W"]), dtype=lib.float32)}


def run(xp, size="small", inputs=None, seed=0):
    if inputs is None:
        inputs = globals()["inputs"](xp, size, seed)
    X = inputs["X"]
    mean = xp.mean(X, axis=(1, 2), keepdims=True)
    var = xp.mean((X - mean) ** 2, axis=(1, 2), keepdims=True)
    std = xp.sqrt(var + 1e-6)
    Y = (X - mean) / std
    Y = Y * 1.0123 - 0.02
    Y = xp.maximum(Y, 0)
    Y = Y ** 1.8
    D = Y - X
    mse = xp.mean(D * D, dtype=xp.float64)
    return {
        "mse": float(mse),
        "mean": float(xp.mean(mean, dtype=xp.float64)),
        "std": float(xp.mean(std, dtype=xp.float64)),
        "out_mean": float(xp.mean(Y, dtype=xp.float64)),
    }
