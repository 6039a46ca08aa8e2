"""Full-information ML against lavaan 0.6-14 ``missing = "ml"`` on bfi (tests/reference/psychometrics/fiml.R)."""

import json

import pytest

from analysis.cli import main
from analysis.psychometrics import cfa

from .conftest import REF
from .test_cfa import assert_matches_lavaan


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "fiml_lavaan.json").read_text())


@pytest.mark.parametrize("case", ["bfi2", "bfi3"])
def test_fiml_equals_lavaan(bfi_keyed, ref, case):
    res = cfa(bfi_keyed, ref[case]["model"], nan_policy="fiml")
    # est, se (observed information), z, p, std_all and every fit index
    assert_matches_lavaan(res, ref[case])
    assert res.nan_policy == "fiml" and res.n == 2800 and res.n_excluded == 0


def test_fiml_cli(tmp_path, capsys):
    out = tmp_path / "f.csv"
    assert main(["cfa", str(REF / "bfi.csv"), "--instrument", str(REF / "bfi_agree_consc.yaml"), "--fiml",
                 "-o", str(out)]) == 0
    assert "fiml: 2800 used, 0 excluded" in capsys.readouterr().out
