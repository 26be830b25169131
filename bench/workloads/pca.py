"""pca: top-k principal directions by power iteration.

A (n, d) uniform float32; subtract the column mean; G = A.T @ A / (n - 1); Q (d, k) random,
columns normalized; 15 power steps Q = G @ Q then normalize the columns (norm + 1e-12);
explained = diag(Q.T @ G @ Q) / trace(G) in float64.
"""
from __future__ import annotations

SIZES = {
    "small": {"n": 2000, "d": 64, "k": 8},
    "default": {"n": 200000, "d": 1024, "k": 8},
}
STEPS = 15


def inputs(lib, size="small", seed=0):
    s = SIZES[size] if isinstance(size, str) else size
    rng = lib.random.default_rng(seed)
    A = rng.random((s["n"], s["d"]), dtype=lib.float32)
    Q = rng.random((s["d"], s["k"]), dtype=lib.float32)
    return {"A": A, "Q": Q}


def run(xp, size="small", inputs=None, seed=0):
    if inputs is None:
        inputs = globals()["inputs"](xp, size, seed)
    A, Q = inputs["A"], inputs["Q"]
    n = A.shape[0]
    A = A - xp.mean(A, axis=0)
    G = (A.T @ A) / (n - 1)
    Q = Q / (xp.linalg.norm(Q, axis=0) + 1e-12)
    for _ in range(STEPS):
        Q = G @ Q
        Q = Q / (xp.linalg.norm(Q, axis=0) + 1e-12)
    rayleigh = xp.diag(Q.T @ G @ Q).astype(xp.float64)
    total = xp.trace(G, dtype=xp.float64)
    explained = rayleigh / total
    return {
        "explained_sum": float(xp.sum(explained)),
        "explained_max": float(xp.max(explained)),
        "explained_min": float(xp.min(explained)),
        "trace": float(total),
    }
