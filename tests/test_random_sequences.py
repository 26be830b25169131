"""permutation, shuffle, permuted and choice on the device: random orders from the argsort of
random keys, weighted choice by a search in the cumulative weights (with replacement) or by
Efraimidis-Spirakis keys (without). Checked as distributions (chi-square over all outcomes at
fixed seeds), against NumPy's shapes, dtypes and errors, with no host fallback."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import gpuarray as ga

stats = pytest.importorskip("scipy.stats")
P_MIN = 1e-4


def _pvalue(counts, probs):
    counts = np.asarray(counts, dtype=float)
    exp = np.asarray(probs, dtype=float) * counts.sum()
    return stats.chisquare(counts, exp).pvalue


def test_permuted_rows_are_uniform_permutations(fresh_fallback):
    """24 000 independent orders of 4 items (one per row): each of the 24 permutations equally often."""
    g = ga.random.default_rng(12)
    base = np.tile(np.arange(4), (24_000, 1))
    with ga.stats() as s:
        h = g.permuted(base, axis=1).get()
    assert s.fallbacks == {}
    assert (np.sort(h, axis=1) == np.arange(4)).all()
    code = {p: i for i, p in enumerate(itertools.permutations(range(4)))}
    counts = np.bincount([code[tuple(r)] for r in h.tolist()], minlength=24)
    assert _pvalue(counts, np.full(24, 1 / 24)) > P_MIN


def test_permutation_and_shuffle(fresh_fallback):
    g = ga.random.default_rng(3)
    with ga.stats() as s:
        p = g.permutation(1001).get()
        x = ga.asarray(np.arange(35.0).reshape(7, 5))
        g.shuffle(x)
        rows = g.permutation(ga.asarray(np.arange(35).reshape(7, 5)), axis=1).get()
        flat = g.permuted(ga.asarray(np.arange(12)).reshape(3, 4)).get()
    assert s.fallbacks == {}
    assert sorted(p.tolist()) == list(range(1001)) and p.dtype == np.int64 and not (p == np.arange(1001)).all()
    h = x.get()
    assert sorted(h[:, 0].tolist()) == list(range(0, 35, 5)) and (np.diff(h, axis=1) == 1).all()  # whole rows moved
    assert (np.sort(rows, axis=1) == np.arange(35).reshape(7, 5)).all() and (np.diff(rows[:, :1], axis=0) == 5).all()
    assert sorted(flat.ravel().tolist()) == list(range(12)) and flat.shape == (3, 4)
    # each position of a permutation is uniform: first elements of 600 permutations of 6
    firsts = [g.permutation(6)[0] for _ in range(600)]
    counts = np.bincount([int(f.get()) for f in firsts], minlength=6)
    assert _pvalue(counts, np.full(6, 1 / 6)) > P_MIN
    a = ga.asarray(np.arange(6.0))
    out = g.permuted(a, out=a)
    assert out is a and sorted(a.get().tolist()) == list(range(6))
    assert g.permutation(np.array([2.5, 1.5])).get().dtype == np.float64
    h = np.arange(5)
    g.shuffle(h)  # a host array: NumPy's shuffle from this stream (counted)
    assert sorted(h.tolist()) == list(range(5))


def test_choice_with_weights(fresh_fallback):
    g = ga.random.default_rng(5)
    p = np.array([0.1, 0.0, 0.25, 0.4, 0.25])
    with ga.stats() as s:
        h = g.choice(5, size=50_000, p=p).get()
        pool = g.choice(ga.asarray([1.5, 2.5, 3.5]), size=(3, 4), p=[0.2, 0.3, 0.5]).get()
    assert s.fallbacks == {}
    assert h.dtype == np.int64 and not (h == 1).any()
    assert _pvalue(np.bincount(h, minlength=5)[[0, 2, 3, 4]], p[[0, 2, 3, 4]]) > P_MIN
    assert pool.shape == (3, 4) and set(pool.ravel().tolist()) <= {1.5, 2.5, 3.5}


def test_choice_without_replacement(fresh_fallback):
    """Uniform: each item in a sample of 3 out of 7 with probability 3/7. Weighted: the first pick
    has law p, the second p_j sum_i p_i / (1 - p_i) over i != j (drawing one by one, NumPy's law)."""
    g = ga.random.default_rng(6)
    with ga.stats() as s:
        picks = np.array([g.choice(7, 3, replace=False).get() for _ in range(400)])
        p = np.array([0.1, 0.2, 0.3, 0.4])
        pairs = np.array([g.choice(4, 2, replace=False, p=p).get() for _ in range(1500)])
    assert s.fallbacks == {}
    assert all(len(set(r)) == 3 for r in picks.tolist())
    assert _pvalue(np.bincount(picks.ravel(), minlength=7), np.full(7, 1 / 7)) > P_MIN
    assert (pairs[:, 0] != pairs[:, 1]).all()
    assert _pvalue(np.bincount(pairs[:, 0], minlength=4), p) > P_MIN
    second = np.array([sum(p[i] * p[j] / (1 - p[i]) for i in range(4) if i != j) for j in range(4)])
    assert _pvalue(np.bincount(pairs[:, 1], minlength=4), second) > P_MIN
    assert sorted(g.choice(5, 5, replace=False).get().tolist()) == list(range(5))
    assert g.choice(5, 0, replace=False).shape == (0,)
    assert g.choice(ga.asarray(np.arange(12).reshape(3, 4)), 2, replace=False, axis=1).shape == (3, 2)
    assert g.choice(5, (2, 2), replace=False).shape == (2, 2)


@pytest.mark.parametrize("args,kw,msg", [
    ((5,), dict(size=6, replace=False), "Cannot take a larger sample than population when replace is False"),
    ((0,), dict(size=1), "a must be a positive integer unless no samples are taken"),
    ((5,), dict(p=[0.5, 0.5]), "a and p must have same size"),
    ((5,), dict(p=[0.5, 0.5, 0, 0, 0.1]), "Probabilities do not sum to 1"),
    ((5,), dict(p=[-0.5, 1.5, 0, 0, 0]), "Probabilities are not non-negative"),
    ((5,), dict(p=[[1, 0, 0, 0, 0]]), "p must be 1-dimensional"),
    ((5,), dict(p=[np.nan, 1, 0, 0, 0]), "Probabilities contain NaN"),
    ((5,), dict(size=3, replace=False, p=[0.5, 0.5, 0, 0, 0]), "Fewer non-zero entries in p than size"),
    ((3.5,), {}, "a must be a sequence or an integer"),
])
def test_choice_errors_like_numpy(args, kw, msg):
    with pytest.raises(ValueError, match=msg):
        np.random.default_rng(0).choice(*args, **kw)
    with pytest.raises(ValueError, match=msg):
        ga.random.default_rng(0).choice(*args, **kw)


def test_bytes_from_the_device_stream(fresh_fallback):
    with ga.stats() as s:
        b = ga.random.default_rng(4).bytes(20_000)
    assert s.fallbacks == {}
    assert type(b) is bytes and len(b) == 20_000
    assert b == ga.random.default_rng(4).bytes(20_000)  # the same seed, the same bytes
    counts = np.bincount(np.frombuffer(b, np.uint8), minlength=256)
    assert _pvalue(counts, np.full(256, 1 / 256)) > P_MIN
    assert ga.random.default_rng(4).bytes(0) == b""
    with pytest.raises(ValueError):
        ga.random.default_rng(4).bytes(-1)


def test_choice_of_a_few_from_many_without_replacement(fresh_fallback):
    """k small against n: draws with replacement, repeats dropped (sorts of about k elements).
    Every value and every position uniform; distinct; the same numbers for the same seed."""
    g = ga.random.default_rng(17)
    with ga.stats() as s:
        picks = np.array([g.choice(40, 4, replace=False).get() for _ in range(600)])
    assert s.fallbacks == {}
    assert all(len(set(r)) == 4 for r in picks.tolist()) and picks.min() >= 0 and picks.max() < 40
    for col in range(4):  # each position of the ordered sample is uniform
        assert _pvalue(np.bincount(picks[:, col], minlength=40), np.full(40, 1 / 40)) > P_MIN
    big = g.choice(10**6, 20_000, replace=False).get()
    assert len(np.unique(big)) == 20_000 and big.min() >= 0 and big.max() < 10**6
    assert abs(big.mean() / 5e5 - 1) < 0.02
    np.testing.assert_array_equal(ga.random.default_rng(3).choice(10**5, 50, replace=False).get(),
                                  ga.random.default_rng(3).choice(10**5, 50, replace=False).get())
    pool = ga.asarray(np.arange(1000.0) * 0.5)
    got = g.choice(pool, 7, replace=False).get()
    assert len(set(got.tolist())) == 7 and set(got.tolist()) <= set((np.arange(1000.0) * 0.5).tolist())
    # too few distinct values among the draws: the caller orders the whole range instead
    assert ga.random.default_rng(1)._distinct_draws(1000, 1000) is None
