"""All careless-responding indices of one questionnaire, one row per respondent.

:func:`careless` takes instruments exactly like :func:`analysis.score` (shipped id or key file,
``columns=`` and the dataset quirks of :func:`analysis.prepare_items`), or several instruments at
once, since screening is usually done over the whole questionnaire. Which answers each index sees:

* ``longstring``, ``irv``, ``psychsyn``, ``psychant`` and ``mahad``: every item of every
  instrument **as answered**: the export's codes (the position chosen; missing codes and invalid
  values are missing, recodes and printed-anchor flips are not applied, nothing is reverse-keyed),
  in the order of the columns in the data (the order of presentation), as one would pass the
  export to careless;
* ``evenodd``: reverse-keyed items of each scale (the key's scales; a total that contains other
  scales of the same key, such as Grit-S ``grit``, is left out so that no item counts twice).

Besides the careless indices the table holds ``n_items``, ``n_answered``, ``prop_missing``,
``duplicate_pattern`` (the same answers as another respondent), and, when asked for,
``duplicate_id``, ``seconds_per_item`` and attention-item failures.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..checks import check_seed, draw_seed, near_columns
from ..errors import DataError
from .careless_result import CarelessResult, screening_audit  # noqa: F401  (screening_audit: importable from here)
from .indices import evenodd, irv, longstring, mahad
from .respondent_checks import attention_failures, duplicate_ids, duplicates_in_groups, pattern_groups, seconds_per_item
from .screened_items import collect_items
from .synonym_pairs import _pair_table, psychsyn

#: index columns :func:`careless` always returns, in order
INDEX_COLUMNS = ["n_items", "n_answered", "prop_missing", "longstring", "longstring_avg", "irv", "mahad",
                 "mahad_flag", "evenodd", "evenodd_n_pairs", "psychsyn", "psychsyn_r", "psychsyn_n_pairs",
                 "psychant", "psychant_n_pairs", "duplicate_pattern", "pattern_group"]


def careless(data: pd.DataFrame, instrument, columns=None, *, critval: float = 0.60,
             antonym_critval: float | None = None, confidence: float = 0.99, na_rm: bool = True,
             irv_split: int | None = None, resample_na: bool = True, seed: int | None = None, duration: str | None = None,
             attention: dict | None = None, id_column: str | None = None, warn_about=None,
             **options) -> "CarelessResult":
    """Careless-responding indices per respondent (careless 1.2.2 definitions; higher = more careless).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    instrument : str, Path, Instrument, list or dict
        One instrument (as for :func:`analysis.score`), a list of instruments or of specs
        ``{"instrument": id, "columns": ..., <quirks>}``, or a dict ``alias → spec`` (the
        ``instruments:`` block of a study file).
    columns : str, dict, list or None
        Item columns of a single instrument (a list with one entry per instrument for a list).
    critval : float
        Critical correlation for psychometric synonyms (careless default .60).
    antonym_critval : float, optional
        Critical value for antonyms (magnitude; default ``critval``).
    confidence : float
        χ² confidence of ``mahad_flag`` (careless default .99).
    na_rm : bool
        IRV over the available answers (careless default).
    irv_split : int, optional
        Also the IRV of this many consecutive chunks of the items (``irv_1`` …; careless's
        ``split = TRUE, num.split``), e.g. to see answers degrade towards the end.
    resample_na : bool
        careless's random swap of pair members when a synonym/antonym correlation is undefined
        (seeded with ``seed``).
    seed : int or numpy.random.Generator, optional
        Seed of that swap. Default None: a fresh seed is drawn and stated in ``.options["seed"]``;
        the values of the few resampled respondents repeat only with a seed (given, or that one).
    duration : str, optional
        Column with the completion time in seconds: adds ``seconds_per_item``.
    attention : dict, optional
        ``{column: instructed answer (or list)}``: adds ``attention_failed`` and one
        ``attention_<column>`` per item.
    id_column : str, optional
        Respondent id: adds ``duplicate_id`` (duplicates are reported, not refused).
    warn_about : collection of str, optional
        The indices whose "undefined for everyone" note is also issued as a warning (default: all);
        :func:`analysis.screening.screen` passes the indices its rules use. The notes are on the
        result either way.
    **options
        Dataset quirks for :func:`analysis.prepare_items` (``missing``, ``recode``, ``response``,
        ``anchors_reversed``, ``on_invalid``, …), shared by all instruments.

    Returns
    -------
    CarelessResult
        ``.indices``, a DataFrame with the same index as ``data``: ``n_items, n_answered,
        prop_missing, longstring, longstring_avg, irv, mahad, mahad_flag, evenodd, evenodd_n_pairs,
        psychsyn, psychsyn_r, psychsyn_n_pairs, psychant, psychant_n_pairs, duplicate_pattern`` (+
        the optional columns). ``psychsyn = −psychsyn_r`` where ``psychsyn_r`` is careless's value; every
        other index is careless's value. NaN only where an index is undefined; an index that is
        undefined for everyone (no synonym pairs, a single scale, a singular covariance matrix)
        is NaN with the reason in ``result.notes`` (= ``.indices.attrs["notes"]``) and a warning. ``attrs`` also hold
        ``items``, ``factors``, ``synonym_pairs``/``antonym_pairs`` (records ``var1, var2, cor``),
        ``mahad_cut``; attrs hold plain values only, so ``.indices`` joins and concatenates like any
        other table. ``.audit``: the values set to missing (see :func:`screening_audit`), kept on the
        result. The result shows ``.indices`` and passes ``result[...]``, ``.loc`` … on to it.

    Examples
    --------
    >>> from analysis import careless
    >>> from analysis.datasets import read_dataset
    >>> df = read_dataset("demo")
    >>> idx = careless(df, {"goals": {"instrument": "agq-r", "columns": "agq_{n}",
    ...                               "response": {"min": 1, "max": 7}},
    ...                     "procr": {"instrument": "pps", "columns": "pps_{n}"}}, missing=[-99], seed=1)
    >>> int(idx.loc[0, "n_items"]), float(idx.loc[0, "longstring"])
    (24, 2.0)

    The R equivalents, on the same item matrix::

        # R: careless::longstring(x, avg = TRUE); careless::irv(x); careless::mahad(x, flag = TRUE)
        # R: careless::evenodd(keyed, factors); careless::psychsyn(x, .60); careless::psychant(x, -.60)
    """
    items = collect_items(data, instrument, columns, **options)
    if id_column is not None and len(items.audit) and id_column in data.columns:
        first = int(data.attrs.get("first_row", 0)) if isinstance(data.index, pd.RangeIndex) else None
        if first is not None:  # the audit names file rows; give them their ids too
            pos = items.audit["row"].astype(int).to_numpy() - first
            items.audit["id"] = data[id_column].to_numpy()[pos]
    raw = items.raw
    values = raw.to_numpy(dtype=np.float64)
    n_items = values.shape[1]
    notes = {}
    out = pd.DataFrame(index=data.index)
    answered = (~np.isnan(values)).sum(axis=1)
    out["n_items"] = np.int64(n_items)
    out["n_answered"] = answered.astype(np.int64)
    out["prop_missing"] = (n_items - answered) / n_items
    ls = longstring(raw, avg=True)
    out["longstring"] = ls["longstring"]
    out["longstring_avg"] = ls["longstring_avg"]
    if irv_split:
        for col, chunk in irv(raw, na_rm=na_rm, split=True, num_split=irv_split).items():
            out[col] = chunk
    else:
        out["irv"] = irv(raw, na_rm=na_rm)
    try:
        md = mahad(raw, flag=True, confidence=confidence)
        out["mahad"] = md["mahad"]
        out["mahad_flag"] = md["mahad_flag"]
    except DataError as exc:
        notes["mahad"] = str(exc)
        out["mahad"] = np.nan
        out["mahad_flag"] = pd.array([pd.NA] * len(out), dtype="boolean")
    from scipy import stats

    mahad_cut = float(stats.chi2.ppf(confidence, n_items))
    lengths = [k for _, k in items.factors]
    if len(lengths) >= 2:
        eo = evenodd(items.keyed, lengths, diag=True)
        out["evenodd"] = eo["evenodd"].to_numpy()
        out["evenodd_n_pairs"] = eo["evenodd_n_pairs"].to_numpy()
    else:
        notes["evenodd"] = (f"evenodd: the even-odd index needs at least two scales; the screened items form "
                            f"{len(lengths)} ({', '.join(f for f, _ in items.factors)})")
        out["evenodd"] = np.nan
        out["evenodd_n_pairs"] = np.int64(0)
    anto = abs(critval if antonym_critval is None else antonym_critval)
    seed = check_seed(seed, "careless")
    if seed is None:  # drawn once, stated on the result, so the run can be repeated
        seed = draw_seed()
    pairs = {}
    for name, crit, is_anto in (("psychsyn", critval, False), ("psychant", anto, True)):
        try:
            ps = psychsyn(raw, crit, anto=is_anto, diag=True, resample_na=resample_na, seed=seed)
            r = ps["r"].to_numpy()
            n_pairs = ps["n_pairs"].to_numpy()
        except DataError as exc:
            notes[name] = str(exc)      # the refusal names its index (psychsyn: critval=…)
            r = np.full(len(out), np.nan)
            n_pairs = np.zeros(len(out), dtype=np.int64)
        if is_anto:
            out["psychant"] = r
        else:
            out["psychsyn"] = -r
            out["psychsyn_r"] = r
        out[f"{name}_n_pairs"] = n_pairs

        table = _pair_table(values, list(raw.columns))
        pick = table["cor"] < -abs(crit) if is_anto else table["cor"] > abs(crit)
        pairs[name] = table.loc[pick, ["var1", "var2", "cor"]].to_dict("records")
    groups = pattern_groups(raw)
    out["duplicate_pattern"] = duplicates_in_groups(groups, answered == 0).to_numpy()
    out["pattern_group"] = groups.to_numpy()
    if id_column is not None:
        if id_column not in data.columns:
            raise DataError("is not in the data", file=data.attrs.get("source"), column=id_column, item="the id column",
                            hint="Choose the column that holds the respondent ids (id_column=)." + near_columns(id_column, data))
        out["duplicate_id"] = duplicate_ids(data[id_column]).to_numpy()
    if duration is not None:
        if duration not in data.columns:
            raise DataError("is not in the data", file=data.attrs.get("source"), column=duration, item="the completion-time column",
                            hint="Name the column of completion times (duration=)." + near_columns(duration, data))
        out["seconds_per_item"] = seconds_per_item(data[duration], n_items).to_numpy()
    if attention:
        att = attention_failures(data, attention)
        for col in att.columns:
            out[col] = att[col].to_numpy()
    for key, msg in notes.items():
        if warn_about is None or key in warn_about:
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
    out.attrs = {"notes": notes, "items": list(raw.columns), "factors": items.factors,
                 "instruments": items.instruments, "synonym_pairs": pairs["psychsyn"],
                 "antonym_pairs": pairs["psychant"], "critval": abs(critval), "antonym_critval": anto,
                 "confidence": confidence, "mahad_cut": mahad_cut}
    opts = {"columns": columns, "critval": critval, "antonym_critval": antonym_critval, "confidence": confidence,
            "na_rm": na_rm, "irv_split": irv_split, "resample_na": resample_na, "seed": seed, "duration": duration,
            "attention": attention, "id_column": id_column,
            "warn_about": None if warn_about is None else sorted(warn_about), **options}
    return CarelessResult(out, items.audit.reset_index(drop=True), options=opts)
