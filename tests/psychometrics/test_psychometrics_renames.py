"""Renamed keywords of the psychometrics station: the old name still works, warns, and gives the same result."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.psychometrics import cfa, efa, invariance, reliability
from analysis.psychometrics.exploratory import parallel_analysis
from analysis.psychometrics.reliability_coefficients import bootstrap_alpha, feldt_ci
from tests.conftest import DEMO
from tests.messages import says

def _warns(old, new):
    return pytest.warns(FutureWarning, match=rf"'{old}' is renamed '{new}'; the old name stops working")


def test_reliability_ci_is_level(bfi):
    from tests.psychometrics.conftest import BFI_KEY
    from analysis.instruments.registry import instrument_from_dict

    key = instrument_from_dict(BFI_KEY)
    new = reliability(bfi, key, scales=["agree", "consc"], level=0.90, n_boot=200, seed=3)
    with _warns("ci", "level"):
        old = reliability(bfi, key, scales=["agree", "consc"], ci=0.90, n_boot=200, seed=3)
    pd.testing.assert_frame_equal(old.table(), new.table())
    assert new.options["level"] == 0.90 and "ci" not in new.options
    # the 95% default is unchanged: psych::alpha.ci(0.703018446057304, 2800, 5) (test_reliability.py)
    assert feldt_ci(0.703018446057304, 2800, 5) == feldt_ci(0.703018446057304, 2800, 5, level=0.95)
    with _warns("ci", "level"):
        assert feldt_ci(0.7, 2800, 5, ci=0.9) == feldt_ci(0.7, 2800, 5, level=0.9)
    with pytest.raises(TypeError, match="give 'level' only"):
        reliability(bfi, key, ci=0.9, level=0.9)


def test_reliability_seed_none_is_drawn_and_stated(bfi):
    from tests.psychometrics.conftest import BFI_KEY
    from analysis.instruments.registry import instrument_from_dict

    key = instrument_from_dict(BFI_KEY)
    a = reliability(bfi, key, scales=["agree"], n_boot=200, omega=False)
    seed = a.options["seed"]
    assert isinstance(seed, int)
    b = reliability(bfi, key, scales=["agree"], n_boot=200, omega=False, seed=seed)
    pd.testing.assert_frame_equal(a.table(), b.table())  # the stated seed repeats the run
    assert reliability(bfi, key, scales=["agree"], omega=False).options["seed"] is None  # no bootstrap, no seed
    x = bfi[["A2", "A3", "A4", "A5"]].to_numpy(float)
    with _warns("ci", "level"):
        assert bootstrap_alpha(x, 200, 1, ci=0.9) == bootstrap_alpha(x, 200, 1, level=0.9)


def test_cfa_and_invariance_fit_tables_say_p_val(bfi_keyed):
    model = "agree =~ A1 + A2 + A3 + A4 + A5"
    res = cfa(bfi_keyed, model)
    assert "p_val" in res.fit_indices and "pvalue" not in res.fit_indices
    inv = invariance(bfi_keyed, model, "gender", steps=("configural", "metric"))
    assert "p_val" in inv.table() and "pvalue" not in inv.table()
    assert inv.table()["p_val"].iloc[0] == inv.fits["configural"].fit_indices["p_val"]
    # the ladder DataFrame of earlier releases, as an attribute: still works for one release, warning
    with pytest.warns(FutureWarning, match=r"InvarianceResult.table \(the DataFrame\) is renamed InvarianceResult.table\(\)"):
        assert list(inv.table["step"]) == ["configural", "metric"]
    with pytest.warns(FutureWarning, match="InvarianceResult.table"):
        assert [r.step for r in inv.table.itertuples()] == ["configural", "metric"]
    with pytest.warns(FutureWarning, match=r"InvarianceResult.apa_text is renamed InvarianceResult.apa\(\)"):
        assert inv.apa_text == str(inv.apa())


def test_efa_item_columns_is_columns():
    demo = pd.read_csv(DEMO / "responses.csv")
    opts = dict(instrument="agq-r", response={"min": 1, "max": 7}, missing=[-99])
    new = efa(demo, 2, columns="agq_{n}", **opts)
    with _warns("item_columns", "columns"):
        old = efa(demo, 2, item_columns="agq_{n}", **opts)
    pd.testing.assert_frame_equal(old.loadings, new.loadings)
    pd.testing.assert_frame_equal(old.audit, new.audit)
    # without an instrument, columns is the list of item columns, as before
    plain = efa(demo, 1, columns=["exam1", "exam2", "exam3"])
    assert list(plain.loadings.index) == ["exam1", "exam2", "exam3"] and plain.audit is None


def test_parallel_analysis_states_the_seed_it_drew():
    rng = np.random.default_rng(5)
    df = pd.DataFrame(rng.integers(1, 6, size=(120, 5)), columns=list("abcde"))
    a = parallel_analysis(df, n_iter=5)
    assert isinstance(a.seed, int) and a.options["seed"] == a.seed == a.summary()["seed"].iloc[0]
    b = parallel_analysis(df, n_iter=5, seed=a.seed)
    pd.testing.assert_frame_equal(a.table(), b.table())


def test_cli_level_and_the_hidden_ci_alias(tmp_path):
    data = tmp_path / "d.csv"
    pd.read_csv(DEMO / "responses.csv").to_csv(data, index=False)
    base = [sys.executable, "-m", "analysis", "reliability", str(data), "--instrument", "agq-r",
            "--columns", "agq_{n}", "--response-min", "1", "--response-max", "7", "--missing=-99"]
    new = subprocess.run(base + ["--level", "0.9", "-o", str(tmp_path / "new.csv")], capture_output=True, text=True)
    old = subprocess.run(base + ["--ci", "0.9", "-o", str(tmp_path / "old.csv")], capture_output=True, text=True)
    assert new.returncode == 0 and old.returncode == 0, new.stderr + old.stderr
    assert says(old.stderr, "--ci is renamed --level") and "--ci" not in new.stderr
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()
    helptext = subprocess.run(base[:4] + ["--help"], capture_output=True, text=True).stdout
    assert says(helptext, "--level") and "--ci" not in helptext


def test_reliability_apa_is_folded_into_the_result(bfi):
    from tests.psychometrics.conftest import BFI_KEY
    from analysis.instruments.registry import instrument_from_dict
    from analysis.psychometrics import reliability_apa
    from analysis.formatting.apa import Apa

    rel = reliability(bfi, instrument_from_dict(BFI_KEY), scales=["agree"], omega=False)
    text = rel.apa()
    assert isinstance(text, Apa) and str(text) == "agree: " + rel.table()["apa"].iloc[0]
    with pytest.warns(FutureWarning, match=r"reliability_apa\(...\) is replaced by reliability\(...\).apa\(\)"):
        old = reliability_apa(rel)
    assert old == text and old.table.equals(text.table)
