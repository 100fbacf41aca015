"""C3.2.1: how fast is the NumPy twin? One training step of each twin, timed interleaved, on three MLPs
and an LSTM (C4.3-lstm).

    python scripts/bench.py                  # the full bench (under 3 minutes on 2 cores) -> bench.json
    python scripts/bench.py --quick          # a smoke run: the same table and JSON, numbers not meaningful
    python scripts/bench.py --threads 2 --models wide --dtypes float32 --out wide.json
    python scripts/bench.py --models lstm --dlfs2 PATH   # an LSTM step: scratch, torch, 밑바닥 2's TimeLSTM

PATH is a clone of https://github.com/oreilly-japan/deep-learning-from-scratch-2 (the folder holding
its ``common/``; the book's code is not part of this project). Without --dlfs2 the lstm row times the
two twins and its dlfs2 column says the flag was not given.

Prints a Markdown table (step times, scratch/torch, GFLOP/s as % of the measured matmul peak, peak
memory per step) and the end-to-end time of ``scripts/train.py`` per twin; writes
the same as JSON. What is measured and how: ``twin_nets.bench``. Exit status: 0 done, 2 a bad flag
(or an --out that cannot be written: found before any timing).
"""

from twin_nets.bench.command import main

if __name__ == "__main__":
    raise SystemExit(main())
