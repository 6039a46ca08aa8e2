"""Item statistics per scale, as ``psych::alpha``'s ``item.stats`` and ``alpha.drop``: each item's
mean, SD, item-total and item-rest correlations and α if the item is dropped (the rules for missing
answers and keying: :mod:`analysis.psychometrics.internal_consistency`).
"""

from __future__ import annotations

import pandas as pd

from ..formatting.apa import Apa, apa, apa_num
from ..results import TableResult
from .internal_consistency import check_policy, items_of
from .keying import keying_check
from .reliability_coefficients import item_block, scale_stats


def item_statistics(data, instrument=None, columns=None, *, nan_policy: str = "pairwise", scales=None,
                    **options) -> "ItemStatistics":
    """Item statistics per scale: mean, SD, missing count, item–total and item–rest r, α if deleted.

    Parameters
    ----------
    data, instrument, columns, nan_policy, scales, **options
        As :func:`reliability`.

    Returns
    -------
    ItemStatistics
        ``.items`` (also ``.table()``; ``result["r_drop"]``, ``.loc`` … act on it), one row per item: ``scale, item, item_id, reversed, n, n_missing, mean, sd, r_total,
        r_total_std, r_cor, r_drop, alpha_if_deleted, alpha_std_if_deleted, average_r_if_deleted,
        nan_policy, keying_flagged``. Means are of the keyed (reversed where the key says so)
        answers, as psych. ``keying_flagged`` marks the items the keying check names (see
        :func:`reliability`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis import item_statistics
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame(rng.integers(1, 6, size=(50, 12)), columns=[f"AGQ_{i}" for i in range(1, 13)])
    >>> res = item_statistics(df, "agq-r", columns="AGQ_{n}")
    >>> res.shape[0], res.summary()["n_items"].tolist()
    (12, [3, 3, 3, 3])

    ::

        # R: psych::alpha(items, keys = c("A1"))$item.stats; $alpha.drop
    """
    check_policy(nan_policy, "item_statistics")
    items = items_of(data, instrument, columns, options)
    inst = items.instrument
    names = list(inst.scales) if scales is None else list(scales)
    parts = []
    for name in [s for s in names if len(inst.scales[s].items) >= 2]:
        _scale, item, _x = scale_stats(items.keyed_array(name), nan_policy, 0.95, False, item_block(items, name))
        rev = inst.reversed_in(name)
        df = pd.DataFrame(item)
        df.insert(0, "reversed", [i in rev for i in inst.scales[name].items])
        df.insert(0, "item_id", list(inst.scales[name].items))   # the key's ids as they are (numbers stay numbers)
        df.insert(0, "item", items.scale_columns(name))
        df.insert(0, "scale", name)
        df["nan_policy"] = nan_policy
        parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    keying = keying_check(items, nan_policy=nan_policy, scales=[s for s in names if len(inst.scales[s].items) >= 2],
                          warn=False).table()
    out["keying_flagged"] = keying["flagged"].to_numpy(bool)
    out.attrs = {"instrument": inst.id, "nan_policy": nan_policy}
    return ItemStatistics(out, items.audit.reset_index(drop=True), n=items.n_rows(),
                          options={"instrument": inst.id, "nan_policy": nan_policy, "scales": scales, "columns": columns,
                                   **options})


class ItemStatistics(TableResult):
    """The :func:`item_statistics` table (``.items``, one row per item) and the audit (``.audit``).

    ``.summary()``: one row per scale (``scale, n_items, n, n_flagged, r_drop_min, r_drop_max,
    mean_r_drop``);
    ``.apa()``: the item-rest correlations in words. As a :class:`~analysis.results.TableResult` it
    shows its table and passes ``result["r_drop"]``, ``.loc``, ``.round(...)`` … on to ``.items``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import item_statistics
    >>> res = item_statistics(read_dataset("demo"), "agq-r", columns="agq_{n}", response={"min": 1, "max": 7},
    ...                       missing=[-99])
    >>> res.table()[["scale", "item"]].iloc[0].tolist(), res.n
    (['mastery_approach', 'agq_1'], 400)

    ::

        # R: psych::alpha(items, keys = reversed)$item.stats; psych::alpha(...)$alpha.drop
    """

    _table_name = "items"
    r_call = "psych::alpha(items, keys = reversed)$item.stats; psych::alpha(items, keys = reversed)$alpha.drop"

    def __init__(self, items: pd.DataFrame, audit: pd.DataFrame, n: int, options: dict | None = None):
        self.items, self.audit, self.n = items, audit, int(n)
        self.options = dict(options or {})

    def summary(self) -> pd.DataFrame:
        t = self.items
        g = t.groupby("scale", sort=False)
        return pd.DataFrame({"scale": list(g.groups), "n_items": g.size().to_numpy(), "n": g["n"].max().to_numpy(),
                             "n_flagged": g["keying_flagged"].sum().to_numpy(int),
                             "r_drop_min": g["r_drop"].min().to_numpy(), "r_drop_max": g["r_drop"].max().to_numpy(),
                             "mean_r_drop": g["r_drop"].mean().to_numpy()})


@apa.register
def _apa_items(res: ItemStatistics) -> Apa:
    parts = [f"{r.scale}: item-rest r from {apa_num(r.r_drop_min, 2, gt1=False)} to "
             f"{apa_num(r.r_drop_max, 2, gt1=False)} (mean "
             f"{apa_num(r.mean_r_drop, 2, gt1=False)}, {r.n_items} items)" for r in res.summary().itertuples()]
    text = "; ".join(parts)
    t = res.items
    table = pd.DataFrame({"Scale": t["scale"], "Item": t["item"], "M": [apa_num(v) for v in t["mean"]],
                          "SD": [apa_num(v) for v in t["sd"]],
                          "Item-rest r": [apa_num(v, gt1=False) for v in t["r_drop"]],
                          "α if deleted": [apa_num(v, gt1=False) for v in t["alpha_if_deleted"]]})
    return Apa(estimate=text, full_result=text, table=table)
