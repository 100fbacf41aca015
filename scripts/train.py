"""C3.2.1: the main job: train the NumPy twin and the torch twin side by side and show they agree.

    python scripts/train.py                      # both twins on scikit-learn's digits, ~97% test accuracy
    python scripts/train.py --dataset moons --hidden 16 16 --optimizer sgd --lr 0.1 --momentum 0.9
    python scripts/train.py --resume             # continue the same experiment from its checkpoints
    torchrun --nproc-per-node 2 scripts/train.py --impl torch --distributed   # data-parallel (DDP)
    mpiexec -n 2 python scripts/train.py --distributed     # both twins; the scratch one over MPI
    tensorboard --logdir runs                    # the two twins' curves, overlaid

Both twins start from the same weights (drawn once, by the scratch init) and see the same batches; after
every step the run logs the largest weight difference between them, and at the end prints a per-epoch
table of both and the parity verdict. Flags: ``--help``; the machinery: ``twin_nets.training``.
Exit status: 0 done; 1 a loss, weight or gradient became NaN/inf, float64 parity failed, or a write failed
mid-run; 2 a bad flag, data file, checkpoint or output folder, or an experiment another run holds;
130 Ctrl-C, 143 SIGTERM (both save a checkpoint first once training has started). Every error is one line.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention


def _sigterm_like_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # until training starts (it installs its own handler), SIGTERM is a Ctrl-C


def main(argv: list[str] | None = None) -> int:
    import signal

    started = False
    previous = signal.signal(signal.SIGTERM, _sigterm_like_ctrl_c)
    try:
        from twin_nets.distributed import run as distributed
        from twin_nets.training import ConfigError, DataError, build_parser, parse_config, prepare

        parser = build_parser()
        config = parse_config(argv, parser)  # a bad flag exits here, status 2
        try:
            launch = distributed.start(config) if config.distributed else None  # torchrun, mpiexec
            run = prepare(config)  # checks, data, twins, checkpoints to resume: nothing is written yet
            if launch is not None:  # K ranks: each trains on its shard, rank 0 alone writes
                run = distributed.wrap(run, launch)
            started = True
            return run.run()  # takes the experiment's lock and checks its folders before training
        except (ConfigError, DataError) as error:
            parser.error(str(error))
        except OSError as error:  # e.g. a --data-dir that cannot be listed
            parser.error(f"{error.filename or ''} {error.strerror or error}".strip())
    except KeyboardInterrupt:
        when = "while training" if started else "during start-up; nothing was written"
        print(f"train.py: interrupted (Ctrl-C or SIGTERM) {when}", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
