"""The twins' boundary: scratch imports with torch blocked; torch_impl never reaches into scratch's math."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import scratch

ROOT = Path(__file__).resolve().parents[1]


def test_scratch_imports_with_torch_blocked():
    """Every scratch module imports in a fresh interpreter where `import torch` fails."""
    modules = [m.name for m in pkgutil.walk_packages(scratch.__path__, "scratch.")]
    assert "scratch.nn.module" in modules
    code = "import sys; sys.modules['torch'] = None\n" + "\n".join(f"import {m}" for m in modules)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


# scratch modules torch_impl may use: plain data (datasets, batch order, specs), not math.
SHARED_DATA_MODULES = ("scratch.data", "scratch.models.mlp", "scratch.models.seed_weights")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_torch_impl_imports_only_scratch_data_code():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in _imports(path)
            if name.startswith("scratch") and not name.startswith(SHARED_DATA_MODULES)
        )
        for path in (ROOT / "torch_impl").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
