r"""C3.1-forward: the container every scratch layer is built on (seed §3.1).

A scratch ``Module`` mirrors ``torch.nn.Module`` closely enough that a learner can read one and
recognise the other:

* ``module(x)`` calls ``forward(x)``, which computes the output and keeps on the module only what
  ``backward`` will need (the *cache*);
* ``module.backward(g)`` takes ``g = ∂E/∂y`` (same shape as the output), **adds** ``∂E/∂p`` into every
  parameter's ``.grad`` and returns ``∂E/∂x``. The cache is released, so a second ``backward`` without a
  new ``forward`` raises, like torch's "backward through the graph a second time";
* ``parameters()``, ``named_parameters()``, buffers, children, ``state_dict()``,
  ``load_state_dict(sd, strict=True)``, ``train()`` / ``eval()``, ``zero_grad()``, ``to(dtype)``.

There is no autograd here: the chain rule is written out by hand in each layer's ``backward``, and
``Sequential.backward`` applies it layer by layer in reverse order (seed §3.2).

Differs from torch:
    * ``Parameter.grad`` is an array of zeros from the start (torch: ``None`` until the first
      backward) and ``zero_grad()`` fills it with zeros in place.
    * ``state_dict()`` returns copies, so saving a state dict and training on never alias.
    * The default dtype is NumPy's float64 (torch's is float32); pass ``dtype=np.float32`` to a layer,
      or call ``.float()``, for single precision.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, NamedTuple

import numpy as np


class Parameter:
    """A learnable array: ``.data`` holds the value, ``.grad`` accumulates ∂E/∂(value)."""

    __slots__ = ("data", "grad")

    def __init__(self, data: np.ndarray) -> None:
        self.data = np.asarray(data)
        if not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(f"Parameter: expected a floating-point array, got dtype={self.data.dtype}")
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` returns, as in torch."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def to_numpy(value: Any) -> np.ndarray:
    """An array from a NumPy array, a Python number or a torch tensor (duck-typed: no torch import)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


class Module:
    """Base class of every scratch layer, loss and model.

    Subclasses call ``super().__init__()`` first, then assign ``Parameter`` s, sub-``Module`` s and
    buffers (``register_buffer``) as attributes; the order of assignment is the order of
    ``named_parameters()`` and of the ``state_dict()`` keys, as in torch.

    A module whose ``backward`` accepts ``needs_input_grad=False`` (``Linear``, ``Sequential``) sets
    ``can_skip_input_grad = True``: it then adds its parameter gradients but skips computing ∂E/∂x.
    """

    can_skip_input_grad: ClassVar[bool] = False

    def __init__(self) -> None:
        # Values live in the instance __dict__ (plain attribute access, no __getattr__ hop on the hot
        # path); these lists remember which names are parameters, sub-modules and buffers.
        object.__setattr__(self, "_parameter_names", [])
        object.__setattr__(self, "_module_names", [])
        object.__setattr__(self, "_buffer_names", [])
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        names = self.__dict__.get("_parameter_names")
        if names is None:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attribute {name!r}"
            )
        if isinstance(value, Parameter):
            if name not in names:
                names.append(name)
        elif isinstance(value, Module):
            if name not in self._module_names:
                self._module_names.append(name)
        elif name in names:  # a parameter replaced by something else (e.g. None) stops being one
            names.remove(name)
        elif name in self._module_names:
            self._module_names.remove(name)
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, array: np.ndarray | None) -> None:
        """A state array that is saved in ``state_dict()`` but not learned (e.g. ``running_mean``)."""
        if name not in self._buffer_names:
            self._buffer_names.append(name)
        object.__setattr__(self, name, array)

    # ------------------------------------------------------------------ forward / backward
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")

    def _take(self, name: str) -> Any:
        """Pop a cached value for ``backward``; raise if no ``forward`` stored it."""
        value = self.__dict__.get(name)
        if value is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward() called without a forward() before it "
                f"(or twice after one forward): nothing cached in {name!r}"
            )
        object.__setattr__(self, name, None)
        return value

    # ------------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name in self._module_names:
            yield name, self.__dict__[name]

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for module_prefix, module in modules:
            for name in module._parameter_names:
                yield (f"{module_prefix}.{name}" if module_prefix else name), module.__dict__[name]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for module_prefix, module in self.named_modules(prefix):
            for name in module._buffer_names:
                value = module.__dict__[name]
                if value is not None:
                    yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def buffers(self) -> Iterator[np.ndarray]:
        for _, buffer in self.named_buffers():
            yield buffer

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout drops, batch norm uses batch statistics); returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Inference mode: ``train(False)``."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Fill every ``.grad`` with zeros in place (gradients accumulate until this is called)."""
        for parameter in self.parameters():
            parameter.grad.fill(0)

    # ------------------------------------------------------------------ dtype
    def to(self, dtype: Any) -> Module:
        """Convert every parameter (and its grad) and every floating buffer to ``dtype``, in place."""
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"{type(self).__name__}.to: expected a floating dtype, got {dtype}")
        for module in self.modules():
            for name in module._parameter_names:
                parameter = module.__dict__[name]
                parameter.data = parameter.data.astype(dtype, copy=False)
                parameter.grad = parameter.grad.astype(dtype, copy=False)
            for name in module._buffer_names:
                value = module.__dict__[name]
                if value is not None and np.issubdtype(value.dtype, np.floating):
                    object.__setattr__(module, name, value.astype(dtype, copy=False))
            module._on_dtype_change(dtype)
        return self

    def _on_dtype_change(self, dtype: np.dtype) -> None:
        """Hook for modules that keep a dtype of their own (e.g. ``Linear.dtype``)."""

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    # ------------------------------------------------------------------ state dicts
    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Parameters then buffers of each module, depth first, as copies: torch's keys and layout."""
        state: OrderedDict[str, np.ndarray] = OrderedDict()
        for module_prefix, module in self.named_modules():
            for name in module._parameter_names:
                key = f"{module_prefix}.{name}" if module_prefix else name
                state[key] = module.__dict__[name].data.copy()
            for name in module._buffer_names:
                value = module.__dict__[name]
                if value is not None:
                    state[f"{module_prefix}.{name}" if module_prefix else name] = value.copy()
        return state

    def _state_slots(self) -> dict[str, tuple[Module, str, bool]]:
        slots = {}
        for module_prefix, module in self.named_modules():
            for name in module._parameter_names:
                slots[f"{module_prefix}.{name}" if module_prefix else name] = (module, name, True)
            for name in module._buffer_names:
                if module.__dict__[name] is not None:
                    slots[f"{module_prefix}.{name}" if module_prefix else name] = (module, name, False)
        return slots

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, in place, cast to their dtype.

        Values may be NumPy arrays or torch tensors (a torch twin's ``state_dict()`` loads directly).
        Every key is checked before anything is copied, so a bad state dict changes nothing.

        Raises:
            RuntimeError: naming the missing keys and unexpected keys (when ``strict``) and every
                entry whose shape differs from this module's (always), as torch does.
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
        for key, (module, name, is_parameter) in slots.items():
            if key not in state_dict:
                continue
            value = to_numpy(state_dict[key])
            target = module.__dict__[name].data if is_parameter else module.__dict__[name]
            if value.shape != target.shape:
                errors.append(f"size mismatch for {key!r}: expected shape {target.shape}, got {value.shape}")
            arrays[key] = value
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}: " + "; ".join(errors)
            )
        for key, value in arrays.items():
            module, name, is_parameter = slots[key]
            target = module.__dict__[name].data if is_parameter else module.__dict__[name]
            target[...] = value
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, child in self.named_children():
            child_repr = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child_repr}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}({extra}" if extra else f"{type(self).__name__}("
        return head + "\n" + "\n".join(lines) + "\n)"


class Sequential(Module):
    r"""C3.1-forward: layers applied in order; backward applies the chain rule in reverse (seed §3.2).

    Math:      y = f_L(… f_2(f_1(x)))
    Backward:  ∂E/∂x = J_1ᵀ(J_2ᵀ(… J_Lᵀ g)):  each layer's ``backward`` turns the gradient of its output
               into the gradient of its input, so the gradient flows from the loss back to the input.
    State:     children are named "0", "1", …, so keys read ``"0.weight"`` as in torch.
    Backward of a network's first layer: its input is the data, whose gradient no one uses, so a
               training step calls ``backward(g, needs_input_grad=False)``; a first ``Linear`` then skips
               its g·W product (torch skips it too: the data does not require grad) and None is returned.
    """

    can_skip_input_grad = True

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for index, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: argument {index} must be a Module, got {type(layer).__name__}")
            setattr(self, str(index), layer)

    def __len__(self) -> int:
        return len(self._module_names)

    def __getitem__(self, index: int) -> Module:
        return self.__dict__[self._module_names[index]]

    def __iter__(self) -> Iterator[Module]:
        return self.children()

    def append(self, layer: Module) -> Sequential:
        setattr(self, str(len(self)), layer)
        return self

    def forward(self, x: np.ndarray) -> np.ndarray:
        for name in self._module_names:  # the children in order (as backward below, no generator)
            x = self.__dict__[name](x)
        return x

    def backward(self, grad_output: np.ndarray, needs_input_grad: bool = True) -> np.ndarray | None:
        """∂E/∂x from ∂E/∂y, last layer first; with ``needs_input_grad=False`` only the parameter
        gradients are accumulated and None is returned."""
        layers = [self.__dict__[name] for name in self._module_names]
        if not layers:
            return grad_output if needs_input_grad else None
        for layer in reversed(layers[1:]):
            grad_output = layer.backward(grad_output)
        first = layers[0]
        if needs_input_grad:
            return first.backward(grad_output)
        if first.can_skip_input_grad:
            return first.backward(grad_output, needs_input_grad=False)
        first.backward(grad_output)  # a first layer that cannot skip it: computed and dropped
        return None
