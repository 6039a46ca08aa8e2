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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..checks import audit_table, check_data, check_numeric, check_seed, draw_seed, with_instrument
from ..errors import DataError, shown
from ..formatting.apa import Apa, apa
from ..scoring.mapping import ItemSet, _is_number, is_na_token, number_text, prepare_items
from ..results import TableResult, audit_of
from .indices import _pair_table, evenodd, irv, longstring, mahad, psychsyn
from ..checks import near_columns

#: index columns :func:`careless` always returns, in order
INDEX_COLUMNS = ["n_items", "n_answered", "prop_missing", "longstring", "longstring_avg", "irv", "mahad",
                 "mahad_flag", "evenodd", "evenodd_n_pairs", "psychsyn", "psychsyn_r", "psychsyn_n_pairs",
                 "psychant", "psychant_n_pairs", "duplicate_pattern", "pattern_group"]


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


def screening_audit(result) -> pd.DataFrame:
    """Values set to missing while preparing the screened items: ``row, id, instrument, column,
    item, value, reason`` (from a :func:`careless` or :func:`analysis.screen` result).

    A plain DataFrame (``result.indices``, or a table joined from it) carries no audit: that is an
    error, not an empty audit.

    Examples
    --------
    >>> from analysis import careless
    >>> from analysis.datasets import read_dataset
    >>> res = careless(read_dataset("demo"), "pps", "pps_{n}", missing=[-99], seed=1)
    >>> screening_audit(res).columns.tolist()
    ['row', 'id', 'instrument', 'column', 'item', 'value', 'reason']

    # R: no equivalent (the values R would read as NA: which(x == -99, arr.ind = TRUE))
    """
    return audit_of(result).copy()


class CarelessResult(TableResult):
    """The careless indices (``.indices``, one row per input row) and the audit (``.audit``).

    ``.indices.attrs`` keep the plain metadata (``notes``, ``items``, ``factors``,
    ``synonym_pairs``, ``antonym_pairs``, ``critval``, ``mahad_cut`` …); the audit of values set
    to missing (``row, id, instrument, column, item, value, reason``) is kept on the result only,
    where no join or concat can drop it. Like :class:`analysis.ScoreResult` the result shows its
    table in a notebook and passes ``result[...]``, ``.loc``, ``.columns``, ``.attrs`` … on to
    ``.indices``; use ``result.indices`` with ``pd.concat`` / ``DataFrame.join``.

    ``table()`` is ``.indices``, ``summary()`` one row per index (n, mean, SD, range), ``apa()``
    the sentence, ``n`` the respondents, ``options`` the options it ran with (``seed`` included).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import careless
    >>> res = careless(read_dataset("demo"), "pps", "pps_{n}", missing=[-99], seed=1)
    >>> res.n, res.summary()["index"].tolist()[:3]
    (400, ['longstring', 'longstring_avg', 'irv'])

    # R: careless::longstring(x, avg = TRUE); careless::irv(x); careless::mahad(x, flag = TRUE)
    """

    _table_name = "indices"

    def __init__(self, indices: pd.DataFrame, audit: pd.DataFrame, options: dict | None = None):
        self.indices = indices
        self.audit = audit
        self.options = dict(options or {})

    @property
    def n(self) -> int:
        return len(self.indices)

    @property
    def notes(self) -> dict:
        """Why an index is undefined for everyone (``{index: message}``)."""
        return self.indices.attrs.get("notes", {})

    def summary(self) -> pd.DataFrame:
        """Per index: ``index, n, mean, sd, min, max`` over the respondents where it is defined."""
        rows = []
        for col in ("longstring", "longstring_avg", "irv", "mahad", "evenodd", "psychsyn", "psychant",
                    "prop_missing", "seconds_per_item"):
            if col in self.indices:
                x = pd.to_numeric(self.indices[col], errors="coerce")
                rows.append({"index": col, "n": int(x.notna().sum()), "mean": x.mean(), "sd": x.std(ddof=1),
                             "min": x.min(), "max": x.max()})
        return pd.DataFrame(rows, columns=["index", "n", "mean", "sd", "min", "max"])

    r_call = ("careless::longstring(x, avg = TRUE); careless::irv(x); careless::mahad(x, flag = TRUE); "
              "careless::evenodd(keyed, factors); careless::psychsyn(x, critval); careless::psychant(x, -critval)")


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


# ---------------------------------------------------------------------------------------------
# indices that need more than the item answers
def duplicated_mask(values, keep="all") -> np.ndarray:
    """Rows equal to another row (``keep='all'``: every member of a group; ``'first'``/``'last'``:
    all but the first / last of each group; ``'none'``: all members). Missing equals missing."""
    frame = pd.DataFrame(values)
    if keep in ("all", "none"):
        return frame.duplicated(keep=False).to_numpy()
    return frame.duplicated(keep=keep).to_numpy()


def pattern_groups(raw: pd.DataFrame) -> pd.Series:
    """Group number (1, 2, … in order of first appearance) of respondents who share their whole
    answer pattern (every item, missing included) with someone else; NA for unique patterns and
    for respondents without any answer."""
    empty = raw.isna().all(axis=1).to_numpy()
    codes = raw.groupby(list(raw.columns), dropna=False, sort=False).ngroup().to_numpy()
    codes = np.where(empty, -1, codes)
    counts = pd.Series(codes).value_counts()
    shared = np.isin(codes, counts.index[(counts > 1).to_numpy()]) & ~empty
    renum = pd.Series(pd.factorize(pd.Series(codes).where(shared))[0] + 1).where(shared)
    return pd.Series(pd.array(renum, dtype="Int64"), index=raw.index, name="pattern_group")


def duplicate_patterns(raw: pd.DataFrame, keep="all") -> pd.Series:
    """Respondents whose answer pattern (every item, missing included) equals another's.

    ``keep='all'`` marks every member of a group, ``'first'``/``'last'`` all but the first/last,
    ``'none'`` every member. Respondents without any answer are NA (no pattern to compare).
    """
    return duplicates_in_groups(pattern_groups(raw), raw.isna().all(axis=1), keep).rename("duplicate_pattern")


def duplicates_in_groups(groups: pd.Series, undefined, keep="all") -> pd.Series:
    """Members of duplicate groups (``groups``: group number or NA) to flag under ``keep``."""
    g = groups.astype("Int64")
    member = g.notna().to_numpy()
    if keep in ("all", "none"):
        dup = member
    else:
        dup = member & g.astype("float").duplicated(keep=keep).to_numpy()
    out = pd.array(np.where(np.asarray(undefined, dtype=bool), pd.NA, dup), dtype="boolean")
    return pd.Series(out, index=groups.index)


def duplicate_ids(ids: pd.Series, keep="all") -> pd.Series:
    """Respondents whose id occurs more than once (NA where the id is missing)."""
    dup = duplicated_mask(ids.to_numpy(dtype=object), keep)
    out = pd.array(np.where(ids.isna().to_numpy(), pd.NA, dup), dtype="boolean")
    return pd.Series(out, index=ids.index, name="duplicate_id")


def seconds_per_item(duration: pd.Series, n_items: int, unit: str = "seconds") -> pd.Series:
    """Completion time per item in seconds (NaN where the time is missing)."""
    scale = {"seconds": 1.0, "minutes": 60.0, "milliseconds": 0.001}[unit]
    # NA, N/A, NULL, … : no time recorded; the frame of a column keeps the file's attrs (source, first row)
    values = check_numeric(duration.to_frame(), [duration.name], "completion time",
                           hint=f"give the completion time in {unit} as a number")[duration.name]
    return (values.astype(float) * scale / n_items).rename("seconds_per_item")


def attention_failures(data: pd.DataFrame, expect: dict, missing_fails: bool = True) -> pd.DataFrame:
    """One boolean column ``attention_<column>`` per instructed-response item, True = failed.

    ``expect`` maps a column to the instructed answer or a list of accepted answers. A missing
    answer fails when ``missing_fails`` (an instruction was not followed). ``attention_failed``
    counts the failures.
    """
    out = {}
    for col, want in expect.items():
        if col not in data.columns:
            raise DataError(f"is not in the data (columns: {', '.join(map(str, list(data.columns)[:12]))}"
                            f"{'…' if data.shape[1] > 12 else ''})", file=data.attrs.get("source"), column=col,
                            item="the attention item", hint="Name the column that holds the attention item." + near_columns(col, data))
        accepted = list(want) if isinstance(want, (list, tuple, set)) else [want]
        s = data[col]
        acc_num = [float(a) for a in accepted if _is_number(a)]
        acc_txt = {str(a).strip().lower() for a in accepted}
        text = s.astype("string").str.strip()
        folded = text.map(lambda t: number_text(t) if isinstance(t, str) else None, na_action="ignore")
        num = pd.to_numeric(folded, errors="coerce")
        if len(acc_num) == len(accepted):
            # a numeric expected answer: a text cell is refused, never counted as a failure unseen
            words = (s.notna() & num.isna() & ~text.map(is_na_token, na_action="ignore").fillna(False).astype(bool)
                     & (text != "").fillna(False))
            if words.any():
                _refuse_text_answers(data, col, s, words, accepted)
        ok = num.isin(acc_num) | text.str.lower().isin(acc_txt).fillna(False)
        failed = ~ok.to_numpy(dtype=bool)
        if not missing_fails:
            failed &= s.notna().to_numpy()
        out[f"attention_{col}"] = failed
    frame = pd.DataFrame(out, index=data.index)
    frame.insert(0, "attention_failed", frame.sum(axis=1).astype(np.int64))
    return frame


def _refuse_text_answers(data, col, s, words, accepted) -> None:
    """An attention item whose expected answer is a number holds text: name the cells and the choices."""
    from ..io.readers import row_label

    pos = np.flatnonzero(words.to_numpy(dtype=bool))
    first = s.iloc[pos[0]]
    distinct = list(dict.fromkeys(str(v) for v in s.iloc[pos]))
    want = ", ".join(f"{a:g}" if isinstance(a, float) else str(a) for a in accepted)
    others = (f" {len(pos) - 1} more cell(s) hold text too ({'; '.join(shown(v) for v in distinct[1:6])}"
              f"{'…' if len(distinct) > 6 else ''})." if len(pos) > 1 else "")
    raise DataError(
        f"the expected answer is the number {want}, but this cell is text, so it cannot be compared with it."
        f"{others}", file=data.attrs.get("source"), row=row_label(data, data.index[pos[0]]), column=col, value=first,
        within="attention item",
        hint=f"Recode the column to numbers, or list the texts that count as the expected answer with it (expect: "
             f"[{want}, {shown(first)}], or {col}={want},{first} on the command line); texts are then compared as "
             f"text, ignoring letter case.")


# ---------------------------------------------------------------------------------------------
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


@apa.register
def _apa_careless(result: CarelessResult) -> Apa:
    """APA sentence of the careless indices: who, over how many items, and what was set to missing."""
    ind = result.indices
    n_items = int(ind["n_items"].iloc[0]) if len(ind) else 0
    k = len(result.audit)
    text = (f"Careless-responding indices of {result.n} respondents over {n_items} items"
            f" ({', '.join(ind.attrs.get('instruments', []))}); "
            f"{k} value{'s were' if k != 1 else ' was'} set to missing before screening.")
    return Apa(estimate=f"N = {result.n}", statistic="", full_result=text, table=result.summary())

