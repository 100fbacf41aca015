"""What every command line of the project shares: an error is one line on stderr and exit status 2.

``OneLineParser`` is argparse without the usage block; every script in ``scripts/`` builds its parser
from it, so a bad flag, a bad value or a problem found later at the boundary (``parser.error(...)``)
ends the same way: ``<prog>: error: <what is wrong> (see --help)``.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

EXIT_USAGE = 2  # a bad flag or input the user can fix (argparse's and the shell's convention)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")


# The twins, by the names every flag, folder and TensorBoard run uses; ``--impl both`` runs the two.
TWINS = ("scratch", "torch")
IMPLS = (*TWINS, "both")


def twins_of(impl: str, argument: str = "--impl") -> tuple[str, ...]:
    """The twins ``impl`` names: ``("scratch",)``, ``("torch",)`` or both; a ``ValueError`` naming
    ``argument`` for anything else."""
    if impl not in IMPLS:
        raise ValueError(f"{argument}: expected one of {', '.join(IMPLS)}, got {impl!r}")
    return TWINS if impl == "both" else (impl,)
