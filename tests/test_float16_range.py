"""float16 results past its range are infinities, as NumPy's (float16 is computed in float32 and
rounded after every operation and store: the rounding must not saturate at 65504)."""
import numpy as np
import pytest

import gpuarray as ga

VALS = np.array([70000.0, -1e9, 65519.0, 65520.0, -65520.0, 65504.0, np.inf, -np.inf, np.nan, 3.0e-6, -0.0, 1.5],
                np.float32)



def test_cast_to_float16_rounds_to_infinity():
    with np.errstate(all="ignore"):
        want = VALS.astype(np.float16)
        got = ga.asarray(VALS).astype(ga.float16).get()
    assert got.dtype == np.float16
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("op", ["multiply", "add", "divide"])
def test_float16_arithmetic_overflows_to_infinity(op):
    a = np.array([300.0, -300.0, 60000.0, 1.0, 2.0, np.nan, 65504.0], np.float16)
    b = np.array([300.0, 300.0, 60000.0, 1e-4, -1e-6, 1.0, 65504.0], np.float16)
    with np.errstate(all="ignore"):
        want = getattr(np, op)(a, b)
        got = getattr(ga, op)(ga.asarray(a), ga.asarray(b)).get()
        # fused with a store into a float16 buffer that already exists (the store's rounding)
        out = ga.asarray(np.full(7, np.float16(-2.0)))
        getattr(ga, op)(ga.asarray(a), ga.asarray(b), out=out)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(out.get(), want)


def test_float16_sum_result_overflows_to_infinity():
    a = np.full(9, 60000.0, np.float16)
    with np.errstate(all="ignore"):
        want = np.sum(a, dtype=np.float16)
        got = ga.sum(ga.asarray(a), dtype=ga.float16).get()
    assert got.dtype == np.float16 and np.isinf(got) == np.isinf(want)
