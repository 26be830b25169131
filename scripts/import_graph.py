"""Count the package's internal imports and their cycles (read from the source with ``ast``).

``python scripts/import_graph.py`` prints, for imports between modules of ``gpuarray``:
module-level and function-level imports, the modules per layer (subpackage), the cycles (strongly
connected components) of the module-level graph and of the graph with function-level imports
added. Function-level imports of optional dependencies (outside the package) are not counted.
``--check`` exits with status 1 if there is any cycle or any function-level import between
modules of the package (run by scripts/test.sh, beside ``lint-imports``).
"""
from __future__ import annotations

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PKG = "gpuarray"


def modules() -> dict[str, pathlib.Path]:
    out = {}
    for p in sorted((ROOT / PKG).rglob("*.py")):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    return out


def _resolve(mod: str, is_pkg: bool, node: ast.ImportFrom, known: set[str]) -> list[str]:
    if node.level:
        base = mod.split(".") if is_pkg else mod.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    found = []
    for a in node.names:  # `from . import _x` names modules; `from ._x import f` names one module
        sub = f"{target}.{a.name}"
        found.append(sub if sub in known else target)
    return [t for t in dict.fromkeys(found) if t in known]


def imports(mods: dict[str, pathlib.Path]) -> list[tuple[str, str, bool, int]]:
    """(importer, imported, at module level, line) for each import between package modules."""
    known = set(mods)
    edges = []
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(), str(path))
        is_pkg = path.name == "__init__.py"
        funcs: list[ast.AST] = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        inner = {id(n) for f in funcs for n in ast.walk(f) if n is not f}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(mod, is_pkg, node, known)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name in known]
            else:
                continue
            for t in targets:
                if t != mod:
                    edges.append((mod, t, id(node) not in inner, node.lineno))
    return edges


def cycles(nodes, edges) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    graph = {n: sorted({b for a, b in edges if a == n}) for n in nodes}
    index, low, stack, on, out = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in nodes:
        if v not in index:
            visit(v)
    return sorted(out, key=len, reverse=True)


def main() -> None:
    mods = modules()
    edges = imports(mods)
    top = [(a, b) for a, b, top, _ in edges if top]
    every = [(a, b) for a, b, _, _ in edges]
    print(f"modules: {len(mods)}")
    print(f"module-level imports: {len(top)}  function-level imports: {len(every) - len(top)}")
    for title, es in (("module-level", top), ("all", every)):
        cs = cycles(list(mods), es)
        print(f"cycles ({title} imports): {len(cs)}")
        for c in cs:
            print(f"  {len(c)}: {' '.join(m.removeprefix(PKG + '.') for m in c)}")
    layers: dict[str, int] = {}
    for m in mods:
        part = m.split(".")[1] if "." in m else m
        layers[part] = layers.get(part, 0) + 1
    print("modules per layer: " + ", ".join(f"{k} {v}" for k, v in sorted(layers.items())))
    if "-v" in sys.argv:
        for a, b, t, line in edges:
            if not t:
                print(f"  function-level {a}:{line} -> {b}")
    if "--check" in sys.argv and (len(every) > len(top) or cycles(list(mods), every)):
        sys.exit("import_graph: a cycle or a function-level import between modules of the package")


if __name__ == "__main__":
    main()
