r"""C3.2.1-sgd: one training iteration and one evaluation, written out by hand (seed §3.1–3.2.1).

An iteration on a batch (x, y):
    1. forward:   ŷ = model(x)                     (seed §3.1: the network infers)
    2. loss:      E = loss_fn(ŷ, y)                (§3.1.2: how wrong the inference is)
    3. backward:  ∂E/∂ŷ from the loss, then every layer's backward turns the gradient of its output
                  into the gradient of its input and adds ∂E/∂w into each ``w.grad``   (§3.2)
    4. update:    the optimizer moves every w against its gradient   (§3.2.1)
The torch twin (``torch_impl.train``) does the same four lines with autograd doing step 3.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.module import Module
from scratch.nn.utils import clip_grad_norm_


def train_step(
    model: Module,
    loss_fn: Module,
    optimizer: Any,
    x: np.ndarray,
    y: np.ndarray,
    max_norm: float | None = None,
) -> tuple[float, int]:
    """One iteration on a batch; returns the batch's loss and how many samples it classified right.
    With ``max_norm``, the gradients are clipped to that total norm before the update (C3.2.3-clip-grad)."""
    optimizer.zero_grad()  # gradients accumulate (backward adds), so clear last step's first
    logits = model(x)
    loss = loss_fn(logits, y)
    grad_logits = loss_fn.backward()
    if model.can_skip_input_grad:  # the input is data: no one needs ∂E/∂x (torch skips it too)
        model.backward(grad_logits, needs_input_grad=False)
    else:
        model.backward(grad_logits)
    if max_norm is not None:
        clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return float(loss), int(np.count_nonzero(logits.argmax(axis=1) == y))


def evaluate(model: Module, loss_fn: Module, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Loss and accuracy on (x, y) in inference mode (dropout off, batch norm on running statistics);
    the model's mode is restored afterwards. Nothing is learned: no backward, no update."""
    was_training = model.training
    model.eval()
    try:
        logits = model(x)
        loss = float(loss_fn(logits, y))
    finally:
        model.train(was_training)
    return loss, float(np.mean(logits.argmax(axis=1) == y))
