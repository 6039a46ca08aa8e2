"""First-pass coding of free-text goal statements as outcome, performance or mastery goals.

Hand-written rather than a library model on purpose: the coding must be transparent data a
reviewer can read and change (the lexicon, :mod:`analysis.goals.lexicon`), and every decision must
name the words and the rule that produced it. It is a first pass for human review, not a verdict;
agreement with human coders is measured by :func:`analysis.goals.goal_agreement`.

Definitions the rules apply (goalscope's words):

* **outcome goal**: a result the person can influence but not control, with no context, means or
  scenario in which it would be judged (ambiguous, hard to act on);
* **performance goal**: a clear target whose attainment still depends on others or on
  circumstances (sales numbers, a grade, a ranking, approval by senior staff, a promotion);
* **mastery goal**: controllable and specific: what the person will learn or do, how and how
  often, focused on getting better rather than on proving ability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..checks import check_data
from ..errors import DataError
from ..formatting.apa import Apa, apa
from ..results import Result
from .lexicon import FEATURES, GOAL_TYPES, CompiledLexicon, load_lexicon
from ..checks import near_columns

CODED_BY = "rules (first pass, for human review)"
CODING_COLUMNS = (["goal_type", "reason", "rule"]
                  + [c for f in FEATURES for c in (f, f"{f}_words")]
                  + ["negated_words", "rewrite", "coded_by"])
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(text) -> str:
    """Lower case, straight quotes, single spaces; missing values and blanks become ``""``."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return ""
    return re.sub(r"\s+", " ", str(text).translate(_QUOTES)).strip().lower()


def _negated_spans(t: str, lex: CompiledLexicon) -> list[tuple[int, int]]:
    """Character spans switched off by a negation cue: up to ``scope`` words, to the clause end."""
    neg = lex.spec.negation
    taken, spans = [], []
    for cue in lex.negation_cues:  # longest cues first, so "not just" wins over "not"
        for m in cue.regex.finditer(t):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            end = len(t)
            for brk in neg.clause_breaks:
                j = t.find(brk, m.end())
                if j != -1:
                    end = min(end, j)
            words = list(re.finditer(r"\S+", t[m.end():end]))
            if len(words) > neg.scope:
                end = m.end() + words[neg.scope - 1].end()
            spans.append((m.end(), end))
    return spans


def _triggers(t: str, matchers, spans) -> tuple[list[str], list[str]]:
    """(words that count, words that a negation switched off), each in order of appearance."""
    hits = []
    for mt in matchers:
        for m in mt.regex.finditer(t):
            if m.group(0).strip():
                hits.append((m.start(), m.end(), m.group(0).strip()))
    hits.sort(key=lambda h: (h[0], -h[1]))
    on, off, covered = [], [], []
    for s, e, word in hits:
        if any(a <= s and e <= b for a, b in covered):
            continue  # inside a longer trigger already listed ("friday" in "every friday")
        covered.append((s, e))
        target = off if any(a <= s < b for a, b in spans) else on
        if word not in target:
            target.append(word)
    return on, off


def code_statement(text, lexicon="en") -> dict:
    """Code one statement: ``goal_type``, ``reason``, ``rule`` and each feature with its words.

    Examples
    --------
    >>> r = code_statement("Close 20 sales a month")
    >>> r["goal_type"], r["depends_on_others_words"], r["has_target_number_words"]
    ('performance', 'sales', '20')
    >>> code_statement("Practise one new Excel function every week, not just to hit my targets")["goal_type"]
    'mastery'
    """
    lex = load_lexicon(lexicon)
    t = normalise(text)
    spans = _negated_spans(t, lex) if t else []
    neg_applies = set(lex.spec.negation.applies_to)
    out, present, negated = {}, {}, []
    for f in FEATURES:
        on, off = _triggers(t, lex.features[f], spans if f in neg_applies else []) if t else ([], [])
        present[f] = bool(on)
        out[f] = bool(on)
        out[f"{f}_words"] = "; ".join(on)
        negated += [w for w in off if w not in negated]
    present["empty"] = not t
    bare = t.strip(" .!?,;:'\"()")
    present["non_goal"] = bool(t) and (any(rx.fullmatch(bare) for rx in lex.non_goal_whole)
                                       or any(rx.search(t) for rx in lex.non_goal_phrases))
    present["goal_wording"] = bool(t) and any(m.regex.search(t) for m in lex.goal_wording)
    for i, rule in enumerate(lex.spec.rules, start=1):
        if rule.when.holds(present):
            break
    template = lex.spec.rewrite.get(rule.goal_type, "")
    if template:
        template = template.replace("{depends_on_others}", out["depends_on_others_words"] or "the target")
    return {"goal_type": rule.goal_type, "reason": rule.reason, "rule": i, **out,
            "negated_words": "; ".join(negated), "rewrite": template, "coded_by": CODED_BY}


@dataclass
class GoalCoding(Result):
    """The coded statements (see :func:`code_goals`).

    ``.data`` is the input with the coding columns appended (same index, every row kept: join it
    to other columns or write it out). ``.table()`` is the tidy coding: one row per statement in
    input order (``row`` 1 = the first), the decision (``goal_type``, ``rule``, ``reason``), the
    five features as True/False and ``coded_by``; the words behind each feature
    (``<feature>_words``), ``negated_words`` and ``rewrite`` are free text and stay in ``.data``.
    ``.summary()`` counts each goal type; ``.apa()`` says it in a sentence.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.goals import code_goals
    >>> res = code_goals(pd.DataFrame({"goal": ["Close 20 sales a month", "n/a"]}), text="goal")
    >>> res.table()[["row", "goal_type", "rule", "has_target_number"]]
       row    goal_type  rule  has_target_number
    0    1  performance     3               True
    1    2      unclear     2              False
    >>> res.data.loc[0, "has_target_number_words"]
    '20'

    R has no equivalent: the rules are goalscope's own lexicon (``analysis/goals/lexicons/en.yaml``).
    """

    data: pd.DataFrame
    text: str
    lexicon: str
    lexicon_version: str
    note: str
    options: dict = field(default_factory=dict)
    r_call: str = "no R equivalent: the rules are goalscope's own lexicon (analysis/goals/lexicons)"

    @property
    def n(self) -> int:
        return len(self.data)

    @property
    def n_excluded(self) -> int:
        return 0  # every row is kept; empty statements are coded 'unclear'

    def table(self) -> pd.DataFrame:
        """The tidy coding, one row per statement in input order (no free text; that is in ``.data``)."""
        cols = ["goal_type", "rule", "reason"] + list(FEATURES) + ["coded_by"]
        out = self.data[cols].reset_index(drop=True)
        out.insert(0, "row", range(1, len(out) + 1))
        return out

    def summary(self) -> pd.DataFrame:
        """Counts and shares of each goal type (share of all statements)."""
        counts = self.data["goal_type"].value_counts().reindex(list(GOAL_TYPES), fill_value=0)
        return pd.DataFrame({"goal_type": list(GOAL_TYPES), "n": counts.to_numpy(),
                             "share": counts.to_numpy() / max(self.n, 1)})


@apa.register
def _apa_coding(res: GoalCoding) -> Apa:
    s = res.summary().set_index("goal_type")
    parts = ", ".join(f"{int(s.loc[g, 'n'])} {g} ({s.loc[g, 'share']:.0%})" for g in GOAL_TYPES)
    est = f"{int(s.loc['mastery', 'n'])} of {res.n} mastery goals"
    text = (f"Of {res.n} goal statements, the first-pass rules (lexicon '{res.lexicon}', version "
            f"{res.lexicon_version}) coded {parts}. {res.note}")
    table = res.summary().assign(n=lambda d: [str(v) for v in d["n"]], share=lambda d: [f"{v:.0%}" for v in d["share"]])
    return Apa(estimate=est, full_result=text, table=table)


def code_goals(data: pd.DataFrame, text: str, *, lexicon="en", id_column: str | None = None) -> GoalCoding:
    """Code every goal statement in column ``text`` as outcome, performance, mastery or unclear.

    One row per input row, same index, nothing dropped: an empty or missing statement is coded
    ``unclear`` with the reason. Each of the features ``controllable``, ``specific``,
    ``learning_focus``, ``depends_on_others`` and ``has_target_number`` comes with the words that
    triggered it (``<feature>_words``); words a negation switched off ("not just hit the target")
    are listed in ``negated_words``; ``rule`` is the number of the lexicon rule that decided, and
    ``rewrite`` a mastery-goal template for outcome and performance goals. This is a first-pass
    coding for human review (see :func:`write_coding_sheet` and :func:`goal_agreement`).

    Parameters
    ----------
    data : DataFrame
        One row per statement.
    text : str
        Column holding the statements.
    lexicon : str or path, default "en"
        A shipped lexicon id or a lexicon YAML file.
    id_column : str, optional
        Statement or respondent id column; only checked to exist (kept in the output as is).

    Returns
    -------
    GoalCoding
        ``.data`` is ``data`` with the coding columns appended (same index); ``.table()`` the
        tidy coding (one row per statement, no free text).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"goal": ["Close 20 sales a month",
    ...                             "Read one book on negotiation every month and try one idea from it each week",
    ...                             "be better at influencing senior people", None]})
    >>> code_goals(df, text="goal").data[["goal_type", "rule"]]
         goal_type  rule
    0  performance     3
    1      mastery     4
    2      outcome     5
    3      unclear     1

    R has no equivalent; the rules are the lexicon file ``analysis/goals/lexicons/en.yaml``.
    """
    data = check_data(data, "code_goals", rows=False)
    if text not in data.columns:
        raise DataError(f"is not in the data (columns: {', '.join(map(str, data.columns[:12]))})", file=data.attrs.get("source"),
                        column=text, item="the goal statement column",
                        hint="name the column holding the goal statements with text=." + near_columns(text, data))
    if id_column is not None and id_column not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=id_column, item="the id column",
                        hint="Name the column that holds the statement ids, or leave out id_column=." + near_columns(id_column, data))
    clash = [c for c in CODING_COLUMNS if c in data.columns]
    if clash:
        raise DataError(f"is already in the data (the data already have a column '{clash[0]}'), and the coding "
                        f"would overwrite it", file=data.attrs.get("source"), column=clash[0], hint="rename it (or pass the uncoded file)")
    lex = load_lexicon(lexicon)
    rows = [code_statement(v, lex) for v in data[text].tolist()]
    coded = pd.DataFrame(rows, index=data.index, columns=CODING_COLUMNS)
    out = pd.concat([data, coded], axis=1)
    return GoalCoding(data=out, text=text, lexicon=lex.id, lexicon_version=str(lex.spec.version),
                      note=lex.spec.note, options={"text": text, "lexicon": lex.source, "id_column": id_column})
