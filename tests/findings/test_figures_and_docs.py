"""Forest plots (deterministic bytes, readable without colour) and the docstring examples."""

import doctest
import importlib

import pytest

from analysis import pool_effects, replicate_study
from tests.conftest import ROOT

from .conftest import load_csv


def test_replication_forest_is_deterministic_and_grey(tmp_path):
    res = replicate_study(load_csv("study_scores.csv"), {"mastery_approach": "map", "depression": "dep",
                                                         "anxiety": "anx", "procrastination": "pro"})
    a, b = tmp_path / "a.png", tmp_path / "b.svg"
    fig = res.figure(a)
    res.figure(b)
    res.figure(tmp_path / "c.png")
    assert a.read_bytes() == (tmp_path / "c.png").read_bytes()
    assert b.read_text().count("<svg") == 1
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(res.table()["finding_id"])
    # shapes carry the meaning: filled circles observed, open squares published
    markers = {(ln.get_marker(), ln.get_markerfacecolor()) for ln in ax.lines if ln.get_marker() not in ("None", None, "")}
    assert ("o", "black") in markers and ("s", "white") in markers
    texts = [t.get_text() for t in ax.texts]
    assert "published: negative (no number); consistent" in texts


def test_pooled_forest(tmp_path):
    res = pool_effects([-0.25, -0.10, -0.31, -0.05], [120, 340, 85, 383], labels=["A", "B", "C", "ours"])
    fig = res.figure(tmp_path / "p.png")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["A  (n = 120)", "B  (n = 340)", "C  (n = 85)", "ours  (n = 383)", "pooled (REML)"]
    first = (tmp_path / "p.png").read_bytes()
    res.figure(tmp_path / "p.png")
    assert (tmp_path / "p.png").read_bytes() == first

