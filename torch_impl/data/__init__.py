"""The torch twin's data: torch's ``TensorDataset`` and ``DataLoader`` fed the scratch twin's batch order."""

from torch.utils.data import TensorDataset

from torch_impl.data.datasets import load_dataset, tensor_dataset
from torch_impl.data.loader import DataLoader, EpochOrderSampler

__all__ = ["DataLoader", "EpochOrderSampler", "TensorDataset", "load_dataset", "tensor_dataset"]
