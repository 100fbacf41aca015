"""The prepared GPU check: every path of the project that runs on CUDA, in one command and one screen.

    PYTHONPATH=. python -m twin_nets.gpu_check                 # from the repository root, no install
    PYTHONPATH=. python -m twin_nets.gpu_check --out $OUT      # the logs elsewhere

Runs, each in its own process with a time limit, within ``--budget`` seconds (8 minutes on one GPU):

1. ``cuda-parity``: the parity cases on the CUDA device (``pytest -m cuda``: every test of the device
   parameter, TF32 off), collection errors of optional packages (hypothesis, mpi4py) reported, not fatal;
2. ``paired-cuda``: the main job on CUDA, both twins (scratch on the CPU, torch on the GPU, float64):
   exit 0 is the paired run's parity PASS;
3. ``torch-cuda``: the torch twin alone on CUDA, the reference of step 4;
4. ``ddp-nccl-1gpu``: the same run data-parallel under ``torchrun --nproc-per-node 1`` (DDP on NCCL): it
   must end where step 3 ends (the last epoch's losses within the paired-training contract);
5. ``mpi-nccl-1gpu``: ``mpiexec -n 1`` with both twins (the scratch twin over MPI, torch over NCCL), skipped
   where mpi4py or mpiexec is missing.

Prints a summary table (step, PASS / FAIL / SKIP / TIMEOUT, seconds, the step's own last word) and writes
each step's output to ``<out>/<step>.log`` and the summary to ``<out>/summary.txt``. Exit status: 0 every
step passed or was skipped, 1 one failed, 2 no CUDA here (one line, nothing run) or a bad flag.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twin_nets.cli import FOLDER, OneLineParser

ROOT = Path(__file__).resolve().parents[1]
PROG = "python -m twin_nets.gpu_check"
BUDGET_S = 480  # the whole check, on one H100
# the main job's settings for steps 2-5: small, float64 (the parity dtype), a few epochs
TRAIN = ["--dataset", "digits", "--hidden", "64", "--epochs", "3", "--optimizer", "sgd", "--lr", "0.05",
         "--momentum", "0.9", "--batch-size", "64"]  # fmt: skip
REHEARSAL_TESTS = "parity_tests/nn/test_linear.py"
# (step, its own time limit in seconds)
LIMITS = {"paired-cuda": 90, "torch-cuda": 75, "ddp-nccl-1gpu": 120, "mpi-nccl-1gpu": 90, "cuda-parity": 330}


@dataclass
class Step:
    name: str
    status: str  # PASS, FAIL, SKIP or TIMEOUT
    seconds: float
    word: str  # the step's own last word: pytest's counts, the parity verdict, the comparison


def environment() -> dict[str, str]:
    """This environment with the repository importable and one CPU thread per process."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONUNBUFFERED"] = "1"  # a step stopped at its limit still shows how far it got
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_step(name: str, command: list[str], out: Path, limit: float) -> tuple[int | None, str, float]:
    """``command`` from the repository root, its output in ``<out>/<name>.log``: (exit status or None when
    it ran past ``limit``, the output, seconds). Past the limit it gets Ctrl-C first (pytest then prints its
    counts so far), and is killed 20 s later."""
    start = time.perf_counter()
    log = out / f"{name}.log"
    with open(log, "w", encoding="utf-8") as handle:
        handle.write("$ " + " ".join(command) + "\n")
        handle.flush()
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment(), stdout=handle, stderr=subprocess.STDOUT
        )
        try:
            code: int | None = process.wait(timeout=max(limit, 1))
        except subprocess.TimeoutExpired:
            code = None
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return code, log.read_text(encoding="utf-8", errors="replace"), time.perf_counter() - start


def last_line(text: str, *starts: str) -> str:
    """The last line of ``text`` starting with one of ``starts`` (any line when none is given)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    chosen = [line for line in lines if not starts or line.startswith(starts)]
    return (chosen or lines or [""])[-1][:110]


def final_losses(logdir: Path, experiment: str) -> dict[str, float]:
    """The torch twin's last-epoch train and test losses from ``metrics.json``."""
    record = json.loads((logdir / experiment / "torch" / "metrics.json").read_text(encoding="utf-8"))
    return {"train_loss": record["train_loss"], "test_loss": record["test_loss"]}


def check(out: Path, budget: float, device: str = "cuda") -> list[Step]:
    """Steps 1-5 (module docstring), each within its limit and what is left of ``budget``; ``device``
    "cpu" is the rehearsal (gloo instead of NCCL, one test file's CUDA cases, all skipped)."""
    from twin_nets.contract import PAIRED_TRAINING_ATOL
    from twin_nets.distributed import jobs

    python, deadline, steps = sys.executable, time.perf_counter() + budget, []
    logdir = out / "runs"
    flags = [*TRAIN, "--device", device]
    train = [python, "scripts/train.py", *flags, "--logdir", str(logdir)]

    def step(name: str, command: list[str]) -> tuple[int | None, str]:
        # the rehearsal's steps share its budget: a CPU's times say nothing of a GPU's
        limit = min(LIMITS[name] if device == "cuda" else budget, deadline - time.perf_counter())
        if limit < 5:
            steps.append(Step(name, "SKIP", 0.0, "no time left in --budget"))
            return -1, ""
        code, text, seconds = run_step(name, command, out, limit)
        steps.append(Step(name, "TIMEOUT" if code is None else "PASS" if code == 0 else "FAIL", seconds, ""))
        if code is None:
            steps[-1].word = f"stopped after {limit:.0f} s; see {out / (name + '.log')}"
        return code, text

    code, text = step("paired-cuda", [*train, "--experiment", "paired"])
    if code is not None and code >= 0:
        steps[-1].word = last_line(text, "parity:", "train.py:")

    single, text = step("torch-cuda", [*train, "--impl", "torch", "--experiment", "single"])
    if single == 0:
        try:
            record = json.loads((logdir / "single" / "torch" / "metrics.json").read_text(encoding="utf-8"))
            steps[-1].word = f"torch on {record['device']}: test accuracy {record['test_accuracy']:.2%}"
        except (OSError, ValueError, KeyError, TypeError) as error:
            steps[-1].status, steps[-1].word = "FAIL", f"no metrics.json: {error}"[:110]
    elif single is not None and single >= 0:
        steps[-1].word = last_line(text, "train.py:")
    ddp = [*jobs.torchrun_command(1), "scripts/train.py", *flags, "--impl", "torch", "--distributed"]
    code, text = step("ddp-nccl-1gpu", [*ddp, "--logdir", str(logdir), "--experiment", "ddp1"])
    if code == 0 and single == 0:
        try:
            ours, theirs = final_losses(logdir, "ddp1"), final_losses(logdir, "single")
            diff = max(abs(ours[k] - theirs[k]) for k in ours)
        except (OSError, ValueError, KeyError, TypeError) as error:
            steps[-1].status, steps[-1].word = "FAIL", f"no metrics.json to compare: {error}"[:110]
        else:
            steps[-1].status = "PASS" if diff <= PAIRED_TRAINING_ATOL else "FAIL"
            steps[
                -1
            ].word = f"K=1 DDP vs one process: loss difference {diff:.1e} (atol {PAIRED_TRAINING_ATOL:g})"
    elif code is not None and code >= 0:
        steps[-1].word = last_line(text, "train.py:", "torch.distributed", "RuntimeError", "Error")

    missing = jobs.why_no_mpi()
    if missing is not None:
        steps.append(Step("mpi-nccl-1gpu", "SKIP", 0.0, missing[:110]))
    else:
        mpi = [*jobs.mpi_command(1), "scripts/train.py", *flags, "--distributed", "--logdir", str(logdir)]
        code, text = step("mpi-nccl-1gpu", [*mpi, "--experiment", "mpi1"])
        if code is not None and code >= 0:
            steps[-1].word = last_line(text, "parity:", "train.py:")
    tests = REHEARSAL_TESTS if device == "cpu" and (ROOT / REHEARSAL_TESTS).is_file() else "parity_tests"
    pytest = [python, "-m", "pytest", "-m", "cuda", "-q", "-rfE", "--tb=line", "-p", "no:cacheprovider",
              "--continue-on-collection-errors", tests]  # fmt: skip
    code, text = step("cuda-parity", pytest)
    if code == -1:
        return steps
    counts = [
        ln.strip(" =") for ln in text.splitlines() if re.search(r"\d+ (passed|failed|skipped|error)", ln)
    ]
    steps[-1].word = (counts or [last_line(text)])[-1][:110]  # pytest's counts (also after Ctrl-C)
    if code == 5:  # pytest: nothing collected
        steps[-1].status = "FAIL"

    return steps


def summary(steps: list[Step], device: str, seconds: float) -> str:
    lines = [device, f"{'step':<15}{'status':<9}{'seconds':>8}  last word", "-" * 100]
    lines += [f"{s.name:<15}{s.status:<9}{s.seconds:>8.1f}  {s.word}" for s in steps]
    failed = [s.name for s in steps if s.status in ("FAIL", "TIMEOUT")]
    lines.append(f"{'FAILED: ' + ', '.join(failed) if failed else 'every step passed or was skipped'}"
                 f" in {seconds:.0f} s")  # fmt: skip
    return "\n".join(lines)


def describe(torch: Any) -> str:
    """The GPU, torch, CUDA and NCCL versions, in one line."""
    try:
        nccl = ".".join(map(str, torch.cuda.nccl.version()))
    except Exception:  # a build without NCCL, or an older API
        nccl = "?"
    gpu = f"{torch.cuda.get_device_name(0)} ({torch.cuda.device_count()} GPU)"
    python = sys.version.split()[0]
    return f"{gpu}, torch {torch.__version__}, CUDA {torch.version.cuda}, NCCL {nccl}, Python {python}"


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog=PROG, description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=FOLDER, default=Path("runs-gpu-check"), help="the logs' folder")
    parser.add_argument("--budget", type=float, default=BUDGET_S, help="seconds for every step together")
    # the same steps on the CPU (gloo for NCCL, one test file for pytest -m cuda): the plumbing, tested here
    parser.add_argument("--cpu-rehearsal", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 30 <= args.budget <= 3600:
        parser.error(f"--budget: expected seconds in [30, 3600], got {args.budget:g}")
    import torch

    if not torch.cuda.is_available() and not args.cpu_rehearsal:
        parser.error(f"no CUDA device here (torch {torch.__version__}): the GPU check needs one; nothing run")
    parser.check_output("--out", args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    device = describe(torch) if not args.cpu_rehearsal else f"CPU rehearsal, torch {torch.__version__}"
    print(f"{PROG}: {device}; logs in {args.out}", flush=True)
    start = time.perf_counter()
    steps = check(args.out, args.budget, "cpu" if args.cpu_rehearsal else "cuda")
    text = summary(steps, device, time.perf_counter() - start)
    (args.out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if any(s.status in ("FAIL", "TIMEOUT") for s in steps) else 0


if __name__ == "__main__":
    sys.exit(main())
