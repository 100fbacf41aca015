"""The torch twin of ``scratch.optim``: torch.optim's classes, plus the textbook momentum rule it lacks."""

from torch.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop, lr_scheduler

from torch_impl.optim.state import state_dict_to_torch
from torch_impl.optim.textbook_momentum import TextbookMomentum

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "TextbookMomentum",
    "lr_scheduler",
    "state_dict_to_torch",
]
