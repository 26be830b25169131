"""einsum on the device (a fused reduction over the broadcast product, or tensordot for plain
contractions) against NumPy's, without a host fallback."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga

from conftest import sample

_R = np.random.default_rng(21)
A = sample((3, 4), np.float32, _R)
B = sample((4, 5), np.float32, _R)
C = sample((3, 3), np.float32, _R)
D = sample((2, 3, 4), np.float32, _R)
E = sample((2, 4, 5), np.float32, _R)
V = sample((4,), np.float32, _R)
T = sample((3, 3, 2), np.float32, _R)
I8 = sample((3, 4), np.int8, _R, low=-5, high=5)
I16 = sample((4, 2), np.int16, _R, low=-5, high=5)
Z = sample((3, 4), np.complex64, _R)

CASES = [("ij,jk->ik", A, B), ("ij,jk", A, B), ("ij->ji", A), ("ii->i", C), ("ii", C), ("ij->", A),
         ("ij,ij->i", A, A), ("i,i", V, V), ("bij,bjk->bik", D, E), ("...ij,...jk->...ik", D, E),
         ("...j,j->...", D, V), ("ij,kj->ik", A, A), ("ij,jk,kl->il", A, B, B.T.copy()), ("i,j->ij", V, V),
         ("bij->jb", D), ("ij,jk->ik", I8, I16), ("ij->", I8), ("iij->ij", T), ("ij,j->i", A, V), ("...", A),
         ("ji", A), ("ba,ab->", C, C), ("ij,ij->", Z, Z), ("i j , j k -> k i", A, B),
         ("ij,ij->j", A > 0, A), ("ij,jk->ik", A > 0, B)]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_einsum_matches_numpy_on_device(case):
    sub, ops = case[0], case[1:]
    with ga.stats() as s:
        got = ga.einsum(sub, *[ga.asarray(o) for o in ops])
        h = got.get()
    e = np.einsum(sub, *ops)
    assert s.fallbacks == {}, s.fallbacks
    assert h.dtype == e.dtype and h.shape == e.shape
    np.testing.assert_allclose(h, e, rtol=1e-5, atol=1e-4)
    assert np.einsum(sub, *[ga.asarray(o) for o in ops]).shape == e.shape  # through __array_function__


def test_einsum_dtype_casting_out_and_errors():
    a, b = ga.asarray(A), ga.asarray(B)
    r = ga.einsum("ij,jk->ik", a, b, dtype=np.float64)
    assert r.dtype == np.float64
    np.testing.assert_allclose(r.get(), np.einsum("ij,jk->ik", A, B, dtype=np.float64), rtol=1e-5)
    with pytest.raises(TypeError, match="safe"):
        ga.einsum("ij,jk->ik", a, b, dtype=np.int32)
    out = ga.asarray(np.full((3, 5), 7.0, np.float32))
    assert ga.einsum("ij,jk->ik", a, b, out=out) is out
    np.testing.assert_allclose(out.get(), A @ B, rtol=1e-5)
    with pytest.raises(ValueError):
        ga.einsum("ij,jk->ik", a, a)
    with pytest.raises(ValueError, match="collapsing index"):
        ga.einsum("ii->i", a)


@pytest.mark.parametrize("sub,shapes", [("ij,jk->ik", [(4, 5), (5, 3)]), ("ij,j->i", [(4, 5), (5,)]), ("ii->i", [(4, 4)]),
                                        ("i,i->", [(7,), (7,)]), ("ij->", [(4, 5)]), ("ij,jk", [(4, 5), (5, 3)]),
                                        ("ij,ij->ij", [(4, 5), (4, 5)]), ("i,j->ij", [(5,), (3,)]),
                                        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)])])
def test_bool_einsum_folds_with_logical_or(sub, shapes):
    """NumPy's bool einsum: the product is a logical and, the sum a logical or (a bool result)."""
    rng = np.random.default_rng(5)
    ops = [rng.random(s) > 0.55 for s in shapes]
    with ga.stats() as s:
        got = ga.einsum(sub, *[ga.asarray(o) for o in ops])
        got_np = np.einsum(sub, *[ga.asarray(o) for o in ops])
        h, h2 = got.get(), got_np.get()
    assert s.fallbacks == {}, s.fallbacks
    want = np.einsum(sub, *ops)
    assert h.dtype == want.dtype == np.bool_
    np.testing.assert_array_equal(h, want)
    np.testing.assert_array_equal(h2, want)
    mixed = np.einsum(sub, *([ops[0].astype(np.int8)] + ops[1:]))
    assert ga.einsum(sub, *([ga.asarray(ops[0].astype(np.int8))] + [ga.asarray(o) for o in ops[1:]])).dtype == mixed.dtype
