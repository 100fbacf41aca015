"""The concept registry is complete: every concept has both twins and a test that names it, and the
README's concept table is the one the registry generates."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from twin_nets.concepts import CONCEPTS, markdown_table

ROOT = Path(__file__).resolve().parents[1]


def resolve(dotted: str) -> object:
    """Import the longest importable module prefix of ``dotted``, then walk the attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(dotted)


IDS = [c.id for c in CONCEPTS]


def test_concept_ids_are_unique_and_well_formed():
    assert len(IDS) == len(set(IDS))
    for concept_id in IDS:
        assert re.fullmatch(r"C\d(\.\d)*-[a-z0-9-]+", concept_id), concept_id


@pytest.mark.parametrize("concept", CONCEPTS, ids=IDS)
def test_concept_has_both_twins(concept):
    assert concept.scratch and concept.torch, f"{concept.id}: a twin is missing"
    for path in concept.scratch:
        assert path.startswith("scratch."), f"{concept.id}: {path} is not in the scratch twin"
    for path in (*concept.scratch, *concept.torch):
        try:
            resolve(path)
        except (ModuleNotFoundError, AttributeError) as error:
            pytest.fail(f"{concept.id}: {path} does not exist ({error})")


@pytest.mark.parametrize("concept", CONCEPTS, ids=IDS)
def test_concept_has_a_parity_test_that_names_it(concept):
    assert concept.tests, f"{concept.id}: no test listed"
    for test_file in concept.tests:
        path = ROOT / test_file
        assert path.is_file(), f"{concept.id}: test file {test_file} does not exist"
        assert concept.id in path.read_text(encoding="utf-8"), f"{concept.id}: {test_file} never names it"


def test_readme_concept_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README's concept table is stale: run `python -m twin_nets.concepts`"
