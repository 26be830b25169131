"""SciPy with ``SCIPY_ARRAY_API=1`` on GpuArrays: the values of the same calls on NumPy inputs, and
GpuArray results where SciPy returns arrays of the input's namespace.

SciPy reads ``SCIPY_ARRAY_API`` once, when it is first imported, and other test modules may import it
first in the same process: this module runs itself in a subprocess with the variable set."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("scipy")

if os.environ.get("SCIPY_ARRAY_API") != "1":

    def test_scipy_array_api_in_subprocess():
        env = dict(os.environ, SCIPY_ARRAY_API="1")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                            "-p", "no:randomly", os.path.abspath(__file__)],
                           cwd=root, env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout[-8000:] + r.stderr[-4000:]
        assert " passed" in r.stdout

else:
    import scipy.linalg
    import scipy.signal
    import scipy.special
    import scipy.stats
    from conftest import sample

    import gpuarray as ga

    def _host(r):
        return r.get() if isinstance(r, ga.GpuArray) else np.asarray(r)

    def _check(fn, *args, device_result=True, rtol=1e-10):
        want = fn(*args)
        got = fn(*[ga.asarray(a) if isinstance(a, np.ndarray) else a for a in args])
        wants = list(want) if isinstance(want, tuple) else [want]
        gots = list(got) if isinstance(got, tuple) else [got]
        assert len(gots) == len(wants)
        for g, w in zip(gots, wants):
            if isinstance(w, tuple):  # describe's minmax
                _check_values(g, w, rtol)
                continue
            if device_result:
                assert isinstance(g, ga.GpuArray), type(g)
            _check_values(g, w, rtol)

    def _check_values(g, w, rtol):
        if isinstance(w, tuple):
            for u, v in zip(g, w):
                _check_values(u, v, rtol)
            return
        h, w = _host(g), np.asarray(w)
        assert h.shape == w.shape and h.dtype == w.dtype, (h.shape, w.shape, h.dtype, w.dtype)
        np.testing.assert_allclose(h, w, rtol=rtol, atol=1e-12, equal_nan=True)

    RNG = np.random.default_rng(3)
    C = sample((7,), np.float64, RNG, low=-4, high=4)
    R = sample((9,), np.float64, RNG, low=-4, high=4)
    X = sample((6, 5), np.float64, RNG, low=-4, high=4)
    P = sample((11,), np.float64, RNG, low=0.01, high=0.99)

    @pytest.mark.parametrize("args", [(C, R), (C,), (C.astype(np.float32), R.astype(np.float32)),
                                      (C[::-2], R[1::2])], ids=["cr", "c", "f32", "views"])
    def test_toeplitz(args):
        # SciPy builds it with NumPy's as_strided (a NumPy result): the values must be NumPy's
        _check(scipy.linalg.toeplitz, *args, device_result=False)

    @pytest.mark.parametrize("c", [C, C[:1], X], ids=["1d", "one", "batch"])
    def test_circulant_and_hankel(c):
        _check(scipy.linalg.circulant, c, device_result=False)
        if c.ndim == 1:
            _check(scipy.linalg.hankel, c, R, device_result=False)

    SPECIAL = {
        "erf": (scipy.special.erf, C), "gammaln": (scipy.special.gammaln, P * 30),
        "expit": (scipy.special.expit, C), "logit": (scipy.special.logit, P), "ndtr": (scipy.special.ndtr, C),
        "ndtri": (scipy.special.ndtri, P), "xlogy": (scipy.special.xlogy, P, P[::-1]), "entr": (scipy.special.entr, P),
        "log_ndtr": (scipy.special.log_ndtr, C), "erfc": (scipy.special.erfc, C),
    }

    @pytest.mark.parametrize("name", list(SPECIAL))
    def test_special(name):
        fn, *args = SPECIAL[name]
        _check(fn, *args, rtol=1e-7)

    def test_special_reductions():
        _check(scipy.special.logsumexp, X)
        _check(lambda a: scipy.special.logsumexp(a, axis=0), X)
        _check(lambda a: scipy.special.softmax(a, axis=1), X)
        _check(lambda a: scipy.special.log_softmax(a, axis=0), X)

    STATS = {
        "zscore": lambda a, b: scipy.stats.zscore(a),
        "skew": lambda a, b: scipy.stats.skew(a),
        "kurtosis": lambda a, b: scipy.stats.kurtosis(a, axis=1),
        "moment": lambda a, b: scipy.stats.moment(a, 3),
        "sem": lambda a, b: scipy.stats.sem(a),
        "variation": lambda a, b: scipy.stats.variation(abs(a) + 1),
        "gmean": lambda a, b: scipy.stats.gmean(abs(a) + 1, axis=0),
        "hmean": lambda a, b: scipy.stats.hmean(abs(a) + 1),
        "pearsonr": lambda a, b: tuple(scipy.stats.pearsonr(a[:, 0], a[:, 1] * 2 + b[:6])),
        "ttest_ind": lambda a, b: tuple(scipy.stats.ttest_ind(a[:, 2], b)),
        "describe": lambda a, b: tuple(scipy.stats.describe(a)),
    }

    @pytest.mark.parametrize("name", list(STATS))
    def test_stats(name):
        _check(STATS[name], X, R, rtol=1e-9)

    def test_signal():
        _check(scipy.signal.convolve, C, R)
        _check(lambda a, b: scipy.signal.convolve(a, b, mode="same"), C, R)
        _check(scipy.signal.fftconvolve, C, R)
        _check(scipy.signal.detrend, R)
        _check(scipy.signal.lfilter, C[:3], np.array([1.0, 0.5]), R)
