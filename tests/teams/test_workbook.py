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
from analysis.teams.workbook import AGREEMENT_COLUMNS, ICC_COLUMNS
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


SCALES = ["learning", "avoid", "prove"]                # the key's order
HIDDEN = "hidden — fewer than 5 answers"
BLOCK = ["Mean", "95% CI low", "95% CI high", "n", "Compared with organisation"]
UNIT_HEADS = ["Level", "Unit", "Part of"] + BLOCK * 3


def _units(ws):
    """(header row, data rows as dicts) of a unit table: one row per unit, scales side by side."""
    top, rows = _records(ws, [(h,) for h in UNIT_HEADS])
    out = []
    for row in rows:
        rec = {"level": row[0].value, "unit": row[1].value, "parent": row[2].value, "row": row[0].row, "cells": row}
        for i, s in enumerate(SCALES):
            for j, f in enumerate(["mean", "ci_low", "ci_high", "n", "vs_org"]):
                rec[(s, f)] = row[3 + 5 * i + j]
        out.append(rec)
    return top, out


def test_few_sheets_in_a_managers_order(wb, report):
    depts = sorted(report.table.loc[report.table.level == "department", "unit"].unique())
    assert wb.sheetnames == ["Read me", "Overview"] + depts + ["By site", "Agreement", "Between units", "Legend"]


def test_one_row_per_unit_with_the_scales_side_by_side_in_the_keys_order(wb, report):
    ws = wb["Overview"]
    top, rows = _units(ws)
    assert top == 6
    # the scale labels stand over their blocks (merged), in the key's order
    assert [ws.cell(row=5, column=c).value for c in (4, 9, 14)] == [LABELS[s] for s in SCALES]
    assert {str(m) for m in ws.merged_cells.ranges} == {"D5:H5", "I5:M5", "N5:R5"}
    assert [(r["level"], r["unit"]) for r in rows] == [("organisation", "organisation")] + report.units()
    assert len(rows) == 1 + 6 + 34 + 3                                  # was 136 rows (unit x scale)
    assert rows[0][("learning", "mean")].font.b and rows[0][("learning", "mean")].fill.fgColor.rgb.endswith("EDEDED")
    # the organisation row once per sheet, as the first row, on every unit sheet
    for name in wb.sheetnames[1:9]:
        _, r = _units(wb[name])
        assert [x["level"] for x in r].count("organisation") == 1 and r[0]["level"] == "organisation", name
    fin = [(x["level"], x["unit"]) for x in _units(wb["Finance"])[1]]
    assert fin == [("organisation", "organisation"), ("department", "Finance")] + [
        ("team", u) for u in ("FIN-01", "FIN-02", "FIN-03", "FIN-04")]
    # technical indices are not on the manager's sheets
    heads = {c.value for c in ws[top]}
    assert not heads & {"rwg(j)", "r*wg(j)", "AD_M", "AD_Md", "awg", "SD", "Agreement"}


def test_cells_keep_full_precision_and_formats_by_kind(wb, report):
    t = report.table.set_index(["level", "unit", "scale"])
    checked = 0
    for name in wb.sheetnames[1:9]:
        _, rows = _units(wb[name])
        for r in rows:
            for s in SCALES:
                rec = t.loc[(r["level"], r["unit"], s)]
                if rec.suppressed:
                    continue
                for f, kind in (("mean", "mean"), ("ci_low", "mean"), ("ci_high", "mean"), ("n", "count")):
                    cell = r[(s, f)]
                    assert cell.value == pytest.approx(float(rec[f]), abs=1e-12), (name, cell.coordinate)
                    assert cell.number_format == FORMATS[kind]
                    checked += 1
    # Overview 38 shown units + organisation; department sheets 2 + 4 teams each less 2x6 hidden rows;
    # site sheet organisation + 3 sites: each unit 3 scales x 4 numbers
    assert checked == 12 * ((1 + 37) + (6 * 1 + 6 + 28) + (1 + 3))
    assert wb["Overview"]["D7"].value == pytest.approx(3.550000000000003, abs=1e-12)   # organisation, learning
    ic = wb["Between units"]
    top, rows = _records(ic, ICC_COLUMNS, "Grouping")
    assert len(rows) == 9                    # team, department, site x 3 scales
    for row in rows:
        assert [c.number_format for c in row] == ["General", "General"] + [FORMATS[k] for *_x, k, _w in ICC_COLUMNS[2:]]
    assert rows[0][8].value == pytest.approx(3.228981632547993e-10, abs=1e-15)   # shown as <.001


def test_hidden_units_are_labelled_never_blank(wb, report):
    hidden = {(lv, u) for lv, u in zip(report.table.level, report.table.unit)
              if report.table[(report.table.level == lv) & (report.table.unit == u)].suppressed.all()}
    assert {u for _lv, u in hidden} == {"FIN-01", "FIN-04", "LEG-01", "LEG-02", "SAL-04", "SAL-06"}
    seen = set()
    for name in wb.sheetnames[1:9]:
        _, rows = _units(wb[name])
        for r in rows:
            if (r["level"], r["unit"]) in hidden:
                seen.add((r["level"], r["unit"]))
                for s in SCALES:
                    assert r[(s, "mean")].value == HIDDEN and r[(s, "mean")].font.i
                    assert [r[(s, f)].value for f in ("ci_low", "ci_high", "n", "vs_org")] == [None] * 4
            else:
                assert all(isinstance(r[(s, "mean")].value, float) for s in SCALES), (name, r["unit"])
    assert seen == hidden
    ag = wb["Agreement"]
    _, rows = _records(ag, AGREEMENT_COLUMNS)
    for row in rows:
        hid = (row[0].value, row[1].value) in hidden
        assert (row[5].value == HIDDEN) == hid and (row[-1].value == HIDDEN) == hid
        assert row[0].value != "organisation"
    assert len(rows) == 3 * 43
    notes = [wb[n]["A3"].value for n in wb.sheetnames[1:9]] + [ag["A3"].value]
    assert len(set(notes)) == 1 and notes[0].startswith(f"'{HIDDEN}': the unit has fewer than 5 answers, or it is")


def test_widths_freeze_panes_and_filters(wb):
    for name in wb.sheetnames[1:9]:
        ws = wb[name]
        top, rows = _units(ws)
        assert ws.freeze_panes == f"D{top + 1}"
        assert ws.auto_filter.ref == f"A{top}:R{rows[-1]['row']}"
        assert [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width for j in range(1, 9)] == \
            [13, 16, 13, 9, 8, 8, 6, 14]
    assert wb["Agreement"].freeze_panes == "E6"
    assert wb["Between units"].freeze_panes == "A5"
    assert wb["Legend"].freeze_panes == "A4"
    assert wb["Read me"].column_dimensions["A"].width == 120


def _chart_parts(chart):
    bar, line = chart._charts
    s = bar.series[0]
    cats = [p.v for p in s.cat.strLit.pt]
    vals = {p.idx: p.v for p in s.val.numLit.pt}
    return bar, line, cats, vals


def test_charts_each_unit_against_the_organisation_with_ci(wb, report):
    ws = wb["Overview"]
    assert len(ws._charts) == 3
    t = report.table.set_index(["level", "unit", "scale"])
    depts = sorted(report.table.loc[report.table.level == "department", "unit"].unique())
    for chart, scale in zip(ws._charts, SCALES):
        assert chart.tagname == "barChart" and [type(c).__name__ for c in chart._charts] == ["BarChart", "LineChart"]
        bar, line, cats, vals = _chart_parts(chart)
        assert chart.title.tx.rich.p[0].r[0].t == f"{LABELS[scale]}: department vs organisation"
        assert cats == depts and sorted(vals) == list(range(6))
        org = t.loc[("organisation", "organisation", scale), "mean"]
        assert [p.v for p in line.series[0].val.numLit.pt] == [round(org, 6)] * 6
        eb = bar.series[0].errBars
        assert eb.errValType == "cust" and eb.errBarType == "both"
        for i, u in enumerate(depts):
            rec = t.loc[("department", u, scale)]
            assert vals[i] == pytest.approx(rec["mean"], abs=1e-6)
            assert eb.plus.numLit.pt[i].v == pytest.approx(rec.ci_high - rec["mean"], abs=1e-6)
            assert eb.minus.numLit.pt[i].v == pytest.approx(rec["mean"] - rec.ci_low, abs=1e-6)
        assert bar.y_axis.scaling.min == 1 and bar.y_axis.scaling.max == 6
    # each department sheet charts its own teams; a hidden team is named with the label and has no bar
    fin = wb["Finance"]
    _, rows = _units(fin)
    assert len(fin._charts) == 3
    anchors = [c.anchor._from.row + 1 for c in fin._charts]
    assert anchors == [rows[-1]["row"] + 3 + 16 * i for i in range(3)]     # below the table
    bar, line, cats, vals = _chart_parts(fin._charts[0])
    assert cats == [f"FIN-01 ({HIDDEN})", "FIN-02", "FIN-03", f"FIN-04 ({HIDDEN})"]
    assert sorted(vals) == [1, 2] and bar.series[0].val.numLit.ptCount == 4
    assert vals[1] == pytest.approx(t.loc[("team", "FIN-02", "learning"), "mean"], abs=1e-6)


def test_marks_against_the_organisation(wb, report):
    _, rows = _units(wb["Overview"])
    clear = 0
    org = {s: rows[0][(s, "mean")].value for s in SCALES}
    for r in rows[1:]:
        for s in SCALES:
            lo, hi, vs = (r[(s, f)].value for f in ("ci_low", "ci_high", "vs_org"))
            expect = None if lo is None else ("above organisation" if lo > org[s] else
                                              "below organisation" if hi < org[s] else None)
            assert vs == expect
            if vs:
                clear += 1
                assert r[(s, "vs_org")].fill.fgColor.rgb.endswith("E2EFDA")
    assert clear >= 3
    fin = [r for r in rows if r["unit"] == "Finance"][0]
    assert fin[("learning", "vs_org")].value == "below organisation"
    assert fin[("avoid", "vs_org")].value == "above organisation"


def test_agreement_sheet_holds_the_technical_indices(wb, report):
    ws = wb["Agreement"]
    assert ws["A1"].value == "Agreement within units (technical)"
    top, rows = _records(ws, AGREEMENT_COLUMNS)
    t = report.table.set_index(["level", "unit", "scale"])
    inv = {v: k for k, v in LABELS.items()}
    low = 0
    for row in rows:
        rec = t.loc[(row[0].value, row[1].value, inv[row[3].value])]
        if rec.suppressed:
            continue
        for cell, (_h, f, kind, _w) in zip(row, AGREEMENT_COLUMNS):
            if kind is not None:
                want = rec[f]
                assert (cell.value is None) if pd.isna(want) else cell.value == pytest.approx(float(want), abs=1e-12)
        mark = row[10].value
        assert (mark == "low agreement") == (rec.rwg_j < RWG_LOW)
        low += bool(mark)
        if mark:
            assert row[10].fill.fgColor.rgb.endswith("FCE4D6")
    assert low >= 10


def test_readme_states_range_marks_and_contents(wb):
    text = "\n".join(str(c.value) for c in wb["Read me"]["A"] if c.value)
    assert "Answers were given on a scale from 1 to 6" in text
    assert "below 0.70" in text and "above organisation" in text and HIDDEN in text
    assert "wave" not in text.lower()                                    # one survey: no wave named
    links = {c.value.split(":")[0]: c.hyperlink.location for c in wb["Read me"]["A"] if c.hyperlink}
    assert set(links) == set(wb.sheetnames[1:])
    assert links["Between units"] == "'Between units'!A1"


def test_legend_explains_every_index(wb):
    ws = wb["Legend"]
    rows = {r[0].value: (r[1].value, r[2].value) for r in ws.iter_rows(min_row=4) if r[0].value}
    for name in ("rwg(j)", "r*wg(j)", "AD_M", "AD_Md", "awg", "ICC(1)", "ICC(2)", "p", "95% CI", "Difference",
                 "Agreement", "Compared with organisation", "Hidden"):
        assert name in rows and len(rows[name][0]) > 30, name
    assert "negative ICC(2)" in rows["ICC(2)"][1]
    assert rows["Hidden"][0].startswith(f"'{HIDDEN}'")


def test_a_rounding_leftover_never_shows_minus_zero(tmp_path):
    from analysis.teams.workbook import _styles, write_table

    wb_ = openpyxl.Workbook()
    frame = pd.DataFrame({"d": [-0.0004, -0.0049, -0.0051, 0.0004], "i": [-0.004, -0.01, 0.2, 0.0]})
    write_table(wb_.active, 1, [("d", "d", "mean", 8), ("i", "i", "index", 8)], frame, _styles())
    assert [c.value for c in wb_.active["A"][1:]] == [0.0, 0.0, -0.0051, 0.0004]
    assert [c.value for c in wb_.active["B"][1:]] == [0.0, -0.01, 0.2, 0.0]
    assert [show(x, "mean") for x in frame["d"]] == ["0.00", "0.00", "-0.01", "0.00"]
    assert [show(x, "index") for x in frame["i"]] == [".00", "-.01", ".20", ".00"]


def test_same_labels_in_xlsx_and_html(wb, files):
    ws = wb["Overview"]
    assert [ws.cell(row=5, column=c).value for c in (4, 9, 14)] == [LABELS[s] for s in SCALES]
    text = files["html"].read_text()
    for label in LABELS.values():
        assert f"<td>{label}</td>" in text and f"<h3>{label}</h3>" in text
    assert "<td>avoid</td>" not in text and "Avoid orientation" not in text
    assert f'<td class="suppressed">{HIDDEN}</td>' in text and ">suppressed<" not in text


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
    assert wb.sheetnames == ["Read me", "Overview", "By team", "Agreement", "Between units", "Legend"]
    ws = wb["By team"]
    _, rows = _units(ws)
    assert len(rows) == 1 + 34 and len(ws._charts) == 3
    p = _Page()
    p.feed(write_staff_report(rep, tmp_path / "t.html").read_text())
    assert len(p.imgs) == 1
    images_ok(p)
