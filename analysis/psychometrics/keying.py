"""The keying check: items that correlate negatively with the rest of their scale after keying.

An export whose positively worded items were already reverse-scored (and nobody said so), a key
whose reverse list misses an item, or a translation that words an item the other way all leave
the same trace: after the key's reverse-scoring, the item correlates *negatively* with the sum of
the other items of its scale (item-rest r, psych's ``r.drop``). α then collapses (α = .24 next to
ω = .91: ω's factor model silently flips such items), and the scale score mixes two directions.

``psych::alpha`` checks the same thing when it is called without ``keys`` (it warns "Some items
( … ) were negatively correlated with the total scale and probably should be reversed"); its rule
is a negative loading on the first principal component. We warn when an item-rest r is negative,
and the warning names only items whose item-rest r is negative: first those that also load
negatively on the first component (the items psych names, the likely miskeyed ones), then, as
"pulled below 0 by them", the other negative ones (several miskeyed items drag the item-rest r of
correct items below 0 too). An item with a negative loading but a positive item-rest r is not named
(it does not correlate negatively with the rest of its scale; its loading stays in the item table).
tests/reference/psychometrics/keying.R records psych's message, loadings and r.drop. We check the
keyed items, so a warning means the declared keying does not fit the data, and the message says
which declaration would.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import check_choice
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num
from ..results import Result
from ..scoring.mapping import ItemSet, prepare_items

__all__ = ["KeyingCheck", "KeyingWarning", "keying_check", "check_item_keying"]


class KeyingWarning(UserWarning):
    """An item correlates negatively with the rest of its scale after keying."""


def _item_rest_r(x: np.ndarray, nan_policy: str = "pairwise"):
    """Of a keyed n × k block: each item's item-rest r (psych's ``r.drop``), its loading on the first
    principal component of the correlations (psych ``principal``, signed so the loadings sum to a
    positive number), the number of respondents used and raw α. Covariances pairwise (psych's
    default) or from complete respondents only."""
    from .factoring import correlation, pairwise_cov

    x = x[~np.isnan(x).any(axis=1)] if nan_policy == "listwise" else x[~np.isnan(x).all(axis=1)]
    k = x.shape[1]
    nan = np.full(k, np.nan)
    if x.shape[0] < 3:
        return nan, nan, int(x.shape[0]), float("nan")
    c, npair = pairwise_cov(x)
    if np.any(npair < 2) or not np.all(np.isfinite(c)) or np.any(np.diag(c) <= 0):
        return nan, nan, int(x.shape[0]), float("nan")  # reliability() explains these cases
    r_drop = np.empty(k)
    for i in range(k):
        keep = np.arange(k) != i
        r_drop[i] = (c[:, i].sum() - c[i, i]) / np.sqrt(c[i, i] * c[np.ix_(keep, keep)].sum())
    alpha = (1 - np.trace(c) / c.sum()) * (k / (k - 1))
    # principal() correlates pairwise (each pair with its own means and SDs), unlike α's cov2cor
    vals, vecs = np.linalg.eigh(correlation(x))  # ascending: the last is the first component
    pc1 = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
    if pc1.sum() < 0:
        pc1 = -pc1
    return r_drop, pc1, int(x.shape[0]), float(alpha)


def _spell(items) -> str:
    return ", ".join(str(i) for i in items)


def _key_hint(inst) -> str:
    """How the user can look at the key: ``goalscope instruments <id>`` or its file."""
    from ..instruments.registry import SHIPPED_DIR

    path = getattr(inst, "path", None)
    if path and Path(path).resolve().parent == SHIPPED_DIR.resolve():
        return f"goalscope instruments {inst.id}"
    if path and Path(path).exists():
        return f"key file '{path}'"
    return f"key '{inst.id}'"


def _fixes(inst, scale: str, negative: list, declared: set, columns: dict) -> str:
    """The likely declarations that would fix a scale's negative items, most likely first."""
    rev = inst.reversed_in(scale)
    items = list(inst.scales[scale].items)
    forward = [i for i in items if i not in rev]
    neg = set(negative)
    key_ref = f"the key's reverse list ({_key_hint(inst)})"
    out = []
    wrongly = [i for i in negative if i in declared]
    if wrongly:
        out.append(f"you declared reversed_in_file for item(s) {_spell(wrongly)}: if the export did not "
                   f"reverse-score them, remove them from reversed_in_file")
    undeclared_rev = [i for i in items if i in rev and i not in declared]
    if neg and neg <= set(undeclared_rev):
        todo = [i for i in items if i in neg]
        out.append(f"the key reverses {'this item' if len(todo) == 1 else 'these items'}: if the export already "
                   f"reverse-scored {'it' if len(todo) == 1 else 'them'}, declare "
                   f"reversed_in_file: [{_spell(todo)}] (--reversed-in-file {','.join(map(str, todo))})")
    elif undeclared_rev and forward and neg == set(forward):
        out.append(f"every item the key does not reverse is negative, so the item(s) the key reverses "
                   f"({_spell(undeclared_rev)}) may already be reverse-scored in the export: declare "
                   f"reversed_in_file: [{_spell(undeclared_rev)}] (--reversed-in-file "
                   f"{','.join(map(str, undeclared_rev))})")
    else:
        fwd = [i for i in negative if i not in rev and i not in declared]
        if fwd:
            out.append(f"item(s) {_spell(fwd)} are not reversed by the key: if the export reverse-scored them, "
                       f"declare reversed_in_file: [{_spell(fwd)}]; if your version words them the other way, "
                       f"add them to {key_ref} in a copy of the key")
        other = [i for i in negative if i in rev and i not in declared]
        if other:
            out.append(f"item(s) {_spell(other)} are reversed by the key: if the export already reverse-scored "
                       f"them, declare reversed_in_file: [{_spell(other)}]")
    out.append("if only some items were printed with their anchors the other way round, list those in "
               "reversed_in_file too (anchors_reversed flips every item alike, so it cannot cause or cure "
               "a negative item-rest r)")
    out.append(f"otherwise check {key_ref}")
    return "; ".join(out)


@dataclass
class KeyingCheck(Result):
    """Result of :func:`keying_check` (the result protocol: ``.table()`` the items, ``.summary()``
    the scales, ``.apa()`` the warnings or that the keying fits, ``.n``, ``.options``, ``.r_call``).

    Attributes
    ----------
    items : DataFrame
        One row per item of every checked scale: ``instrument, scale, item, item_id, reversed,
        reversed_in_file, n, r_drop, pc1_loading, flagged`` (``r_drop``: the item-rest r after
        keying; ``pc1_loading``: the loading on the first principal component, as psych's check;
        ``flagged``: named first in the message — a negative r_drop with a negative loading, or
        without such an item every negative r_drop).
    scales : DataFrame
        One row per scale: ``instrument, scale, n_items, n, alpha, n_negative, negative_items,
        message`` (``message`` is empty when every item-rest r is ≥ 0).
    """

    instrument: str
    nan_policy: str
    items: pd.DataFrame
    scales: pd.DataFrame
    label: str = ""
    r_call: str = field(default="psych::alpha(keyed_items)  # no keys: psych's own check")
    options: dict = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        """One sentence per scale with negatively correlated items (empty: the keying fits)."""
        return [m for m in self.scales["message"] if m]

    @property
    def ok(self) -> bool:
        return not self.warnings

    @property
    def n(self) -> int:
        return int(self.scales["n"].max()) if len(self.scales) else 0

    def table(self) -> pd.DataFrame:
        """The item-rest r of every item (tidy)."""
        return self.items.copy(deep=False)

    def summary(self) -> pd.DataFrame:
        """One row per scale (``instrument, scale, n_items, n, alpha, n_negative, negative_items, message``)."""
        return self.scales


@apa.register
def _apa_keying(res: KeyingCheck) -> Apa:
    if res.ok:
        text = (f"keying check, {res.label or res.instrument}: every item correlates positively with the rest of "
                f"its scale after keying ({len(res.scales)} scale(s))")
    else:
        text = " ".join(res.warnings)
    t = res.items
    table = pd.DataFrame({"Scale": t["scale"], "Item": t["item"], "Reversed": ["yes" if v else "" for v in t["reversed"]],
                          "Item-rest r": [apa_num(v, 2, gt1=False) for v in t["r_drop"]],
                          "Flagged": ["yes" if v else "" for v in t["flagged"]]})
    return Apa(estimate=text, full_result=text, table=table)


def keying_check(data, instrument=None, columns=None, *, nan_policy: str = "pairwise", scales=None, rows=None,
                 label: str | None = None, warn: bool = True, **options) -> KeyingCheck:
    """Check that every item correlates positively with the rest of its scale after keying.

    Parameters
    ----------
    data : DataFrame or ItemSet
        One row per respondent, or items already prepared by :func:`analysis.prepare_items`.
    instrument : str, Path or Instrument
        Shipped id, key file or loaded key (needed with a DataFrame).
    columns : str, dict, list or None
        Where the items are, as in :func:`analysis.score`.
    nan_policy : {"pairwise", "listwise"}
        Covariances from pairwise-complete answers (psych's default) or complete respondents only.
    scales : list of str, optional
        Only these scales (default: every scale with two or more items).
    rows : array of bool, optional
        Only these respondents (e.g. the ones screening kept).
    label : str, optional
        How to name the instrument in messages (default ``instrument '<id>'``).
    warn : bool
        Also issue each message as a :class:`KeyingWarning`.
    **options
        Dataset quirks for :func:`analysis.prepare_items` (``reversed_in_file``, ``missing``, …).

    Returns
    -------
    KeyingCheck
        ``.warnings`` (one sentence per scale with negative items, naming the items, their
        item-rest r and the likely fixes), ``.table()`` (every item's r), ``.summary()``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.psychometrics.keying import keying_check
    >>> demo = read_dataset("demo")
    >>> keying_check(demo, "grit-s", columns="grit_{n}", missing=[-99]).ok
    True

    Declaring (wrongly) that the export already reverse-scored items 1 and 3 makes them negative:

    >>> chk = keying_check(demo, "grit-s", columns="grit_{n}", missing=[-99], reversed_in_file=[1, 3], warn=False)
    >>> chk.summary()[["scale", "n_negative", "negative_items"]]
                         scale  n_negative  negative_items
    0                     grit           2  grit_1, grit_3
    1  consistency_of_interest           2  grit_1, grit_3
    2   perseverance_of_effort           0

    In R, psych's own check (no ``keys``; keyed items)::

        # R: psych::alpha(keyed_items)   # "Some items ( ... ) were negatively correlated with the total scale"
    """
    check_choice(nan_policy, ("pairwise", "listwise"), "keying_check", "nan_policy")
    items = data if isinstance(data, ItemSet) else None
    if items is None:
        if instrument is None:
            raise DataError("is not given", argument="instrument", value=instrument, within="keying_check",
                            hint="say which instrument the items belong to, e.g. instrument='ips'")
        items = prepare_items(data, instrument, columns, **options)
    inst = items.instrument
    names = [s for s in (inst.scales if scales is None else scales) if len(inst.scales[s].items) >= 2]
    declared = {i for i, f in items.flip.items() if f}
    who = label or f"instrument '{inst.id}'"
    mask = None if rows is None else np.asarray(rows, bool)
    item_rows, scale_rows = [], []
    for name in names:
        x = items.keyed_array(name)
        if mask is not None:
            x = x[mask]
        r, pc1, n, alpha = _item_rest_r(x, nan_policy)
        ids = list(inst.scales[name].items)
        cols = items.scale_columns(name)
        rev = inst.reversed_in(name)
        neg_r = [i for i, v in zip(ids, r) if v < 0]
        # only items with a negative item-rest r are named: first those also on the minority side of
        # the first component (psych's rule, the likely miskeyed items); when several items are
        # miskeyed they drag the item-rest r of correct items below 0 too ("pulled below 0")
        neg = [i for i in neg_r if pc1[ids.index(i)] < 0] or neg_r
        for i, col, v, load in zip(ids, cols, r, pc1):
            item_rows.append({"instrument": inst.id, "scale": name, "item": col, "item_id": i,
                              "reversed": i in rev, "reversed_in_file": i in declared, "n": n, "r_drop": v,
                              "pc1_loading": load, "flagged": i in neg})
        message = ""
        if neg_r:
            def rr(i):
                return apa_num(r[ids.index(i)], 2, gt1=False)

            shown = ", ".join(f"{items.columns[i]} ({'' if str(i) == items.columns[i] else f'item {i}, '}"
                              f"item-rest r = {rr(i)})" for i in neg)
            also = [i for i in neg_r if i not in neg]
            more = (f" ({', '.join(f'{items.columns[i]}: r = {rr(i)}' for i in also)} "
                    f"{'is' if len(also) == 1 else 'are'} pulled below 0 by them)" if also else "")
            message = (f"keying check, {who}, scale '{name}' (n = {n}): {shown} "
                       f"{'correlates' if len(neg) == 1 else 'correlate'} negatively with the rest of the scale "
                       f"after keying{more}, so the scale mixes two directions (α = {apa_num(alpha, 2, gt1=False)}). "
                       f"Likely fixes: {_fixes(inst, name, neg, declared, items.columns)}.")
        scale_rows.append({"instrument": inst.id, "scale": name, "n_items": len(ids), "n": n, "alpha": alpha,
                           "n_negative": len(neg), "negative_items": ", ".join(items.columns[i] for i in neg),
                           "message": message})
    item_cols = ["instrument", "scale", "item", "item_id", "reversed", "reversed_in_file", "n", "r_drop",
                 "pc1_loading", "flagged"]
    scale_cols = ["instrument", "scale", "n_items", "n", "alpha", "n_negative", "negative_items", "message"]
    res = KeyingCheck(inst.id, nan_policy, pd.DataFrame(item_rows, columns=item_cols),
                      pd.DataFrame(scale_rows, columns=scale_cols), label=who,
                      options={"instrument": inst.id, "nan_policy": nan_policy, "scales": scales, "columns": columns,
                               "rows": None if rows is None else int(np.asarray(rows, bool).sum()), **options})
    if warn:
        for m in res.warnings:
            warnings.warn(m, KeyingWarning, stacklevel=2)
    return res


def check_item_keying(items_by_name: dict, rows=None, warn: bool = False) -> pd.DataFrame:
    """:func:`keying_check` of several prepared instruments (e.g. a study's), as one item table.

    ``items_by_name`` maps a name (the study's alias) to an :class:`ItemSet`; returns the
    concatenated ``.table()`` with a column ``name`` first and the scale message on every item
    row of a flagged scale (``message``), so a report can list both.
    """
    parts = []
    for name, items in items_by_name.items():
        chk = keying_check(items, rows=rows, label=f"instrument '{name}' ({items.instrument.id})", warn=warn)
        t = chk.table().merge(chk.summary()[["scale", "message"]], on="scale", how="left")
        t.insert(0, "name", name)
        parts.append(t)
    cols = ["name", "instrument", "scale", "item", "item_id", "reversed", "reversed_in_file", "n", "r_drop",
            "pc1_loading", "flagged", "message"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
