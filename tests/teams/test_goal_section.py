"""Goal statements in the staff report: shares per unit under the report's own suppression plan,
and the statements never reaching any output."""

import html

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy.optimize import linprog

from analysis.cli import main
from analysis.goals import code_goals, default_goal_coder
from analysis.teams import build_staff_report, write_staff_report
from tests.conftest import ROOT
from tests.messages import says

DEMO = ROOT / "data" / "raw" / "staff_demo" / "responses.csv"
STATEMENTS = ["Close 20 sales a month", "be better at influencing senior people",
              "Read one book on negotiation every month and try one idea from it each week",
              "get promoted to team lead", "Practise giving feedback in every one-to-one and ask how it landed",
              "be the top performer in the region", ""]
TYPES = ["mastery", "performance", "outcome", "unclear"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = pd.read_csv(DEMO)
    d["goal"] = np.random.default_rng(7).choice(STATEMENTS, len(d))   # seeded, whole statements only
    return d


@pytest.fixture(scope="module")
def report(data):
    return build_staff_report(data, "vandewalle", "team", parent="department", also=["site"], columns="wdgo_{n}",
                              goal_text="goal")


def _coded(data, goal_coder):
    """The goal type of each row as the report's coder gives it (the coder's not_a_goal is 'unclear')."""
    if goal_coder == "rules":
        types = code_goals(data, text="goal").table()["goal_type"].tolist()
    else:
        types = [t.replace("not_a_goal", "unclear") for t in default_goal_coder().predict(data["goal"].tolist())]
    return data.assign(goal_type=types)


def test_the_shipped_coder_and_the_rules_code_the_statements_as_labelled():
    """The fixture's statements, as each coder codes them (blank: unclear / not_a_goal)."""
    assert default_goal_coder().predict(STATEMENTS) == ["performance", "outcome", "mastery", "performance",
                                                        "mastery", "performance", "not_a_goal"]
    assert code_goals(pd.DataFrame({"goal": STATEMENTS}), text="goal").table()["goal_type"].tolist() == [
        "performance", "outcome", "mastery", "performance", "mastery", "performance", "unclear"]


@pytest.mark.parametrize("goal_coder", ["default", "rules"])
def test_shares_equal_the_coding_for_published_units(goal_coder, report, data):
    coded = _coded(data, goal_coder)
    if goal_coder == "rules":
        report = build_staff_report(data, "vandewalle", "team", parent="department", also=["site"],
                                    columns="wdgo_{n}", goal_text="goal", goal_coder="rules")
    assert report.goals_coded_by == goal_coder
    g = report.goals
    org = g[g.level == "organisation"].iloc[0]
    assert org["n"] == len(data)
    for t in TYPES:
        assert org[f"share_{t}"] == pytest.approx((coded["goal_type"] == t).mean(), abs=1e-12)
    shown = g[(g.level == "team") & ~g.suppressed]
    assert len(shown) > 20
    for r in shown.itertuples():
        sel = coded[coded["team"] == r.unit]["goal_type"]
        assert r.n == len(sel)
        assert r.share_mastery == pytest.approx((sel == "mastery").mean(), abs=1e-12)
        assert r.share_outcome == pytest.approx((sel == "outcome").mean(), abs=1e-12)


def test_one_plan_hides_the_same_units_in_scores_and_goals(report):
    g = report.goals[report.goals.level != "organisation"]
    hidden_goals = set(zip(g.loc[g.suppressed, "level"], g.loc[g.suppressed, "unit"]))
    t = report.table
    hidden_scores = set(zip(t.loc[t.suppressed, "level"], t.loc[t.suppressed, "unit"]))
    assert hidden_goals == hidden_scores and ("team", "FIN-01") in hidden_goals
    assert g.loc[g.suppressed, ["n"] + [f"share_{t}" for t in TYPES]].isna().all().all()
    assert set(report.plan.values) >= {"share_mastery", "share_performance", "share_outcome"}
    assert report.plan.audit["protected"].all()


def test_goal_counts_of_hidden_units_resist_the_lp_attack(report, data):
    """Headcounts and goal-type counts published for all shown units; every hidden unit's count
    of each goal type keeps a range (0 <= count <= headcount in each finest cell)."""
    coded = code_goals(data, text="goal").data
    cells = data[["team", "department", "site"]].drop_duplicates().reset_index(drop=True)
    f = len(cells)
    z = np.zeros(f)
    g = report.goals

    def member(lv, u):
        return np.ones(f) if lv == "organisation" else (cells[lv] == u).to_numpy(float)

    for t in ("mastery", "performance", "outcome"):
        rows, rhs = [], []
        for r in g[~g.suppressed].itertuples():
            m = member(r.level, r.unit)
            rows += [np.concatenate([m, z]), np.concatenate([z, m])]
            rhs += [r.n, getattr(r, f"share_{t}") * r.n]
        a_ub = np.vstack([np.hstack([-np.eye(f), np.eye(f)])])             # count <= headcount
        bounds = [(1, None)] * f + [(0, None)] * f                          # every cell has someone
        for r in g[g.suppressed].itertuples():
            obj = np.concatenate([z, member(r.level, r.unit)])
            lo = linprog(obj, A_ub=a_ub, b_ub=np.zeros(f), A_eq=np.array(rows), b_eq=np.array(rhs), bounds=bounds,
                         method="highs")
            hi = linprog(-obj, A_ub=a_ub, b_ub=np.zeros(f), A_eq=np.array(rows), b_eq=np.array(rhs), bounds=bounds,
                         method="highs")
            assert lo.status == 0 and hi.status == 0
            true = ((coded[r.level] == r.unit) & (coded["goal_type"] == t)).sum()
            assert lo.fun - 1e-6 <= true <= -hi.fun + 1e-6
            assert np.floor(-hi.fun + 1e-7) > np.ceil(lo.fun - 1e-7), (r.level, r.unit, t)


def test_goal_section_in_outputs_without_the_text(report, tmp_path, data):
    paths = {e: write_staff_report(report, tmp_path / f"g.{e}") for e in ("xlsx", "html", "csv")}
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames[-4:] == ["Goals", "Agreement", "Between units", "Legend"]
    ws = wb["Goals"]
    assert ws.freeze_panes == "C5" and ws.auto_filter.ref.startswith("A4:I")
    heads = [c.value for c in ws[4]]
    assert heads[4] == "Mastery goals" and ws.cell(row=5, column=5).number_format == "0%"
    text = paths["html"].read_text()
    assert 'id="goals"' in text and '<a href="#goals">' in text
    assert says(html.unescape(text), "was coded by goalscope's trained goal coder (a model trained on statements labelled from "
                      "the definitions below and checked on a separate test set)")
    assert says(html.unescape(text), "other = not a goal (a complaint, a wish, a fact) or no answer.")
    assert heads[7] == "Other"
    blobs = [paths["html"].read_bytes(), paths["csv"].read_bytes()]
    blobs += [str(c.value).encode() for s in wb.worksheets for row in s.iter_rows() for c in row if c.value]
    everything = b"\n".join(blobs)
    for st in STATEMENTS:
        if st:
            assert st.encode() not in everything and st.lower().encode() not in everything.lower()


def test_cli_goal_text(tmp_path, data, capsys):
    src = tmp_path / "survey.csv"
    data.to_csv(src, index=False)
    out = tmp_path / "t.html"
    assert main(["teams", str(src), "--group", "team", "--parent", "department", "--goal-text", "goal",
                 "--instrument", "vandewalle", "--columns", "wdgo_{n}", "-o", str(out)]) == 0
    assert 'id="goals"' in out.read_text()
    with pytest.raises(SystemExit) as e:
        main(["teams", str(src), "--group", "team", "--goal-text", "nosuch", "--instrument", "vandewalle",
              "--columns", "wdgo_{n}", "-o", str(out)])
    assert e.value.code == 2 and says(capsys.readouterr().err, "'nosuch'")
