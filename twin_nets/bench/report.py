"""The bench's result as a Markdown table and as a JSON file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from twin_nets.atomic import atomic_write

PEER_OPTIMIZERS = {"sgd": "its Momentum(lr=0.01, momentum=0.9)", "adam": "its Adam(lr=0.001)"}


def format_table(result: dict[str, Any]) -> str:
    """The result as a Markdown table (for the screen and the README) with its machine line."""
    machine = result["machine"]
    blas = ", ".join(
        f"{b['internal_api']} {b['version']} ({b['architecture']})" for b in machine["numpy_blas"]
    )
    lines = [
        f"Machine: {machine['cpu']}, {machine['cores_usable']} cores; {result['threads']} thread(s) for both "
        f"(numpy {machine['numpy']} with {blas}; torch {machine['torch']} with {machine['torch_blas']})"
        + (f"; CUDA: {machine['cuda']}" if machine["cuda"] else ""),
        f"Step: zero_grad, forward, CrossEntropyLoss, backward, {result['optimizer']}; median of interleaved "
        "steps. GFLOP/s counts matrix products only; % of the measured matmul peak "
        + ", ".join(f"{d} {p['peak']:.0f} GFLOP/s" for d, p in result["peak_gflops"]["cpu"].items())
        + ". Memory: the most bytes held during a step (parameters, gradients, optimizer state, batch, "
        "activations and temporaries).",
    ]
    peer = [row["dlfs2"] for row in result["rows"] if "dlfs2" in row]
    if peer:
        lines.append(
            "On the lstm row (C4.3-lstm) the loss is E = Σ g ⊙ out for a fixed g, backward through time "
            "(∂E/∂x included), the same update; dlfs2 = 밑바닥부터 시작하는 딥러닝 2's TimeLSTM "
            f"({PEER_OPTIMIZERS[result['config']['optimizer']]}; float32 only: it allocates its outputs and "
            "states as float32)."
        )
    lines.append("")
    cuda = any("torch_cuda" in row["twins"] for row in result["rows"])
    header = (
        [
            "model",
            "dtype",
            "batch",
            "scratch ms",
            "torch ms",
            "scratch/torch",
            "scratch GFLOP/s",
            "torch GFLOP/s",
            "scratch MiB",
            "torch MiB",
        ]
        + (["torch CUDA ms"] if cuda else [])
        + (["dlfs2 ms", "scratch/dlfs2"] if peer else [])
    )
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---:" if i > 1 else "---" for i in range(len(header))) + "|")
    for row in result["rows"]:
        s, t = row["twins"]["scratch"], row["twins"]["torch"]
        steps = f", T = {row['time_steps']}" if "time_steps" in row else ""
        cells = [
            f"{row['model']} {'-'.join(map(str, row['sizes']))}{steps}",
            row["dtype"],
            str(row["batch"]),
            f"{s['median_s'] * 1e3:.3f}",
            f"{t['median_s'] * 1e3:.3f}",
            f"{row['ratio']:.2f}",
            f"{s['gflops']:.1f} ({s['fraction_of_peak']:.0%})",
            f"{t['gflops']:.1f} ({t['fraction_of_peak']:.0%})",
            _mib(s["peak_memory_bytes"]),
            _mib(t["peak_memory_bytes"]),
        ]
        if cuda:
            cells.append(f"{row['twins']['torch_cuda']['median_s'] * 1e3:.3f}")
        if peer:
            cells += _peer_cells(row)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    runs = result["train_runs"]
    for impl, record in runs.items():
        if impl == "skipped":
            lines.append(f"Training runs: skipped ({record})")
        elif "missing" in record:
            lines.append(f"Training run {impl}: missing ({record['missing']})")
        else:
            status = "" if record["returncode"] == 0 else f" (exit status {record['returncode']})"
            lines.append(f"Training run `{record['command']}`: {record['seconds']:.1f} s{status}")
    lines.append(
        f"Bench wall time: {result['wall_s']:.0f} s"
        + (" (--quick: not meaningful)" if result["config"]["quick"] else "")
    )
    return "\n".join(lines)


def _peer_cells(row: dict[str, Any]) -> list[str]:
    """The dlfs2 columns: its step time and scratch/dlfs2, or why it was not timed (— on an MLP row)."""
    if "dlfs2" not in row:
        return ["—", "—"]
    if "skipped" in row["dlfs2"]:
        return [row["dlfs2"]["skipped"], "—"]
    return [f"{row['twins']['dlfs2']['median_s'] * 1e3:.3f}", f"{row['dlfs2']['ratio']:.2f}"]


def _mib(size: int | None) -> str:
    return "n/a" if size is None else f"{size / 2**20:.2f}"


def write_json(result: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write atomically (``atomic_write``: a temporary file, then a rename)."""
    text = (json.dumps(result, indent=2) + "\n").encode()
    return atomic_write(path, lambda handle: handle.write(text))
