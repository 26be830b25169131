"""The array API namespace: data type functions, the fft extension, diff, inspection, and the
small fixes the conformance suite asked for, against NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same, ALL_DTYPES, FLOAT_DTYPES, HAS64, INT_DTYPES, REAL_DTYPES, sample

API_NAMES = """abs acos acosh add all any argmax argmin argsort asarray asin asinh astype atan atan2 atanh
bitwise_and bitwise_invert bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor broadcast_arrays
broadcast_to can_cast ceil clip concat conj copysign cos cosh count_nonzero cumulative_prod cumulative_sum diff
divide empty empty_like equal exp expand_dims expm1 eye finfo flip floor floor_divide from_dlpack full full_like
greater greater_equal hypot iinfo imag isdtype isfinite isin isinf isnan less less_equal linspace log log10 log1p
log2 logaddexp logical_and logical_not logical_or logical_xor matmul matrix_transpose max maximum mean meshgrid
min minimum moveaxis multiply negative nextafter nonzero not_equal ones ones_like permute_dims positive pow prod
real reciprocal remainder repeat reshape result_type roll round searchsorted sign signbit sin sinh sort sqrt square
squeeze stack std subtract sum take take_along_axis tan tanh tensordot tile tril triu trunc unique_all
unique_counts unique_inverse unique_values unstack var vecdot where zeros zeros_like""".split()
FFT_NAMES = "fft ifft fftn ifftn rfft irfft rfftn irfftn hfft ihfft fftfreq rfftfreq fftshift ifftshift".split()


def test_namespace_names():
    missing = [n for n in API_NAMES if not callable(getattr(ga, n, None))]
    assert not missing
    assert not [n for n in FFT_NAMES if not callable(getattr(ga.fft, n, None))]
    assert ga.__array_api_version__ == "2025.12"
    assert ga.asarray([1]).__array_namespace__() is ga


def test_inspection():
    info = ga.__array_namespace_info__()
    assert isinstance(info.devices(), tuple) and info.default_device() in info.devices()
    d = info.default_dtypes()
    assert d["real floating"] == ga.asarray(0.0).dtype and d["integral"] == ga.asarray(0).dtype
    assert set(info.dtypes(kind="bool")) == {"bool"}
    assert info.capabilities()["boolean indexing"] is True


# ---------------------------------------------------------------------- dtype functions
@pytest.mark.parametrize("dtype", [d for d in ALL_DTYPES if np.dtype(d).kind in "fc"])
def test_finfo(dtype):
    f, e = ga.finfo(dtype), np.finfo(dtype)
    assert isinstance(f.eps, float) and isinstance(f.max, float) and isinstance(f.smallest_normal, float)
    assert (f.bits, f.eps, f.max, f.min, f.smallest_normal, f.dtype) == (e.bits, e.eps, e.max, e.min,
                                                                       e.smallest_normal, e.dtype)
    assert f.tiny == e.tiny and ga.finfo(ga.zeros(2, dtype=dtype)).dtype == e.dtype
    with pytest.raises(ValueError):
        ga.finfo(np.int32)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_iinfo(dtype):
    i, e = ga.iinfo(dtype), np.iinfo(dtype)
    assert (i.bits, i.min, i.max, i.dtype) == (e.bits, e.min, e.max, e.dtype)
    assert ga.iinfo(ga.zeros(1, dtype=dtype)).max == e.max
    with pytest.raises(ValueError):
        ga.iinfo(np.float32)


def test_can_cast_and_isdtype():
    for a in REAL_DTYPES:
        for b in REAL_DTYPES:
            assert ga.can_cast(a, b) == np.can_cast(a, b)
            assert ga.can_cast(ga.zeros(1, dtype=a), b) == np.can_cast(a, b)
    assert ga.can_cast(np.float64, np.float32, casting="same_kind")
    with pytest.raises(TypeError):
        ga.can_cast(1, np.int8)
    kinds = ["bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating", "numeric"]
    for d in ALL_DTYPES:
        for k in kinds:
            assert ga.isdtype(np.dtype(d), k) == np.isdtype(np.dtype(d), k)
        assert ga.isdtype(d, ("bool", "complex floating")) == np.isdtype(np.dtype(d), ("bool", "complex floating"))
        assert ga.isdtype(np.dtype(d), d)
    with pytest.raises(ValueError):
        ga.isdtype(np.dtype(np.int8), "integer")
    with pytest.raises(TypeError):
        ga.isdtype("int8", "integral")


def test_result_type_and_astype(rng):
    i8, f32 = ga.zeros(2, dtype=np.int8), ga.zeros(2, dtype=np.float32)
    assert ga.result_type(i8, np.int16) == np.int16
    assert ga.result_type(i8, 1) == np.int8 and ga.result_type(f32, 1.0) == np.float32
    assert ga.result_type(np.uint8, np.int8) == np.int16
    with pytest.raises(ValueError):
        ga.result_type(1, 2.0)
    a = sample((3, 4), np.float32, rng)
    g = ga.asarray(a)
    assert_same(ga.astype(g, np.int16), a.astype(np.int16))
    assert ga.astype(g, np.float32, copy=False) is g
    c = ga.astype(g, np.float32)
    assert c is not g
    assert_same(ga.astype(g, "complex floating"), a.astype(ga.asarray(0j).dtype))
    assert ga.astype(g, "real floating") is not g and ga.astype(g, "real floating").dtype == np.float32
    with pytest.raises(TypeError):
        ga.astype(g, np.int8, casting="safe")


# ---------------------------------------------------------------------------------- fft
def test_fft_transforms(rng):
    x = sample((6, 10), np.float32, rng)
    z = (x + 1j * sample((6, 10), np.float32, rng)).astype(np.complex64)
    gx, gz = ga.asarray(x), ga.asarray(z)
    tol = dict(rtol=1e-4, atol=1e-4)
    assert_same(ga.fft.fft(gz), np.fft.fft(z), **tol)
    assert_same(ga.fft.ifft(gz, n=7, axis=0, norm="ortho"), np.fft.ifft(z, n=7, axis=0, norm="ortho"), **tol)
    assert_same(ga.fft.fftn(gz), np.fft.fftn(z), rtol=1e-4, atol=1e-3)
    assert_same(ga.fft.ifftn(gz, axes=(0,)), np.fft.ifftn(z, axes=(0,)), **tol)
    assert_same(ga.fft.rfft(gx), np.fft.rfft(x), **tol)
    assert_same(ga.fft.irfft(gz), np.fft.irfft(z), **tol)
    assert_same(ga.fft.rfftn(gx, norm="forward"), np.fft.rfftn(x, norm="forward"), **tol)
    assert_same(ga.fft.irfftn(gz, s=(6, 8), axes=(0, 1)), np.fft.irfftn(z, s=(6, 8), axes=(0, 1)), **tol)
    assert_same(ga.fft.hfft(gz), np.fft.hfft(z), rtol=1e-4, atol=1e-3)
    assert_same(ga.fft.ihfft(gx), np.fft.ihfft(x), **tol)
    with pytest.raises(TypeError):
        ga.fft.rfft(gz)
    with pytest.raises(ValueError):
        ga.fft.fft(gz, norm="bogus")
    with ga.stats() as s:
        ga.fft.fft(gz).get()
    assert not s.fallbacks


@pytest.mark.parametrize("n", [1, 2, 7, 8, 33])
@pytest.mark.parametrize("d", [1.0, 0.25])
def test_fftfreq_on_device(n, d):
    with ga.stats() as s:
        f, r = ga.fft.fftfreq(n, d=d), ga.fft.rfftfreq(n, d=d)
        f.get(), r.get()
    assert not s.fallbacks
    assert_same(f, np.fft.fftfreq(n, d).astype(ga.asarray(0.0).dtype), rtol=1e-6)
    assert_same(r, np.fft.rfftfreq(n, d).astype(ga.asarray(0.0).dtype), rtol=1e-6)
    assert ga.fft.fftfreq(n, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError):
        ga.fft.fftfreq(0)


@pytest.mark.parametrize("shape", [(0,), (1,), (7,), (4, 5), (2, 3, 6)])
@pytest.mark.parametrize("axes", [None, 0, -1, (0, -1)])
def test_fftshift(shape, axes, rng):
    a = sample(shape, np.int32, rng)
    if axes is not None and len(shape) == 1 and axes == (0, -1):
        axes = 0
    g = ga.asarray(a)
    assert_same(ga.fft.fftshift(g, axes=axes), np.fft.fftshift(a, axes=axes))
    assert_same(ga.fft.ifftshift(g, axes=axes), np.fft.ifftshift(a, axes=axes))


# --------------------------------------------------------------------------------- diff
@pytest.mark.parametrize("dtype", REAL_DTYPES)
def test_diff(dtype, rng):
    a = sample((4, 7), dtype, rng, special=True)
    g = ga.asarray(a)
    with np.errstate(all="ignore"):
        for kw in ({}, {"n": 2}, {"axis": 0}, {"n": 0}, {"n": 9}):
            assert_same(ga.diff(g, **kw), np.diff(a, **kw))
        pre = np.ones((4, 1), dtype)
        assert_same(ga.diff(g, axis=1, prepend=ga.asarray(pre), append=a[:, :2]),
                    np.diff(a, axis=1, prepend=pre, append=a[:, :2]))
    assert_same(ga.diff(ga.asarray(np.arange(5, dtype=np.int16)), prepend=0, append=9),
                np.diff(np.arange(5, dtype=np.int16), prepend=0, append=9))
    with pytest.raises(ValueError):
        ga.diff(ga.asarray(1.0))
    with pytest.raises(ValueError):
        ga.diff(g, n=-1)


# ---------------------------------------------------------------------- conformance fixes
def test_floor_divide_mixed_width_signed():
    a = np.array([1, 5, -7, 0, -8, 7], np.int32 if not HAS64 else np.int64)
    for t in INT_DTYPES:
        if np.dtype(t).kind != "i":
            continue
        b = np.array([-2, 3, 2, -3, -3, -1], t)
        assert_same(ga.floor_divide(ga.asarray(a), ga.asarray(b)), np.floor_divide(a, b))
        assert_same(ga.remainder(ga.asarray(a), ga.asarray(b)), np.remainder(a, b))


def test_eye_far_diagonal():
    for k in (2**31, -(2**40), 3, -1):
        assert_same(ga.eye(3, 4, k=k), np.eye(3, 4, k=k).astype(ga.asarray(0.0).dtype))


def test_eigvals_dtype_is_numpys():
    # NumPy's rule (the namespace is NumPy's drop-in): real when every eigenvalue is real
    m = np.array([[2.0, 0.0], [0.0, 3.0]], np.float32)
    assert ga.linalg.eigvals(ga.asarray(m)).dtype == np.linalg.eigvals(m).dtype == np.float32
    assert ga.linalg.eig(ga.asarray(m)).eigenvectors.dtype == np.float32
    r = np.array([[0.0, -1.0], [1.0, 0.0]], np.float32)
    assert ga.linalg.eigvals(ga.asarray(r)).dtype == np.complex64
    assert ga.linalg.eig(ga.asarray(r)).eigenvectors.dtype == np.complex64
