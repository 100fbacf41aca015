"""``python -m twin_nets.workbook``: the grader passes scratch's own functions copied into a workbook and
fails the typical mistakes — a missing transpose, a forgotten 1/N, σ′ written as σ, a gradient that is
overwritten instead of summed — with messages that name the concept and the tensor.

Every workbook lives in ``tmp_path``: the repository's ``workbook/`` is never touched. A grade runs the
concept's tests in a pytest process of its own (seconds to tens of seconds on a busy machine), so those
cases are ``slow`` but one: sigmoid, from not started to wrong to right.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from twin_nets.concepts import CONCEPTS
from twin_nets.workbook import __main__ as workbook_command
from twin_nets.workbook import grade as grade_module
from twin_nets.workbook.__main__ import run
from twin_nets.workbook.grade import RIGHT, UNFILLED, WRONG, failure_lines, grade, subject, tensor_name
from twin_nets.workbook.plugin import names_concept, redirect
from twin_nets.workbook.sheet import PLACEHOLDER, blank, holder, reference, render, unfilled
from twin_nets.workbook.targets import select, targets, workbook_concepts

ROOT = Path(__file__).resolve().parents[1]
BY_ID = {c.id: c for c in CONCEPTS}
WORKBOOK_IDS = [c.id for c in workbook_concepts()]


def command(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "twin_nets.workbook", *argv],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=600, check=False,
    )  # fmt: skip


def filled(concept_id: str, mistakes: dict[str, tuple[str, str]] | None = None) -> str:
    """The workbook of ``concept_id`` with every body filled with scratch's own, then each
    ``mistakes[qualname] = (right, wrong)`` made in that function's body."""
    text = render(BY_ID[concept_id])
    for target in targets(BY_ID[concept_id]):
        empty, answer = blank(target), reference(target)
        if target.owner is None:
            empty, answer = textwrap.dedent(empty), textwrap.dedent(answer)
        right, wrong = (mistakes or {}).get(target.qualname, ("", ""))
        assert right in answer, f"{target.qualname}: the mistake's text is not in scratch's source"
        text = text.replace(empty, answer.replace(right, wrong, 1) if right else answer)
    return text


def load(path: Path):
    spec = importlib.util.spec_from_file_location("workbook_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------- which functions
@pytest.mark.parametrize(
    ("concept_id", "expected"),
    [
        ("C3.1.1-sigmoid", ["sigmoid", "sigmoid_backward"]),
        ("C3.1-forward", ["linear", "linear_backward"]),
        ("C3.2.1-momentum", ["sgd", "textbook_momentum"]),
        ("C3.2.1-adamw", ["adam"]),  # AdamW runs Adam's rule with decoupled_weight_decay=True
    ],
)
def test_a_concept_hands_over_its_functions(concept_id, expected):
    assert [t.qualname for t in targets(BY_ID[concept_id])] == expected


def test_the_engine_hands_over_its_ops_and_the_walk():
    names = [t.qualname for t in targets(BY_ID["C3.2-autograd"])]
    assert {"TensorOps.sigmoid", "TensorOps.sum", "Tensor.__matmul__", "Tensor.backward"} <= set(names)
    assert "Tensor._make" not in names and "Tensor.topological_order" not in names


def test_every_functional_optimizer_and_engine_concept_has_a_workbook():
    """The concepts whose math is in scratch.nn.functional, scratch.optim or the engine's ops."""
    expected = {"C3.1-forward", "C3.1.2-mse", "C3.1.2-cross-entropy", "C3.2-autograd", "C4.2-dropout"}
    expected |= {c.id for c in CONCEPTS if c.section == "3.1.1"}
    expected |= {c.id for c in CONCEPTS if c.id.startswith("C3.2.1-") and c.id != "C3.2.1-data-parallel"}
    expected |= {"C4.3-batchnorm", "C4.3-layernorm", "C3.1.2-huber"}
    expected |= {"C4.3-embedding", "C4.3-rnn", "C4.3-lstm", "C4.3-gru"}  # the recurrent cells' pairs
    assert set(WORKBOOK_IDS) == expected


def test_a_section_or_all_selects_concepts_and_a_bad_name_is_refused():
    assert [c.id for c in select("3.1.2")] == ["C3.1.2-mse", "C3.1.2-cross-entropy", "C3.1.2-huber"]
    assert len(select("3")) == len([c for c in WORKBOOK_IDS if c.startswith("C3")])
    assert [c.id for c in select("all")] == WORKBOOK_IDS
    with pytest.raises(ValueError, match=r"concept: expected a concept ID .* got 'C9-nothing'"):
        select("C9-nothing")
    with pytest.raises(ValueError, match="C1.1-kmeans has no function for the workbook"):
        select("C1.1-kmeans")


# ------------------------------------------------------------------------------------ the blank file
@pytest.mark.parametrize("concept_id", WORKBOOK_IDS)
def test_the_workbook_keeps_signatures_and_docstrings_and_blanks_every_body(concept_id, tmp_path):
    path = tmp_path / f"{concept_id}.py"
    path.write_text(render(BY_ID[concept_id]), encoding="utf-8")
    module = load(path)
    found = targets(BY_ID[concept_id])
    assert unfilled(path) == [t.qualname for t in found]
    for target in found:
        owner = getattr(module, holder(target.owner)) if target.owner else module
        mine = vars(owner)[target.name]
        assert inspect.signature(mine) == inspect.signature(target.function), target.qualname
        assert mine.__doc__ == target.function.__doc__, target.qualname
        assert "raise NotImplementedError" not in reference(target)


def test_an_unfilled_function_raises_in_korean_naming_itself(tmp_path):
    path = tmp_path / "C3.1.1-sigmoid.py"
    path.write_text(render(BY_ID["C3.1.1-sigmoid"]), encoding="utf-8")
    with pytest.raises(NotImplementedError, match=f"^sigmoid_backward: {PLACEHOLDER}$"):
        load(path).sigmoid_backward(None, None)


def test_filling_with_scratchs_bodies_leaves_nothing_unfilled(tmp_path):
    path = tmp_path / "C3.1.2-cross-entropy.py"
    path.write_text(filled("C3.1.2-cross-entropy"), encoding="utf-8")
    assert unfilled(path) == []
    ast.parse(path.read_text(encoding="utf-8"))


def test_redirect_reaches_every_holder_of_the_function():
    """The function object stays; a staticmethod or a table that holds it calls the replacement."""
    namespace: dict = {}
    exec("def f(x, y=1):\n    return x + y\nclass C:\n    rule = staticmethod(f)\ntable = [f]\n", namespace)
    redirect(namespace["f"], lambda x, y=10: x * y)
    assert namespace["C"].rule(3) == 30 and namespace["table"][0](3, 2) == 6


def test_a_test_is_the_concepts_when_it_names_the_id_and_not_a_longer_one():
    assert names_concept("test_x[cpu-C3.2.1-adam-float64]", "C3.2.1-adam")
    assert not names_concept("test_x[cpu-C3.2.1-adamw-float64]", "C3.2.1-adam")
    assert names_concept("test_x[C3.2.1-adamw] and C3.2.1-adam", "C3.2.1-adam")
    assert not names_concept("test_x[C3.1.1-leaky-relu]", "C3.1.1-relu")


# ------------------------------------------------------------------------------------- the messages
@pytest.mark.parametrize(
    ("message", "line"),
    [
        (
            "cpu-C3.1.1-sigmoid-float64: gradient of the input: scratch and torch differ\n"
            "Tensor-likes are not close!\n\nMismatched elements: 3 / 24 (12.5%)\n"
            "Greatest absolute difference: 0.25 at index (0, 2) (up to 1e-12 allowed)",
            "∂E/∂x가 torch와 다릅니다: 최대 차이 0.25, 위치 (0, 2)",
        ),
        (
            "C3.1-forward-float64: gradient of weight: shape (5, 3) (scratch) != (3, 5) (torch)",
            "∂E/∂weight의 모양(shape)이 torch와 다릅니다: (5, 3) (워크북) ≠ (3, 5) (torch)",
        ),
        (
            "input: relative error 8.56e-01 vs finite differences\nassert 0.856 < 1e-07",
            "유한 차분 검사: ∂E/∂x의 상대 오차 0.856",
        ),
        (
            "C3.2-autograd C3.2-autograd-div-huge-float64: gradient of input 1 (4, 3): "
            "scratch and torch differ\nGreatest absolute difference: 5.25 at index (1, 1) (up to 1e-12)",
            "[div-huge] ∂E/∂(2번째 입력)이 torch와 다릅니다: 최대 차이 5.25, 위치 (1, 1)",
        ),
        (
            "C3.2-autograd-mlp-relu: engine ∂E/∂W1 vs finite differences: 1.20e-01",
            "[mlp-relu] 유한 차분 검사: ∂E/∂W1의 상대 오차 0.12",
        ),
        (
            "C3.2-autograd-mlp-elu: engine ∂E/∂input vs torch.autograd: scratch and torch differ\n"
            "Greatest absolute difference: 0.5 at index (0, 1) (up to 1e-12 allowed)",
            "[mlp-elu] ∂E/∂x가 torch와 다릅니다: 최대 차이 0.5, 위치 (0, 1)",
        ),
        (
            "cpu-C3.2.1-adam-float64: bias after step 3: scratch and torch differ\nGreatest absolute "
            "difference: 0.5 at index (1,) (up to 1e-12 allowed)",
            "3번째 스텝 뒤의 bias가 torch와 다릅니다: 최대 차이 0.5, 위치 (1)",
        ),
        (
            "C3.1.1-relu: gradient at a NaN input: scratch and torch differ\n"
            "Greatest absolute difference: 2.0 at index (3,) (up to 1e-12 allowed)",
            "torch와 다릅니다 (gradient at a NaN input): 최대 차이 2, 위치 (3)",
        ),
    ],
)
def test_a_failure_reads_as_one_korean_line_naming_the_tensor(message, line):
    failure = {"test": "t", "type": "AssertionError", "message": message, "line": None, "placeholder": None}
    assert failure_lines([failure], {}, "C3.2-autograd") == [line]


def test_finite_differences_come_first_and_a_tensor_is_reported_once():
    def failure(message):
        return {"test": "t", "type": "AssertionError", "message": message, "line": None, "placeholder": None}

    torch_line = "C1-x: gradient of the input: scratch and torch differ\nGreatest absolute difference: {} at "
    torch_line += "index (0,)"
    finite = "input: relative error 1.0 vs finite differences"
    lines = failure_lines([failure(torch_line.format(0.5)), failure(torch_line.format(2.0)), failure(finite)])
    assert lines == [
        "유한 차분 검사: ∂E/∂x의 상대 오차 1",
        "∂E/∂x가 torch와 다릅니다: 최대 차이 2, 위치 (0)  (테스트 2개)",
    ]


def test_korean_particles_follow_the_last_sound():
    names = ("∂E/∂x", "출력", "∂E/∂weight", "∂E/∂γ", "∂E/∂(2번째 인자)")
    assert [subject(n) for n in names] == [
        "∂E/∂x가",
        "출력이",
        "∂E/∂weight가",
        "∂E/∂γ가",
        "∂E/∂(2번째 인자)가",
    ]
    assert tensor_name("C4.3-batchnorm ∂E/∂x: simplified vs staged") == "∂E/∂x"
    assert tensor_name("C3.2-autograd-mlp-elu: engine ∂E/∂input vs torch.autograd") == "∂E/∂x"


def test_a_numbered_argument_is_named_after_the_forward_function():
    """test_functional.py numbers the arrays ("gradient of argument 1"); linear(x, weight, bias) names
    them."""
    failure = {
        "test": "test_function_and_its_backward_match_torch[C3.1-forward-linear-float64]",
        "type": "AssertionError", "line": None, "placeholder": None,
        "message": "C3.1-forward-linear: gradient of argument 1: shape (5, 3) (scratch) != (3, 5) (torch)",
    }  # fmt: skip
    forwards = grade_module.forward_arguments(BY_ID["C3.1-forward"])
    assert forwards == {"linear": ("x", "weight", "bias")}
    assert failure_lines([failure], forwards) == [
        "∂E/∂weight의 모양(shape)이 torch와 다릅니다: (5, 3) (워크북) ≠ (3, 5) (torch)"
    ]


def test_an_error_in_the_learners_code_names_its_line_and_one_shape_error_is_one_line():
    def failure(message, **where):
        return {
            "test": "t",
            "type": "ValueError",
            "message": message,
            "placeholder": None,
            "line": None,
            **where,
        }

    in_linear = {"file": "scratch/nn/linear.py", "file_line": 60}
    broadcast = "operands could not be broadcast together with shapes"
    lines = failure_lines(
        [
            failure(f"{broadcast} (2,3) (3,2)", **in_linear),
            failure(f"{broadcast} (4,3) (3,4)", **in_linear),
            failure("name 'z' is not defined", line=44, function="sigmoid_backward"),
        ]
    )
    assert lines == [
        f"실행 중 오류 — ValueError (scratch/nn/linear.py, 60번째 줄): {broadcast} (2,3) (3,2)  (테스트 2개)",
        "실행 중 오류 — ValueError (sigmoid_backward, 44번째 줄): name 'z' is not defined",
    ]


# ------------------------------------------------------------------------------------ the command line
def in_process(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``python -m twin_nets.workbook argv`` in this process: (status, stdout, stderr)."""
    try:
        status = run(argv)
    except SystemExit as stop:
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


def test_start_keeps_the_learners_work_and_reset_keeps_a_backup(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "wb" / "C3.1.1-tanh.py"
    status, out, _ = in_process(["start", "C3.1.1-tanh", "--dir", "wb"], capsys)
    assert status == 0 and out.startswith("wb/C3.1.1-tanh.py: 시작했습니다") and path.is_file(), out
    path.write_text("# the learner's work\n", encoding="utf-8")
    status, out, _ = in_process(["start", "3.1.1", "--dir", "wb"], capsys)
    assert status == 0 and out.count("이미 시작했습니다") == 1, out
    assert path.read_text(encoding="utf-8") == "# the learner's work\n"  # not overwritten
    assert len(list(path.parent.glob("*.py"))) == len(select("3.1.1"))
    for backup in ("C3.1.1-tanh.py.bak", "C3.1.1-tanh.py.bak2"):
        status, out, _ = in_process(["reset", "C3.1.1-tanh", "--dir", "wb"], capsys)
        assert status == 0 and f"이전 파일: wb/{backup}" in out, out
    assert (path.parent / "C3.1.1-tanh.py.bak").read_text(encoding="utf-8") == "# the learner's work\n"
    assert unfilled(path) == ["tanh", "tanh_backward"]


BAD_ARGUMENTS = [  # (id, argv, the one line on stderr)
    ("unknown-id", ["start", "C3.1.1-sigmoidd"], "concept: expected a concept ID (e.g. C3.1.1-sigmoid)"),
    ("no-workbook", ["start", "C1.1-kmeans"], "concept: C1.1-kmeans has no function for the workbook"),
    ("grade-unknown", ["grade", "9.9"], "got '9.9'"),
    ("peek-section", ["peek", "3.1.1"], "concept: expected one concept ID (e.g. C3.1.1-sigmoid), got '3."),
    ("reset-all", ["reset", "all"], "expected one concept ID"),
    ("no-command", [], "the following arguments are required"),
    ("empty-dir", ["start", "C3.1.1-relu", "--dir", ""], "--dir: expected a folder, got ''"),
    ("dir-is-a-file", ["start", "C3.1.1-relu", "--dir", "a-file"], "--dir: expected a folder, got a-file"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "message"), [pytest.param(*row[1:], id=row[0]) for row in BAD_ARGUMENTS])
def test_a_bad_argument_ends_in_one_line_and_status_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    status, out, err = in_process(argv, capsys)
    assert status == 2 and out == "", (status, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("python -m twin_nets.workbook"), (
        err
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_the_command_fails_without_a_traceback(tmp_path):
    done = command("grade", "C3.1.1-sigmoidd", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr, done
    assert done.stderr.splitlines() == [
        "python -m twin_nets.workbook grade: error: concept: expected a concept ID (e.g. C3.1.1-sigmoid), a "
        "section of the notes with a workbook (e.g. 3.1.1) or 'all', got 'C3.1.1-sigmoidd' (see --help)"
    ]


def test_ctrl_c_ends_in_one_line_and_status_130(monkeypatch, capsys):
    def interrupted(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(workbook_command, "main", interrupted)
    status, out, err = in_process(["grade"], capsys)
    assert status == 130 and out == "" and err == "python -m twin_nets.workbook: 중단했습니다 (Ctrl-C)\n"


def test_peek_shows_scratchs_solution(capsys):
    status, out, _ = in_process(["peek", "C3.1.1-sigmoid"], capsys)
    assert status == 0 and "# scratch/nn/functional/activation.py: sigmoid_backward" in out
    assert "return grad_output * (1 - y) * y" in out


def test_sigmoid_from_not_started_to_unfilled_to_wrong(tmp_path, monkeypatch, capsys):
    """The learner's loop end to end: not started, unfilled, then σ′ written as σ, wrong by finite
    differences and by torch. The one grading case outside ``slow`` (one pytest run of the concept's
    tests); the right answer grades right in ``test_scratchs_own_functions_in_a_workbook_grade_right``."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "wb" / "C3.1.1-sigmoid.py"
    status, out, _ = in_process(["grade", "C3.1.1-sigmoid", "--dir", "wb"], capsys)
    assert status == 1 and out.startswith("C3.1.1-sigmoid: 시작 안 함\n"), out
    assert in_process(["start", "C3.1.1-sigmoid", "--dir", "wb"], capsys)[0] == 0
    status, out, _ = in_process(["grade", "--dir", "wb"], capsys)
    assert status == 1 and out.startswith("C3.1.1-sigmoid: 아직 채우지 않음  (wb/C3.1.1-sigmoid.py)\n"), out
    assert "아직 채우지 않은 함수: sigmoid, sigmoid_backward" in out
    path.write_text(filled("C3.1.1-sigmoid", {"sigmoid_backward": ("(1 - y) * y", "y")}), encoding="utf-8")
    status, out, _ = in_process(["grade", "C3.1.1-sigmoid", "--dir", "wb"], capsys)
    assert status == 1 and out.startswith("C3.1.1-sigmoid: 틀림"), out
    assert "유한 차분 검사: ∂E/∂x의 상대 오차" in out and "∂E/∂x가 torch와 다릅니다: 최대 차이" in out


BOTH = ["sigmoid", "sigmoid_backward"]
LOAD_ERROR = {"type": "NameError", "message": "name 'q' is not defined", "line": 3, "function": "<module>"}
REPORTS = [  # (id, sigmoid left blank, the plugin's report, the grade, one of its lines)
    ("right", False, {}, RIGHT, "테스트 8개 중 8개 통과"),
    ("half", True, {"substituted": BOTH[1:], "called": BOTH[1:]}, UNFILLED,
     "아직 채우지 않은 함수: sigmoid (scratch의 정답으로 대신 채점했습니다)"),
    ("unused", False, {"called": BOTH[:1]}, RIGHT, "테스트가 부르지 않은 함수: sigmoid_backward"),
    ("no-test", False, {"selected": 0}, WRONG, "이 개념의 테스트를 찾지 못했습니다"),
    ("load-error", False, {"load_error": {**LOAD_ERROR, "placeholder": None}}, WRONG,
     "파일을 불러오지 못했습니다: NameError (<module>, 3번째 줄): name 'q'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("blank_forward", "changes", "status", "line"), [pytest.param(*r[1:], id=r[0]) for r in REPORTS]
)
def test_the_grade_follows_the_plugins_report(blank_forward, changes, status, line, tmp_path, monkeypatch):
    """Without a pytest run: the report of ``twin_nets.workbook.plugin`` read into a grade."""
    report = {
        "selected": 8,
        "failures": [],
        "missing": [],
        "load_error": None,
        "substituted": BOTH,
        "called": BOTH,
    }
    monkeypatch.setattr(grade_module, "run_tests", lambda concept, path: {**report, **changes})
    text = filled("C3.1.1-sigmoid")
    if blank_forward:
        forward = targets(BY_ID["C3.1.1-sigmoid"])[0]
        text = text.replace(textwrap.dedent(reference(forward)), textwrap.dedent(blank(forward)))
    path = tmp_path / "C3.1.1-sigmoid.py"
    path.write_text(text, encoding="utf-8")
    result = grade(BY_ID["C3.1.1-sigmoid"], path)
    assert result.status == status and any(line in shown for shown in result.lines), result.lines


# -------------------------------------------------------------------------- graded: right and mistakes
# Each grade is a pytest run of its own (about 10 s), so the complete run grades right a functional pair
# and a recurrent cell; an optimizer's rule and the engine's ops are graded wrong below (their substitution
# reaches the tests). Every concept's blank file is checked above.
GRADED = ["C3.1.1-sigmoid", "C4.3-lstm"]


@pytest.mark.slow
@pytest.mark.parametrize("concept_id", GRADED)
def test_scratchs_own_functions_in_a_workbook_grade_right(concept_id, tmp_path):
    path = tmp_path / f"{concept_id}.py"
    path.write_text(filled(concept_id), encoding="utf-8")
    result = grade(BY_ID[concept_id], path)
    assert result.status == RIGHT, result.render(path)
    assert not any("부르지 않은" in line for line in result.lines), result.render(path)


# One mistake of each kind (a functional pair, the engine, an optimizer); σ′ written as σ (sigmoid) grades
# wrong in the fast run: test_sigmoid_from_not_started_to_unfilled_to_wrong.
MISTAKES = [  # (id, concept, {function: (right, wrong)}, what the report must say)
    ("missing-transpose", "C3.1-forward", {"linear_backward": ("g2.T @ x2", "x2.T @ g2")},
     "∂E/∂weight"),
    ("gradient-overwritten", "C3.2-autograd",
     {"Tensor.backward": ("grads[id(source)] + source_grad if id(source) in grads else source_grad",
                          "source_grad")},
     "∂E/∂"),  # "[div-huge] ∂E/∂(1번째 입력)이 torch와 다릅니다", the op and the operand
    ("adam-without-bias-correction", "C3.2.1-adam", {"adam": ("lr / (1 - beta1**t)", "lr")},
     "번째 스텝 뒤의 weight가 torch와 다릅니다"),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("concept_id", "mistake", "said"), [pytest.param(*r[1:], id=r[0]) for r in MISTAKES])
def test_a_typical_mistake_grades_wrong_naming_the_concept_and_the_tensor(
    concept_id, mistake, said, tmp_path
):
    path = tmp_path / f"{concept_id}.py"
    path.write_text(filled(concept_id, mistake), encoding="utf-8")
    result = grade(BY_ID[concept_id], path)
    text = result.render(path)
    assert result.status == WRONG and text.startswith(f"{concept_id}: 틀림"), text
    assert said in text, text


def test_an_unfilled_workbook_is_reported_without_running_tests(tmp_path):
    path = tmp_path / "C3.2.1-adagrad.py"
    path.write_text(render(BY_ID["C3.2.1-adagrad"]), encoding="utf-8")
    result = grade(BY_ID["C3.2.1-adagrad"], path)
    assert result.status == UNFILLED and result.lines == ["아직 채우지 않은 함수: adagrad"]
    path.write_text("def adagrad(:\n", encoding="utf-8")
    result = grade(BY_ID["C3.2.1-adagrad"], path)
    assert result.status == WRONG and result.lines[0].startswith("문법 오류 (1번째 줄)")
