"""Mastery rewrites of outcome and performance goals, built from what each statement lacks.

A mastery goal names an own action, a means or routine (how and how often) and what the person
learns. :func:`mastery_rewrite` reads the statement's features (:mod:`analysis.goals.features`)
and adds only the parts that are missing, in the statement's own words: its verb and object are
kept or turned into an own action, its routine is kept or a frequency slot is added, its topic
becomes what to learn, and a target that depends on others is named as not the measure.
"""

from __future__ import annotations

import re

from .coder import normalise
from .features import _AIM_FRAME, _WORD, own_actions, statement_features

REWRITTEN = ("outcome", "performance")
_BETTER_AT = re.compile(r"^(?:get|become|be|getting)\s+(?:much\s+|a\s+lot\s+)?better\s+at\s+|^improve\s+(?=my\b|how\b)")
#: the frequency slot added when a statement has no means or routine
FREQUENCY_SLOT = "every [week]"
_EDGE = r"(?:a|an|the|to|of|at|in|on|for|with|and|by|so|that|as|my|our)"


def _target_free(text: str, words: str) -> str:
    """``text`` without the trigger words in ``words`` ("; "-joined), spaces tidied."""
    for w in sorted(filter(None, words.split("; ")), key=len, reverse=True):
        text = re.sub(r"(?<!\w)" + re.escape(w) + r"(?!\w)", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,.;:-")


def _topic(obj: str, f: dict) -> str:
    """What to learn about: the object without its targets, routines and vague words, trimmed of function words."""
    t = _target_free(obj, "; ".join(f[k] for k in ("measurable_target_words", "means_or_routine_words",
                                                    "vague_result_words")))
    t = re.sub(r"\b(?:more|less|better|much|a\s+bit)\s+|\b(?:a|per)\s+(?:day|week|fortnight|month|term|year)\b", " ", t)
    t = re.sub(rf"^(?:{_EDGE}\s+)+", "", re.sub(r"\s+", " ", t).strip())
    return re.sub(rf"(?:\s+{_EDGE})+$", "", t).strip(" ,.;:-'%")


def mastery_rewrite(text, goal_type: str) -> str:
    """A mastery version of an outcome or performance goal, adding only what the statement lacks.

    Decision table (every row is tested in ``tests/goals/test_rewrite.py``):

    ==================================  =========================================================
    statement                           what the rewrite does
    ==================================  =========================================================
    mastery, not_a_goal, unclear, blank  no rewrite (``""``)
    own action present                  keeps the person's verb and object, without the target
                                        numbers ("close 20 sales" → "close sales")
    no own action, "get better at X"    proposes practice: "practise X" (also "improve my X")
    no own action, outcome              proposes an own step: "try one new way to <verb> <object>"
    no own action, performance          proposes an own step: "work on one step of what it takes
                                        to <verb> <object>"
    means or routine present            keeps the statement's own routine words
    no means or routine                 adds a frequency slot, "every [week]"
    a learning word present             adds nothing about learning
    no learning word                    adds 'after each time note one thing I learnt about
                                        "<topic>"', the topic being the object without its
                                        targets, routines and vague words
    performance (depends on others)     adds '— judged by what I do, not by "<those words>"'
    ==================================  =========================================================

    Examples
    --------
    >>> mastery_rewrite("Be more confident on the phone", "outcome")
    'Try one new way to be more confident on the phone every [week], and after each time note one thing I learnt about "confident on the phone".'
    >>> mastery_rewrite("Close 20 sales a month", "performance")
    'Close sales a month, and after each time note one thing I learnt about "sales" — judged by what I do, not by "sales".'
    >>> mastery_rewrite("Read one article each morning", "mastery")
    ''

    R has no equivalent.
    """
    if goal_type not in REWRITTEN:
        return ""
    t = normalise(text).rstrip(" .!")
    if not t:
        return ""
    f = statement_features(t)
    m = _AIM_FRAME.match(t)
    body = t[m.end("frame"):].strip() if m and not m.group("frame").startswith("to ") else t
    body = re.sub(r"^to\s+", "", body)
    first = _WORD.match(body)
    head = first.group(0) if first else ""
    obj = body[len(head):].strip()
    actions = own_actions(body)
    better_at = _BETTER_AT.match(body)
    if actions:
        action = _target_free(body[actions[0][0]:], f["measurable_target_words"]) or body
        obj = body[actions[0][1]:]
    elif better_at:
        obj = body[better_at.end():]
        action = f"practise {obj}"
    elif goal_type == "outcome":
        action = f"try one new way to {body}"
    else:
        action = f"work on one step of what it takes to {body}"
    out = action
    if not f["means_or_routine"]:
        out += f" {FREQUENCY_SLOT}"
    if not f["learning"]:
        topic = _topic(obj, f)
        out += f', and after each time note one thing I learnt about "{topic}"' if topic else \
            ", and after each time note one thing I learnt"
    if goal_type == "performance" and f["depends_on_others"]:
        out += " — judged by what I do, not by " + " or ".join(f'"{w}"' for w in f["depends_on_others_words"].split("; "))
    return out[0].upper() + out[1:] + "."
