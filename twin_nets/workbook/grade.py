"""``grade``: run a concept's own tests over the learner's functions and say, in Korean, what came out.

One pytest process per concept (``twin_nets.workbook.plugin`` swaps the functions in before the tests
are imported), only the tests whose id or docstring names the concept, without the CUDA and slow cases.
The failures come back as JSON and are read here into one line each: which tensor differs from torch,
by how much and where; what the finite-difference check found (listed first: it needs no torch); or
which function still holds its placeholder.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twin_nets.concepts import Concept
from twin_nets.workbook.sheet import unfilled
from twin_nets.workbook.targets import targets

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 600  # a learner's endless loop ends here, with a message
SHOWN = 6  # failure lines shown per concept

NOT_STARTED, UNFILLED, WRONG, RIGHT = "시작 안 함", "아직 채우지 않음", "틀림", "맞음"


@dataclass
class Grade:
    concept: Concept
    status: str
    lines: list[str] = field(default_factory=list)  # the details, one line each

    def render(self, path: Path) -> str:
        head = f"{self.concept.id}: {self.status}"
        if self.status != NOT_STARTED:
            head += f"  ({shown_path(path)})"
        return "\n".join([head, *(f"  {line}" for line in self.lines)])


def shown_path(path: Path) -> str:
    """``path`` relative to the current folder where it is inside it (``workbook/C3.1.1-sigmoid.py``)."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def concept_test_files(concept: Concept) -> list[str]:
    return [str(ROOT / f) for f in concept.tests]


def run_tests(concept: Concept, path: Path) -> dict[str, Any]:
    """Run ``concept``'s tests with the workbook ``path`` swapped in; the plugin's JSON report."""
    with tempfile.TemporaryDirectory(prefix="workbook-grade-") as tmp:
        report = Path(tmp) / "report.json"
        command = [
            sys.executable, "-m", "pytest", "-p", "twin_nets.workbook.plugin",
            "--workbook-file", str(path.resolve()), "--workbook-concept", concept.id,
            "--workbook-report", str(report),
            "-p", "no:cacheprovider", "-o", "addopts=", "-q", "--tb=no", "--no-header",
            "-m", "not cuda and not slow", *concept_test_files(concept),
        ]  # fmt: skip
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            return {"timeout": TIMEOUT_S}
        if not report.is_file():
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            return {"crash": " / ".join(tail) or f"pytest exited with status {done.returncode}"}
        return json.loads(report.read_text(encoding="utf-8"))


def grade(concept: Concept, path: Path) -> Grade:
    """The grade of ``concept`` from its workbook file ``path``."""
    if not path.is_file():
        return Grade(concept, NOT_STARTED, [f"시작하려면: python -m twin_nets.workbook start {concept.id}"])
    names = [t.qualname for t in targets(concept)]
    try:
        left = [n for n in names if n in set(unfilled(path))]
    except SyntaxError as error:
        return Grade(concept, WRONG, [f"문법 오류 ({error.lineno}번째 줄): {error.msg}"])
    if len(left) == len(names):
        return Grade(concept, UNFILLED, [f"아직 채우지 않은 함수: {', '.join(left)}"])
    result = run_tests(concept, path)
    if "timeout" in result:
        return Grade(
            concept, WRONG, [f"테스트가 {result['timeout']}초 안에 끝나지 않았습니다 (끝나지 않는 반복?)"]
        )
    if "crash" in result:
        return Grade(concept, WRONG, [f"채점기가 테스트를 돌리지 못했습니다: {result['crash']}"])
    if result["load_error"]:
        return Grade(concept, WRONG, [f"파일을 불러오지 못했습니다: {_error_line(result['load_error'])}"])
    tested = f"테스트 {result['selected']}개 중 {result['selected'] - len(result['failures'])}개 통과"
    note = f"아직 채우지 않은 함수: {', '.join(left)} (scratch의 정답으로 대신 채점했습니다)"
    if result["failures"] or result["missing"]:
        lines = [tested, *failure_lines(result["failures"], forward_arguments(concept), concept.id)]
        if result["missing"]:
            lines.append(f"워크북에 없는 함수: {', '.join(result['missing'])} (reset으로 되살릴 수 있습니다)")
        return Grade(concept, WRONG, lines + ([note] if left else []))
    if result["selected"] == 0:
        return Grade(concept, WRONG, ["이 개념의 테스트를 찾지 못했습니다 (채점기의 문제입니다)"])
    unused = [n for n in result["substituted"] if n not in result["called"]]
    lines = (
        [f"테스트가 부르지 않은 함수: {', '.join(unused)} (이 함수는 채점되지 않았습니다)"] if unused else []
    )
    if left:
        filled = ", ".join(n for n in names if n not in left)
        return Grade(concept, UNFILLED, [f"채운 함수({filled})는 {tested}", note, *lines])
    return Grade(concept, RIGHT, [tested, *lines])


def forward_arguments(concept: Concept) -> dict[str, tuple[str, ...]]:
    """Each forward function of ``concept`` (not a ``*_backward``), by name: its parameters' names."""
    return {
        t.name: tuple(inspect.signature(t.function).parameters)
        for t in targets(concept)
        if t.owner is None and "backward" not in t.name
    }


# ------------------------------------------------------------------------------- failures, in Korean
_CLOSE = re.compile(r"Greatest absolute difference: (\S+) at index (\(.*?\))")
_SCALAR = re.compile(r"Absolute difference: (\S+)")
_SHAPE = re.compile(r"(shape|dtype) (.+?) \(scratch\) != (.+?) \(torch\)")
_FINITE = re.compile(r"([^\s:]+): relative error (\S+) vs finite differences")
_FINITE_ENGINE = re.compile(r"(∂E/∂\S+) vs finite differences: (\S+)")


def subject(korean: str) -> str:
    """``korean`` with 이 or 가, as its last sound asks (a Latin letter or a digit read aloud)."""
    last = next((c for c in reversed(korean) if c.isalnum()), "")
    if "가" <= last <= "힣":
        return korean + ("이" if (ord(last) - 0xAC00) % 28 else "가")
    return korean + ("이" if last.lower() in "lmnr013678" else "가")


_ID = re.compile(r"^(?:(?:(?:cpu|cuda)-)?C\d[\w.-]*\s*)+")  # "C3.2-autograd C3.2-autograd-div-float64 "
_SYMBOL = re.compile(r"∂E/∂([^\s:,)]+)")


def tensor_name(what: str, arguments: tuple[str, ...] = ()) -> str:
    """The tensor a test's message names (``cpu-C3.1.1-sigmoid-float64: gradient of the input``), without
    the test id and in the notes' symbols (``∂E/∂x``); ``arguments`` name "gradient of argument k"."""
    parts = [_ID.sub("", part).strip() for part in what.split(": ")]
    tensor = ": ".join(part for part in parts if part)
    step = re.fullmatch(r"(.+) after step (\d+)", tensor)
    if step:
        return f"{step.group(2)}번째 스텝 뒤의 {tensor_name(step.group(1))}"
    if tensor in ("output", "forward", "value", "loss"):
        return "순전파 출력"
    symbol = _SYMBOL.search(tensor)  # "engine ∂E/∂input vs torch.autograd", "∂E/∂γ: staged vs torch"
    if symbol:
        return tensor_name(f"gradient of {symbol.group(1)}", arguments)
    operand = re.fullmatch(r"gradient of input (\d+)(?: \(.*\))?", tensor)  # the engine's tests
    if operand:
        return f"∂E/∂({int(operand.group(1)) + 1}번째 입력)"
    argument = re.fullmatch(r"gradient of argument (\d+)", tensor)
    if argument:
        k = int(argument.group(1))
        return tensor_name(f"gradient of {arguments[k]}") if k < len(arguments) else f"∂E/∂({k + 1}번째 인자)"
    gradient = re.fullmatch(r"(?:gradient of|grad of) (?:the )?(.+)", tensor)
    if not gradient:
        return tensor
    name = gradient.group(1)
    return "∂E/∂x" if name in ("input", "x", "argument 0") else f"∂E/∂{name}"


def _arguments(test: str, forwards: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The parameters of the forward function a test id names (``C3.1-forward-linear``: ``linear``'s)."""
    named = [name for name in forwards if re.search(rf"(?<![a-z_]){re.escape(name)}(?![a-z_])", test)]
    return forwards[max(named, key=len)] if named else ()


def _number(text: str) -> str:
    try:
        return f"{float(text):.3g}"
    except ValueError:
        return text


def _error_line(failure: dict[str, Any]) -> str:
    """``NameError (sigmoid_backward, 44번째 줄): name 'z' is not defined``: where in the workbook, or
    where in scratch's code the learner's value tripped (``scratch/nn/linear.py, 60번째 줄``)."""
    message = failure["message"].strip().splitlines()[0] if failure["message"].strip() else ""
    if failure.get("line"):
        where = f" ({failure['function']}, {failure['line']}번째 줄)"
    elif failure.get("file"):
        where = f" ({failure['file']}, {failure['file_line']}번째 줄)"
    else:
        where = ""
    return f"{failure['type']}{where}: {message}"


def failure_line(
    failure: dict[str, Any], forwards: dict[str, tuple[str, ...]]
) -> tuple[int, str, float, str]:
    """(order, what failed, how much, the line): finite differences first, then torch, then the rest;
    the failures of one tensor are reported once, by the largest. ``forwards`` gives the parameter names
    of the concept's forward functions, for a message that numbers the arguments."""
    message = failure["message"]
    first = message.strip().splitlines()[0] if message.strip() else failure["type"]
    if failure["placeholder"]:
        return 2, failure["placeholder"], 0.0, f"아직 채우지 않음: {failure['placeholder']}"
    if failure["type"] != "AssertionError" or failure.get("line"):
        key = f"{failure['type']} {re.sub(r'[0-9]+', '#', first)}"  # one line for every shape it met
        return 2, key, 0.0, f"실행 중 오류 — {_error_line(failure)}"
    finite = _FINITE.search(message) or _FINITE_ENGINE.search(message)
    if finite:
        name, error = finite.group(1), finite.group(2)  # gradcheck's key ("input", "weight") or ∂E/∂…
        what = tensor_name(name if name.startswith("∂") else f"gradient of {name}")
        return 0, what, _value(error), f"유한 차분 검사: {what}의 상대 오차 {_number(error)}"
    arguments = _arguments(failure["test"], forwards)
    shape = _SHAPE.search(message)
    if shape:
        what = tensor_name(message[: shape.start()].rstrip(": "), arguments)
        kind = "모양(shape)" if shape.group(1) == "shape" else "자료형(dtype)"
        line = f"{what}의 {kind}이 torch와 다릅니다: {shape.group(2)} (워크북) ≠ {shape.group(3)} (torch)"
        return 1, f"{what} {kind}", 0.0, line
    if "scratch and torch differ" in message:
        what = tensor_name(message.split(": scratch and torch differ")[0], arguments)
        close, scalar = _CLOSE.search(message), _SCALAR.search(message)
        # "∂E/∂x가 torch와 다릅니다"; a name in English keeps its own words: "torch와 다릅니다 (…)"
        head = f"{subject(what)} torch와 다릅니다" if _reads_korean(what) else f"torch와 다릅니다 ({what})"
        if close:
            size, where = close.group(1), close.group(2).replace(",)", ")")
            return 1, what, _value(size), f"{head}: 최대 차이 {_number(size)}, 위치 {where}"
        size = scalar.group(1) if scalar else "nan"
        return 1, what, _value(size), head + (f": 차이 {_number(size)}" if scalar else "")
    if "finite_difference" in failure["test"] or "finite differences" in message:
        return 0, first, 0.0, f"유한 차분 검사에서 틀렸습니다: {first}"
    return 2, first, 0.0, f"{failure['test']}: {first}"


def _reads_korean(name: str) -> bool:
    """Whether ``name`` is said in Korean or in the notes' symbols (∂E/∂x), so a particle fits it."""
    return name.startswith("∂") or any("가" <= c <= "힣" for c in name)


def _value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("inf")


def case_of(message: str, concept_id: str) -> str:
    """The case a message's test id names beyond the concept, its device and dtype
    (``C3.2-autograd-div-huge-float64: …`` → ``div-huge``); "" when none."""
    head = message.split(": ", 1)[0].split()[-1:]  # the last id: "C3.2-autograd C3.2-autograd-div-…"
    head = re.sub(r"^(?:cpu|cuda)-", "", head[0] if head else "")
    if not concept_id or not head.startswith(concept_id):
        return ""
    words = [
        w for w in head[len(concept_id) :].split("-") if w and w not in ("float64", "float32", "cpu", "cuda")
    ]
    return "-".join(words)


def failure_lines(
    failures: list[dict[str, Any]], forwards: dict[str, tuple[str, ...]] | None = None, concept_id: str = ""
) -> list[str]:
    """One line per tensor and case (its largest failure, and how many tests it failed), finite differences
    first, at most ``SHOWN`` lines."""
    worst: dict[tuple[int, str], tuple[float, str, int]] = {}
    for failure in failures:
        order, what, size, line = failure_line(failure, forwards or {})
        case = case_of(failure["message"], concept_id) if order < 2 else ""
        what, line = (f"[{case}] {what}", f"[{case}] {line}") if case else (what, line)
        size_before, line_before, count = worst.get((order, what), (-1.0, line, 0))
        worst[(order, what)] = (
            (size, line, count + 1) if size > size_before else (size_before, line_before, count + 1)
        )
    lines = [
        line + (f"  (테스트 {count}개)" if count > 1 else "")
        for (_, _), (_, line, count) in sorted(worst.items(), key=lambda item: item[0][0])
    ]
    if len(lines) > SHOWN:
        lines = [*lines[:SHOWN], f"… 그 밖에 {len(lines) - SHOWN}가지 실패"]
    return lines
