"""The README a learner follows: every command in one convention and runnable from a fresh clone, every
file it links to there, every figure group named, no number left for a person to fill in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twin_nets.figures import GROUPS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODE = "\n".join(
    re.findall(r"```(?:bash|text)?\n(.*?)```", README, re.S) + re.findall(r"`([^`\n]+)`", README)
)


def test_every_command_runs_the_projects_virtual_environment():
    """One convention: `.venv/bin/python`, `.venv/bin/pip`, `.venv/bin/tensorboard` (or, said once, the
    `PYTHONPATH=. python` of a machine without the venv); never a bare `python` or `tensorboard`."""
    bare = [
        line.strip()
        for line in CODE.splitlines()
        if re.search(r"(^|[\s(])(python|pip|tensorboard|pytest)\s", line)
        and not re.search(r"(\.venv/bin/|PYTHONPATH=\. |python3 -m venv)", line)
    ]
    assert bare == []


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
