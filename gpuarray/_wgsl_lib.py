"""The library of WGSL helper functions that generated kernels may call.

Sources, later ones overriding earlier ones by function name:
  wgsl/ew_helpers.wgsl  templates instantiated per type ("//@ section" blocks),
  wgsl/f32math.wgsl     our float32 math where the driver's is not good enough,
  wgsl/f64math.wgsl     our float64 math (drivers have none that is correct).
``resolve(code)`` returns the functions ``code`` calls (names ``ga_*``), with their
own dependencies, in definition order; a missing name raises ``Missing``.
"""
from __future__ import annotations

import functools
import pathlib
import re
from string import Template

WGSL_DIR = pathlib.Path(__file__).with_name("wgsl")
_CALL = re.compile(r"\b(ga_\w+)\s*\(")
_FN = re.compile(r"^fn\s+(ga_\w+)\s*\(", re.M)


class Missing(LookupError):
    """A kernel needs a helper function the library does not have (e.g. f64 math)."""


# per-type substitutions for the templates
_TYPES = {
    "f32": dict(T="f32", S="f32", U="u32", ZERO="0.0f", ONE="1.0f", HALF="0.5f", SIGN="0x80000000u",
                ABSMASK="0x7fffffffu", EXPMASK="0x7f800000u"),
    "f64": dict(T="f64", S="f64", U="u64", ZERO="0.0lf", ONE="1.0lf", HALF="0.5lf", SIGN="0x8000000000000000lu",
                ABSMASK="0x7ffffffffffffffflu", EXPMASK="0x7ff0000000000000lu"),
    "i32": dict(T="i32", S="i32", ZERO="0i", ONE="1i", BITS="32i"),
    "i64": dict(T="i64", S="i64", ZERO="0li", ONE="1li", BITS="64li"),
    "u32": dict(T="u32", S="u32", ZERO="0u", ONE="1u", BITS="32u"),
    "u64": dict(T="u64", S="u64", ZERO="0lu", ONE="1lu", BITS="64lu"),
    "c64": dict(T="vec2<f32>", S="c64", R="f32", RS="f32"),
    "c128": dict(T="vec2<f64>", S="c128", R="f64", RS="f64"),
}
# which types each template section is instantiated for
_SECTION_TYPES = {
    "floordiv_int": ("i32", "i64"),
    "mod_int": ("i32", "i64"),
    "floordiv_uint": ("u32", "u64"),
    "mod_uint": ("u32", "u64"),
    "ipow": ("i32", "i64", "u32", "u64"),
    "shift": ("i32", "i64", "u32", "u64"),
    "builtin_f32": (None,),
    "complex": ("c64", "c128"),
}
_FLOATS = ("f32", "f64")


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
    """Top-level functions of a WGSL text by name (a function ends at a closing brace in column 0);
    comment lines directly above a function belong to it. Top-level consts go with the next function."""
    funcs = {}
    starts = [m.start() for m in _FN.finditer(text)]
    prev_end = 0
    for i, s in enumerate(starts):
        end = text.find("\n}", s)
        end = len(text) if end < 0 else end + 2
        name = _FN.match(text, s).group(1)
        funcs[name] = text[prev_end:end].strip("\n") if i == 0 or True else text[s:end]
        prev_end = end
    return funcs


@functools.lru_cache(maxsize=None)
def library() -> dict[str, str]:
    lib: dict[str, str] = {}
    for sec, body in _sections((WGSL_DIR / "ew_helpers.wgsl").read_text()).items():
        for t in _SECTION_TYPES.get(sec, _FLOATS):
            text = body if t is None else Template(body).safe_substitute(_TYPES[t])
            lib.update(_split_functions(text))
    for f in ("f32math.wgsl", "f64math.wgsl"):
        p = WGSL_DIR / f
        if p.exists():
            lib.update(_split_functions(p.read_text()))
    return lib


def has(name: str) -> bool:
    return name in library()


def resolve(code: str) -> str:
    """The library functions ``code`` needs, dependencies first."""
    lib = library()
    order: list[str] = []
    seen: set[str] = set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        if name not in lib:
            raise Missing(name)
        for dep in _CALL.findall(lib[name]):
            if dep != name:
                visit(dep)
        order.append(name)

    for n in _CALL.findall(code):
        visit(n)
    return "\n\n".join(lib[n] for n in order)


def template(name: str) -> Template:
    """A kernel template file from wgsl/ (placeholders: $name / ${name})."""
    return Template((WGSL_DIR / name).read_text())
