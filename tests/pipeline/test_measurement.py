"""The study report's measurement step (issue 17 item 6): Spearman–Brown for two-item scales, and a CFA
of the structures each key declares or the sentence saying why not (analysis/pipeline/measurement.py)."""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.instruments.registry import SHIPPED_DIR, instrument_from_dict, load_instrument
from analysis.pipeline.measurement import cfa_plan, measure_instrument
from analysis.pipeline.methods import measurement_sentence

REF = Path(__file__).resolve().parents[1] / "reference" / "psychometrics"
SHORT = pd.read_csv(REF / "agq_3x2_short.csv")
SB = json.loads((REF / "spearman_brown.json").read_text())["agq_3x2_short"]
LAVAAN = json.loads((REF / "cfa_short_form_lavaan.json").read_text())["six_factor"]


def key(**scales):
    return instrument_from_dict({"id": "constructed", "name": "constructed key", "response": {"min": 1, "max": 5},
                                 "scales": {s: {"items": items} for s, items in scales.items()}})


# one row per row of cfa_plan's decision table: (key, models fitted, notes)
PLAN_ROWS = [
    (key(a=[1], b=[2]), [],
     ["Scale(s) a, b have a single item, so they are not factors in the CFA.",
      "No CFA: every scale of the key has a single item, and a factor needs at least two."]),
    (key(total=[1, 2]), [],
     ["No CFA: the one-factor model of scale total (2 items) is not identified (3 variances and covariances "
      "against 4 free parameters); a one-factor model needs at least three items."]),
    (key(total=[1, 2, 3]), [],
     ["No CFA: the one-factor model of scale total (3 items) is just identified (df = 0: 6 variances and "
      "covariances, 6 free parameters), so it reproduces any data exactly and tests nothing."]),
    (key(mastery_approach=[1, 2], performance_approach=[3, 4], mastery_avoidance=[5, 6],
         performance_avoidance=[7, 8]), ["2x2", "trichotomous", "mastery_performance"], []),
    (key(total=[1, 2, 3, 4], x=[1, 2], y=[3, 4]), ["2-factor", "one-factor (total)"], []),
    (key(x=[1, 2], y=[3, 4], z=[5]), ["2-factor"],
     ["Scale(s) z have a single item, so they are not factors in the CFA."]),
    (key(x=[1, 2, 3, 4], y=[4, 5, 6]), ["one-factor"],
     ["Scale(s) y share items with another factor, so they are not factors in the CFA."]),
    (key(total=[1, 2, 3, 4]), ["one-factor"], []),
]


@pytest.mark.parametrize("inst, models, notes", PLAN_ROWS)
def test_cfa_plan_decision_table(inst, models, notes):
    plan = cfa_plan(inst)
    assert list(plan.models) == models
    assert plan.notes == notes


def test_cfa_plan_syntax():
    plan = cfa_plan(key(total=[1, 2, 3, 4], x=[1, 2], y=[3, 4]), {1: "q1", 2: "q2", 3: "q3", 4: "q4"})
    assert plan.models == {"2-factor": "x =~ q1 + q2\ny =~ q3 + q4", "one-factor (total)": "total =~ q1 + q2 + q3 + q4"}


def test_every_shipped_key_gets_a_cfa():
    got = {}
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        inst = load_instrument(path)
        plan = cfa_plan(inst)
        got[inst.id] = (list(plan.models), plan.notes)
    assert got == {
        "agq": (["2x2", "trichotomous", "mastery_performance"], []),
        "agq-3x2": (["6-factor"], []), "agq-3x2-short": (["6-factor"], []),
        "agq-r": (["2x2", "trichotomous", "mastery_performance"], []),
        "ces-d": (["one-factor"], []), "dass-21": (["3-factor"], []), "dass-42": (["3-factor"], []),
        "gps": (["one-factor"], []), "grit-o": (["2-factor", "one-factor (grit)"], []),
        "grit-s": (["2-factor", "one-factor (grit)"], []), "ips": (["one-factor"], []),
        "phq-9": (["one-factor"], []), "pps": (["3-factor", "one-factor (total)"], []),
        "vandewalle": (["3-factor"], [])}


@pytest.fixture(scope="module")
def short_form():
    inst = load_instrument("agq-3x2-short")
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # no warning on a fitting short form
        return measure_instrument(SHORT, "goals", {"instrument": inst, "columns": list(SHORT.columns[1:])})


def test_short_form_cfa_equals_lavaan(short_form):
    fit = short_form.cfa_fit
    assert fit["model"].tolist() == ["6-factor"]
    for mine, theirs in [("chisq", "chisq"), ("df", "df"), ("p_val", "pvalue"), ("cfi", "cfi"), ("tli", "tli"),
                         ("rmsea", "rmsea"), ("rmsea_ci_high", "rmsea.ci.upper"), ("srmr", "srmr"),
                         ("aic", "aic"), ("bic", "bic")]:
        assert_allclose(fit[mine].item(), LAVAAN["fit"][theirs], rtol=0, atol=1e-6, err_msg=mine)
    assert short_form.cfa_text == "χ²(39) = 46.67, p = .186, CFI = .99, TLI = .98, RMSEA = .03 [.00, .06], SRMR = .03"
    assert short_form.notes == []


def test_short_form_reliability_table(short_form):
    table, caption = short_form.reliability_table()
    assert caption == ("Reliability (Feldt 95% CI for α). Note. Two-item scales (task_approach, self_approach, "
                       "other_approach, task_avoidance, self_avoidance, other_avoidance) show the Spearman–Brown "
                       "coefficient with a Fisher-z 95% CI in place of α and ω (Eisinga, te Grotenhuis & Pelzer, "
                       "2013).")
    two = table.set_index("scale").drop(index="all_items")
    assert two[["alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"]].isna().all().all()
    assert_allclose(two[["spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high"]].to_numpy(float),
                    [[SB[g]["spearman_brown"], SB[g]["ci_low"], SB[g]["ci_high"]] for g in two.index], rtol=0, atol=1e-10)
    everything = table.set_index("scale").loc["all_items"]   # twelve items: α and ω stay
    assert np.isfinite(everything["alpha"]) and np.isnan(everything["spearman_brown"])
    assert short_form.item_table()["alpha_if_deleted"].isna().all()
    assert short_form.reliabilities() == {}                 # no α of a two-item scale on the diagonal
    assert measurement_sentence([short_form]).startswith(
        "Reliability is Cronbach's α with its Feldt confidence interval (psych::alpha) and McDonald's ω total "
        "(psych::omega); for two-item scales, the Spearman–Brown coefficient of the inter-item correlation with a "
        "confidence interval from the Fisher-z interval of r (Eisinga, te Grotenhuis & Pelzer, 2013), with pairwise "
        "deletion.")


def test_three_item_scales_keep_alpha_and_omega():
    from analysis.datasets import read_dataset

    demo = read_dataset("demo")
    m = measure_instrument(demo, "goals", {"instrument": load_instrument("agq-r"), "columns": "agq_{n}", "response": {"min": 1, "max": 7}},
                           missing=[-99])
    table, caption = m.reliability_table()
    assert caption == "Reliability (Feldt 95% CI for α)"
    assert list(table.columns) == ["scale", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"]
    assert table[["alpha", "omega_total"]].notna().all().all()
    assert set(m.reliabilities()) == {"mastery_approach", "performance_approach", "mastery_avoidance",
                                      "performance_avoidance"}
    assert measurement_sentence([m]).startswith(
        "Reliability is Cronbach's α with its Feldt confidence interval (psych::alpha) and McDonald's ω total "
        "(psych::omega), with pairwise deletion.")
