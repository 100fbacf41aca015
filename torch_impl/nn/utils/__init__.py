"""The torch twin of ``scratch.nn.utils``: torch's own ``clip_grad_norm_`` (the math: the scratch twin)."""

from torch.nn.utils import clip_grad_norm_

__all__ = ["clip_grad_norm_"]
