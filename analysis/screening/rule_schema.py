"""Exclusion rules as the user declares them: the rules format, its validation and reading.

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

How the rules are applied (flags, the exclusion flow) is :mod:`analysis.screening.rules`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from ..errors import UNSET, DataError
from ..io.yamlfile import load_yaml, validate

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

    def _given(self, templates: dict, **names) -> list[str]:
        """``templates`` (field -> template of its value, ``{}``, and of ``names``) filled in for the
        thresholds given, in order."""
        return [t.format(getattr(self, f), **names) for f, t in templates.items() if getattr(self, f) is not None]

    def describe(self) -> str:
        return f"{self._title} (" + " or ".join(self._given(self._parts)) + ")"


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
