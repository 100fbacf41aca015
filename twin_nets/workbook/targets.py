"""Which scratch functions make up a concept's workbook, found from the registry and the source itself.

Three kinds of math are handed to the learner, each found by a rule rather than a list kept by hand:

* ``scratch.nn.functional``: every public function whose docstring's first line starts with the concept
  ID (``sigmoid``: "C3.1.1-sigmoid: …"), with its ``*_backward`` partner (``sigmoid_backward``);
* ``scratch.optim``: the update rule (``rule = staticmethod(sgd)``) of every optimizer class the registry
  names for the concept (``C3.2.1-momentum``: ``sgd`` and ``textbook_momentum``);
* the engine (``scratch.autograd.Tensor``): every op of ``TensorOps`` and ``Tensor`` that records a local
  backward (its source calls ``self._make(…)``), and ``Tensor.backward``, the walk that sums them.

A concept none of these reaches (k-means, the data loader, …) has no workbook.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import FunctionType, ModuleType

from twin_nets.concepts import CONCEPTS, Concept

FUNCTIONAL = "scratch.nn.functional"
ENGINE_CLASSES = ("scratch.autograd.ops.TensorOps", "scratch.autograd.tensor.Tensor")
KINDS = ("functional", "optimizer", "engine")


@dataclass(frozen=True)
class Target:
    """One function of a workbook: where scratch defines it and the function object itself."""

    module: str  # the defining module, e.g. "scratch.nn.functional.activation"
    qualname: str  # "sigmoid_backward", or "TensorOps.sigmoid" for an engine op
    function: FunctionType
    kind: str  # one of KINDS

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def owner(self) -> str | None:
        """The class an engine op belongs to ("TensorOps", "Tensor"); None for a plain function."""
        return self.qualname.rsplit(".", 1)[0] if "." in self.qualname else None


def resolve(dotted: str) -> object:
    """Import the longest importable module prefix of ``dotted``, then walk the attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(dotted)


def _functional_modules() -> list[ModuleType]:
    package = importlib.import_module(FUNCTIONAL)
    return [
        importlib.import_module(f"{FUNCTIONAL}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def _own_functions(module: ModuleType) -> dict[str, FunctionType]:
    return {
        name: f
        for name, f in vars(module).items()
        if inspect.isfunction(f) and f.__module__ == module.__name__ and not name.startswith("_")
    }


def _functional_targets(concept: Concept) -> list[Target]:
    found = []
    heading = re.compile(rf"{re.escape(concept.id)}:")
    for module in _functional_modules():
        functions = _own_functions(module)
        forwards = {n for n, f in functions.items() if heading.match(inspect.getdoc(f) or "")}
        for name, f in functions.items():
            if name in forwards or name.replace("_backward", "", 1) in forwards:
                found.append(Target(module.__name__, name, f, "functional"))
    return found


def _optimizer_targets(concept: Concept) -> list[Target]:
    from scratch.optim.optimizer import Optimizer

    found = []
    for path in concept.scratch:
        cls = resolve(path)
        if inspect.isclass(cls) and issubclass(cls, Optimizer):
            rule = inspect.getattr_static(cls, "rule")
            f = rule.__func__ if isinstance(rule, staticmethod) else rule
            found.append(Target(f.__module__, f.__qualname__, f, "optimizer"))
    return found


def _engine_targets(concept: Concept) -> list[Target]:
    from scratch.autograd.tensor import Tensor

    if not any(inspect.isclass(c := _quiet(resolve, p)) and issubclass(c, Tensor) for p in concept.scratch):
        return []
    found = []
    for path in ENGINE_CLASSES:
        cls = resolve(path)
        for name, f in vars(cls).items():
            if inspect.isfunction(f) and (name == "backward" or "self._make(" in inspect.getsource(f)):
                found.append(Target(cls.__module__, f"{cls.__name__}.{name}", f, "engine"))
    return found


def _quiet(get: Callable[[str], object], path: str) -> object:
    try:
        return get(path)
    except (ImportError, AttributeError):
        return None


def targets(concept: Concept) -> list[Target]:
    """The functions of ``concept``'s workbook, each once, in source order (module, then line)."""
    seen: dict[int, Target] = {}
    for found in (_functional_targets(concept), _optimizer_targets(concept), _engine_targets(concept)):
        for target in found:
            seen.setdefault(id(target.function), target)
    return sorted(seen.values(), key=lambda t: (t.module, t.function.__code__.co_firstlineno))


def workbook_concepts() -> list[Concept]:
    """The registry's concepts that have a workbook, in the notes' order."""
    return [c for c in CONCEPTS if targets(c)]


def select(argument: str) -> list[Concept]:
    """The concepts ``argument`` names: a concept ID, a section of the notes ("3.1.1"; "3" takes its
    subsections too) or "all" — those with a workbook. A ``ValueError`` naming the argument otherwise."""
    by_id = {c.id: c for c in CONCEPTS}
    if argument == "all":
        return workbook_concepts()
    if argument in by_id:
        if not targets(by_id[argument]):
            raise ValueError(
                f"concept: {argument} has no function for the workbook (expected a concept whose math is in "
                f"{FUNCTIONAL}, scratch.optim or the engine's ops, e.g. C3.1.1-sigmoid), got {argument!r}"
            )
        return [by_id[argument]]
    section = argument.removeprefix("§")
    chosen = [c for c in workbook_concepts() if f"{c.section}.".startswith(f"{section}.")]
    if not chosen:
        raise ValueError(
            "concept: expected a concept ID (e.g. C3.1.1-sigmoid), a section of the notes with a workbook "
            f"(e.g. 3.1.1) or 'all', got {argument!r}"
        )
    return chosen
