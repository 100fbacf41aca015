"""C3.2-autograd: the command line of ``scripts/backprop.py`` (its usage: that script's docstring).

Prints the chain rule in numbers, as read off the scratch engine's graph and torch.autograd's, and writes
the two figures of ``twin_nets.figures.backprop``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from scratch.autograd.chain_rule import format_table
from twin_nets.cli import FOLDER, IMPLS, OneLineParser, twins_of
from twin_nets.figures.backprop import backprop_figures, largest_difference, worked_examples

DESCRIPTION = (
    "C3.2-autograd: backpropagation in numbers on the seed's 2-2-1 XOR network with sigmoids (seed §3.2)."
)


@dataclass(frozen=True)
class Args:
    outdir: Path
    impl: str
    x1: float
    x2: float
    target: float
    lr: float


def parse_args(argv: list[str] | None = None) -> Args:
    parser = OneLineParser(prog="backprop.py", description=DESCRIPTION)
    parser.add_argument("--outdir", type=FOLDER, default=Path("figures"), help="folder of the PNG files")
    parser.add_argument("--impl", choices=IMPLS, default="both", help="which twin's graph to read")
    parser.add_argument("--x1", type=float, default=1.0, help="the sample's first input")
    parser.add_argument("--x2", type=float, default=1.0, help="the sample's second input")
    parser.add_argument("--target", type=float, default=0.0, help="t, the sample's label (XOR(1, 1) = 0)")
    parser.add_argument("--lr", type=float, default=0.5, help="α, the step size")
    ns = parser.parse_args(argv)
    for flag in ("x1", "x2", "target", "lr"):
        if not math.isfinite(getattr(ns, flag)):
            parser.error(f"--{flag}: expected a finite number, got {getattr(ns, flag)}")
    if ns.lr <= 0:
        parser.error(f"--lr: expected a positive number, got {ns.lr}")
    parser.check_output("--outdir", ns.outdir)
    return Args(ns.outdir, ns.impl, ns.x1, ns.x2, ns.target, ns.lr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"x = ({args.x1:g}, {args.x2:g}), t = {args.target:g}, α = {args.lr:g}; figures in {args.outdir}")
    twins = twins_of(args.impl)
    examples = worked_examples(twins, (args.x1, args.x2), args.target, args.lr)
    print(f"\nthe {twins[0]} twin's graph, from E back to the leaves:\n{format_table(examples[twins[0]])}")
    if len(twins) == 2:
        count = len(examples["torch"]["rows"])
        print(
            f"\ntorch.autograd's grad_fn graph: the same {count} nodes, largest difference "
            f"{largest_difference(examples):.1e}"
        )
    for path in backprop_figures(args.outdir, None, twins, (args.x1, args.x2), args.target, args.lr):
        print(path)
    return 0
