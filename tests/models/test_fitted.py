"""Fitted models expose predict and cov_params, as statsmodels' results do (issue 20)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import score
from analysis.datasets import read_dataset
from analysis.errors import DataError
from analysis.models import logistic_regression, mixed_model, regression, wide_to_long


@pytest.fixture(scope="module")
def demo():
    raw = read_dataset("demo")
    scores = score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores
    return raw.join(scores)


@pytest.mark.parametrize("hc3", [False, True])
def test_cov_params_gives_the_table_standard_errors(demo, hc3):
    res = regression(demo, "exam3", ["mastery_approach", "performance_avoidance"], hc3=hc3)
    cov = res.cov_params()
    assert list(cov.index) == list(cov.columns) == res.table()["term"].tolist()
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), res.table()["se"], rtol=0, atol=1e-14)


def test_predict_gives_the_fitted_values_and_predicts_new_rows(demo):
    res = regression(demo, "exam3", ["mastery_approach", "performance_avoidance"])
    fitted = res.predict()
    np.testing.assert_allclose(fitted, res.fit.fittedvalues, rtol=0, atol=1e-12)
    new = pd.DataFrame({"mastery_approach": [4.0, np.nan], "performance_avoidance": [3.0, 2.0]})
    pred = res.predict(new)
    b = res.table().set_index("term")["estimate"]
    assert pred.iloc[0] == pytest.approx(b["Intercept"] + 4 * b["mastery_approach"] + 3 * b["performance_avoidance"],
                                         abs=1e-12)
    assert np.isnan(pred.iloc[1]) and len(pred) == 2          # a missing predictor: predicted as missing, kept
    with pytest.raises(DataError, match="performance_avoidance"):
        res.predict(new[["mastery_approach"]])


def test_formula_and_logistic_models_predict_on_the_response_scale(demo):
    d = demo.assign(passed=(demo["exam3"] > demo["exam3"].median()).astype(float))
    res = regression(d, "exam3", formula="exam3 ~ mastery_approach * performance_avoidance")
    np.testing.assert_allclose(res.predict(d.head(5)), res.fit.predict(d.head(5)), rtol=0, atol=1e-12)
    logit = logistic_regression(d, "passed", ["mastery_approach"])
    p = logit.predict(pd.DataFrame({"mastery_approach": [1.0, 7.0]}))
    b = logit.fit.params
    assert p.iloc[1] == pytest.approx(1 / (1 + np.exp(-(b.iloc[0] + 7 * b.iloc[1]))), abs=1e-12)
    np.testing.assert_allclose(np.sqrt(np.diag(logit.cov_params())), logit.table()["se"], rtol=0, atol=1e-12)


def test_mixed_model_cov_params_is_lme4s(demo):
    long = wide_to_long(demo, ["exam1", "exam2", "exam3"], id_column="respondent_id", value="score", time="time")
    res = mixed_model(long, "score ~ time", group="respondent_id")
    np.testing.assert_allclose(np.sqrt(np.diag(res.cov_params())), res.table()["se"], rtol=0, atol=1e-12)


REF = Path(__file__).resolve().parents[1] / "reference" / "models"
GOALS = ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]


@pytest.fixture(scope="module")
def r_predict():
    """predict() in R (tests/reference/models/predict.R) on demo_exams.csv, and the new rows it predicted."""
    ref = json.loads((REF / "predict.json").read_text(encoding="utf-8"))
    nan = lambda xs: np.array([np.nan if x is None else x for x in xs], dtype=float)  # noqa: E731
    return ({k: {"fitted": nan(v["fitted"]), "new": nan(v["new"])} for k, v in ref.items()},
            pd.read_csv(REF / "predict_newdata.csv"), pd.read_csv(REF / "demo_exams.csv"))


def test_regression_predict_equals_r(r_predict):
    ref, new, d = r_predict
    res = regression(d, "procrastination", GOALS)
    np.testing.assert_allclose(res.predict(), ref["linear"]["fitted"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.predict(new), ref["linear"]["new"], rtol=0, atol=1e-12, equal_nan=True)
    assert res.predict(new).isna().tolist() == [False, False, False, True, True]
    inter = regression(d, "exam3", formula="exam3 ~ mastery_approach * performance_avoidance")
    np.testing.assert_allclose(inter.predict(), ref["interaction"]["fitted"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(inter.predict(new), ref["interaction"]["new"], rtol=0, atol=1e-12, equal_nan=True)


def test_logistic_predict_equals_r_on_the_probability_scale(r_predict):
    ref, new, d = r_predict
    d = d.assign(depressed=np.where(d["phq9"].isna(), np.nan, (d["phq9"] >= 10).astype(float)))
    res = logistic_regression(d, "depressed", GOALS)
    np.testing.assert_allclose(res.predict(), ref["logistic"]["fitted"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.predict(new), ref["logistic"]["new"], rtol=0, atol=1e-12, equal_nan=True)


def test_mixed_predict_equals_lme4_without_random_effects(r_predict):
    ref, _, d = r_predict
    long = wide_to_long(d, ["exam1", "exam2", "exam3"], id_column="id", value="score", time="time")
    res = mixed_model(long, "score ~ time", group="id")
    np.testing.assert_allclose(res.predict(), ref["mixed"]["fitted"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(res.predict(pd.DataFrame({"time": [0, 1, 2, 0.5]})), ref["mixed"]["new"],
                               rtol=0, atol=1e-8)
