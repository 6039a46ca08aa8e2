"""What an analysis command does with a result: shows its table on the terminal, writes its tidy
table (``-o``) and figure (``--figure``), and prints the equivalent R call."""

from __future__ import annotations


def tidy_table(res, index_name: str = "term"):
    """The tidy numeric table a command writes to ``-o``: ``res.table()`` (the result protocol); a
    labelled index becomes a column."""
    import pandas as pd

    table = res.table()
    if not isinstance(table.index, pd.RangeIndex):
        table = table.rename_axis(table.index.name or index_name).reset_index()
    return table


def show_frame(frame, digits: int = 3) -> str:
    """A DataFrame as aligned text for the terminal (numbers rounded for reading; the file keeps them)."""
    import pandas as pd

    shown = frame.round(digits)
    for c in frame.columns:   # a p value rounded to 0.000 reads as "impossible": show small ones as 1.2e-10
        if str(c).startswith("p_") and pd.api.types.is_float_dtype(frame[c]):
            shown[c] = [("" if v != v else f"{v:.1e}" if v < 0.001 else f"{v:.3f}") for v in frame[c]]
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 40):
        return shown.to_string(index=not isinstance(frame.index, pd.RangeIndex))


def write_output(table, out) -> None:
    """``-o OUT``: the tidy table as .csv/.xlsx/.parquet, atomically (inputs are refused before the run)."""
    from ..io.writers import write_table

    write_table(table, out)
    print(f"wrote {out}")


def save_figure_of(res, path) -> None:
    """``--figure PATH``: the result's figure (``figure(path)``, the result protocol)."""
    res.figure(path=path)
    import matplotlib.pyplot as plt

    plt.close("all")
    print(f"wrote {path}")


def print_r_call(res) -> None:
    """The equivalent R call, when the result states one (``res.r_call``)."""
    call = getattr(res, "r_call", "")
    if isinstance(call, str) and call.strip():
        print(f"R: {call.strip()}")
