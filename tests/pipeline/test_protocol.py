"""The study results keep the result protocol (tests/protocol.py), on the shipped demo study."""

import pytest

from analysis.datasets import study_path
from analysis.pipeline.check import check_study
from analysis.pipeline.walk import run_study

from protocol import assert_protocol


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return run_study(study_path("demo"), processed_dir=out / "processed", reports_dir=out / "reports"), out


def test_study_result(demo_run):
    assert_protocol(demo_run[0])


def test_check_result(demo_run):
    _, out = demo_run
    res = check_study(study_path("demo"), processed_dir=out / "processed", reports_dir=out / "reports")
    assert res.ok
    assert_protocol(res)
