"""The scripts in ``scripts/`` are thin drivers of package functions; the tests call those functions,
never load a script by path (``script_entry`` reads which function from the script's source)."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def script_entry(script: str) -> Callable[[list[str]], int]:
    """The package function ``scripts/<script>`` calls, as ``f(argv)``, read from the script's source: its
    ``from M import main`` and its call ``main()`` or ``main(__doc__, group=...)``. A script that defines
    code of its own is not a thin driver: an ``AssertionError``."""
    tree = ast.parse((SCRIPTS / script).read_text(encoding="utf-8"))
    own = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert not own, f"scripts/{script} defines {own}: move them into the package"
    (module,) = [
        n.module for n in tree.body if isinstance(n, ast.ImportFrom) and "main" in {a.name for a in n.names}
    ]
    (call,) = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "main"]
    main = importlib.import_module(module).main
    if not call.args:
        return main
    group = {k.arg: ast.literal_eval(k.value) for k in call.keywords}.get("group")
    return lambda argv: main(ast.get_docstring(tree), argv, group=group)
