"""The correlations and mediation commands (thin wrappers: parse, call, write)."""

import pandas as pd
import pytest

from analysis.cli import main
from analysis.models import correlations

from .conftest import REF
from messages import says

DEMO = str(REF / "demo_exams.csv")


def test_correlations_markdown_and_csv(tmp_path, capsys):
    md = tmp_path / "corr.md"
    assert main(["correlations", DEMO, "--columns", "mastery_approach,phq9,exam1", "--reliabilities",
                 "mastery_approach=.8", "-o", str(md)]) == 0
    text = md.read_text()
    assert text.startswith("| Variable | M | SD | 1 | 2 | 3 |") and "(.80)" in text
    out = tmp_path / "corr.csv"
    assert main(["correlations", DEMO, "--columns", "mastery_approach,phq9", "--padjust", "holm", "-o", str(out)]) == 0
    long = pd.read_csv(out)
    ref = correlations(pd.read_csv(DEMO), ["mastery_approach", "phq9"], padjust="holm").long
    assert long.r.iloc[0] == pytest.approx(ref.r.iloc[0], abs=1e-12)


def test_mediation_command(tmp_path, capsys):
    out = tmp_path / "med.csv"
    assert main(["mediation", DEMO, "--x", "mastery_approach", "--m", "exam2", "--y", "exam3", "--n-boot", "500",
                 "--seed", "3", "-o", str(out)]) == 0
    paths = pd.read_csv(out)
    assert list(paths.columns) == ["path", "estimate", "se", "ci_low", "ci_high", "p_val", "kind"]
    assert "A simple mediation model of exam3" in capsys.readouterr().out


def test_bad_column_is_one_line_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["correlations", DEMO, "--columns", "nope,phq9"])
    assert e.value.code == 2
    assert says(capsys.readouterr().err, "column(s) 'nope' are not in the data")
