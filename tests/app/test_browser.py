"""The whole app flow in headless Chromium (one browser for the module): the staff demo from upload to
download (bytes equal to the command line's), a bad upload and a too-small minimum group.

Skips when chromium/chromedriver are absent, unless the environment variable CI is set: then it fails.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from analysis.app import create_app, run_teams

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
DEMO = Path(__file__).resolve().parents[2] / "data" / "raw" / "staff_demo" / "responses.csv"


def _need_browser():
    missing = [p for p in (CHROMIUM, DRIVER) if not os.path.exists(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser test needs {', '.join(missing)} (CI is set, so this fails instead of skipping)")
        pytest.skip(f"browser test needs {', '.join(missing)}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app on 127.0.0.1 (a free port) and one headless Chromium that downloads into a temp folder."""
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from werkzeug.serving import make_server

    work = tmp_path_factory.mktemp("work")
    downloads = tmp_path_factory.mktemp("downloads")
    server = make_server("127.0.0.1", 0, create_app(work / "app"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1000,1100"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        yield driver, f"http://127.0.0.1:{server.server_port}", downloads, work
    finally:
        driver.quit()
        server.shutdown()


def _submit(driver, base, upload, **fields):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "/")
    driver.find_element(By.ID, "file").send_keys(str(upload))
    for name, value in fields.items():
        box = driver.find_element(By.ID, name)
        box.clear()
        box.send_keys(value)
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "run").click()
    WebDriverWait(driver, 20).until(staleness_of(page))   # the answer page has replaced the form
    return driver


def test_whole_flow_download_equals_cli(site, tmp_path):
    from selenium.webdriver.common.by import By

    driver, base, downloads, work = site
    start = time.perf_counter()
    _submit(driver, base, DEMO, parent="department")
    plan = driver.find_element(By.ID, "plan").text
    driver.find_element(By.ID, "download").click()
    target = downloads / "teams.xlsx"
    for _ in range(100):
        if target.exists() and not list(downloads.glob("*.crdownload")):
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    src = tmp_path / "responses.csv"
    shutil.copy(DEMO, src)
    code, out, err = run_teams(["teams", str(src), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                                "--group", "team", "--min-group", "5", "-o", str(tmp_path / "teams.xlsx"),
                                "--parent", "department"])
    assert code == 0, err
    assert target.read_bytes() == (tmp_path / "teams.xlsx").read_bytes()
    assert " ".join(plan.split()) == " ".join(out.replace(str(tmp_path / "teams.xlsx"), "teams.xlsx").split())
    assert plan.splitlines() == [
        "334 respondents, 40 units: 34 published, 6 hidden (minimum 5) -> teams.xlsx",
        "hidden — fewer than 5 answers, or hidden so that such a unit cannot be worked out from the others — "
        "team: FIN-01, FIN-04, LEG-01, LEG-02, SAL-04, SAL-06"]
    assert not list(work.rglob("responses.csv"))   # the upload is not kept
    print(f"app flow upload -> download: {elapsed:.2f} s")


def test_bad_upload_shown_in_page(site, tmp_path):
    from selenium.webdriver.common.by import By

    driver, base, _, _ = site
    bad = tmp_path / "export.csv"
    bad.write_bytes(b"\x00\x01 not a table")
    _submit(driver, base, bad)
    assert driver.find_element(By.ID, "error").text == (
        "file 'export.csv' contains NUL bytes and no byte-order mark: it looks like UTF-16 or a binary file. "
        "Re-save it as UTF-8 CSV, or pass --encoding utf-16-le or --encoding utf-16-be.")
    assert driver.find_element(By.ID, "file").get_attribute("class") == "bad"


def test_too_small_group_shown_in_page(site):
    from selenium.webdriver.common.by import By

    driver, base, _, _ = site
    _submit(driver, base, DEMO, min_group="2")
    assert driver.find_element(By.ID, "error").text == (
        "minimum group size 2 is too small: it can be no lower than 3 (the default is 5); smaller groups "
        "would expose individual answers")
    assert driver.find_element(By.ID, "min_group").get_attribute("class") == "bad"


SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


def _shot(driver, name: str) -> None:
    """Write docs/img/NAME when GOALSCOPE_SCREENSHOTS=1 (``make screenshots``); otherwise compare the new
    screenshot with the committed one by pixel size (bytes vary with fonts and Chromium versions)."""
    import io

    from PIL import Image

    png = driver.get_screenshot_as_png()
    path = SHOTS / name
    if os.environ.get("GOALSCOPE_SCREENSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    assert path.exists(), f"{path} is missing: run make screenshots"
    assert Image.open(io.BytesIO(png)).size == Image.open(path).size


def test_screenshots(site, tmp_path):
    """docs/img/app.png (the page after a run on the staff demo) and docs/img/workbook.png (the
    workbook's Overview sheet, rendered as an HTML table in the same browser; no office suite needed)."""
    import pandas as pd

    driver, base, _, _ = site
    _submit(driver, base, DEMO, parent="department")
    _shot(driver, "app.png")
    out = tmp_path / "teams.xlsx"
    code, _, err = run_teams(["teams", str(DEMO), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                              "--group", "team", "--parent", "department", "-o", str(out)])
    assert code == 0, err
    sheet = pd.read_excel(out, sheet_name="Overview", header=None).fillna("")
    rows = []
    for cells in sheet.head(30).itertuples(index=False):
        text = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in cells]
        if not any(text[1:]):   # a title or note line: across the whole table, as Excel shows it
            rows.append(f"<tr><td colspan='{len(text)}'>{text[0]}</td></tr>")
        else:
            rows.append("<tr>" + "".join(f"<td>{t}</td>" for t in text) + "</tr>")
    html = tmp_path / "sheet.html"
    html.write_text("<!doctype html><meta charset='utf-8'><style>body{font-family:sans-serif;font-size:12px}"
                    "td{border:1px solid #ccc;padding:2px 4px;white-space:nowrap}</style><table>"
                    + "".join(rows) + "</table>", encoding="utf-8")
    driver.get(html.as_uri())
    _shot(driver, "workbook.png")
