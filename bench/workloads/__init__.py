"""The benchmark workloads (see WORKLOADS in the project's shared notes): each module is an
ordinary NumPy script written once against the NumPy API.

Every workload module has:

* ``SIZES``: ``{"small": {...}, "default": {...}}`` problem sizes;
* ``inputs(lib, size="small", seed=0)``: the script's inputs made with the array library
  ``lib`` (``numpy`` or ``gpuarray``): arrays and, where the script draws inside its loop,
  a ``lib.random.default_rng(seed)`` generator;
* ``run(xp, size="small", inputs=None, seed=0)``: the script, using only ``xp.*`` functions
  and array methods/operators. It returns a dict of float result statistics.

Three ways to run one:

* ``run(numpy)``: NumPy on the host;
* ``run(gpuarray)``: ``import gpuarray as np`` style;
* ``run(numpy, inputs=inputs(gpuarray))``: NumPy dispatch: NumPy functions called on
  GpuArrays, executed by gpuarray through ``__array_function__``/``__array_ufunc__``.
"""
from __future__ import annotations

import importlib

NAMES = ("image4k", "pca", "montecarlo", "nlms", "iir", "elementwise")


def get(name: str):
    """The workload module ``name``."""
    if name not in NAMES:
        raise KeyError(f"unknown workload {name!r} (known: {', '.join(NAMES)})")
    return importlib.import_module(f"{__name__}.{name}")


def all_workloads() -> dict:
    return {n: get(n) for n in NAMES}
