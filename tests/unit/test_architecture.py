"""The house's architecture, checked: registry/ is framework-free and imports neither Flask nor web."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from registry.config import PROJECT_ROOT

REGISTRY = PROJECT_ROOT / "registry"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_of_registry_imports_flask_or_web():
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): sorted(_imports(path) & {"flask", "web", "werkzeug", "flask_limiter"})
        for path in REGISTRY.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_whole_core_loads_without_flask_installed():
    # A fresh interpreter where importing flask fails: every registry module must still import.
    modules = sorted(
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in REGISTRY.rglob("*.py")
        if "extract_worker" not in path.name
    )
    program = (
        "import importlib, sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('flask', 'web'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(len(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


#: The project's own packages whose module-level imports must form no circle.
PACKAGES = ("registry", "web", "benchmarks", "migrations")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")


def _module_imports(path: Path, modules: set[str]) -> set[str]:
    """What a module imports when it is loaded: module-level statements, not those inside
    functions (imported when called) or under ``if TYPE_CHECKING`` (never run)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m in modules and m != name}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return circles


def test_no_circle_of_imports_between_modules():
    paths = [path for package in PACKAGES for path in (PROJECT_ROOT / package).rglob("*.py")]
    modules = {_module_name(path) for path in paths}
    graph = {_module_name(path): _module_imports(path, modules) for path in paths}
    assert _circles(graph) == []
    # the check itself finds a circle when there is one
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_benchmarks_do_not_import_the_tests():
    """Tests may run a benchmark's short version; a benchmark never needs the test suite."""
    offenders = {
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "benchmarks").rglob("*.py")
        if "tests" in _imports(path)
    }
    assert offenders == set()


def test_the_web_builds_no_queries_of_its_own():
    """Pages, API and CLI read through registry.queries and write through services: no module of
    web/ builds a select() (or any other SQL statement) itself."""
    builders = {"select", "insert", "update", "delete", "text"}
    offenders = []
    for path in sorted((PROJECT_ROOT / "web").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sqlalchemy":
                offenders += [f"{path.relative_to(PROJECT_ROOT)}: {a.name}" for a in node.names if a.name in builders]
    assert offenders == []


def test_every_field_is_named_from_one_table():
    """The version history, the audit trail, the import and the form call a field the same."""
    from registry.ingest import metadata
    from registry.services import documents
    from registry.text.fields import FIELD_LABELS
    from web.forms import LABELS

    assert documents.FIELD_LABELS is FIELD_LABELS and metadata.FIELD_LABELS is FIELD_LABELS
    assert LABELS["valid_from"] == "Giltig från" and LABELS["decision_date"] == "Beslutsdatum"
    assert {label.lower() for label in LABELS.values()} <= set(FIELD_LABELS.values())
