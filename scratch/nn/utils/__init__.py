"""The twin of ``torch.nn.utils``: gradient clipping (``clip_grad.py``, torch's file name)."""

from scratch.nn.utils.clip_grad import clip_grad_norm_

__all__ = ["clip_grad_norm_"]
