"""C1.1-supervised: 지도학습과 비지도학습 (supervised learning, torch twin), seed §1.1

The torch twin of ``scratch.models.supervised`` (and of seed §1.3's feature).

``LogisticRegression`` is ``nn.Linear(n, 1)`` + ``nn.Sigmoid()``, ``LinearRegression`` is ``nn.Linear(n, 1)``,
each squeezed to (N,), with the scratch twin's state dict ("linear.weight", "linear.bias");
``least_squares`` uses ``torch.linalg.lstsq``; ``fit_full_batch`` lets autograd (``loss.backward()``) do
what the scratch twin's hand-written backward does. The math is in the scratch twin.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn


def _check_in_features(where: str, in_features: int) -> int:
    if isinstance(in_features, bool) or not isinstance(in_features, int) or in_features <= 0:
        raise ValueError(f"{where}: expected in_features to be a positive integer, got {in_features!r}")
    return in_features


class LogisticRegression(nn.Module):
    """C1.1-supervised: 지도학습과 비지도학습 (logistic regression), seed §1.1

    ŷ = σ(x wᵀ + b), (N, n) -> (N,): ``nn.Linear(n, 1)``, ``nn.Sigmoid()``, squeeze. Trained with
    ``nn.BCELoss``; twin of ``scratch.models.supervised.LogisticRegression``, and chained like it, so
    its gradient vanishes too once σ(z) rounds to 1 (``nn.BCEWithLogitsLoss`` on z is the stable form).

    Example:
        >>> import torch
        >>> model = LogisticRegression(1)
        >>> with torch.no_grad():
        ...     _ = model.linear.weight.fill_(1.0), model.linear.bias.fill_(0.0)
        >>> loss = torch.nn.BCELoss()(model(torch.tensor([[40.0]], dtype=torch.float64)),
        ...                           torch.tensor([0.0], dtype=torch.float64))
        >>> loss.backward(); loss.item(), model.linear.bias.grad.tolist()  # (ŷ − y)/N would be 1
        (100.0, [0.0])
    """

    def __init__(
        self,
        in_features: int,
        *,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> None:
        super().__init__()
        self.linear = nn.Linear(
            _check_in_features("LogisticRegression", in_features), 1, dtype=dtype, device=device
        )
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.sigmoid(self.linear(x)).squeeze(-1)


class LinearRegression(nn.Module):
    """C1.1-supervised: 지도학습과 비지도학습 (linear regression), seed §1.1

    ŷ = x wᵀ + b, (N, n) -> (N,): ``nn.Linear(n, 1)`` and a squeeze. Train with ``nn.MSELoss``. Twin of
    ``scratch.models.supervised.LinearRegression``.

    Example:
        >>> import torch
        >>> tuple(LinearRegression(2)(torch.zeros(3, 2, dtype=torch.float64)).shape)
        (3,)
    """

    def __init__(
        self,
        in_features: int,
        *,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> None:
        super().__init__()
        self.linear = nn.Linear(
            _check_in_features("LinearRegression", in_features), 1, dtype=dtype, device=device
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x).squeeze(-1)


def least_squares(x: torch.Tensor, y: torch.Tensor) -> OrderedDict[str, torch.Tensor]:
    """C1.1-supervised: 지도학습과 비지도학습 (least squares), seed §1.1

    argmin ‖[x | 1] θ − y‖² by ``torch.linalg.lstsq``, as a ``LinearRegression`` state dict
    {"linear.weight": (1, n), "linear.bias": (1,)}. Twin of ``scratch.models.supervised.least_squares``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[0.0], [1.0], [2.0]], dtype=torch.float64)
        >>> {k: v.round(decimals=6).tolist() for k, v in least_squares(x, 3 * x[:, 0] + 1).items()}
        {'linear.weight': [[3.0]], 'linear.bias': [1.0]}
    """
    if x.ndim != 2 or tuple(y.shape) != (x.shape[0],):
        raise ValueError(
            f"least_squares: expected x (N, n) and y (N,), got shapes {tuple(x.shape)} and {tuple(y.shape)}"
        )
    design = torch.cat([x, torch.ones(x.shape[0], 1, dtype=x.dtype, device=x.device)], dim=1)
    # gelsd (SVD) is the driver of np.linalg.lstsq; CUDA offers only gels (QR), fine for full-rank data.
    driver = "gelsd" if x.device.type == "cpu" else None
    theta = torch.linalg.lstsq(design, y.unsqueeze(-1), driver=driver).solution.squeeze(-1)
    return OrderedDict([("linear.weight", theta[None, :-1]), ("linear.bias", theta[-1:])])


def radial_feature(x: torch.Tensor) -> torch.Tensor:
    """C1.3-features: 딥러닝 (feature engineering), seed §1.3

    x₁² + x₂² (Σⱼ xᵢⱼ²) as a (N, 1) feature. Twin of ``scratch.models.supervised.radial_feature``.

    Example:
        >>> import torch
        >>> radial_feature(torch.tensor([[3.0, 4.0]])).tolist()
        [[25.0]]
    """
    if x.ndim != 2:
        raise ValueError(f"radial_feature: expected x of shape (N, n), got {tuple(x.shape)}")
    return (x * x).sum(dim=1, keepdim=True)


@dataclass(frozen=True)
class FullBatchFit:
    """Twin of ``scratch.models.supervised.FullBatchFit``: losses (steps,), path (steps + 1, P) or None."""

    losses: torch.Tensor
    path: torch.Tensor | None


def _flat_parameters(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).clone()


def fit_full_batch(
    model: nn.Module,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    target: torch.Tensor,
    steps: int,
    *,
    record_path: bool = False,
) -> FullBatchFit:
    """C1.1-supervised: 지도학습과 비지도학습 (full-batch training), seed §1.1

    ``steps`` full-batch iterations (zero_grad, forward, loss, ``loss.backward()``, ``optimizer.step()``).
    Twin of ``scratch.models.supervised.fit_full_batch``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[0.0], [1.0], [2.0]], dtype=torch.float64)
        >>> model = LinearRegression(1)
        >>> sgd = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> fit = fit_full_batch(model, torch.nn.MSELoss(), sgd, x, 3 * x[:, 0], steps=200)
        >>> bool(fit.losses[-1] < 1e-4 < fit.losses[0])
        True
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0:
        raise ValueError(f"fit_full_batch: expected steps to be a positive integer, got {steps!r}")
    losses = torch.empty(steps, dtype=torch.float64)
    path = [_flat_parameters(model)] if record_path else None
    for k in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
        losses[k] = loss.detach()
        if path is not None:
            path.append(_flat_parameters(model))
    return FullBatchFit(losses, None if path is None else torch.stack(path))
