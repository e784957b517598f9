"""The import structure of exactmd, read from the source with ``ast`` (nothing is imported).

Rules (CONTRIBUTING.md, "The house"):

1. the kernel never imports ``exactmd.papers`` (nor names it in a string: only
   ``exactmd.plugins`` lists the built-in plug-ins);
2. a module imports only modules of its own layer or of a lower one (``LAYERS``);
3. the module graph has no circle (imports inside functions included);
4. no ``exactmd`` module is imported inside a function, except the strategies of the
   claims (``exactmd.strategies`` and a paper's ``strategies`` import hypothesis, which
   only the ``test`` extra installs);
5. a paper imports no other paper;
6. no module is over ``MAX_LINES`` lines, and each paper module's docstring names the
   sections (``§``) or parts (Appendix, Example, Lemma, Proposition, ...) it holds.

``KNOWN`` lists violations still to be removed (none today);
an entry that no longer occurs fails too, so the list can only shrink.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("EXACTMD_SOURCE_ROOT", Path(__file__).resolve().parent.parent))
PACKAGE = ROOT / "exactmd"
MAX_LINES = 800

#: lowest first; a module may import its own layer and the layers before it
LAYERS: list[tuple[str, list[str]]] = [
    ("errors", ["exactmd.errors", "exactmd._version"]),
    ("numbers", ["exactmd.rational"]),
    ("io", ["exactmd.jsonio", "exactmd.plugins", "exactmd.progress", "exactmd.sweep", "exactmd.sweep_params", "exactmd.table",
            "exactmd.notebook"]),
    ("lp", ["exactmd.lp", "exactmd.lp.*"]),
    ("model", ["exactmd.belief", "exactmd.environment", "exactmd.mechanism"]),
    ("encoding", ["exactmd.encoding"]),
    ("constraints", ["exactmd.constraints", "exactmd.families", "exactmd.custom_families"]),
    ("design", ["exactmd.design", "exactmd.deterministic", "exactmd.lexicographic", "exactmd.parametric"]),
    ("registries", ["exactmd.symbolic", "exactmd.certificates", "exactmd.claims", "exactmd.tables",
                    "exactmd.sources"]),
    ("use", ["exactmd.strategies", "exactmd.files", "exactmd.plots", "exactmd.reproduce", "exactmd.commands",
             "exactmd.display", "exactmd.testing", "exactmd.evaluation", "exactmd.sweeps", "exactmd.figures",
             "exactmd.parametric_output", "exactmd.explain"]),
    ("cli", ["exactmd.cli", "exactmd.__main__"]),
    ("facade", ["exactmd"]),
    ("papers", ["exactmd.papers", "exactmd.papers.*"]),
]

#: modules of today's tree that the redesign moves under exactmd.papers (delete each line with its move)
LEGACY_LAYER: dict[str, str] = {}

#: function-level imports that are allowed for good (importer pattern, imported pattern)
LAZY_OK = [
    ("exactmd.papers.*", "exactmd.strategies"),
    ("exactmd.papers.*", "exactmd.papers.*.strategies"),
]

#: violations still to be removed ("rule", "importer", "imported"); empty: the rules hold. An entry that no
#: longer occurs fails the test too, so this list can only shrink.
KNOWN: set[tuple[str, str, str]] = set()

_PAPER_DOC = re.compile(r"§|Appendix|Example|Lemma|Proposition|Theorem|Corollary|Remark|Definition")


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _is_package(mod: str) -> bool:
    return MODULES[mod].name == "__init__.py"


def _resolve(mod: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The exactmd modules an import statement loads (a submodule named in ``from X import y`` included)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = mod.split(".") if _is_package(mod) else mod.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        subs = [f"{target}.{a.name}" for a in node.names]
        # ``from pkg import submodule`` loads the submodule; ``from pkg import name`` loads pkg
        names = subs if all(s in MODULES for s in subs) else [target] + subs
    out = []
    for n in names:
        while n and n not in MODULES and n.startswith("exactmd"):
            n = n.rpartition(".")[0]
        if n in MODULES and n != mod and n not in out:
            out.append(n)
    return out


def _edges() -> list[tuple[str, str, bool, int]]:
    """(importer, imported, inside a function, line) for every import of an exactmd module."""
    edges = []
    for mod, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def walk(node: ast.AST, in_def: bool) -> None:
            for ch in ast.iter_child_nodes(node):
                inner = in_def or isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                if isinstance(ch, (ast.Import, ast.ImportFrom)):
                    for target in _resolve(mod, ch):
                        edges.append((mod, target, in_def, ch.lineno))
                walk(ch, inner)

        walk(tree, False)
    return edges


EDGES = _edges()


def _layer(mod: str) -> int:
    name = LEGACY_LAYER.get(mod)
    for k, (layer, pats) in enumerate(LAYERS):
        if layer == name or (name is None and any(fnmatch.fnmatchcase(mod, p) for p in pats)):
            return k
    raise AssertionError(f"{mod} is in no layer: add it to LAYERS in {__file__}")


def _kernel(mod: str) -> bool:
    return not mod.startswith("exactmd.papers") and mod not in LEGACY_LAYER


def _paper(mod: str) -> str | None:
    parts = mod.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "papers" else None


def violations() -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for a, b, lazy, _ in EDGES:
        if _kernel(a) and not _kernel(b):
            found.add(("kernel-imports-papers", a, b))
        if _layer(b) > _layer(a):
            found.add(("upward", a, b))
        if lazy and not any(fnmatch.fnmatchcase(a, x) and fnmatch.fnmatchcase(b, y) for x, y in LAZY_OK):
            found.add(("import-in-function", a, b))
        if _paper(a) and _paper(b) and _paper(a) != _paper(b):
            found.add(("paper-imports-paper", a, b))
    for mod, path in MODULES.items():
        if _kernel(mod) and mod != "exactmd.plugins":
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and "exactmd.papers" in node.value:
                    found.add(("kernel-names-papers", mod, node.value[:60]))
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            found.add(("too-long", mod, str(n)))
        if _paper(mod):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            if not _PAPER_DOC.search(doc):
                found.add(("paper-module-without-sections", mod, ""))
    for circle in _circles():
        found.add(("circle", " -> ".join(circle), ""))
    return found


def _circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for a, b, _, _ in EDGES:
        if not (b == "exactmd" or (a == "exactmd" and b.startswith("exactmd."))):  # the facade's own re-exports
            graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer() -> None:
    for mod in MODULES:
        _layer(mod)


@pytest.mark.parametrize("rule", ["kernel-imports-papers", "kernel-names-papers", "upward", "import-in-function",
                                  "paper-imports-paper", "circle", "too-long", "paper-module-without-sections"])
def test_import_rule(rule: str) -> None:
    got = {v for v in violations() if v[0] == rule}
    known = {v for v in KNOWN if v[0] == rule}
    new = sorted(got - known)
    gone = sorted(known - got)
    assert not new, f"{rule}: " + "; ".join(" ".join(x for x in v[1:] if x) for v in new)
    assert not gone, f"{rule}: fixed, now delete from KNOWN: {gone}"
