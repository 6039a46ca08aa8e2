"""One meaning per keyword in the models station (issue 10, item 1).

Every renamed keyword (``missing`` → ``nan_policy``, ``alpha`` → ``reliabilities``, ``ci`` →
``ci_method`` / ``show_ci``, ``id`` → ``id_column``, ``groups`` → ``group``) and every renamed
CLI flag keeps working for one release with a FutureWarning naming the new one, and gives exactly
the result of the new name. ``seed=None`` draws a fresh seed that the result states.
"""

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import analysis.models as models
from analysis.cli import main
from analysis.models import (correlations, fit_mediation, goal_profiles, mediation, mixed_model,
                             moderated_mediation, setback_recovery, wide_to_long)

from .conftest import REF
from messages import says

BFI = pd.read_csv(REF / "bfi_scales.csv")
SAT = pd.read_csv(REF / "sat_act.csv")
SLEEP = pd.read_csv(REF / "sleepstudy.csv")
DEMO = pd.read_csv(REF / "demo_exams.csv")
DEMO_CSV = str(REF / "demo_exams.csv")
EXAMS = ["exam1", "exam2", "exam3"]
GOALS = ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]


def old_and_new(fn, old: dict, new: dict, *args, **common):
    """Call ``fn`` with the old keyword (must warn, naming the new one) and with the new one."""
    (old_name,), (new_name,) = old, new
    with pytest.warns(FutureWarning, match=f"'{old_name}' is renamed '{new_name}'"):
        a = fn(*args, **old, **common)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # the new name never warns
        b = fn(*args, **new, **common)
    return a, b


def test_correlations_missing_is_nan_policy():
    a, b = old_and_new(correlations, {"missing": "listwise"}, {"nan_policy": "listwise"}, SAT,
                       ["age", "ACT", "SATQ"])
    assert_frame_equal(a.long, b.long)
    assert b.long["n"].tolist() == [687, 687, 687]  # listwise: one sample (psych corr.test on na.omit)


def test_correlations_alpha_is_reliabilities():
    rel = {"A": 0.70, "C": 0.72}
    a, b = old_and_new(correlations, {"alpha": rel}, {"reliabilities": rel}, BFI, ["A", "C", "E"])
    assert_frame_equal(a.descriptives, b.descriptives)
    assert b.descriptives["alpha"].tolist()[:2] == [0.70, 0.72]


def test_correlation_table_ci_is_show_ci():
    ct = correlations(BFI, ["A", "C"])
    for method in ("apa_table", "to_markdown", "to_html"):
        a, b = old_and_new(getattr(ct, method), {"ci": True}, {"show_ci": True})
        assert (a.equals(b) if isinstance(a, pd.DataFrame) else a == b), method
    assert "[" in ct.apa_table(show_ci=True).iloc[1, 3]
    # table() is the tidy pairs now; with the old formatting arguments it still gives the matrix
    with pytest.warns(FutureWarning, match=r"CorrelationTable.table\(show_ci=..., digits=..., stars=...\) is renamed "
                                           r"CorrelationTable.apa_table"):
        assert ct.table(show_ci=True).equals(ct.apa_table(show_ci=True))
    assert list(ct.table().columns[:2]) == ["x", "y"] and "estimate" in ct.table()


def test_fit_mediation_is_the_old_name_of_mediation():
    with pytest.warns(FutureWarning, match=r"analysis.models.fit_mediation\(\) is renamed analysis.models.mediation\(\)"):
        old = fit_mediation(BFI, x="C", m=["A"], y="N", n_boot=300, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        new = mediation(BFI, x="C", m=["A"], y="N", n_boot=300, seed=5)
    assert type(old) is type(new)
    pd.testing.assert_frame_equal(old.table(), new.table())
    with pytest.warns(FutureWarning):       # its retired keyword still works too
        assert fit_mediation(BFI, x="C", m=["A"], y="N", n_boot=300, seed=5, ci="bca").ci_method == "bca"


@pytest.mark.parametrize("fn", [mediation])
def test_mediation_ci_is_ci_method(fn):
    a, b = old_and_new(fn, {"ci": "bca"}, {"ci_method": "bca"}, BFI, x="C", m=["A"], y="N",
                       n_boot=500, seed=5)
    a, b = (a, b) if isinstance(a, pd.DataFrame) else (a.paths, b.paths)
    assert_frame_equal(a, b)


def test_mediation_result_ci_attribute_is_ci_method():
    res = mediation(BFI, x="C", m=["A"], y="N", n_boot=200, seed=1, ci_method="bca")
    assert res.ci_method == "bca"
    with pytest.warns(FutureWarning, match="MediationResult.ci is renamed MediationResult.ci_method"):
        assert res.ci == "bca"


def test_moderated_mediation_ci_is_ci_method():
    a, b = old_and_new(moderated_mediation, {"ci": "bca"}, {"ci_method": "bca"}, BFI, x="C", m="A", y="N",
                       w="E", n_boot=300, seed=2)
    assert_frame_equal(a.paths, b.paths)
    assert b.ci_method == "bca" and b.seed == 2
    with pytest.warns(FutureWarning, match="ModeratedMediationResult.ci is renamed"):
        assert b.ci == "bca"


def test_wide_to_long_id_is_id_column():
    a, b = old_and_new(wide_to_long, {"id": "id"}, {"id_column": "id"}, DEMO, EXAMS, keep=["mastery_approach"])
    assert_frame_equal(a, b)
    assert list(b.columns[:2]) == ["id", "occasion"]


def test_setback_recovery_id_is_id_column():
    a, b = old_and_new(setback_recovery, {"id": "id"}, {"id_column": "id"}, DEMO, EXAMS, "mastery_approach")
    assert_frame_equal(a.fixed_effects, b.fixed_effects)


def test_mixed_model_groups_is_group():
    a, b = old_and_new(mixed_model, {"groups": "Subject"}, {"group": "Subject"}, SLEEP, "Reaction ~ Days")
    assert_frame_equal(a.fixed_effects, b.fixed_effects)
    assert_frame_equal(a.random_effects, b.random_effects)
    assert b.n == 180 and b.group == "Subject"
    with pytest.warns(FutureWarning, match="MixedResult.n_obs is renamed MixedResult.n"):
        assert b.n_obs == 180
    with pytest.warns(FutureWarning, match="MixedResult.groups is renamed MixedResult.group"):
        assert b.groups == "Subject"


def test_old_and_new_name_together_is_an_error():
    with pytest.raises(TypeError, match="give 'group' only"):
        mixed_model(SLEEP, "Reaction ~ Days", group="Subject", groups="Subject")


def test_no_retired_keyword_without_its_alias():
    """The public functions of the station take the vocabulary's names; a retired name appears only
    as a deprecation alias (``__renamed__``), never as a parameter."""
    retired = {"missing", "alpha", "ci", "id", "groups", "covariates", "centre_within_teams"}
    for name in models.__all__:
        obj = getattr(models, name)
        targets = [obj] if inspect.isfunction(obj) else [m for _, m in inspect.getmembers(obj, inspect.isfunction)
                                                         if not m.__name__.startswith("_")]
        for fn in targets:
            params = set(inspect.signature(fn).parameters)
            assert not params & retired, (name, fn.__name__, params & retired)


# --- seeds ---------------------------------------------------------------------------------------
def test_goal_profiles_seed_defaults_to_none_and_is_stated():
    assert inspect.signature(goal_profiles).parameters["seed"].default is None
    fresh = goal_profiles(DEMO, GOALS, k_max=2, n_init=2)
    assert isinstance(fresh.seed, int) and 0 <= fresh.seed < 2 ** 32
    again = goal_profiles(DEMO, GOALS, k_max=2, n_init=2, seed=fresh.seed)  # the stated seed repeats the run
    assert again.seed == fresh.seed
    assert_frame_equal(fresh.fit_indices, again.fit_indices)
    assert goal_profiles(DEMO, GOALS, k_max=2, n_init=2, seed=7).seed == 7


def test_goal_profiles_bad_seed_is_a_clear_error():
    from analysis.errors import DataError
    with pytest.raises(DataError, match="goal_profiles: seed=-1 is not a seed"):
        goal_profiles(DEMO, GOALS, k_max=2, seed=-1)


def test_mediation_seed_none_is_stated_and_repeatable():
    fresh = mediation(BFI, x="C", m=["A"], y="N", n_boot=300)
    assert isinstance(fresh.seed, int)
    again = mediation(BFI, x="C", m=["A"], y="N", n_boot=300, seed=fresh.seed)
    assert_frame_equal(fresh.paths, again.paths)
    assert np.array_equal(fresh.boot.to_numpy(), again.boot.to_numpy())


# --- command line --------------------------------------------------------------------------------
def _run(argv, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        code = main(argv)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_cli_correlations_old_flags_warn_and_match(tmp_path, capsys):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    cols = ["correlations", DEMO_CSV, "--columns", "mastery_approach,phq9,exam1"]
    code, _, err = _run(cols + ["--alpha", "mastery_approach=.8", "--missing", "listwise", "--ci", "-o", str(old)],
                        capsys)
    assert code == 0
    for o, n in (("--alpha", "--reliabilities"), ("--missing", "--nan-policy"), ("--ci", "--show-ci")):
        assert says(err, f"{o} is renamed {n}")
    code, _, err = _run(cols + ["--reliabilities", "mastery_approach=.8", "--nan-policy", "listwise", "--show-ci",
                                "-o", str(new)], capsys)
    assert code == 0 and "renamed" not in err
    assert old.read_text() == new.read_text()
    assert "(.80)" in new.read_text() and " [" in new.read_text()


def test_cli_mediation_ci_is_ci_method(tmp_path, capsys):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    base = ["mediation", DEMO_CSV, "--x", "mastery_approach", "--m", "exam2", "--y", "exam3", "--n-boot", "300",
            "--seed", "3"]
    code, out, err = _run(base + ["--ci", "bca", "-o", str(old)], capsys)
    assert code == 0 and says(err, "--ci is renamed --ci-method") and "seed: 3" in out
    code, _, err = _run(base + ["--ci-method", "bca", "-o", str(new)], capsys)
    assert code == 0 and "renamed" not in err
    assert old.read_bytes() == new.read_bytes()


def test_cli_mediation_states_a_drawn_seed(capsys):
    code, out, _ = _run(["mediation", DEMO_CSV, "--x", "mastery_approach", "--m", "exam2", "--y", "exam3",
                         "--n-boot", "200"], capsys)
    assert code == 0 and "(drawn; pass --seed to repeat this run)" in out


@pytest.mark.parametrize("command, hidden, shown", [
    ("correlations", ["--alpha ", "--missing ", "--ci "], ["--reliabilities", "--nan-policy", "--show-ci"]),
    ("mediation", ["--ci "], ["--ci-method"]),
])
def test_cli_old_flags_are_hidden(command, hidden, shown, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert all(h not in text for h in hidden) and all(s in text for s in shown)


def test_cli_bad_reliability_names_the_flag_given(capsys):
    code_err = []
    for flag in ("--reliabilities", "--alpha"):
        with pytest.raises(SystemExit) as e:
            _run(["correlations", DEMO_CSV, "--columns", "mastery_approach,phq9", flag, "mastery_approach"], capsys)
        code_err.append((e.value.code, capsys.readouterr().err))
    assert code_err[0][0] == 2 and "--reliabilities 'mastery_approach': write column=value pairs" in code_err[0][1]
    assert code_err[1][0] == 2 and "--alpha 'mastery_approach': write column=value pairs" in code_err[1][1]


def test_cli_level_is_the_confidence_level(tmp_path, capsys):
    """``--level`` (the vocabulary's confidence level) reaches the library unchanged."""
    out = tmp_path / "corr.csv"
    code, _, _ = _run(["correlations", DEMO_CSV, "--columns", "mastery_approach,phq9", "--level", "0.9",
                       "-o", str(out)], capsys)
    assert code == 0
    ref = correlations(DEMO, ["mastery_approach", "phq9"], level=0.9).long
    got = pd.read_csv(out)
    assert got[["ci_low", "ci_high"]].to_numpy() == pytest.approx(ref[["ci_low", "ci_high"]].to_numpy(), abs=1e-12)
    med = tmp_path / "med.csv"
    code, _, _ = _run(["mediation", DEMO_CSV, "--x", "mastery_approach", "--m", "exam2", "--y", "exam3",
                       "--n-boot", "200", "--seed", "2", "--level", "0.9", "-o", str(med)], capsys)
    assert code == 0
    ref = mediation(DEMO, "mastery_approach", ["exam2"], "exam3", n_boot=200, seed=2, level=0.9).paths
    assert pd.read_csv(med)[["ci_low", "ci_high"]].to_numpy() == pytest.approx(
        ref[["ci_low", "ci_high"]].to_numpy(), abs=1e-12)
    with pytest.raises(SystemExit) as e:
        main(["mediation", DEMO_CSV, "--x", "a", "--m", "b", "--y", "c", "--level", "95"])
    assert e.value.code == 2 and says(capsys.readouterr().err, "'95' is not a confidence level")


def test_count_mediation_seed_none_is_stated_and_repeatable():
    from analysis.errors import DataError
    from analysis.models import count_mediation
    quakes = pd.read_csv(REF / "counts_quakes.csv")
    fresh = count_mediation(quakes, "depth", "mag", "stations", family="poisson", n_boot=100)
    assert isinstance(fresh.seed, int)
    again = count_mediation(quakes, "depth", "mag", "stations", family="poisson", n_boot=100, seed=fresh.seed)
    assert_frame_equal(fresh.paths, again.paths)
    with pytest.raises(DataError, match="count_mediation: seed=1.5 is not a seed"):
        count_mediation(quakes, "depth", "mag", "stations", family="poisson", n_boot=100, seed=1.5)


def test_count_regression_takes_y_and_x_as_regression_does():
    """Issue 20: one name per role — count_regression(outcome, predictors) is count_regression(y, x)."""
    quine = pd.read_csv(REF / "counts_quine.csv")
    a, b = old_and_new(models.count_regression, {"outcome": "Days"}, {"y": "Days"}, quine, x=["Age"],
                       family="negative_binomial")
    assert_frame_equal(a.table(), b.table())
    a, b = old_and_new(models.count_regression, {"predictors": ["Age"]}, {"x": ["Age"]}, quine, "Days")
    assert_frame_equal(a.table(), b.table())
    assert list(inspect.signature(models.count_regression).parameters)[:3] == ["data", "y", "x"]


def test_team_climate_model_takes_y_and_x():
    from analysis.datasets import read_dataset
    from analysis.teams import team_climate_model

    staff = read_dataset("staff_demo")
    a, b = old_and_new(team_climate_model, {"outcome": "performance"}, {"y": "performance"}, staff,
                       x=["wdgo_1"], group="team")
    assert_frame_equal(a.table(), b.table())
    assert list(inspect.signature(team_climate_model).parameters)[:4] == ["data", "y", "x", "group"]
