"""The app's routes through Flask's test client: the page, a full run, a download equal to the CLI's, errors."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

pytest.importorskip("flask")

from analysis.app import MAX_UPLOAD, create_app, run_teams  # noqa: E402

DEMO = Path(__file__).resolve().parents[2] / "data" / "raw" / "staff_demo" / "responses.csv"
FORM = {"instrument": "vandewalle", "columns": "wdgo_{n}", "group": "team", "parent": "department",
        "min_group": "5", "output": "xlsx"}


@pytest.fixture
def client(tmp_path):
    return create_app(tmp_path / "work").test_client()


def _post(client, data=None, name="responses.csv", content=None):
    body = dict(FORM, **(data or {}))
    body["file"] = (io.BytesIO(DEMO.read_bytes() if content is None else content), name)
    return client.post("/run", data=body, content_type="multipart/form-data")


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_index_page(client):
    page = client.get("/").get_data(as_text=True)
    assert 'name="columns" id="columns" value="wdgo_{n}"' in page
    assert "Make the report" in page


def test_run_download_equals_cli(client, tmp_path, monkeypatch):
    res = _post(client)
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    href = page.split('id="download" href="')[1].split('"')[0]
    got = client.get(href)
    assert got.status_code == 200
    # the command line, same choices, same file name
    src = tmp_path / "cli" / "responses.csv"
    src.parent.mkdir()
    shutil.copy(DEMO, src)
    code, out, err = run_teams(["teams", str(src), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                                "--group", "team", "--min-group", "5", "-o", str(src.parent / "teams.xlsx"),
                                "--parent", "department"])
    assert code == 0, err
    assert got.data == (src.parent / "teams.xlsx").read_bytes()
    # the plan shown in the page is the terminal's text (report path replaced by the download name)
    assert _norm(out.replace(str(src.parent / "teams.xlsx"), "teams.xlsx")) in _norm(
        page.replace("&#39;", "'").replace("&gt;", ">"))
    # the upload is not kept
    assert not list((tmp_path / "work").glob("*/responses.csv"))


def test_missing_upload(client):
    body = dict(FORM)
    res = client.post("/run", data=body, content_type="multipart/form-data")
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert 'id="error">choose a survey export to upload<' in page
    assert 'id="file" class="bad"' in page


def test_unknown_group_same_message_as_cli(client, tmp_path):
    res = _post(client, {"group": "Team"})
    assert res.status_code == 400
    page = res.get_data(as_text=True).replace("&#39;", "'")
    code, out, err = run_teams(["teams", str(DEMO), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                                "--group", "Team", "-o", str(tmp_path / "t.xlsx")])
    assert code == 2
    message = _norm(err).removeprefix("goalscope: ").replace(str(DEMO), "responses.csv")
    assert message == "grouping column 'Team' is not in responses.csv"
    assert f'id="error">{message}<' in _norm(page)
    assert 'id="group" value="Team" class="bad"' in page


def test_min_group_below_three(client):
    res = _post(client, {"min_group": "2"})
    assert res.status_code == 400
    assert 'id="min_group" type="number" value="2" class="bad"' in res.get_data(as_text=True)


def test_unknown_instrument(client):
    res = _post(client, {"instrument": "nope"})
    assert res.status_code == 400
    page = res.get_data(as_text=True).replace("&#39;", "'")
    assert "unknown instrument 'nope': not a shipped id" in page
    assert 'id="instrument" value="nope" class="bad"' in page


def test_bad_upload(client):
    res = _post(client, name="responses.csv", content=b"\x00\x01 not a table")
    assert res.status_code == 400
    page = _norm(res.get_data(as_text=True).replace("&#39;", "'"))
    assert ('id="error">file \'responses.csv\' contains NUL bytes and no byte-order mark: it looks like UTF-16 '
            'or a binary file. Re-save it as UTF-8 CSV, or pass --encoding utf-16-le or --encoding utf-16-be.<') in page
    assert 'id="file" class="bad"' in page


def test_bad_output_type(client):
    res = _post(client, {"output": "pdf"})
    assert res.status_code == 400
    assert "report type 'pdf': choose xlsx or html" in res.get_data(as_text=True).replace("&#39;", "'")


def test_upload_too_large(tmp_path):
    app = create_app(tmp_path)
    app.config["MAX_CONTENT_LENGTH"] = 10
    assert MAX_UPLOAD == 50 * 1024 * 1024
    assert _post(app.test_client()).status_code == 413


def test_download_unknown(client):
    assert client.get("/download/abc/teams.xlsx").status_code == 404
    assert client.get("/download/ab-c/teams.xlsx").status_code == 404


def test_html_report(client):
    res = _post(client, {"output": "html"})
    assert res.status_code == 200
    href = res.get_data(as_text=True).split('id="download" href="')[1].split('"')[0]
    assert href.endswith("/teams.html")
    got = client.get(href)
    assert got.status_code == 200 and got.data.startswith(b"<!")


def test_upload_name_cannot_leave_the_folder(client, tmp_path):
    res = _post(client, name="../../responses.csv")
    assert res.status_code == 200
    assert not (tmp_path / "responses.csv").exists()
