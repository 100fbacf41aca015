"""What a run reports: the per-epoch table of both twins side by side, and ``metrics.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from twin_nets.atomic import atomic_write

# (history key, column title, format)
_COLUMNS = (
    ("train_loss", "train loss", "{:.6f}"),
    ("train_accuracy", "train acc", "{:.2%}"),
    ("test_loss", "test loss", "{:.6f}"),
    ("test_accuracy", "test acc", "{:.2%}"),
)


def epoch_table(history: dict[str, list[dict[str, Any]]], parity: list[dict[str, Any]]) -> str:
    """One row per epoch: each metric for every twin ("scratch | torch"), then the parity columns."""
    impls = list(history)
    rows = zip(*(history[impl] for impl in impls), strict=True)
    header = ["epoch", *(f"{title} ({' | '.join(impls)})" for _, title, _ in _COLUMNS)]
    if parity:
        header += ["max |Δw|", "max |ΔE|"]
    lines = [header]
    for index, records in enumerate(rows):
        cells = [str(records[0]["epoch"])]
        for key, _, fmt in _COLUMNS:
            cells.append(" | ".join(fmt.format(record[key]) for record in records))
        if parity:
            cells += [f"{parity[index]['max_weight_diff']:.2e}", f"{parity[index]['max_loss_diff']:.2e}"]
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)) for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


def write_metrics(path: Path, record: dict[str, Any]) -> None:
    """``metrics.json``, written atomically (temp file + rename)."""
    data = json.dumps(record, indent=2, sort_keys=False).encode()
    atomic_write(path, lambda handle: handle.write(data))
