"""The staff report: xlsx/html/csv outputs, no identifiers or free text, the CLI, the demo data."""

import html.parser
import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.cli import main
from analysis.teams import agreement, build_staff_report, icc, write_staff_report
from tests.conftest import ROOT
from tests.messages import says

DEMO = ROOT / "data" / "raw" / "staff_demo" / "responses.csv"
KEY = "not-a-real-key-0123456789abcdef"


@pytest.fixture(scope="module")
def demo():
    return pd.read_csv(DEMO)


@pytest.fixture(scope="module")
def report(demo):
    return build_staff_report(demo, "vandewalle", "team", parent="department", columns="wdgo_{n}")


def test_demo_file_is_reproducible(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_staff_demo.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    assert (tmp_path / "responses.csv").read_bytes() == DEMO.read_bytes()
    assert (tmp_path / "responses_wave2.csv").read_bytes() == DEMO.with_name("responses_wave2.csv").read_bytes()


def test_demo_has_what_the_report_must_handle(demo):
    sizes = demo.groupby("team").size()
    assert (sizes < 5).sum() >= 3
    assert {"email", "comment", "team", "department"} <= set(demo.columns)
    items = demo[[f"wdgo_{i}" for i in range(1, 14)]]
    assert items.min().min() == 1 and items.max().max() == 6


def test_report_numbers_equal_the_library(report, demo):
    """Report cells are the library's aggregate/agreement values for published units."""
    from analysis import prepare_items

    items = prepare_items(demo, "vandewalle", "wdgo_{n}")
    keyed = items.keyed("learning")
    cols = list(keyed.columns)
    keyed["team"] = demo["team"].to_numpy()
    a = agreement(keyed, cols, "team", 6, response=(1, 6)).set_index("group")
    t = report.table[(report.table.level == "team") & (report.table.scale == "learning") & ~report.table.suppressed]
    assert len(t) > 20
    for r in t.itertuples():
        assert r.rwg_j == pytest.approx(a.loc[r.unit, "rwg_j"], abs=1e-12)
        assert r.awg == pytest.approx(a.loc[r.unit, "awg"], abs=1e-12, nan_ok=True)
        v = report.table  # organisation mean beside every unit
        assert r.org_mean == pytest.approx(float(v[(v.level == "organisation") & (v.scale == "learning")]["mean"].iloc[0]))
    shown = report.table[(report.table.level == "team") & ~report.table.suppressed]["unit"].unique()
    ours = report.icc[(report.icc.level == "team") & (report.icc.scale == "learning")]
    assert ours["n_groups"].iloc[0] == len(shown)


def test_outputs_open_and_leak_nothing(report, tmp_path, demo):
    paths = {ext: write_staff_report(report, tmp_path / f"r.{ext}") for ext in ("xlsx", "html", "csv")}
    wb = openpyxl.load_workbook(paths["xlsx"])
    units = report.units()
    assert wb.sheetnames[:2] == ["Read me", "Overview"]
    assert wb.sheetnames[-3:] == ["Agreement", "Between units", "Legend"]
    depts = [u for lv, u in units if lv == "department"]
    assert wb.sheetnames[2:-3] == depts
    readme = "\n".join(str(c.value) for c in wb["Read me"]["A"] if c.value)
    assert "Payne" in readme and "Journal of Applied Psychology" in readme and "control" in readme
    fin01 = [row for row in wb["Finance"].iter_rows(values_only=True) if row[1] == "FIN-01"]
    # one row per unit; each scale's mean cell says why it is empty, the CI, n and mark are blank
    assert fin01 == [("team", "FIN-01", "Finance") + ("hidden — fewer than 5 answers", None, None, None, None) * 3]
    # the HTML parses and has one section per unit
    p = html.parser.HTMLParser()
    text = paths["html"].read_text()
    p.feed(text)
    assert text.count('<section class="unit"') == 1 + len(depts) and "Payne" in text
    # nothing personal: no e-mail, no comment text, no employee id
    blobs = [paths["csv"].read_bytes(), paths["html"].read_bytes()]
    blobs += [str(c.value).encode() for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    everything = b"\n".join(blobs)
    for col in ("email", "employee_id"):
        for v in demo[col].head(50):
            assert str(v).encode() not in everything
    comments = [c for c in demo["comment"].dropna().unique() if c]
    assert comments and not any(c.encode() in everything for c in comments)
    assert b"(synthetic)" not in everything


def test_outputs_are_deterministic(report, demo, tmp_path):
    again = build_staff_report(demo, "vandewalle", "team", parent="department", columns="wdgo_{n}")
    for ext in ("xlsx", "html", "csv"):
        a = write_staff_report(report, tmp_path / f"a.{ext}").read_bytes()
        b = write_staff_report(again, tmp_path / f"b.{ext}").read_bytes()
        assert a == b, ext


def test_an_unknown_file_ending_is_refused_with_the_endings_to_use(report, tmp_path, monkeypatch):
    from analysis.errors import DataError

    monkeypatch.chdir(tmp_path)     # a relative name: a long temporary path would be cut in the message
    with pytest.raises(DataError) as caught:
        write_staff_report(report, "staff.txt")
    assert " ".join(str(caught.value).split()) == (
        "path='staff.txt' is not a staff report file name; use a .xlsx, .html or .csv file name for the staff report")
    assert not (tmp_path / "staff.txt").exists()


def test_cli_teams_and_pseudonyms(tmp_path, monkeypatch, capsys):
    keyfile = tmp_path / "key.txt"
    keyfile.write_text(KEY)
    out = tmp_path / "teams.xlsx"
    persons = tmp_path / "persons.csv"
    rc = main(["teams", str(DEMO), "--group", "team", "--parent", "department", "--also", "site",
               "--instrument", "vandewalle", "--columns", "wdgo_{n}", "--min-group", "5", "--id-column", "email",
               "--key-file", str(keyfile), "--person-scores", str(persons), "-o", str(out)])
    assert rc == 0
    msg = capsys.readouterr().out
    assert "6 hidden" in msg and "team: FIN-01, FIN-04, LEG-01, LEG-02, SAL-04, SAL-06" in msg and KEY not in msg
    openpyxl.load_workbook(out)
    ps = pd.read_csv(persons)
    assert list(ps.columns[:4]) == ["respondent", "team", "department", "site"]
    assert not ps["respondent"].isin(pd.read_csv(DEMO)["email"]).any()
    assert ps["respondent"].str.fullmatch(r"[0-9a-f]{16}").all()
    for f in tmp_path.iterdir():
        if f != keyfile:
            assert KEY.encode() not in f.read_bytes()
    # same key, same pseudonyms; another key, other pseudonyms
    monkeypatch.setenv("GOALSCOPE_PSEUDONYM_KEY", KEY)
    p2 = tmp_path / "p2.csv"
    main(["teams", str(DEMO), "--group", "team", "--instrument", "vandewalle", "--columns", "wdgo_{n}",
          "--id-column", "email", "--person-scores", str(p2), "-o", str(tmp_path / "t.csv")])
    assert pd.read_csv(p2)["respondent"].equals(ps["respondent"])


def test_cli_errors_are_one_paragraph(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GOALSCOPE_PSEUDONYM_KEY", raising=False)
    base = ["teams", str(DEMO), "--instrument", "vandewalle", "--columns", "wdgo_{n}"]
    for extra, needle in [(["--group", "team", "--min-group", "2"], "no lower than 3"),
                          (["--group", "nosuch"], "'nosuch'"),
                          (["--group", "team", "--id-column", "email", "--person-scores", str(tmp_path / "p.csv")], "key"),
                          (["--group", "department", "--parent", "team"], "more than one")]:
        with pytest.raises(SystemExit) as e:
            main(base + extra + ["-o", str(tmp_path / "x.csv")])
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert says(err, needle) and "Traceback" not in err


def test_icc_on_demo_equals_pingouin_free_formula(demo):
    """ICC(1) of the scale score equals the ANOVA formula by hand (independent of the vectorised code)."""
    from analysis import score

    s = score(demo, "vandewalle", columns="wdgo_{n}").scores
    d = pd.DataFrame({"team": demo["team"], "y": s["learning"]}).dropna()
    g = d.groupby("team")["y"]
    n, grand = len(d), d["y"].mean()
    ssb = float((g.size() * (g.mean() - grand) ** 2).sum())
    ssw = float(((d["y"] - g.transform("mean")) ** 2).sum())
    G = g.ngroups
    msb, msw = ssb / (G - 1), ssw / (n - G)
    k = n / G
    ours = icc(d, "y", "team").iloc[0]
    assert ours["icc1"] == pytest.approx((msb - msw) / (msb + (k - 1) * msw), abs=1e-12)
    assert ours["icc2"] == pytest.approx((msb - msw) / msb, abs=1e-12)
    assert np.isfinite(ours["p_val"])
