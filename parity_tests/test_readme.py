"""The README a learner follows: every command in one convention and runnable from a fresh clone, every
file it links to there, every figure group named, no number left for a person to fill in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twin_nets.figures import GROUPS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ("README.md", "README.ko.md", "docs/maintainers.md")


FENCE = re.compile(r"^```[\w-]*\n(.*?)^```", re.S | re.M)


def code_of(text: str) -> str:
    """Every code block and inline code span of a Markdown text, one per line: a span that the text's
    wrapping broke across lines (within a paragraph) is joined back into one."""
    spans = [
        " ".join(span.split())
        for paragraph in re.split(r"\n\s*\n", FENCE.sub("", text))
        for span in re.findall(r"`([^`]+)`", paragraph)
    ]
    return "\n".join(FENCE.findall(text) + spans)


BARE = re.compile(r"(^|[\s(;&|])(python3?|pip3?|tensorboard|pytest|jupyter)(\s|$)")
# What may run without .venv/bin/: the set-up's first command, and the venv-less machine's PYTHONPATH=. form.
ALLOWED = re.compile(r"(^|\s)(python3 -m venv \.venv(?=\s|$)|PYTHONPATH=\. python(?=\s))")


def bare_commands(text: str) -> list[str]:
    """The lines of ``text``'s code that run a bare ``python``, ``python3``, ``pip``, ``tensorboard``,
    ``pytest`` or ``jupyter``: shell comments are dropped first (a comment cannot excuse its command), then
    only the two allowed forms are taken out, not the line that holds one, and the module of a ``-m``."""
    bare = []
    for line in code_of(text).splitlines():
        command = ALLOWED.sub(" ", re.sub(r"(^|\s)#.*", "", line))
        command = re.sub(r"\s-m\s+\S+", " ", command)  # `-m pytest` names a module, not a command
        if BARE.search(command):
            bare.append(line.strip())
    return bare


@pytest.mark.parametrize("doc", DOCS)
def test_every_command_runs_the_projects_virtual_environment(doc):
    """One convention: `.venv/bin/python`, `.venv/bin/pip`, `.venv/bin/tensorboard` (or, said once, the
    `PYTHONPATH=. python` of a machine without the venv); never a bare `python` or `tensorboard`."""
    assert bare_commands((ROOT / doc).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "text",
    [
        "```bash\npython scripts/train.py --epochs 3  # like .venv/bin/python\n```\n",
        "```bash\n.venv/bin/python -m pytest && pytest -q\n```\n",
        "```bash\npython3 scripts/figures.py\n```\n",
        "```bash\npython3 -m venv .venv && python scripts/train.py\n```\n",
        "```bash\npython3 -m venv env\n```\n",
        "```bash\nPYTHONPATH=. python -m pytest; pip install tqdm\n```\n",
        "Start a run with `python\nscripts/train.py --epochs 3`, then look.\n",
        "Or `PYTHONPATH=. python -m pytest` and `tensorboard\n--logdir runs`.\n",
    ],
    ids=[
        "excused-by-its-comment",
        "second-command-on-a-venv-line",
        "python3",
        "after-the-venv-set-up",
        "another-venv",
        "after-pythonpath",
        "wrapped-inline",
        "wrapped-inline-after-an-allowed-span",
    ],
)
def test_the_venv_check_finds_a_bare_command(text):
    assert len(bare_commands(text)) == 1, text


def test_the_venv_check_lets_the_convention_through():
    text = (
        "```bash\npython3 -m venv .venv\n.venv/bin/pip install -e .  # not pip install\n"
        ".venv/bin/python scripts/train.py  # python scripts/train.py would be bare\n```\n"
        "Without the venv: `PYTHONPATH=. python scripts/train.py`, `PYTHONPATH=.\npython -m pytest`;\n"
        "a `.venv/bin/tensorboard --logdir runs` and the `python3.11` it needs.\n"
    )
    assert code_of(text).count("\n") == 7 and bare_commands(text) == []


@pytest.mark.parametrize(
    "path", sorted(set(re.findall(r"(?:\.venv/bin/python |PYTHONPATH=\. python )(scripts/\S+\.py)", README)))
)
def test_every_script_the_readme_runs_is_there(path):
    assert (ROOT / path).is_file(), path


def test_every_linked_file_is_there():
    links = set(re.findall(r"\]\(((?:docs|scripts|notebooks|parity_tests|LICENSE)[^)#\s]*)", README))
    links |= set(re.findall(r'src="(docs/[^"]+)"', README))
    missing = sorted(link for link in links if not (ROOT / link).exists())
    assert links and missing == []


def test_every_figure_group_is_named_and_every_figure_row_links_a_committed_file():
    for group in GROUPS:
        assert f"`{group}`" in README, group
    rows = re.findall(r"\| \[`(C[\w.-]+)`\]\(docs/figures/\1\.png\)", README)
    assert len(rows) >= 28 and all((ROOT / "docs" / "figures" / f"{name}.png").is_file() for name in rows)


def test_the_readme_says_what_a_learner_needs_once():
    assert "http://localhost:6006" in README
    assert "--index-url https://download.pytorch.org/whl/cpu" in README
    assert "skipped" in README and (ROOT / "LICENSE").is_file() and "MIT" in (ROOT / "LICENSE").read_text()
    assert "FIGURES_TIME" not in README, "the figures' wall time is still a placeholder"


def _g(x: float) -> str:
    """A number as the README writes it: ``1e-08`` as 1e-8, −7 with a minus sign."""
    return f"{x:g}".replace("e-0", "e-").replace("-", "−") if x < 0 else f"{x:g}".replace("e-0", "e-")


def _facts() -> dict[str, str]:
    """Numbers the README states about the code, each rebuilt here from the code itself: a claim whose
    number the code no longer has is not found in the README, and the test names it."""
    import inspect

    import numpy as np

    from scratch.data.datasets import load_dataset
    from scratch.models.mlp import MLPSpec
    from scratch.nn.functional.activation import softmax
    from twin_nets import contract
    from twin_nets.experiments import deep_nets, paths
    from twin_nets.experiments.batch_size import BatchSizeSetting
    from twin_nets.experiments.gd_vs_sgd import GdVsSgdSetting
    from twin_nets.experiments.regularization import BatchNormSetting, DropoutSetting
    from twin_nets.figures.forward import CONFIDENT_WRONG
    from twin_nets.training.config import CHECKPOINTS_PER_RUN, TrainConfig
    from twin_nets.training.report import EXIT_BROKEN_PIPE

    value64, trajectory = contract.tolerance(np.float64), contract.TOLERANCES["trajectory"]
    paired = _g(contract.PAIRED_TRAINING_ATOL)
    c = TrainConfig()
    digits = load_dataset("digits", rng=np.random.default_rng(0))
    n_in, n_out, n_train = digits.x_train.shape[1], int(digits.y_train.max()) + 1, len(digits.x_train)
    gd = GdVsSgdSetting()
    n_gd = len(load_dataset(gd.dataset, rng=np.random.default_rng(gd.seed)).x_train)
    vanishing = inspect.signature(deep_nets.vanishing_gradient_norms).parameters
    init = inspect.signature(deep_nets.build_deep_net).parameters
    drop, bn, bs = DropoutSetting(), BatchNormSetting(), BatchSizeSetting()
    drop_sizes = (2, *drop.hidden, 2)
    saddle, bowl = paths.SADDLE, paths.BOWL
    probabilities = np.round(softmax(np.array([3.2, 5.1, -1.7]), dim=0), 2)
    names = {"relu": "ReLU", "he": "He", "adam": "Adam"}
    per_run, n_xor = CHECKPOINTS_PER_RUN, len(load_dataset("xor", rng=np.random.default_rng(0)).x_train)
    return {
        "contract, float64": f"`rtol={_g(value64['rtol'])}, atol={_g(value64['atol'])}`",
        "contract, finite differences": f"relative error < {_g(contract.FINITE_DIFFERENCE_RTOL)}",
        "contract, trajectories": f"| `rtol={_g(trajectory[np.float64]['rtol'])}` | "
        f"`rtol={_g(trajectory[np.float32]['rtol'])}` |",
        "contract, paired training": f"max weight difference after an epoch < {paired}",
        "the default job": f"{n_in}-{'-'.join(map(str, c.hidden))}-{n_out} {names[c.activation]} MLP "
        f"({names[c.init]} init, {names[c.optimizer]}, batch {c.batch_size}, {c.epochs} epochs, {c.dtype})",
        "the default job's contract": f"below the float64 contract's {paired}",
        "the parity charts": f"which stay far below the contract's {paired}",
        "digits at batch size 4": f"the {n_train} training digits leave a last batch of {n_train % 4}",
        "8 → 10 → 3": f"80 + 10 and 30 + 3 = {MLPSpec((8, 10, 3)).num_parameters()} parameters",
        "softmax": "→ " + ", ".join(f"{p:.2f}" for p in probabilities),
        "GD vs SGD": f"({-(-n_gd // gd.batch_size)} updates per epoch against 1",
        "optimizer paths": f"x²/20 + y² from ({_g(bowl.start[0])}, {_g(bowl.start[1])})",
        "saddle": f"x² − y² from ({_g(saddle.start[0])}, {_g(saddle.start[1])}), in {saddle.steps} steps, "
        f"momentum and Adam leave the saddle (\\|y\\| > {_g(paths.LEAVE_RADIUS)}",
        "vanishing": f"{vanishing['depth'].default} layers × {vanishing['width'].default} units",
        "init histograms": f"{init['depth'].default} layers × {init['width'].default} units",
        "dropout": f"{drop.n_train} noisy two-moons samples, MLP {' → '.join(map(str, drop_sizes))}",
        "dropout p": f"over the last {drop.last} epochs); with p = {_g(drop.p)}",
        "MSE vs cross-entropy": f"for a confidently wrong prediction (z = {_g(CONFIDENT_WRONG)})",
        "batch norm's scales": f"without batch norm σ = {_g(min(bn.init_stds))} stalls at chance and "
        f"σ = {_g(max(bn.init_stds))} blows up",
        "batch norm": f"{bn.n_train} digits at batch {bn.batch_size} ({bn.n_train // bn.batch_size} "
        "iterations per epoch)",
        "batch size": f"batch sizes {', '.join(map(str, bs.batch_sizes[:-1]))} and {bs.batch_sizes[-1]}, "
        f"every run the same number of updates, the band the range over {len(bs.seeds)} seeds",
        "checkpoint cadence": f"(by default {per_run} pairs a run: N = epochs / {per_run},",
        "nothing to train": f"already trained {c.epochs} of {c.epochs} epochs",
        "exit statuses": f"130 Ctrl-C, 143 SIGTERM (also during start-up); {EXIT_BROKEN_PIPE} stdout closed",
        "XOR's rows": f"XOR has only its {n_xor} rows",
    }


def _other_facts() -> dict[tuple[str, str], str]:
    """The same for docs/maintainers.md and README.ko.md: (file, claim) -> the text rebuilt from the code."""
    import numpy as np

    from scratch.data.datasets import load_dataset

    python = re.search(r'^requires-python = "(.+)"$', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    n_train = len(load_dataset("digits", rng=np.random.default_rng(0)).x_train)
    leave_one = " or ".join(str(b) for b in (2, 3, 4) if n_train % b == 1)
    return {
        ("README.md", "Python"): f"Python {python.removeprefix('>=')}+",
        ("README.ko.md", "Python"): f"파이썬 {python.removeprefix('>=')} 이상",
        ("docs/maintainers.md", "BCELoss' clamp"): f"float32(1e-12) ≈ {float(np.float32(1e-12)):.8e}",
        ("docs/maintainers.md", "batch of one"): f"(the {n_train} training digits at batch size {leave_one})",
    }


FACTS = {("README.md", claim): text for claim, text in _facts().items()} | _other_facts()


@pytest.mark.parametrize(("file", "claim"), sorted(FACTS))
def test_each_number_the_docs_state_about_the_code_is_the_codes(file, claim):
    prose = " ".join((ROOT / file).read_text(encoding="utf-8").split())
    assert FACTS[file, claim] in prose, f"{claim}: {file} should say {FACTS[file, claim]!r}"


def _train_commands() -> list[str]:
    """The flags of every ``scripts/train.py`` command in the READMEs' code blocks, comments dropped."""
    commands = []
    for doc in DOCS[:2]:
        for block in re.findall(r"```(?:bash)?\n(.*?)```", (ROOT / doc).read_text(encoding="utf-8"), re.S):
            for line in block.splitlines():
                if "scripts/train.py" in line:
                    commands.append(line.split("scripts/train.py", 1)[1].split("#", 1)[0].strip())
    return sorted(set(commands))


@pytest.mark.parametrize(
    "flags",
    [pytest.param(f, marks=pytest.mark.cuda) if "--device cuda" in f else f for f in _train_commands()],
)
def test_every_train_command_in_the_readmes_parses(flags):
    """Each parses with the main job's own parser: a renamed or removed flag fails here, not in a learner's
    shell (``--device cuda`` is a CUDA case: without CUDA it is refused in one line, as it should be)."""
    import shlex

    from twin_nets.training.flags import parse_config

    parse_config(shlex.split(flags))


def test_ci_runs_the_readmes_two_test_commands_after_the_lint():
    """.ci/run runs exactly the Quick start's test commands (the fast run, then the slow rest: together the
    complete run), in that order, after ruff; the second one selects the tests the first leaves out."""
    quick = README.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    readme = [line.split("  #", 1)[0].strip() for line in quick.splitlines() if " -m pytest" in line]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    tests = [line for line in ci if " -m pytest" in line]
    assert len(readme) == 2 and tests == readme, (readme, tests)
    assert max(i for i, line in enumerate(ci) if "ruff" in line) < ci.index(tests[0])
    assert readme[1].endswith("-m slow") and "-m" not in readme[0].split("pytest", 1)[1]
