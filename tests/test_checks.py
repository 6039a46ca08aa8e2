"""Confidence levels and bootstrap counts: every entry point refuses the same bad values (issue 9, item 3)."""

import math

import numpy as np
import pandas as pd
import pytest

import analysis as gs
from analysis import DataError
from analysis.checks import check_level, check_n_boot
from analysis.cli import main

# integers only (no floating-point linear algebra): the checks fire before any computation
D = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6] * 5, "m": [2, 1, 4, 3, 6, 5] * 5, "y": [1, 3, 2, 5, 4, 6] * 5,
                  "w": [3, 1, 2, 3, 1, 2] * 5, "g": list("aabbcc") * 5, "b": [0, 1] * 15,
                  **{f"q{i}": [1, 2, 3, 4, 5, 3] * 5 for i in range(1, 13)}})

LEVEL_CALLS = {
    "correlations": lambda lv: gs.correlations(D, ["x", "y"], level=lv),
    "partial_correlation": lambda lv: gs.partial_correlation(D, "x", "y", "m", level=lv),
    "regression": lambda lv: gs.regression(D, "y", ["x"], level=lv),
    "hierarchical_regression": lambda lv: gs.hierarchical_regression(D, "y", [["x"], ["m"]], level=lv),
    "logistic_regression": lambda lv: gs.logistic_regression(D, "b", ["x"], level=lv),
    "mixed_model": lambda lv: gs.mixed_model(D, "y ~ x", group="g", level=lv),
    "setback_recovery": lambda lv: gs.setback_recovery(D, ["x", "m", "y"], ["w"], level=lv),
    "team_climate_model": lambda lv: gs.team_climate_model(D, "y", ["x"], "g", level=lv),
    "moderation": lambda lv: gs.moderation(D, "x", "w", "y", level=lv),
    "moderated_mediation": lambda lv: gs.moderated_mediation(D, "x", "m", "y", "w", level=lv, n_boot=1000),
    "mediation": lambda lv: gs.mediation(D, "x", "m", "y", level=lv, n_boot=1000),
    "reliability": lambda lv: gs.reliability(D, "agq-r", columns="q{n}", level=lv),
    "aggregate": lambda lv: gs.aggregate(D, "y", "g", level=lv),
}


@pytest.mark.parametrize("level", [1.5, 0, 1, -0.95, 95, math.nan, "0.95", True, None])
@pytest.mark.parametrize("name", sorted(LEVEL_CALLS))
def test_every_entry_point_refuses_a_level_outside_0_1(name, level):
    with pytest.raises(DataError, match=rf"^{name}: (level|ci)=.* is not a confidence level; give a number strictly "
                                        r"between 0 and 1, e.g. 0.95 for a 95% CI$"):
        LEVEL_CALLS[name](level)


BOOT_CALLS = {
    "mediation": lambda n: gs.mediation(D, "x", "m", "y", n_boot=n),
    "moderated_mediation": lambda n: gs.moderated_mediation(D, "x", "m", "y", "w", n_boot=n),
    "reliability": lambda n: gs.reliability(D, "agq-r", columns="q{n}", n_boot=n),
}


@pytest.mark.parametrize("n_boot, message", [
    (-5, r"n_boot=-5 is not a number of bootstrap resamples; give a whole number of at least 100"),
    (0, r"n_boot=0 is not a number of bootstrap resamples"),
    (2.5, r"n_boot=2.5 is not a number of bootstrap resamples"),
    ("1000", r"n_boot='1000' is not a number of bootstrap resamples"),
    (10, r"n_boot=10 is too few resamples for a CI; use at least 100 \(1000 or more for a CI you report\)"),
])
@pytest.mark.parametrize("name", sorted(BOOT_CALLS))
def test_every_bootstrap_refuses_a_bad_count(name, n_boot, message):
    with pytest.raises(DataError, match=rf"^{name}: {message}"):
        BOOT_CALLS[name](n_boot)


def test_good_values_pass_through():
    assert check_level(0.9, "x") == 0.9 and check_level(np.float64(0.99), "x") == 0.99
    assert check_n_boot(1000, "x") == 1000 and check_n_boot(np.int64(500), "x") == 500
    assert check_n_boot(2000.0, "x") == 2000


@pytest.mark.parametrize("args, fragment", [
    (["reliability", "--level", "1.5"], "argument --level: '1.5' is not a confidence level; give a number strictly "
                                        "between 0 and 1"),
    (["reliability", "--level", "0"], "argument --level: '0' is not a confidence level"),
    (["reliability", "--level", "95"], "argument --level: '95' is not a confidence level"),
    (["reliability", "--ci", "nan"], "argument --ci: 'nan' is not a confidence level"),
    (["reliability", "--n-boot", "-5"], "argument --n-boot: '-5' is not a usable number of bootstrap resamples; "
                                        "give a whole number of at least 100"),
    (["reliability", "--n-boot", "0"], "argument --n-boot: '0' is not a usable number"),
    (["reliability", "--n-boot", "2.5"], "argument --n-boot: '2.5' is not a usable number"),
    (["mediation", "--n-boot", "-5"], "argument --n-boot: '-5' is not a usable number"),
    (["mediation", "--n-boot", "10"], "argument --n-boot: '10' is not a usable number"),
])
def test_cli_refuses_bad_levels_and_counts_with_exit_2(tmp_path, capsys, args, fragment):
    data = tmp_path / "d.csv"
    D.to_csv(data, index=False)
    cmd, *opts = args
    base = {"reliability": [cmd, str(data), "--instrument", "agq-r", "--columns", "q{n}"],
            "mediation": [cmd, str(data), "--x", "x", "--m", "m", "--y", "y"]}[cmd]
    with pytest.raises(SystemExit) as exc:
        main(base + opts + ["-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and fragment in " ".join(err.split()) and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("seed", [-1, 2.5, "1", True])
@pytest.mark.parametrize("name", sorted(BOOT_CALLS))
def test_every_bootstrap_refuses_a_bad_seed(name, seed):
    call = {"mediation": lambda: gs.mediation(D, "x", "m", "y", n_boot=100, seed=seed),
            "moderated_mediation": lambda: gs.moderated_mediation(D, "x", "m", "y", "w", n_boot=100, seed=seed),
            "reliability": lambda: gs.reliability(D, "agq-r", columns="q{n}", n_boot=100, seed=seed)}[name]
    with pytest.raises(DataError, match=rf"^{name}: seed=.* is not a seed; give a whole number of 0 or more"):
        call()


@pytest.mark.parametrize("cmd", ["reliability", "mediation", "screen"])
def test_cli_refuses_a_negative_seed(tmp_path, capsys, cmd):
    data = tmp_path / "d.csv"
    D.to_csv(data, index=False)
    base = {"reliability": [cmd, str(data), "--instrument", "agq-r", "--columns", "q{n}", "--n-boot", "100"],
            "screen": [cmd, str(data), "--instrument", "agq-r", "--columns", "q{n}"],
            "mediation": [cmd, str(data), "--x", "x", "--m", "m", "--y", "y"]}[cmd]
    with pytest.raises(SystemExit) as exc:
        main(base + ["--seed", "-1", "-o", str(tmp_path / "out.csv")])
    assert exc.value.code == 2 and "argument --seed: '-1' is not a seed" in capsys.readouterr().err


def test_a_huge_value_is_echoed_short(capsys, tmp_path):
    with pytest.raises(DataError) as exc:
        check_level("9" * 1_000_000, "reliability")
    assert len(str(exc.value)) < 250 and "..." in str(exc.value)
    with pytest.raises(SystemExit):
        main(["reliability", str(tmp_path / "d.csv"), "--instrument", "agq-r", "--level", "7" * 1_000_000,
              "-o", str(tmp_path / "o.csv")])
    assert len(capsys.readouterr().err) < 3000
