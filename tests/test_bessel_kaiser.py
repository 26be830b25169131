"""i0 and kaiser on the device against NumPy."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same


def _device(fn):
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # none where NumPy gives none
        r = fn()
        r.get()
    assert not s.fallbacks, s.fallbacks
    return r


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int32, np.int8, np.uint16, np.bool_])
def test_i0(dtype, rng):
    r = 10 if dtype == np.float16 else 30  # (float16's exp overflows past 11, NumPy's too)
    if np.dtype(dtype).kind == "f":
        x = np.concatenate([[0.0, -0.0, 8.0, -8.0, 7.999, 8.001, np.nan, 1e-30], rng.uniform(-r, r, 40)]).astype(dtype)
    else:
        x = np.asarray(rng.integers(0, 2, 17) if dtype == np.bool_ else rng.integers(0 if np.dtype(dtype).kind == "u" else -30, 30, 17)).astype(dtype)
    for entry in (ga, np):
        for h in (x, x[::3], x[5], x[:0]):
            assert_same(_device(lambda: entry.i0(ga.asarray(h))), np.i0(h), rtol=2e-6 if x.dtype == np.float32
                        else 2e-3 if x.dtype == np.float16 else 1e-14)
    x2 = x[:40].reshape(5, 8) if x.size >= 40 else x[:16].reshape(4, 4)
    assert_same(_device(lambda: ga.i0(ga.asarray(x2).T)), np.i0(x2.T), rtol=2e-3 if x.dtype == np.float16 else 2e-6)


def test_i0_overflow_and_errors():
    x = np.array([100.0, 1000.0, -np.inf], np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        exp = np.i0(x)
        got = ga.i0(ga.asarray(x))
        assert_same(got, exp)
    with pytest.raises(TypeError):
        ga.i0(ga.asarray(np.ones(3, np.complex64)))


@pytest.mark.parametrize("M", [0, 1, 2, 7, 12, -3])
@pytest.mark.parametrize("beta", [0.0, 4.5, 14, np.float32(2.5)])
def test_kaiser(M, beta):
    assert_same(_device(lambda: ga.kaiser(M, beta)), np.kaiser(M, beta), rtol=1e-13)
