r"""C3.2.1-gd: 경사하강법 (the optimizer base class), seed §3.2.1

Shaped like ``torch.optim.Optimizer``. An optimizer updates the weights w from their gradients g = ∂E/∂w
(seed §3.2.1: the weights and biases are optimised with respect to the loss). Each subclass writes its
update rule once, as a function of (w, g, state) beside its class — the twin of torch's functional forms
(``torch.optim.sgd.sgd``, ``torch.optim.adam.adam``); this class holds what they share, as torch does:

* ``param_groups``: a list of dicts, each ``{"params": [Parameter, ...], <hyper-parameters>}``; a group
  may override any default (e.g. a smaller ``lr`` for the bias);
* ``state``: per parameter, the running quantities of the rule (momentum buffer, moments, ``step``),
  under torch's keys;
* ``zero_grad()``, ``step(closure=None)`` (the loop over groups and parameters that calls the rule),
  ``add_param_group()``;
* ``state_dict()`` / ``load_state_dict()``: ``{"state": {index: {...}}, "param_groups": [{hyper-params,
  "params": [indices]}]}`` with parameters numbered in the order of the groups. A torch optimizer's state
  dict loads here as it is (tensors become arrays, the ``step`` tensor a float); the other way round,
  ``torch_impl.optim.state_dict_to_torch`` turns the arrays into tensors.

Parameters are updated **in place** (``w -= …``): the arrays keep their identity and dtype, so a float32
model stays float32 and anything holding a reference to ``p.data`` sees the new values.

Differs from torch:
    * ``Parameter.grad`` is never ``None`` (zeros from the start), so every parameter is updated at every
      step; torch skips parameters whose ``.grad`` is ``None``. ``zero_grad()`` fills with zeros (torch's
      ``set_to_none=False``).
    * ``state_dict()`` returns copies (torch returns references to its live tensors), and ``step`` is a
      Python float (torch: a 0-d float32 tensor).
    * ``load_state_dict`` also checks that every state array has its parameter's shape and that every
      state key belongs to this optimizer (torch fails later, inside ``step``).
    * a hyper-parameter name the optimizer does not have (a typo such as ``"lR"``) is an error in
      ``add_param_group`` and ``load_state_dict``; torch keeps it silently.
    * a parameter listed twice in one group: both warn ("optimizer contains a parameter group with
      duplicate parameters"); torch then updates it twice per ``step()`` (and will refuse it in future),
      this class keeps one copy and updates it once, as torch does a group that lists it once.
    * torch-only execution flags (``foreach``, ``fused``, ``capturable``, ``differentiable``) are accepted
      in a loaded state dict and ignored: they change how torch runs the rule, not the rule.
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from scratch.nn.module import Parameter, to_numpy

# torch's param-group keys that choose an implementation, not the math.
_TORCH_EXECUTION_FLAGS = ("foreach", "fused", "capturable", "differentiable", "param_names")


def _plain(value: Any) -> Any:
    """Python numbers: a NumPy float64 scalar would upcast a float32 parameter's arithmetic."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (tuple, list)):
        return tuple(float(v) for v in value)
    return float(value)


def check_hyperparameter(optimizer: str, name: str, value: Any, valid: bool, expected: str) -> None:
    """Raise ``ValueError`` naming the optimizer, the argument, what was expected and what came.

    Example:
        >>> check_hyperparameter("SGD", "lr", -1.0, False, ">= 0.0")
        Traceback (most recent call last):
        ...
        ValueError: SGD: expected lr >= 0.0, got -1.0
    """
    if not valid:
        raise ValueError(f"{optimizer}: expected {name} {expected}, got {value!r}")


class Optimizer:
    """Base class: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

    Args:
        params: an iterable of ``Parameter`` s, or of dicts ``{"params": [...], <overrides>}``.
        defaults: the optimizer's hyper-parameters, used where a group does not set its own.

    Subclasses set ``state_keys`` (the names their ``state`` may hold, torch's) and ``rule`` (their update,
    a function beside the class) and create a parameter's state in ``_new_state``; ``step`` runs the loop.

    Example:
        >>> import numpy as np
        >>> from scratch.nn import Parameter
        >>> from scratch.optim import SGD
        >>> w, b = Parameter(np.ones(2)), Parameter(np.zeros(1))
        >>> optimizer = SGD([{"params": [w]}, {"params": [b], "lr": 0.01}], lr=0.1)
        >>> [group["lr"] for group in optimizer.param_groups]
        [0.1, 0.01]
        >>> optimizer.state_dict()["param_groups"][1]["params"]  # parameters numbered across the groups
        [1]
    """

    state_keys: ClassVar[tuple[str, ...]] = ()
    # the update rule, a function (w, g, state, **hyper-parameters) -> None that changes w and state in place
    rule: ClassVar[Callable[..., None]]
    # hyper-parameters that only set up the state, not arguments of the rule (Adagrad's G₀)
    state_only: ClassVar[tuple[str, ...]] = ()
    # torch flags whose value must match this class's rule when a torch state dict is loaded.
    fixed_torch_flags: ClassVar[dict[str, bool]] = {}

    def __init__(
        self, params: Iterable[Parameter] | Iterable[dict[str, Any]], defaults: dict[str, Any]
    ) -> None:
        name = type(self).__name__
        if isinstance(params, (Parameter, np.ndarray)):
            raise TypeError(
                f"{name}: expected params to be an iterable of Parameters or dicts, "
                f"got a single {type(params).__name__}"
            )
        self.defaults = defaults
        self.state: defaultdict[Parameter, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(f"{name}: expected a non-empty parameter list, got an empty one")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        return "\n".join(lines) + "\n)"

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group ``{"params": [...], <overrides>}``; unset hyper-parameters take the defaults.

        Like torch, only the constructor's arguments are validated; a group's overrides are not.
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: expected param_group to be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Parameter):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(f"{name}: expected params in an ordered collection (list), got a set")
        params = list(params)
        for index, parameter in enumerate(params):
            if not isinstance(parameter, Parameter):
                raise TypeError(
                    f"{name}: expected every param to be a scratch Parameter, "
                    f"got {type(parameter).__name__} at position {index}"
                )
        unknown = [key for key in param_group if key != "params" and key not in self.defaults]
        if unknown:
            raise ValueError(f"{name}: expected hyper-parameters among {list(self.defaults)}, got {unknown}")
        group = {"params": params, **{key: value for key, value in param_group.items() if key != "params"}}
        for key, default in self.defaults.items():
            group.setdefault(key, default)
        if len({id(p) for p in params}) != len(params):  # torch's warning; then one copy of each is kept
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                "an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
            group["params"] = params = list({id(p): p for p in params}.values())
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self) -> None:
        """Fill every parameter's ``.grad`` with zeros, in place (gradients accumulate until then)."""
        for group in self.param_groups:
            for parameter in group["params"]:
                parameter.grad.fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter from its ``.grad``, in place; returns ``closure()`` if given.

        For each parameter of each group: its state is created on first use (``_new_state``), then the
        subclass's ``rule`` runs with the group's hyper-parameters (``_update``).
        """
        loss = None if closure is None else closure()
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state.get(p) or self._new_state(p, group)
                self._update(p, state, group)
                if state:  # plain SGD keeps none, as torch
                    self.state[p] = state
        return loss

    def _new_state(self, p: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        """The rule's state of a parameter before its first step (torch's keys)."""
        return {}

    def _update(self, p: Parameter, state: dict[str, Any], group: dict[str, Any]) -> None:
        """The subclass's ``rule`` on p, with the group's hyper-parameters and the class's fixed flags."""
        hyper = {
            key: _plain(value) for key, value in group.items() if key not in ("params", *self.state_only)
        }
        self.rule(p.data, p.grad, state, **hyper, **self.fixed_torch_flags)

    # ------------------------------------------------------------------ state dicts
    def _parameters(self) -> list[Parameter]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {key: value}}, "param_groups": [{hyper-params, "params": [indices]}]}``.

        Indices count the parameters group after group, as torch numbers them. Values are copies:
        arrays, Python floats and the hyper-parameters (plain numbers, bools, tuples).
        """
        index = {id(p): i for i, p in enumerate(self._parameters())}
        param_groups = []
        for group in self.param_groups:
            packed = {key: copy.deepcopy(value) for key, value in group.items() if key != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            param_groups.append(packed)
        state = {
            index[id(p)]: {
                key: value.copy() if isinstance(value, np.ndarray) else value for key, value in entry.items()
            }
            for p, entry in self.state.items()
        }
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a state dict from ``state_dict()`` of this class, or of its torch twin.

        Hyper-parameters are taken from the saved groups (as torch does); state arrays are copied and
        cast to their parameter's dtype; a ``step`` tensor becomes a float. Everything is checked
        before anything changes.

        Raises:
            ValueError: naming what differs: the number of groups, a group's size, an unknown parameter
                index, a state key this optimizer does not keep, a state array's shape, or a torch flag
                that selects a different rule (e.g. ``decoupled_weight_decay``).
        """
        name = type(self).__name__
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"state", "param_groups"}:
            got = sorted(state_dict) if isinstance(state_dict, Mapping) else type(state_dict).__name__
            raise ValueError(f"{name}.load_state_dict: expected keys ['param_groups', 'state'], got {got}")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: expected {len(self.param_groups)} parameter group(s), "
                f"got {len(saved_groups)}"
            )
        id_map: dict[Any, Parameter] = {}
        new_groups = []
        for number, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: expected {len(group['params'])} parameter(s) in group "
                    f"{number}, got {len(saved['params'])}"
                )
            id_map.update(zip(saved["params"], group["params"], strict=True))
            new_groups.append(self._load_group(number, group, saved))
        new_state = {}
        for index, entry in state_dict["state"].items():
            if index not in id_map:
                raise ValueError(
                    f"{name}.load_state_dict: expected state for parameter indices {sorted(id_map)}, "
                    f"got state for index {index!r}"
                )
            new_state[id_map[index]] = self._load_entry(index, id_map[index], entry)
        for group, loaded in zip(self.param_groups, new_groups, strict=True):
            group.update(loaded)
        self.state = defaultdict(dict, new_state)

    def _load_group(self, number: int, group: dict[str, Any], saved: Mapping[str, Any]) -> dict[str, Any]:
        name = type(self).__name__
        loaded = {}
        for key, value in saved.items():
            if key == "params" or key in _TORCH_EXECUTION_FLAGS:
                continue
            if key in self.fixed_torch_flags:
                if bool(value) != self.fixed_torch_flags[key]:
                    raise ValueError(
                        f"{name}.load_state_dict: expected {key}={self.fixed_torch_flags[key]} in group "
                        f"{number} (the rule of {name}), got {value!r}"
                    )
                continue
            if key not in self.defaults:
                raise ValueError(
                    f"{name}.load_state_dict: expected hyper-parameters among {list(self.defaults)} in "
                    f"group {number}, got {key!r}"
                )
            loaded[key] = tuple(value) if isinstance(value, list) else value
        return loaded

    def _load_entry(self, index: Any, parameter: Parameter, entry: Mapping[str, Any]) -> dict[str, Any]:
        name = type(self).__name__
        loaded: dict[str, Any] = {}
        for key, value in entry.items():
            if key not in self.state_keys:
                raise ValueError(
                    f"{name}.load_state_dict: expected state keys among {list(self.state_keys)} for "
                    f"parameter {index}, got {key!r}"
                )
            if value is None:  # torch leaves an SGD momentum buffer unset this way
                loaded[key] = None
                continue
            array = to_numpy(value)
            if key == "step":
                if array.shape != ():
                    raise ValueError(
                        f"{name}.load_state_dict: expected 'step' of parameter {index} to be a scalar, "
                        f"got shape {array.shape}"
                    )
                loaded[key] = float(array)
                continue
            if array.shape != parameter.data.shape:
                raise ValueError(
                    f"{name}.load_state_dict: expected {key!r} of parameter {index} to have shape "
                    f"{parameter.data.shape}, got {array.shape}"
                )
            loaded[key] = array.astype(parameter.data.dtype, copy=True)
        return loaded
