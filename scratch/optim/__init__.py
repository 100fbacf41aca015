"""C3.2.1: the NumPy twin of ``torch.optim``: one optimizer a file, torch's names, defaults and state keys."""

from scratch.optim import lr_scheduler
from scratch.optim.adagrad import Adagrad
from scratch.optim.adam import Adam
from scratch.optim.adamw import AdamW
from scratch.optim.optimizer import Optimizer
from scratch.optim.rmsprop import RMSprop
from scratch.optim.sgd import SGD
from scratch.optim.textbook_momentum import TextbookMomentum

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "TextbookMomentum", "lr_scheduler"]
