"""Issue 9 item 5: every model entry point analyses the respondents screening kept (column
``excluded``), says how many it left out, and takes include_excluded=True / --include-excluded.

References: screened.R on screened_bfi.csv (make_screened_fixture.py) for correlations and lm; for
the other entry points the result on the screened file must equal, exactly, the result on the kept
rows alone (which their own test files check against R).
"""

import doctest

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal

from analysis.cli import main
from analysis.errors import DataError
from analysis.models import (correlations, goal_profiles, hierarchical_regression,
                             logistic_regression, mediation, mixed_model, moderated_mediation, moderation,
                             partial_correlation, regression, setback_recovery, wide_to_long)
from analysis.models._common import screened_sample

from .conftest import REF, load_csv, load_json

SCREENED = load_csv("screened_bfi.csv")
RREF = load_json("screened.json")
KEPT = SCREENED[~SCREENED["excluded"]]
N_OUT = 14


def test_fixture_as_written():
    assert SCREENED["excluded"].dtype == bool
    assert len(SCREENED) == RREF["n_rows"] == 2814 and int(SCREENED["excluded"].sum()) == RREF["n_excluded"] == N_OUT


def _cmp_cor(long_row, ref):
    assert long_row.n == ref["n"] and long_row.df == ref["df"]
    for c in ["r", "ci_low", "ci_high", "t"]:
        assert getattr(long_row, c) == pytest.approx(ref[c], abs=1e-9), c
    assert long_row.p_val == pytest.approx(ref["p_val"], rel=1e-7)


def test_correlations_leave_out_excluded_as_r():
    ct = correlations(SCREENED, ["A", "N"])
    _cmp_cor(next(ct.long.itertuples()), RREF["kept"]["cor_A_N"])
    assert ct.n_excluded_by_screening == N_OUT and not ct.include_excluded
    assert ct.sample_note == "2800 analysed (14 excluded by screening)"
    assert "respondents: 2800 analysed (14 excluded by screening)" in ct.note
    assert ct.descriptives.n.tolist() == [2800, 2800]


def test_correlations_include_excluded_as_r():
    ct = correlations(SCREENED, ["A", "N"], include_excluded=True)
    _cmp_cor(next(ct.long.itertuples()), RREF["all"]["cor_A_N"])
    assert ct.n_excluded_by_screening == 0 and ct.include_excluded
    assert ct.sample_note == "2814 analysed (including the 14 excluded by screening: include_excluded=True)"


@pytest.mark.parametrize("which", ["kept", "all"])
def test_regression_as_r(which):
    res = regression(SCREENED, "N", ["A", "C", "E", "O"], include_excluded=which == "all")
    ref = pd.DataFrame(RREF[which]["lm"])
    co = res.coefficients
    assert res.n == ref.n.iloc[0]
    for c in ["estimate", "se", "t", "ci_low", "ci_high"]:
        assert_allclose(co[c], ref[c], atol=1e-9, rtol=0, err_msg=c)
    assert_allclose(co.p_val, ref.p_val, rtol=1e-7, atol=1e-300)
    assert res.n_excluded_by_screening == (N_OUT if which == "kept" else 0)


# every entry point: result on the screened file == result on the kept rows (exactly the same numbers)
def _frames(res):
    for name in ("long", "descriptives", "coefficients", "paths", "steps", "fixed_effects", "random_effects",
                 "simple_slopes", "fit", "means", "interactions"):
        v = getattr(res, name, None)
        if isinstance(v, pd.DataFrame):
            yield name, v.reset_index(drop=True)


SLEEP = load_csv("sleepstudy.csv")
SLEEP_S = pd.concat([SLEEP.assign(excluded=False),
                     SLEEP.iloc[::30].assign(Reaction=lambda d: 600 - d.Reaction, excluded=True)]).sort_index(
    kind="stable").reset_index(drop=True)
DEMO = load_csv("demo_exams.csv")
DEMO_S = pd.concat([DEMO.assign(excluded=False),
                    DEMO.iloc[::40].assign(id=lambda d: d.id + "x", exam3=lambda d: 100 - d.exam3,
                                           mastery_approach=lambda d: 8 - d.mastery_approach, excluded=True)]
                   ).sort_index(kind="stable").reset_index(drop=True)
GOALS = ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]

CALLS = {
    "correlations": (SCREENED, lambda d, **k: correlations(d, ["A", "C", "N"], covar="age", **k)),
    "regression": (SCREENED, lambda d, **k: regression(d, formula="N ~ A * C + age", **k)),
    "hierarchical_regression": (SCREENED, lambda d, **k: hierarchical_regression(
        d, "N", [["age", "gender"], ["A", "C"]], **k)),
    "logistic_regression": (SCREENED, lambda d, **k: logistic_regression(d, "N", ["A", "C"], threshold=4, **k)),
    "mediation": (SCREENED, lambda d, **k: mediation(d, "C", ["A", "E"], "N", n_boot=300, seed=4, **k)),
    "moderation": (SCREENED, lambda d, **k: moderation(d, x="E", w="C", y="N", **k)),
    "moderated_mediation": (SCREENED, lambda d, **k: moderated_mediation(d, x="C", m="A", y="N", w="E",
                                                                         n_boot=300, seed=1, **k)),
    "goal_profiles": (DEMO_S, lambda d, **k: goal_profiles(d, GOALS, k_max=2, k=2, n_init=2, seed=1, **k)),
    "mixed_model": (SLEEP_S, lambda d, **k: mixed_model(d, "Reaction ~ Days", group="Subject", **k)),
    "setback_recovery": (DEMO_S, lambda d, **k: setback_recovery(d, ["exam1", "exam2", "exam3"],
                                                                 "mastery_approach", id_column="id", **k)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_entry_point_analyses_the_kept_respondents(name):
    data, call = CALLS[name]
    n_out = int(data["excluded"].sum())
    kept = data[~data["excluded"]].drop(columns=["excluded"])
    res = call(data)
    alone = call(kept)
    assert res.n_excluded_by_screening == n_out > 0 and alone.n_excluded_by_screening == 0
    assert res.sample_note == f"{len(data) - n_out} analysed ({n_out} excluded by screening)"
    assert alone.sample_note == ""  # no screening column: nothing to say
    compared = 0
    for (a, fa), (b, fb) in zip(_frames(res), _frames(alone)):
        assert a == b
        assert_frame_equal(fa, fb, check_exact=False, rtol=0, atol=1e-12)
        compared += 1
    assert compared > 0
    everyone = call(data, include_excluded=True)
    assert everyone.include_excluded and everyone.n_excluded_by_screening == 0
    assert "including the" in everyone.sample_note
    # the excluded rows change the numbers: the default is not a no-op
    differs = []
    for (_, fe), (_, fr) in zip(_frames(everyone), _frames(res)):
        num = fr.select_dtypes("number").columns
        differs.append(fe.shape != fr.shape or
                       not np.allclose(fe[num].to_numpy(float), fr[num].to_numpy(float), equal_nan=True))
    assert any(differs)


def test_dataframe_entry_points_record_on_attrs():
    p = partial_correlation(SCREENED, "A", "N", covar="age")
    assert p.n_excluded_by_screening == N_OUT and p.n == KEPT[["A", "N", "age"]].dropna().shape[0]
    assert p.n_excluded == len(SCREENED) - p.n
    m = mediation(SCREENED, "C", "A", "N", n_boot=200, seed=1)
    assert m.sample_note == "2800 analysed (14 excluded by screening)"
    assert_frame_equal(m.table(), mediation(KEPT.drop(columns="excluded"), "C", "A", "N", n_boot=200, seed=1).table())
    long = wide_to_long(DEMO_S, ["exam1", "exam2"], id_column="id", keep=["mastery_approach"])
    assert len(long) == 2 * len(DEMO) and long.attrs["n_excluded_by_screening"] == int(DEMO_S.excluded.sum())
    assert len(wide_to_long(DEMO_S, ["exam1", "exam2"], id_column="id", include_excluded=True)) == 2 * len(DEMO_S)


@pytest.mark.parametrize("values, expect", [
    (["True", "False", "false", "TRUE"], [True, False, False, True]),
    ([1, 0, 0, 1], [True, False, False, True]),
    ([1.0, 0.0, 0.0, 1.0], [True, False, False, True]),
    (pd.array([True, False, False, True], dtype="boolean"), [True, False, False, True]),
    (["yes", "no", "no", "no"], [True, False, False, False]),
])
def test_excluded_column_spellings(values, expect):
    d = pd.DataFrame({"x": [1.0, 2, 3, 4], "excluded": values})
    s = screened_sample(d)
    assert s.data.index.tolist() == [i for i, e in enumerate(expect) if not e]
    assert s.n_excluded_by_screening == sum(expect)


@pytest.mark.parametrize("bad, shown", [("maybe", "value 'maybe'"), (None, "value '' (empty)"), (2, "value '2'")])
def test_excluded_column_with_other_values_is_a_clear_error(bad, shown):
    d = pd.DataFrame({"x": [1.0, 2, 3, 4], "excluded": [False, bad, True, False]}, dtype=object)
    d.attrs.update(source="scores.csv", first_row=2)
    with pytest.raises(DataError) as e:
        screened_sample(d, what="correlations")
    msg = str(e.value)
    assert "correlations: file 'scores.csv', row 3, column 'excluded', " + shown + " is neither True nor False" in msg
    assert "must be True or False" in msg


def test_everyone_excluded_and_bad_flag_are_errors():
    d = pd.DataFrame({"x": [1.0, 2], "y": [2.0, 1], "excluded": [True, True]})
    with pytest.raises(DataError, match="column 'excluded' is True for every one of the 2 respondents"):
        correlations(d, ["x", "y"])
    with pytest.raises(DataError, match="include_excluded='yes' is neither True nor False"):
        regression(d, "y", ["x"], include_excluded="yes")


# the commands: a line on stdout, --include-excluded
SCORES = str(REF / "screened_bfi.csv")


def test_correlations_command_says_how_many(tmp_path, capsys):
    out = tmp_path / "corr.csv"
    assert main(["correlations", SCORES, "--columns", "A,N", "-o", str(out)]) == 0
    assert "respondents: 2800 analysed (14 excluded by screening)" in capsys.readouterr().out
    _cmp_cor(next(pd.read_csv(out).itertuples()), RREF["kept"]["cor_A_N"])
    assert main(["correlations", SCORES, "--columns", "A,N", "--include-excluded", "-o", str(out)]) == 0
    assert "2814 analysed (including the 14 excluded by screening" in capsys.readouterr().out
    _cmp_cor(next(pd.read_csv(out).itertuples()), RREF["all"]["cor_A_N"])


def test_mediation_command_says_how_many(tmp_path, capsys):
    out = tmp_path / "med.csv"
    assert main(["mediation", SCORES, "--x", "C", "--m", "A", "--y", "N", "--n-boot", "200", "--seed", "1",
                 "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "respondents: 2800 analysed (14 excluded by screening)" in text and "(N = 2800;" in text
    got = pd.read_csv(out)
    ref = mediation(KEPT.drop(columns="excluded"), "C", "A", "N", n_boot=200, seed=1)
    assert_allclose(got.estimate, ref.estimate, atol=1e-12, rtol=0)
    assert main(["mediation", SCORES, "--x", "C", "--m", "A", "--y", "N", "--n-boot", "200", "--seed", "1",
                 "--include-excluded"]) == 0
    assert "(N = 2814;" in capsys.readouterr().out


# the case: the demo's processed scores (15 of 400 excluded by screening)
@pytest.fixture(scope="module")
def demo_scores(tmp_path_factory):
    from analysis.study import run_study
    from tests.conftest import ROOT

    base = tmp_path_factory.mktemp("demo_screened")
    res = run_study(ROOT / "data/raw/demo/study.yaml", processed_dir=base / "p", reports_dir=base / "r")
    return res, base / "p" / "scores.csv"


def test_demo_scores_analyse_the_385_kept(demo_scores, capsys):
    from analysis.io import read_responses

    res, path = demo_scores
    scores = read_responses(path)
    # the reader keeps the True/False text as written; the kept-respondent rule reads it
    assert len(scores) == 400 and int((scores["excluded"] == "True").sum()) == 15 and len(res.analysed) == 385
    cols = ["goals_mastery_approach", "procr_total"]
    ct = correlations(scores, cols)
    assert ct.sample_note == "385 analysed (15 excluded by screening)"
    assert_frame_equal(ct.long, correlations(res.analysed.drop(columns="excluded"), cols).long,
                       check_exact=False, rtol=0, atol=1e-12)
    assert ct.long.n.item() == res.analysed[cols].dropna().shape[0]
    assert main(["correlations", str(path), "--columns", ",".join(cols)]) == 0
    assert "respondents: 385 analysed (15 excluded by screening)" in capsys.readouterr().out
    assert main(["correlations", str(path), "--columns", ",".join(cols), "--include-excluded"]) == 0
    assert "400 analysed (including the 15 excluded by screening" in capsys.readouterr().out


@pytest.mark.parametrize("fn", [correlations, partial_correlation, regression, hierarchical_regression,
                                logistic_regression, mediation, moderation, moderated_mediation,
                                goal_profiles, mixed_model, setback_recovery, wide_to_long])
def test_every_entry_point_documents_and_accepts_include_excluded(fn):
    import inspect

    p = inspect.signature(fn).parameters["include_excluded"]
    assert p.default is False and p.kind is inspect.Parameter.KEYWORD_ONLY
    if "Parameters\n    ----------" in (fn.__doc__ or ""):
        assert "    include_excluded : bool\n        Also analyse the respondents that screening excluded" in fn.__doc__


def test_nested_entry_points_screen_once():
    # setback_recovery calls wide_to_long and mixed_model: with include_excluded=True every person stays
    exams = ["exam1", "exam2", "exam3"]

    def persons(d):  # persons with at least one exam and a goal score
        return int((d[exams].notna().any(axis=1) & d["mastery_approach"].notna()).sum())

    res = setback_recovery(DEMO_S, exams, "mastery_approach", id_column="id", include_excluded=True)
    assert res.mixed.n_groups == persons(DEMO_S) and res.mixed.sample is None  # the inner call did not screen
    res = setback_recovery(DEMO_S, exams, "mastery_approach", id_column="id")
    assert res.mixed.n_groups == persons(DEMO) and res.n_excluded_by_screening == int(DEMO_S.excluded.sum())
    assert persons(DEMO_S) > persons(DEMO)
