"""gpuarray.random: counter-based Philox4x32-10 random numbers generated on the device.

``default_rng(seed)`` gives a ``Generator`` with NumPy's Generator API: every distribution,
``integers``, ``choice``, ``permutation``, ``shuffle``, ``permuted``, ``bytes``, on the device.
The module-level functions (``seed``, ``rand``, ``randn``, ``randint``, NumPy's distribution
names ...) use one global Generator. Draws are lazy graph nodes: a draw consumed by an
elementwise expression is generated inside that expression's kernel.

Where NumPy returns a Python scalar (``size=None``), these functions return a 0-d GpuArray.
"""
from __future__ import annotations

from numpy.random import SeedSequence  # (seeds: NumPy's own, accepted by default_rng)

from ._generator import Generator, default_rng

_global = Generator()


def seed(s=None) -> None:
    """Reseed the global generator (None: fresh entropy)."""
    global _global
    _global = Generator(s)


def get_state() -> dict:
    return _global.state


def set_state(state: dict) -> None:
    _global.state = state


def rand(*shape):
    """Uniform floats in [0, 1) of the given shape."""
    return _global.random(shape if shape else None)


def randn(*shape):
    """Standard normal floats of the given shape."""
    return _global.standard_normal(shape if shape else None)


def random(size=None):
    return _global.random(size)


random_sample = ranf = sample = random


def uniform(low=0.0, high=1.0, size=None):
    return _global.uniform(low, high, size)


def normal(loc=0.0, scale=1.0, size=None):
    return _global.normal(loc, scale, size)


def standard_normal(size=None, dtype=None):
    return _global.standard_normal(size, dtype)


def exponential(scale=1.0, size=None):
    return _global.exponential(scale, size)


def standard_exponential(size=None, dtype=None):
    return _global.standard_exponential(size, dtype)


def randint(low, high=None, size=None, dtype=int):
    """Integers in [low, high) (in [0, low) when high is None)."""
    return _global.integers(low, high, size, dtype)


def integers(low, high=None, size=None, dtype=None, endpoint=False):
    return _global.integers(low, high, size, dtype, endpoint)


def random_integers(low, high=None, size=None):
    """Integers in [low, high] (in [1, low] when high is None)."""
    if high is None:
        low, high = 1, low
    return _global.integers(low, high, size, None, endpoint=True)


def choice(a, size=None, replace=True, p=None):
    return _global.choice(a, size, replace, p)


def permutation(x):
    return _global.permutation(x)


def shuffle(x) -> None:
    _global.shuffle(x)


def _global_method(name):
    def fn(*args, **kwargs):
        return getattr(_global, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``Generator.{name}`` of the global generator (see ``seed``)."
    return fn


# NumPy's module-level distributions: the global generator's methods of the same name
_DISTRIBUTIONS = ("beta binomial bytes chisquare dirichlet f gamma geometric gumbel hypergeometric laplace logistic "
                  "lognormal logseries multinomial multivariate_normal negative_binomial noncentral_chisquare "
                  "noncentral_f pareto poisson power rayleigh standard_cauchy standard_gamma standard_t triangular "
                  "vonmises wald weibull zipf").split()
for _name in _DISTRIBUTIONS:
    globals()[_name] = _global_method(_name)
del _name

__all__ = [*_DISTRIBUTIONS, "SeedSequence", "Generator", "default_rng", "seed", "get_state", "set_state", "rand", "randn", "random",
           "random_sample", "ranf", "sample", "uniform", "normal", "standard_normal", "exponential",
           "standard_exponential", "randint", "integers", "random_integers", "choice", "permutation",
           "shuffle"]
