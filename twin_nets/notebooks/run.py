"""Build the notebooks from their sources, execute them top to bottom, and write them with outputs.

A notebook's source is a jupytext "percent" script, ``notebooks/source/<stem>.py`` (reviewable as
plain Python); the committed ``notebooks/<stem>.ipynb`` is that source executed by nbclient, outputs
included, so it reads on a code host without running.

The kernel starts as JupyterLab starts it for a learner: in ``notebooks/``, with the environment's
``PYTHONPATH`` removed, so a notebook has only what ``pip install -e ".[notebooks]"`` installed. Before
any kernel starts, ``installed_here`` checks that what is installed is this checkout (a kernel would
otherwise run another checkout's code). Cell IDs are derived from the cells' sources, so a notebook
rebuilt from an unchanged source is byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
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
        if not entry.strip():
            raise ValueError(f"notebook: expected a stem or a prefix (e.g. 03), got {entry!r}")
        if not any(stem.startswith(entry) for stem in every):
            raise ValueError(f"notebook: expected one of {', '.join(every)} (or a prefix), got {entry!r}")
    return [stem for stem in every if any(stem.startswith(entry) for entry in selection)]


def build(stem: str) -> nbformat.NotebookNode:
    """The notebook of ``stem`` from its source, without outputs."""
    notebook = jupytext.read(source_path(stem), fmt="py:percent")
    notebook.metadata["kernelspec"] = dict(KERNEL)
    notebook.metadata.pop("jupytext", None)
    seen: dict[str, int] = {}
    for cell in notebook.cells:  # an ID from the cell's text: the same source gives the same file
        key = f"{cell.cell_type}\n{cell.source}"
        seen[key] = seen.get(key, 0) + 1
        cell.id = hashlib.sha1(f"{key}\n{seen[key]}".encode()).hexdigest()[:12]
    return notebook


def kernel_environment() -> dict[str, str]:
    """The environment a learner's kernel has: this one without ``PYTHONPATH`` (``PYTHONPATH=.`` from the
    repository root would hand the kernel what ``pip install`` does not)."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def installed_here() -> str | None:
    """None when the Python that runs this imports ``twin_nets`` from this checkout with the kernel's
    environment and folder; otherwise what it imports instead (or why it cannot), in one line."""
    probe = subprocess.run(
        [sys.executable, "-c", "import twin_nets; print(twin_nets.__file__)"],
        cwd=NOTEBOOK_DIR,
        env=kernel_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "twin_nets is not installed in this environment (pip install -e '.[notebooks]')"
    found = Path(probe.stdout.strip()).resolve()
    if not found.is_relative_to(ROOT):
        return f"this environment installs twin_nets from another checkout ({found.parent.parent.name})"
    return None


def execute(stem: str) -> Executed:
    """Build and run ``stem``. An error in a cell raises nbclient's ``CellExecutionError``; an error
    output that did not stop the cell (one raised while a figure is displayed) raises a ``RuntimeError``."""
    elsewhere = installed_here()
    if elsewhere is not None:
        raise RuntimeError(f"{stem}: the kernel would not run this checkout: {elsewhere}")
    notebook = build(stem)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL["name"],
        record_timing=False,  # no timestamps in the committed files: a re-run changes only what changed
        coalesce_streams=True,  # one stream output per cell, however the kernel's flushes split it
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},  # the kernel's working folder
    )
    began, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    # the kernel is shut down and waited for on return: its CPU time is counted
    client.execute(env=kernel_environment())
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
