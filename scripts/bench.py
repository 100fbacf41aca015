"""C3.2.1: how fast is the NumPy twin? One training step of each twin, timed interleaved, on three MLPs.

    python scripts/bench.py                  # the full bench (under 3 minutes on 2 cores) -> bench.json
    python scripts/bench.py --quick          # a smoke run: the same table and JSON, numbers not meaningful
    python scripts/bench.py --threads 2 --models wide --dtypes float32 --out wide.json

Prints a Markdown table (step times, scratch/torch, GFLOP/s as % of the measured matmul peak, peak
memory per step) and the end-to-end time of ``scripts/train.py`` per twin; writes
the same as JSON. What is measured and how: ``twin_nets.bench``. Exit status: 0 done, 2 a bad flag
(or an --out that cannot be written: found before any timing).
"""

from twin_nets.bench.command import main

if __name__ == "__main__":
    raise SystemExit(main())
