"""Build the notebooks from their sources, execute them top to bottom, and write them with outputs.

A notebook's source is a jupytext "percent" script, ``notebooks/source/<stem>.py`` (reviewable as
plain Python); the committed ``notebooks/<stem>.ipynb`` is that source executed by nbclient, outputs
included, so it reads on a code host without running. The kernel starts in the repository root.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from twin_nets.atomic import atomic_write
from twin_nets.notebooks import ROOT
from twin_nets.notebooks.study_path import NOTEBOOKS

NOTEBOOK_DIR = ROOT / "notebooks"
SOURCE_DIR = NOTEBOOK_DIR / "source"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CELL_TIMEOUT_S = 300


@dataclass(frozen=True)
class Executed:
    stem: str
    notebook: nbformat.NotebookNode
    seconds: float  # wall time of the kernel run, start-up included
    cpu_seconds: float  # CPU time of the kernel and what it started (user + system), not of this process


def source_path(stem: str) -> Path:
    return SOURCE_DIR / f"{stem}.py"


def notebook_path(stem: str) -> Path:
    return NOTEBOOK_DIR / f"{stem}.ipynb"


def stems(selection: list[str] | None = None) -> list[str]:
    """The notebooks' stems in reading order; ``selection`` keeps those whose stem starts with one of
    its entries ("03" or "03_순전파"). An entry that matches none raises a ``ValueError`` naming it."""
    every = [notebook.stem for notebook in NOTEBOOKS]
    if not selection:
        return every
    for entry in selection:
        if not any(stem.startswith(entry) for stem in every):
            raise ValueError(f"notebook: expected one of {', '.join(every)} (or a prefix), got {entry!r}")
    return [stem for stem in every if any(stem.startswith(entry) for entry in selection)]


def build(stem: str) -> nbformat.NotebookNode:
    """The notebook of ``stem`` from its source, without outputs."""
    notebook = jupytext.read(source_path(stem), fmt="py:percent")
    notebook.metadata["kernelspec"] = dict(KERNEL)
    notebook.metadata.pop("jupytext", None)
    return notebook


def execute(stem: str) -> Executed:
    """Build and run ``stem``. An error in a cell raises nbclient's ``CellExecutionError``; an error
    output that did not stop the cell (one raised while a figure is displayed) raises a ``RuntimeError``."""
    notebook = build(stem)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL["name"],
        record_timing=False,  # no timestamps in the committed files: a re-run changes only what changed
        resources={"metadata": {"path": str(ROOT)}},
    )
    began, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    client.execute()  # the kernel is shut down and waited for on return: its CPU time is counted
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = after.ru_utime - children.ru_utime + after.ru_stime - children.ru_stime
    errors = error_outputs(notebook)
    if errors:  # e.g. a missing glyph while the inline backend draws a figure: nbclient does not raise
        raise RuntimeError(f"{stem}: {len(errors)} error output(s); the first: {errors[0]}")
    return Executed(stem, notebook, seconds, cpu_seconds)


def error_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    """``"cell <i>: <ename>: <evalue>"`` for every error output of ``notebook``."""
    return [
        f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


def write(executed: Executed) -> Path:
    text = nbformat.writes(executed.notebook) + "\n"
    return atomic_write(notebook_path(executed.stem), lambda handle: handle.write(text.encode("utf-8")))
