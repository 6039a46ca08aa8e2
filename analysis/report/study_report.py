"""The full study report: one self-contained ``index.html`` from the results of a study run.

Sections, in the order a paper reads: summary; sample (the kept columns described, the exclusion
flow); measurement per instrument (α and ω with CIs, CFA fit, keying warnings, item statistics);
descriptives with the APA correlation table; each declared analysis in ``<section id="<id>">`` with
its APA sentence, table and figure; the replication of registered findings (verdicts, forest plot,
power at the study's N); a methods paragraph generated from what ran; the manifest. Figures are
embedded (no network, nothing outside the file), numbers are in APA form and labels read like a
paper. The report is assembled from result objects only; it computes nothing itself.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from ..formatting.apa import apa_num, apa_p
from ..formatting.labels import label_term
from ..io import atomic_write_text

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
)

#: columns bounded by 1 in absolute value: no leading zero (APA)
_BOUNDED = {"r", "beta", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total", "omega_h", "cfi", "tli", "rmsea",
            "rmsea_ci_low", "rmsea_ci_high", "srmr", "r_drop", "r_total", "entropy", "smallest_prop", "r2", "adj_r2",
            "delta_r2", "published", "power", "published_ci_low", "published_ci_high", "average_r", "alpha_std"}
_P = {"p_val", "p_adj", "pvalue", "p_diff", "f_p_val", "tost_p", "telescope_p"}
_INT = {"n", "df", "k", "n_for_80", "n_for_95", "N for 80%", "N for 95%", "n_params", "npar", "smallest_n", "step", "df1", "df2", "n_before", "n_flagged",
        "n_excluded", "n_after", "n_missing"}
_HEADERS = {"estimate": "Estimate", "se": "SE", "statistic": "Statistic", "df": "df", "p_val": "p",
            "p_adj": "p (adj.)", "ci_low": "CI low", "ci_high": "CI high", "beta": "β", "odds_ratio": "OR",
            "rate_ratio": "RR", "term": "Term", "x": "Variable", "y": "with", "n": "n", "r": "r",
            "alpha": "α", "alpha_ci_low": "α CI low", "alpha_ci_high": "α CI high", "omega_total": "ω total",
            "scale": "Scale", "model": "Model", "chisq": "χ²", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA",
            "srmr": "SRMR", "aic": "AIC", "bic": "BIC", "item": "Item", "mean": "M", "sd": "SD",
            "r_drop": "r (item–rest)", "n_missing": "Missing", "kind": "Path"}


def column_digits(values) -> int:
    """Decimals of an unbounded numeric column, chosen once for the whole column (one style per
    table column): 2 when its largest value is 1 or more, 3 when below 1, and enough for two
    significant digits of the largest value when that is below .01.

    >>> column_digits([1.22, 0.961]), column_digits([0.043, 0.0004]), column_digits([0.00021, -0.0004])
    (2, 3, 5)
    """
    v = np.abs(pd.to_numeric(pd.Series(list(values)), errors="coerce").to_numpy(dtype=float))
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v) or v.max() >= 1:
        return 2
    top = float(v.max())
    return 3 if top >= 0.01 else -math.floor(math.log10(top)) + 1


def fmt_cell(column: str, value, digits: int | None = None, bounded: bool | None = None) -> str:
    """One table cell in APA form by the kind of its column; ``digits`` fixes the decimals of an
    unbounded column (see :func:`column_digits`), else they follow the value; ``bounded`` says that
    the column holds a quantity bounded by 1 (default: by its name).

    >>> fmt_cell("r", -0.1234), fmt_cell("p_val", 0.00001), fmt_cell("estimate", 0.0004), fmt_cell("n", 377.0)
    ('−.12', '< .001', '0.00040', '377')
    >>> fmt_cell("ci_low", -0.00021, digits=3), fmt_cell("r", -0.00021)
    ('−0.000', '−.00')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if column in _P:
            return apa_p(v).removeprefix("p = ").removeprefix("p ")
        if column in _INT and v.is_integer():
            return f"{int(v)}"
        if bounded or (bounded is None and column in _BOUNDED):
            return apa_num(v, 2 if column not in ("rmsea", "srmr") else 3, gt1=False)
        if column in ("chisq", "aic", "bic", "sabic", "loglik"):
            return apa_num(v, 2)
        if digits is not None:
            text = f"{abs(v):.{digits}f}"
            return ("−" if v < 0 else "") + text
        return apa_num(v, 2 if abs(v) >= 1 or v == 0 else 3)
    return str(value)


def html_table(df: pd.DataFrame, labels: dict | None = None, caption: str | None = None,
               label_columns=("term", "x", "y", "variable", "scale")) -> str:
    """A DataFrame as an APA-formatted HTML table (escaped; labels replace column names in cells)."""
    labels = labels or {}
    head = "".join(f"<th>{html.escape(_HEADERS.get(c, str(c).replace('_', ' ')))}</th>" for c in df.columns)
    rows = []
    # a table of correlations (r, or published r beside this study's estimate): its CIs are CIs of r
    bounded = _BOUNDED | ({"estimate", "ci_low", "ci_high"} if {"r", "published"} & set(df.columns) else set())
    digits = {c: column_digits(df[c]) for c in df.columns
              if c not in _P | _INT | bounded and pd.api.types.is_numeric_dtype(df[c])
              and not pd.api.types.is_bool_dtype(df[c])}
    for rec in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, rec):
            text = label_term(v, labels) if c in label_columns and isinstance(v, str) else v
            cells.append(f"<td>{html.escape(fmt_cell(c, text, digits.get(c), c in bounded))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="apa">{cap}<thead><tr>{head}</tr></thead><tbody>' + "".join(rows)
            + "</tbody></table>")


def embed_png(path) -> str | None:
    """A PNG as a data URI, so the report needs no other file."""
    if path is None or not Path(path).exists():
        return None
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


@dataclass
class Section:
    """One block of the report: ``id`` becomes ``<section id>``; html parts are already escaped."""

    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)       # plain text (escaped when rendered)
    tables: list[str] = field(default_factory=list)           # html from html_table
    figures: list[tuple[str, str]] = field(default_factory=list)   # (data URI, alt text)
    notes: list[str] = field(default_factory=list)            # plain text, shown as notes
    details: list[tuple[str, str]] = field(default_factory=list)   # (summary text, html table)
    subsections: list["Section"] = field(default_factory=list)


def write_study_report(title: str, sections: list[Section], folder, subtitle: str = "") -> Path:
    """Render the sections into ``folder/index.html`` (atomic; deterministic bytes)."""
    html_text = _ENV.get_template("study.html.j2").render(title=title, subtitle=subtitle, sections=sections)
    return atomic_write_text(Path(folder) / "index.html", html_text)
