"""The library of WGSL helper functions that generated kernels may call.

Sources, later ones overriding earlier ones by function name:
  wgsl/ew_helpers.wgsl  templates instantiated per type ("//@ section" blocks),
  wgsl/f32math.wgsl     our float32 math where the driver's is not good enough,
  wgsl/f64math.wgsl     our float64 math (drivers have none that is correct),
  wgsl/philox.wgsl      counter-based random numbers (gpuarray.random),
  wgsl/random_samplers.wgsl  rejection samplers over them (a template over f32 and f64).
``resolve(code)`` returns the functions ``code`` calls (names ``ga_*``), with their
own dependencies, in definition order; a missing name raises ``Missing``.
A function named ``ga_x__int64`` replaces ``ga_x`` on devices with 64-bit integers (a faster
spelling of the same results).
"""
from __future__ import annotations

import functools
import pathlib
import re
from string import Template
from .._device import runtime as _runtime

WGSL_DIR = pathlib.Path(__file__).parent / "wgsl"
_CALL = re.compile(r"\b((?:ga|GA)_\w+)\b")
_FN = re.compile(r"fn\s+(ga_\w+)\s*\(")
_COMMENT = re.compile(r"//[^\n]*")
_CONST = re.compile(r"const\s+((?:ga|GA)_\w+)\s*[:=]")


class Missing(LookupError):
    """A kernel needs a helper function the library does not have (e.g. f64 math)."""


# per-type substitutions for the templates
_TYPES = {
    "f32": dict(T="f32", S="f32", U="u32", ZERO="0.0f", ONE="1.0f", HALF="0.5f", SIGN="0x80000000u",
                ABSMASK="0x7fffffffu", EXPMASK="0x7f800000u", MBITS="23u"),
    "f64": dict(T="f64", S="f64", U="u64", ZERO="0.0lf", ONE="1.0lf", HALF="0.5lf", SIGN="0x8000000000000000lu",
                ABSMASK="0x7ffffffffffffffflu", EXPMASK="0x7ff0000000000000lu", MBITS="52u"),
    "i32": dict(T="i32", S="i32", ZERO="0i", ONE="1i", BITS="32i", SHMASK="31u"),
    "i64": dict(T="i64", S="i64", ZERO="0li", ONE="1li", BITS="64li", SHMASK="63u"),
    "u32": dict(T="u32", S="u32", ZERO="0u", ONE="1u", BITS="32u", SHMASK="31u"),
    "u64": dict(T="u64", S="u64", ZERO="0lu", ONE="1lu", BITS="64lu", SHMASK="63u"),
    "c64": dict(T="vec2<f32>", S="c64", R="f32", RS="f32"),
    "c128": dict(T="vec2<f64>", S="c128", R="f64", RS="f64"),
}
# the complex functions' constants per component type: literal suffix, NaN and infinity bits,
# thresholds where a partial result would overflow (exp, sinh/cosh, tanh, sqrt, atanh), the
# scaling of tiny arguments (TINY: scale by UP, log(UP) = LNUP; sqrt scales by UP2 = UP^2, back by
# DOWN = 1/UP)
_COMPLEX_MATH = {
    "c64": dict(L="f", ZERO="0.0f", ONE="1.0f", HALF="0.5f", TWO="2.0f", QNAN="0x7fc00000u", EXPMASK="0x7f800000u",
                EXPBIG="88.0f", HYPBIG="80.0f", TANHBIG="9.0f", SQRTBIG="8.5e37f", ATANHBIG="0x1p30f",
                TINY="0x1p-60f", UP="0x1p60f", LNUP="41.58883083359672f", UP2="0x1p120f", DOWN="0x1p-60f",
                PI_2="1.5707963267948966f", LN2="0.6931471805599453f", LOG2E="1.4426950408889634f",
                LOG10E="0.4342944819032518f", U="u32", UZERO="0u", ABSMASK="0x7fffffffu"),
    "c128": dict(L="lf", ZERO="0.0lf", ONE="1.0lf", HALF="0.5lf", TWO="2.0lf", QNAN="0x7ff8000000000000lu",
                 EXPMASK="0x7ff0000000000000lu", EXPBIG="709.0lf", HYPBIG="700.0lf", TANHBIG="22.0lf",
                 SQRTBIG="4.49e307lf", ATANHBIG="0x1p60lf", TINY="0x1p-500lf", UP="0x1p500lf",
                 LNUP="346.57359027997264lf", UP2="0x1p1000lf", DOWN="0x1p-500lf", PI_2="1.5707963267948966lf",
                 LN2="0.6931471805599453lf", LOG2E="1.4426950408889634lf", LOG10E="0.4342944819032518lf", U="u64", UZERO="0lu",
                 ABSMASK="0x7ffffffffffffffflu"),
}
for _t, _kw in _COMPLEX_MATH.items():
    _TYPES[_t + "_math"] = dict(_TYPES[_t], **_kw)
# which types each template section is instantiated for
_SECTION_TYPES = {
    "floordiv_int": ("i32", "i64"),
    "mod_int": ("i32", "i64"),
    "fmod_int": ("i32", "i64"),
    "reciprocal_int": ("i32", "i64"),
    "floordiv_uint": ("u32", "u64"),
    "popcount32": ("i32", "u32"),
    "popcount64": ("i64", "u64"),
    "gcd": ("i32", "i64", "u32", "u64"),
    "lcm": ("i32", "i64", "u32", "u64"),
    "mod_uint": ("u32", "u64"),
    "ipow": ("i32", "i64", "u32", "u64"),
    "shift": ("i32", "i64", "u32", "u64"),
    "builtin_f32": (None,),
    "fpe_note": (None,),
    "complex": ("c64", "c128"),
    "complex_math": ("c64_math", "c128_math"),
}
_FLOATS = ("f32", "f64")
# the random samplers' literal suffix and NaN bits per float type
_SAMPLER_TYPES = {"f32": dict(L="f", NANBITS="0x7fc00000u"), "f64": dict(L="lf", NANBITS="0x7ff8000000000000lu")}


def _sections(text: str) -> dict[str, str]:
    out, name, buf = {}, None, []
    for line in text.splitlines():
        if line.startswith("//@ "):
            if name:
                out[name] = "\n".join(buf)
            name, buf = line[4:].strip(), []
        elif name:
            buf.append(line)
    if name:
        out[name] = "\n".join(buf)
    return out


def _split_functions(text: str) -> dict[str, str]:
    """Top-level items of a WGSL text by name: functions (``fn ga_*``, brace-matched, with the
    comment lines just above them) and constants (``const GA_*``/``const ga_*``)."""
    items: dict[str, str] = {}
    i, n = 0, len(text)
    pending_comment: list[str] = []
    while i < n:
        m_fn = _FN.match(text, i)
        m_const = _CONST.match(text, i)
        if m_fn:
            depth, j, seen = 0, text.index("{", i), False
            while j < n:
                c = text[j]
                if c == "{":
                    depth += 1
                    seen = True
                elif c == "}":
                    depth -= 1
                    if seen and depth == 0:
                        break
                j += 1
            items[m_fn.group(1)] = "\n".join(pending_comment + [text[i: j + 1]])
            pending_comment = []
            i = j + 1
        elif m_const:
            j = text.index(";", i)
            items[m_const.group(1)] = text[i: j + 1]
            pending_comment = []
            i = j + 1
        else:
            eol = text.find("\n", i)
            eol = n if eol < 0 else eol
            line = text[i:eol].strip()
            if line.startswith("//"):
                pending_comment.append(line)
            elif line:
                pending_comment = []
            i = eol + 1
    return items


_INT64 = "__int64"


def _device_int64() -> bool:
    return "shader-int64" in _runtime.device().features


@functools.lru_cache(maxsize=None)
def library(int64: bool | None = None) -> dict[str, str]:
    if int64 is None:
        return library(_device_int64())
    lib: dict[str, str] = {}
    for sec, body in _sections((WGSL_DIR / "ew_helpers.wgsl").read_text()).items():
        for t in _SECTION_TYPES.get(sec, _FLOATS):
            text = body if t is None else Template(body).safe_substitute(_TYPES[t])
            lib.update(_split_functions(text))
    for f in ("f32math.wgsl", "f64math.wgsl", "philox.wgsl"):
        p = WGSL_DIR / f
        if p.exists():
            lib.update(_split_functions(p.read_text()))
    samplers = Template((WGSL_DIR / "random_samplers.wgsl").read_text())
    for t in _FLOATS:
        lib.update(_split_functions(samplers.safe_substitute(_TYPES[t], **_SAMPLER_TYPES[t])))
    for name in [n for n in lib if n.endswith(_INT64)]:
        text = lib.pop(name)
        if int64:
            lib[name[: -len(_INT64)]] = text.replace(name, name[: -len(_INT64)])
    return lib


def has(name: str) -> bool:
    return name in library()


def resolve(code: str, have: str = "") -> str:
    """The library functions ``code`` needs, dependencies first (those ``have`` already defines left out)."""
    lib = library()
    order: list[str] = []
    seen: set[str] = set(_DEFINED.findall(have)) if have else set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        if name not in lib:
            raise Missing(name)
        for dep in _CALL.findall(_COMMENT.sub("", lib[name])):
            if dep != name:
                visit(dep)
        order.append(name)

    for n in _CALL.findall(_COMMENT.sub("", code)):
        visit(n)
    return "\n\n".join(lib[n] for n in order)


_DEFINED = re.compile(r"\b(?:fn\s+(?=ga_)|const\s+(?=GA_))(\w+)")  # library functions and constants


def template(name: str) -> Template:
    """A kernel template file from wgsl/ (placeholders: $name / ${name})."""
    return Template((WGSL_DIR / name).read_text())


def complete(source: str) -> str:
    """``source`` with the library functions it calls but does not define appended."""
    missing = resolve(source, have=source)
    return source + "\n" + missing if missing else source


_runtime.complete_source = complete
