"""What the study report says (issue 17, items 4, 5, 8): a methods paragraph naming exactly what ran,
unique headings, paths as the run used them, APA numbers, each analysis with its own N, and no
screening note about a rule the study did not ask for."""

from __future__ import annotations

import html
import re
import warnings

import pandas as pd
import pytest
import yaml

from analysis.formatting.apa import apa_num
from analysis.report.study_report import column_digits, html_table
from analysis.study import run_study
from conftest import DEMO


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _section(page: str, sid: str) -> str:
    start = page.index(f'id="{sid}"')
    return page[start:page.index("</section>", start)]


def _paragraphs(page: str, sid: str) -> list[str]:
    return [_text(p) for p in re.findall(r"<p[^>]*>(.*?)</p>", _section(page, sid), flags=re.S)]


def _headings(page: str) -> list[str]:
    return [_text(h) for h in re.findall(r"<h[2-4][^>]*>(.*?)</h[2-4]>", page, flags=re.S)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("report_text")
    res = run_study(DEMO / "study.yaml", processed_dir=base / "p", reports_dir=base / "r")
    return base, res, (base / "r" / "index.html").read_text(encoding="utf-8")


# every method word, and the analyses (type, or type:family / padjust) that alone may make it appear
METHOD_WORDS = {
    "bootstrap": {"mediation"}, "REML": {"mixed", "setback_recovery"}, "mixed model": {"mixed", "setback_recovery"},
    "negative-binomial": {"regression:negative_binomial"}, "Poisson": {"regression:poisson"},
    "logistic regression": {"regression:logistic"}, "OLS": {"regression:gaussian", "mediation", "moderation"},
    "Gaussian mixture": {"profiles"}, "Johnson–Neyman": {"moderation"}, "pwr::pwr.r.test": {"power"},
    "Fisher-z": {"correlations"}, "Holm": {"padjust:holm"}, "mediation": {"mediation"},
    "scikit-learn": {"profiles"}, "statsmodels": {"regression:gaussian", "regression:negative_binomial",
                                                  "regression:logistic", "mediation", "moderation", "mixed",
                                                  "setback_recovery"},
}


def _ran(entries) -> set[str]:
    out = set()
    for e in entries:
        out.add(e["type"])
        if e["type"] == "regression":
            out.add(f"regression:{e.get('family', 'gaussian')}")
        if e.get("padjust"):
            out.add(f"padjust:{e['padjust']}")
    return out


def _assert_names_exactly(paras: list[str], entries):
    methods, ran = " ".join(paras), _ran(entries)
    for word, by in METHOD_WORDS.items():
        assert (word in methods) == bool(ran & by), (word, sorted(ran))
    declared = [p for p in paras if p.startswith("Declared analyses, as they ran: ")]
    named = re.findall(r"(?:^|\. )([A-Za-z0-9_-]+): ", declared[0].split(": ", 1)[1]) if declared else []
    assert named == [e["id"] for e in entries]


def test_demo_methods_name_exactly_the_analyses_that_ran(demo):
    _, _, page = demo
    paras = _paragraphs(page, "methods")
    study = yaml.safe_load((DEMO / "study.yaml").read_text())
    _assert_names_exactly(paras, study["analyses"])
    assert paras[0].startswith("Respondents answered 5 instrument(s): Achievement Goal Questionnaire - Revised "
                               "(agq-r; 12 items, 1–7; scored as item means);")     # 1–7 as administered
    assert paras[1] == ("Of 400 respondents, 385 were analysed after the study's screening rules were applied in "
                        "order: excluding by attention: failed attention check (att_1 = 4); speed: too fast (< 2 s "
                        "per item); longstring: straight-lining (longest run > 15); flagging without excluding by "
                        "mahad: multivariate outlier (D² above the 99.9% χ² quantile). Excluded respondents stay in "
                        "the processed scores with their flags.")
    assert paras[2] == ("Reliability is Cronbach's α with its Feldt confidence interval (psych::alpha) and McDonald's "
                        "ω total (psych::omega), with pairwise deletion. Factor structures were fitted by maximum "
                        "likelihood with listwise deletion (lavaan's defaults); for goals, procr, grit the competing structures "
                        "of the key were compared by BIC.")
    sentences = paras[3].removeprefix("Declared analyses, as they ran: ")
    expected = [
        "goal_links: Pearson correlations with Fisher-z 95% confidence intervals, pairwise deletion, p values "
        "adjusted by Holm's method.",
        "goals_procrastination: OLS regression of procr_total on 4 predictor(s), t-based 95% confidence intervals, "
        "listwise deletion.",
        "disorganization_path: simple mediation (goals_mastery_avoidance → strategies_disorganization → "
        "procr_total) controlling for goals_mastery_approach with OLS paths; indirect effects with 5000 bootstrap "
        "resamples and percentile 95% confidence intervals (seed 2026), listwise deletion.",
        "grit_buffer: moderation of goals_performance_avoidance → mood_total by grit_grit: OLS with the product of "
        "the mean-centred predictors, simple slopes at −1 SD, the mean and +1 SD of grit_grit, and the "
        "Johnson–Neyman interval, listwise deletion.",
        "persistence_count: negative-binomial regression (θ estimated by maximum likelihood, as MASS::glm.nb) of "
        "extra_tasks on 4 predictor(s) by maximum likelihood, Wald 95% confidence intervals of rate ratios, "
        "listwise deletion.",
        "depression_cases: logistic regression of mood_total ≥ 10 on 4 predictor(s) by maximum likelihood, Wald "
        "95% confidence intervals of odds ratios, listwise deletion.",
        "recovery: linear mixed model of 3 occasions (exam1, exam2, exam3) with piecewise time coding (setback at "
        "occasion 2), a random intercept per respondent, fitted by REML; Wald 95% confidence intervals; occasions "
        "with a missing score left out.",
        "profiles: Gaussian mixture models with 1–4 profiles of 4 columns (full covariances, 10 random starts, seed "
        "2026), the number of profiles chosen by the lowest BIC, listwise deletion.",
        "depression_power: power of a two-sided test of a correlation at α = 0.05 for the published r of "
        "diaconu-gherasim-2024-map-depression at this study's N and the N needed for power 0.8, 0.9, 0.95 "
        "(pwr::pwr.r.test).",
    ]
    assert sentences == " ".join(expected)
    assert paras[4] == ("Registered findings whose two constructs the study measures were compared with this study's "
                        "correlation of the two columns (pairwise deletion, 95% confidence intervals, smallest effect "
                        "size of interest r = 0.1).")
    assert re.fullmatch(r"Software: goalscope \S+, numpy \S+, pandas \S+, scipy \S+, matplotlib \S+, statsmodels \S+, "
                        r"scikit-learn \S+\.", paras[5])
    assert len(paras) == 6


def _study(tmp_path, analyses=None, screening=None, rows=80):
    """A goals-only study over the first ``rows`` demo rows, with the given analyses."""
    home = tmp_path / "study"
    home.mkdir(exist_ok=True)
    pd.read_csv(DEMO / "responses.csv").head(rows).to_csv(home / "responses.csv", index=False)
    spec = {"name": "small", "data": "responses.csv", "id": "respondent_id", "identifiers": ["email"],
            "missing_codes": [-99], "keep": ["section", "age", "exam1", "exam2", "exam3", "extra_tasks"], "seed": 7,
            "instruments": {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}}}}
    if analyses is not None:
        spec["analyses"] = analyses
    if screening is not None:
        spec["screening"] = screening
    (home / "study.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return home / "study.yaml"


VARIANTS = {
    "none": [],
    "mediation": [{"id": "path", "type": "mediation", "x": "goals_mastery_approach", "m": ["goals_mastery_avoidance"],
                   "y": "exam1", "n_boot": 200}],
    "mixed": [{"id": "sections", "type": "mixed", "formula": "exam1 ~ goals_mastery_approach", "group": "section"}],
    "counts": [{"id": "nb", "type": "regression", "outcome": "extra_tasks", "predictors": ["goals_mastery_approach"],
                "family": "negative_binomial"},
               {"id": "links", "type": "correlations", "columns": ["goals_*"]}],
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_no_sentence_names_a_method_that_did_not_run(tmp_path, variant):
    run_study(_study(tmp_path, VARIANTS[variant]), processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    paras = _paragraphs(page, "methods")
    _assert_names_exactly(paras, VARIANTS[variant])
    assert paras[1] == "All 80 respondents were analysed (no screening rules were declared)."
    assert ("Declared analyses" in " ".join(paras)) == bool(VARIANTS[variant])
    if variant == "mediation":
        assert "200 bootstrap resamples and percentile 95% confidence intervals (seed 7)" in paras[3]
    if variant == "mixed":
        assert paras[3].endswith("sections: linear mixed model exam1 ~ goals_mastery_approach with a random "
                                 "intercept per section, fitted by REML; Wald 95% confidence intervals; listwise "
                                 "deletion.")
    if variant == "counts":
        assert "p values not adjusted for multiple tests" in paras[3]


def test_demo_headings_are_unique(demo):
    _, _, page = demo
    heads = _headings(page)
    assert len(heads) == len(set(heads)) > 20


def test_equal_headings_get_the_analysis_id(tmp_path):
    same = [{"id": f"nb_{k}", "type": "regression", "outcome": "extra_tasks", "predictors": [p],
             "family": "negative_binomial"} for k, p in enumerate(["goals_mastery_approach", "goals_mastery_avoidance"])]
    run_study(_study(tmp_path, same), processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    heads = _headings((tmp_path / "r" / "index.html").read_text(encoding="utf-8"))
    assert [h for h in heads if h.startswith("Negative-binomial")] == [
        "Negative-binomial regression of Extra tasks (nb_0)", "Negative-binomial regression of Extra tasks (nb_1)"]
    assert len(heads) == len(set(heads))


def _audit_sentence(page: str) -> str:
    return next(p for p in _paragraphs(page, "scores") if "set to missing" in p)


def test_audit_path_is_the_one_the_run_used(tmp_path, monkeypatch):
    study = _study(tmp_path)
    monkeypatch.chdir(tmp_path)                        # a relative folder, as given on the command line
    run_study(study, processed_dir="out/processed", reports_dir="out/report")
    page = (tmp_path / "out" / "report" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "processed" / "audit.csv").is_file()
    n = len(pd.read_csv(tmp_path / "out" / "processed" / "audit.csv"))
    assert _audit_sentence(page) == f"{n} answer(s) were set to missing; every one is listed in out/processed/audit.csv."


def test_absolute_folders_are_named_relative_to_the_report(demo):
    base, res, page = demo
    assert _audit_sentence(page) == (f"{len(res.audit)} answer(s) were set to missing; every one is listed in "
                                     "../p/audit.csv (relative to this report's folder).")


def test_apa_numbers_of_bounded_quantities_keep_their_decimals():
    assert apa_num(-0.00021, gt1=False) == "−.00"
    assert apa_num(0.2049, gt1=False) == ".20"
    assert apa_num(0.0, gt1=False) == ".00"
    assert apa_num(0.0004, digits=2) == "0.00040"          # an unbounded estimate keeps two significant digits
    assert column_digits([1.2215, 0.9612]) == 2 and column_digits([0.043, 0.0004]) == 3


def test_a_table_has_one_number_style_per_column():
    coef = _text(html_table(pd.DataFrame({"term": ["a", "b", "c"], "estimate": [1.2215, 0.9612, 0.0004]})))
    assert coef.endswith("a 1.22 b 0.96 c 0.00")
    corr = _text(html_table(pd.DataFrame({"x": ["a"], "y": ["b"], "n": [384], "r": [0.1], "ci_low": [-0.00021],
                                          "ci_high": [0.2049], "p_val": [0.051]})))
    assert corr.endswith("a b 384 .10 −.00 .20 .051")


def test_demo_ci_of_r_prints_with_two_decimals(demo):
    _, _, page = demo
    text = _text(page)
    assert re.findall(r"\[[−-]?\.\d{3,}", text) == []           # no CI of a bounded quantity beyond .01
    assert "[−.23, −.00]" in text                        # goals_mastery_approach–mood_total, r = −.12


def test_each_analysis_prints_its_own_n(demo):
    base, res, page = demo
    scores = res.analysed
    first = {a: _paragraphs(page, a)[0] for a in ("recovery", "depression_power", "goal_links")}
    persons = int((scores[["exam1", "exam2", "exam3"]].notna().any(axis=1)
                   & scores["goals_mastery_approach"].notna()).sum())
    assert first["recovery"].startswith(f"N = {persons}. ") and persons == 384     # one has no goal score
    pair = int(scores[["goals_mastery_approach", "mood_total"]].notna().all(axis=1).sum())
    assert first["depression_power"].startswith(f"N = {pair}. With N = {pair}, ") and pair == 299
    assert first["goal_links"].startswith("n = 298–385 (pairwise). ")


def test_screening_warns_only_about_rules_the_study_asked_for(tmp_path):
    from analysis import careless
    from analysis.screening import screen
    data = pd.read_csv(DEMO / "responses.csv")
    goals = {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = screen(data, goals, rules={"attention": {"column": "att_1", "expect": 4}}, missing=[-99], seed=1)
    assert [str(w.message) for w in caught if "psych" in str(w.message)] == []
    assert (res.n_received, res.n_analysed) == (400, 390)
    with pytest.warns(RuntimeWarning, match="psychant: critval=0.6 leaves no psychometric antonyms"):
        idx = careless(data, goals, missing=[-99], seed=1)     # asked for every index: told about each
    assert idx.indices.attrs["notes"]["psychant"].startswith("psychant: critval=0.6 leaves no psychometric antonyms")
