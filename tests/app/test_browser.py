"""The whole app flow in headless Chromium (one browser for the module): the staff demo from upload to the
anonymity plan to download (bytes equal to the command line's), two waves, a goal column, a bad upload, a
too-small minimum group and a near match.

Skips when chromium/chromedriver are absent, unless the environment variable CI is set: then it fails.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from analysis.cli.web import create_app, run_teams

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


def _submit(driver, base, upload=None, button="show_plan", second=None, **fields):
    """Fill the form (from a fresh page when a file is uploaded, else on the page shown) and press BUTTON."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if upload is not None:
        driver.get(base + "/")
        driver.find_element(By.ID, "file").send_keys(str(upload))
    if second is not None:
        driver.find_element(By.ID, "file2").send_keys(str(second))
    for name, value in fields.items():
        box = driver.find_element(By.ID, name)
        box.clear()
        box.send_keys(value)
    # Mark the form's window: a new page gets a new window object without the mark. Waiting for the old
    # <html> element to go stale raced with the navigation (Chromium answered "Node with given id does
    # not belong to the document", a WebDriverException that is not StaleElementReferenceException), so
    # every WebDriverException while the page changes means "not yet".
    driver.execute_script("window.goalscopeForm = true;")
    driver.find_element(By.ID, button).click()
    WebDriverWait(driver, 20, poll_frequency=0.1, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return window.goalscopeForm === undefined && document.readyState === 'complete';"))
    return driver


def _download(driver, downloads, name):
    """Click the download link; the file's bytes once Chromium has finished writing it."""
    from selenium.webdriver.common.by import By

    target = downloads / name
    target.unlink(missing_ok=True)
    driver.find_element(By.ID, "download").click()
    for _ in range(100):
        if target.exists() and not list(downloads.glob("*.crdownload")):
            break
        time.sleep(0.1)
    return target.read_bytes()


def _cli(tmp_path, files, extra, out):
    """The command line on copies of FILES with their names; (stdout with OUT as its name, report bytes)."""
    copies = []
    for i, f in enumerate(files):
        (tmp_path / f"in{i}").mkdir(parents=True)
        copies.append(shutil.copy(f, tmp_path / f"in{i}" / f.name))
    code, stdout, err = run_teams(["teams", *map(str, copies), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                                   "--group", "team", "--min-group", "5", "-o", str(tmp_path / out), *extra])
    assert code == 0, err
    return stdout.replace(str(tmp_path / out), out), (tmp_path / out).read_bytes()


def _norm(text: str) -> str:
    return " ".join(text.split())


APP_PLAN_ONLY = "plan only: no file written yet (press Make the report to make it)"


def test_whole_flow_plan_then_download_equals_cli(site, tmp_path):
    from selenium.webdriver.common.by import By

    driver, base, downloads, work = site
    start = time.perf_counter()
    _submit(driver, base, DEMO, parent="department")
    planned = time.perf_counter()
    plan = driver.find_element(By.ID, "plan").text
    assert not driver.find_elements(By.ID, "download")        # nothing made yet
    assert plan.splitlines() == [
        "334 respondents, 40 units: 34 published, 6 hidden (minimum 5)",
        "hidden — fewer than 5 answers, or hidden so that such a unit cannot be worked out from the others — "
        "team: FIN-01, FIN-04, LEG-01, LEG-02, SAL-04, SAL-06", APP_PLAN_ONLY]
    preview = {r.find_elements(By.TAG_NAME, "td")[0].text: r.find_elements(By.TAG_NAME, "td")[1].text
               for r in driver.find_elements(By.CSS_SELECTOR, "#preview tr")[1:]}
    assert preview["email"] == "identifier: values not shown" and preview["site"] == "South, East, North"
    _submit(driver, base, button="run")
    made = time.perf_counter()
    got = _download(driver, downloads, "teams.xlsx")
    done = time.perf_counter()
    out, want = _cli(tmp_path, [DEMO], ["--parent", "department"], "teams.xlsx")
    assert got == want
    assert _norm(driver.find_element(By.ID, "plan").text) == _norm(out)
    assert not list(work.rglob("responses.csv"))   # the upload is not kept
    print(f"app flow: upload -> plan {planned - start:.2f} s, plan -> report {made - planned:.2f} s, "
          f"download {done - made:.2f} s; total {done - start:.2f} s")


def test_two_waves_and_a_goal_column(site, tmp_path):
    from selenium.webdriver.common.by import By

    driver, base, downloads, _ = site
    wave2 = DEMO.with_name("responses_wave2.csv")
    _submit(driver, base, DEMO, second=wave2, parent="department", wave_names="2025,2026")
    assert driver.find_element(By.ID, "plan").text.splitlines()[-2:] == [
        "2 waves (2025, 2026), 674 responses; 33 unit changes shown, 9 not shown (hidden or absent in a wave)",
        APP_PLAN_ONLY]
    _submit(driver, base, button="run")
    got = _download(driver, downloads, "change.xlsx")
    _, want = _cli(tmp_path / "waves", [DEMO, wave2], ["--parent", "department", "--wave-names", "2025,2026"],
                   "change.xlsx")
    assert got == want
    # the goal column: shares per unit under the same plan, same bytes as --goal-text
    _submit(driver, base, DEMO, parent="", also="site", goal_text="goal")
    assert driver.find_element(By.ID, "plan").text.splitlines()[0] == (
        "334 respondents, 37 units: 32 published, 5 hidden (minimum 5)")
    _submit(driver, base, button="run")
    got = _download(driver, downloads, "teams.xlsx")
    _, want = _cli(tmp_path / "goals", [DEMO], ["--also", "site", "--goal-text", "goal"], "teams.xlsx")
    assert got == want


def test_bad_upload_shown_in_page(site, tmp_path):
    from selenium.webdriver.common.by import By

    driver, base, _, _ = site
    bad = tmp_path / "export.csv"
    bad.write_bytes(b"\x00\x01 not a table")
    _submit(driver, base, bad)
    assert driver.find_element(By.ID, "error").text == (
        "file 'export.csv' has NUL bytes and no byte-order mark: it looks like UTF-16 or a binary file. "
        "Re-save it as UTF-8 CSV, or pass --encoding utf-16-le or --encoding utf-16-be.")
    assert driver.find_element(By.ID, "file").get_attribute("class") == "bad"


def test_too_small_group_and_a_near_match_shown_in_page(site):
    from selenium.webdriver.common.by import By

    driver, base, _, _ = site
    _submit(driver, base, DEMO, min_group="2")
    assert driver.find_element(By.ID, "error").text == (
        "--min-group 2 is too small: a minimum group size can be no lower than 3 (the default is 5), as smaller "
        "groups would expose individual answers; give 3 or more")
    assert driver.find_element(By.ID, "min_group").get_attribute("class") == "bad"
    _submit(driver, base, min_group="5", group="Team")            # fixed on the same page, no new upload
    assert driver.find_element(By.ID, "group").get_attribute("class") == "bad"
    assert driver.find_element(By.ID, "near").text == "unknown unit column 'Team' (did you mean 'team'?)"


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
    """docs/img/app.png (the page with the anonymity plan and the column preview for the staff demo) and
    docs/img/workbook.png (the
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
