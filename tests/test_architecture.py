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
