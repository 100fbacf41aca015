"""The datasets both twins train on: truth tables, 2-D sets, bundled sets, seeded stratified splits, and
MNIST's IDX files read alike by the scratch twin (NumPy) and the torch twin (torchvision)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from scratch.data import datasets as plain
from scratch.data.datasets import load_dataset, logic_gate, read_idx
from torch_impl.data import datasets as tv

GATE_TABLES = [
    pytest.param("and", [0, 0, 0, 1], id="C2.1-perceptron-and"),
    pytest.param("or", [0, 1, 1, 1], id="C2.1-perceptron-or"),
    pytest.param("nand", [1, 1, 1, 0], id="C2.1-perceptron-nand"),
    pytest.param("xor", [0, 1, 1, 0], id="C2.2-mlp-xor"),
]


@pytest.mark.parametrize(("name", "outputs"), GATE_TABLES)
def test_logic_gate_truth_tables(name, outputs):
    x, y = logic_gate(name)
    assert x.shape == (4, 2) and x.dtype == np.float64
    assert y.shape == (4,) and y.dtype == np.int64
    np.testing.assert_array_equal(x, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, outputs)
    split = load_dataset(name)
    np.testing.assert_array_equal(split.x_train, split.x_test)
    assert split.num_classes == 2


# name -> (train size, test size, features, classes) with the defaults n_samples=1000, test_size=0.2
SHAPES = [
    pytest.param("moons", (800, 200, 2, 2), id="moons"),
    pytest.param("circles", (800, 200, 2, 2), id="circles"),
    pytest.param("spirals", (800, 200, 2, 3), id="spirals"),
    pytest.param("blobs", (800, 200, 2, 3), id="blobs"),
    pytest.param("digits", (1437, 360, 64, 10), id="digits"),
    pytest.param("iris", (120, 30, 4, 3), id="iris"),
]


@pytest.mark.parametrize(("name", "shape"), SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_split_shapes_dtypes_and_stratification(name, shape, dtype):
    split = load_dataset(name, rng=np.random.default_rng(0), dtype=dtype)
    n_train, n_test, features, classes = shape
    assert split.x_train.shape == (n_train, features) and split.x_test.shape == (n_test, features)
    assert split.x_train.dtype == dtype and split.x_test.dtype == dtype
    assert split.y_train.dtype == np.int64 and split.y_test.shape == (n_test,)
    assert split.num_classes == classes and split.num_features == features
    # stratified: every class keeps its share of the whole set in the test part, to within one sample
    y_all = np.concatenate([split.y_train, split.y_test])
    expected = np.bincount(y_all, minlength=classes) * n_test / len(y_all)
    assert np.all(np.abs(np.bincount(split.y_test, minlength=classes) - expected) <= 1)


@pytest.mark.parametrize("name", ["moons", "spirals", "digits"])
def test_same_seed_same_split_other_seed_other_split(name):
    a = load_dataset(name, rng=np.random.default_rng(1))
    b = load_dataset(name, rng=np.random.default_rng(1))
    c = load_dataset(name, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


def test_spirals_are_balanced_arms_of_growing_radius():
    x, y = plain.make_spirals(10, n_classes=3, noise=0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(np.bincount(y), [4, 3, 3])
    radius = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(radius[y == 0], np.linspace(0, 1, 4), atol=1e-15)


def test_digits_pixels_in_unit_range_and_iris_standardised_on_the_training_part():
    digits = load_dataset("digits", rng=np.random.default_rng(0))
    assert digits.x_train.min() == 0.0 and digits.x_train.max() == 1.0
    iris = load_dataset("iris", rng=np.random.default_rng(0))
    np.testing.assert_allclose(iris.x_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(iris.x_train.std(axis=0), 1.0, rtol=1e-12)
    assert np.all(np.abs(iris.x_test.mean(axis=0)) > 1e-6), "the test part must use the training statistics"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: load_dataset("cifar"), "expected name to be one of"),
        (lambda: load_dataset("digits", dtype=np.int32), "expected a floating dtype, got int32"),
        (lambda: load_dataset("moons", test_size=1.5), "expected 0 < test_size < 1, got 1.5"),
        (lambda: load_dataset("moons", n_samples=1), "expected n_samples to be an integer >= 2, got 1"),
        (lambda: logic_gate("nor"), "expected name to be one of"),
        (lambda: plain.make_spirals(10, n_classes=1), "n_classes to be an integer >= 2, got 1"),
        (lambda: plain.make_spirals(10, noise=-1.0), "expected noise >= 0, got -1.0"),
    ],
)
def test_bad_arguments_are_rejected(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# ------------------------------------------------------------------------------------ MNIST's IDX files
def _idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


def _write_idx_set(root: Path, name: str, compress: bool, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Tiny MNIST-shaped files (5 train and 3 test images of 28×28) in torchvision's folder layout."""
    folder = plain.idx_raw_folder(name, root)
    folder.mkdir(parents=True)
    arrays = {}
    for split, count in (("train", 5), ("test", 3)):
        images_file, labels_file = plain.IDX_FILES[split]
        arrays[images_file] = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        arrays[labels_file] = rng.integers(0, 10, size=count, dtype=np.uint8)
    for stem, array in arrays.items():
        data = _idx_bytes(array)
        if compress:
            (folder / f"{stem}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / stem).write_bytes(data)
    return arrays


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_read_idx_round_trip(tmp_path, rng, compress):
    arrays = _write_idx_set(tmp_path, "mnist", compress, rng)
    folder = plain.idx_raw_folder("mnist", tmp_path)
    for stem, array in arrays.items():
        path = folder / (f"{stem}.gz" if compress else stem)
        read = read_idx(path)
        assert read.shape == array.shape and read.dtype == np.uint8
        np.testing.assert_array_equal(read, array)


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_scratch_idx_reader_matches_torchvision(tmp_path, rng, name):
    arrays = _write_idx_set(tmp_path, name, compress=False, rng=rng)
    scratch_split = load_dataset(name, data_dir=tmp_path)
    torch_split = tv.load_dataset(name, data_dir=tmp_path, download=False)
    assert torch_split.x_train.shape == (5, 784) and torch_split.x_test.shape == (3, 784)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(scratch_split, key), getattr(torch_split, key), err_msg=key)
        assert getattr(scratch_split, key).dtype == getattr(torch_split, key).dtype, key
    np.testing.assert_array_equal(
        torch_split.x_train * 255, arrays["train-images-idx3-ubyte"].reshape(5, 784)
    )
    np.testing.assert_array_equal(torch_split.y_test, arrays["t10k-labels-idx1-ubyte"])


def test_missing_idx_files_say_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"MNIST\('.*', download=True\)") as caught:
        load_dataset("mnist", data_dir=tmp_path)
    assert str(plain.idx_raw_folder("mnist", tmp_path)) in str(caught.value)
    with pytest.raises(FileNotFoundError, match="cannot be downloaded here"):
        tv.load_dataset("mnist", data_dir=tmp_path, download=False)


def test_offline_download_failure_says_how_to_get_the_files(tmp_path, monkeypatch):
    import torchvision  # here, not at the top: its import costs every xdist worker seconds of CPU

    def offline(self):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz: <urlopen error no network>")

    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", offline)
    with pytest.raises(FileNotFoundError, match=r"FashionMNIST\('.*', download=True\)"):
        tv.load_dataset("fashion-mnist", data_dir=tmp_path)


def test_corrupt_idx_files_are_rejected(tmp_path):
    bad_header = tmp_path / "bad"
    bad_header.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="bad: not an IDX file"):
        read_idx(bad_header)
    truncated = tmp_path / "short"
    truncated.write_bytes(_idx_bytes(np.zeros((2, 3), dtype=np.uint8))[:-1])
    with pytest.raises(ValueError, match=r"short: holds 5 bytes of data, header says \(2, 3\) uint8"):
        read_idx(truncated)
