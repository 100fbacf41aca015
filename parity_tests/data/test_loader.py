"""C3.2.1-gd / C3.2.1-sgd: batch, iteration and epoch arithmetic, and both twins' loaders yielding the
same batches in the same order."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from scratch.data.loader import DataLoader, TensorDataset, epoch_order
from torch_impl.data import DataLoader as TorchDataLoader
from torch_impl.data import tensor_dataset


def _twins(n, batch_size, shuffle, drop_last, seed, device="cpu", features=3):
    data_rng = np.random.default_rng(seed + 1)
    x = data_rng.standard_normal((n, features))
    y = np.arange(n, dtype=np.int64)  # the label of a row is its index: batches reveal the order
    scratch_loader = DataLoader(
        TensorDataset(x, y), batch_size, shuffle, drop_last, rng=np.random.default_rng(seed)
    )
    torch_loader = TorchDataLoader(
        tensor_dataset(x, y, device), batch_size, shuffle, drop_last, rng=np.random.default_rng(seed)
    )
    return scratch_loader, torch_loader


# (samples, batch size, drop_last) -> iterations per epoch
ARITHMETIC = [
    pytest.param(1000, 100, False, 10, id="C3.2.1-sgd-seed-1000-samples-batch-100-is-10-iterations"),
    pytest.param(1000, 100, True, 10, id="C3.2.1-sgd-seed-example-drop-last-changes-nothing"),
    pytest.param(1000, 300, False, 4, id="C3.2.1-sgd-remainder-batch-kept"),
    pytest.param(1000, 300, True, 3, id="C3.2.1-sgd-remainder-batch-dropped"),
    pytest.param(1000, 1, False, 1000, id="C3.2.1-sgd-batch-1-one-step-per-sample"),
    pytest.param(1000, 1000, False, 1, id="C3.2.1-gd-full-batch-one-step-per-epoch"),
    pytest.param(5, 10, False, 1, id="C3.2.1-gd-batch-above-samples-one-short-batch"),
    pytest.param(5, 10, True, 0, id="C3.2.1-sgd-batch-above-samples-drop-last-no-batch"),
]


@pytest.mark.parametrize(("n", "batch_size", "drop_last", "iterations"), ARITHMETIC)
def test_iterations_per_epoch(n, batch_size, drop_last, iterations):
    scratch_loader, torch_loader = _twins(n, batch_size, True, drop_last, seed=0)
    assert len(scratch_loader) == iterations
    assert len(torch_loader) == iterations
    sizes = [len(yb) for _, yb in scratch_loader]
    assert len(sizes) == iterations
    assert all(size == batch_size for size in sizes[:-1])
    if iterations:
        assert sizes[-1] == min(batch_size, n - batch_size * (iterations - 1))
    assert [len(yb) for _, yb in torch_loader] == sizes


ORDERS = [
    pytest.param(23, 5, True, False, id="C3.2.1-sgd-shuffled"),
    pytest.param(23, 5, True, True, id="C3.2.1-sgd-shuffled-drop-last"),
    pytest.param(23, 5, False, False, id="C3.2.1-sgd-in-order"),
    pytest.param(23, 23, True, False, id="C3.2.1-gd-full-batch-shuffled"),
]


@pytest.mark.parametrize(("n", "batch_size", "shuffle", "drop_last"), ORDERS)
def test_both_twins_see_identical_batches(n, batch_size, shuffle, drop_last, device):
    scratch_loader, torch_loader = _twins(n, batch_size, shuffle, drop_last, seed=7, device=device)
    for epoch in range(3):
        pairs = list(zip(scratch_loader, torch_loader, strict=True))
        assert len(pairs) == len(scratch_loader)
        for k, ((x, y), (xt, yt)) in enumerate(pairs):
            where = f"epoch {epoch} batch {k}"
            assert xt.device.type == torch.device(device).type, where
            assert x.dtype == np.float64 and xt.dtype == torch.float64, where
            assert y.dtype == np.int64 and yt.dtype == torch.int64, where
            np.testing.assert_array_equal(y, yt.cpu().numpy(), err_msg=where)
            np.testing.assert_array_equal(x, xt.cpu().numpy(), err_msg=where)


@pytest.mark.parametrize(
    "drop_last", [pytest.param(False, id="C3.2.1-sgd-every-sample"), pytest.param(True, id="drop-last")]
)
def test_an_epoch_visits_each_sample_at_most_once_and_epochs_reshuffle(drop_last):
    scratch_loader, _ = _twins(103, 10, True, drop_last, seed=3)
    epochs = [np.concatenate([yb for _, yb in scratch_loader]) for _ in range(3)]
    for order in epochs:
        assert len(np.unique(order)) == len(order) == (100 if drop_last else 103)
    assert not np.array_equal(epochs[0], epochs[1]), "shuffle=True must draw a new order every epoch"


def test_no_shuffle_keeps_the_dataset_order():
    scratch_loader, torch_loader = _twins(11, 4, False, False, seed=0)
    for loader in (scratch_loader, torch_loader):
        order = np.concatenate([np.asarray(yb) for _, yb in loader])
        np.testing.assert_array_equal(order, np.arange(11))


def test_order_comes_from_the_generator_and_continues_across_epochs():
    """The loader's order is exactly the generator's permutations, epoch after epoch."""
    reference = np.random.default_rng(5)
    expected = [reference.permutation(20) for _ in range(2)]
    scratch_loader, torch_loader = _twins(20, 6, True, False, seed=5)
    for loader in (scratch_loader, torch_loader):
        for epoch in range(2):
            order = np.concatenate([np.asarray(yb) for _, yb in loader])
            np.testing.assert_array_equal(order, expected[epoch])
    np.testing.assert_array_equal(epoch_order(4, False, np.random.default_rng(0)), np.arange(4))


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True, "4", None])
@pytest.mark.parametrize("twin", ["scratch", "torch"])
def test_bad_batch_size_is_rejected(twin, batch_size):
    x, y = np.zeros((4, 2)), np.zeros(4, dtype=np.int64)
    with pytest.raises(ValueError, match=rf"batch_size to be a positive integer, got {batch_size!r}"):
        if twin == "scratch":
            DataLoader(TensorDataset(x, y), batch_size)
        else:
            TorchDataLoader(tensor_dataset(x, y), batch_size)


@pytest.mark.parametrize("flag", ["shuffle", "drop_last"])
@pytest.mark.parametrize("twin", ["scratch", "torch"])
def test_bad_flags_are_rejected(twin, flag):
    x, y = np.zeros((4, 2)), np.zeros(4, dtype=np.int64)
    dataset = TensorDataset(x, y) if twin == "scratch" else tensor_dataset(x, y)
    cls = DataLoader if twin == "scratch" else TorchDataLoader
    with pytest.raises(TypeError, match=flag):
        cls(dataset, 2, **{flag: "yes"})


def test_bad_rng_and_datasets_are_rejected():
    x = np.zeros((4, 2))
    with pytest.raises(TypeError, match="rng to be a numpy.random.Generator, got 3"):
        DataLoader(TensorDataset(x), 2, rng=3)
    with pytest.raises(TypeError, match="rng to be a numpy.random.Generator"):
        TorchDataLoader(tensor_dataset(x, np.zeros(4)), 2, rng=3)
    with pytest.raises(ValueError, match=r"same first dimension, got shapes \[\(4, 2\), \(3,\)\]"):
        TensorDataset(x, np.zeros(3))
    with pytest.raises(ValueError, match="at least one array"):
        TensorDataset()
    with pytest.raises(TypeError, match="expected dataset with __len__ and __getitem__, got int"):
        DataLoader(5, 2)


@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled-refused", "in-order-no-batches"])
def test_an_empty_dataset_behaves_as_in_torch(shuffle):
    """torch's ``RandomSampler`` refuses to shuffle 0 samples; in order, an empty dataset has no batches.
    The real torch ``DataLoader`` is the reference; both twins must do what it does."""
    x, y = np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    reference = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    builders = {
        "torch": lambda: torch.utils.data.DataLoader(reference, batch_size=4, shuffle=shuffle),
        "scratch": lambda: DataLoader(TensorDataset(x, y), 4, shuffle, rng=np.random.default_rng(0)),
        "torch twin": lambda: TorchDataLoader(tensor_dataset(x, y), 4, shuffle, rng=np.random.default_rng(0)),
    }
    for name, build in builders.items():
        if shuffle:
            with pytest.raises(ValueError, match="0"):
                build()
        else:
            loader = build()
            assert len(loader) == 0 and list(loader) == [], name
