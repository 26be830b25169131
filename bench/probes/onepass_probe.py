"""One-pass reductions on the H200: stress for races (many random long reductions vs float64 host
sums), then A/B timings (ONE_PASS on/off) of image4k, montecarlo and a 1 GiB sum."""
import sys, os, time, math
sys.path.insert(0, os.getcwd())
import numpy as np
import gpuarray as ga
from gpuarray._kernels import reduce as rc
from gpuarray._device import runtime as _runtime
from bench.workloads import image4k, montecarlo

dev = _runtime.device()
print("device_fence", dev.device_fence, dev.name, flush=True)
rng = np.random.default_rng(7)
bad = 0
t0 = time.perf_counter()
for it in range(400):
    n_out = int(rng.choice([1, 2, 3, 7, 16, 64]))
    n_red = int(rng.integers(65537, 3_000_000 if n_out < 16 else 400_000))
    dtype = [np.float32, np.float64, np.int32][it % 3]
    a = (rng.integers(-1000, 1000, (n_out, n_red)) if dtype == np.int32 else rng.uniform(-1, 1, (n_out, n_red))).astype(dtype)
    x = ga.asarray(a)
    outs = [ga.sum(x, axis=1), ga.max(x, axis=1), ga.mean(x * 2, axis=1)]
    exp = [a.astype(np.float64).sum(1), a.max(1), (a.astype(np.float64) * 2).mean(1)]
    for o, e in zip(outs, exp):
        g = o.get().astype(np.float64)
        tol = 1e-3 * np.sqrt(n_red) if dtype == np.float32 else 1e-6
        if dtype == np.int32:
            tol = 0
        if not np.allclose(g, e, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=tol):
            bad += 1
            if bad < 5:
                print("MISMATCH", it, n_out, n_red, dtype, np.abs(g - e).max(), flush=True)
st = rc._TICKETS[0]
print(f"stress: 1200 reductions, {bad} mismatches, tickets clear: {not dev.read(st, 0, st.nbytes).view(np.uint32).any()}, {time.perf_counter()-t0:.1f} s", flush=True)

def timeit(fn, n=7):
    t = time.perf_counter()
    while time.perf_counter() - t < 1.0:
        fn()
    rs = []
    for _ in range(n):
        with ga.stats() as s:
            a = time.perf_counter(); fn(); rs.append(time.perf_counter() - a)
    return np.median(rs) * 1e3, s.dispatches

X = image4k.inputs(ga, "default")
mc = montecarlo.inputs(ga, "default")
big = ga.asarray(np.random.default_rng(0).random(1 << 28, dtype=np.float32))
def sum20():
    rs = [ga.sum(big * 1.0) for _ in range(20)]
    for r in rs:
        r._leaf()
    ga.sync()
for rnd in range(2):
    for flag in (False, True):
        rc.ONE_PASS = flag
        ti, di = timeit(lambda: image4k.run(ga, "default", X))
        tm, dm = timeit(lambda: montecarlo.run(ga, "default", mc))
        ts, ds = timeit(sum20, 5)
        print(f"ONE_PASS={flag}: image4k {ti:.2f} ms ({di} dispatches), montecarlo {tm:.2f} ms ({dm}), 20 x sum 1GiB {ts:.2f} ms ({ds}) = {20*(1<<30)/ts/1e9:.2f} TB/s", flush=True)
