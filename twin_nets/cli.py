"""What every command line of the project shares: an error is one line on stderr and exit status 2.

``OneLineParser`` is argparse without the usage block; every script in ``scripts/`` builds its parser
from it, so a bad flag, a bad value or a problem found later at the boundary (``parser.error(...)``)
ends the same way: ``<prog>: error: <what is wrong> (see --help)``.
"""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

EXIT_USAGE = 2  # a bad flag or input the user can fix (argparse's and the shell's convention)


# argparse takes "-1e-3" for a flag (its own pattern knows only "-1" and "-.5"), so ``--lr -1e-3`` read
# "expected one argument"; this pattern also knows exponents, "-inf" and "-nan", so the value reaches the
# flag's own check ("expected a learning rate > 0").
_NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2, and a negative
    number in any notation (``-1e-3``, ``-inf``) is read as a value, not as an unknown flag."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER

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


def one_twin(impl: str, argument: str = "impl") -> str:
    """``impl`` when it names one twin ("scratch" or "torch"); a ``ValueError`` naming ``argument``
    for anything else (also "both": the caller runs one twin)."""
    if impl not in TWINS:
        raise ValueError(f"{argument}: expected one of {', '.join(TWINS)}, got {impl!r}")
    return impl
