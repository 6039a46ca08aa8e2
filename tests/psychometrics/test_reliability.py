"""α, item statistics and ω against psych 2.2.9 on psychTools bfi (tests/reference/psychometrics/reliability.R)."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from analysis.psychometrics import item_statistics, reliability
from analysis.errors import DataError
from analysis.psychometrics.reliability_coefficients import feldt_ci  # noqa: F401

from .conftest import REF

SCALE_COLS = ["n", "alpha", "alpha_std", "g6", "average_r", "median_r", "mean", "sd",
              "alpha_ci_low", "alpha_ci_high", "omega_total"]
ITEM_COLS = {"n": "n", "r_total": "raw_r", "r_total_std": "std_r", "r_cor": "r_cor", "r_drop": "r_drop",
             "mean": "mean", "sd": "sd", "alpha_if_deleted": "alpha_if_deleted",
             "alpha_std_if_deleted": "alpha_std_if_deleted", "average_r_if_deleted": "average_r_if_deleted",
             "n_missing": "n_missing"}


@pytest.fixture(scope="module")
def ref_scales():
    return pd.read_csv(REF / "alpha_scales.csv")


@pytest.fixture(scope="module")
def ref_items():
    return pd.read_csv(REF / "alpha_items.csv")


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_scale_statistics_equal_psych(bfi, bfi_key, ref_scales, policy):
    got = reliability(bfi, bfi_key, nan_policy=policy).set_index("scale")
    ref = ref_scales[ref_scales.policy == policy].set_index("scale")
    got = got.loc[ref.index]
    for col in SCALE_COLS:
        assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float), rtol=0, atol=1e-6, err_msg=col)
    assert_allclose(got["alpha_se"], ref["ase"], rtol=0, atol=1e-6)
    assert (got["nan_policy"] == policy).all()


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_item_statistics_equal_psych(bfi, bfi_key, ref_items, policy):
    got = item_statistics(bfi, bfi_key, nan_policy=policy)
    ref = ref_items[ref_items.policy == policy].reset_index(drop=True)
    assert_array_equal(got["item"], ref["item"])
    for mine, theirs in ITEM_COLS.items():
        assert_allclose(got[mine].to_numpy(float), ref[theirs].to_numpy(float), rtol=0, atol=1e-6, err_msg=mine)
    assert got.loc[got.item == "A1", "reversed"].item() and not got.loc[got.item == "A2", "reversed"].item()


def test_omega_hierarchical_equal_psych(bfi, bfi_key):
    ref = json.loads((REF / "omega_h.json").read_text())
    got = reliability(bfi, bfi_key).set_index("scale").loc["all_items"]
    # ω total is within 1e-8 of psych. ω_h: psych's minres stops (R's L-BFGS-B, relative f change 2e-9)
    # a little short of the minimum we reach; measured |Δ| = 9.7e-7 (five factors) and 2.9e-7 (three).
    assert_allclose(got["omega_total"], ref["five"]["omega_total"], atol=1e-6)
    assert_allclose(got["omega_h"], ref["five"]["omega_h"], atol=1e-6)
    three = reliability(bfi, bfi_key, scales=["agree", "consc", "open"]).set_index("scale").loc["all_items"]
    assert_allclose(three["omega_total"], ref["three"]["omega_total"], atol=1e-6)
    assert_allclose(three["omega_h"], ref["three"]["omega_h"], atol=1e-6)


def test_apa_line_and_policy_stated(bfi, bfi_key):
    got = reliability(bfi, bfi_key, scales=["agree"])
    assert got["apa"].item() == "α = .70, 95% CI [.69, .72], ω = .72"
    assert got.attrs["nan_policy"] == "pairwise"


def test_feldt_matches_alpha_ci():
    lo, hi = feldt_ci(0.703018446057304, 2800, 5)
    assert_allclose([lo, hi], [0.685264325886398, 0.720063389899432], atol=1e-12)


def test_keys_applied_once_via_prepare_items(bfi, bfi_key):
    # an export that already reversed A1 gives the same α when told so
    flipped = bfi.copy()
    flipped["A1"] = 7 - flipped["A1"]
    a = reliability(bfi, bfi_key, scales=["agree"])["alpha"].item()
    b = reliability(flipped, bfi_key, scales=["agree"], reversed_in_file=["A1"])["alpha"].item()
    assert a == pytest.approx(b, abs=1e-12)


def test_bad_policy_and_constant_item(bfi, bfi_key):
    with pytest.raises(DataError, match="nan_policy"):
        reliability(bfi, bfi_key, nan_policy="median")
    const = bfi.copy()
    const["A2"] = 4
    with pytest.raises(DataError, match="no variance"):
        reliability(const, bfi_key, scales=["agree"])


def test_rows_without_answers_are_counted(bfi, bfi_key):
    d = bfi.copy()
    d.loc[:9, ["A1", "A2", "A3", "A4", "A5"]] = np.nan
    got = reliability(d, bfi_key, scales=["agree"]).iloc[0]
    assert got["n"] + got["n_excluded"] == len(d) and got["n_excluded"] == 10


@pytest.mark.slow
def test_bootstrap_ci_seeded_and_close_to_psych(bfi, bfi_key):
    ref = json.loads((REF / "alpha_boot.json").read_text())
    a = reliability(bfi, bfi_key, scales=["agree"], n_boot=2000, seed=7, omega=False).iloc[0]
    b = reliability(bfi, bfi_key, scales=["agree"], n_boot=2000, seed=7, omega=False).iloc[0]
    assert a["alpha_boot_ci_low"] == b["alpha_boot_ci_low"] and a["alpha_boot_ci_high"] == b["alpha_boot_ci_high"]
    # different random streams (numpy vs R): equal within Monte Carlo error of a 2.5% quantile (~0.002)
    assert abs(a["alpha_boot_ci_low"] - ref["boot_ci_low"]) < 0.004
    assert abs(a["alpha_boot_ci_high"] - ref["boot_ci_high"]) < 0.004


def test_single_item_scale_is_reported_not_fatal(bfi):
    from analysis.instruments.registry import instrument_from_dict

    key = instrument_from_dict({"id": "mixed", "response": {"min": 1, "max": 6}, "scales": {
        "agree": {"items": ["A1", "A2", "A3", "A4", "A5"], "reverse": ["A1"]}, "single": {"items": ["O1"]}}})
    got = reliability(bfi, key).set_index("scale")
    assert np.isnan(got.loc["single", "alpha"]) and got.loc["single", "apa"] == "α not defined for a single item"
    assert got.loc["agree", "alpha"] == pytest.approx(0.703018446057304, abs=1e-9)
    assert list(item_statistics(bfi, key)["scale"].unique()) == ["agree"]


def test_demo_grit_total_scale_does_not_break_omega():
    from analysis import read_responses
    from analysis.psychometrics.internal_consistency import reliability as rel

    df = read_responses("data/raw/demo/responses.csv")
    got = rel(df, "grit-s", columns="grit_{n}", anchors_reversed=True, missing=[-99])
    assert "all_items" not in set(got["scale"])  # two facets + their total: no ω_h
    assert got["alpha"].notna().all()


# ---------------------------------------------------------------------------------------------
# The keying check (issue 9 item 6) against psych::alpha's own check: tests/reference/psychometrics/
# keying.R on bfi exported with its reverse-keyed items already reversed, and on
# ips_reversed_in_file.csv (make_keying_fixture.py)
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

from analysis.cli import main  # noqa: E402
from analysis.psychometrics.keying import KeyingWarning, keying_check  # noqa: E402

KEYING = json.loads((REF / "keying_psych.json").read_text())
IPS = pd.read_csv(REF / "ips_reversed_in_file.csv")
IPS_FILE = str(REF / "ips_reversed_in_file.csv")


def _as_psych(chk, scale, ref):
    t = chk.table()
    t = t[t.scale == scale]
    assert list(t["item"]) == ref["items"]
    assert_allclose(t["r_drop"], ref["r_drop"], atol=1e-9, rtol=0)          # psych's r.drop
    assert_allclose(t["pc1_loading"], ref["pc_loading"], atol=1e-9, rtol=0)  # psych principal()
    assert list(t.loc[t.flagged, "item"]) == list(np.atleast_1d(ref["psych_flagged"]))
    row = chk.summary().set_index("scale").loc[scale]
    assert row["n"] == ref["n"] and row["alpha"] == pytest.approx(ref["raw_alpha"], abs=1e-9)
    return row


def test_keying_check_names_what_psych_names_bfi_reversed_in_file(bfi_keyed, bfi_key):
    chk = keying_check(bfi_keyed, bfi_key, warn=False)  # the export reversed A1, C4, … already; undeclared
    for scale, ref in KEYING["bfi_reversed_in_file"].items():
        row = _as_psych(chk, scale, ref)
        assert bool(row["message"]) == bool(ref["warning"]), scale  # psych warns exactly where we do
    msg = chk.summary().set_index("scale")["message"]
    assert msg["neuro"] == ""
    assert msg["consc"].startswith("keying check, instrument 'bfi-25', scale 'consc' (n = 2800): C4 (item-rest "
                                   "r = −.21), C5 (item-rest r = −.19) correlate negatively with the rest of the "
                                   "scale after keying (C2: r = −.01, C3: r = −.07 are pulled below 0 by them)")
    assert "declare reversed_in_file: [C4, C5] (--reversed-in-file C4,C5)" in msg["consc"]
    assert "anchors_reversed flips every item alike" in msg["consc"] and "key's reverse list" in msg["consc"]
    assert "reversed_in_file: [A1]" in msg["agree"] and "reversed_in_file: [E1, E2]" in msg["extra"]


def test_keying_check_ips_undeclared_and_declared():
    ref = KEYING["ips_undeclared"]
    assert "Some items ( ips_2 ips_6 ips_9 ) were negatively correlated with the total scale" in ref["printed"]
    chk = keying_check(IPS, "ips", columns="ips_{n}", warn=False)
    _as_psych(chk, "total", ref)
    assert not chk.ok and chk.n == 60
    assert chk.warnings == [
        "keying check, instrument 'ips', scale 'total' (n = 60): ips_2 (item 2, item-rest r = −.70), ips_6 "
        "(item 6, item-rest r = −.63), ips_9 (item 9, item-rest r = −.63) correlate negatively with the rest of "
        "the scale after keying, so the scale mixes two directions (α = −.06). Likely fixes: the key reverses "
        "these items: if the export already reverse-scored them, declare reversed_in_file: [2, 6, 9] "
        "(--reversed-in-file 2,6,9); if only some items were printed with their anchors the other way round, "
        "list those in reversed_in_file too (anchors_reversed flips every item alike, so it cannot cause or "
        "cure a negative item-rest r); otherwise check the key's reverse list (goalscope instruments ips)."]
    ok = keying_check(IPS, "ips", columns="ips_{n}", reversed_in_file=[2, 6, 9], warn=False)
    _as_psych(ok, "total", KEYING["ips_declared"])
    assert ok.ok and KEYING["ips_declared"]["printed"] == "" and ok.table()["reversed_in_file"].sum() == 3


def test_keying_check_other_fixes():
    wrong = keying_check(IPS, "ips", columns="ips_{n}", reversed_in_file=[1, 2, 6, 9], warn=False)
    assert wrong.table().loc[wrong.table().flagged, "item"].tolist() == ["ips_1"]
    assert "you declared reversed_in_file for item(s) 1: if the export did not reverse-score them, remove them" \
        in wrong.warnings[0]
    fwd = IPS.copy()
    fwd["ips_4"] = 6 - fwd["ips_4"]  # an item the key does not reverse, reversed in the file
    chk = keying_check(fwd, "ips", columns="ips_{n}", reversed_in_file=[2, 6, 9], warn=False)
    assert chk.table().loc[chk.table().flagged, "item"].tolist() == ["ips_4"]
    assert ("item(s) 4 are not reversed by the key: if the export reverse-scored them, declare "
            "reversed_in_file: [4]") in chk.warnings[0]


def test_keying_check_listwise_and_errors(bfi_keyed, bfi_key):
    lw = keying_check(bfi_keyed, bfi_key, nan_policy="listwise", scales=["agree"], warn=False)
    assert lw.summary()["n"].item() == bfi_keyed[["A1", "A2", "A3", "A4", "A5"]].dropna().shape[0]
    with pytest.raises(DataError, match="nan_policy"):
        keying_check(bfi_keyed, bfi_key, nan_policy="median")
    with pytest.raises(DataError, match="say which instrument"):
        keying_check(bfi_keyed)


def test_reliability_carries_the_warning(bfi_keyed, bfi_key):
    with pytest.warns(KeyingWarning, match="scale 'total'"):
        rel = reliability(IPS, "ips", columns="ips_{n}")
    assert rel["negative_items"].tolist() == ["ips_2, ips_6, ips_9"]
    assert rel["keying_warning"].item().startswith("keying check, instrument 'ips', scale 'total' (n = 60)")
    assert keying_check(IPS, "ips", columns="ips_{n}", warn=False).warnings == rel["keying_warning"].tolist()
    assert rel["alpha"].item() == pytest.approx(KEYING["ips_undeclared"]["raw_alpha"], abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", KeyingWarning)   # the declared export: no warning at all
        fixed = reliability(IPS, "ips", columns="ips_{n}", reversed_in_file=[2, 6, 9])
    assert fixed["negative_items"].tolist() == [""] and fixed["keying_warning"].tolist() == [""]
    with pytest.warns(KeyingWarning):
        five = reliability(bfi_keyed, bfi_key).set_index("scale")
    assert five.loc["consc", "negative_items"] == "C4, C5" and five.loc["all_items", "keying_warning"] == ""
    items = item_statistics(IPS, "ips", columns="ips_{n}")
    assert items.loc[items.keying_flagged, "item"].tolist() == ["ips_2", "ips_6", "ips_9"]


def test_reliability_command_prints_the_warning_once(tmp_path, capsys):
    out = tmp_path / "rel.csv"
    assert main(["reliability", IPS_FILE, "--instrument", "ips", "--columns", "ips_{n}", "-o", str(out)]) == 0
    cap = capsys.readouterr()
    assert cap.out.count("warning: keying check, instrument 'ips', scale 'total'") == 1
    assert "--reversed-in-file 2,6,9" in cap.out and "keying check" not in cap.err
    assert pd.read_csv(out)["negative_items"].tolist() == ["ips_2, ips_6, ips_9"]
    assert main(["reliability", IPS_FILE, "--instrument", "ips", "--columns", "ips_{n}", "--reversed-in-file",
                 "2,6,9", "-o", str(out)]) == 0
    assert "warning" not in capsys.readouterr().out


def _ips_study(folder: Path, declared: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ips.csv").write_bytes(Path(IPS_FILE).read_bytes())
    use = {"instrument": "ips", "columns": "ips_{n}"}
    if declared:
        use["reversed_in_file"] = [2, 6, 9]
    spec = {"name": "ipsdemo", "data": "ips.csv", "id": "respondent_id", "instruments": {"procr": use}}
    (folder / "study.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return folder / "study.yaml"


@pytest.mark.parametrize("declared", [False, True])
def test_run_and_report_carry_the_warning(tmp_path, declared):
    from analysis.study import run_study

    res = run_study(_ips_study(tmp_path / "s", declared), processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    table = res.keying                       # on the result, so any report built from it can show it
    assert table["item"].tolist() == [f"ips_{i}" for i in range(1, 10)] and (table["name"] == "procr").all()
    ref = KEYING["ips_declared" if declared else "ips_undeclared"]
    assert_allclose(table["r_drop"], ref["r_drop"], atol=1e-9, rtol=0)
    assert_allclose(table["pc1_loading"], ref["pc_loading"], atol=1e-9, rtol=0)
    html = (tmp_path / "r" / "index.html").read_text()
    if declared:
        assert res.keying_warnings == [] and "warning" not in str(res)
        return
    assert len(res.keying_warnings) == 1
    msg = res.keying_warnings[0]
    assert msg.startswith("keying check, instrument 'procr' (ips), scale 'total' (n = 60): ips_2 (item 2, "
                          "item-rest r = −.70)")
    assert f"  warning: {msg}" in str(res)
    assert "ips_2" in html and "reversed_in_file" in html   # the report names the items and the fix
    basic = tmp_path / "r" / "tables" / "keying.csv"
    if basic.exists():  # the basic report: the warning itself and every item's r
        assert "<strong>Warning.</strong> keying check, instrument &#39;procr&#39; (ips)" in html
        assert_allclose(pd.read_csv(basic)["r_drop"], ref["r_drop"], atol=1e-6, rtol=0)  # rounded to 6

