"""AgreementResult: the per-group table of the agreement indices, its summary, APA text and the
multilevel call."""

from __future__ import annotations

import pandas as pd

from ..formatting.apa import Apa, apa, apa_num
from ..results import TableResult
from .grouped_items import GroupedItems, _frame


#: how the APA text and the R call name each index
INDEX_LABELS = {"rwg": "r_wg", "rwg_j": "r_wg(j)", "rwg_j_lindell": "r*_wg(j)", "ad_m": "AD_M", "ad_md": "AD_Md",
                "awg": "a_wg"}

_BOUNDED = {"rwg", "rwg_j", "rwg_j_lindell", "awg"}   # at most 1: no leading zero (APA)


class AgreementResult(TableResult):
    """Within-group agreement, one row per group (the result protocol of :mod:`analysis.results`).

    ``table()`` (= ``.groups``) is the per-group table (``group, n, n_excluded`` and the indices);
    ``summary()`` one row per index (groups with a value, mean, SD, median, min, max); ``apa()``
    the text; ``n`` the respondents analysed (complete rows with a group), ``n_excluded`` the rows
    left out (a missing item or group); ``options`` (``items, group, n_options, null,
    null_variance, response, method, nan_policy``) and ``r_call`` (the multilevel call). Like a
    DataFrame it passes ``res["rwg_j"]``, ``.loc``, ``.to_csv`` … on to its table.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import agreement
    >>> staff = read_dataset("staff_demo")
    >>> res = agreement(staff, ["wdgo_1", "wdgo_2", "wdgo_3"], "department", n_options=6)
    >>> res.n, res.n_excluded, res.options["null_variance"]
    (325, 9, 2.9166666666666665)
    >>> res.summary()["index"].tolist()
    ['rwg_j', 'rwg_j_lindell', 'ad_m', 'ad_md', 'awg']

    # R: multilevel::rwg.j(staff[, c("wdgo_1", "wdgo_2", "wdgo_3")], staff$department, ranvar = 2.916667)
    """

    _table_name = "groups"

    def __init__(self, groups: pd.DataFrame, indices: list, n: int, n_excluded: int, options: dict, r_call: str):
        self.groups = groups
        self.indices = list(indices)
        self.n = int(n)
        self.n_excluded = int(n_excluded)
        self.options = dict(options)
        self.r_call = r_call

    @property
    def null_variance(self) -> float | None:
        """σ²_EU used (None for AD_M and a_wg, which need none)."""
        return self.options.get("null_variance")

    def summary(self) -> pd.DataFrame:
        """One row per index: ``index, n_groups`` (groups with a value), ``mean, sd, median, min, max``."""
        rows = []
        for col in self.indices:
            x = self.groups[col].dropna()
            rows.append({"index": col, "n_groups": int(len(x)), "mean": x.mean(), "sd": x.std(ddof=1),
                         "median": x.median(), "min": x.min(), "max": x.max()})
        return pd.DataFrame(rows, columns=["index", "n_groups", "mean", "sd", "median", "min", "max"])


@apa.register
def _apa_agreement(res: AgreementResult) -> Apa:
    """"r_wg(j): Mdn = .78 (range .40–.95); … (10 groups, N = 200)"."""
    s = res.summary()
    parts = []
    for r in s.itertuples():
        gt1 = r.index not in _BOUNDED
        if r.n_groups:
            parts.append(f"{INDEX_LABELS[r.index]}: Mdn = {apa_num(r.median, gt1=gt1)}, M = {apa_num(r.mean, gt1=gt1)} "
                         f"(range {apa_num(r.min, gt1=gt1)} to {apa_num(r.max, gt1=gt1)})")
        else:
            parts.append(f"{INDEX_LABELS[r.index]}: undefined in every group")
    groups = f"{int((res.groups['n'] > 0).sum())} groups of {res.options['group']}, N = {res.n}"
    null = res.options.get("null")
    if res.null_variance is not None:
        groups += f"; null: {null if isinstance(null, str) else 'given'}, σ²_EU = {apa_num(res.null_variance)}"
    text = "; ".join(parts) + f" ({groups})."
    table = s.assign(**{c: s[c].map(lambda v, c=c: "" if pd.isna(v) else apa_num(v)) for c in
                        ("mean", "sd", "median", "min", "max")})
    return Apa(estimate="; ".join(parts), statistic="", full_result=text, table=table)


def _r_items(items) -> str:
    if len(items) == 1:
        return f"data${items[0]}"
    quoted = ", ".join('"' + c + '"' for c in items)
    return f"data[, c({quoted})]"


def _r_call(fn: str, items, group, ranvar=None, method=None, response=None) -> str:
    """The multilevel call of one index (``data`` is the user's data frame)."""
    args = [_r_items(items), f"data${group}"]
    if ranvar is not None:
        args.append(f"ranvar = {ranvar:.10g}")
    if method is not None:
        args.append(f'type = "{method}"')
    if response is not None:
        args.append(f"range = c({response[0]:g}, {response[1]:g})")
    return f"multilevel::{fn}({', '.join(args)})"


def _agreement_result(gi: GroupedItems, cols: dict, options: dict, r_call: str,
                      attrs: dict | None = None) -> AgreementResult:
    frame = _frame(gi, cols)
    if attrs:
        frame.attrs.update(attrs)
    n = int(gi.n.sum())
    options = {"items": list(gi.columns), **options, "nan_policy": "listwise"}
    return AgreementResult(frame, [c for c in cols if c in INDEX_LABELS], n=n, n_excluded=gi.n_rows - n,
                           options=options, r_call=r_call)
