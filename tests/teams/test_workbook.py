"""The manager-ready workbook and HTML: formats, widths, frozen headers, filters, charts, marks,
labels, the legend, and images that really render (headless Chromium)."""

import base64
import html.parser
import io
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image

from analysis.teams import build_staff_report, write_staff_report
from analysis.teams.formats import FORMATS, RWG_LOW, show
from analysis.teams.workbook import ICC_COLUMNS, SCORE_COLUMNS
from tests.conftest import ROOT

DEMO = ROOT / "data" / "raw" / "staff_demo" / "responses.csv"
LABELS = {"learning": "Learning goal orientation", "avoid": "Avoid performance goal orientation",
          "prove": "Prove performance goal orientation"}
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if shutil.os.path.exists("/usr/bin/chromium") else None)


@pytest.fixture(scope="module")
def report():
    return build_staff_report(pd.read_csv(DEMO), "vandewalle", "team", parent="department", also=["site"],
                              columns="wdgo_{n}")


@pytest.fixture(scope="module")
def files(report, tmp_path_factory):
    d = tmp_path_factory.mktemp("wb")
    return {ext: write_staff_report(report, d / f"teams.{ext}") for ext in ("xlsx", "html")}


@pytest.fixture(scope="module")
def wb(files):
    return openpyxl.load_workbook(files["xlsx"])


def _header_row(ws, first="Level"):
    for row in ws.iter_rows(max_row=10):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header row in {ws.title}")


def _records(ws, columns, first="Level"):
    top = _header_row(ws, first)
    heads = [c.value for c in ws[top]][:len(columns)]
    assert heads == [h for h, *_ in columns]
    return top, [r for r in ws.iter_rows(min_row=top + 1, max_col=len(columns)) if r[0].value is not None]


def test_few_sheets_in_a_managers_order(wb, report):
    depts = sorted(report.table.loc[report.table.level == "department", "unit"].unique())
    assert wb.sheetnames == ["Read me", "Overview"] + depts + ["By site", "Between units", "Legend"]
    assert len(wb.sheetnames) == 11            # was 46: one sheet per department, not per team


def test_every_number_has_the_format_of_its_kind(wb):
    checked = 0
    for name in wb.sheetnames[1:-2]:
        ws = wb[name]
        top, rows = _records(ws, SCORE_COLUMNS)
        for row in rows:
            for cell, (_h, _f, kind, _w) in zip(row, SCORE_COLUMNS):
                if kind is not None:
                    assert cell.number_format == FORMATS[kind], (name, cell.coordinate)
                    checked += 1
    assert checked > 2000
    assert FORMATS["mean"] == "0.00" and FORMATS["p"] == '[<0.001]"<.001";.000' and FORMATS["index"] == ".00;-.00"
    ic = wb["Between units"]
    top, rows = _records(ic, ICC_COLUMNS, "Grouping")
    assert len(rows) == 9                    # team, department, site x 3 scales
    for row in rows:
        assert [c.number_format for c in row] == ["General", "General"] + [FORMATS[k] for *_x, k, _w in ICC_COLUMNS[2:]]


def test_cells_keep_full_precision(wb, report):
    """Cells hold the unrounded statistics; formats only change what is shown."""
    ws = wb["Overview"]
    top, rows = _records(ws, SCORE_COLUMNS)
    t = report.table.set_index(["level", "unit", "scale"])
    inv = {v: k for k, v in LABELS.items()}
    assert len(rows) == len(report.table)
    for row in rows:
        rec = t.loc[(row[0].value, row[1].value, inv[row[3].value])]
        for cell, (_h, f, kind, _w) in zip(row, SCORE_COLUMNS):
            if kind is None or f not in rec.index:
                continue
            want = rec[f]
            if pd.isna(want):
                assert cell.value is None
            else:
                assert cell.value == pytest.approx(float(want), abs=1e-12)
    ic = wb["Between units"]
    _, irows = _records(ic, ICC_COLUMNS, "Grouping")
    p = {(r.level, r.scale): r.p_val for r in report.icc.itertuples()}
    assert irows[0][8].value == pytest.approx(p[("team", "learning")], abs=1e-15)
    assert irows[0][8].value == pytest.approx(3.228981632547993e-10, abs=1e-15)   # shown as <.001


def test_widths_freeze_panes_and_filters(wb):
    for name in wb.sheetnames[1:-2]:
        ws = wb[name]
        top = _header_row(ws)
        assert ws.freeze_panes == f"C{top + 1}"
        last = ws.max_row
        assert ws.auto_filter.ref == f"A{top}:S{last}"
        for j, (_h, _f, _k, width) in enumerate(SCORE_COLUMNS, start=1):
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width == width
    assert wb["Between units"].freeze_panes == "A5"
    assert wb["Legend"].freeze_panes == "A4"
    assert wb["Read me"].column_dimensions["A"].width == 120


def test_charts_each_unit_against_the_organisation_with_ci(wb, report):
    ws = wb["Overview"]
    top, rows = _records(ws, SCORE_COLUMNS)
    assert len(ws._charts) == 3
    by_row = {r[0].row: r for r in rows}
    for chart, scale in zip(ws._charts, ["learning", "avoid", "prove"]):
        assert chart.tagname == "barChart" and [type(c).__name__ for c in chart._charts] == ["BarChart", "LineChart"]
        bar, line = chart._charts
        ref = bar.series[0].val.numRef.f
        assert ref.startswith("'Overview'!$F$")                 # the Mean column
        r0, r1 = (int(x.split("$")[-1]) for x in ref.split(":"))
        units = [by_row[i][1].value for i in range(r0, r1 + 1)]
        assert {by_row[i][0].value for i in range(r0, r1 + 1)} == {"department"}
        assert {by_row[i][3].value for i in range(r0, r1 + 1)} == {LABELS[scale]}
        assert units == sorted(report.table.loc[report.table.level == "department", "unit"].unique())
        assert bar.series[0].cat.strRef.f == f"'Overview'!$B${r0}:$B${r1}"
        assert line.series[0].val.numRef.f == f"'Overview'!$J${r0}:$J${r1}"   # organisation mean
        eb = bar.series[0].errBars
        assert eb.errValType == "cust" and eb.errBarType == "both"
        t = report.table.set_index(["level", "unit", "scale"])
        for i, u in enumerate(units):
            rec = t.loc[("department", u, scale)]
            assert eb.plus.numLit.pt[i].v == pytest.approx(rec.ci_high - rec["mean"], abs=1e-6)
            assert eb.minus.numLit.pt[i].v == pytest.approx(rec["mean"] - rec.ci_low, abs=1e-6)
        assert bar.y_axis.scaling.min == 1 and bar.y_axis.scaling.max == 6
    # each department sheet charts its own teams
    fin = wb["Finance"]
    assert len(fin._charts) == 3
    ref = fin._charts[0]._charts[0].series[0].val.numRef.f
    r0, r1 = (int(x.split("$")[-1]) for x in ref.split(":"))
    assert {fin.cell(row=i, column=1).value for i in range(r0, r1 + 1)} == {"team"}
    assert {fin.cell(row=i, column=3).value for i in range(r0, r1 + 1)} == {"Finance"}


def test_marks_for_low_agreement_and_clear_differences(wb, report):
    ws = wb["Overview"]
    _, rows = _records(ws, SCORE_COLUMNS)
    col = {f: j for j, (_h, f, _k, _w) in enumerate(SCORE_COLUMNS)}
    low = clear = 0
    for row in rows:
        rwg, lo, hi, org = (row[col[f]].value for f in ("rwg_j", "ci_low", "ci_high", "org_mean"))
        mark = row[col["agreement"]].value
        assert (mark == "low agreement") == (rwg is not None and rwg < RWG_LOW)
        if mark:
            low += 1
            assert row[col["agreement"]].fill.fgColor.rgb.endswith("FCE4D6")
        vs = row[col["vs_org"]].value
        expect = None
        if row[0].value != "organisation" and lo is not None:
            expect = "above organisation" if lo > org else "below organisation" if hi < org else None
        assert vs == expect
        clear += bool(vs)
        if row[col["n"]].value is None:
            assert row[col["shown"]].value == "suppressed"
    assert low >= 10 and clear >= 3
    fin = [r for r in rows if r[1].value == "Finance" and r[3].value == LABELS["learning"]][0]
    assert fin[col["vs_org"]].value == "below organisation"


def test_readme_states_range_marks_and_contents(wb):
    text = "\n".join(str(c.value) for c in wb["Read me"]["A"] if c.value)
    assert "Answers were given on a scale from 1 to 6" in text
    assert "below 0.70" in text and "above organisation" in text
    links = {c.value.split(":")[0]: c.hyperlink.location for c in wb["Read me"]["A"] if c.hyperlink}
    assert set(links) == set(wb.sheetnames[1:])
    assert links["Between units"] == "'Between units'!A1"


def test_legend_explains_every_index(wb):
    ws = wb["Legend"]
    rows = {r[0].value: (r[1].value, r[2].value) for r in ws.iter_rows(min_row=4) if r[0].value}
    for name in ("rwg(j)", "r*wg(j)", "AD_M", "AD_Md", "awg", "ICC(1)", "ICC(2)", "p", "95% CI", "Difference",
                 "Agreement", "Compared with organisation", "Shown"):
        assert name in rows and len(rows[name][0]) > 30, name
    assert "negative ICC(2)" in rows["ICC(2)"][1]


def test_same_labels_in_xlsx_and_html(wb, files):
    ws = wb["Overview"]
    _, rows = _records(ws, SCORE_COLUMNS)
    assert {r[3].value for r in rows} == set(LABELS.values())
    text = files["html"].read_text()
    for label in LABELS.values():
        assert f"<td>{label}</td>" in text and f"<h3>{label}</h3>" in text
    assert "<td>avoid</td>" not in text and "Avoid orientation" not in text


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.links, self.ids, self.cells, self._td = [], [], set(), [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a)
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag == "tr":
            self.cells.append([])
        if tag == "td":
            self._td = ""

    def handle_data(self, data):
        if self._td is not None:
            self._td += data

    def handle_endtag(self, tag):
        if tag == "td":
            self.cells[-1].append(self._td)
            self._td = None


@pytest.fixture(scope="module")
def page(files):
    p = _Page()
    p.feed(files["html"].read_text())
    return p


def test_html_contents_and_images_decode(page, report):
    assert page.links and set(page.links) <= page.ids                    # every contents entry has a target
    assert len(page.imgs) == 1 + 6 + 1                                   # overview, 6 departments, site
    images_ok(page)


def images_ok(page):
    for img in page.imgs:
        assert img["alt"] and img["src"].startswith("data:image/png;base64,")
        im = Image.open(io.BytesIO(base64.b64decode(img["src"].split(",", 1)[1])))
        im.load()
        assert im.width > 300 and im.height > 100
        assert len(im.convert("L").getcolors(1 << 16)) > 8              # not a blank canvas


def test_the_image_checks_catch_a_missing_image(files, tmp_path):
    text = files["html"].read_text()
    broken = text.replace('src="data:image/png;base64,iVBOR', 'src="data:image/png;base64,AAAA', 1)
    p = _Page()
    p.feed(broken)
    with pytest.raises(Exception):
        images_ok(p)
    if CHROMIUM is not None:
        no_charts = tmp_path / "no_charts.html"
        no_charts.write_text(text.replace('src="data:image/png;base64,', 'src="missing.png#'))
        with pytest.raises(AssertionError):
            screenshot_ok(no_charts, tmp_path)


def test_html_numbers_are_the_workbook_formats(page, report):
    """The Finance learning row as the HTML shows it equals the values formatted by kind."""
    rows = [c for c in page.cells if c[:2] == ["Finance", LABELS["learning"]]]
    assert rows
    r = report.table.set_index(["level", "unit", "scale"]).loc[("department", "Finance", "learning")]
    assert rows[0][2:7] == [show(r.n, "count"), show(r["mean"], "mean"), show(r.sd, "mean"),
                            f"[{show(r.ci_low, 'mean')}, {show(r.ci_high, 'mean')}]", show(r.org_mean, "mean")]
    assert rows[0][2:7] == ["34", "2.76", "1.21", "[2.34, 3.19]", "3.55"]
    assert rows[0][8] == "below organisation"
    assert rows[0][9] == show(r.rwg_j, "index") == ".51"
    assert rows[0][-1] == "low agreement"
    icc = [c for c in page.cells if c[:2] == ["department", LABELS["prove"]]][0]
    assert icc[5] == "-1.03" and icc[7] == ".782"                      # negative ICC(2), APA p
    team = [c for c in page.cells if c[:2] == ["team", LABELS["learning"]]][0]
    assert team[7] == "<.001"


def test_show_mirrors_excel_formats():
    assert show(3.14159, "mean") == "3.14" and show(2, "mean") == "2.00"
    assert show(0.7249, "index") == ".72" and show(-0.031, "index") == "-.03" and show(1.0, "index") == "1.00"
    assert show(-1.033893, "index") == "-1.03"
    assert show(0.0009999, "p") == "<.001" and show(0.001, "p") == ".001" and show(0.0234, "p") == ".023"
    assert show(np.nan, "p") == "" and show(None, "count") == ""


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_html_renders_in_headless_chromium(files, tmp_path):
    screenshot_ok(files["html"], tmp_path)


def screenshot_ok(page, tmp_path):
    """Screenshot ``page`` in headless Chromium; fail unless it rendered text and a chart."""
    shot = tmp_path / "page.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,3000",
           page.resolve().as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    im = Image.open(shot).convert("RGB")
    assert im.size == (1200, 3000)
    lo, hi = zip(*im.getextrema())
    assert max(hi) - min(lo) > 200                                       # not blank
    # the chart of the first section rendered: somewhere below the text there is the dark-blue of a CI bar
    px = np.asarray(im)
    blue = (np.abs(px.astype(int) - [0x1f, 0x4e, 0x79]).sum(axis=2) < 60)
    assert blue.sum() > 50


def test_without_a_parent_one_sheet_holds_every_unit(tmp_path):
    rep = build_staff_report(pd.read_csv(DEMO), "vandewalle", "team", columns="wdgo_{n}")
    wb = openpyxl.load_workbook(write_staff_report(rep, tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["Read me", "Overview", "By team", "Between units", "Legend"]
    ws = wb["By team"]
    top, rows = _records(ws, SCORE_COLUMNS)
    assert len(rows) == len(rep.table) and len(ws._charts) == 3
    p = _Page()
    p.feed(write_staff_report(rep, tmp_path / "t.html").read_text())
    assert len(p.imgs) == 1
    images_ok(p)
