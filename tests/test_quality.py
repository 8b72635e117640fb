"""The codebase stays typed and lint-clean: mypy --strict and ruff run as part of the suite."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_is_clean() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "monitor", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = run(sys.executable, "-m", "mypy", "--strict", "monitor")
    assert result.returncode == 0, result.stdout + result.stderr


def _modules() -> dict[str, ast.Module]:
    package = ROOT / "monitor"
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _import_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every import, late ones inside functions too; not those under `if TYPE_CHECKING:`."""
    found: list[ast.AST] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        found += [node] if isinstance(node, ast.Import | ast.ImportFrom) else _import_nodes(node)
    return found


def _imports(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The monitor modules `name` imports."""
    targets: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                targets.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
    return {t for t in targets if t in known and t != name}


def test_the_import_graph_of_the_package_has_no_cycle() -> None:
    modules = _modules()
    graph = {name: _imports(name, tree, set(modules)) for name, tree in modules.items()}
    for name, targets in graph.items():  # a package imports its own modules: not a cycle
        graph[name] = {t for t in targets if not t.startswith(name + ".")}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path, node, target]))
            if target not in state:
                visit(target, [*path, node])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_no_class_carries_more_than_20_methods() -> None:
    crowded = [
        f"{module}.{node.name}: {methods}"
        for module, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and (methods := sum(isinstance(n, ast.FunctionDef) for n in node.body)) > 20
    ]
    assert crowded == []
