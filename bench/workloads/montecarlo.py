"""montecarlo: a European call priced by geometric Brownian motion paths.

S (M, 1) = 100 (float32); T steps of S *= exp(drift + scale * Z), Z standard normal,
drift = (0.05 - 0.02) / 252, scale = 0.2 * sqrt(1 / 252);
price = mean(max(S - 100, 0)) * exp(-0.05 * T / 252).
"""
from __future__ import annotations

import math

SIZES = {
    "small": {"M": 10000, "T": 32},
    "default": {"M": 1_000_000, "T": 256},
}


def inputs(lib, size="small", seed=0):
    s = SIZES[size] if isinstance(size, str) else size
    return {"S": lib.full((s["M"], 1), 100.0, dtype=lib.float32), "rng": lib.random.default_rng(seed)}


def run(xp, size="small", inputs=None, seed=0):
    if inputs is None:
        inputs = globals()["inputs"](xp, size, seed)
    s = SIZES[size] if isinstance(size, str) else size
    S, rng = inputs["S"], inputs["rng"]
    M, T = S.shape[0], s["T"]
    drift = (0.05 - 0.02) / 252
    scale = 0.2 * math.sqrt(1 / 252)
    for _ in range(T):
        Z = rng.standard_normal((M, 1), dtype=xp.float32)
        S = S * xp.exp(drift + scale * Z)
    payoff = xp.maximum(S - 100, 0)
    price = xp.mean(payoff, dtype=xp.float64) * math.exp(-0.05 * T / 252)
    return {
        "price": float(price),
        "mean_S": float(xp.mean(S, dtype=xp.float64)),
        "std_S": float(xp.std(S, dtype=xp.float64)),
    }
