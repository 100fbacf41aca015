r"""C3.1-forward: what a module saves and loads — buffers, state dicts and dtype (seed §3.1).

The bookkeeping half of ``scratch.nn.Module`` (the teaching half is in ``scratch/nn/module.py``):

* **buffers** (``register_buffer``): state arrays that are saved but not learned, such as batch norm's
  ``running_mean``;
* ``state_dict()``: every parameter, then every buffer, of each module depth first, as copies, under
  torch's keys (``"0.weight"``, ``"1.running_mean"``), so weights move between the twins as they are;
* ``load_state_dict(sd, strict=True)``: everything is checked before anything is copied;
* ``to(dtype)``, ``float()``, ``double()``: convert parameters, gradients and floating buffers.

Differs from torch:
    * ``state_dict()`` returns copies, so saving a state dict and training on never alias.
    * ``load_state_dict`` changes nothing when any entry is bad; torch copies the good entries and then
      raises, leaving a model half-loaded. An entry whose dtype is not a real number (complex, string,
      object) is refused here; torch casts complex values with a warning.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from scratch.nn.module import Module


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` returns, as in torch.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Linear
        >>> Linear(2, 1).load_state_dict({"weight": np.ones((1, 2)), "extra": np.ones(1)}, strict=False)
        IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['extra'])
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


def _is_array_like(value: Any) -> bool:
    """A NumPy array (or scalar) or a torch tensor (duck-typed: no torch import)."""
    return isinstance(value, (np.ndarray, np.generic)) or (hasattr(value, "detach") and hasattr(value, "cpu"))


def to_numpy(value: Any) -> np.ndarray:
    """An array from a NumPy array, a Python number or a torch tensor (duck-typed: no torch import).

    Example:
        >>> to_numpy(2.5).tolist()
        2.5
    """
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


class ModuleState:
    """Buffers, ``state_dict()``, ``load_state_dict()`` and ``to(dtype)`` of a ``Module``.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import BatchNorm1d
        >>> bn = BatchNorm1d(2)
        >>> list(bn.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
        >>> bn.float().running_mean.dtype
        dtype('float32')
    """

    def register_buffer(self: Module, name: str, array: np.ndarray | None) -> None:
        """A state array that is saved in ``state_dict()`` but not learned (e.g. ``running_mean``)."""
        if name not in self._buffer_names:
            self._buffer_names.append(name)
        setattr(self, name, array)

    def named_buffers(self: Module, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for module_prefix, module in self.named_modules(prefix=prefix):
            for name in module._buffer_names:
                value = getattr(module, name)
                if value is not None:
                    yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def buffers(self: Module) -> Iterator[np.ndarray]:
        for _, buffer in self.named_buffers():
            yield buffer

    # ------------------------------------------------------------------ state dicts
    def _state_slots(self: Module, prefix: str = "") -> dict[str, tuple[Module, str]]:
        """``{key: (module, attribute)}`` for every saved array, as torch's ``state_dict`` walks the
        tree: a module reached twice (shared) is saved under both prefixes."""
        slots = {}
        for name in (*self._parameter_names, *self._buffer_names):
            if getattr(self, name) is not None:
                slots[prefix + name] = (self, name)
        for name in self._module_names:
            child = getattr(self, name)
            if child is not None:
                slots.update(child._state_slots(f"{prefix}{name}."))
        return slots

    @staticmethod
    def _array_of(module: Module, name: str) -> np.ndarray:
        value = getattr(module, name)
        return value if isinstance(value, np.ndarray) else value.data  # a buffer or a Parameter

    def state_dict(self: Module) -> OrderedDict[str, np.ndarray]:
        """Parameters then buffers of each module, depth first, as copies: torch's keys and layout."""
        slots = self._state_slots()
        return OrderedDict((key, ModuleState._array_of(*slot).copy()) for key, slot in slots.items())

    def load_state_dict(self: Module, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, in place, cast to their dtype.

        Values may be NumPy arrays or torch tensors (a torch twin's ``state_dict()`` loads directly).
        Every entry is checked before anything is copied, so a bad state dict changes nothing.

        Raises:
            TypeError: ``state_dict`` is not a mapping.
            RuntimeError: naming the missing and unexpected keys (when ``strict``) and every entry that
                is not an array (a list, a Python number: refused, as torch refuses them), whose dtype
                is not a real number, or whose shape differs from this module's.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected state_dict to be a mapping, got {type(state_dict).__name__}"
            )
        slots = self._state_slots()
        missing = [key for key in slots if key not in state_dict]
        unexpected = [key for key in state_dict if key not in slots]
        errors = []
        if strict and unexpected:
            errors.append(f"unexpected key(s) in state_dict: {', '.join(map(repr, unexpected))}")
        if strict and missing:
            errors.append(f"missing key(s) in state_dict: {', '.join(map(repr, missing))}")
        arrays = {}
        for key, (module, name) in slots.items():
            if key not in state_dict:
                continue
            if not _is_array_like(state_dict[key]):
                errors.append(
                    f"while copying {key!r}: expected a numpy.ndarray or a tensor, got "
                    f"{type(state_dict[key]).__name__}"
                )
                continue
            value = to_numpy(state_dict[key])
            target = ModuleState._array_of(module, name)
            if value.dtype.kind not in "biuf":
                errors.append(f"dtype of {key!r}: expected real numbers, got dtype={value.dtype}")
            elif value.shape != target.shape:
                errors.append(f"size mismatch for {key!r}: expected shape {target.shape}, got {value.shape}")
            else:
                arrays[key] = value
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}: " + "; ".join(errors)
            )
        for key, value in arrays.items():
            ModuleState._array_of(*slots[key])[...] = value
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ dtype
    def to(self: Module, dtype: Any) -> Module:
        """Convert every parameter (and its grad) and every floating buffer to ``dtype``, in place."""
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"{type(self).__name__}.to: expected a floating dtype, got {dtype}")
        for module in self.modules():
            for name in module._parameter_names:
                parameter = getattr(module, name)
                if parameter is not None:
                    parameter.data = parameter.data.astype(dtype, copy=False)
                    parameter.grad = parameter.grad.astype(dtype, copy=False)
            for name in module._buffer_names:
                value = getattr(module, name)
                if value is not None and np.issubdtype(value.dtype, np.floating):
                    setattr(module, name, value.astype(dtype, copy=False))
            module._on_dtype_change(dtype)
        return self

    def _on_dtype_change(self, dtype: np.dtype) -> None:
        """Hook for modules that keep a dtype of their own (e.g. ``Linear.dtype``)."""

    def float(self: Module) -> Module:
        return self.to(np.float32)

    def double(self: Module) -> Module:
        return self.to(np.float64)
