"""What a run reports: the per-epoch table of both twins side by side, and ``metrics.json``.

``metrics.json`` is strict JSON (``allow_nan=False``): a value that is missing or not a finite number is
``null``. Its ``status`` is ``running`` while the run trains and, at every ending, ``done``, ``diverged``,
``interrupted`` or ``failed``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, TextIO

from twin_nets.atomic import atomic_write
from twin_nets.training import parity

STATUSES = ("running", "done", "diverged", "interrupted", "failed")
EXIT_OK, EXIT_FAILED = 0, 1  # an interrupted run exits 128 + the signal: 130 for Ctrl-C, 143 for SIGTERM
EXIT_BROKEN_PIPE = 128 + 13  # stdout closed under the run (`| head`): the status SIGPIPE would give

# (history key, column title, format)
_COLUMNS = (
    ("train_loss", "train loss", "{:.6f}"),
    ("train_accuracy", "train acc", "{:.2%}"),
    ("test_loss", "test loss", "{:.6f}"),
    ("test_accuracy", "test acc", "{:.2%}"),
)


def empty_sums() -> dict[str, float]:
    """An epoch's running sums for one twin, before its first step."""
    return {"loss": 0.0, "correct": 0.0, "count": 0.0}


def epoch_record(
    progress: Any, impl: str, test_loss: float, test_accuracy: float, task: str
) -> dict[str, Any]:
    """The epoch that ends now, for twin ``impl``: its mean training loss and accuracy from the running
    sums, and the test split's; ``--task charlm`` adds the held-out perplexity, exp(mean cross-entropy per
    character) (C4.3-lstm)."""
    sums = progress.sums[impl]
    record = {
        "epoch": progress.epoch + 1,
        "step": progress.global_step,
        "train_loss": sums["loss"] / max(sums["count"], 1),
        "train_accuracy": sums["correct"] / max(sums["count"], 1),
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
    }
    if task == "charlm":
        record["test_perplexity"] = math.exp(test_loss)
    return record


def _columns(config: Any) -> tuple[tuple[str, str, str], ...]:
    """The table's columns: ``--task autoencoder`` has no accuracy (its history records 0), only losses."""
    task = getattr(config, "task", "classify")
    if task == "autoencoder":
        return tuple(column for column in _COLUMNS if not column[0].endswith("accuracy"))
    if task == "charlm":  # C4.3-lstm: accuracy is per character; the held-out perplexity after the loss
        return (*_COLUMNS[:3], ("test_perplexity", "test ppl", "{:.2f}"), _COLUMNS[3])
    return _COLUMNS


# a long run prints at most about this many epoch lines and table rows (the first, every k-th, the last);
# every epoch is in metrics.json and TensorBoard, and a terminal shows the progress bar in between
EPOCH_LINES = 20


def epoch_stride(epochs: int) -> int:
    """Every how many epochs a run of ``epochs`` prints a line (1 up to ``EPOCH_LINES`` epochs)."""
    return max(1, math.ceil(epochs / EPOCH_LINES))


def shown_epoch(epoch: int, epochs: int) -> bool:
    """Whether epoch ``epoch`` (1-based) of ``epochs`` gets its line and table row."""
    return epoch in (1, epochs) or epoch % epoch_stride(epochs) == 0


def epoch_table(
    history: dict[str, list[dict[str, Any]]],
    parity: list[dict[str, Any]],
    epochs: int | None = None,
    columns: tuple[tuple[str, str, str], ...] = _COLUMNS,
) -> str:
    """One row per epoch (of ``epochs`` > ``EPOCH_LINES``, the first, every k-th and the last): each
    metric for every twin ("scratch | torch"), then the parity columns."""
    impls = list(history)
    rows = zip(*(history[impl] for impl in impls), strict=True)
    header = ["epoch", *(f"{title} ({' | '.join(impls)})" for _, title, _ in columns)]
    if parity:
        header += ["max |Δw|", "max |ΔE|"]
    lines = [header]
    last = epochs if epochs is not None else len(next(iter(history.values()), []))
    for index, records in enumerate(rows):
        if not shown_epoch(records[0]["epoch"], max(last, records[0]["epoch"])):
            continue
        cells = [str(records[0]["epoch"])]
        for key, _, fmt in columns:
            cells.append(" | ".join(fmt.format(record[key]) for record in records))
        if parity:
            cells += [f"{parity[index]['max_weight_diff']:.2e}", f"{parity[index]['max_loss_diff']:.2e}"]
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)) for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    if epoch_stride(last) > 1:
        text.append(
            f"(a row every {epoch_stride(last)} epochs; every epoch is in metrics.json and TensorBoard)"
        )
    return "\n".join(text)


def start_summary(run: Any) -> str:
    """What is about to run, in words (the full config goes to metrics.json and TensorBoard)."""
    config, data = run.config, run.data
    twins = " and ".join(f"the {impl} twin on {twin.device}" for impl, twin in run.twins.items())
    sizes = "-".join(map(str, (data.num_features, *config.hidden, data.num_classes)))
    extras = [
        f"{config.norm} norm" if config.norm else "",
        f"dropout {config.dropout:g}" if config.dropout else "",
    ]
    if config.task == "autoencoder":  # C1.1-autoencoder: the encoder's widths, the code, the decoder's
        widths = (data.num_features, *config.hidden, config.code, *reversed(config.hidden), data.num_features)
        sizes = "-".join(map(str, widths))
    kind = "autoencoder" if config.task == "autoencoder" else "MLP"
    if config.task == "charlm":  # C4.3-lstm
        clip = f"clip {config.max_grad_norm:g}" if config.max_grad_norm else "no clipping"
        return (
            f"train.py: {twins}; the notes: {len(data.y_train)} training and {len(data.y_test)} held-out "
            f"chunks of {config.bptt} characters, {data.num_classes} distinct characters; character LM "
            f"(embedding {config.embedding_dim}, LSTM {config.hidden[0]}, {clip}); {config.optimizer} "
            f"lr {config.lr:g}, batch {config.batch_size}, {config.epochs} epochs, {config.dtype}, "
            f"seed {config.seed}"
        )
    model = ", ".join(filter(None, [f"{kind} {sizes} ({config.activation}, {config.init} init)", *extras]))
    return (
        f"train.py: {twins}; {config.dataset}: {len(data.y_train)} training and {len(data.y_test)} test "
        f"samples, {data.num_features} features, {data.num_classes} classes; {model}; {config.optimizer} "
        f"lr {config.lr:g}, batch {config.batch_size}, {config.epochs} epochs, {config.dtype}, "
        f"seed {config.seed}"
    )


def epoch_line(run: Any) -> str:
    """One line as an epoch ends (so piped output shows progress): each twin's numbers, in the order the
    line names them first (``[scratch | torch]``)."""
    p = run.progress
    records = [p.history[impl][-1] for impl in run.twins]
    cells = [
        f"{title} {' | '.join(fmt.format(record[key]) for record in records)}"
        for key, title, fmt in _columns(run.config)
    ]
    if run.paired and p.parity:
        cells.append(f"max |Δw| {p.parity[-1]['max_weight_diff']:.2e}")
    return f"epoch {p.epoch}/{run.config.epochs}: [{' | '.join(run.twins)}] " + ", ".join(cells)


def final_report(run: Any, exit_code: int, out: TextIO) -> int:
    """The per-epoch table and, with both twins, the parity verdict (a float64 FAIL exits 1)."""
    p = run.progress
    if not p.epoch:
        return exit_code
    print(
        epoch_table(p.history, p.parity if run.paired else [], run.config.epochs, _columns(run.config)),
        file=out,
    )
    if run.paired:
        diffs = [row["max_weight_diff"] for row in p.parity]
        passed, sentence = parity.verdict(run.config.dtype, diffs, p.divergence)
        print(sentence, file=out)
        if passed is False and exit_code == EXIT_OK:
            return EXIT_FAILED
    return exit_code


def report_finished(run: Any, out: TextIO) -> int:
    """A ``--resume`` with nothing to train: said first, then the finished run's table and verdict from
    its checkpoint. Nothing is written (no lock, no event file; its metrics.json stays as the run ended),
    and the exit status is the one the run ended with (0, or 1 for a float64 parity FAIL), so a
    ``--resume`` repeated after the run finished answers as the run did."""
    done = run.progress.epoch
    print(
        f"train.py: {run.root} has already trained {done} of {run.config.epochs} epochs: nothing to "
        f"train, nothing written; pass --epochs N > {done} to continue",
        file=out,
    )
    return final_report(run, EXIT_OK, out)


def strict_json(value: Any) -> Any:
    """``value`` with every float that is NaN or infinite replaced by None (JSON's ``null``)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(item) for item in value]
    return value


def metrics_record(run: Any, impl: str, twin: Any, extra: dict[str, float]) -> dict[str, Any]:
    """One twin's ``metrics.json`` content for a ``PairedRun`` as it stands."""
    p = run.progress
    last = p.history[impl][-1] if p.history[impl] else {}
    record: dict[str, Any] = {
        "impl": impl,
        "status": run.status,
        "experiment": run.root.name,
        "device": str(twin.device),
        "epochs_completed": p.epoch,
        "global_step": p.global_step,
        "test_accuracy": last.get("test_accuracy"),
        "test_loss": last.get("test_loss"),
        "train_loss": last.get("train_loss"),
        "train_accuracy": last.get("train_accuracy"),
        "wall_time_s": p.wall_time_s[impl],
        **extra,
        "config": run.config.to_dict(),
        "history": p.history[impl],
    }
    if run.paired:
        epoch_diffs = [row["max_weight_diff"] for row in p.parity]
        passed, sentence = parity.verdict(run.config.dtype, epoch_diffs)
        record["parity"] = {
            "max_weight_diff": max(epoch_diffs, default=None),
            "max_loss_diff": max((row.get("max_loss_diff", 0.0) for row in p.parity), default=None),
            "atol": parity.PAIRED_TRAINING_ATOL,
            "passed": passed,
            "verdict": sentence,
            "per_epoch": p.parity,
        }
    return record


def write_metrics(path: Path, record: dict[str, Any]) -> None:
    """``metrics.json``, strict JSON, written atomically (temp file + rename)."""
    data = json.dumps(strict_json(record), indent=2, allow_nan=False).encode()
    atomic_write(path, lambda handle: handle.write(data))
