"""Issue 11, MNIST from ``--data-dir``: both twins read the IDX files with the project's strict reader; a
file that is missing, truncated, not IDX, not gzip, of the wrong shape or type, with a label outside 0…9
or counts that differ ends ``scripts/train.py`` with exit status 2 and one line naming the file and what
is wrong, and nothing is created in the data folder (or anywhere)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torchvision

from parity_tests.training.harness import assert_one_line, run_main, snapshot
from scratch.data import datasets as plain
from scratch.data.idx import DataError
from torch_impl.data import datasets as tv

MNIST = ["--dataset", "mnist", "--hidden", "4", "--batch-size", "5", "--epochs", "1", "--device", "cpu"]
IMAGES, LABELS = plain.IDX_FILES["train"]


def _idx(array: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + array.tobytes()


def _write(root, rng, **override):
    """Tiny MNIST files (5 train, 3 test) in torchvision's layout; ``override[stem]`` replaces a file's
    bytes (None: leave it out)."""
    folder = plain.idx_raw_folder("mnist", root)
    folder.mkdir(parents=True)
    for split, count in (("train", 5), ("test", 3)):
        images, labels = plain.IDX_FILES[split]
        contents = {
            images: _idx(rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)),
            labels: _idx(rng.integers(0, 10, size=count, dtype=np.uint8)),
        }
        for stem, data in contents.items():
            data = override.get(stem.replace("-", "_"), data)
            if data is not None:
                (folder / stem).write_bytes(data)
    return folder


CORRUPT = [
    pytest.param({"train_images_idx3_ubyte": b"\x00\x00\x08"}, IMAGES, "not an IDX file", id="too-short"),
    pytest.param(
        {"train_labels_idx1_ubyte": b"\x12\x34\x08\x01" + bytes(9)}, LABELS, "not an IDX file", id="bad-magic"
    ),
    pytest.param(
        {"train_images_idx3_ubyte": _idx(np.zeros((5, 28, 28), np.uint8))[:-7]},
        IMAGES,
        "holds 3913 bytes",
        id="truncated",
    ),
    pytest.param(
        {"train_images_idx3_ubyte": b"\x00\x00\x08\x03\x00"}, IMAGES, "truncated IDX header", id="header"
    ),
    pytest.param(
        {"train_labels_idx1_ubyte": _idx(np.array([1, 2, 200, 3, 4], np.uint8))},
        LABELS,
        "expected labels in 0…9, got 200 at index 2",
        id="label-200",
    ),
    pytest.param(
        {"train_labels_idx1_ubyte": _idx(np.zeros(4, np.uint8))}, IMAGES, "5 images and", id="counts-differ"
    ),
    pytest.param(
        {"train_images_idx3_ubyte": _idx(np.zeros((5, 27, 28), np.uint8))}, IMAGES, "(5, 27, 28)", id="27x28"
    ),
    pytest.param(
        {"train_labels_idx1_ubyte": _idx(np.zeros(5, ">i2"), 0x0B)},
        LABELS,
        "got int16 (5,)",
        id="int16-labels",
    ),
    pytest.param(
        {"train_labels_idx1_ubyte": _idx(np.zeros((5, 1), np.uint8))},
        LABELS,
        "shape (N,), got uint8 (5, 1)",
        id="2d",
    ),
    pytest.param(
        {
            "train_images_idx3_ubyte": _idx(np.zeros((0, 28, 28), np.uint8)),
            "train_labels_idx1_ubyte": _idx(np.zeros(0, np.uint8)),
        },
        IMAGES,
        "at least 1",
        id="no-images",
    ),
]


@pytest.mark.parametrize(("override", "named", "problem"), CORRUPT)
def test_a_corrupt_idx_file_is_named_with_what_is_wrong(tmp_path, rng, capsys, override, named, problem):
    folder = _write(tmp_path / "data", rng, **override)
    before = snapshot(tmp_path)
    argv = [*MNIST, "--data-dir", str(tmp_path / "data"), "--logdir", str(tmp_path / "runs")]
    code, out, err = run_main(argv, capsys)
    assert code == 2
    assert_one_line(err, "train.py: error: ", str(folder / named), problem)
    assert snapshot(tmp_path) == before and out == ""


@pytest.mark.parametrize(("override", "named", "problem"), CORRUPT[:3])
def test_both_twins_loaders_give_the_strict_readers_message(tmp_path, rng, override, named, problem):
    _write(tmp_path, rng, **override)
    for load in (plain.load_dataset, lambda *a, **k: tv.load_dataset(*a, download=False, **k)):
        with pytest.raises(DataError, match=problem):
            load("mnist", data_dir=tmp_path)


def test_a_gz_file_that_is_not_gzip(tmp_path, rng, capsys):
    folder = _write(tmp_path / "data", rng, train_labels_idx1_ubyte=None)
    (folder / f"{LABELS}.gz").write_bytes(b"not gzip at all")
    before = snapshot(tmp_path)
    code, _, err = run_main(
        [*MNIST, "--data-dir", str(tmp_path / "data"), "--logdir", str(tmp_path / "r")], capsys
    )
    assert code == 2
    assert_one_line(err, f"{folder / LABELS}.gz: not a readable gzip file")
    assert snapshot(tmp_path) == before


def test_a_missing_file_is_named_and_a_failed_download_creates_nothing(tmp_path, rng, capsys, monkeypatch):
    def offline(self):
        raise RuntimeError("Error downloading train-labels-idx1-ubyte.gz: <urlopen error no network>")

    monkeypatch.setattr(torchvision.datasets.MNIST, "download", offline)
    _write(tmp_path / "data", rng, t10k_labels_idx1_ubyte=None)
    before = snapshot(tmp_path)
    code, _, err = run_main(
        [*MNIST, "--data-dir", str(tmp_path / "data"), "--logdir", str(tmp_path / "r")], capsys
    )
    assert code == 2
    line = assert_one_line(err, "t10k-labels-idx1-ubyte(.gz) not in", "cannot be downloaded here")
    assert "train-images" not in line, "only the missing file is named"
    assert snapshot(tmp_path) == before


def test_valid_files_train_both_twins_from_the_same_reader(tmp_path, rng, capsys):
    _write(tmp_path / "data", rng)
    gz = plain.idx_raw_folder("mnist", tmp_path / "data") / IMAGES
    gz.with_name(f"{IMAGES}.gz").write_bytes(gzip.compress(gz.read_bytes()))
    gz.unlink()  # one file compressed: both forms are read
    before = snapshot(tmp_path / "data")
    argv = [*MNIST, "--data-dir", str(tmp_path / "data"), "--logdir", str(tmp_path / "runs")]
    code, out, err = run_main(argv, capsys)
    assert code == 0, err
    assert "parity: PASS" in out
    assert snapshot(tmp_path / "data") == before, "reading creates nothing in the data folder"


def test_a_file_as_data_dir_is_named_as_a_file_not_as_a_folder_without_the_files(tmp_path, capsys):
    (tmp_path / "data").write_text("not a folder")
    before = snapshot(tmp_path)
    code, _, err = run_main(
        [*MNIST, "--data-dir", str(tmp_path / "data"), "--logdir", str(tmp_path / "r")], capsys
    )
    assert code == 2
    assert_one_line(
        err, "--data-dir: expected a folder that has MNIST/raw/, got the file", str(tmp_path / "data")
    )
    assert snapshot(tmp_path) == before
