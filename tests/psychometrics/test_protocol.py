"""Every psychometrics result keeps the result protocol (analysis/results.py) on the shipped demo data.

One id per entry point; each builds its result on ``read_dataset("demo")`` (400 synthetic respondents,
AGQ-R on 1–7 with -99 for missing, Grit-S with reverse-keyed items; ``data/raw/demo/study.yaml``) and
calls ``tests/protocol.py::assert_protocol``. The values are checked against R in the other tests of
this folder; here the shape, the names and the stated options, sample and R call.
"""

from __future__ import annotations

import warnings

import pytest

from analysis.datasets import read_dataset
from analysis.psychometrics import (bartlett, cfa, compare_models, competing_models, efa, invariance,
                                    item_statistics, kmo, parallel_analysis, polychoric, reliability)
from analysis.psychometrics.keying import KeyingWarning, keying_check
from tests.protocol import assert_protocol

AGQ = dict(instrument="agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])
MASTERY = "map =~ agq_1 + agq_3 + agq_7\nmav =~ agq_5 + agq_9 + agq_11"


@pytest.fixture(scope="module")
def demo():
    return read_dataset("demo")


def _reliability(d):
    return reliability(d, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])


def _items(d):
    return item_statistics(d, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])


def _keying(d):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KeyingWarning)
        return keying_check(d, "grit-s", columns="grit_{n}", missing=[-99])


def _compare(d):
    return compare_models(d, competing_models("agq-r", {i: f"agq_{i}" for i in range(1, 13)}), **AGQ)


def _invariance(d):
    return invariance(d[d["gender"].isin(["female", "male"])], MASTERY, "gender", **AGQ)


BUILDERS = {
    "reliability": (_reliability, False),
    "item_statistics": (_items, False),
    "keying_check": (_keying, False),
    "cfa": (lambda d: cfa(d, **AGQ), False),
    "cfa_fiml_groups": (lambda d: cfa(d, MASTERY, group="section", nan_policy="fiml", **AGQ), False),
    "compare_models": (_compare, False),
    "invariance": (_invariance, False),
    "efa": (lambda d: efa(d, 4, **AGQ), True),
    "efa_polychoric_listwise": (lambda d: efa(d, 2, cor="polychoric", nan_policy="listwise", **AGQ), True),
    "kmo": (lambda d: kmo(d, **AGQ), False),
    "bartlett": (lambda d: bartlett(d, **AGQ), False),
    "parallel_analysis": (lambda d: parallel_analysis(d, seed=1, n_iter=5, **AGQ), True),
    "polychoric": (lambda d: polychoric(d, **AGQ), False),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_protocol(demo, name, tmp_path):
    build, figure = BUILDERS[name]
    res = build(demo)
    assert_protocol(res, figure=figure, tmp_path=tmp_path)


def test_sample_options_and_r_calls(demo):
    """What the results state: the sample, the options they ran with and the R call, per entry point."""
    res = cfa(demo, **AGQ)
    assert (res.n, res.n_excluded) == (291, 109) and res.n + res.n_excluded == len(demo)
    assert res.options["nan_policy"] == "listwise" and res.options["instrument"] == "agq-r"
    assert res.r_call.startswith('fit <- lavaan::cfa(model, data, estimator = "ML")')
    fiml = cfa(demo, MASTERY, group="section", group_equal=["loadings"], nan_policy="fiml", **AGQ)
    assert 'group = "section", group.equal = "loadings"' in fiml.r_call and 'missing = "ml"' in fiml.r_call
    assert fiml.n + fiml.n_excluded == len(demo)
    assert list(res.table().columns[:3]) == ["lhs", "op", "rhs"]
    assert {"estimate", "se", "statistic", "p_val", "ci_low", "ci_high"} <= set(res.table().columns)
    assert (res.table()["estimate"] == res.estimates["est"]).all()
    assert res.summary()["chisq"].iloc[0] == res.fit_indices["chisq"]

    e = efa(demo, 4, **AGQ)
    assert e.r_call == 'psych::fa(x, nfactors = 4, rotate = "oblimin", fm = "minres")'
    assert e.table().columns.tolist() == ["item", "mr1", "mr2", "mr3", "mr4", "h2", "u2"]
    assert e.summary()["kmo"].iloc[0] == e.kmo.overall and (e.n, e.n_excluded) == (400, 0)
    listwise = efa(demo, 2, cor="polychoric", nan_policy="listwise", **AGQ)
    assert listwise.r_call == 'psych::fa(x, nfactors = 2, rotate = "oblimin", fm = "minres", cor = "poly", use = "complete")'
    assert listwise.n + listwise.n_excluded == len(demo) and listwise.n_excluded > 0

    k = kmo(demo, **AGQ)
    assert k.r_call == "psych::KMO(x)" and len(k.table()) == 12 and k.summary()["msa"].iloc[0] == k.overall
    b = bartlett(demo, **AGQ)
    assert b.r_call == "psych::cortest.bartlett(x)" and b.table()["df"].iloc[0] == 66 and b.n == 400
    pa = parallel_analysis(demo, seed=1, n_iter=5, **AGQ)
    assert pa.r_call.startswith("set.seed(1); psych::fa.parallel(x, n.iter = 5)") and pa.options["seed"] == 1
    poly = polychoric(demo, **AGQ)
    assert poly.r_call == "psych::polychoric(x)" and len(poly.table()) == 66 and poly.n == 400

    rel = _reliability(demo)
    assert rel.r_call.startswith("psych::alpha(") and rel.options["nan_policy"] == "pairwise" and rel.n == 400
    inv = _invariance(demo)
    assert 'group = "gender"' in inv.r_call and inv.options["criterion"] == "fit_indices"
    assert inv.summary()["level"].iloc[0] == inv.level and inv.n + inv.n_excluded == int(
        demo["gender"].isin(["female", "male"]).sum())
    cmp = _compare(demo)
    assert cmp.n == 291 and cmp.best == cmp.table().loc[cmp.table()["bic"].idxmin(), "model"]
    assert cmp.r_call.startswith("fit_<model> <- lavaan::cfa(")
