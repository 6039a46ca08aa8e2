"""The shipped datasets are the files under data/raw/, byte for byte, and read as exports."""

import doctest

import pytest

import analysis.datasets as ds
from analysis.datasets import dataset_path, list_datasets, read_dataset, study_path
from analysis.errors import DataError

from conftest import ROOT

RAW = {"demo/responses.csv", "demo/study.yaml", "demo/README.md", "demo/keys/disorganization.yaml",
       "staff_demo/responses.csv", "staff_demo/responses_wave2.csv", "staff_demo/README.md",
       "pisa_demo/responses.csv"}


@pytest.mark.parametrize("rel", sorted(RAW))
def test_packaged_copy_equals_data_raw(rel):
    assert (ds._HERE / rel).read_bytes() == (ROOT / "data" / "raw" / rel).read_bytes(), \
        f"run: cp data/raw/{rel} analysis/datasets/data/{rel}"


def test_read_and_list():
    assert read_dataset("staff_demo").shape[0] == (ROOT / "data/raw/staff_demo/responses.csv").read_text().count("\n") - 1
    assert set(list_datasets()["name"]) == {"demo", "staff_demo", "staff_demo_wave2", "pisa_demo"}
    assert study_path("demo").name == "study.yaml" and dataset_path("demo").is_file()
    with pytest.raises(DataError, match="name='nope' is not a shipped dataset; shipped: "):
        dataset_path("nope")

