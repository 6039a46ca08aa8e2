"""Shared test helpers: paths to the repository, the demo study and the reference fixtures."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"
FIXTURES = ROOT / "tests" / "fixtures"
DEMO = ROOT / "data" / "raw" / "demo"


@pytest.fixture
def root() -> Path:
    return ROOT


def demo_workspace(base: Path) -> Path:
    """``base`` laid out like the repository after ``make report``: ``data/raw`` (copied) and the demo
    study run into ``data/processed/demo`` and ``reports/demo`` (for tests that run documented commands)."""
    import shutil

    from analysis.study import run_study

    shutil.copytree(ROOT / "data" / "raw", base / "data" / "raw")
    run_study(base / "data" / "raw" / "demo" / "study.yaml", processed_dir=base / "data" / "processed" / "demo",
              reports_dir=base / "reports" / "demo")
    return base


def pytest_configure(config):
    """A --basetemp whose parent folder does not exist yet is created (pytest makes only the last
    level), so ``PYTEST_ADDOPTS=--basetemp=/tmp/a/long/new/folder make test`` works as typed."""
    base = getattr(config.option, "basetemp", None)
    if base:
        Path(base).resolve().parent.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures a test made through pyplot are closed after it: pyplot keeps every figure until it is
    closed, and the suite makes hundreds (matplotlib warned at 20). A test that has not imported
    pyplot does not import it here."""
    yield
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
