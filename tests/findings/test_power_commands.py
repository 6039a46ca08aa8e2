"""goalscope power and goalscope simulate (thin commands: parse, call the library, print)."""

import pandas as pd
import pytest
import yaml

from analysis.cli import main
from analysis.errors import GoalscopeError
from analysis.cli.power import finding_sample_sizes
from messages import says
from refused import refused


def test_power_for_a_correlation(capsys):
    assert main(["power", "--r", ".18", "--power", ".8"]) == 0
    out = capsys.readouterr().out
    assert "N = 240 respondents are needed" in out and "pwr::pwr.r.test(r = 0.18" in out


def test_power_table_80_90_95(tmp_path, capsys):
    out = tmp_path / "n.csv"
    assert main(["power", "--r", "-.18", "-o", str(out)]) == 0
    t = pd.read_csv(out)
    assert t.n_required.tolist() == [240, 320, 395] and t.power.tolist() == [0.8, 0.9, 0.95]


@pytest.mark.parametrize("argv,text", [
    (["power", "--f2", ".02", "--power", ".8"], "N = 395 respondents are needed"),
    (["power", "--r", ".3", "--r2", ".1", "--power", ".8"], "N = 362 respondents per group"),
    (["power", "--n", "200", "--power", ".9"], "power .90 to detect r = .23"),
    (["power", "--mediation", ".3,.3", "--n", "100", "--n-rep", "100", "--n-draws", "1000", "--seed", "1"],
     "In 100 simulated samples of N = 100"),
    (["power", "--moderation", ".2", "--n", "200", "--n-rep", "100", "--seed", "1"], "the interaction"),
])
def test_power_modes(argv, text, capsys):
    assert main(argv) == 0
    assert text in capsys.readouterr().out


@pytest.mark.parametrize("argv,text", [
    (["power", "--r", "1.5", "--n", "40"], "strictly between -1 and 1"),
    (["power", "--power", ".8"], "give two of --r, --n and --power"),
    (["power", "--mediation", ".2", "--n", "100"], "two numbers separated by a comma"),
    (["power", "--mediation", ".2,.2"], "--mediation '.2,.2' needs --n"),
])
def test_power_user_errors_exit_2(argv, text, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert says(capsys.readouterr().err, text)


@pytest.mark.parametrize("argv, argument, value, said", [
    (["power", "--power", ".8"], "--r", None,
     "--r is not given, nor both --n and --power; give two of --r, --n and --power (or --f2, --r2, --mediation, "
     "--moderation, --finding); see goalscope power --help"),
    (["power", "--mediation", ".2", "--n", "100"], "--mediation", ".2",
     "--mediation '.2': give two numbers separated by a comma, e.g. .2,.3"),
    (["power", "--mediation", ".2,.2"], "--mediation", ".2,.2",
     "--mediation '.2,.2' needs --n (the sample size of each simulated study); add --n, e.g. --n 200"),
    (["power", "--moderation", ".2"], "--moderation", 0.2,
     "--moderation 0.2 needs --n (the sample size of each simulated study); add --n, e.g. --n 200"),
    (["power", "--r2", ".1"], "--r2", 0.1,
     "--r2 0.1 needs --r (the first correlation); add --r with the correlation of the first group"),
    (["simulate", "--instruments", "goals=agq-r", "--finding", "all", "--r", "a:b=.1", "-o", "x.csv"], "--finding",
     "all", "--finding 'all' is given with --correlations or --r; give the targets one way: --finding (the "
            "registry), --correlations or --r"),
    (["simulate", "--instruments", "goals=agq-r", "--finding", "all", "-o", "x.csv"], "--finding", "all",
     "--finding 'all' needs --construct CONSTRUCT=FACTOR for each construct; give one --construct per construct, "
     "e.g. --construct mastery_approach=goals_mastery_approach --construct depression=mood"),
    (["simulate", "--instruments", "goals=agq-r", "--finding", "all", "--construct", "xx", "-o", "x.csv"],
     "--construct", "xx", "--construct 'xx': write CONSTRUCT=FACTOR, e.g. depression=mood"),
    (["simulate", "--instruments", "goals=agq-r", "--r", "ab=.1", "-o", "x.csv"], "--r", "ab=.1",
     "--r 'ab=.1': write A:B=VALUE, e.g. goals_mastery_approach:procr=-.25"),
])
def test_a_refused_flag_is_a_part_of_the_refusal(argv, argument, value, said, tmp_path, monkeypatch, capsys):
    """The flag as typed and its value are parts of the refusal, and the message says what to do."""
    monkeypatch.chdir(tmp_path)
    exc, err = refused(argv, capsys)
    parts = exc.parts()
    assert (parts["argument"], parts["value"]) == (argument, value) and parts["hint"]
    assert says(err, "goalscope: " + said) and list(tmp_path.iterdir()) == []


REGISTRY = pd.DataFrame({"id": ["a-map-depression", "b-direction", "c-beta", "d-pav-depression"],
                         "effect_kind": ["r", "direction", "beta", "r"],
                         "effect_value": [-0.18, None, 0.2, 0.16]})


def test_finding_sample_sizes():
    one = finding_sample_sizes("a-map-depression", findings=REGISTRY)
    assert one.finding_id.unique().tolist() == ["a-map-depression"]
    assert one.n_required.tolist() == [240, 320, 395]
    every = finding_sample_sizes("all", findings=REGISTRY)
    assert every.finding_id.unique().tolist() == ["a-map-depression", "d-pav-depression"]
    with pytest.raises(GoalscopeError, match="no published number"):
        finding_sample_sizes("b-direction", findings=REGISTRY)
    with pytest.raises(GoalscopeError, match="not a correlation"):
        finding_sample_sizes("c-beta", findings=REGISTRY)
    with pytest.raises(GoalscopeError, match="not in the registry"):
        finding_sample_sizes("zzz", findings=REGISTRY)
    with pytest.raises(GoalscopeError) as beta:
        finding_sample_sizes("c-beta", findings=REGISTRY)
    assert str(beta.value) == ("--finding 'c-beta' gives beta = 0.2, not a correlation; power for it is available "
                               "for correlations only; give --r, or --f2 for a regression")
    assert beta.value.parts() == {"argument": "--finding", "value": "c-beta",
                                  "hint": "give --r, or --f2 for a regression"}
    with pytest.raises(GoalscopeError) as unknown:
        finding_sample_sizes("zzz", findings=REGISTRY)
    assert str(unknown.value) == ("--finding 'zzz' is not in the registry (e.g. a-map-depression, b-direction, "
                                  "c-beta, d-pav-depression); give an id that goalscope findings lists, or all")


def test_simulate_command(tmp_path, capsys):
    out, study = tmp_path / "sim.csv", tmp_path / "study.yaml"
    assert main(["simulate", "--instruments", "goals=agq-r,procr=pps", "--r", "goals_mastery_approach:procr=-.25",
                 "-n", "80", "--seed", "1", "--missing-share", ".02", "--missing", "-99", "--careless", ".05",
                 "--study-file", str(study), "-o", str(out)]) == 0
    d = pd.read_csv(out)
    assert d.shape == (80, 25) and d.columns[1] == "goals_1" and d.columns[2] == "goals_2"
    written = yaml.safe_load(study.read_text())
    assert written["data"] == "sim.csv" and written["missing_codes"] == [-99]
    assert written["instruments"]["goals"] == {"instrument": "agq-r", "columns": "goals_{n}"}
    assert "goals_mastery_approach" in capsys.readouterr().out


def test_simulate_command_with_a_matrix_file(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text(",grit,procr\ngrit,1,-.5\nprocr,-.5,1\n")
    out = tmp_path / "g.csv"
    assert main(["simulate", "--instruments", "grit=grit-s,procr=pps", "--correlations", str(target), "-n", "30",
                 "--seed", "2", "--teams", "5", "--icc", ".1", "--setback", "grit", "-o", str(out)]) == 0
    d = pd.read_csv(out)
    assert {"team", "performance_1", "performance_3", "grit_8", "procr_12"} <= set(d.columns)


def test_simulate_unknown_factor_is_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["simulate", "--instruments", "goals=agq-r", "--r", "goals_x:goals_y=.3", "-o", str(tmp_path / "x.csv")])
    assert e.value.code == 2
    assert says(capsys.readouterr().err, "names 'goals_x', which is neither an instrument nor a scale")


def test_simulate_from_the_registry(tmp_path, monkeypatch, capsys):
    import importlib

    sim_mod = importlib.import_module("analysis.findings.simulation")

    reg = pd.DataFrame({"id": ["a"], "construct_x": ["mastery_approach"], "construct_y": ["procrastination"],
                        "kind": ["r"], "value": [-0.25], "subgroup": [None]})
    real = sim_mod.target_from_findings
    monkeypatch.setattr(sim_mod, "target_from_findings", lambda constructs, ids=None: real(constructs, reg, ids))
    out = tmp_path / "s.csv"
    assert main(["simulate", "--instruments", "goals=agq-r,procr=pps", "--finding", "all",
                 "--construct", "mastery_approach=goals_mastery_approach", "--construct", "procrastination=procr",
                 "-n", "40", "--seed", "1", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "goals_mastery_approach" in text and "-0.25" in text
    with pytest.raises(SystemExit):
        main(["simulate", "--instruments", "goals=agq-r", "--finding", "all", "-o", str(out)])
    assert says(capsys.readouterr().err, "--finding 'all' needs --construct")
