r"""C3.1-forward: Parameter, Module and Sequential, the core every scratch layer is built on (seed §3.1).

Read this file first. A scratch ``Module`` is the twin of ``torch.nn.Module``, with the chain rule
written out by hand where torch records a graph:

* ``module(x)`` calls ``forward(x)``: it computes the output and keeps on the module only what
  ``backward`` will need (its *cache*: the input, the output, a mask);
* ``module.backward(g)`` takes g = ∂E/∂y (the shape of the output), **adds** ∂E/∂p into every
  parameter's ``.grad`` and returns ∂E/∂x. The cache is released, so a second ``backward`` without a new
  ``forward`` raises, like torch's "backward through the graph a second time";
* ``Sequential`` chains layers: forward in order, backward in reverse (seed §3.2).

The bookkeeping that moves weights around — buffers, ``state_dict()`` / ``load_state_dict()``,
``.to(dtype)`` — is in ``scratch/nn/state.py``; the math of each layer in ``scratch/nn/functional/``.

Differs from torch:
    * ``Parameter.grad`` is an array of zeros from the start (torch: ``None`` until the first backward)
      and ``zero_grad()`` fills it with zeros in place.
    * The default dtype is NumPy's float64 (torch's: float32); pass ``dtype=np.float32`` to a layer, or
      call ``.float()``.
    * The cache holds the arrays themselves, not copies: an input modified in place between
      ``forward`` and ``backward`` changes the gradient silently (torch raises "one of the variables
      needed for gradient computation has been modified by an inplace operation"; NumPy has no
      version counter to notice it). Modify a copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np

from scratch.nn.state import IncompatibleKeys, ModuleState, to_numpy

__all__ = ["IncompatibleKeys", "Module", "Parameter", "Sequential", "to_numpy"]


class Parameter:
    """C3.1-forward: 순전파 (Feedforward Propagation), seed §3.1

    A learnable array: ``.data`` holds the value, ``.grad`` accumulates ∂E/∂(value) until ``zero_grad()``.

    Example:
        >>> import numpy as np
        >>> w = Parameter(np.ones((2, 3)))
        >>> w.grad.tolist()
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """

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


def _typename(value: Any) -> str:
    """``numpy.ndarray``, ``list``: a type's name as torch's errors write it."""
    module = type(value).__module__
    return type(value).__qualname__ if module in ("", "builtins") else f"{module}.{type(value).__qualname__}"


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Module(ModuleState):
    """C3.1-forward: 순전파 (Feedforward Propagation), seed §3.1

    Base class of every scratch layer, loss and model. A subclass calls ``super().__init__()`` first,
    then assigns ``Parameter`` s and sub-``Module`` s as attributes; the order of assignment is the
    order of ``named_parameters()`` and of the ``state_dict()`` keys, as in torch.

    A module whose ``backward`` takes ``needs_input_grad=False`` (``Linear``, ``Sequential``) sets
    ``can_skip_input_grad = True``: it then adds its parameter gradients but skips ∂E/∂x.

    Example:
        >>> import numpy as np
        >>> class Scale(Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.weight = Parameter(np.array([2.0]))
        ...     def forward(self, x):
        ...         self._x = x                       # the cache: backward needs x
        ...         return self.weight.data * x
        ...     def backward(self, g):
        ...         x = self._take("_x")
        ...         self.weight.grad += np.sum(g * x)
        ...         return g * self.weight.data
        >>> m = Scale()
        >>> m(np.array([3.0])).tolist(), m.backward(np.array([1.0])).tolist(), m.weight.grad.tolist()
        ([6.0], [2.0], [3.0])
    """

    can_skip_input_grad: ClassVar[bool] = False
    _parameter_names: list[str] | tuple[()] = ()  # () until __init__ makes the lists
    _module_names: list[str] | tuple[()] = ()

    def __init__(self) -> None:
        self._parameter_names = []  # which attributes are parameters, in order of assignment
        self._module_names = []  # which are sub-modules
        self._buffer_names = []  # which are buffers (``register_buffer``, scratch/nn/state.py)
        self.training = True

    def __setattr__(self, name: str, value: Any) -> None:
        """Plain attributes, remembering which names are parameters and which sub-modules."""
        if isinstance(value, (Parameter, Module)) and "training" not in vars(self):
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attribute {name!r}"
            )
        if isinstance(value, Parameter) and name not in self._parameter_names:
            self._parameter_names.append(name)
        elif isinstance(value, Module) and name not in self._module_names:
            self._module_names.append(name)
        elif value is not None and name in self._parameter_names and not isinstance(value, Parameter):
            raise TypeError(
                f"cannot assign {_typename(value)!r} as parameter {name!r} (Parameter or None expected)"
            )
        elif value is not None and name in self._module_names and not isinstance(value, Module):
            raise TypeError(
                f"cannot assign {_typename(value)!r} as child module {name!r} (Module or None expected)"
            )
        super().__setattr__(name, value)  # None keeps the name registered but holds nothing, as torch

    # ------------------------------------------------------------------ forward / backward
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")

    def _accumulate(self, **grads: np.ndarray) -> None:
        """p.grad += ∂E/∂p for each named parameter present (None: not learned): gradients add up
        until ``zero_grad()``, as in torch."""
        for name, grad in grads.items():
            parameter = getattr(self, name)
            if parameter is not None:
                parameter.grad += grad

    def _take(self, name: str) -> Any:
        """The cached value ``name``, released; raises if no ``forward`` stored it."""
        value = getattr(self, name, None)
        if value is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward() called without a forward() before it "
                f"(or twice after one forward): nothing cached in {name!r}"
            )
        setattr(self, name, None)
        return value

    # ------------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name in self._module_names:
            child = getattr(self, name)
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(self, memo: set[int] | None = None, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, depth first, each once (as torch)."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(memo, _join(prefix, name))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Every parameter once — a Parameter shared by two layers too, under its first name (as torch)."""
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for module_prefix, module in modules:
            for name in module._parameter_names:
                parameter = getattr(module, name)
                if parameter is not None and id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield _join(module_prefix, name), parameter

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout drops, batch norm uses batch statistics) here and, through each
        child's own ``train()``, below; returns self, as torch."""
        if not isinstance(mode, bool):
            raise ValueError(f"{type(self).__name__}.train: expected mode to be a bool, got {mode!r}")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Inference mode: ``train(False)``."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Fill every ``.grad`` with zeros in place (gradients accumulate until this is called)."""
        for parameter in self.parameters():
            parameter.grad.fill(0)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"  ({name}): " + repr(child).replace("\n", "\n  ") for name, child in self.named_children()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}({extra}\n" + "\n".join(lines) + "\n)"


class Sequential(Module):
    r"""C3.1-forward: 순전파 (Feedforward Propagation), seed §3.1

    Layers applied in order; backward applies the chain rule in reverse.

    Math:      y = f_L(… f_2(f_1(x)))
    Backward:  ∂E/∂x = J_1ᵀ(J_2ᵀ(… J_Lᵀ g)): each layer turns the gradient of its output into the
               gradient of its input, so the gradient flows from the loss back to the input.
    State:     children are named "0", "1", …, so keys read ``"0.weight"`` as in torch.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Linear, ReLU
        >>> net = Sequential(Linear(2, 3, rng=np.random.default_rng(0)), ReLU())
        >>> net(np.ones((4, 2))).shape, list(net.state_dict())
        ((4, 3), ['0.weight', '0.bias'])
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

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return Sequential(*(getattr(self, name) for name in self._module_names[index]))
        return getattr(self, self._module_names[index])

    def __iter__(self) -> Iterator[Module]:
        return (getattr(self, name) for name in self._module_names)

    def append(self, layer: Module) -> Sequential:
        setattr(self, str(len(self)), layer)
        return self

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self:
            x = layer(x)
        return x

    def backward(self, grad_output: np.ndarray, needs_input_grad: bool = True) -> np.ndarray | None:
        """C3.2-backprop: 역전파 (backpropagation), seed §3.2

        ∂E/∂x from ∂E/∂y, last layer first; ``needs_input_grad=False`` returns None (the input is the
        data) after accumulating every parameter gradient.

        Example:
            >>> import numpy as np
            >>> from scratch.nn import Linear, Tanh
            >>> net = Sequential(Linear(2, 2, rng=np.random.default_rng(0)), Tanh())
            >>> y = net(np.ones((1, 2)))
            >>> net.backward(np.ones_like(y)).shape
            (1, 2)
        """
        layers = list(self)
        g = grad_output
        for layer in reversed(layers[1:]):
            g = layer.backward(g)  # the chain rule: ∂E/∂(layer's input) from ∂E/∂(its output)
        if not layers:
            return g if needs_input_grad else None
        skip = not needs_input_grad and layers[0].can_skip_input_grad  # the first Linear skips g·W
        g = layers[0].backward(g, needs_input_grad=False) if skip else layers[0].backward(g)
        return g if needs_input_grad else None
