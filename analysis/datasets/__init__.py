"""Datasets that ship with goalscope, so every example runs on data a user has too.

``read_dataset("demo")`` is the synthetic student survey of ``data/raw/demo/`` (a calibrated
simulation of the findings registry, ``scripts/make_demo.py``); ``read_dataset("staff_demo")`` the
synthetic staff survey (``scripts/make_staff_demo.py``; ``"staff_demo_wave2"`` its second wave);
``read_dataset("pisa_demo")`` a synthetic survey in PISA's shape, with a final weight, 80 Fay
replicate weights and 10 plausible values (``scripts/make_pisa_demo.py``).
``dataset_path(name)`` gives the file, ``study_path("demo")`` the demo's study file, and
:func:`list_datasets` says what ships. No real person is in any of them. The copies here are
byte-identical to the files under ``data/raw/`` (a test checks).

Examples
--------
>>> from analysis.datasets import list_datasets, read_dataset
>>> list_datasets()["name"].tolist()
['demo', 'staff_demo', 'staff_demo_wave2', 'pisa_demo']
>>> read_dataset("demo").shape[0]
400
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

_HERE = Path(__file__).resolve().parent / "data"
_FILES = {
    "demo": ("demo/responses.csv", "synthetic student survey: AGQ-R (1-7), PPS, disorganisation, Grit-S, PHQ-9, "
                                   "exams around a setback, a persistence count; careless respondents included"),
    "staff_demo": ("staff_demo/responses.csv", "synthetic staff survey: work-domain goal orientation (VandeWalle) by "
                                               "team, department and site"),
    "staff_demo_wave2": ("staff_demo/responses_wave2.csv", "the staff survey's second wave (turnover, moves, a new team)"),
    "pisa_demo": ("pisa_demo/responses.csv", "synthetic survey in PISA's shape: final and 80 Fay replicate weights, "
                                             "10 plausible values of a mathematics score, goal indices"),
}


def list_datasets() -> pd.DataFrame:
    """What ships: name, file and a one-line description.

    Examples
    --------
    >>> from analysis import list_datasets
    >>> list_datasets()[["name", "file"]]
                   name                            file
    0              demo                demo/responses.csv
    1        staff_demo          staff_demo/responses.csv
    2  staff_demo_wave2    staff_demo/responses_wave2.csv
    3         pisa_demo         pisa_demo/responses.csv

    R has no equivalent (the files are plain CSV: ``read.csv(file)``).
    """
    return pd.DataFrame([{"name": k, "file": v[0], "description": v[1]} for k, v in _FILES.items()])


def dataset_path(name: str) -> Path:
    """The file of a shipped dataset.

    Examples
    --------
    >>> from analysis.datasets import dataset_path
    >>> dataset_path("staff_demo").name
    'responses.csv'

    R: ``read.csv(path)`` reads it.
    """
    from ..errors import DataError

    if name not in _FILES:
        raise DataError("is not a shipped dataset", argument="name", value=name,
                        hint=f"shipped: {', '.join(_FILES)}")
    return _HERE / _FILES[name][0]


def study_path(name: str = "demo") -> Path:
    """The study file that goes with a shipped dataset (``demo``).

    Examples
    --------
    >>> from analysis.datasets import study_path
    >>> from analysis.study import load_study
    >>> load_study(study_path("demo")).name
    'demo'

    R has no equivalent (a study file is goalscope's own).
    """
    return dataset_path(name).parent / "study.yaml"


def read_dataset(name: str) -> pd.DataFrame:
    """A shipped dataset, read as an export is (:func:`analysis.read_responses`).

    Examples
    --------
    >>> from analysis import read_dataset
    >>> staff = read_dataset("staff_demo")
    >>> staff.shape, staff["team"].nunique()
    ((334, 22), 34)

    R: ``read.csv(system.file(...))``-style: ``read.csv(path, colClasses = c(employee_id = "character"))``.
    """
    from ..io import read_responses

    return read_responses(dataset_path(name))
