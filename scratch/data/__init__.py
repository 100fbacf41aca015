"""Data for both twins as NumPy arrays: the datasets and the batch loader (C3.2.1-sgd)."""

from scratch.data.datasets import DATASETS, DatasetSplit, load_dataset
from scratch.data.loader import DataLoader, TensorDataset

__all__ = ["DATASETS", "DataLoader", "DatasetSplit", "TensorDataset", "load_dataset"]
