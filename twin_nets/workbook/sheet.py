"""A concept's workbook file: scratch's functions with their signatures and docstrings (the math) kept and
their bodies replaced by a placeholder, cut out of the scratch source with ``ast`` (no copy kept by hand).

The argument checks at the top of a body (``checks.check_pair(…)``) stay: they are the boundary, not the
math, and a concept's tests also hold its errors. An engine op is a method: it goes into a class of the
same name in the workbook (``class TensorOps:``), which only carries the methods.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from twin_nets.concepts import Concept
from twin_nets.workbook.targets import Target, targets

PLACEHOLDER = "여기를 채우세요"  # the marker every unfilled body carries
HOLDER_SUFFIX = "Methods"  # class TensorOpsMethods carries the methods of TensorOps


def _source(module: str) -> tuple[str, ast.Module]:
    text = Path(inspect.getfile(sys.modules[module])).read_text(encoding="utf-8")
    return text, ast.parse(text)


def _node(tree: ast.Module, qualname: str) -> ast.FunctionDef:
    scope: list[ast.stmt] = tree.body
    *owners, name = qualname.split(".")
    for owner in owners:
        scope = next(n for n in scope if isinstance(n, ast.ClassDef) and n.name == owner).body
    return next(n for n in scope if isinstance(n, ast.FunctionDef) and n.name == name)


def _is_check(statement: ast.stmt) -> bool:
    """``check_x(…)`` or ``a = checks.check_x(…)``: a boundary check, kept in the workbook."""
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign)) else None
    return isinstance(value, ast.Call) and "check" in ast.unparse(value.func)


def _has_docstring(node: ast.FunctionDef) -> bool:
    first = node.body[0]
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


def blank(target: Target) -> str:
    """The source of ``target`` with its body replaced by the placeholder (at the source's indentation)."""
    text, tree = _source(target.module)
    lines = text.splitlines()
    node = _node(tree, target.qualname)
    body = node.body[1:] if _has_docstring(node) else node.body
    kept = 0
    while kept < len(body) and _is_check(body[kept]):
        kept += 1
    start = (node.decorator_list[0] if node.decorator_list else node).lineno - 1
    if body:  # everything up to the math: signature, docstring and boundary checks
        end = body[kept].lineno - 1 if kept < len(body) else body[-1].end_lineno
    else:
        end = node.body[0].end_lineno
    indent = " " * node.body[0].col_offset
    where = "위 docstring의" if _has_docstring(node) else "파일 맨 위 설명의"
    placeholder = [
        f"{indent}# {PLACEHOLDER}: {where} 수식을 코드로 옮기세요",
        f'{indent}raise NotImplementedError("{target.name}: {PLACEHOLDER}")',
    ]
    return "\n".join([*lines[start:end], *placeholder])


def reference(target: Target) -> str:
    """The source of ``target`` as scratch has it (what ``peek`` shows)."""
    text, tree = _source(target.module)
    node = _node(tree, target.qualname)
    start = (node.decorator_list[0] if node.decorator_list else node).lineno - 1
    return "\n".join(text.splitlines()[start : node.end_lineno])


def _imports(module: ModuleType, names: set[str]) -> dict[str, str]:
    """Import lines, by name, for the scratch module's globals that the functions use (``np``, helpers
    such as ``_per_channel``, annotations such as ``Any``), each from where it is defined."""
    lines = {}
    for name in sorted(names):
        if name not in vars(module):
            continue  # a builtin, a local, or a name only for type checkers
        value = vars(module)[name]
        home = getattr(value, "__module__", None)
        if isinstance(value, ModuleType):
            parent, _, last = value.__name__.rpartition(".")
            alias = "" if last == name else f" as {name}"
            lines[name] = f"from {parent} import {last}{alias}" if parent else f"import {last}{alias}"
        elif home in sys.modules and getattr(sys.modules[home], name, None) is value:
            lines[name] = f"from {home} import {name}"
        else:
            lines[name] = f"from {module.__name__} import {name}"
    return lines


KIND_NOTES = {
    "functional": (
        "순전파 함수와 역전파 함수(backward)가 짝을 이룹니다. 역전파 함수는 상류 기울기(upstream gradient)\n"
        "g = ∂E/∂y를 받아 ∂E/∂x를 돌려줍니다."
    ),
    "optimizer": (
        "최적화 함수의 갱신 규칙(update rule)입니다. 가중치 w를 기울기 g로 제자리에서(in place: w -= …)\n"
        "갱신하고, 모멘텀 같은 누적값은 state 딕셔너리에 둡니다."
    ),
    "engine": (
        "자동 미분 엔진의 연산입니다. 각 연산은 결과를 계산하고 self._make(결과, 이름, 입력들, backward)로\n"
        "기록합니다. backward는 g = ∂E/∂출력을 받아 입력마다 ∂E/∂입력을 담은 튜플을 돌려줍니다.\n"
        "아래 class는 메서드를 담아 두는 그릇일 뿐이며, 채점할 때 메서드가 scratch의 Tensor로 옮겨집니다.\n"
        "Tensor.backward는 연쇄법칙으로 그래프를 거꾸로 따라가며 기울기를 더해 나가는 부분입니다."
    ),
}


def _context(concept: Concept, found: list[Target]) -> list[str]:
    """The math a function's own docstring leaves to its class or module: an optimizer class's Math
    (``sgd`` says "the Math of ``SGD``"), the engine's table of local derivatives."""
    from scratch.optim.optimizer import Optimizer
    from twin_nets.workbook.targets import resolve

    texts = []
    for path in concept.scratch:
        cls = resolve(path)
        if inspect.isclass(cls) and issubclass(cls, Optimizer):
            texts.append((f"scratch의 {cls.__name__} (docstring)", inspect.getdoc(cls) or ""))
    for name in dict.fromkeys(t.module for t in found if t.kind == "engine"):
        texts.append((f"{name} (docstring)", inspect.getdoc(sys.modules[name]) or ""))
    lines = []
    for title, text in texts:
        lines += ["", f"{title}:", "", textwrap.indent(text.split("\n\nExample")[0], "    ")]
    return lines


def render(concept: Concept) -> str:
    """The whole workbook file for ``concept``."""
    found = targets(concept)
    kinds = sorted({t.kind for t in found}, key=("functional", "optimizer", "engine").index)
    header = [
        f'r"""{concept.id}: {concept.heading_ko} ({concept.title_en}) — 워크북, 노트 §{concept.section}',
        "",
        "아래 함수들의 본문을 직접 채우세요. 시그니처와 docstring(수식)은 scratch의 것 그대로입니다:",
        *(f"    {m.replace('.', '/')}.py" for m in dict.fromkeys(t.module for t in found)),
        "",
        *(KIND_NOTES[k] for k in kinds),
        "",
        f"채점:      python -m twin_nets.workbook grade {concept.id}",
        f"정답 보기: python -m twin_nets.workbook peek {concept.id}",
        f"처음부터:  python -m twin_nets.workbook reset {concept.id}   (지금 파일은 .bak으로 남습니다)",
        *_context(concept, found),
        '"""',
        "",
        "from __future__ import annotations",
        "",
    ]
    imports: dict[str, str] = {}
    defined = {t.name for t in found if t.owner is None}
    blocks: list[str] = []
    for target in found:
        _, tree = _source(target.module)
        used = {n.id for n in ast.walk(_node(tree, target.qualname)) if isinstance(n, ast.Name)}
        for name, line in _imports(sys.modules[target.module], used - defined).items():
            imports.setdefault(name, line)
        if target.owner is None:
            blocks.append(textwrap.dedent(blank(target)))
        elif blocks and blocks[-1].startswith(f"class {holder(target.owner)}:"):
            blocks[-1] += "\n\n" + blank(target)  # the next method of the same class
        else:
            doc = f'"""scratch의 {target.owner}에 들어갈 메서드 (채점할 때 {target.owner}로 옮겨집니다)."""'
            blocks.append(f"class {holder(target.owner)}:\n    {doc}\n\n{blank(target)}")
    return "\n".join([*header, *_import_block(imports.values()), "", "", "\n\n\n".join(blocks), ""])


def holder(owner: str) -> str:
    """The workbook class that carries ``owner``'s methods: ``TensorOpsMethods`` for ``TensorOps`` (not
    the same name, which would hide scratch's class from a method that uses it)."""
    return f"{owner}{HOLDER_SUFFIX}"


def _import_block(lines: Iterable[str]) -> list[str]:
    """The import lines grouped as isort does (standard library, third party, scratch), each group its
    ``import`` lines first, then its ``from`` lines merged per module and wrapped past 100 characters."""
    groups: dict[int, tuple[set[str], dict[str, set[str]]]] = {0: (set(), {}), 1: (set(), {}), 2: (set(), {})}
    for line in lines:
        words = line.split()
        root = words[1].split(".")[0]
        group = groups[2 if root == "scratch" else 0 if root in sys.stdlib_module_names else 1]
        if words[0] == "import":
            group[0].add(line)
        else:
            group[1].setdefault(words[1], set()).add(" ".join(words[3:]))
    block: list[str] = []
    for plain, names in groups.values():
        merged = [_from_line(module, sorted(names[module])) for module in sorted(names)]
        if plain or merged:
            block += [*([""] if block else []), *sorted(plain), *merged]
    return block


def _from_line(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    return (
        line
        if len(line) <= 100
        else f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"
    )


def unfilled(path: Path) -> list[str]:
    """The qualified names (scratch's: ``TensorOps.exp``) of the functions in the workbook ``path`` whose
    body still raises the placeholder (a ``SyntaxError`` propagates)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []

    def visit(scope: list[ast.stmt], prefix: str) -> None:
        for node in scope:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name.removesuffix(HOLDER_SUFFIX)}.")
            elif isinstance(node, ast.FunctionDef) and any(_is_placeholder(s) for s in node.body):
                names.append(f"{prefix}{node.name}")

    visit(tree.body, "")
    return names


def _is_placeholder(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Raise)
        and statement.exc is not None
        and PLACEHOLDER in ast.unparse(statement.exc)
        and "NotImplementedError" in ast.unparse(statement.exc)
    )
