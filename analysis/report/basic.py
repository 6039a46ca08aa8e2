"""The first, simple study report: scores, n per scale and a missing-data summary.

Writes ``index.html`` and ``tables/*.csv`` into the report folder. The HTML carries no timestamp,
so the same inputs give the same bytes. Identifiers never reach it: it is built from the processed
table, which holds pseudonyms only.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd

from ..io import atomic_write_text, write_table

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    keep_trailing_newline=True,
)


_METHOD_WORDS = {"mean": "mean", "sum": "sum", "prorated_sum": "prorated sum", "scaled_sum": "scaled sum"}


def rule_text(method: str, min_valid: int, n_items: int, rule_from: str) -> str:
    """The scoring rule of one scale in words: ``prorated sum, at least 7 of 9 items (study file)``.

    Examples
    --------
    >>> from analysis.report.basic import rule_text
    >>> rule_text("prorated_sum", 7, 9, "study file")
    'prorated sum, at least 7 of 9 items answered (study file)'
    >>> rule_text("sum", 9, 9, "key")
    'sum, all 9 items answered (key)'
    """
    need = f"all {n_items} items" if min_valid >= n_items else f"at least {min_valid} of {n_items} items"
    return f"{_METHOD_WORDS.get(method, method)}, {need} answered ({rule_from})"


def scale_summary(result) -> pd.DataFrame:
    """One row per scale over the analysed respondents: instrument, scale, rule, n, mean, sd, min, max.

    ``rule`` is the scoring rule actually used (method and fewest answered items, from the key or the
    study file); bands, where the key has them, were applied to that score.
    """
    rows = []
    analysed = result.analysed
    for alias, use in result.study.instruments.items():
        for _, m in result.missing[result.missing["instrument"] == alias].iterrows():
            col = analysed[f"{alias}_{m['scale']}"]
            rows.append({
                "instrument": alias, "key": use.instrument, "scale": m["scale"],
                "rule": rule_text(m["method"], int(m["min_valid"]), int(m["n_items"]), m["rule_from"]),
                "n": int(col.notna().sum()),
                "mean": col.mean(), "sd": col.std(ddof=1), "min": col.min(), "max": col.max(),
            })
    return pd.DataFrame(rows)


def write_basic_report(result, folder) -> dict[str, Path]:
    """Write the simple report for a :class:`analysis.study.StudyResult` into ``folder``."""
    folder = Path(folder)
    summary = scale_summary(result)
    outputs = {
        "table_scales": write_table(summary.round(4), folder / "tables" / "scales.csv"),
        "table_missing": write_table(result.missing, folder / "tables" / "missing.csv"),
    }
    flow_text = None
    if result.screening is not None:
        from ..formatting.apa import apa
        from ..formatting.figures import save_figure

        outputs["table_flow"] = write_table(result.screening.flow, folder / "tables" / "flow.csv")
        fig = result.screening.figure()
        for p in save_figure(fig, folder / "figures" / "flow.png", also_svg=True):
            outputs[f"figure_flow{p.suffix}"] = p
        import matplotlib.pyplot as plt

        plt.close(fig)
        flow_text = apa(result.screening).full_result
    keying = getattr(result, "keying", None)
    keying_warnings = list(getattr(result, "keying_warnings", []))
    flagged = pd.DataFrame(columns=["name", "scale", "item", "r_drop"])
    if keying is not None:
        outputs["table_keying"] = write_table(keying.drop(columns=["message"]).round(6),
                                              folder / "tables" / "keying.csv")
        flagged = keying[keying["flagged"].astype(bool)]
    reasons = (result.audit.groupby(["instrument", "reason"]).size().reset_index(name="n")
               if len(result.audit) else pd.DataFrame(columns=["instrument", "reason", "n"]))
    html = _ENV.get_template("basic.html.j2").render(
        study=result.study, n=len(result.scores), summary=summary,
        missing=result.missing.assign(rule=[rule_text(m.method, int(m.min_valid), int(m.n_items), m.rule_from)
                                            for m in result.missing.itertuples()]),
        reasons=reasons, n_audit=len(result.audit), n_analysed=len(result.analysed),
        flow=None if result.screening is None else result.screening.flow, flow_text=flow_text,
        keying_checked=keying is not None, keying_warnings=keying_warnings, flagged=flagged,
    )
    outputs["report"] = atomic_write_text(folder / "index.html", html)
    return outputs
