"""The parity contract of ``shared/CONCEPTS.md`` as one table: every tolerance the project uses.

The parity helpers (``twin_nets/parity.py``, which the tests and the notebooks use), the paired training
run's verdict (``twin_nets.training.parity``) and the experiments all read these numbers from here;
nothing else defines a tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# (rtol, atol) per dtype and kind of comparison, mirroring the contract's table.
TOLERANCES: dict[str, dict[Any, dict[str, float]]] = {
    # forward outputs and every gradient (input and each parameter)
    "value": {
        np.float64: {"rtol": 1e-10, "atol": 1e-12},
        np.float32: {"rtol": 1.3e-6, "atol": 1e-5},  # torch.testing's defaults for float32
    },
    # optimizer trajectories, N >= 20 steps
    "trajectory": {
        np.float64: {"rtol": 1e-10, "atol": 1e-12},
        np.float32: {"rtol": 1e-5, "atol": 1e-5},
    },
}
# analytic NumPy gradient vs central finite differences (float64 only)
FINITE_DIFFERENCE_RTOL = 1e-7
# paired training: largest absolute weight difference after an epoch (float64 only)
PAIRED_TRAINING_ATOL = 1e-8


def tolerance(dtype: Any, kind: str = "value") -> dict[str, float]:
    """``{"rtol": …, "atol": …}`` for comparing arrays of ``dtype`` (``kind``: value or trajectory)."""
    return TOLERANCES[kind][np.dtype(dtype).type]
