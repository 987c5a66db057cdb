"""The package's shape: layers that only look down, no import cycles, public names outside.

The import graph is read with ``ast`` from the source (every ``import`` statement, also the
ones inside functions, which are still dependencies); nothing is imported to build it.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "vectorkit"

# Lower number = lower layer. A module may import modules of its own layer or below; the
# first matching prefix decides (most specific first).
LAYERS = [
    ("vectorkit.cli", 7),
    ("vectorkit._cli", 7),
    ("vectorkit.course", 6),
    ("vectorkit.exercises", 6),
    ("vectorkit.widgets", 5),
    ("vectorkit.plot", 4),
    ("vectorkit.search", 3),
    ("vectorkit.train", 3),
    ("vectorkit.datasets", 3),
    ("vectorkit.models", 2),
    ("vectorkit.similarity", 1),
    ("vectorkit.reduction", 1),
    ("vectorkit.projector", 1),
    ("vectorkit.images", 1),
    ("vectorkit.audio", 1),
    ("vectorkit._mel", 1),
    ("vectorkit.cache", 1),
    ("vectorkit._notebook", 1),
    ("vectorkit._validation", 0),
    ("vectorkit._atomic", 0),
    ("vectorkit._paths", 0),
    ("vectorkit._tf", 0),
    ("vectorkit._data", 0),
    ("vectorkit.errors", 0),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> int | None:
    if module == "vectorkit":
        return None  # the lazy top-level API sits above everything and imports nothing eagerly
    for prefix, rank in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return rank
    raise AssertionError(f"{module} has no layer: add its folder to LAYERS in this test "
                         "(and to the layout in DESIGN.md)")


def _resolve(module: str, level: int, current: str, is_package: bool) -> str:
    if level == 0:
        return module
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(name: str) -> set[str]:
    """The vectorkit modules ``name`` imports (a name imported from a package that is a
    submodule counts as that submodule)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module or "", node.level, name, path.name == "__init__.py")
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("vectorkit") and target != name:
                found.add(target)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def test_every_module_has_a_layer():
    for name in MODULES:
        layer(name)


def test_no_module_imports_a_higher_layer():
    bad = []
    for name, targets in GRAPH.items():
        own = layer(name)
        for target in targets:
            other = layer(target)
            if own is not None and other is not None and other > own:
                bad.append(f"{name} (layer {own}) imports {target} (layer {other})")
    assert not bad, "\n".join(sorted(bad))


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_the_import_graph_has_no_cycle():
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle():
    # the check above must be able to fail: a two-module loop is reported
    GRAPH["vectorkit.errors"] = GRAPH["vectorkit.errors"] | {"vectorkit._atomic"}
    GRAPH["vectorkit._atomic"] = GRAPH["vectorkit._atomic"] | {"vectorkit.errors"}
    try:
        assert ["vectorkit._atomic", "vectorkit.errors"] in _cycles()
    finally:
        GRAPH["vectorkit.errors"] = imports_of("vectorkit.errors")
        GRAPH["vectorkit._atomic"] = imports_of("vectorkit._atomic")


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True,
                         text=True, check=False).stdout.split()
    return [ROOT / p for p in out] or [p for pat in patterns for p in ROOT.glob(pat)]


# `vectorkit.models._hub`, and `from vectorkit.models import _hub` (a private name imported)
PRIVATE = re.compile(r"vectorkit\.(?:[a-z]+\.)*_[a-z]\w*|from vectorkit(?:\.\w+)* import [^\n]*\b_[a-z]\w*")


@pytest.mark.parametrize("path", _tracked("README.md", "notebooks/*.ipynb",
                                          "notebooks/solutions/*.ipynb", "notebooks/*.md"),
                         ids=lambda p: p.name)
def test_notebooks_and_readme_use_public_names_only(path):
    hits = PRIVATE.findall(path.read_text(encoding="utf-8"))
    assert not hits, f"{path.name} names private modules: {sorted(set(hits))}"


def test_cli_imports_no_private_module_of_another_folder():
    cli = [n for n in MODULES if n == "vectorkit.cli" or n.startswith("vectorkit._cli")]
    bad = [f"{name} imports {t}" for name in cli for t in GRAPH[name]
           if t.count(".") >= 2 and any(part.startswith("_") for part in t.split(".")[2:])
           and not t.startswith("vectorkit._cli")]
    assert not bad, "\n".join(bad)
