"""One twin's toolbox under one set of names: ``kit("scratch")`` or ``kit("torch", device)``.

Every experiment gets its twin from here, so this file is the one place where the two twins' APIs
differ. Read it to see exactly where:

* **Arrays.** Scratch computes on NumPy arrays; torch on tensors, which also carry a device and, for
  autograd, ``requires_grad``. ``array`` and ``numpy`` cross that border (both copy).
* **Backward.** Scratch's ``nn`` records no graph: each module keeps what its forward needs, and its
  ``backward(upstream)`` returns ∂E/∂input, so the caller walks the modules back itself, last one first.
  Torch recorded the graph during the forward: ``output.backward(upstream)`` walks it, and ∂E/∂x is left
  in ``x.grad`` (x a leaf made with ``requires_grad``). ``backward`` does the one or the other.
* **Inference.** Torch records a graph for every forward that touches a tensor requiring a gradient
  (every parameter does) unless told not to (``torch.no_grad()``); scratch has no graph to switch off.
  ``inference`` is the one or nothing.
* **Weights.** Scratch's ``load_state_dict`` takes NumPy arrays; torch's takes only tensors ("expected
  torch.Tensor or Tensor-like object"), so ``torch_impl.nn.state.load_numpy_state_dict`` converts them.
  ``load`` and ``state`` take and give NumPy in both. A scratch layer draws its initial weights from the
  NumPy generator it is given (``rng=``), a torch layer from torch's own generator: the experiments draw
  once, with scratch, and ``load`` the result into the twin they run.

Everything else is the same in both by design: the package names (``nn``, ``optim``, ``models``,
``train``), the class names (``nn.Linear``, ``optim.Adam``, ``models.mlp.build_mlp``), their arguments
(torch's; a scratch constructor also takes ``rng=``, and each twin has its own dtype objects, which
``dtype`` converts) and what they compute.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar

import numpy as np
import torch

import scratch.autograd.chain_rule
import scratch.models.anomaly
import scratch.models.autoencoder
import scratch.models.diagnostics
import scratch.models.mlp
import scratch.models.perceptron
import scratch.models.recall
import scratch.models.supervised
import scratch.models.surfaces
import scratch.nn
import scratch.optim
import scratch.train
import torch_impl.autograd
import torch_impl.models.anomaly
import torch_impl.models.autoencoder
import torch_impl.models.diagnostics
import torch_impl.models.mlp
import torch_impl.models.perceptron
import torch_impl.models.recall
import torch_impl.models.supervised
import torch_impl.models.surfaces
import torch_impl.nn
import torch_impl.optim
import torch_impl.train
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.cli import TWINS, one_twin

# The twin's packages under one set of names (scratch's, torch's): the same class names in each.
PACKAGES: dict[str, tuple[ModuleType, ModuleType]] = {
    "nn": (scratch.nn, torch_impl.nn),
    "optim": (scratch.optim, torch_impl.optim),
    "models": (scratch.models, torch_impl.models),
    "train": (scratch.train, torch_impl.train),
    "chain_rule": (scratch.autograd.chain_rule, torch_impl.autograd),
}


@dataclass(frozen=True)
class Kit:
    """One twin's packages and the few calls that differ between the twins.

    Attributes:
        nn, optim, models, train: the twin's packages (``models.mlp``, ``models.perceptron``,
            ``models.supervised``, ``models.surfaces``, ``models.diagnostics``, ``models.autoencoder``,
            ``models.anomaly``, ``models.recall`` are loaded).
        chain_rule: the module whose ``worked_example`` lays the twin's backward out as a table.
        device: where the torch twin computes (ignored by scratch, which computes on the CPU).
        name: "scratch" or "torch" (a class attribute).
    """

    name: ClassVar[str]
    nn: ModuleType
    optim: ModuleType
    models: ModuleType
    train: ModuleType
    chain_rule: ModuleType
    device: str = "cpu"

    def dtype(self, dtype: Any) -> Any:
        """The twin's dtype for a NumPy dtype (``np.float64`` → ``torch.float64`` in torch)."""
        raise NotImplementedError

    def array(self, a: Any, dtype: Any = None, requires_grad: bool = False) -> Any:
        """A copy of ``a`` as the twin's array (``dtype`` a NumPy dtype, default ``a``'s); torch's is on
        ``device`` and, with ``requires_grad``, a leaf whose ∂E/∂a ``backward`` returns."""
        raise NotImplementedError

    def numpy(self, a: Any) -> np.ndarray:
        """A NumPy copy of the twin's array or parameter (on the CPU, out of any graph)."""
        raise NotImplementedError

    def to(self, module: Any, device: str | None = None) -> Any:
        """``module`` on ``device`` (default the kit's); scratch's stays where it is, on the CPU."""
        return module

    def load(self, module: Any, state: Mapping[str, np.ndarray]) -> Any:
        """Load a NumPy state dict into ``module`` (keys and shapes checked); returns ``module``."""
        module.load_state_dict(state)
        return module

    def state(self, module: Any) -> dict[str, np.ndarray]:
        """``module``'s state dict as NumPy copies, under torch's keys."""
        return {key: self.numpy(value) for key, value in module.state_dict().items()}

    def inference(self) -> contextlib.AbstractContextManager[Any]:
        """A context for forward passes that nothing will differentiate."""
        return contextlib.nullcontext()

    def backward(self, modules: Sequence[Any], x: Any, output: Any, upstream: Any = None) -> Any:
        """Back-propagate ``upstream`` = ∂E/∂output (None: the output is the scalar E) through the
        forward ``output = modules[-1](…modules[0](x))``; return ∂E/∂x as the twin's array (None when
        torch's x does not require the gradient). Parameter gradients accumulate in ``.grad``."""
        raise NotImplementedError


class ScratchKit(Kit):
    """The NumPy twin: arrays are NumPy, backward is each module's own, last module first."""

    name = "scratch"

    def dtype(self, dtype: Any) -> np.dtype:
        return np.dtype(dtype)

    def array(self, a: Any, dtype: Any = None, requires_grad: bool = False) -> np.ndarray:
        return np.array(a, dtype=dtype, copy=True)  # requires_grad: nothing to ask, backward returns ∂E/∂x

    def numpy(self, a: Any) -> np.ndarray:
        return np.array(a.data if isinstance(a, scratch.nn.Parameter) else a, copy=True)

    def backward(self, modules: Sequence[Any], x: Any, output: Any, upstream: Any = None) -> Any:
        grad = upstream
        for module in reversed(modules):
            grad = module.backward(grad)
        return grad


class TorchKit(Kit):
    """The torch twin: tensors on ``device``, autograd's recorded graph, ``torch.no_grad()``."""

    name = "torch"

    def dtype(self, dtype: Any) -> torch.dtype:
        return getattr(torch, np.dtype(dtype).name)

    def array(self, a: Any, dtype: Any = None, requires_grad: bool = False) -> torch.Tensor:
        a = np.asarray(a, dtype=dtype)
        return torch.tensor(a, device=self.device, requires_grad=requires_grad)

    def numpy(self, a: Any) -> np.ndarray:
        return a.detach().cpu().numpy().copy()

    def to(self, module: Any, device: str | None = None) -> Any:
        return module.to(self.device if device is None else device)

    def load(self, module: Any, state: Mapping[str, np.ndarray]) -> Any:
        load_numpy_state_dict(module, state)
        return module

    def inference(self) -> contextlib.AbstractContextManager[Any]:
        return torch.no_grad()

    def backward(self, modules: Sequence[Any], x: Any, output: Any, upstream: Any = None) -> Any:
        output.backward(upstream)  # the graph recorded in the forward knows the modules
        return None if x is None else x.grad


KITS: tuple[type[Kit], type[Kit]] = (ScratchKit, TorchKit)  # in the order of TWINS and PACKAGES' pairs


def kit(impl: str, device: str | torch.device = "cpu", argument: str = "impl") -> Kit:
    """The toolbox of twin ``impl`` ("scratch" or "torch"; the torch twin on ``device``); a
    ``ValueError`` naming ``argument`` for any other name."""
    side = TWINS.index(one_twin(impl, argument))
    return KITS[side](**{name: pair[side] for name, pair in PACKAGES.items()}, device=str(device))
