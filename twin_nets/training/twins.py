"""The two twins of one run, built from one config, behind one small interface for the runner.

``build_twins`` draws the initial weights once (the scratch init with the run's ``init`` stream) and
loads them into the torch twin; each twin gets its own generator for the batch order and its own for
the dropout masks, both started from the same seed, so the twins see the same batches and drop the same
units. A ``ScratchTwin`` and a ``TorchTwin`` then answer the runner in NumPy: a step's loss, the
weights, the gradients, the generators' states, a checkpoint.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch

import scratch.models.autoencoder
import scratch.models.char_lm
import scratch.nn
import scratch.optim
import scratch.train
import torch_impl.models.autoencoder
import torch_impl.models.char_lm
import torch_impl.optim
import torch_impl.train
from scratch.data.datasets import DatasetSplit
from scratch.data.loader import DataLoader, TensorDataset
from scratch.models.autoencoder import AutoencoderSpec
from scratch.models.mlp import MLPSpec, build_mlp
from torch_impl.data.datasets import tensor_dataset
from torch_impl.data.loader import DataLoader as TorchDataLoader
from torch_impl.models.mlp import build_mlp as build_torch_mlp
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.training import checkpoint
from twin_nets.training.config import OPTIMIZERS, TrainConfig

# One seed, four independent random streams (NumPy SeedSequence.spawn), each used for one purpose.
STREAMS = ("data", "init", "loader", "dropout")


def generator(seed: int, stream: str) -> np.random.Generator:
    """A fresh generator for ``stream``; called twice, it gives two generators in the same state."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(len(STREAMS))[STREAMS.index(stream)])


class Twin:
    """What both twins share: the batch-order and dropout generators, and checkpoint bookkeeping.

    ``step`` and ``evaluate`` are written once, here, over the twin's own library (``library``:
    ``scratch.train`` or ``torch_impl.train``, which have the same two functions). Subclasses set ``impl``
    and ``library`` and implement ``weights``, ``gradients`` and the file format (``_write`` / ``_read``);
    every answer is NumPy or a float.
    """

    impl: str
    library: ModuleType  # the twin's own ``train_step`` and ``evaluate``

    def __init__(
        self,
        model: Any,
        loss_fn: Any,
        optimizer: Any,
        loader: Any,
        loader_rng: np.random.Generator,
        dropout_rng: np.random.Generator,
        test: tuple[Any, Any],
        device: Any = "cpu",
    ) -> None:
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.loader, self.test, self.device = loader, test, device
        self.loader_rng, self.dropout_rng = loader_rng, dropout_rng
        self.step_kwargs: dict[str, Any] = {}  # the step's extra arguments (``max_norm``: C3.2.3-clip-grad)
        self.mark_epoch_start()

    def mark_epoch_start(self) -> None:
        """Remember the order generator's state: a checkpoint made during the epoch (or at its very
        start) restores it, and the epoch's batch order is drawn again, identically."""
        self.epoch_start_state = copy.deepcopy(self.loader_rng.bit_generator.state)

    def epoch_batches(self) -> Iterator[Any]:
        """An iterator over this epoch's batches (the order is drawn from the generator now)."""
        self.mark_epoch_start()
        return iter(self.loader)

    @property
    def lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def rng_state(self) -> dict[str, Any]:
        return {"loader_epoch_start": self.epoch_start_state, "dropout": self.dropout_rng.bit_generator.state}

    def set_rng_state(self, state: dict[str, Any]) -> None:
        self.loader_rng.bit_generator.state = state["loader_epoch_start"]
        self.dropout_rng.bit_generator.state = state["dropout"]

    def write_checkpoint(self, path: Path, meta: dict[str, Any]) -> None:
        """Model, optimizer, generators and ``meta`` into ``path`` (atomically)."""
        self._write(path, {**meta, "rng": self.rng_state()})

    def read_checkpoint(self, path: Path) -> tuple[Any, Any, dict[str, Any]]:
        """``(model_state, optimizer_state, meta)`` as stored; raises ``checkpoint.CheckpointError``."""
        return self._read(path)

    def apply_checkpoint(self, model_state: Any, optimizer_state: Any, meta: dict[str, Any]) -> None:
        """Load a checkpoint that ``resume.validate`` accepted into the model, optimizer and generators."""
        self.model.load_state_dict(model_state)
        self.optimizer.load_state_dict(optimizer_state)
        self.set_rng_state(meta["rng"])

    def reference_state(self, batch: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """What a checkpoint of this twin must hold: the model's state dict and the optimizer's after one
        step on ``batch``, taken from copies (this twin is left untouched), in the twin's own types."""
        model, loss_fn, optimizer = copy.deepcopy((self.model, self.loss_fn, self.optimizer))
        twin = copy.copy(self)
        twin.model, twin.loss_fn, twin.optimizer = model, loss_fn, optimizer
        with np.errstate(all="ignore"):
            twin.step(batch)
        return model.state_dict(), optimizer.state_dict()

    def first_non_finite(self) -> str | None:
        """The first weight, buffer or gradient holding NaN or ±inf (``"weight 0.weight"``), else None."""
        for kind, arrays in (("weight", self.weights()), ("gradient", self.gradients())):
            for name, value in arrays.items():
                if value is not None and value.dtype.kind in "fc" and not np.isfinite(value).all():
                    return f"{kind} {name}"
        return None

    def step(self, batch: Any) -> tuple[float, int]:
        """One training step on ``batch`` with the twin's own ``train_step``: (loss, correct count)."""
        x, y = batch
        return self.library.train_step(self.model, self.loss_fn, self.optimizer, x, y, **self.step_kwargs)

    def evaluate(self, x: np.ndarray | None = None, y: np.ndarray | None = None) -> tuple[float, float]:
        """(loss, accuracy) in inference mode on the test set, or on (x, y) given as NumPy arrays."""
        data = self.test if x is None else self._own(x, y)
        return self.library.evaluate(self.model, self.loss_fn, *data)

    def _own(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        """NumPy arrays as this twin's own inputs (the scratch twin takes them as they are)."""
        return x, y

    def codes(self) -> np.ndarray:
        """``--task autoencoder``: the test inputs' codes (C1.1-autoencoder's encoder), as NumPy."""
        return np.asarray(self.library.encode(self.model, self.test[0]))

    def weights(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def gradients(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _write(self, path: Path, meta: dict[str, Any]) -> None:
        raise NotImplementedError

    def _read(self, path: Path) -> tuple[Any, Any, dict[str, Any]]:
        raise NotImplementedError


class ScratchTwin(Twin):
    """The NumPy twin: ``scratch`` model, loss, optimizer and loader; checkpoints as ``.npz``."""

    impl = "scratch"
    library = scratch.train

    def weights(self) -> dict[str, np.ndarray]:
        """Parameters and buffers under their state-dict keys (live arrays, not copies)."""
        state = {name: p.data for name, p in self.model.named_parameters()}
        state.update(self.model.named_buffers())
        return state

    def gradients(self) -> dict[str, np.ndarray]:
        return {name: p.grad for name, p in self.model.named_parameters() if p.grad is not None}

    def _write(self, path: Path, meta: dict[str, Any]) -> None:
        checkpoint.save_scratch(path, self.model.state_dict(), self.optimizer.state_dict(), meta)

    def _read(self, path: Path) -> tuple[Any, Any, dict[str, Any]]:
        return checkpoint.load_scratch(path)


class TorchTwin(Twin):
    """The torch twin: ``torch.nn`` model and loss, ``torch.optim``, torch's DataLoader; ``.pt`` files."""

    impl = "torch"
    library = torch_impl.train

    def _own(self, x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.from_numpy(x).to(self.device), torch.from_numpy(y).to(self.device)

    def codes(self) -> np.ndarray:
        return self.library.encode(self.model, self.test[0]).cpu().numpy()

    def weights(self) -> dict[str, np.ndarray]:
        return {name: t.detach().cpu().numpy() for name, t in self.model.state_dict().items()}

    def gradients(self) -> dict[str, np.ndarray]:
        return {
            name: p.grad.detach().cpu().numpy()
            for name, p in self.model.named_parameters()
            if p.grad is not None
        }

    def _write(self, path: Path, meta: dict[str, Any]) -> None:
        checkpoint.save_torch(path, self.model.state_dict(), self.optimizer.state_dict(), meta)

    def _read(self, path: Path) -> tuple[Any, Any, dict[str, Any]]:
        return checkpoint.load_torch(path, self.device)


def mlp_spec(config: TrainConfig, data: DatasetSplit) -> MLPSpec:
    return MLPSpec(
        (data.num_features, *config.hidden, data.num_classes),
        config.activation,
        config.init,
        config.dropout,
        config.norm,
    )


def autoencoder_spec(config: TrainConfig, data: DatasetSplit) -> AutoencoderSpec:
    """``--task autoencoder``: the encoder's widths are ``--hidden``, the code ``--code`` wide."""
    return AutoencoderSpec(
        data.num_features,
        config.hidden,
        config.code,
        config.activation,
        config.init,
        config.dropout,
        config.norm,
    )


# --task -> (the scratch twin's and the torch twin's step library, the loss class in both ``nn``)
TASK_LIBRARIES: dict[str, tuple[ModuleType, ModuleType, str]] = {
    "classify": (scratch.train, torch_impl.train, "CrossEntropyLoss"),
    "autoencoder": (scratch.models.autoencoder, torch_impl.models.autoencoder, "MSELoss"),
    "charlm": (scratch.models.char_lm, torch_impl.models.char_lm, "CrossEntropyLoss"),
}


def _build_models(config: TrainConfig, data: DatasetSplit, device: torch.device) -> tuple[Any, Any]:
    """The scratch model (its weights drawn by the scratch init from the run's ``init`` stream) and a
    function building the torch model (which then loads the scratch model's state dict)."""
    np_dtype = np.dtype(config.dtype)
    dropout_rng = generator(config.seed, "dropout")
    torch_dtype = getattr(torch, config.dtype)
    if config.task == "charlm":  # C4.3-lstm: embedding, one LSTM layer, head; no dropout
        sizes = (data.num_classes, config.embedding_dim, config.hidden[0])
        model = scratch.models.char_lm.CharLM(*sizes, dtype=np_dtype, rng=generator(config.seed, "init"))
        return (
            model,
            dropout_rng,
            lambda rng: torch_impl.models.char_lm.CharLM(*sizes, dtype=torch_dtype, device=device),
        )
    if config.task == "autoencoder":
        spec: Any = autoencoder_spec(config, data)
        model = scratch.models.autoencoder.Autoencoder(
            spec, generator(config.seed, "init"), dtype=np_dtype, dropout_rng=dropout_rng
        )
        build: Any = torch_impl.models.autoencoder.Autoencoder
    else:
        spec = mlp_spec(config, data)
        model = build_mlp(spec, generator(config.seed, "init"), dtype=np_dtype, dropout_rng=dropout_rng)
        build = build_torch_mlp
    return (
        model,
        dropout_rng,
        lambda rng: build(
            spec, dtype=torch_dtype, device=device, dropout_rng=rng if spec.dropout > 0 else None
        ),
    )


def build_twins(config: TrainConfig, data: DatasetSplit, device: torch.device) -> dict[str, Twin]:
    """The twins ``config.impl`` asks for, with the same initial weights, batch order and dropout masks.

    Raises ValueError (from an optimizer or a layer) for a hyper-parameter the optimizer rejects.
    """
    optimizer_name = OPTIMIZERS[config.optimizer][0]
    kwargs = config.optimizer_kwargs()
    scratch_library, torch_library, loss_name = TASK_LIBRARIES[config.task]
    # The weights are drawn once, here, by the scratch init; the torch twin loads them.
    scratch_model, scratch_dropout_rng, build_torch = _build_models(config, data, device)
    step_kwargs = {} if config.max_grad_norm is None else {"max_norm": config.max_grad_norm}
    twins: dict[str, Twin] = {}
    if "scratch" in config.impls:
        loader = DataLoader(
            TensorDataset(data.x_train, data.y_train),
            config.batch_size,
            shuffle=True,
            rng=generator(config.seed, "loader"),
            drop_last=config.drop_last,
        )
        optimizer = getattr(scratch.optim, optimizer_name)(scratch_model.parameters(), **kwargs)
        test = (data.x_test, data.y_test)
        twins["scratch"] = ScratchTwin(
            scratch_model,
            getattr(scratch.nn, loss_name)(),
            optimizer,
            loader,
            loader.rng,
            scratch_dropout_rng,
            test,
        )
        twins["scratch"].library = scratch_library
        twins["scratch"].step_kwargs = step_kwargs
    if "torch" in config.impls:
        dropout_rng = generator(config.seed, "dropout")
        torch_model = build_torch(dropout_rng)
        load_numpy_state_dict(torch_model, scratch_model.state_dict())
        loader = TorchDataLoader(
            tensor_dataset(data.x_train, data.y_train, device),
            config.batch_size,
            shuffle=True,
            rng=generator(config.seed, "loader"),
            drop_last=config.drop_last,
        )
        optimizer = getattr(torch_impl.optim, optimizer_name)(torch_model.parameters(), **kwargs)
        test = tuple(torch.from_numpy(a).to(device) for a in (data.x_test, data.y_test))
        twins["torch"] = TorchTwin(
            torch_model,
            getattr(torch.nn, loss_name)(),
            optimizer,
            loader,
            loader.sampler.rng,
            dropout_rng,
            test,
            device,
        )
        twins["torch"].library = torch_library
        twins["torch"].step_kwargs = step_kwargs
    return twins
