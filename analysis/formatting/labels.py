"""Labels that read like a paper: "Mastery-approach goals", not ``goals_mastery_approach``.

A scored column is ``<alias>_<scale>``; its label comes from the scale's ``label`` in the key, with
the key's id where a scale has no label of its own ("Depression (DASS-21)"). Columns that are not scale scores (kept columns such as ``exam1``) are turned into
words. A study can override any label.
"""

from __future__ import annotations

import re

#: how a scale label of a goal key reads in a sentence
_GOAL_SUFFIX = {"agq", "agq-r", "agq-3x2", "agq-3x2-short", "pals"}


def words(name: str) -> str:
    """``exam_1`` → ``Exam 1``; ``duration_s`` → ``Duration s``.

    >>> words("extra_tasks")
    'Extra tasks'
    """
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", str(name).replace("_", " ")).strip()
    return text[:1].upper() + text[1:]


def scale_label(instrument, scale: str) -> str:
    """The label of one scale of a key, as it reads in a table.

    >>> from analysis import load_instrument
    >>> scale_label(load_instrument("agq-r"), "mastery_approach")
    'Mastery-approach goals'
    >>> scale_label(load_instrument("dass-21"), "depression")
    'Depression (DASS-21)'
    """
    sc = instrument.scales[scale]
    label = getattr(sc, "label", None)
    if label and instrument.id in _GOAL_SUFFIX and "goal" not in label.lower():
        return f"{label} goals"
    if label and label.lower() not in ("total", scale.replace("_", " ")):
        return label
    return f"{words(scale)} ({instrument.id.upper()})"


def column_labels(instruments: dict, columns, overrides: dict | None = None) -> dict[str, str]:
    """A label for every column: ``{alias: Instrument}`` scale scores by their key, the rest in words.

    >>> from analysis import load_instrument
    >>> column_labels({"goals": load_instrument("agq-r")}, ["goals_mastery_avoidance", "exam1"])
    {'goals_mastery_avoidance': 'Mastery-avoidance goals', 'exam1': 'Exam 1'}
    """
    out = {}
    for col in columns:
        label = None
        for alias, inst in instruments.items():
            prefix = f"{alias}_"
            if str(col).startswith(prefix) and str(col)[len(prefix):] in inst.scales:
                label = scale_label(inst, str(col)[len(prefix):])
                break
        out[col] = label or words(col)
    out.update(overrides or {})
    return out


def label_term(term, labels: dict) -> str:
    """A model term in words: ``drop:goals_mastery_approach`` → ``Drop × Mastery-approach goals``.

    >>> label_term("drop:goals_map", {"goals_map": "Mastery-approach goals"})
    'Drop × Mastery-approach goals'
    >>> label_term("Intercept", {})
    'Intercept'
    """
    text = str(term)
    if text in labels:
        return labels[text]
    if ":" in text:
        return " × ".join(labels.get(part, words(part)) for part in text.split(":"))
    return text
