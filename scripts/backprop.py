"""C3.2-autograd: backpropagation in numbers on the seed's 2-2-1 XOR network with sigmoids (seed §3.2).

One sample, one step: prints every node's value, every local derivative and every chain-rule product,
as read off the scratch engine's recorded graph and off torch.autograd's grad_fn graph, then the step
w ← w − α ∂E/∂w; writes the two figures:
  C3.2-backprop-graph.png       the computation graph with values and local derivatives
  C3.2-backprop-chain-rule.png  the gradient passed back layer by layer, and the step

Usage: python scripts/backprop.py [--outdir figures] [--impl {scratch,torch,both}]
                                  [--x1 1] [--x2 1] [--target 0] [--lr 0.5]
"""

from twin_nets.figures.backprop_command import main

if __name__ == "__main__":
    raise SystemExit(main())
