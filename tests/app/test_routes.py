"""The app's routes through Flask's test client: the plan before anything is made, the column preview with
near matches, a download equal to the CLI's (one wave, two waves, a goal column), errors in the page."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("flask")

from analysis.cli.web import MAX_UPLOAD, column_preview, create_app, run_teams  # noqa: E402
from analysis.goals import default_goal_coder  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data" / "raw" / "staff_demo"
DEMO, WAVE2 = DATA / "responses.csv", DATA / "responses_wave2.csv"
FORM = {"instrument": "vandewalle", "columns": "wdgo_{n}", "group": "team", "parent": "department",
        "min_group": "5", "output": "xlsx"}
PLAN_ONLY = "plan only: no file written (run again without --plan-only to make the report)"
APP_PLAN_ONLY = "plan only: no file written yet (press Make the report to make it)"


@pytest.fixture
def client(tmp_path):
    return create_app(tmp_path / "work").test_client()


def _post(client, data=None, name="responses.csv", content=None, route="/plan", second=None):
    body = dict(FORM, **(data or {}))
    body["file"] = (io.BytesIO(DEMO.read_bytes() if content is None else content), name)
    if second is not None:
        body["file2"] = (io.BytesIO(second.read_bytes()), second.name)
    return client.post(route, data=body, content_type="multipart/form-data")


def _text(res) -> str:
    """The page as text: entities decoded, whitespace normalised."""
    page = res.get_data(as_text=True).replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<")
    return " ".join(page.split())


def _norm(text: str) -> str:
    return " ".join(text.split())


def _token(res) -> str:
    return re.search(r'id="token" value="(\w+)"', res.get_data(as_text=True)).group(1)


def _pre(res, ident="plan") -> str:
    return _norm(_text(res).split(f'id="{ident}">')[1].split("</pre>")[0])


def _cli(tmp_path, files, extra=(), out="teams.xlsx", plan_only=False):
    """The command line on copies of FILES with the same names (so a report naming its source matches)."""
    folder = tmp_path / "cli"
    folder.mkdir(exist_ok=True)
    copies = []
    for i, f in enumerate(files):
        sub = folder / f"in{i}"
        sub.mkdir(exist_ok=True)
        copies.append(shutil.copy(f, sub / f.name))
    argv = ["teams", *map(str, copies), "--instrument", "vandewalle", "--columns", "wdgo_{n}", "--group", "team",
            "--min-group", "5", "-o", str(folder / out), *extra] + (["--plan-only"] if plan_only else [])
    code, stdout, err = run_teams(argv)
    assert code == 0, err
    for c in copies:
        stdout = stdout.replace(str(c), Path(c).name)
    return _norm(stdout.replace(str(folder / out), out)), folder / out


def _plan_then_run(client, data=None, second=None):
    planned = _post(client, data, second=second)
    assert planned.status_code == 200, _text(planned)
    made = client.post("/run", data=dict(FORM, **(data or {}), token=_token(planned)),
                       content_type="multipart/form-data")
    assert made.status_code == 200, _text(made)
    href = made.get_data(as_text=True).split('id="download" href="')[1].split('"')[0]
    got = client.get(href)
    assert got.status_code == 200
    return planned, made, href, got.data


def test_index_page(client):
    page = client.get("/").get_data(as_text=True)
    assert 'name="columns" id="columns" value="wdgo_{n}"' in page
    assert "Show the anonymity plan" in page
    assert 'id="run"' not in page          # nothing can be made before a plan was shown
    assert '<option value="vandewalle">' in page and '<option value="agq-r">' in page   # the shipped keys


def test_plan_is_shown_before_anything_is_made(client, tmp_path):
    res = _post(client)
    assert res.status_code == 200
    want, _ = _cli(tmp_path, [DEMO], ["--parent", "department"], plan_only=True)
    assert _pre(res) == want.replace(PLAN_ONLY, APP_PLAN_ONLY)   # the page names its button, not the flag
    assert want == _norm(
        "334 respondents, 40 units: 34 published, 6 hidden (minimum 5) "
        "hidden — fewer than 5 answers, or hidden so that such a unit cannot be worked out from the others — "
        "team: FIN-01, FIN-04, LEG-01, LEG-02, SAL-04, SAL-06 " + PLAN_ONLY)
    assert 'id="run" formaction="/run">Make the report<' in res.get_data(as_text=True)
    assert 'id="download"' not in res.get_data(as_text=True)
    work = tmp_path / "work"
    assert sorted(p.name for p in work.rglob("*") if p.is_file()) == ["responses.csv"]   # the upload only


def test_preview_names_identifiers_without_their_values(client):
    page = _text(_post(client))
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td></tr>", page))
    assert rows["employee_id"] == rows["email"] == "identifier: values not shown"
    assert rows["team"] == "FIN-01, FIN-02, FIN-03"
    assert rows["goal"] == "free text: values not shown"
    assert rows["performance"] == "one value per person: values not shown"
    assert "E0001" not in page and "@example.org" not in page and "Close the month" not in page


def test_column_preview_decision_table():
    """Every row of column_preview's table, in order of precedence."""
    df = pd.DataFrame({
        "blank": [None, "", " ", None, None, None],
        "staff_id": ["a", "a", "a", "a", "a", "a"],               # a name saying identifier, values repeat
        "contact": ["x@y.org", "z", "z", "z", "z", "z"],           # one value with @
        "score": [1.5, 2.5, 3.5, 1.5, 2.5, 3.5],                  # half of the answers distinct
        "note": ["a" * 41, "b", "b", "b", "b", "b"],               # a text longer than 40 characters
        "code": [1.0, 2.0, 1.0, 2.0, 1.0, None],                   # answer codes: shown as whole numbers
        "unit": ["A", "B", "A", "B", "A", "A"],
    })
    assert [r["first"] for r in column_preview(df)] == [
        "no answers", "identifier: values not shown", "identifier: values not shown",
        "one value per person: values not shown", "free text: values not shown", "1, 2", "A, B"]


def test_run_download_equals_cli(client, tmp_path):
    planned, made, href, data = _plan_then_run(client, {"parent": "department"})
    want, out = _cli(tmp_path, [DEMO], ["--parent", "department"])
    assert href.endswith("/teams.xlsx")
    assert data == out.read_bytes()
    assert _pre(made) == want                       # the terminal's text, report path as the download name
    assert _pre(planned) == want.replace(" -> teams.xlsx", "") + " " + APP_PLAN_ONLY
    assert not list((tmp_path / "work").rglob("responses.csv"))   # the upload is not kept after the run


def test_two_waves_download_equals_cli(client, tmp_path):
    choices = {"wave_names": "2025,2026", "output": "html"}
    planned, made, href, data = _plan_then_run(client, choices, second=WAVE2)
    want, out = _cli(tmp_path, [DEMO, WAVE2], ["--parent", "department", "--wave-names", "2025,2026"],
                     out="change.html")
    assert href.endswith("/change.html")
    assert data == out.read_bytes()
    assert _pre(made) == want
    assert want.endswith("2 waves (2025, 2026), 674 responses; 33 unit changes shown, 9 not shown "
                         "(hidden or absent in a wave) -> change.html")
    assert _pre(planned) == want.replace(" -> change.html", "") + " " + APP_PLAN_ONLY


def test_goal_column_shares_equal_cli(client, tmp_path):
    choices = {"parent": "", "also": "site", "goal_text": "goal"}
    planned, made, href, data = _plan_then_run(client, choices)
    want, out = _cli(tmp_path, [DEMO], ["--also", "site", "--goal-text", "goal"])
    assert data == out.read_bytes()
    assert _pre(made) == want == _norm(
        "334 respondents, 37 units: 32 published, 5 hidden (minimum 5) -> teams.xlsx "
        "hidden — fewer than 5 answers, or hidden so that such a unit cannot be worked out from the others — "
        "team: FIN-01, LEG-02, OPE-03, SAL-04, SAL-06")
    assert pd.ExcelFile(io.BytesIO(data)).sheet_names == ["Read me", "Overview", "By team", "By site", "Goals",
                                                          "Agreement", "Between units", "Legend"]
    sheet = pd.read_excel(io.BytesIO(data), sheet_name="Goals", header=3)
    org = sheet[sheet["Level"] == "organisation"].iloc[0]
    coded = pd.Series(default_goal_coder().predict(pd.read_csv(DEMO)["goal"].tolist()))  # --goal-text's coder
    coded = coded.replace({"not_a_goal": "unclear"})
    assert org["n"] == 334
    for kind in ("mastery", "performance", "outcome", "unclear"):
        label = "Other" if kind == "unclear" else f"{kind.capitalize()} goals"
        assert org[label] == pytest.approx((coded == kind).mean(), abs=1e-12)


def test_run_without_a_plan_shows_the_plan(client, tmp_path):
    res = _post(client, route="/run")               # an upload straight to /run: its plan, nothing made
    assert res.status_code == 200
    assert _pre(res).endswith(APP_PLAN_ONLY)
    assert 'id="download"' not in res.get_data(as_text=True)
    assert not [p for p in (tmp_path / "work").rglob("teams.*")]


def test_changed_choices_show_their_plan_first(client, tmp_path):
    planned = _post(client)
    res = client.post("/run", data=dict(FORM, min_group="6", token=_token(planned)),
                      content_type="multipart/form-data")
    assert res.status_code == 200
    assert _text(res).split('id="note">')[1].split("<")[0] == (
        "the choices changed since the plan was shown: this is the plan for them; press Make the report to make it")
    assert _pre(res).startswith("334 respondents, 40 units:") and "(minimum 6)" in _pre(res)
    assert not [p for p in (tmp_path / "work").rglob("teams.*")]


def test_replan_without_uploading_again(client):
    planned = _post(client)
    res = client.post("/plan", data=dict(FORM, group="department", parent="", token=_token(planned)),
                      content_type="multipart/form-data")
    assert res.status_code == 200
    assert _pre(res) == _norm("334 respondents, 6 units: 6 published, 0 hidden (minimum 5) " + APP_PLAN_ONLY)
    assert "Uploaded: responses.csv" in _text(res)


def test_missing_upload(client):
    res = client.post("/plan", data=dict(FORM), content_type="multipart/form-data")
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert 'id="error">choose a survey export to upload<' in page
    assert 'id="file" class="bad"' in page


def test_unknown_group_same_message_as_cli_with_near_matches(client, tmp_path):
    res = _post(client, {"group": "Team"})
    assert res.status_code == 400
    code, out, err = run_teams(["teams", str(DEMO), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                                "--group", "Team", "-o", str(tmp_path / "t.xlsx")])
    assert code == 2
    message = _norm(err).removeprefix("goalscope: ").replace(str(DEMO), "responses.csv")
    assert message == ("file 'responses.csv', column 'Team' (a grouping column) is not in the data. Name the column "
                       "that holds the units (team, department, …). Did you mean 'team'?")
    page = _text(res)
    assert f'id="error">{message}<' in page
    assert "<li>unknown unit column 'Team' (did you mean 'team'?)</li>" in page
    assert 'id="group" value="Team" list="colnames" class="bad"' in page


def test_item_pattern_matching_nothing_lists_near_matches(client):
    res = _post(client, {"columns": "wdg_{n}"})
    assert res.status_code == 400
    assert _text(res).split('id="error">')[1].split("<")[0] == _norm(
        "file 'responses.csv': instrument 'vandewalle' needs column(s) 'wdg_1' (item 1), 'wdg_2' (item 2), "
        "'wdg_3' (item 3), 'wdg_4' (item 4), 'wdg_5' (item 5), 'wdg_6' (item 6), 'wdg_7' (item 7), 'wdg_8' "
        "(item 8) and 5 more, which the data do not have. Did you mean the pattern 'wdgo_{n}' (wdgo_1 … wdgo_13)? Check "
        "--columns, --map, --columns-prefix or --columns-regex.")
    assert 'id="columns" value="wdg_{n}" class="bad"' in res.get_data(as_text=True)


@pytest.mark.parametrize("field, value, bad", [("also", "sit", "also"), ("parent", "departmen", "parent"),
                                               ("goal_text", "goals", "goal_text")])
def test_other_column_fields_highlighted(client, field, value, bad):
    res = _post(client, {field: value})
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert re.search(rf'id="{bad}" value="{value}"[^>]* class="bad"', page)
    near = {"also": "unknown grouping column 'sit' (did you mean 'site'?)",
            "parent": "unknown parent column 'departmen' (did you mean 'department'?)",
            "goal_text": "unknown goal statements column 'goals' (did you mean 'goal'?)"}[field]
    assert f"<li>{near}</li>" in _text(res)


def test_min_group_below_three(client):
    res = _post(client, {"min_group": "2"})
    assert res.status_code == 400
    assert 'id="min_group" type="number" value="2" class="bad"' in res.get_data(as_text=True)


def test_unknown_instrument(client):
    res = _post(client, {"instrument": "nope"})
    assert res.status_code == 400
    page = _text(res)
    assert "instrument='nope' is not a shipped id" in page
    assert 'id="instrument" value="nope" list="instruments" class="bad"' in page


def test_bad_upload(client):
    res = _post(client, name="responses.csv", content=b"\x00\x01 not a table")
    assert res.status_code == 400
    page = _text(res)
    assert ('id="error">file \'responses.csv\' has NUL bytes and no byte-order mark: it looks like UTF-16 '
            'or a binary file. Re-save it as UTF-8 CSV, or pass --encoding utf-16-le or --encoding utf-16-be.<') in page
    assert 'id="file" class="bad"' in page
    assert 'id="preview"' not in page


def test_bad_second_wave_highlighted(client, tmp_path):
    bad = tmp_path / "later.csv"
    bad.write_bytes(b"\x00\x01 not a table")
    res = _post(client, {"wave_names": "2025,2026"}, second=bad)
    assert res.status_code == 400
    assert "file 'later.csv' has NUL bytes" in _text(res)
    assert 'id="file2" class="bad"' in res.get_data(as_text=True)


def test_bad_output_type(client):
    res = _post(client, {"output": "pdf"})
    assert res.status_code == 400
    assert "report type 'pdf': choose xlsx or html" in _text(res)


def test_upload_too_large(tmp_path):
    app = create_app(tmp_path)
    app.config["MAX_CONTENT_LENGTH"] = 10
    assert MAX_UPLOAD == 50 * 1024 * 1024
    assert _post(app.test_client()).status_code == 413


def test_download_unknown(client):
    assert client.get("/download/abc/teams.xlsx").status_code == 404
    assert client.get("/download/ab-c/teams.xlsx").status_code == 404


def test_html_report(client):
    _, _, href, data = _plan_then_run(client, {"output": "html"})
    assert href.endswith("/teams.html")
    assert data.startswith(b"<!")


def test_upload_name_cannot_leave_the_folder(client, tmp_path):
    res = _post(client, name="../../responses.csv")
    assert res.status_code == 200
    assert not (tmp_path / "responses.csv").exists()
    assert len(list((tmp_path / "work").rglob("responses.csv"))) == 1


@pytest.mark.parametrize("files, extra", [([DEMO], []), ([DEMO, WAVE2], ["--wave-names", "2025,2026"])],
                         ids=["one wave", "two waves"])
def test_cli_plan_only_writes_nothing(tmp_path, files, extra):
    """`goalscope teams ... --plan-only`: the plan's lines as a run prints them (without '-> OUT'), then
    the plan-only line; no report, no audit, no change table."""
    planned, out = _cli(tmp_path, files, extra, out="r.xlsx", plan_only=True)
    made, _ = _cli(tmp_path, files, extra, out="r.xlsx")
    assert planned == made.replace(" -> r.xlsx", "") + " " + PLAN_ONLY
    made_files = sorted(p.name for p in (tmp_path / "cli").iterdir() if p.is_file())
    shutil.rmtree(tmp_path / "cli")
    _cli(tmp_path, files, extra, out="r.xlsx", plan_only=True)
    assert [p.name for p in (tmp_path / "cli").iterdir() if p.is_file()] == []
    assert "r.xlsx" in made_files


def test_wave_names_without_a_second_wave(client):
    res = _post(client, {"wave_names": "2025,2026"})
    assert res.status_code == 400
    assert _text(res).split('id="error">')[1].split("<")[0] == (
        "--wave-names '2025,2026': one FILE and no --wave, so there are no waves to name; give one file per wave, "
        "or --wave COLUMN, or leave --wave-names out")
    assert 'id="wave_names" value="2025,2026" class="bad"' in res.get_data(as_text=True)
