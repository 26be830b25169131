"""Source rules for the WGSL that every elementwise kernel may inline (the math libraries, the
elementwise helpers, the random samplers).

An array indexed by a value computed per element is kept in memory by the drivers (lavapipe runs
8 lanes per register, so each access becomes a per-lane gather or scatter), and compiling it cost
most of the compile time of every kernel that called the function (the trigonometric argument
reduction: 280-360 ms of a 300-400 ms compile on lavapipe). Indices must be literals or loop
counters of loops with constant bounds (which the drivers unroll)."""
from __future__ import annotations

import os
import re

import pytest

WGSL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "gpuarray", "_kernels", "wgsl")
LIBRARIES = ("f32math.wgsl", "f64math.wgsl", "ew_helpers.wgsl", "random_samplers.wgsl", "philox.wgsl")

_ARRAY = re.compile(r"\b(?:const|let|var)\s+(\w+)\s*(?::\s*array<[^=;]*>)?\s*=\s*array<|\bvar\s+(\w+)\s*:\s*array<")
_LOOP = re.compile(r"for\s*\(\s*var\s+(\w+)\s*=\s*[\w.]+\s*;\s*\1\s*<\s*\d+u?\s*;")


def _indices(src: str, name: str):
    for m in re.finditer(rf"\b{name}\[", src):
        depth, i = 1, m.end()
        while depth:
            depth += {"[": 1, "]": -1}.get(src[i], 0)
            i += 1
        yield src[m.end():i - 1].strip()


@pytest.mark.parametrize("lib", LIBRARIES)
def test_arrays_are_indexed_by_literals_or_loop_counters(lib):
    src = open(os.path.join(WGSL, lib)).read()
    src = re.sub(r"//[^\n]*", "", src)
    arrays = {a or b for a, b in _ARRAY.findall(src)}
    counters = set(_LOOP.findall(src))
    bad = []
    for name in arrays:
        for idx in _indices(src, name):
            if not re.fullmatch(r"\d+u?", idx) and idx not in counters:
                bad.append(f"{name}[{idx}]")
    assert not bad, f"{lib}: arrays indexed by computed values: {bad}"


def test_the_rule_catches_a_computed_index():
    src = "const T = array<u32, 4>(1u, 2u, 3u, 4u);\nfn f(j: u32) -> u32 { return T[j >> 1u]; }\n"
    arrays = {a or b for a, b in _ARRAY.findall(src)}
    assert arrays == {"T"} and list(_indices(src, "T")) == ["j >> 1u"]
