"""The pytest plugin behind ``grade``: the learner's functions take the place of scratch's, then only the
concept's own tests run, and what happened is written as JSON for the Korean report.

How the substitution works: each scratch function of the concept keeps its identity (every module,
class, ``staticmethod``, table and closure that holds it keeps holding the same object), but its code is
swapped for a two-line trampoline that calls the learner's function. So ``scratch.nn.Sigmoid``'s
``staticmethod(F.sigmoid_backward)``, a test's ``from scratch.nn.functional import sigmoid_backward``
and ``SGD.rule`` all reach the learner's code, in this pytest process only; no file of scratch changes.
A function the learner has not filled yet keeps scratch's code, so the rest can be graded already.

Used as ``python -m pytest -p twin_nets.workbook.plugin --workbook-file F --workbook-concept ID
--workbook-report R <the concept's test files>``.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

import pytest

from twin_nets.atomic import atomic_write
from twin_nets.concepts import CONCEPTS, Concept
from twin_nets.workbook.sheet import PLACEHOLDER, holder, unfilled
from twin_nets.workbook.targets import Target, targets

_STATE: dict[str, Any] = {}  # this pytest process's grading: what was swapped, called, passed, failed


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("workbook", "grading a learner's workbook (python -m twin_nets.workbook grade)")
    group.addoption("--workbook-file", help="the learner's workbook file")
    group.addoption(
        "--workbook-concept", help="its concept ID: only tests whose id or docstring names it run"
    )
    group.addoption("--workbook-report", help="where to write the results, as JSON")


def load(path: Path) -> ModuleType:
    """The workbook file as a module (its name is not importable: ``C3.1.1-sigmoid``)."""
    name = "workbook_" + re.sub(r"\W", "_", path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def learner_function(module: ModuleType, target: Target) -> FunctionType | None:
    """The learner's version of ``target`` in the workbook ``module`` (None when it is not there)."""
    owner = getattr(module, holder(target.owner), None) if target.owner else module
    found = vars(owner).get(target.name) if owner is not None else None
    return found if isinstance(found, FunctionType) else None


def redirect(reference: FunctionType, replacement: Callable[..., Any]) -> None:
    """Make ``reference`` call ``replacement``, keeping ``reference`` the same object: its code becomes
    ``return <replacement>(*args, **kwargs)``, with the replacement under a fresh name in its globals."""
    if reference.__code__.co_freevars:
        raise ValueError(f"{reference.__qualname__}: a function with a closure cannot be redirected")
    key = f"__workbook_{reference.__name__}_{id(reference)}__"
    namespace: dict[str, Any] = {}
    exec(f"def trampoline(*args, **kwargs):\n    return {key}(*args, **kwargs)\n", namespace)
    reference.__globals__[key] = replacement
    reference.__code__ = namespace["trampoline"].__code__.replace(co_name=reference.__name__)
    reference.__defaults__ = reference.__kwdefaults__ = None  # the learner's own defaults apply


def _counted(qualname: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def counted(*args: Any, **kwargs: Any) -> Any:
        _STATE["called"].add(qualname)
        return function(*args, **kwargs)

    return counted


def _concept(concept_id: str) -> Concept:
    return next(c for c in CONCEPTS if c.id == concept_id)


def pytest_configure(config: pytest.Config) -> None:
    path, concept_id = config.getoption("workbook_file"), config.getoption("workbook_concept")
    if not path or not concept_id:
        return
    path = Path(path).resolve()
    _STATE.update(
        concept=concept_id, file=str(path), report=config.getoption("workbook_report"), called=set(),
        substituted=[], missing=[], selected=0, passed=0, failures=[], load_error=None,
    )  # fmt: skip
    found = targets(_concept(concept_id))
    left = set(unfilled(path))
    try:
        module = load(path)
    except Exception as error:  # the learner's file: any error is theirs to see, in the report
        _STATE["load_error"] = _describe(error, _location(error.__traceback__, path))
        _write_report()
        pytest.exit("the workbook file could not be loaded", returncode=3)
    for target in found:
        if target.qualname in left:
            continue
        function = learner_function(module, target)
        if function is None:
            _STATE["missing"].append(target.qualname)
            continue
        redirect(target.function, _counted(target.qualname, function))
        _STATE["substituted"].append(target.qualname)


def names_concept(text: str, concept_id: str) -> bool:
    """Whether ``text`` names ``concept_id`` itself, not only a longer ID that starts with it
    (``C3.2.1-adam`` in ``…[C3.2.1-adamw-float64]`` is AdamW's)."""
    longer = [c.id for c in CONCEPTS if c.id != concept_id and c.id.startswith(concept_id)]
    start = text.find(concept_id)
    while start >= 0:
        if not any(text.startswith(other, start) for other in longer):
            return True
        start = text.find(concept_id, start + 1)
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    concept_id = _STATE.get("concept")
    if not concept_id:
        return
    keep, drop = [], []
    for item in items:
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        (keep if names_concept(item.nodeid, concept_id) or names_concept(doc, concept_id) else drop).append(
            item
        )
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


ROOT = Path(__file__).resolve().parents[2]


def _location(traceback: Any, path: Path) -> dict[str, Any]:
    """Where an error was raised, for the learner: the innermost frame in the workbook file (line and
    function), else the innermost in the project's own code (file and line: a wrong shape that scratch's
    module tripped over); empty when neither."""
    workbook, project = None, None
    while traceback is not None:
        code = traceback.tb_frame.f_code
        file = Path(code.co_filename).resolve()
        if file == path:
            workbook = {"line": traceback.tb_lineno, "function": code.co_name}
        elif file.is_relative_to(ROOT) and ".venv" not in file.parts:
            project = {"file": str(file.relative_to(ROOT)), "file_line": traceback.tb_lineno}
        traceback = traceback.tb_next
    return workbook or project or {}


def _describe(error: BaseException, where: dict[str, Any]) -> dict[str, Any]:
    message = str(error)
    placeholder = None
    if isinstance(error, NotImplementedError) and PLACEHOLDER in message:
        placeholder = message.split(":")[0]
    return {
        "type": type(error).__name__,
        "message": message,
        "line": None,
        "placeholder": placeholder,
        **where,
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    if not _STATE.get("concept"):
        return
    report = outcome.get_result()
    if report.when == "setup" and report.passed:
        _STATE["selected"] += 1
    if report.when == "call" and report.passed:
        _STATE["passed"] += 1
    if report.failed and call.excinfo is not None:
        error = call.excinfo.value
        described = _describe(error, _location(call.excinfo.tb, Path(_STATE["file"])))
        _STATE["failures"].append({"test": item.nodeid.split("::", 1)[-1], **described})


def _write_report() -> None:
    if _STATE.get("report"):
        data = {k: sorted(v) if isinstance(v, set) else v for k, v in _STATE.items() if k != "report"}
        text = json.dumps(data, ensure_ascii=False, indent=1)
        atomic_write(_STATE["report"], lambda handle: handle.write(text.encode("utf-8")))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _STATE.get("concept"):
        _write_report()
