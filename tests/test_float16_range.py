"""float16 results past its range are infinities, as NumPy's (float16 is computed in float32 and
rounded after every operation and store: the rounding must not saturate at 65504)."""
import warnings

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


def test_float16_kernels_of_every_family():
    # matmul (float16 loads converted), its epilogue, a scatter and ufunc.at into float16: each
    # kernel family rounds through the same float16 rounding
    rng = np.random.default_rng(5)
    a = rng.uniform(-3, 3, (5, 7)).astype(np.float16)
    b = rng.uniform(-3, 3, (7, 4)).astype(np.float16)
    got = (ga.asarray(a) @ ga.asarray(b)) * np.float16(3000.0)
    with np.errstate(all="ignore"):
        want = (a @ b) * np.float16(3000.0)
    np.testing.assert_allclose(got.get().astype(np.float64), want.astype(np.float64), rtol=2e-3, atol=0.5)
    assert np.array_equal(np.isinf(got.get()), np.isinf(want)) or np.abs(want[~np.isinf(want)]).max() > 60000
    x = ga.asarray(np.arange(6, dtype=np.float16))
    x[ga.asarray(np.array([1, 4]))] = ga.asarray(np.array([70000.0, -2.5], np.float32)).astype(ga.float16)
    xn = np.arange(6, dtype=np.float16)
    with np.errstate(all="ignore"):
        xn[[1, 4]] = np.array([70000.0, -2.5], np.float32).astype(np.float16)
    np.testing.assert_array_equal(x.get(), xn)
    y = ga.asarray(np.full(4, 60000.0, np.float16))
    yn = np.full(4, 60000.0, np.float16)
    with np.errstate(all="ignore"):
        ga.add.at(y, ga.asarray(np.array([0, 0, 2])), np.float16(30000.0))
        np.add.at(yn, [0, 0, 2], np.float16(30000.0))
    np.testing.assert_array_equal(y.get(), yn)


@pytest.mark.parametrize("dtype", [np.float16, np.int8, np.uint8, np.int16, np.uint16, np.bool_])
def test_fancy_index_assignment_of_sub_word_dtypes(dtype):
    # the scatter of packed (8- and 16-bit) elements stores the value's bits, not an integer
    # conversion of it (float16 7.0 stored as the integer 7: 4e-7)
    base = (np.arange(9) % 4 + 1).astype(dtype)
    vals = np.array([7, -3, 1], np.float32).astype(dtype) if dtype != np.bool_ else np.array([False, True, False])
    for idx in (np.array([1, 4, 8]), np.array([8, 0, 3])):
        x = ga.asarray(base)
        x[ga.asarray(idx)] = ga.asarray(vals)
        want = base.copy()
        want[idx] = vals
        np.testing.assert_array_equal(x.get(), want)
        x = ga.asarray(base)
        x[idx] = vals  # (a host index)
        np.testing.assert_array_equal(x.get(), want)


def test_float16_nan_payloads_survive_copies_and_casts():
    bits = np.array([0x7e00, 0xfe00, 0x7c01, 0x7d55, 0xffff, 0x3c00, 0x7c00, 0x0001], np.uint16)
    h = bits.view(np.float16)
    g = ga.asarray(h)
    np.testing.assert_array_equal(g.copy().get().view(np.uint16), bits)
    np.testing.assert_array_equal(g[::-1].copy().get().view(np.uint16), bits[::-1])
    f = h.astype(np.float32)
    with np.errstate(all="ignore"):
        want = f.astype(np.float16).view(np.uint16)
    np.testing.assert_array_equal(ga.asarray(f).astype(ga.float16).get().view(np.uint16), want)


def test_nextafter_steps_float16_bits():
    """nextafter of float16 values: one step of the float16 bits (float16 is computed in f32), as
    NumPy's npy_half_nextafter, NaN bits and the overflow warning included; no host fallback."""
    sp = np.array([0.0, -0.0, 1.0, -1.0, 65504, -65504, np.inf, -np.inf, np.nan, -np.nan, 6e-8, -6e-8, 0.5,
                   3.14, 1e-5, 6.1e-5], np.float16)
    a, b = np.repeat(sp, len(sp)), np.tile(sp, len(sp))
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = ga.nextafter(ga.asarray(a), ga.asarray(b)).get()
    assert not s.fallbacks, s.fallbacks
    with np.errstate(all="ignore"):
        want = np.nextafter(a, b)
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))
    with pytest.warns(RuntimeWarning, match="overflow"):
        ga.nextafter(ga.asarray(np.array([65504], np.float16)), np.float16(np.inf)).get()
