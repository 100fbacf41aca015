"""C3.2.1: the main job: train the NumPy twin and the torch twin side by side and show they agree.

    .venv/bin/python scripts/train.py            # both twins on scikit-learn's digits (the suite: ≥ 97%)
    .venv/bin/python scripts/train.py --dataset moons --hidden 16 16 --optimizer sgd --lr 0.1 --momentum 0.9
    .venv/bin/python scripts/train.py --dataset xor --hidden 4 --lr 0.05 --epochs 2000  # tests on its 4 rows
    .venv/bin/python scripts/train.py --resume --epochs 60   # continue the same experiment
    .venv/bin/torchrun --nproc-per-node 2 scripts/train.py --impl torch --distributed  # data-parallel (DDP)
    .venv/bin/mpiexec -n 2 .venv/bin/python scripts/train.py --distributed  # both twins; scratch over MPI
    .venv/bin/tensorboard --logdir runs          # the two twins' curves, overlaid

Both twins start from the same weights (drawn once, by the scratch init) and see the same batches; after
every step the run logs the largest weight difference between them, and at the end prints a per-epoch
table of both and the parity verdict. Flags: ``--help``; the machinery: ``twin_nets.training``.
Exit status: 0 done; 1 a loss, weight or gradient became NaN/inf, float64 parity failed, or a write failed
mid-run; 2 a bad flag, data file, checkpoint or output folder, or an experiment another run holds;
130 Ctrl-C, 143 SIGTERM, 141 stdout closed under the run (``train.py | head``); once training has started
all three save a checkpoint pair first (a kill -9 loses the epochs since the last pair:
``--checkpoint-every N``, by default 20 pairs a run). Every error is one line.
A ``--resume`` of a run that has done every epoch says so, trains and writes nothing, reprints the run's
table and exits as the run did (0, or 1 for a float64 parity FAIL). The command line itself is
``twin_nets.training.main`` (also ``python -m twin_nets.training``).
"""

import sys

from twin_nets.training.main import main  # imports nothing heavy: main installs its signal handlers first

if __name__ == "__main__":
    sys.exit(main())
