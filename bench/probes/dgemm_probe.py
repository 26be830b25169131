"""DGEMM tile variants vs cupy (H200). Writes $OUT/dgemm.log."""
import os, sys, time
import numpy as np
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._kernels import matmul as L
OUT = os.environ.get("OUT", "/tmp")
S = int(os.environ.get("S", "4096"))
log = open(os.path.join(OUT, "dgemm.log"), "a")
def P(*a):
    s = " ".join(str(x) for x in a); print(s, flush=True); log.write(s + "\n"); log.flush()
try:
    import cupy as cp
except Exception:
    cp = None
rng = np.random.default_rng(0)
DT = os.environ.get("DT", "d")
h1 = rng.random((S, S)).astype(DT); h2 = rng.random((S, S)).astype(DT)
A, B = ga.asarray(h1), ga.asarray(h2)
ref = h1[:301, :].astype(float) @ h2[:, :277]
flops = 2 * S ** 3
if cp is not None:
    a, b = cp.asarray(h1), cp.asarray(h2)
    a @ b; cp.cuda.Device().synchronize()
    ts = []
    for _ in range(5):
        t = time.perf_counter(); a @ b; cp.cuda.Device().synchronize(); ts.append(time.perf_counter() - t)
    P(f"cupy {DT}gemm {S}: {flops / min(ts) / 1e12:.2f} TFLOP/s")
VARS = [
    ("default 128x128 bk8 8x8", {}),
    ("128x128 bk8 4x8 nt512", dict(RM=4, RN=8)),
    ("128x128 bk8 8x4 nt512", dict(RM=8, RN=4)),
    ("64x128 bk8 8x8 nt128", dict(BM=64)),
    ("128x64 bk8 8x8 nt128", dict(BN=64)),
    ("64x64 bk8 8x8 nt64", dict(BM=64, BN=64)),
    ("64x64 bk16 8x8 nt64", dict(BM=64, BN=64, BK=16)),
    ("64x128 bk16 8x8 nt128", dict(BM=64, BK=16)),
    ("128x128 bk4 8x8", dict(BK=4)),
    ("64x128 bk8 4x8 nt256", dict(BM=64, RM=4)),
    ("64x64 bk16 4x4 nt256", dict(BM=64, BN=64, BK=16, RM=4, RN=4)),
]
if os.environ.get("VARS"):
    import ast; VARS = ast.literal_eval(os.environ["VARS"])
only = os.environ.get("ONLY")
base = dict(L.FAST_CFG[DT])
for label, kw in VARS:
    if only and label.split()[0] not in only.split(","):
        continue
    L.FAST_CFG[DT] = dict(base, **kw)
    try:
        C = A @ B; C._leaf(); ga.sync()
        err = float(np.abs(C.get()[:301, :277] - ref).max() / np.abs(ref).max())
        ts = []
        for _ in range(5):
            t = time.perf_counter(); C = A @ B; C._leaf(); ga.sync(); ts.append(time.perf_counter() - t)
        P(f"{label}: {flops / min(ts) / 1e12:.2f} TFLOP/s (median {flops / np.median(ts) / 1e12:.2f}) err {err:.1e}")
    except Exception as e:
        P(f"{label}: FAIL {e!r}"[:300])
L.FAST_CFG[DT] = base
