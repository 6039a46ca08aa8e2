"""One check of the result protocol (analysis/results.py), used by every station's protocol test."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
#: text that is a formatted number (".30", "−.12", "0.45", "p < .001", "12.3%")
NUMBER_TEXT = re.compile(r"^\s*(p\s*[<=>]\s*)?[−+-]?(\d+)?\.?\d+\s*%?\s*$")


def assert_protocol(res, figure: bool = False, tmp_path=None) -> None:
    """Fail unless ``res`` keeps the result protocol: a tidy numeric ``table()``, a DataFrame
    ``summary()``, ``apa()`` text, ``n``/``n_excluded`` counts, ``options`` and ``r_call``."""
    from analysis.formatting.apa import Apa

    name = type(res).__name__
    table = res.table()
    assert isinstance(table, pd.DataFrame), f"{name}.table() is a {type(table).__name__}"
    assert len(table.columns), f"{name}.table() has no columns"
    bad = [c for c in table.columns if not (isinstance(c, str) and SNAKE.match(c))]
    assert not bad, f"{name}.table() columns not snake_case: {bad}"
    assert isinstance(table.index, pd.RangeIndex), f"{name}.table() is not tidy: index {type(table.index).__name__}"
    for c in table.columns:
        s = table[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            texts = [v for v in s if isinstance(v, str)]
            numeric = [v for v in texts if NUMBER_TEXT.match(v)]
            assert not numeric, f"{name}.table() column {c!r} holds numbers as text, e.g. {numeric[0]!r}"
    summary = res.summary()
    assert isinstance(summary, pd.DataFrame), f"{name}.summary() is a {type(summary).__name__}"
    text = res.apa()
    assert isinstance(text, Apa) and isinstance(text, str) and str(text).strip(), f"{name}.apa() is not APA text"
    assert isinstance(res.n, (int, np.integer)) and not isinstance(res.n, bool) and res.n >= 0, f"{name}.n = {res.n!r}"
    assert isinstance(res.n_excluded, (int, np.integer)) and res.n_excluded >= 0, f"{name}.n_excluded = {res.n_excluded!r}"
    assert isinstance(res.options, dict) and res.options, f"{name}.options = {res.options!r}"
    assert isinstance(res.r_call, str) and res.r_call.strip(), f"{name}.r_call is empty"
    if figure:
        import matplotlib.figure
        fig = res.figure()
        assert isinstance(fig, matplotlib.figure.Figure), f"{name}.figure() is a {type(fig).__name__}"
        if tmp_path is not None:
            out = tmp_path / f"{name}.png"
            res.figure(out)
            first = out.read_bytes()
            res.figure(out)
            assert out.read_bytes() == first, f"{name}.figure(path) is not byte-identical on a rerun"
