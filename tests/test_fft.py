"""FFT on the device against NumPy's pocketfft on the same inputs.

Accuracy: the error of a transform is measured against NumPy's float64 transform of the same
values, relative to the result's norm (Parseval: the input's norm times the scale), and must stay
within c * log2(n) * eps of the working precision.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.exceptions import AxisError

import gpuarray as ga
from conftest import HAS64

CDTYPES = [np.complex64] + ([np.complex128] if HAS64 else [])
FDTYPES = [np.float32] + ([np.float64] if HAS64 else [])
LENGTHS = [1, 2, 3, 5, 7, 8, 16, 17, 97, 128, 1000, 1009, 3 * 5 * 7 * 11]
NORMS = ["backward", "ortho", "forward"]
C = 4.0  # the constant of the c * log2(n) * eps bound


def _data(shape, dtype, rng):
    dtype = np.dtype(dtype)
    x = rng.standard_normal(shape)
    if dtype.kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _eps(dtype) -> float:
    return float(np.finfo(np.dtype(dtype).char.lower() if np.dtype(dtype).kind == "c" else dtype).eps)


def _check(got, x, ref_fn, size, *, dtype=None, **kw):
    """``got`` (a GpuArray) against ``ref_fn`` applied in float64 to the same values ``x``."""
    assert isinstance(got, ga.GpuArray)
    expect_dtype = ref_fn(x, **kw).dtype if dtype is None else np.dtype(dtype)
    h = got.get()
    wide = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
    ref = ref_fn(wide, **kw)
    assert h.dtype == expect_dtype, (h.dtype, expect_dtype)
    assert h.shape == ref.shape
    scale = max(np.linalg.norm(ref.ravel()), np.finfo(np.float64).tiny)
    err = np.linalg.norm((h.astype(ref.dtype) - ref).ravel()) / scale
    bound = C * max(math.log2(max(size, 2)), 1.0) * _eps(h.dtype)
    assert err <= bound, f"relative error {err:.3g} > {bound:.3g} (n={size})"


def _no_fallback(s):
    assert not s.fallbacks, s.fallbacks


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("dtype", CDTYPES)
def test_fft_ifft_lengths(n, dtype, rng):
    x = _data((3, n), dtype, rng)
    g = ga.asarray(x)
    norm = NORMS[n % 3]
    with ga.stats() as s:
        f = ga.fft.fft(g, norm=norm)
        i = ga.fft.ifft(g, norm=norm)
        f.get(), i.get()
    _no_fallback(s)
    _check(f, x, np.fft.fft, n, norm=norm, dtype=dtype)
    _check(i, x, np.fft.ifft, n, norm=norm, dtype=dtype)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_roundtrip_large_prime_and_composite(dtype, rng):
    for n in (1009, 1155, 4096):
        x = _data((2, n), dtype, rng)
        back = ga.fft.ifft(ga.fft.fft(ga.asarray(x))).get()
        err = np.linalg.norm(back - x) / np.linalg.norm(x)
        assert err <= 2 * C * math.log2(n) * _eps(dtype)


@pytest.mark.parametrize("dtype", FDTYPES + CDTYPES)
def test_each_axis_of_3d_with_n(dtype, rng):
    x = _data((5, 6, 7), dtype, rng)
    g = ga.asarray(x)
    cdt = np.result_type(dtype, np.complex64)
    for axis in (0, 1, 2, -1):
        for n in (None, 4, 9):
            with ga.stats() as s:
                r = ga.fft.fft(g, n=n, axis=axis)
                r.get()
            _no_fallback(s)
            _check(r, x, np.fft.fft, n or x.shape[axis], dtype=cdt, n=n, axis=axis)
            _check(ga.fft.ifft(g, n=n, axis=axis, norm="ortho"), x, np.fft.ifft, n or x.shape[axis], dtype=cdt,
                   n=n, axis=axis, norm="ortho")


@pytest.mark.parametrize("dtype", CDTYPES)
def test_strided_and_transposed_inputs(dtype, rng):
    base = _data((12, 40), dtype, rng)
    g = ga.asarray(base)
    views = [(g[::2, 1::3], base[::2, 1::3]), (g.T, base.T), (g[::-1, ::-2], base[::-1, ::-2]),
             (g[3], base[3])]
    for gv, hv in views:
        for axis in range(hv.ndim):
            _check(ga.fft.fft(gv, axis=axis), hv, np.fft.fft, hv.shape[axis], dtype=dtype, axis=axis)
    # the input is not overwritten
    np.testing.assert_array_equal(g.get(), base)


@pytest.mark.parametrize("norm", NORMS + [None])
@pytest.mark.parametrize("dtype", FDTYPES)
def test_real_transforms_every_norm(norm, dtype, rng):
    cdt = np.result_type(dtype, np.complex64)
    for n in (1, 2, 3, 8, 17, 30):
        x = _data((2, n), dtype, rng)
        z = _data((2, n // 2 + 1), cdt, rng)
        gx, gz = ga.asarray(x), ga.asarray(z)
        with ga.stats() as s:
            outs = [ga.fft.rfft(gx, norm=norm), ga.fft.irfft(gz, n=n, norm=norm),
                    ga.fft.hfft(gz, n=n, norm=norm), ga.fft.ihfft(gx, norm=norm)]
            [o.get() for o in outs]
        _no_fallback(s)
        _check(outs[0], x, np.fft.rfft, n, dtype=cdt, norm=norm)
        _check(outs[1], z, np.fft.irfft, n, dtype=dtype, n=n, norm=norm)
        _check(outs[2], z, np.fft.hfft, n, dtype=dtype, n=n, norm=norm)
        _check(outs[3], x, np.fft.ihfft, n, dtype=cdt, norm=norm)


@pytest.mark.parametrize("dtype", FDTYPES)
def test_real_transforms_n_and_axis(dtype, rng):
    cdt = np.result_type(dtype, np.complex64)
    x = _data((6, 9, 4), dtype, rng)
    z = _data((6, 9, 4), cdt, rng)  # imaginary parts at DC / Nyquist: ignored as NumPy does
    gx, gz = ga.asarray(x), ga.asarray(z)
    for axis in (0, 1, -1):
        m = x.shape[axis]
        for n in (None, 5, 2 * m + 1):
            nn = n or m
            _check(ga.fft.rfft(gx, n=n, axis=axis), x, np.fft.rfft, nn, dtype=cdt, n=n, axis=axis)
            _check(ga.fft.ihfft(gx, n=n, axis=axis), x, np.fft.ihfft, nn, dtype=cdt, n=n, axis=axis)
            nn = n or 2 * (m - 1)
            _check(ga.fft.irfft(gz, n=n, axis=axis), z, np.fft.irfft, nn, dtype=dtype, n=n, axis=axis)
            _check(ga.fft.hfft(gz, n=n, axis=axis), z, np.fft.hfft, nn, dtype=dtype, n=n, axis=axis)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_nd_transforms(dtype, rng):
    rdt = np.dtype(dtype).char.lower()
    x = _data((4, 6, 5), dtype, rng)
    r = _data((4, 6, 5), rdt, rng)
    g, gr = ga.asarray(x), ga.asarray(r)
    cases = [
        (ga.fft.fftn, np.fft.fftn, x, g, {}), (ga.fft.ifftn, np.fft.ifftn, x, g, dict(norm="ortho")),
        (ga.fft.fftn, np.fft.fftn, x, g, dict(s=(3, 8), axes=(0, 2))),
        (ga.fft.ifftn, np.fft.ifftn, x, g, dict(axes=(1,), norm="forward")),
        (ga.fft.fftn, np.fft.fftn, x, g, dict(axes=(2, 0, 2))),
        (ga.fft.fft2, np.fft.fft2, x, g, {}), (ga.fft.ifft2, np.fft.ifft2, x, g, dict(s=(7, 2), axes=(-2, -1))),
        (ga.fft.rfftn, np.fft.rfftn, r, gr, {}), (ga.fft.rfftn, np.fft.rfftn, r, gr, dict(s=(5, 4), axes=(0, 1))),
        (ga.fft.irfftn, np.fft.irfftn, x, g, {}), (ga.fft.irfftn, np.fft.irfftn, x, g, dict(s=(4, 7), axes=(1, 2), norm="ortho")),
        (ga.fft.fftn, np.fft.fftn, x, g, dict(s=(-1, 3), axes=(1, 2))),
        (ga.fft.rfft2, np.fft.rfft2, r, gr, {}), (ga.fft.irfft2, np.fft.irfft2, x, g, dict(axes=(0, 2))),
    ]
    for fn, ref, h, d, kw in cases:
        with ga.stats() as s:
            got = fn(d, **kw)
            got.get()
        _no_fallback(s)
        expect = ref(h, **kw).dtype
        expect = np.dtype(dtype) if expect.kind == "c" else np.dtype(rdt)
        _check(got, h, ref, 64, dtype=expect, **kw)


def test_input_dtypes_promote_as_numpy(rng):
    for dtype in [np.float16, np.int32, np.bool_, np.uint8] + ([np.int64] if HAS64 else []):
        x = (rng.standard_normal(8) * 5).astype(dtype)
        for name in ("fft", "rfft", "irfft", "hfft", "ihfft"):
            got = getattr(ga.fft, name)(ga.asarray(x))
            ref = getattr(np.fft, name)(x)
            if not HAS64:
                ref = ref.astype({"D": np.complex64, "d": np.float32}.get(ref.dtype.char, ref.dtype))
            assert got.dtype == ref.dtype, (name, dtype, got.dtype, ref.dtype)
            tol = 1e-2 if dtype == np.float16 else 1e-5
            np.testing.assert_allclose(got.get(), ref, rtol=tol, atol=tol * np.abs(ref).max())


def test_numpy_fft_functions_run_on_device(rng, fresh_fallback):
    x = _data((4, 16), np.complex64, rng)
    r = _data((4, 16), np.float32, rng)
    g, gr = ga.asarray(x), ga.asarray(r)
    with ga.stats() as s:
        outs = [np.fft.fft(g), np.fft.ifft(g, n=10, axis=0), np.fft.rfft(gr, norm="ortho"), np.fft.irfft(g),
                np.fft.fftn(g), np.fft.rfft2(gr), np.fft.hfft(g)]
        assert all(isinstance(o, ga.GpuArray) for o in outs)
        [o.get() for o in outs]
    _no_fallback(s)
    _check(outs[0], x, np.fft.fft, 16, dtype=np.complex64)
    _check(outs[2], r, np.fft.rfft, 16, dtype=np.complex64, norm="ortho")
    _check(outs[6], x, np.fft.hfft, 16, dtype=np.float32)


def test_s_without_axes_warns_as_numpy(rng):
    x = _data((4, 6), np.complex64, rng)
    with pytest.warns(DeprecationWarning, match="`axes` should not be `None`"):
        got = ga.fft.fftn(ga.asarray(x), s=(3, 5))
    with pytest.warns(DeprecationWarning):
        ref = np.fft.fftn(x.astype(np.complex128), s=(3, 5))
    np.testing.assert_allclose(got.get(), ref, rtol=1e-5, atol=1e-5)


def test_out_argument(rng):
    x = _data((3, 8), np.complex64, rng)
    out = ga.asarray(np.full((3, 8), np.nan + 0j, np.complex64))
    res = ga.fft.fft(ga.asarray(x), out=out)
    assert res is out
    _check(out, x, np.fft.fft, 8, dtype=np.complex64)


def test_errors_and_empty(rng):
    g = ga.asarray(_data((3, 4), np.complex64, rng))
    for fn in (ga.fft.fft, ga.fft.ifft, ga.fft.rfft, ga.fft.irfft, ga.fft.hfft, ga.fft.ihfft):
        arg = ga.asarray(_data((3, 4), np.float32, rng)) if fn in (ga.fft.rfft, ga.fft.ihfft) else g
        with pytest.raises(ValueError, match="Invalid number of FFT data points"):
            fn(arg, n=0)
        with pytest.raises(ValueError, match="Invalid norm"):
            fn(arg, norm="bogus")
        with pytest.raises(AxisError):
            fn(arg, axis=2)
    with pytest.raises(TypeError):
        ga.fft.rfft(g)
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        ga.fft.fft(ga.asarray(np.zeros((3, 0), np.complex64)))
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        ga.fft.irfft(ga.asarray(np.ones(1, np.complex64)))
    with pytest.raises(ValueError, match="different lengths"):
        ga.fft.fftn(g, s=(3, 4), axes=(0,))
    z = ga.asarray(np.ones((2, 2)))
    assert ga.fft.fftn(z, axes=()) is z and ga.fft.fftn(ga.asarray(1.5)).dtype == np.fft.fftn(np.array(1.5)).dtype
    e = ga.fft.fft(ga.asarray(np.zeros((0, 5), np.complex64)))
    assert e.shape == (0, 5) and e.dtype == np.complex64
    e = ga.fft.rfft(ga.asarray(np.zeros((0, 5), np.float32)), n=8)
    assert e.shape == (0, 5) and e.dtype == np.complex64


def test_plans_are_cached(rng):
    from gpuarray._kernels import fft as kfft

    x = ga.asarray(_data((2, 1009), np.complex64, rng))
    ga.fft.fft(x).get()
    p = kfft.plan(1009, np.dtype(np.complex64))
    assert p.m == 2048 and p.inner is kfft.plan(2048, np.dtype(np.complex64))
    with ga.stats() as s:
        ga.fft.fft(x).get()
    assert s.kernels_compiled == 0 and s.bytes_to_device == 0


@pytest.mark.parametrize("dtype", CDTYPES)
def test_multi_pass_path_without_workgroup_kernel(dtype, rng, monkeypatch):
    """Lengths the workgroup-memory kernel would take, forced through one dispatch per radix pass."""
    from gpuarray._kernels import fft as kfft

    monkeypatch.setattr(kfft, "local_capacity", lambda dtype: 0)
    for n in (2, 8, 12, 3 * 5 * 7 * 11 * 13, 17, 125):
        x = _data((3, n), dtype, rng)
        with ga.stats() as s:
            f = ga.fft.fft(ga.asarray(x))
            i = ga.fft.ifft(ga.asarray(x), norm="ortho")
            f.get(), i.get()
        assert not any(name.startswith("fft_local") for name in s.compiles)
        _check(f, x, np.fft.fft, n, dtype=dtype)
        _check(i, x, np.fft.ifft, n, dtype=dtype, norm="ortho")


def test_workgroup_kernel_batches_rows(rng):
    """Several rows per workgroup, a partial last workgroup, and one dispatch per transform."""
    x = _data((37, 48), np.complex64, rng)
    with ga.stats() as s:
        f = ga.fft.fft(ga.asarray(x))
        f.get()
    assert s.dispatches == 1  # a contiguous complex64 input is read in place: the transform only
    _check(f, x, np.fft.fft, 48, dtype=np.complex64)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_four_step_transforms(dtype, rng, monkeypatch):
    """Rows longer than the workgroup kernel's capacity: n = n1 n2, two dispatches (a small capacity
    here, so that the split is exercised at small sizes: 1000 = 20 x 50, 1155 = 21 x 55, 4096 = 64 x 64)."""
    from gpuarray._kernels import fft as kfft

    monkeypatch.setattr(kfft, "local_capacity", lambda dtype: 64)
    for n, split in ((1000, (20, 50)), (1155, (21, 55)), (4096, (64, 64)), (96, (2, 48))):
        assert kfft._split(n, 64) == split
        x = _data((3, n), dtype, rng)
        g = ga.asarray(x)
        with ga.stats() as s:
            f = ga.fft.fft(g)
            f.get()
        assert s.dispatches == 2  # the two steps (the contiguous input is read in place)
        _check(f, x, np.fft.fft, n, dtype=dtype)
        _check(ga.fft.ifft(g, norm="forward"), x, np.fft.ifft, n, dtype=dtype, norm="forward")
        y = _data((n, 2), dtype, rng)
        _check(ga.fft.fft(ga.asarray(y), axis=0), y, np.fft.fft, n, dtype=dtype, axis=0)
    # a prime length: Bluestein over a four-step transform of a power of two
    x = _data((2, 97), dtype, rng)
    _check(ga.fft.fft(ga.asarray(x)), x, np.fft.fft, 97, dtype=dtype)
    assert kfft.plan(256, np.dtype(dtype)).steps is not None


@pytest.mark.parametrize("dtype", CDTYPES)
def test_contiguous_inputs_are_read_in_place_and_kept(dtype, rng, monkeypatch):
    """A contiguous input of the working dtype is not copied first, and no path writes into it."""
    from gpuarray._kernels import fft as kfft

    rdt = np.dtype(dtype).char.lower()
    for cap in (None, 64, 0):  # the workgroup kernel, four-step, one dispatch per pass
        if cap is not None:
            monkeypatch.setattr(kfft, "local_capacity", lambda dtype, cap=cap: cap)
        for n in (1, 2, 16, 17, 96, 1000):
            x = _data((2, n), dtype, rng)
            r = _data((2, n), rdt, rng)
            g, gr = ga.asarray(x), ga.asarray(r)
            outs = [ga.fft.fft(g), ga.fft.ifft(g), ga.fft.rfft(gr), ga.fft.irfft(g, n=2 * n)]
            [o.get() for o in outs]
            np.testing.assert_array_equal(g.get(), x)
            np.testing.assert_array_equal(gr.get(), r)
            _check(outs[0], x, np.fft.fft, n, dtype=dtype)
            _check(outs[2], r, np.fft.rfft, n, dtype=dtype)
            outs[0][...] = 0  # the result owns its memory (n = 1 included)
            np.testing.assert_array_equal(g.get(), x)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_inner_axis_transformed_in_place_of_layout(dtype, rng):
    """An inner axis within the workgroup capacity: one dispatch, no transposing copy, a contiguous
    result in the input's axis order."""
    x = _data((48, 5, 3), dtype, rng)
    g = ga.asarray(x)
    for axis in (0, 1):
        with ga.stats() as s:
            f = ga.fft.fft(g, axis=axis)
            h = f.get()
        assert s.dispatches == 1
        assert f._leaf().is_contiguous()
        _check(f, x, np.fft.fft, x.shape[axis], dtype=dtype, axis=axis)
        assert h.shape == x.shape
    _check(ga.fft.ifft(g[::2], axis=0, n=30, norm="ortho"), x[::2], np.fft.ifft, 30, dtype=dtype, axis=0, n=30,
           norm="ortho")


@pytest.mark.parametrize("dtype", CDTYPES)
def test_three_step_transforms(dtype, rng, monkeypatch):
    """Rows beyond the capacity squared: n = n1 n2 n3, three dispatches (capacity 16 here:
    4096 = 16 x 16 x 16, 1000 = 10 x 10 x 10, 2048 = 16 x 16 x 8), inner axes and real transforms too."""
    from gpuarray._kernels import fft as kfft

    monkeypatch.setattr(kfft, "local_capacity", lambda dtype: 16)
    for n, split in ((4096, (16, 256)), (1000, (10, 100)), (2048, (16, 128))):
        assert kfft._split(n, 16) == split
        x = _data((2, n), dtype, rng)
        g = ga.asarray(x)
        with ga.stats() as s:
            f = ga.fft.fft(g)
            f.get()
        assert s.dispatches == 3
        _check(f, x, np.fft.fft, n, dtype=dtype)
        _check(ga.fft.ifft(g, norm="ortho"), x, np.fft.ifft, n, dtype=dtype, norm="ortho")
        np.testing.assert_array_equal(g.get(), x)
        y = _data((n, 3), dtype, rng)
        _check(ga.fft.fft(ga.asarray(y), axis=0), y, np.fft.fft, n, dtype=dtype, axis=0)
    r = _data((3, 2000), np.dtype(dtype).char.lower(), rng)
    _check(ga.fft.rfft(ga.asarray(r)), r, np.fft.rfft, 2000, dtype=dtype)
