"""What every command line of the project shares: an error is one line on stderr and exit status 2.

``OneLineParser`` is argparse without the usage block; every script in ``scripts/`` builds its parser
from it, so a bad flag, a bad value or a problem found later at the boundary (``parser.error(...)``)
ends the same way: ``<prog>: error: <what is wrong> (see --help)``. A path flag takes ``type=FOLDER``
(or ``FILE``): an empty or blank value is refused (``--logdir: expected a folder, got ''``) instead of
becoming ``Path("")``, the current folder. ``HelpFormatter`` is every parser's ``--help``.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

EXIT_USAGE = 2  # a bad flag or input the user can fix (argparse's and the shell's convention)
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, the shell's convention


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
        return self.convert(value)


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
        self.exit(EXIT_USAGE, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")


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
