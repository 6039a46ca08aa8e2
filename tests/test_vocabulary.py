"""The vocabulary holds across the public API: no public signature uses a retired keyword, and every
retired keyword a function used to take still works through its deprecation alias."""

from __future__ import annotations

import importlib
import inspect
import warnings

import pytest

import analysis
from analysis.deprecation import RETIRED
from messages import says

#: names that meant something else (or shadowed a built-in) before the vocabulary issue
RETIRED_NAMES = {"ci", "id", "groups", "covariates", "item_columns", "type", "range", "n_obs", "pvalue"}
PACKAGES = ["analysis", "analysis.models", "analysis.psychometrics", "analysis.teams", "analysis.screening",
            "analysis.findings", "analysis.goals", "analysis.scoring", "analysis.io", "analysis.datasets"]


def _public_callables():
    seen = {}
    for name in PACKAGES:
        mod = importlib.import_module(name)
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            if inspect.isfunction(obj) or (callable(obj) and not inspect.isclass(obj)):
                seen[f"{name}.{attr}"] = obj
    return seen


FUNCTIONS = _public_callables()


def test_the_public_api_is_walked():
    assert len(FUNCTIONS) > 60
    assert "analysis.mediation" in FUNCTIONS and "analysis.reliability" in FUNCTIONS


@pytest.mark.parametrize("qualname", sorted(FUNCTIONS))
def test_no_retired_keyword_in_a_public_signature(qualname):
    try:
        params = inspect.signature(FUNCTIONS[qualname]).parameters
    except (TypeError, ValueError):
        pytest.skip("no signature")
    bad = sorted(set(params) & RETIRED_NAMES)
    assert not bad, f"{qualname} still takes {bad}; use the vocabulary (docs/architecture.md) with @renamed"


def test_every_alias_points_to_a_current_keyword():
    for qualname, fn in FUNCTIONS.items():
        aliases = getattr(fn, "__renamed__", {})
        if not aliases:
            continue
        params = inspect.signature(fn).parameters
        for old, new in aliases.items():
            assert new in params, f"{qualname}: alias {old!r} → {new!r}, which the function does not take"
            assert old in RETIRED


def test_an_old_keyword_still_works_and_warns():
    import pandas as pd

    df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = analysis.correlations(df, ["a", "b"], missing="listwise")
    assert any(issubclass(w.category, FutureWarning) and "nan_policy" in str(w.message) for w in caught)
    new = analysis.correlations(df, ["a", "b"], nan_policy="listwise")
    pd.testing.assert_frame_equal(old.long, new.long)


def test_the_old_id_flag_still_works_with_a_note(tmp_path, capsys):
    from analysis.cli import main
    from analysis.datasets import dataset_path

    out = tmp_path / "s.csv"
    code = main(["score", str(dataset_path("demo")), "--instrument", "agq-r", "--columns", "agq_{n}",
                 "--response-min", "1", "--response-max", "7", "--missing", "-99", "--id", "respondent_id",
                 "-o", str(out)])
    assert code == 0
    assert says(capsys.readouterr().err, "--id is renamed --id-column")
    import pandas as pd
    assert pd.read_csv(out, dtype=str).columns[0] == "respondent_id"


@pytest.mark.parametrize("old, new, name", [
    ("analysis.teams.privacy", "analysis.anonymity.privacy", "plan_suppression"),
    ("analysis.teams.disclosure", "analysis.anonymity.disclosure", "audit_disclosure"),
    ("analysis.report.apa", "analysis.formatting.apa", "apa_num"),
])
def test_a_moved_module_still_imports_for_one_release_with_a_warning(old, new, name):
    import importlib
    import sys

    sys.modules.pop(old, None)
    with pytest.warns(FutureWarning) as caught:
        module = importlib.import_module(old)
    assert [str(w.message) for w in caught] == [
        f"{old} is moved to {new}; the old path stops working in the next release"]
    assert getattr(module, name) is getattr(importlib.import_module(new), name)
