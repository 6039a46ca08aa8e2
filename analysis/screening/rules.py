"""Applying exclusion rules: flags for every rule × respondent and the exclusion flow.

The rules are declared in YAML (the format: :mod:`analysis.screening.rule_schema`) and applied in
the order written. A respondent whose index is undefined (NaN) is not flagged by that rule; the
flow counts such respondents in ``n_undefined``. Nothing is dropped: :func:`apply_rules` returns
every input row with one boolean column per rule, ``excluded`` and ``excluded_by`` (the first
excluding rule). :func:`screen` computes the careless indices and applies the rules in one call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import audit_table, near_columns
from ..errors import DataError
from .careless_result import CarelessResult
from .respondent_checks import attention_failures, duplicate_ids, duplicates_in_groups, seconds_per_item
# RULE_NAMES, index_options, load_rules, parse_rules: also importable from here, as before the split
from .rule_schema import (RULE_NAMES, AttentionRule, DuplicateIdRule, DuplicatePatternRule,  # noqa: F401
                          EvenoddRule, IrvRule, LongstringRule, MahadRule, MissingRule, PsychantRule, PsychsynRule,
                          ResponseTypeRule, SpeedRule, _as_rules, _looks_like_rules, _rule_spec, index_options,
                          load_rules, parse_rules)
from .screening_result import ScreeningResult


def _flag(values, cond) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=float)
    undefined = np.isnan(v)
    with np.errstate(invalid="ignore"):
        hit = cond(v)
    return np.where(undefined, False, hit), undefined


def _source(data):
    """The file the data (or the screening table made from them) were read from, if known."""
    return None if data is None else data.attrs.get("source")


def _column(indices, name, rule, notes):
    if name not in indices.columns:
        raise DataError("is not in the screening table", file=_source(indices), column=name, within=f"rule '{rule}'",
                        hint="Compute the indices with careless() (or screen()) before applying the rule.")
    col = indices[name]
    if col.isna().all() and len(col):
        why = notes.get(name) or notes.get(name.split("_")[0])
        raise DataError("is undefined for every respondent" + (f" ({why})" if why else "")
                        + ", so the rule cannot be applied", file=_source(indices), column=name, within=f"rule '{rule}'",
                        hint="Leave the rule out, or give the items it needs.")
    return col.to_numpy(dtype=float, na_value=np.nan)


def _evaluate(rule, indices, data, id_column, notes) -> tuple[np.ndarray, np.ndarray, dict]:
    """(flagged, undefined, extra index columns) of one rule."""
    n = len(indices)
    none = np.zeros(n, dtype=bool)
    extra = {}
    if isinstance(rule, ResponseTypeRule):
        from ..io.readers import qualtrics_response_type
        kind = None if data is None else qualtrics_response_type(data, rule.column)
        if kind is None:
            raise DataError("is not in the data", file=_source(data), column=rule.column, within="rule 'response_type'",
                            hint="Name the column that holds the export's response type (column: in the rule)."
                                 + ("" if data is None else near_columns(rule.column, data)))
        extra = {"response_type": kind.to_numpy()}
        return kind.isin(rule.types()).to_numpy(), none, extra
    if isinstance(rule, AttentionRule):
        if data is None:
            raise DataError("holds no data, but the attention items are in it", argument="data", value=None,
                            within="rule 'attention'", hint="Pass the data to screen() with the indices.")
        att = attention_failures(data, rule.expected(), missing_fails=rule.missing_fails)
        extra = {c: att[c].to_numpy() for c in att.columns}
        return att["attention_failed"].to_numpy() > rule.max_failed, none, extra
    if isinstance(rule, SpeedRule):
        if data is None or rule.column not in data.columns:
            raise DataError("is not in the data", file=_source(data), column=rule.column, within="rule 'speed'",
                            item="the completion-time column",
                            hint="Name the column of completion times (column: in the rule), and pass the data."
                                 + ("" if data is None else near_columns(rule.column, data)))
        n_items = rule.n_items or (int(indices["n_items"].iloc[0]) if len(indices) else 1)
        spi = seconds_per_item(data[rule.column], n_items, rule.unit).to_numpy()
        extra = {"seconds_per_item": spi}
        conds = []
        if rule.min_seconds_per_item is not None:
            conds.append(lambda v: v < rule.min_seconds_per_item)
        if rule.min_seconds is not None:
            conds.append(lambda v: v * n_items < rule.min_seconds)
        return (*_flag(spi, lambda v: np.logical_or.reduce([c(v) for c in conds])), extra)
    if isinstance(rule, LongstringRule):
        flagged, undefined = none.copy(), none.copy()
        for name, lim in (("longstring", rule.max), ("longstring_avg", rule.max_avg)):
            if lim is not None:
                f, u = _flag(_column(indices, name, "longstring", notes), lambda v: v > lim)
                flagged |= f
                undefined |= u
        return flagged, undefined, extra
    if isinstance(rule, IrvRule):
        lo, hi = rule.min, rule.max
        return (*_flag(_column(indices, "irv", "irv", notes),
                       lambda v: ((v < lo) if lo is not None else False) | ((v > hi) if hi is not None else False)), extra)
    if isinstance(rule, MahadRule):
        from scipy import stats

        d2 = _column(indices, "mahad", "mahad", notes)
        cut = rule.max if rule.max is not None else stats.chi2.ppf(rule.confidence or 0.99, int(indices["n_items"].iloc[0]))
        return (*_flag(d2, lambda v: v > cut), extra)
    if isinstance(rule, EvenoddRule):
        return (*_flag(_column(indices, "evenodd", "evenodd", notes), lambda v: v > rule.max), extra)
    if isinstance(rule, PsychsynRule):
        return (*_flag(_column(indices, "psychsyn_r", "psychsyn", notes), lambda v: v < rule.min_r), extra)
    if isinstance(rule, PsychantRule):
        return (*_flag(_column(indices, "psychant", "psychant", notes), lambda v: v > rule.max_r), extra)
    if isinstance(rule, MissingRule):
        return (*_flag(_column(indices, "prop_missing", "missing", notes), lambda v: v > rule.max_proportion), extra)
    if isinstance(rule, DuplicateIdRule):
        col = rule.column or id_column
        if col is None:
            raise DataError("names no id column", argument="id_column", value=None, within="rule 'duplicate_id'",
                            hint="give column: in the rule or id_column=")
        if data is None or col not in data.columns:
            raise DataError("is not in the data", file=_source(data), column=col, item="the id column",
                            within="rule 'duplicate_id'", hint="Name the column that holds the respondent ids." + ("" if data is None else near_columns(col, data)))
        dup = duplicate_ids(data[col], keep=rule.keep)
        return dup.fillna(False).to_numpy(dtype=bool), dup.isna().to_numpy(), extra
    if isinstance(rule, DuplicatePatternRule):
        if "pattern_group" not in indices.columns:
            raise DataError("is not in the screening table", file=_source(indices), column="pattern_group",
                            within="rule 'duplicate_pattern'",
                            hint="Compute the indices with analysis.careless(), which adds it.")
        undefined = (indices["n_answered"] == 0).to_numpy()
        dup = duplicates_in_groups(indices["pattern_group"], undefined, keep=rule.keep)
        return dup.fillna(False).to_numpy(dtype=bool), undefined, extra
    raise AssertionError(f"unknown rule {rule!r}")  # pragma: no cover (the rule schema admits no other)


def apply_rules(indices: pd.DataFrame, rules, data: pd.DataFrame | None = None,
                id_column: str | None = None) -> ScreeningResult:
    """Apply exclusion rules in order: flags for every rule × respondent and the exclusion flow.

    Parameters
    ----------
    indices : CarelessResult or DataFrame
        The output of :func:`analysis.careless` (its audit is passed on to the result), or its
        ``.indices`` table (one row per respondent).
    rules : list, dict, str or Path
        Parsed rules, a rules mapping/list (see :mod:`analysis.screening.rule_schema`) or a rules file.
    data : DataFrame, optional
        The responses (same index), for rules that read columns: attention, speed, duplicate_id.
    id_column : str, optional
        Default id column of the ``duplicate_id`` rule.

    Returns
    -------
    ScreeningResult
        ``.flags`` (= ``.table()``, every input row, nothing dropped), ``.flow`` (= ``.summary()``,
        ``step, rule, n_before, n_excluded, n_after`` …), ``.apa()``, ``.figure(path)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import careless, apply_rules
    >>> df = pd.DataFrame({f"AGQ_{n}": [5, 4, 3, 3, 2, 4] for n in range(1, 13)})
    >>> df.loc[1] = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]
    >>> res = apply_rules(careless(df, "agq-r", columns="AGQ_{n}", seed=1), {"longstring": {"max": 10}})
    >>> res.flow[["rule", "n_before", "n_excluded", "n_after"]].values.tolist()
    [['longstring', 6, 5, 1]]

    # R: flags <- data.frame(longstring = careless::longstring(x) > 10)
    """
    rules = _as_rules(rules)
    audit = getattr(indices, "audit", None)
    careless_options = {}
    if isinstance(indices, CarelessResult):
        careless_options = dict(indices.options)
        indices = indices.indices
    if data is not None and len(data) != len(indices):
        raise DataError(f"has {len(data)} rows but the screening table {len(indices)}", argument="data",
                        value=f"{len(data)} rows", hint="Pass the data the indices were computed from.")
    notes = indices.attrs.get("notes", {})
    flags = indices.copy()
    excluded = np.zeros(len(indices), dtype=bool)
    excluded_by = np.full(len(indices), None, dtype=object)
    rows, used = [], {}
    for step, rule in enumerate(rules, 1):
        used[rule.rule] = used.get(rule.rule, 0) + 1
        name = rule.rule if used[rule.rule] == 1 else f"{rule.rule}_{used[rule.rule]}"
        flagged, undefined, extra = _evaluate(rule, indices, data, id_column, notes)
        for col, values in extra.items():
            flags[col] = values
        flags[f"flag_{name}"] = flagged
        n_before = int((~excluded).sum())
        new = flagged & ~excluded if rule.exclude else np.zeros_like(flagged)
        excluded_by[new] = name
        excluded |= new
        rows.append({"step": step, "rule": name, "description": rule.label or rule.describe(),
                     "exclude": rule.exclude, "n_before": n_before, "n_flagged": int(flagged.sum()),
                     "n_undefined": int(undefined.sum()), "n_excluded": int(new.sum()),
                     "n_after": int((~excluded).sum())})
    flags["excluded"] = excluded
    flags["excluded_by"] = pd.array(excluded_by, dtype="string")
    flow = pd.DataFrame(rows, columns=["step", "rule", "description", "exclude", "n_before", "n_flagged",
                                       "n_undefined", "n_excluded", "n_after"])
    flow.attrs = {"n_received": len(indices), "n_analysed": int((~excluded).sum())}
    if not isinstance(audit, pd.DataFrame):
        audit = audit_table([], instrument=True)
    options = {"rules": [_rule_spec(r) for r in rules], "id_column": id_column,
               **{k: v for k, v in careless_options.items() if k != "id_column"}}
    return ScreeningResult(flags=flags, flow=flow, rules=list(rules), audit=audit, options=options)


def screen(data: pd.DataFrame, instrument, columns=None, *, rules=None, id_column: str | None = None,
           **options) -> ScreeningResult:
    """Compute the careless indices of ``instrument`` and apply ``rules`` in one call.

    The arguments come in the order of :func:`analysis.score` and :func:`analysis.careless`:
    ``data, instrument, columns``; ``rules`` is named (``rules=``).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    instrument : str, Path, Instrument, list or dict
        As for :func:`analysis.careless` (one instrument, a list, or ``alias → spec``).
    columns : str, dict, list or None
        Item columns of a single instrument (``"agq_{n}"``), as for :func:`analysis.careless`.
    rules : list, dict, str or Path
        As for :func:`apply_rules` (a rules mapping, a list of rules or a rules file); keyword-only.
        The old order ``screen(data, instrument, rules, columns)`` had its release of warnings and
        is refused now: rules given as ``columns`` stop with a message naming ``rules=``.
    id_column : str, optional
        Respondent id (for ``duplicate_id``).
    **options
        Go to :func:`analysis.careless` (``missing``, ``response``, ``seed`` …); the critical
        values of psychsyn/psychant rules and the confidence of a mahad rule are passed on too.

    Returns
    -------
    ScreeningResult

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.screening import screen
    >>> demo = read_dataset("demo")
    >>> res = screen(demo, {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}}},
    ...              rules={"attention": {"column": "att_1", "expect": 4}}, missing=[-99], seed=1)
    >>> res.n_received, res.n_analysed
    (400, 390)

    # R: analysed <- demo$att_1 %in% 4   (careless::longstring(x) … for the index rules)
    """
    from .careless_responding import careless

    if columns is not None and _looks_like_rules(columns):   # the old order, rules third: no guessing now
        raise DataError("looks like screening rules, not item columns", argument="columns", value=columns,
                        within="screen()", hint="pass the rules by name: screen(data, instrument, columns, rules=...)")
    rules = _as_rules(rules)
    # a note on an index no rule uses (e.g. no antonym pairs when no psychant rule is declared) stays on
    # the result, unspoken: the run warns only about what the study asked for
    opts = {"warn_about": {r.rule for r in rules}, **index_options(rules), **options}
    indices = careless(data, instrument, columns, id_column=id_column, **opts)
    return apply_rules(indices, rules, data=data, id_column=id_column)
