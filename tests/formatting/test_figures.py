"""Figures: byte-identical files for identical inputs; a clear error for an unknown format."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis import DataError  # noqa: E402
from analysis.formatting.figures import save_figure  # noqa: E402


def draw():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [2, 1, 3], label="mastery-approach")
    ax.legend()
    return fig


def test_same_figure_same_bytes(tmp_path):
    a = save_figure(draw(), tmp_path / "a" / "f.png", also_svg=True)
    b = save_figure(draw(), tmp_path / "b" / "f.png", also_svg=True)
    assert [p.name for p in a] == ["f.png", "f.svg"]
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes()
    pdf = [save_figure(draw(), tmp_path / d / "f.pdf")[0].read_bytes() for d in ("c", "d")]
    assert pdf[0] == pdf[1]
    plt.close("all")


def test_unknown_format_and_raw_folder(tmp_path):
    with pytest.raises(DataError, match=r"use a \.png, \.svg or \.pdf"):
        save_figure(draw(), tmp_path / "f.jpg")
    with pytest.raises(DataError, match="nothing is written under data/raw/"):
        save_figure(draw(), tmp_path / "data" / "raw" / "f.png")
    plt.close("all")
