"""No import cycle in the project, not even through an import inside a function.

Each module's imports are read with the standard library's ``ast`` (every ``import`` and
``from … import`` anywhere in the file, ``TYPE_CHECKING`` blocks included); an import of a
name that is a module of the project counts as an arrow to that module. A package's
``__init__.py`` is a module like any other, except one that only hands names on (docstring,
imports, ``__all__``): importing ``pages.base`` runs ``pages/__init__.py`` first, so such a
file would otherwise draw an arrow from every module of its package.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("adhoc", "authenticator", "bench", "monitors", "pages", "profiles", "reports",
            "sandbox", "wording")  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for file in (ROOT / package).rglob("*.py"):
            name = ".".join(file.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = file
    return found


def _only_hands_names_on(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            if not all(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                return False
        elif not isinstance(node, ast.Import | ast.ImportFrom | ast.Expr):
            return False
    return True


def _imports(tree: ast.Module) -> set[str]:
    """Every module or name an ``import`` of ``tree`` names, wherever it stands (the project
    writes absolute imports only)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import of {node.module} (write it absolute)"
            names.add(node.module or "")
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def graph() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {}
    for name, file in modules.items():
        tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        if file.name == "__init__.py" and _only_hands_names_on(tree):
            edges[name] = set()
            continue
        edges[name] = {target for target in _imports(tree) if target in modules}
        edges[name].discard(name)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_project_has_no_import_cycle():
    edges = graph()
    assert len(edges) > 100 and "pages.base" in edges  # the whole project was read
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    source = "def later():\n    from pages import base\n"
    assert "pages.base" in _imports(ast.parse(source))
