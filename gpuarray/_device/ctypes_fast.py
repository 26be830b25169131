"""Fast C type lookups for wgpu-native's cffi declarations.

wgpu-py names a C type by a string (``ffi.new("WGPUBufferDescriptor *")``) and cffi parses each
new string with pycparser, after a prelude declaring every typedef of the header: ~20 ms per
string, ~50 strings before the first result (adapter, device, buffer, shader, pipeline, bind
group, map), 1 s or more of the first operation of every process (measured in
bench/coldstart_notes.md). Nearly all of them are ``NAME``, ``NAME *`` or ``NAME[n]`` of a
declared typedef or a primitive type: those are built here from the parser's declarations,
exactly as cffi's parser builds them from the parsed tree; any other string (function types,
qualifiers) goes to cffi's parser as before.
"""
from __future__ import annotations

import re

_SIMPLE = re.compile(r"\s*([A-Za-z_]\w*)\s*(const\s*)?(?:(\*)|\[\s*(\d*)\s*\])?\s*$")
_FUNCTION = re.compile(r"\s*([A-Za-z_]\w*)\s*\(([^()]*)\)\s*$")
_installed = False


def fast_type_and_quals(parser, cdecl: str, model, resolve_common_type):
    """``(type, quals)`` of a simple type string, or None (the caller parses it)."""
    m = _SIMPLE.match(cdecl)
    if m is None:
        return _function(parser, cdecl, model, resolve_common_type)
    name, const, star, length = m.groups()
    if const and not star:
        return None
    decl = parser._declarations.get("typedef " + name)
    if decl is not None:
        tp, quals = decl
    elif name in model.PrimitiveType.ALL_PRIMITIVE_TYPES and name != "void":
        tp, quals = resolve_common_type(parser, name)
    else:
        return None
    if star:
        return parser._get_type_pointer(tp, quals | (model.Q_CONST if const else 0)), 0
    if length is not None:
        return model.ArrayType(tp, int(length) if length else None), quals
    return tp, quals


def _function(parser, cdecl, model, resolve_common_type):
    """``RESULT(ARG, ...)`` with simple argument types (callback signatures)."""
    m = _FUNCTION.match(cdecl)
    if m is None:
        return None
    if m.group(1) == "void":
        result = model.void_type
    else:
        r = fast_type_and_quals(parser, m.group(1), model, resolve_common_type)
        if r is None:
            return None
        result = r[0]
    args = []
    text = m.group(2).strip()
    for a in text.split(",") if text and text != "void" else ():
        if a.strip() == "void *":
            args.append(model.voidp_type)
            continue
        r = fast_type_and_quals(parser, a, model, resolve_common_type)
        if r is None or isinstance(r[0], (model.ArrayType, model.RawFunctionType)):
            return None  # cffi adjusts those (array -> pointer): its parser decides
        args.append(r[0])
    return model.RawFunctionType(tuple(args), result, False, None), 0


def install(ffi) -> bool:
    """Put the fast path in front of ``ffi``'s parser (once); False where cffi's internals differ."""
    global _installed
    if _installed:
        return True
    try:
        from cffi import model
        from cffi.commontypes import resolve_common_type

        parser = ffi._parser
        slow = parser.parse_type_and_quals
        parser._declarations, parser._get_type_pointer  # noqa: B018 (the internals used)
    except (ImportError, AttributeError):
        return False

    def parse_type_and_quals(cdecl):
        try:
            r = fast_type_and_quals(parser, cdecl, model, resolve_common_type)
        except Exception:  # anything unexpected: cffi's own parser decides
            r = None
        return r if r is not None else slow(cdecl)

    parser.parse_type_and_quals = parse_type_and_quals
    _installed = True
    return True
