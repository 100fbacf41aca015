"""The command line of the main job (``scripts/train.py``, or ``python -m twin_nets.training``).

``main(argv)`` turns the flags into a ``TrainConfig`` (a bad flag: one line, exit status 2), starts the
launch of a ``--distributed`` run, prepares the run (the data, the twins, the checkpoints to resume:
nothing is written yet), then runs it. Its signal handlers come first, before torch is imported (this
module and the package's ``__init__`` import nothing heavy), so a signal during start-up ends in one line:
Ctrl-C exits 130 and SIGTERM 143 (128 + the signal, the shell's convention), as they do once training
has started (``progress.stop_on_signals``, which saves a checkpoint first).
"""

from __future__ import annotations

import dataclasses
import signal
import sys

PROG = "train.py"


class Terminated(BaseException):
    """SIGTERM during start-up (what ``KeyboardInterrupt`` is to Ctrl-C)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the main job with ``argv`` (default: the command line); returns the exit status (see
    ``scripts/train.py``). A bad flag or input exits here with status 2 (``SystemExit``)."""
    started = False
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        from twin_nets.distributed import run as distributed
        from twin_nets.training import ConfigError, DataError, build_parser, parse_config, prepare

        parser = build_parser(PROG)
        config = parse_config(argv, parser)  # a bad flag exits here, status 2
        if not config.resume:  # (a resume of a finished run writes nothing; one that trains is probed later)
            parser.check_output("--logdir", config.logdir)  # before the data and the launch: no work yet
        try:
            launch = distributed.start(config) if config.distributed else None  # torchrun, mpiexec
            if launch is not None:  # the launcher and its ranks change the run: they name its folder too
                config = dataclasses.replace(config, launch=f"{launch.launcher}-{launch.size}")
            run = prepare(config)  # checks, data, twins, checkpoints to resume: nothing is written yet
            if launch is not None:  # K ranks: each trains on its shard, rank 0 alone writes
                run = distributed.wrap(run, launch)
            started = True
            return run.run()  # takes the experiment's lock and checks its folders before training
        except (ConfigError, DataError) as error:
            parser.error(str(error))
        except BrokenPipeError:  # stdout closed (`| head`) before or after the loop, which handles its own
            from twin_nets.training.progress import say, stdout_gone
            from twin_nets.training.report import EXIT_BROKEN_PIPE

            stdout_gone()
            when = "" if started else " during start-up; nothing was written"
            say(f"{PROG}: stdout was closed (broken pipe){when}")
            return EXIT_BROKEN_PIPE
        except OSError as error:  # e.g. a --data-dir that cannot be listed
            parser.error(f"{error.filename or ''} {error.strerror or error}".strip())
    except (KeyboardInterrupt, Terminated) as stop:
        signum = signal.SIGTERM if isinstance(stop, Terminated) else signal.SIGINT
        name = "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C"
        when = "while training" if started else "during start-up; nothing was written"
        print(f"{PROG}: interrupted ({name}) {when}", file=sys.stderr)
        return 128 + signum
    finally:
        signal.signal(signal.SIGTERM, previous)
