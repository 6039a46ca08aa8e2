"""Exclusion rules declared by the user, the flags table and the exclusion flow.

Rules are written in YAML, in a rules file or in the ``screening:`` block of a study file (the
same format), and applied in the order written::

    screening:
      attention:  {column: att_1, expect: 4}            # instructed-response item(s)
      speed:      {column: duration_s, min_seconds_per_item: 2}
      longstring: {max: 10}                             # longest run of identical answers
      mahad:      {confidence: .99}                     # D² above the χ² quantile
      missing:    {max_proportion: .5}

A list of one-rule mappings is accepted too (``- longstring: {max: 10}``), which allows the same
rule twice. Every rule takes ``exclude: false`` to flag without excluding, and ``label:`` for
the flow. The rules (a threshold flags values strictly beyond it):

``attention``
    ``column`` + ``expect`` (the instructed answer, or a list of accepted answers), or
    ``columns: {att_1: 4, att_2: [1, 2]}``; ``max_failed`` (0); ``missing_fails`` (true).
    Flags more than ``max_failed`` failed items.
``speed``
    ``column`` (completion time); ``min_seconds_per_item`` and/or ``min_seconds``; ``unit``
    (seconds | minutes | milliseconds); ``n_items`` (default: the screened items). Flags faster.
``longstring``
    ``max`` (longest run of identical answers) and/or ``max_avg`` (mean run length).
``irv``
    ``min`` (straight-lining) and/or ``max`` (random answering): the SD of a person's answers.
``mahad``
    ``confidence`` (default .99: D² above the χ² quantile with as many df as items) or ``max``.
``evenodd``
    ``max`` on careless's scale (−1 consistent … 1 inconsistent).
``psychsyn``
    ``min_r``: flags a synonym correlation below it; ``critval`` (.60) picks the pairs.
``psychant``
    ``max_r``: flags an antonym correlation above it; ``critval`` (.60) picks the pairs.
``missing``
    ``max_proportion`` of unanswered items.
``duplicate_id``
    ``column`` (default: the id column); ``keep``: first | last | none.
``duplicate_pattern``
    ``keep``: first | last | none (identical answers to every item, missing included).

A respondent whose index is undefined (NaN) is not flagged by that rule; the flow counts such
respondents in ``n_undefined``. Nothing is dropped: :func:`apply_rules` returns every input row
with one boolean column per rule, ``excluded`` and ``excluded_by`` (the first excluding rule).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal, Union

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from ..checks import near_columns
from ..checks import audit_table
from ..errors import UNSET, DataError
from ..formatting.apa import Apa, apa
from ..io.yamlfile import load_yaml, validate
from ..results import Result
from .careless_responding import (CarelessResult, attention_failures, duplicate_ids, duplicates_in_groups,
                       seconds_per_item)

Number = Union[int, float]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    exclude: bool = Field(True, description="false: flag only, keep the respondent in the analysis")
    label: str | None = Field(None, description="text for the flow table and figure")


class AttentionRule(_Rule):
    rule: Literal["attention"] = "attention"
    column: str | None = None
    expect: Number | str | list[Number | str] | None = None
    columns: dict[str, Number | str | list[Number | str]] | None = None
    max_failed: int = Field(0, ge=0)
    missing_fails: bool = True

    @model_validator(mode="after")
    def _check(self):
        if self.columns is None and (self.column is None or self.expect is None):
            raise ValueError("give 'column' and 'expect' (e.g. {column: att_1, expect: 4}) or 'columns: {att_1: 4}'")
        if self.columns is not None and self.column is not None:
            raise ValueError("give either 'column' + 'expect' or 'columns', not both")
        return self

    def expected(self) -> dict:
        return dict(self.columns) if self.columns is not None else {self.column: self.expect}

    def describe(self) -> str:
        items = ", ".join(f"{c} = {v}" for c, v in self.expected().items())
        return f"failed attention check ({items})" + (f", more than {self.max_failed}" if self.max_failed else "")


class _Thresholds(_Rule):
    """A rule with several optional thresholds, at least one of which must be given."""

    _parts: ClassVar[dict] = {}      # field -> description template
    _title: ClassVar[str] = ""
    _hint: ClassVar[str] = ""

    @model_validator(mode="after")
    def _check(self):
        if all(getattr(self, f) is None for f in self._parts):
            raise ValueError(self._hint)
        return self

    def describe(self) -> str:
        parts = [t.format(getattr(self, f)) for f, t in self._parts.items() if getattr(self, f) is not None]
        return f"{self._title} (" + " or ".join(parts) + ")"


class SpeedRule(_Thresholds):
    rule: Literal["speed"] = "speed"
    column: str
    min_seconds_per_item: float | None = Field(None, gt=0)
    min_seconds: float | None = Field(None, gt=0)
    unit: Literal["seconds", "minutes", "milliseconds"] = "seconds"
    n_items: int | None = Field(None, ge=1)
    _parts: ClassVar[dict] = {"min_seconds_per_item": "< {:g} s per item", "min_seconds": "< {:g} s in total"}
    _title: ClassVar[str] = "too fast"
    _hint: ClassVar[str] = "give min_seconds_per_item (e.g. 2) and/or min_seconds"


class LongstringRule(_Thresholds):
    rule: Literal["longstring"] = "longstring"
    max: int | None = Field(None, ge=1)
    max_avg: float | None = Field(None, gt=0)
    _parts: ClassVar[dict] = {"max": "longest run > {}", "max_avg": "mean run > {:g}"}
    _title: ClassVar[str] = "straight-lining"
    _hint: ClassVar[str] = "give max (longest run of identical answers, e.g. 10) and/or max_avg"


class IrvRule(_Thresholds):
    rule: Literal["irv"] = "irv"
    min: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)
    _parts: ClassVar[dict] = {"min": "IRV < {:g}", "max": "IRV > {:g}"}
    _title: ClassVar[str] = "response variability"
    _hint: ClassVar[str] = "give min (low variability: straight-lining) and/or max (high: random answers)"


class MahadRule(_Rule):
    rule: Literal["mahad"] = "mahad"
    confidence: float | None = Field(None, gt=0, lt=1)
    max: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _check(self):
        if self.confidence is not None and self.max is not None:
            raise ValueError("give either confidence (χ² cut) or max (a D² value), not both")
        return self

    def describe(self) -> str:
        if self.max is not None:
            return f"multivariate outlier (D² > {self.max:g})"
        return f"multivariate outlier (D² above the {100 * (self.confidence or .99):g}% χ² quantile)"


class EvenoddRule(_Rule):
    rule: Literal["evenodd"] = "evenodd"
    max: float = Field(ge=-1, le=1)

    def describe(self) -> str:
        return f"inconsistent even-odd halves (evenodd > {self.max:g})"


class PsychsynRule(_Rule):
    rule: Literal["psychsyn"] = "psychsyn"
    min_r: float = Field(ge=-1, le=1)
    critval: float = Field(0.60, gt=0, lt=1)

    def describe(self) -> str:
        return f"psychometric synonyms r < {self.min_r:g}"


class PsychantRule(_Rule):
    rule: Literal["psychant"] = "psychant"
    max_r: float = Field(ge=-1, le=1)
    critval: float = Field(0.60, gt=0, lt=1)

    def describe(self) -> str:
        return f"psychometric antonyms r > {self.max_r:g}"


class MissingRule(_Rule):
    rule: Literal["missing"] = "missing"
    max_proportion: float = Field(ge=0, lt=1)

    def describe(self) -> str:
        return f"more than {self.max_proportion:.0%} of items unanswered"


class DuplicateIdRule(_Rule):
    rule: Literal["duplicate_id"] = "duplicate_id"
    column: str | None = None
    keep: Literal["first", "last", "none"] = "first"

    def describe(self) -> str:
        return "duplicate id" + ("" if self.keep == "none" else f" (the {self.keep} kept)")


class DuplicatePatternRule(_Rule):
    rule: Literal["duplicate_pattern"] = "duplicate_pattern"
    keep: Literal["first", "last", "none"] = "first"

    def describe(self) -> str:
        return "duplicate answer pattern" + ("" if self.keep == "none" else f" (the {self.keep} kept)")


class ResponseTypeRule(_Rule):
    """Rows that are not answers of real respondents by the export's own account: Qualtrics's
    ``Status`` column (Survey Preview, Survey Test, Spam, …; see
    :func:`analysis.io.readers.qualtrics_response_type`)."""

    rule: Literal["response_type"] = "response_type"
    column: str = "Status"
    exclude_types: list[str] | None = None       # default: QUALTRICS_NOT_RESPONDENTS

    def types(self) -> list[str]:
        from ..io.readers import QUALTRICS_NOT_RESPONDENTS
        return list(self.exclude_types) if self.exclude_types is not None else sorted(QUALTRICS_NOT_RESPONDENTS)

    def describe(self) -> str:
        return f"not a respondent ({self.column}: {', '.join(self.types())})"


Rule = Annotated[Union[ResponseTypeRule, AttentionRule, SpeedRule, LongstringRule, IrvRule, MahadRule, EvenoddRule,
                       PsychsynRule, PsychantRule, MissingRule, DuplicateIdRule, DuplicatePatternRule],
                 Field(discriminator="rule")]
RULE_NAMES = ["response_type", "attention", "speed", "longstring", "irv", "mahad", "evenodd", "psychsyn", "psychant",
              "missing", "duplicate_id", "duplicate_pattern"]
_ADAPTER = TypeAdapter(Rule)


def parse_rules(spec, source: str = "rules", *, file=None, field=None) -> list:
    """Validate rules given as a mapping ``{rule: fields}``, a list of one-rule mappings, or a
    mapping with a ``screening:`` block (a study file). Errors name the rule and the field.

    ``file`` is the file the rules were read from (a rules file, a study file) and ``field`` the entry
    that holds them (``"screening"`` in a study file); a refusal names both, and ``source`` (the
    words for rules given in code or by flags) where there is no file.

    Examples
    --------
    >>> [r.describe() for r in parse_rules({"longstring": {"max": 10}, "missing": {"max_proportion": .5}})]
    ['straight-lining (longest run > 10)', 'more than 50% of items unanswered']
    >>> parse_rules({"longstrng": {"max": 10}}, file="rules.yaml")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: file 'rules.yaml', field 'longstrng': unknown rule 'longstrng' (did you mean 'longstring'?). Name one of the rules: response_type, attention, speed, longstring, irv, mahad, evenodd, psychsyn, psychant, missing, duplicate_id, duplicate_pattern.

    # R: no equivalent (the rules become flags, see ScreeningResult.r_call)
    """
    def refusal(problem, entry, hint, value=UNSET):
        """A refusal of the rules' ``entry`` (its path under ``field``; None: the rules as a whole)."""
        path = ".".join(str(p) for p in (field, entry) if p is not None) or None
        return DataError(problem, file=file, field=path, value=value, hint=hint, within=None if file else source)

    if spec is None:
        return []
    if isinstance(spec, dict) and ("screening" in spec or "instruments" in spec):  # a study file
        spec = spec.get("screening") or {}
        field = field or "screening"
    if isinstance(spec, dict):
        entries = list(spec.items())
    elif isinstance(spec, list):
        entries = []
        for k, item in enumerate(spec, 1):
            if not isinstance(item, dict) or len(item) != 1:
                raise refusal(f"entry {k} must be one rule", None, "Write each entry as one rule with its "
                              "fields, e.g. '- longstring: {max: 10}'.")
            entries.extend(item.items())
    else:
        raise refusal("the rules must be a mapping (rule: fields) or a list of rules", None,
                      "Write one rule per line with its fields, e.g. 'longstring: {max: 10}'.")
    rules = []
    for name, fields in entries:
        if name not in RULE_NAMES:
            import difflib

            near = difflib.get_close_matches(str(name), RULE_NAMES, n=1)
            raise refusal(f"unknown rule '{name}'" + (f" (did you mean '{near[0]}'?)" if near else ""), name,
                          f"Name one of the rules: {', '.join(RULE_NAMES)}.")
        if fields is None:
            fields = {}
        if not isinstance(fields, dict):
            raise refusal(f"rule '{name}' needs fields", name, f"Give its fields as a mapping, e.g. {name}: {{...}}.",
                          value=fields)
        rules.append(validate(_ADAPTER, {**fields, "rule": name}, f"{source}: rule '{name}'", DataError,
                              limit=3, skip=1))
    return rules


def load_rules(path) -> list:
    """Read a rules file (YAML; a study file's ``screening:`` block works too).

    Examples
    --------
    >>> from analysis.datasets import study_path
    >>> [r.rule for r in load_rules(study_path("demo"))]
    ['attention', 'speed', 'longstring', 'mahad']

    # R: rules <- yaml::read_yaml("study.yaml")$screening
    """
    p = Path(path)
    spec = load_yaml(p, "rules file", DataError)
    return parse_rules(spec, source=f"rules file '{p}'", file=str(p))


def index_options(rules) -> dict:
    """Keyword arguments of :func:`analysis.careless` that the rules imply (critical values, the
    χ² confidence of ``mahad_flag``)."""
    opts = {}
    for rule in rules:
        if isinstance(rule, PsychsynRule):
            opts["critval"] = rule.critval
        elif isinstance(rule, PsychantRule):
            opts["antonym_critval"] = rule.critval
        elif isinstance(rule, MahadRule) and rule.confidence is not None:
            opts["confidence"] = rule.confidence   # mahad_flag then agrees with the rule
    return opts


# ---------------------------------------------------------------------------------------------
def _r_num(x) -> str:
    return f"{x:g}" if isinstance(x, (int, float)) else '"' + str(x) + '"'


def _r_rule(rule, id_column) -> str:
    """The R expression of one rule's flag (``x``: the item matrix, ``d``: the data frame)."""
    if isinstance(rule, ResponseTypeRule):
        return f"d${rule.column} %in% c({', '.join(_r_num(t) for t in rule.types())})"
    if isinstance(rule, AttentionRule):
        fails = " + ".join(f"!(d${c} %in% c({', '.join(_r_num(v) for v in (w if isinstance(w, list) else [w]))}))"
                           for c, w in rule.expected().items())
        return f"({fails}) > {rule.max_failed}"
    if isinstance(rule, SpeedRule):
        parts = []
        if rule.min_seconds_per_item is not None:
            parts.append(f"d${rule.column} / ncol(x) < {_r_num(rule.min_seconds_per_item)}")
        if rule.min_seconds is not None:
            parts.append(f"d${rule.column} < {_r_num(rule.min_seconds)}")
        return " | ".join(parts)
    if isinstance(rule, LongstringRule):
        parts = []
        if rule.max is not None:
            parts.append(f"careless::longstring(x) > {rule.max}")
        if rule.max_avg is not None:
            parts.append(f"careless::longstring(x, avg = TRUE)$avgstr > {_r_num(rule.max_avg)}")
        return " | ".join(parts)
    if isinstance(rule, IrvRule):
        parts = ([f"careless::irv(x) < {_r_num(rule.min)}"] if rule.min is not None else []) + \
                ([f"careless::irv(x) > {_r_num(rule.max)}"] if rule.max is not None else [])
        return " | ".join(parts)
    if isinstance(rule, MahadRule):
        cut = _r_num(rule.max) if rule.max is not None else f"qchisq({_r_num(rule.confidence or .99)}, ncol(x))"
        return f"careless::mahad(x, plot = FALSE) > {cut}"
    if isinstance(rule, EvenoddRule):
        return f"careless::evenodd(keyed, factors) > {_r_num(rule.max)}"
    if isinstance(rule, PsychsynRule):
        return f"careless::psychsyn(x, critval = {_r_num(rule.critval)}) < {_r_num(rule.min_r)}"
    if isinstance(rule, PsychantRule):
        return f"careless::psychant(x, critval = {_r_num(-rule.critval)}) > {_r_num(rule.max_r)}"
    if isinstance(rule, MissingRule):
        return f"rowMeans(is.na(x)) > {_r_num(rule.max_proportion)}"
    if isinstance(rule, DuplicateIdRule):
        col = rule.column or id_column or "id"
        last = ", fromLast = TRUE" if rule.keep == "last" else ""
        return (f"duplicated(d${col}) | duplicated(d${col}, fromLast = TRUE)" if rule.keep == "none"
                else f"duplicated(d${col}{last})")
    if isinstance(rule, DuplicatePatternRule):
        last = ", fromLast = TRUE" if rule.keep == "last" else ""
        return ("duplicated(x) | duplicated(x, fromLast = TRUE)" if rule.keep == "none"
                else f"duplicated(x{last})")
    return ""  # pragma: no cover


class ScreeningResult(Result):
    """Flags for every rule × respondent, and the exclusion flow (the result protocol of
    :mod:`analysis.results`).

    ``table()`` is ``flags`` (one row per input row), ``summary()`` the flow (one row per rule),
    ``apa()`` the sentence, ``figure(path)`` the CONSORT-style diagram; ``n`` respondents analysed,
    ``n_excluded`` those excluded by a rule.

    Attributes
    ----------
    flags : DataFrame
        One row per input row (same index): the index values, one boolean ``flag_<rule>``
        column per rule, ``excluded`` and ``excluded_by``.
    flow : DataFrame
        ``step, rule, description, exclude, n_before, n_flagged, n_undefined, n_excluded, n_after``.
    rules : list
    audit : DataFrame
        Values set to missing while preparing the screened items (``row, id, instrument, column,
        item, value, reason``), from the :func:`analysis.careless` result; empty when
        :func:`apply_rules` was given a plain indices table.
    options : dict
        The rules (as written, one mapping per rule), ``id_column`` and the options of the
        careless indices (``seed`` …).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.screening import screen
    >>> demo = read_dataset("demo")
    >>> res = screen(demo, "agq-r", "agq_{n}", rules={"longstring": {"max": 10}}, response={"min": 1, "max": 7},
    ...              missing=[-99], seed=1)
    >>> res.summary()[["rule", "n_flagged", "n_excluded", "n_after"]].values.tolist()
    [['longstring', 5, 5, 395]]
    >>> res.n, res.n_excluded
    (395, 5)

    # R: flags <- data.frame(longstring = careless::longstring(x) > 10); analysed <- !Reduce(`|`, flags)
    """

    def __init__(self, flags: pd.DataFrame, flow: pd.DataFrame, rules: list | None = None,
                 audit: pd.DataFrame | None = None, options: dict | None = None):
        self.flags = flags
        self.flow = flow
        self.rules = list(rules or [])
        self.audit = audit_table([], instrument=True) if audit is None else audit
        self.options = dict(options or {})

    def __repr__(self) -> str:
        return f"ScreeningResult({self.n_analysed} of {self.n_received} analysed, {len(self.rules)} rule(s))"

    @property
    def n_received(self) -> int:
        return len(self.flags)

    @property
    def n_analysed(self) -> int:
        return int((~self.flags["excluded"]).sum())

    @property
    def n(self) -> int:
        """Respondents analysed (not excluded by any rule)."""
        return self.n_analysed

    @property
    def n_excluded(self) -> int:
        """Respondents excluded by a rule (flagged-only rules exclude nobody)."""
        return self.n_received - self.n_analysed

    @property
    def analysed(self) -> pd.Series:
        """Boolean mask of the respondents kept for analysis."""
        return ~self.flags["excluded"]

    def table(self) -> pd.DataFrame:
        """The flags: one row per input row (a copy of ``.flags``)."""
        return self.flags.copy(deep=False)

    def summary(self) -> pd.DataFrame:
        """The exclusion flow, one row per rule: ``step, rule, description, exclude, n_before,
        n_flagged, n_undefined, n_excluded, n_after`` (a copy of ``.flow``)."""
        return self.flow.copy()

    def flow_text(self) -> str:
        """The flow as lines of text (``received 400`` … ``analysed 390``), as the command prints it.

        Until version 0.x this was ``summary()``; ``summary()`` is now the flow table.
        """
        lines = [f"received {self.n_received}"]
        for row in self.flow.itertuples():
            verb = "excluded" if row.exclude else "flagged only"
            n = row.n_excluded if row.exclude else row.n_flagged
            lines.append(f"  {row.step}. {row.rule}: {verb} {n} ({row.description})")
        lines.append(f"analysed {self.n_analysed}")
        return "\n".join(lines)

    @property
    def r_call(self) -> str:
        """The equivalent R code: one flag per rule (careless 1.2.2 for the indices); ``x`` is the
        item matrix as answered, ``d`` the data frame, ``keyed``/``factors`` the keyed scales."""
        id_column = self.options.get("id_column")
        used, parts = {}, []
        for rule in self.rules:
            used[rule.rule] = used.get(rule.rule, 0) + 1
            name = rule.rule if used[rule.rule] == 1 else f"{rule.rule}_{used[rule.rule]}"
            parts.append(f"{name} = {_r_rule(rule, id_column)}")
        excl = [p.split(" = ")[0] for p, r in zip(parts, self.rules) if r.exclude]
        return (f"flags <- data.frame({', '.join(parts)}); "
                f"analysed <- !Reduce(`|`, flags[c({', '.join(_r_num(e) for e in excl)})])"
                if parts else "analysed <- rep(TRUE, nrow(d))  # no rules")

    def figure(self, path=None, **kwargs):
        """The CONSORT-style flow diagram (see :func:`analysis.formatting.flow.flow_figure`)."""
        from ..formatting.flow import flow_figure

        return flow_figure(self.flow, path=path, n_received=self.n_received, **kwargs)


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


def _as_rules(rules) -> list:
    if isinstance(rules, (str, Path)):
        return load_rules(rules)
    if isinstance(rules, list) and all(isinstance(r, _Rule) for r in rules):
        return rules
    return parse_rules(rules)


def _rule_spec(rule) -> dict:
    """One rule as written (``{name: fields}``, defaults left out), for ``options``."""
    fields = rule.model_dump(exclude_defaults=True, exclude={"rule"})
    return {rule.rule: fields}


def apply_rules(indices: pd.DataFrame, rules, data: pd.DataFrame | None = None,
                id_column: str | None = None) -> ScreeningResult:
    """Apply exclusion rules in order: flags for every rule × respondent and the exclusion flow.

    Parameters
    ----------
    indices : CarelessResult or DataFrame
        The output of :func:`analysis.careless` (its audit is passed on to the result), or its
        ``.indices`` table (one row per respondent).
    rules : list, dict, str or Path
        Parsed rules, a rules mapping/list (see the module docstring) or a rules file.
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


def _looks_like_rules(value) -> bool:
    """Rules, unmistakably: a .yaml/.yml path, a mapping of rule names (or a study file's
    ``screening:`` block), or a list of one-rule mappings / parsed rules."""
    if isinstance(value, Path):
        return True
    if isinstance(value, str):
        return value.lower().endswith((".yaml", ".yml"))
    if isinstance(value, dict):
        if "screening" in value or "instruments" in value:   # a study file
            return True
        return bool(value) and all(k in RULE_NAMES and (v is None or isinstance(v, dict)) for k, v in value.items())
    if isinstance(value, list):
        return bool(value) and all(isinstance(r, _Rule) or (isinstance(r, dict) and len(r) == 1
                                                              and next(iter(r)) in RULE_NAMES) for r in value)
    return False


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


@apa.register
def _apa_screening(result: ScreeningResult) -> Apa:
    """APA sentence of the exclusion flow: who was excluded, by which rule, and who remains."""
    parts = [f"{int(r.n_excluded)} by {r.rule} ({r.description})" for r in result.flow.itertuples()
             if r.exclude and r.n_excluded]
    n_excl = result.n_received - result.n_analysed
    text = f"Of {result.n_received} respondents, {n_excl} were excluded"
    text += (": " + "; ".join(parts) if parts else "") + f". {result.n_analysed} respondents were analysed."
    flagged = [f"{int(r.n_flagged)} by {r.rule}" for r in result.flow.itertuples() if not r.exclude and r.n_flagged]
    if flagged:
        text += " Flagged but kept: " + "; ".join(flagged) + "."
    return Apa(estimate=f"N = {result.n_analysed} of {result.n_received}", statistic="", full_result=text,
               table=result.flow.copy())
