"""scikit-learn estimators whose fits are linear algebra (svd, eigh, qr, cholesky, solves), with
array API dispatch on GpuArrays: the same results as the NumPy fits and no host fallback.

scikit-learn's array API support needs ``SCIPY_ARRAY_API=1`` before SciPy is first imported, and
other test modules may import SciPy first in the same process: without the variable this module
runs itself in a subprocess with it set."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

if os.environ.get("SCIPY_ARRAY_API") != "1":

    def test_in_subprocess_with_scipy_array_api():
        env = dict(os.environ, SCIPY_ARRAY_API="1")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                            os.path.abspath(__file__)], cwd=root, env=env, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stdout[-8000:] + r.stderr[-4000:]
        assert " passed" in r.stdout and "skipped" not in r.stdout

import gpuarray as ga  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis  # noqa: E402
from sklearn.linear_model import Ridge, RidgeCV  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402


def _data():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((120, 8))
    X[:, 1] *= 5
    X[:, 4] = X[:, 3] * 0.5 + 0.01 * rng.standard_normal(120)  # a near-collinear pair
    y = X @ rng.standard_normal(8) + 0.1 * rng.standard_normal(120)
    labels = (X[:, 0] > 0).astype(np.int64) + (X[:, 2] > 0.5)
    return X, y, labels


ESTIMATORS = {
    "PCA_full": (lambda: PCA(n_components=3, svd_solver="full"), None),
    "PCA_randomized": (lambda: PCA(n_components=3, svd_solver="randomized", power_iteration_normalizer="QR",
                                   random_state=0), None),
    "PCA_covariance_eigh": (lambda: PCA(n_components=3, svd_solver="covariance_eigh"), None),
    "Ridge_svd": (lambda: Ridge(alpha=0.5, solver="svd"), "y"),
    "RidgeCV": (lambda: RidgeCV(alphas=(0.1, 1.0, 10.0)), "y"),
    "LDA": (lambda: LinearDiscriminantAnalysis(), "labels"),
    "GaussianMixture": (lambda: GaussianMixture(3, random_state=0, init_params="random_from_data"), None),
    "GaussianMixture_tied": (lambda: GaussianMixture(2, covariance_type="tied", random_state=0,
                                                     init_params="random_from_data"), None),
}
ATTRS = ("components_", "explained_variance_", "singular_values_", "mean_", "coef_", "intercept_", "alpha_",
         "scalings_", "means_", "weights_", "covariances_", "precisions_cholesky_")


@pytest.mark.skipif(os.environ.get("SCIPY_ARRAY_API") != "1", reason="runs in the subprocess")
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_fit_same_as_numpy_without_fallbacks(name):
    X, y, labels = _data()
    make, target = ESTIMATORS[name]
    t = {"y": y, "labels": labels, None: None}[target]
    ref = make().fit(X, t)
    gX, gt = ga.asarray(X), None if t is None else ga.asarray(t)
    with sklearn.config_context(array_api_dispatch=True), ga.stats() as fit_stats:
        est = make().fit(gX, gt)
    # the fit reads back flags and scalars only (convergence, ranks, scikit-learn's checks), no data
    assert fit_stats.as_dict()["bytes_from_device"] < X.nbytes // 8, fit_stats.as_dict()["bytes_from_device"]
    assert fit_stats.fallbacks == {}, fit_stats.fallbacks
    with sklearn.config_context(array_api_dispatch=True), ga.stats() as s:
        fitted = {a: getattr(est, a) for a in ATTRS if hasattr(ref, a)}
        for a, got in fitted.items():
            want = np.asarray(getattr(ref, a))
            h = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
            assert isinstance(got, ga.GpuArray) or np.ndim(want) == 0, (a, type(got))
            if a in ("components_", "scalings_"):  # (from singular vectors: defined up to sign)
                h, want = np.abs(h), np.abs(want)
            assert h.shape == want.shape, a
            np.testing.assert_allclose(h, want, rtol=1e-6, atol=1e-8, err_msg=a)
        if hasattr(ref, "predict"):
            got = est.predict(ga.asarray(X[::-1]))
            np.testing.assert_allclose(got.get(), ref.predict(X[::-1]), rtol=1e-6, atol=1e-8)
    assert s.fallbacks == {}, s.fallbacks
