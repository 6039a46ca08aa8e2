"""The demo report seen in a real browser: headless Chromium renders it without console errors, every
figure is a real image, and no section is empty. CI installs Chromium (.ci/run); without it the test
skips here and fails under CI."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from PIL import Image

from analysis.study import run_study

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


class _Sections(HTMLParser):
    """Text per top-level <section id> and every <img src>."""

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.images = [], {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.stack.append(a.get("id"))
            self.text.setdefault(a.get("id"), "")
        if tag == "img":
            self.images.append((a.get("src", ""), a.get("alt", "")))

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for sid in self.stack:
            self.text[sid] += data


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    run_study(ROOT / "data" / "raw" / "demo" / "study.yaml", processed_dir=base / "p", reports_dir=base / "r")
    return base / "r" / "index.html"


def test_every_image_decodes_and_no_section_is_empty(demo_report):
    page = _Sections()
    page.feed(demo_report.read_text(encoding="utf-8"))
    assert {"summary", "sample", "measurement", "scores", "descriptives", "replication", "methods",
            "manifest", "goal_links", "disorganization_path", "grit_buffer", "recovery"} <= set(page.text)
    for sid, text in page.text.items():
        assert len(text.split()) > 5, f"section '{sid}' is empty"
    assert len(page.images) >= 8
    for src, alt in page.images:
        assert src.startswith("data:image/png;base64,"), f"image '{alt}' is not embedded"
        img = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        img.load()
        assert img.size[0] > 100 and img.size[1] > 100, alt
        assert alt, "every figure has alt text"
    assert "http://" not in demo_report.read_text() and "https://" not in demo_report.read_text().split("<body>")[0]


def test_chromium_renders_the_report_without_console_errors(demo_report, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (.ci/run installs the Debian package)")
        pytest.skip("Chromium is not installed (Debian package chromium; .ci/run installs it)")
    shot = tmp_path / "report.png"
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,3000",
                           f"--screenshot={shot}", demo_report.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 20_000, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if re.search(r"CONSOLE|Uncaught", line)]
    assert console == [], console
    img = Image.open(shot).convert("L")
    lo, hi = img.getextrema()
    assert hi - lo > 100, "the screenshot is blank"
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom",
                          demo_report.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<section") >= 10 and 'id="replication"' in dom
