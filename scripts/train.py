"""C3.2.1: the main job: train the NumPy twin and the torch twin side by side and show they agree.

    python scripts/train.py                      # both twins on scikit-learn's digits, ~97% test accuracy
    python scripts/train.py --dataset moons --hidden 16 16 --optimizer sgd --lr 0.1 --momentum 0.9
    python scripts/train.py --resume             # continue the same experiment from its checkpoints
    tensorboard --logdir runs                    # the two twins' curves, overlaid

Both twins start from the same weights (drawn once, by the scratch init) and see the same batches; after
every step the run logs the largest weight difference between them, and at the end prints a per-epoch
table of both and the parity verdict. Flags: ``--help``; the machinery: ``twin_nets.training``.
Exit status: 0 done, 1 a loss became NaN/inf or float64 parity failed, 2 a bad flag, 130 Ctrl-C.
"""

from __future__ import annotations

import sys

from twin_nets.training import ConfigError, build_parser, parse_config, prepare


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = parse_config(argv, parser)  # a bad flag exits here, status 2
    try:
        run = prepare(config)  # data, twins, checkpoints to resume: nothing is written yet
    except ConfigError as error:
        parser.error(str(error))
    except FileNotFoundError as error:  # e.g. MNIST offline without its files
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    return run.run()


if __name__ == "__main__":
    sys.exit(main())
