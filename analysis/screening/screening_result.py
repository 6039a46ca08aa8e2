"""The result of screening: flags for every rule × respondent and the exclusion flow, and how it
is reported (the flow as text, the R equivalent of the rules, the APA sentence, the figure)."""

from __future__ import annotations

import pandas as pd

from ..checks import audit_table
from ..formatting.apa import Apa, apa
from ..results import Result
from .rule_schema import (AttentionRule, DuplicateIdRule, DuplicatePatternRule, EvenoddRule, IrvRule, LongstringRule,
                          MahadRule, MissingRule, PsychantRule, PsychsynRule, ResponseTypeRule, SpeedRule)


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
    # the thresholds given, each as R tests it ({:g}: the number as _r_num writes it), or'ed
    if isinstance(rule, SpeedRule):
        return " | ".join(rule._given({"min_seconds_per_item": "d${column} / ncol(x) < {:g}",
                                       "min_seconds": "d${column} < {:g}"}, column=rule.column))
    if isinstance(rule, LongstringRule):
        return " | ".join(rule._given({"max": "careless::longstring(x) > {}",
                                       "max_avg": "careless::longstring(x, avg = TRUE)$avgstr > {:g}"}))
    if isinstance(rule, IrvRule):
        return " | ".join(rule._given({"min": "careless::irv(x) < {:g}", "max": "careless::irv(x) > {:g}"}))
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
