"""C3.2-autograd: 역전파 (backpropagation), seed §3.2 — the scratch twin of ``torch.autograd``.

``Tensor`` records the ops that make it; ``backward`` walks them back with the chain rule
(``scratch.autograd.tensor``). ``scratch.autograd.nets`` writes the project's networks as expressions
over tensors; ``scratch.autograd.chain_rule`` lays the walk out as a table, node by node.
"""

from scratch.autograd.tensor import Node, Tensor, no_grad, sum_to_shape, tensor, where

__all__ = ["Node", "Tensor", "no_grad", "sum_to_shape", "tensor", "where"]
