"""The CLI: goalscope reliability / goalscope cfa write the promised columns with the reference numbers."""

import json

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.cli import main

from .conftest import REF
from messages import says
from refused import refused

BFI = str(REF / "bfi.csv")


def test_reliability_command(tmp_path, capsys):
    out = tmp_path / "rel.csv"
    assert main(["reliability", BFI, "--instrument", str(REF / "bfi_key.yaml"), "-o", str(out)]) == 0
    rel = pd.read_csv(out)
    for col in ["scale", "n", "alpha", "alpha_std", "alpha_ci_low", "alpha_ci_high", "omega_total", "average_r",
                "nan_policy"]:
        assert col in rel
    ref = pd.read_csv(REF / "alpha_scales.csv")
    ref = ref[ref.policy == "pairwise"].set_index("scale")
    got = rel.set_index("scale").loc[ref.index]
    assert_allclose(got["alpha"], ref["alpha"], atol=1e-6)
    assert_allclose(got["alpha_ci_high"], ref["alpha_ci_high"], atol=1e-6)
    items = pd.read_csv(tmp_path / "rel.items.csv")
    assert {"scale", "item", "mean", "sd", "r_drop", "alpha_if_deleted"} <= set(items.columns)
    assert "agree: α = .70, 95% CI [.69, .72]" in capsys.readouterr().out


def test_cfa_command_declared_structure(tmp_path):
    out = tmp_path / "cfa.csv"
    key = str(REF / "bfi_agree_consc.yaml")
    assert main(["cfa", BFI, "--instrument", key, "-o", str(out)]) == 0
    est = pd.read_csv(out)
    assert {"lhs", "op", "rhs", "est", "se", "z", "p_val", "std_all"} <= set(est.columns)
    fit = pd.read_csv(tmp_path / "cfa.fit.csv")
    assert {"chisq", "df", "p_val", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr", "aic",
            "bic"} <= set(fit.columns)
    assert int(fit["df"].iloc[0]) == 34


def test_cfa_command_invariance(tmp_path, capsys):
    out = tmp_path / "inv.csv"
    key = str(REF / "bfi_agree_consc.yaml")
    assert main(["cfa", BFI, "--instrument", key, "--group", "gender", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    ref = json.loads((REF / "invariance_lavaan.json").read_text())["bfi_gender"]
    assert list(table["step"]) == ["configural", "metric", "scalar", "strict"]
    assert_allclose(table["chisq"], [ref[s]["fit"]["chisq"] for s in table["step"]], atol=1e-3)
    assert_allclose(table["cfi"], [ref[s]["fit"]["cfi"] for s in table["step"]], atol=1e-3)
    assert (tmp_path / "inv.estimates.csv").exists()
    assert "held up to the strict level" in capsys.readouterr().out


def test_cfa_command_model_file_and_errors(tmp_path, hs, capsys):
    model = tmp_path / "hs.lav"
    model.write_text("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n")
    out = tmp_path / "hs.csv"
    assert main(["cfa", str(REF / "hs1939.csv"), "--model", str(model), "-o", str(out)]) == 0
    fit = pd.read_csv(tmp_path / "hs.fit.csv")
    assert_allclose(fit["chisq"], 85.3055217699727, atol=1e-3)
    with pytest.raises(SystemExit) as exc:
        main(["cfa", str(REF / "hs1939.csv"), "-o", str(out)])
    assert exc.value.code == 2
    assert says(capsys.readouterr().err, "--instrument")


@pytest.mark.parametrize("argv, parts, said", [
    (["cfa", "{data}", "-o", "{out}"],
     {"argument": "--instrument", "value": None},
     "--instrument is not given, and no --model either; give --instrument (its scales are the factors) or "
     "--model FILE (lavaan syntax)"),
    (["cfa", "{data}", "--model", "nope.lav", "-o", "{out}"],
     {"file": "nope.lav", "within": "--model"},
     "--model: file 'nope.lav' does not exist. Check the path, or give --instrument to fit its scales as factors."),
    (["efa", "{data}", "--n-factors", "1", "--anchors-reversed"],
     {"argument": "--anchors-reversed", "value": None, "within": "efa", "file": "{data}"},
     "file '{data}': efa: --anchors-reversed is about an instrument's items; give --instrument, or leave it out "
     "to factor plain columns"),
    (["efa", "{data}", "--n-factors", "1", "--columns", "x1,x2,zz"],
     {"column": ["zz"], "within": "efa", "file": "{data}"},
     "efa: file '{data}', column(s) 'zz' are not in the data; available columns: "),
])
def test_psychometrics_commands_refuse_flags_with_their_parts(argv, parts, said, tmp_path, monkeypatch, capsys):
    """A refused flag or flag combination names the flag (or the file it names) as a part, and says what to do."""
    monkeypatch.chdir(tmp_path)
    fill = {"data": str(REF / "hs1939.csv"), "out": str(tmp_path / "o.csv")}
    exc, err = refused([a.format(**fill) for a in argv], capsys)
    got = exc.parts()
    assert {k: got.get(k) for k in parts} == {k: (v.format(**fill) if isinstance(v, str) else v)
                                              for k, v in parts.items()}
    assert "hint" in got
    assert says(err, "goalscope: " + said.format(**fill))
