"""Survey waves: change per unit equal to R t.test (Welch), agreement per wave, and the anonymity
rules across waves (the linear-programming attack on the published tables of all waves together)."""

import base64
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from scipy.optimize import linprog

from analysis import score
from analysis.cli import main
from analysis.errors import DataError
from analysis.teams.aggregation import aggregate
from analysis.teams.waves import CHANGE_COLUMNS, build_wave_report, welch, write_wave_report
from tests.conftest import ROOT
from tests.messages import says
from refused import refused
from tests.teams.organisations import SCALES, add_random_scores

DEMO = ROOT / "data" / "raw" / "staff_demo"
W1, W2 = DEMO / "responses.csv", DEMO / "responses_wave2.csv"
REF = ROOT / "tests" / "reference" / "teams" / "waves_welch.csv"
LEVELS = ["team", "department", "site"]
TOL = 1e-10


@pytest.fixture(scope="module")
def frames():
    return {"2025": pd.read_csv(W1), "2026": pd.read_csv(W2)}


@pytest.fixture(scope="module")
def rep(frames):
    return build_wave_report(frames, "vandewalle", "team", parent="department", also=["site"], columns="wdgo_{n}")


@pytest.fixture(scope="module")
def people(frames):
    """Person-level scale scores of both waves, with the groupings (for references and truth)."""
    out = []
    for w, d in frames.items():
        s = score(d, "vandewalle", columns="wdgo_{n}").scores
        out.append(pd.DataFrame({"wave": w, "team": d["team"], "department": d["department"], "site": d["site"],
                                 **{c: s[c].to_numpy() for c in SCALES}}))
    return pd.concat(out, ignore_index=True)


def test_demo_second_wave_changes_membership(frames):
    a, b = frames["2025"], frames["2026"]
    both = a.merge(b, on="employee_id", suffixes=("_1", "_2"))
    assert 0.8 * len(a) < len(both) < 0.95 * len(a)                 # some left, replaced by new people
    assert (both["team_1"] != both["team_2"]).sum() >= 10            # some moved team
    assert "OPE-08" in set(a["team"]) and "OPE-08" not in set(b["team"])
    assert "SAL-07" in set(b["team"]) and "SAL-07" not in set(a["team"])


def test_welch_from_summaries_equals_r_t_test_for_every_unit(people):
    ref = pd.read_csv(REF)
    assert len(ref) == 126
    for r in ref.itertuples():
        sel = people if r.level == "organisation" else people[people[r.level] == r.unit]
        x1 = sel.loc[sel.wave == "2025", r.scale].dropna().to_numpy()
        x2 = sel.loc[sel.wave == "2026", r.scale].dropna().to_numpy()
        assert (len(x1), len(x2)) == (r.n_1, r.n_2)
        got = welch(len(x1), x1.mean(), x1.std(ddof=1), len(x2), x2.mean(), x2.std(ddof=1))
        for k in ("estimate", "ci_low", "ci_high", "statistic", "df", "p_val"):
            assert got[k] == pytest.approx(getattr(r, k), abs=TOL), (r.level, r.unit, r.scale, k)


def test_published_changes_equal_r(rep):
    ref = pd.read_csv(REF).set_index(["level", "unit", "scale"])
    shown = rep.change[~rep.change["suppressed"]]
    assert len(shown) >= 100
    for r in shown.itertuples():
        want = ref.loc[(r.level, r.unit, r.scale)]
        assert (r.n_1, r.n_2) == (want.n_1, want.n_2)
        for k in ("estimate", "ci_low", "ci_high", "statistic", "df", "p_val"):
            assert getattr(r, k) == pytest.approx(want[k], abs=TOL), (r.level, r.unit, r.scale, k)
    org = rep.summary().set_index("scale").loc["learning"]
    assert org["estimate"] == pytest.approx(-0.144411764705882, abs=TOL)
    assert org["p_val"] == pytest.approx(0.116533853544486, abs=TOL)
    assert org["df"] == pytest.approx(666.704002910644, abs=1e-9)


def test_agreement_per_wave(rep):
    shown = rep.change[~rep.change["suppressed"] & (rep.change["level"] == "team")]
    for side, w in (("1", "2025"), ("2", "2026")):
        t = rep.reports[w].table.set_index(["level", "unit", "scale"])
        for r in shown.itertuples():
            assert getattr(r, f"rwg_j_{side}") == pytest.approx(t.loc[(r.level, r.unit, r.scale), "rwg_j"], abs=1e-12)


def test_units_hidden_or_absent_in_a_wave_have_no_change(rep):
    ch = rep.change
    for w, side in (("2025", "1"), ("2026", "2")):
        t = rep.reports[w].table
        hidden = set(zip(t.loc[t.suppressed, "level"], t.loc[t.suppressed, "unit"]))
        rows = ch[[(lv, u) in hidden for lv, u in zip(ch["level"], ch["unit"])]]
        assert len(rows) and rows["suppressed"].all()
    numbers = [c for c in CHANGE_COLUMNS if c not in ("level", "unit", "parent", "scale", "wave_1", "wave_2",
                                                      "suppressed", "note")]
    hid = ch[ch["suppressed"]]
    assert hid[numbers].isna().all().all()
    notes = dict(zip(zip(hid["level"], hid["unit"]), hid["note"]))
    assert notes[("team", "OPE-08")] == "not in 2026" and notes[("team", "SAL-07")] == "not in 2025"
    assert notes[("team", "FIN-01")] == "hidden — fewer than 5 answers"


# ---------------------------------------------------------------------------------------------
# The attack: everything published for all waves together, over the finest cells (wave x team x
# department x site) of both waves' organisation charts, by linear programming.
def published(rep):
    """What an attacker reads: per-wave unit tables and the change table."""
    known = {}
    for w, r in rep.reports.items():
        for x in r.table[~r.table.suppressed].itertuples():
            known[(w, x.level, str(x.unit), x.scale)] = (float(x.n), float(x.mean) * float(x.n))
    hidden = sorted({(w, x.level, str(x.unit)) for w, r in rep.reports.items()
                     for x in r.table[r.table.suppressed].itertuples()})
    return known, hidden


def change_equations(change):
    """From each published change row: counts and sums of both waves, and mean_2 - mean_1 = estimate."""
    rows = []
    for x in change.itertuples():
        if pd.isna(x.estimate):
            continue
        rows.append((x.wave_1, x.wave_2, x.level, str(x.unit), x.scale, float(x.n_1), float(x.n_2),
                     float(x.estimate), getattr(x, "mean_1", np.nan), getattr(x, "mean_2", np.nan)))
    return rows


def lp_attack(known, hidden, changes, people, lo=1.0, hi=6.0):
    cells = people[["wave"] + LEVELS].drop_duplicates().reset_index(drop=True)
    f = len(cells)
    z = np.zeros(f)

    def member(w, lv, u):
        m = cells["wave"] == w
        return (m if lv == "organisation" else m & (cells[lv] == u)).to_numpy(float)

    recovered = {}
    for s in SCALES:
        rows, rhs = [], []
        for (w, lv, u, sc), (n, tot) in known.items():
            if sc == s:
                m = member(w, lv, u)
                rows += [np.concatenate([m, z]), np.concatenate([z, m])]
                rhs += [n, tot]
        for w1, w2, lv, u, sc, n1, n2, est, m1, m2 in changes:
            if sc != s:
                continue
            a, b = member(w1, lv, u), member(w2, lv, u)
            rows += [np.concatenate([a, z]), np.concatenate([b, z]), np.concatenate([z, b / n2 - a / n1])]
            rhs += [n1, n2, est]
            if not np.isnan(m1):
                rows += [np.concatenate([z, a]), np.concatenate([z, b])]
                rhs += [m1 * n1, m2 * n2]
        eye = np.eye(f)
        a_ub = np.vstack([np.hstack([lo * eye, -eye]), np.hstack([-hi * eye, eye])])
        bounds = [(0, None)] * f + [(None, None)] * f
        for w, lv, u in hidden:
            m = member(w, lv, u)
            for q, obj in (("n", np.concatenate([m, z])), ("sum", np.concatenate([z, m]))):
                res = [linprog(sign * obj, A_ub=a_ub, b_ub=np.zeros(2 * f), A_eq=np.array(rows), b_eq=np.array(rhs),
                               bounds=bounds, method="highs") for sign in (1, -1)]
                assert res[0].status == 0
                low, high = res[0].fun, (-res[1].fun if res[1].status == 0 else np.inf)
                pinned = (np.floor(high + 1e-7) == np.ceil(low - 1e-7)) if q == "n" else (high - low < 1e-6)
                if pinned:
                    recovered[(w, lv, u, s, q)] = low
    return recovered


def truth(people, w, lv, u, s):
    sel = people[(people.wave == w) & (people[lv] == u)][s].dropna()
    return float(len(sel)), float(sel.sum())


def test_no_unit_hidden_in_a_wave_can_be_recovered_from_all_waves(rep, people):
    known, hidden = published(rep)
    assert len(hidden) >= 10 and {w for w, *_ in hidden} == {"2025", "2026"}
    assert lp_attack(known, hidden, change_equations(rep.change), people) == {}


def test_a_naive_change_report_is_broken_by_the_attack(rep, people):
    """Publishing the change (n and mean difference) of every unit in both waves, whatever its
    suppression in either wave, gives hidden units away: the attack finds them, correctly."""
    naive = []
    for (w1, w2) in [("2025", "2026")]:
        for lv in LEVELS:
            stats = {}
            for w in (w1, w2):
                sub = people[people.wave == w]
                stats[w] = aggregate(sub, SCALES, lv, organisation=False).set_index(["unit", "variable"])
            common = stats[w1].index.intersection(stats[w2].index)
            for u, s in common:
                a, b = stats[w1].loc[(u, s)], stats[w2].loc[(u, s)]
                naive.append({"wave_1": w1, "wave_2": w2, "level": lv, "unit": u, "scale": s, "n_1": a.n,
                              "n_2": b.n, "estimate": b["mean"] - a["mean"]})
    known, hidden = published(rep)
    rec = lp_attack(known, hidden, change_equations(pd.DataFrame(naive)), people)
    assert rec
    one_sided = [k for k in rec if k[4] == "sum"]
    assert one_sided                                   # score sums of hidden units, not only headcounts
    for (w, lv, u, s, q), v in rec.items():
        n, tot = truth(people, w, lv, u, s)
        assert v == pytest.approx(n if q == "n" else tot, abs=1e-6)


def test_wave_column_equals_one_file_per_wave(frames, rep):
    both = pd.concat([d.assign(year=w) for w, d in frames.items()], ignore_index=True)
    other = build_wave_report(both, "vandewalle", "team", wave="year", parent="department", also=["site"],
                              columns="wdgo_{n}")
    pd.testing.assert_frame_equal(other.change, rep.change)
    rev = build_wave_report(both, "vandewalle", "team", wave="year", waves=["2026", "2025"], columns="wdgo_{n}")
    org = rev.summary().set_index("scale")
    assert org.loc["learning", "estimate"] == pytest.approx(0.144411764705882, abs=TOL)   # order respected


def test_wave_errors_are_plain(frames):
    both = pd.concat([d.assign(year=w) for w, d in frames.items()], ignore_index=True)
    with pytest.raises(DataError, match="at least two waves"):
        build_wave_report({"2025": frames["2025"]}, "vandewalle", "team", columns="wdgo_{n}")
    with pytest.raises(DataError, match=r"column 'nosuch' \(the wave column\)"):
        build_wave_report(both, "vandewalle", "team", wave="nosuch", columns="wdgo_{n}")
    gap = both.copy()
    gap.loc[5, "year"] = None
    with pytest.raises(DataError, match=r"row with index 5.*'year'.*the wave is empty"):
        build_wave_report(gap, "vandewalle", "team", wave="year", columns="wdgo_{n}")
    with pytest.raises(DataError, match=r"waves \['2026'\] not in the order"):
        build_wave_report(both, "vandewalle", "team", wave="year", waves=["2025"], columns="wdgo_{n}")


def test_wave_outputs(rep, tmp_path):
    paths = {e: write_wave_report(rep, tmp_path / f"w.{e}") for e in ("xlsx", "html", "csv")}
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert "Change" in wb.sheetnames and wb.sheetnames.index("Change") < wb.sheetnames.index("Legend")
    ws = wb["Change"]
    assert ws.freeze_panes == "C5" and ws.auto_filter.ref == f"A4:T{ws.max_row}"
    heads = [c.value for c in ws[4]]
    fmt = {h: ws.cell(row=5, column=j + 1).number_format for j, h in enumerate(heads)}
    assert fmt["Change"] == "0.00" and fmt["p"] == '[<0.001]"<.001";.000' and fmt["rwg(j) (to)"] == ".00;-.00"
    assert fmt["n (from)"] == "0" and fmt["Welch t"] == "0.00"
    readme = [c for c in wb["Read me"]["A"] if c.hyperlink]
    assert any(c.value.startswith("Change:") for c in readme)
    text = paths["html"].read_text()
    assert 'id="change"' in text and '<a href="#change">' in text
    i = text.index('id="change"')
    imgs = [s.split('"', 1)[0] for s in text[i:].split('src="data:image/png;base64,')[1:]]
    assert len(imgs) == 2
    for b64 in imgs:
        im = Image.open(io.BytesIO(base64.b64decode(b64)))
        assert im.width > 300 and len(im.convert("L").getcolors(1 << 16)) > 8
    long = pd.read_csv(paths["csv"])
    assert list(long.columns[:2]) == ["wave", "level"] and set(long["wave"].astype(str)) == {"2025", "2026"}
    ch = pd.read_csv(tmp_path / "w.change.csv")
    assert list(ch.columns) == CHANGE_COLUMNS and len(ch) == len(rep.change)
    again = {e: write_wave_report(rep, tmp_path / f"v.{e}") for e in ("xlsx", "html")}
    for e in again:
        assert again[e].read_bytes() == paths[e].read_bytes()


def test_every_sheet_names_its_wave_and_the_readme_says_why(rep, tmp_path):
    wb = openpyxl.load_workbook(write_wave_report(rep, tmp_path / "w.xlsx"))
    titles = {n: wb[n]["A1"].value for n in wb.sheetnames}
    assert titles["Change"] == "Change between waves: 2025, 2026"
    for name, title in titles.items():
        if name != "Change":
            assert title.endswith(" — wave 2026"), name
    assert titles["Overview"] == "Overview: every unit and scale (Work Domain Goal Orientation (learning / prove / avoid)) — wave 2026"
    assert titles["Finance"] == "department: Finance — wave 2026"
    readme = " ".join(str(c.value) for c in wb["Read me"]["A"] if c.value)
    assert ("Survey waves: 2025, 2026. Every sheet except Change shows the latest wave, 2026; the Change sheet shows "
            "each unit's mean in every pair of consecutive waves") in readme
    # the latest wave's hidden units are labelled there, and a change hidden in either wave says so
    fin = {r[1]: r[3] for r in wb["Finance"].iter_rows(min_row=7, values_only=True) if r[0] == "team"}
    hidden = rep.latest.hidden_units()["team"]
    assert {u for u, v in fin.items() if v == "hidden — fewer than 5 answers"} == {u for u in fin if u in hidden}
    ch = [r for r in wb["Change"].iter_rows(min_row=5, values_only=True) if r[1] == "FIN-01"]
    assert ch and {r[-1] for r in ch} == {"hidden — fewer than 5 answers"}
    html_text = write_wave_report(rep, tmp_path / "w.html").read_text()
    assert "<h1>Staff survey: Work Domain Goal Orientation (learning / prove / avoid) — wave 2026</h1>" in html_text


def test_wave_figure_and_chromium(rep, tmp_path):
    from matplotlib.figure import Figure

    from analysis.teams.wave_output import change_chart_png

    assert isinstance(rep.figure(), Figure)
    level = rep.latest.parent or rep.latest.group
    png = change_chart_png(rep, level)
    assert png == change_chart_png(rep, level) and Image.open(io.BytesIO(png)).width > 300
    assert isinstance(rep.figure(tmp_path / "c.png"), Figure) and (tmp_path / "c.png").read_bytes() == png
    with pytest.raises(DataError, match=r"\.png"):
        rep.figure(tmp_path / "c.jpg")
    from tests.teams.test_workbook import CHROMIUM, screenshot_ok

    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    screenshot_ok(write_wave_report(rep, tmp_path / "w.html"), tmp_path)


def test_cli_waves(tmp_path, capsys):
    out = tmp_path / "change.xlsx"
    rc = main(["teams", str(W1), str(W2), "--wave-names", "2025,2026", "--group", "team", "--parent", "department",
               "--instrument", "vandewalle", "--columns", "wdgo_{n}", "-o", str(out)])
    assert rc == 0
    said = capsys.readouterr().out
    assert "2 waves (2025, 2026)" in said
    assert ("wave 2025: hidden — fewer than 5 answers, or hidden so that such a unit cannot be worked out from the "
            "others — team: FIN-01, FIN-04, LEG-01, LEG-02, SAL-04, SAL-06") in said
    assert "Change" in openpyxl.load_workbook(out).sheetnames
    # a value set to missing in one wave is listed in that wave's audit, not dropped silently
    bad = tmp_path / "w2.csv"
    d2 = pd.read_csv(W2)
    d2["wdgo_3"] = d2["wdgo_3"].astype(object)
    d2.loc[4, "wdgo_3"] = 9
    d2.to_csv(bad, index=False)
    rc = main(["teams", str(W1), str(bad), "--wave-names", "2025,2026", "--group", "team", "--instrument", "vandewalle",
               "--columns", "wdgo_{n}", "--on-invalid", "missing", "-o", str(tmp_path / "c.csv")])
    assert rc == 0 and "wave 2026: 1 value(s) set to missing" in capsys.readouterr().out
    audit = pd.read_csv(tmp_path / "c.2026.audit.csv")
    assert len(audit) == 1 and audit["column"].iloc[0] == "wdgo_3" and not (tmp_path / "c.2025.audit.csv").exists()
    base = ["teams", "--group", "team", "--instrument", "vandewalle", "--columns", "wdgo_{n}", "-o", str(out)]
    for files, extra, needle in [([str(W1), str(W2)], ["--wave-names", "a"], "2 files"),
                                 ([str(W1), str(W2)], ["--wave", "x"], "not both"),
                                 ([str(W1), str(W1)], ["--wave-names", "a,a"], "repeat"),
                                 ([str(W1)], ["--wave", "nosuch"], "column 'nosuch' (the wave column)"),
                                 ([str(W1), str(W2)], ["--goal-text", "comment"], "one survey wave")]:
        with pytest.raises(SystemExit) as e:
            main(base[:1] + files + base[1:] + extra)
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert says(err, needle) and "Traceback" not in err


@pytest.mark.parametrize("files, extra, parts, said", [
    ([W1], ["-o", "r.json"], {"file": "r.json", "within": "-o/--output"},
     "-o/--output: file 'r.json': use a .xlsx, .html or .csv file name for the staff report"),
    ([W1], ["--person-scores", "p.csv", "-o", "r.csv"], {"argument": "--person-scores", "value": "p.csv"},
     "--person-scores 'p.csv' needs --id-column COLUMN (the ids are pseudonymised before writing); give "
     "--id-column, or leave --person-scores out"),
    ([W1], ["--wave-names", "2025,2026", "-o", "r.csv"], {"argument": "--wave-names", "value": "2025,2026"},
     "--wave-names '2025,2026': one FILE and no --wave, so there are no waves to name; give one file per wave, "
     "or --wave COLUMN, or leave --wave-names out"),
    ([W1, W2], ["--goal-text", "comment", "-o", "r.csv"], {"argument": "--goal-text", "value": "comment"},
     "--goal-text 'comment' is for one survey wave; run it on each wave's file"),
    ([W1, W2], ["--wave", "x", "-o", "r.csv"], {"argument": "--wave", "value": "x"},
     "--wave 'x' is given with several FILEs; give either several FILEs (one per wave) or one FILE with --wave "
     "COLUMN, not both"),
    ([W1, W2], ["--wave-names", "a", "-o", "r.csv"], {"argument": "--wave-names", "value": "a"},
     "--wave-names 'a' gives 1 names for 2 files; give one per file"),
    ([W1, W1], ["--wave-names", "a,a", "-o", "r.csv"], {"argument": "--wave-names", "value": "a,a"},
     "--wave-names 'a,a' gives the wave names a, a, which repeat; name each file's wave with --wave-names"),
    ([W1, W1], ["-o", "r.csv"], {"argument": "FILE", "value": f"{W1} {W1}"},
     "gives the wave names responses, responses, which repeat; name each file's wave with --wave-names"),
])
def test_teams_refuses_a_flag_by_name(files, extra, parts, said, tmp_path, monkeypatch, capsys):
    """A refused flag (or FILE, or the output file) is a part of the refusal, with what to do."""
    monkeypatch.chdir(tmp_path)
    base = ["--group", "team", "--instrument", "vandewalle", "--columns", "wdgo_{n}"]
    exc, err = refused(["teams", *files, *base, *extra], capsys)
    assert {k: exc.parts().get(k, "absent") for k in parts} == parts and "hint" in exc.parts()
    assert says(err, said) and list(tmp_path.iterdir()) == []


@st.composite
def two_wave_organisations(draw):
    """Random organisations surveyed twice; people join, leave and move between the waves."""
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    rows = []
    n_dept = draw(st.integers(1, 3))
    for w in ("w1", "w2"):
        for d in range(n_dept):
            for t in range(3):
                size = int(rng.integers(1, 10))
                site = "N" if (d + t) % 2 else "S"
                for i in range(size):
                    rows.append((w, f"T{d}{t}", f"D{d}", site if rng.random() < 0.8 else "NS"[i % 2]))
    df = pd.DataFrame(rows, columns=["wave", "team", "department", "site"])
    return add_random_scores(df, rng)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(two_wave_organisations())
def test_random_two_wave_organisations_resist_the_attack(df):
    """The wave logic on plain score columns: per-wave plans, changes only where both are shown."""
    from types import SimpleNamespace

    from analysis.anonymity.privacy import plan_suppression
    from analysis.teams.waves import _change

    reports = {}
    try:
        for w, d in df.groupby("wave"):
            plan = plan_suppression(d, LEVELS, parents={"team": "department"}, values=SCALES, k=5,
                                    bounds={s: (1.0, 6.0) for s in SCALES})
            t = pd.concat([aggregate(d, SCALES, "team", parent="department"),
                           aggregate(d, SCALES, "site", organisation=False)], ignore_index=True)
            t = plan.mask(t.rename(columns={"variable": "scale"}), keep=("level", "unit", "parent", "scale"))
            t["rwg_j"] = np.nan
            reports[w] = SimpleNamespace(table=t, parent="department", group="team", also=["site"], scales=SCALES, k=5)
    except DataError as exc:
        assert "cannot publish" in str(exc) or "fewer than the minimum" in str(exc) or "only" in str(exc)
        return
    rep = SimpleNamespace(reports=reports, change=_change(reports["w1"], reports["w2"], "w1", "w2", 0.95))
    known, hidden = published(rep)
    assert lp_attack(known, hidden, change_equations(rep.change), df) == {}


def test_cli_waves_never_overwrite_an_input(tmp_path, capsys):
    w2 = tmp_path / "wave2.csv"
    w2.write_bytes(W2.read_bytes())
    for out in (w2, tmp_path / "wave2.csv", tmp_path / "x.csv"):
        if out.name == "x.csv":   # OUT's side file x.change.csv would be an input
            side = tmp_path / "x.change.csv"
            side.write_bytes(W2.read_bytes())
            files = [str(W1), str(side)]
        else:
            files = [str(W1), str(w2)]
        with pytest.raises(SystemExit) as e:
            main(["teams"] + files + ["--group", "team", "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                                      "-o", str(out)])
        assert e.value.code == 2 and says(capsys.readouterr().err, "would overwrite an input")
    assert w2.read_bytes() == W2.read_bytes()
