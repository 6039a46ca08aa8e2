"""The items of the screened instruments, prepared for the careless indices.

:func:`collect_items` takes instruments exactly like :func:`analysis.score` (shipped id or key file,
``columns=`` and the dataset quirks of :func:`analysis.prepare_items`), or several instruments at
once, and returns the items **as answered** (the export's codes, in the order of the columns in the
data) and the reverse-keyed scales for evenodd (see :mod:`analysis.screening.careless_responding`
for which answers each index sees).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..checks import audit_table, check_data, with_instrument
from ..errors import DataError
from ..scoring.mapping import ItemSet, prepare_items

_QUIRKS = {"columns", "missing", "labels", "recode", "response", "reversed_in_file", "anchors_reversed",
           "min_valid", "on_invalid", "source"}


@dataclass
class Items:
    """The items of the screened instruments, ready for the indices."""

    raw: pd.DataFrame          # as answered, columns in data order
    keyed: np.ndarray          # reverse-keyed, scale by scale
    factors: list              # [(label, n_items)] of the evenodd scales
    audit: pd.DataFrame
    instruments: list


def _specs(instrument, columns, options) -> list[tuple[str, object, dict]]:
    """Normalise the ``instrument`` argument into ``[(alias, instrument, quirks)]``."""
    shared = {k: v for k, v in options.items() if v is not None}
    if isinstance(instrument, dict) and "instrument" not in instrument and instrument and \
            all(isinstance(v, (dict, str)) for v in instrument.values()) and not {"id", "scales"} & set(instrument):
        entries = list(instrument.items())
    elif isinstance(instrument, dict) and "instrument" in instrument:
        entries = [(None, {**instrument, **({"columns": columns} if columns is not None else {})})]
    elif isinstance(instrument, (list, tuple)):
        if columns is not None and (not isinstance(columns, (list, tuple)) or len(columns) != len(instrument)):
            raise DataError("is not a list with one entry per instrument", argument="columns", value=columns,
                            hint="with several instruments, give columns= as a list with one entry per instrument (or "
                                 "put the columns into each instrument's spec: {'instrument': ..., 'columns': ...})")
        entries = []
        for k, spec in enumerate(instrument):
            if columns is not None and not isinstance(spec, dict):
                spec = {"instrument": spec, "columns": columns[k]}
            entries.append((None, spec))
    else:
        return [(None, instrument, {**shared, "columns": columns})]
    out = []
    for alias, spec in entries:
        if isinstance(spec, dict):
            unknown = set(spec) - _QUIRKS - {"instrument"}
            if unknown:
                raise DataError(f"has unknown field(s) {', '.join(sorted(unknown))}", argument="instrument", value=spec,
                                hint=f"use instrument, {', '.join(sorted(_QUIRKS))}")
            if "instrument" not in spec:
                raise DataError("has no 'instrument' field", argument="instrument", value=spec,
                                hint="name the key: {'instrument': 'agq-r', ...}")
            quirks = {**shared, **{k: v for k, v in spec.items() if k != "instrument"}}
            if shared.get("missing") and spec.get("missing"):
                quirks["missing"] = list(shared["missing"]) + list(spec["missing"])
            out.append((alias, spec["instrument"], quirks))
        else:
            out.append((alias, spec, dict(shared)))
    return out


def _evenodd_scales(items: ItemSet) -> list[str]:
    """The key's scales minus totals that contain another of its scales (no item counted twice)."""
    scales = items.instrument.scales
    sets = {name: set(s.items) for name, s in scales.items()}
    return [name for name in scales if not any(other != name and sets[other] < sets[name] for other in sets)]


def _as_answered(data: pd.DataFrame, items: ItemSet) -> pd.DataFrame:
    """The export's own codes (the position the respondent chose) where the cleaned answer exists.

    Missing codes and invalid values are missing (as cleaned); recodes and printed-anchor flips
    are NOT applied, so a respondent who ticks the same position throughout has one long string
    across instruments. Text answers (labels) take their cleaned code.
    """
    clean = items.raw()
    out = {}
    for col in clean.columns:
        cleaned = clean[col].to_numpy()
        try:
            export = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):  # e.g. a categorical of labels: its cleaned codes are the positions
            export = np.full(len(cleaned), np.nan)
        out[col] = np.where(np.isnan(cleaned), np.nan, np.where(np.isnan(export), cleaned, export))
    return pd.DataFrame(out, index=clean.index)


def collect_items(data: pd.DataFrame, instrument, columns=None, **options) -> Items:
    """Prepare the items of one or several instruments for screening (see :func:`careless`).

    Returns the items as answered (``.raw``, columns in the data's order), the keyed scales for
    evenodd (``.keyed``, ``.factors``), the audit and the instruments used.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> items = collect_items(read_dataset("demo"), "pps", "pps_{n}", missing=[-99])
    >>> items.raw.shape, items.factors
    ((400, 12), [('pps.decisional', 3), ('pps.implemental', 5), ('pps.timeliness', 4)])

    # R: x <- d[, grep("^pps_", names(d))]; x[x == -99] <- NA
    """
    data = check_data(data, "careless", rows=False)
    blocks, keyed, factors, audits, used = [], [], [], [], []
    seen = {}
    for alias, inst, quirks in _specs(instrument, columns, options):
        cols = quirks.pop("columns", None)
        items = prepare_items(data, inst, cols, **quirks)
        label = alias or items.instrument.id
        for item, col in items.columns.items():
            if col in seen:
                raise DataError(f"is used by both {seen[col]} and {label}", file=data.attrs.get("source"), column=col,
                                hint="each item column may be "
                                f"screened once")
            seen[col] = label
        blocks.append(_as_answered(data, items))
        for scale in _evenodd_scales(items):
            keyed.append(items.keyed_array(scale))
            factors.append((f"{label}.{scale}", len(items.instrument.scales[scale].items)))
        if len(items.audit):
            audits.append(with_instrument(items.audit, label))
        used.append(items.instrument.id)
    raw = pd.concat(blocks, axis=1)
    position = {c: k for k, c in enumerate(data.columns)}
    raw = raw[sorted(raw.columns, key=lambda c: position[c])]
    audit = audit_table(audits, instrument=True)
    return Items(raw=raw, keyed=np.column_stack(keyed), factors=factors, audit=audit, instruments=used)
