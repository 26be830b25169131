"""The benchmark workloads at small size, through the three ways of running them:
``import gpuarray as np`` (xp=gpuarray), NumPy dispatch (xp=numpy on GpuArray inputs) and
NumPy itself. With the same input data (random draws recorded on the device and replayed
to NumPy) results agree to float32 accuracy; with each library's own random stream the
statistics agree within sampling error."""
from __future__ import annotations

import math
import os
import sys

import numpy as np
import pytest

import gpuarray as ga

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import workloads  # noqa: E402

NAMES = workloads.NAMES

# relative tolerance per workload for the same inputs (float32 arithmetic, other summation orders)
SAME_RTOL = {"image4k": 2e-5, "pca": 2e-5, "montecarlo": 2e-5, "nlms": 2e-5, "iir": 2e-5, "elementwise": 2e-5}
SAME_ATOL = {"elementwise": 1e-6, "nlms": 1e-7}

# statistic -> relative tolerance when each library draws its own random numbers (sampling error)
STAT_RTOL = {
    "image4k": {"mse": 0.05, "mean": 0.02, "std": 0.02, "out_mean": 0.03},
    "pca": {"explained_sum": 0.15, "explained_max": 0.15, "explained_min": 0.15, "trace": 0.03},
    "montecarlo": {"price": 0.1, "mean_S": 0.005, "std_S": 0.05},
    "nlms": None,  # deterministic: compared with SAME_RTOL
    "iir": {"mean": 0.01, "std": 0.1},
    "elementwise": None,  # deterministic
}


class RecordingRng:
    """A device generator whose draws are also kept on the host, to replay them to NumPy."""

    def __init__(self, rng):
        self._rng = rng
        self.draws = []

    def _draw(self, name, *args, **kwargs):
        r = getattr(self._rng, name)(*args, **kwargs)
        self.draws.append(r.get())
        return r

    def random(self, *args, **kwargs):
        return self._draw("random", *args, **kwargs)

    def standard_normal(self, *args, **kwargs):
        return self._draw("standard_normal", *args, **kwargs)


class ReplayRng:
    """Gives back recorded draws in order (checking the request's shape and dtype)."""

    def __init__(self, draws):
        self._draws = list(draws)

    def _next(self, size, dtype):
        a = self._draws.pop(0)
        assert a.shape == tuple(size) and a.dtype == np.dtype(dtype)
        return a.copy()

    def random(self, size=None, dtype=np.float64):
        return self._next(size, dtype)

    def standard_normal(self, size=None, dtype=np.float64):
        return self._next(size, dtype)


def device_inputs(wl, seed=0):
    inp = wl.inputs(ga, "small", seed)
    return {k: RecordingRng(v) if isinstance(v, ga.random.Generator) else v for k, v in inp.items()}


def host_copy(inp):
    return {k: ReplayRng(v.draws) if isinstance(v, RecordingRng) else v.get() for k, v in inp.items()}


def check_close(got, ref, rtol, atol=0.0):
    assert set(got) == set(ref)
    for k in ref:
        assert isinstance(got[k], float) and math.isfinite(got[k]), (k, got[k])
        assert math.isclose(got[k], ref[k], rel_tol=rtol, abs_tol=atol), f"{k}: {got[k]} vs NumPy {ref[k]}"


@pytest.mark.parametrize("mode", ["gpuarray", "dispatch"])
@pytest.mark.parametrize("name", NAMES)
def test_same_inputs_agree_with_numpy(name, mode):
    wl = workloads.get(name)
    inp = device_inputs(wl, seed=7)
    xp = ga if mode == "gpuarray" else np
    got = wl.run(xp, "small", inputs=inp)
    ref = wl.run(np, "small", inputs=host_copy(inp))
    check_close(got, ref, SAME_RTOL[name], SAME_ATOL.get(name, 0.0))


@pytest.mark.parametrize("name", NAMES)
def test_statistics_agree_with_numpy_streams(name):
    """Each library with its own generator: xp=numpy, xp=gpuarray, and dispatch on gpuarray draws."""
    wl = workloads.get(name)
    ref = wl.run(np, "small", seed=3)
    gpu = wl.run(ga, "small", seed=3)
    disp = wl.run(np, "small", inputs=wl.inputs(ga, "small", 3))
    for k in ref:
        assert gpu[k] == pytest.approx(disp[k], rel=1e-6, abs=1e-9), k  # same device stream: same result
    tol = STAT_RTOL[name]
    if tol is None:
        check_close(gpu, ref, SAME_RTOL[name], SAME_ATOL.get(name, 0.0))
    else:
        for k, rt in tol.items():
            assert gpu[k] == pytest.approx(ref[k], rel=rt), f"{k}: {gpu[k]} vs NumPy {ref[k]}"


@pytest.mark.parametrize("name", NAMES)
def test_runs_on_the_device(name):
    """No host fallbacks, and only result statistics come back to the host."""
    wl = workloads.get(name)
    for mode in ("gpuarray", "dispatch"):
        inp = wl.inputs(ga, "small", 1)
        with ga.stats() as s:
            wl.run(ga if mode == "gpuarray" else np, "small", inputs=inp)
        assert s.fallbacks == {}, (mode, s.fallbacks)
        assert s.dispatches > 0
        assert s.bytes_from_device <= 4096, (mode, s.bytes_from_device)


def test_inputs_are_not_modified():
    wl = workloads.get("nlms")
    inp = wl.inputs(ga, "small")
    w0 = inp["W"].get()
    wl.run(np, "small", inputs=inp)
    np.testing.assert_array_equal(inp["W"].get(), w0)


def test_demo_prints_both_results(capsys):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))
    import demo

    rc = demo.main(["--workload", "nlms", "--size", "small"])
    out = capsys.readouterr().out
    assert rc == 0
    assert ga.adapter_info()["name"] in out
    assert "agree: yes" in out and "mse" in out and "dispatches" in out
