"""What every command line of the project shares: an error is one line on stderr and exit status 2.

``OneLineParser`` is argparse without the usage block; every script in ``scripts/`` builds its parser
from it, so a bad flag, a bad value or a problem found later at the boundary (``parser.error(...)``)
ends the same way: ``<prog>: error: <what is wrong> (see --help)``. A path flag takes ``type=FOLDER``
(or ``FILE``): an empty or blank value is refused (``--logdir: expected a folder, got ''``) instead of
becoming ``Path("")``, the current folder, and so is a name that is not text (bytes the shell passed that
are not UTF-8, ``$'\\xff'``). ``HelpFormatter`` is every parser's ``--help``.

The checks every command makes before any work, one mechanism for all:

* ``output_problem`` / ``OneLineParser.check_output``: a folder (or a file's folder) the command will
  write in: not a file, creatable, and taking real bytes (``atomic.why_unwritable``: read-only, full);
  nothing is created by the check;
* ``bounded``: an integer flag in its range (``--seed`` in [0, 2³² − 1], ``--threads`` at most the CPUs);
* under a launcher (``mpiexec``, ``torchrun``: ``launch_rank``), rank 0 alone prints the error line; the
  other ranks exit with the same status quietly, so K ranks print one line, not K.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from twin_nets.atomic import why_unwritable

EXIT_USAGE = 2  # a bad flag or input the user can fix (argparse's and the shell's convention)
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, the shell's convention
MAX_SEED = 2**32 - 1  # NumPy's and torch's seeds alike

# launcher -> (rank, world size, local rank) variables it sets: torchrun (``python -m
# torch.distributed.run``), MPICH's mpiexec (hydra), Open MPI's
TORCHRUN, MPIEXEC = "torchrun", "mpiexec"
LAUNCHER_VARIABLES = (
    (TORCHRUN, ("RANK", "WORLD_SIZE", "LOCAL_RANK")),
    (MPIEXEC, ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID")),
    (MPIEXEC, ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK")),
)


def launch_rank(environ: Mapping[str, str] | None = None) -> int:
    """This process's rank in a launched job (0 when no launcher started it, or its rank is unreadable:
    then it speaks, and ``twin_nets.distributed.launch`` says what is wrong)."""
    environ = os.environ if environ is None else environ
    for _, (rank, size, _) in LAUNCHER_VARIABLES:
        if rank in environ and size in environ:
            try:
                return int(environ[rank])
            except ValueError:
                return 0
    return 0


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def bounded(flag: str, value: int, low: int, high: int, why: str = "") -> None:
    """A ``ValueError`` naming ``flag`` unless ``low <= value <= high`` (``why`` explains the bound)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{flag}: expected an integer in [{low}, {high}]{why}, got {value!r}")


def check_seed(flag: str, seed: int) -> None:
    bounded(flag, seed, 0, MAX_SEED, " (2³² − 1)")


def check_threads(flag: str, threads: int) -> None:
    """1 to this machine's CPUs: more threads only queue (and 100,000 of them starve the machine)."""
    bounded(flag, threads, 1, available_cpus(), " (this machine's CPUs)")


def output_problem(flag: str, path: str | os.PathLike[str], kind: str = "folder") -> str | None:
    """Why the command cannot write ``path`` (``kind`` "folder": a folder it writes in; "file": a file
    it writes), or None. Missing folders are fine when the nearest existing one above takes real bytes;
    nothing is created here. The message names ``flag``."""
    path = Path(path)
    if kind == "file":
        if path.is_dir():
            return f"{flag}: expected a file, got the folder {path}"
        folder = path.parent
    elif kind == "folder":
        if path.exists() and not path.is_dir():
            return f"{flag}: expected a folder, got the file {path}"
        folder = path
    else:
        raise ValueError(f"output_problem: expected kind 'folder' or 'file', got {kind!r}")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{flag}: cannot create {folder}: {existing} is a file"
    if (why := why_unwritable(existing)) is not None:
        return f"{flag}: cannot write in {existing.resolve()} ({why})"
    return None


# argparse takes "-1e-3" for a flag (its own pattern knows only "-1" and "-.5"), so ``--lr -1e-3`` read
# "expected one argument"; this pattern also knows exponents, "-inf" and "-nan", so the value reaches the
# flag's own check ("expected a learning rate > 0").
_NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE)


class PathFlag:
    """An argparse ``type=`` for a path flag: the value converted by ``convert`` (``Path`` by default);
    a ``ValueError`` for an empty or blank value, which ``Path`` would read as the current folder."""

    def __init__(self, expected: str, convert: Callable[[str], Any] = Path) -> None:
        self.expected, self.convert = expected, convert

    def __call__(self, value: str) -> Any:
        if not value.strip():
            raise ValueError(f"expected {self.expected}, got {value!r}")
        check_text("", value, self.expected)
        return self.convert(value)


def check_text(flag: str, value: str, expected: str = "a name") -> None:
    """A ``ValueError`` for a value that is not text: bytes that are not UTF-8 reach Python as lone
    surrogates (``$'\\xff'``), which no message, JSON file or TensorBoard tag can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape")[:60]
        where = f"{flag}: " if flag else ""
        raise ValueError(f"{where}expected {expected} in UTF-8 text, got the bytes {shown!r}") from None


FOLDER = PathFlag("a folder")
FILE = PathFlag("a file")


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Every command's ``--help``: the description as written, and argparse's "(default: …)" only where
    there is a value to show (not None, not a switch's False, not an empty list)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ""
        if (
            action.default is None
            or action.default is False
            or action.default == []
            or "%(default)" in help_text
        ):
            return help_text
        return super()._get_help_string(action)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2, a negative
    number in any notation (``-1e-3``, ``-inf``) is read as a value, not as an unknown flag, a bad
    ``PathFlag`` value names its flag, and ``--help`` is ``HelpFormatter``'s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        # a path flag's refusal names the flag, as every check at the boundary does (argparse would say
        # "argument --logdir: invalid PathFlag value: ''")
        if isinstance(action.type, PathFlag):
            try:
                return action.type(arg_string)
            except ValueError as error:
                self.error(f"{'/'.join(action.option_strings) or action.metavar or action.dest}: {error}")
        return super()._get_value(action, arg_string)

    def error(self, message: str) -> NoReturn:
        if launch_rank() != 0:  # the same flags reach every rank: rank 0 says it, once
            self.exit(EXIT_USAGE)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")

    def check_output(self, flag: str, path: str | os.PathLike[str], kind: str = "folder") -> None:
        """``output_problem`` as this command's one-line error (exit status 2), before any work."""
        if (problem := output_problem(flag, path, kind)) is not None:
            self.error(problem)


def interrupted(prog: str, what: str) -> int:
    """After Ctrl-C (``KeyboardInterrupt``): one line on stderr saying what was kept, no traceback, and
    the exit status for ``main`` to return."""
    print(f"{prog}: interrupted (Ctrl-C); {what}", file=sys.stderr)
    return EXIT_INTERRUPTED


# The twins, by the names every flag, folder and TensorBoard run uses; ``--impl both`` runs the two.
TWINS = ("scratch", "torch")
IMPLS = (*TWINS, "both")


def twins_of(impl: str, argument: str = "--impl") -> tuple[str, ...]:
    """The twins ``impl`` names: ``("scratch",)``, ``("torch",)`` or both; a ``ValueError`` naming
    ``argument`` for anything else."""
    if impl not in IMPLS:
        raise ValueError(f"{argument}: expected one of {', '.join(IMPLS)}, got {impl!r}")
    return TWINS if impl == "both" else (impl,)


def one_twin(impl: str, argument: str = "impl") -> str:
    """``impl`` when it names one twin ("scratch" or "torch"); a ``ValueError`` naming ``argument``
    for anything else (also "both": the caller runs one twin)."""
    if impl not in TWINS:
        raise ValueError(f"{argument}: expected one of {', '.join(TWINS)}, got {impl!r}")
    return impl


def tensorboard_command() -> str:
    """How to start TensorBoard from here: the ``tensorboard`` of the running Python's environment
    (``.venv/bin/tensorboard``, relative to the current folder when inside it), which works without an
    activated venv; a bare ``tensorboard`` where that environment has none."""
    program = Path(sys.executable).with_name("tensorboard")
    if not program.is_file():
        return "tensorboard"
    if program.is_relative_to(Path.cwd()):
        program = program.relative_to(Path.cwd())
    return shlex.quote(str(program))
