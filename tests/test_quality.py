"""The codebase stays typed, lint-clean and laid out in rooms: mypy --strict and ruff run as
part of the suite (from a scratch folder, writing nothing into the source tree); the package
has a small top level, no two modules share a name, none is overlong, the README's module
map names every package, and modules outside a package import it through its face
(its __init__), never a module inside it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "monitor"
CONFIG = ROOT / "pyproject.toml"
MAX_TOP_LEVEL_MODULES = 12
MAX_LINES = 400
README_SECTION = "## How it is built"


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run a tool from `cwd` (a scratch folder): its caches land there, not in the tree."""
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_ruff_is_clean(tmp_path: Path) -> None:
    paths = [str(ROOT / name) for name in ("monitor", "tests", "bench")]
    # With --config, ruff reads `src` (first-party packages, for import order) from the
    # working folder: name the root, or monitor and tests would sort as third-party.
    result = run(tmp_path, sys.executable, "-m", "ruff", "check", "--no-cache",
                 "--config", str(CONFIG), "--config", f"src = [{str(ROOT)!r}]", *paths)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean(tmp_path: Path) -> None:
    result = run(tmp_path, sys.executable, "-m", "mypy", "--config-file", str(CONFIG),
                 "--cache-dir", str(tmp_path / "mypy"), "--strict", str(PACKAGE))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # Checked as the package `monitor` (not loose files), whatever the working folder.
    assert "Success: no issues found" in result.stdout, result.stdout


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _modules() -> dict[str, ast.Module]:
    return {_module_name(path): ast.parse(path.read_text(encoding="utf-8")) for path in _files()}


def _packages() -> set[str]:
    """Dotted names of the packages inside monitor (folders with an __init__.py)."""
    return {_module_name(path) for path in PACKAGE.rglob("__init__.py") if path.parent != PACKAGE}


def _import_nodes(tree: ast.AST, *, late: bool = True) -> list[ast.Import | ast.ImportFrom]:
    """Every import, those inside functions too unless `late` is False; never those under
    `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += [n for other in node.orelse for n in _import_nodes(other, late=late)]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif late or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            found += _import_nodes(node, late=late)
    return found


def _absolute(name: str, node: ast.ImportFrom) -> str:
    """The module a `from ... import` names, relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    is_package = (PACKAGE.parent / Path(*name.split("."), "__init__.py")).exists()
    base = name.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The monitor modules `name` imports."""
    targets: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(name, node)
            for alias in node.names:
                full = f"{module}.{alias.name}"
                targets.add(full if full in known else module)
        else:
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


def test_the_top_level_of_the_package_stays_small() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, (
        f"monitor/ holds {len(top)} modules beside its packages, at most "
        f"{MAX_TOP_LEVEL_MODULES} allowed (move some into a package): {', '.join(top)}"
    )


def test_no_two_modules_share_a_file_name() -> None:
    places: dict[str, list[str]] = {}
    for path in _files():
        if path.name != "__init__.py":
            places.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in places.items() if len(paths) > 1}
    assert shared == {}, "modules sharing a file name: " + "; ".join(
        ", ".join(paths) for paths in shared.values()
    )


def test_no_module_is_longer_than_400_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in _files()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == [], f"modules over {MAX_LINES} lines: " + "; ".join(long)


def _readme_map() -> list[str]:
    """The backticked names that start the bullet items of the README's 'How it is built'
    section, e.g. ['config/', 'model.py', 'errors.py'] from
    "- `config/`: ..." and "- `model.py`, `errors.py`: ...". Empty without the section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(rf"^{re.escape(README_SECTION)}[ \t]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if section is None:
        return []
    names: list[str] = []
    for item in re.findall(r"^[ \t]*[-*+][ \t]+(`.*)$", section[1], re.M):
        lead = re.match(r"(?:`[^`]+`(?:\s*(?:,|and|&)\s*)?)+", item)
        names += re.findall(r"`([^`]+)`", lead[0]) if lead else []
    return names


def test_the_readme_module_map_names_every_package_and_only_real_ones() -> None:
    names = _readme_map()
    assert names, (
        f"README.md has no '{README_SECTION}' section with a bullet list of backticked names "
        "(like - `config/`: ...)"
    )
    named = {name.removeprefix("monitor/") for name in names}
    folders = {package.removeprefix("monitor.").replace(".", "/") + "/" for package in _packages()}
    unnamed = sorted(folders - named)
    not_packages = sorted(name for name in named if name.endswith("/") and name not in folders)
    modules = {path.name for path in _files()} | {
        str(path.relative_to(PACKAGE)) for path in _files()
    }
    not_modules = sorted(name for name in named if name.endswith(".py") and name not in modules)
    assert (unnamed, not_packages, not_modules) == ([], [], []), (
        f"README '{README_SECTION}' and monitor/ disagree: packages not named: {unnamed}; "
        f"named as packages but not packages: {not_packages}; "
        f"named modules that do not exist: {not_modules}"
    )


def test_modules_import_other_packages_through_their_face() -> None:
    """`from monitor.store import Store`, not `from monitor.store.deliveries import ...`,
    outside the store package; imports inside functions (kept late on purpose) and under
    `if TYPE_CHECKING:` are free."""
    packages = {name for name in _packages() if name.count(".") == 1}
    offenders = []
    for path in _files():
        name = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _import_nodes(tree, late=False):
            if isinstance(node, ast.ImportFrom):
                targets = [_absolute(name, node)]
            else:
                targets = [alias.name for alias in node.names]
            for target in targets:
                parts = target.split(".")
                package = ".".join(parts[:2])
                inside = name == package or name.startswith(package + ".")
                if len(parts) > 2 and package in packages and not inside:
                    offenders.append(
                        f"{path.relative_to(ROOT)}:{node.lineno}: {target} (use {package})"
                    )
    assert offenders == [], (
        f"{len(offenders)} module-level imports reach inside another package instead of "
        "through its __init__:\n" + "\n".join(offenders)
    )
