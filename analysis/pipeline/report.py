"""Assemble the full study report from what the walk produced (results only; nothing recomputed).

:func:`write_full_report` takes the study, its scored result, the measurement of each instrument,
the declared analyses and the replication of registered findings, writes ``tables/<id>.csv`` and
``figures/<id>.png|.svg`` for each, and renders ``index.html`` through
:mod:`analysis.report.study_report`.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..errors import GoalscopeError
from ..formatting.apa import apa_num
from ..formatting.figures import save_figure
from ..formatting.labels import column_labels, words
from ..io import write_table
from ..report.study_report import Section, embed_png, html_table, write_study_report
from .methods import methods_text  # noqa: F401 - also importable from here, as before

def _save(fig, folder: Path, name: str, outputs: dict) -> Path | None:
    if fig is None:
        return None
    paths = save_figure(fig, folder / "figures" / f"{name}.png", also_svg=True)
    plt.close(fig)
    for p in paths:
        outputs[f"figure_{name}{p.suffix}"] = p
    return paths[0]


def processed_path(result, name: str) -> str:
    """Where the run wrote ``name`` of the processed data, as the report names it: the folder as the
    run was given it when relative (to the working folder of the run, e.g. ``data/processed/demo``),
    else relative to the report's own folder, so that the report reads the same wherever it is."""
    folder = Path(result.options.get("processed_dir") or Path("data/processed") / result.study.name)
    if not folder.is_absolute():
        return (folder / name).as_posix()
    reports = Path(result.options.get("reports_dir") or folder)
    return f"{Path(os.path.relpath(folder / name, reports)).as_posix()} (relative to this report's folder)"


def scale_columns(scores: pd.DataFrame, instruments: dict) -> list[str]:
    """The scale-score columns of a scored study, in key order (no ``_n_valid`` / ``_band``)."""
    out = []
    for alias, inst in instruments.items():
        out += [f"{alias}_{s}" for s in inst.scales if f"{alias}_{s}" in scores.columns]
    return out


def sample_table(analysed: pd.DataFrame, keep) -> pd.DataFrame:
    """The kept (non-item) columns described: counts for categories, M and SD for numbers."""
    rows = []
    for col in keep:
        if col not in analysed:
            continue
        v = analysed[col]
        numeric = pd.api.types.is_numeric_dtype(v) and v.nunique(dropna=True) > 6
        if numeric:
            rows.append({"variable": words(col), "level": "", "n": int(v.notna().sum()), "mean": v.mean(),
                         "sd": v.std(ddof=1), "min": v.min(), "max": v.max()})
        else:
            counts = v.astype("string").fillna("(missing)").value_counts(sort=False).sort_index()
            for level, n in counts.items():
                rows.append({"variable": words(col), "level": str(level), "n": int(n),
                             "percent": 100 * n / len(v)})
    return pd.DataFrame(rows)


def write_full_report(study, instruments: dict, result, measurements: list, analyses: list, folder,
                      replication=None, manifest: dict | None = None, labels: dict | None = None,
                      replication_power: pd.DataFrame | None = None) -> dict:
    """Write tables, figures and ``index.html`` of the full report into ``folder``; returns the paths."""
    folder = Path(folder)
    outputs: dict[str, Path] = {}
    analysed = result.analysed
    cols = scale_columns(analysed, instruments)
    labels = column_labels(instruments, list(analysed.columns), labels)
    sections: list[Section] = []

    # summary
    n_recv, n_an = len(result.scores), len(analysed)
    summary = Section("summary", "Summary")
    summary.paragraphs.append(
        f"{n_recv} respondents; {n_an} analysed. {len(instruments)} instrument(s) scored, "
        f"{len(analyses)} declared analysis(es)" + (f", {replication.n_tested} registered finding(s) "
                                                    f"tested" if replication is not None else "") + ".")
    if replication is not None:
        counts = replication.table()["verdict"].str.split(":").str[0].value_counts()
        summary.paragraphs.append("Replication verdicts: " + ", ".join(f"{n} {v}" for v, n in counts.items()) + ".")
    summary.paragraphs.append("Direct identifiers were dropped and respondent ids pseudonymised before anything was "
                              "written.")
    sections.append(summary)

    # sample and exclusion flow
    sample = Section("sample", "Sample")
    st = sample_table(analysed, study.keep)
    if len(st):
        outputs["table_sample"] = write_table(st, folder / "tables" / "sample.csv")
        sample.tables.append(html_table(st, caption=f"Analysed respondents (N = {n_an})"))
    if result.screening is not None:
        from ..formatting.apa import apa
        flow = result.screening.flow
        outputs["table_flow"] = write_table(flow, folder / "tables" / "flow.csv")
        sample.paragraphs.append(apa(result.screening).full_result)
        sample.tables.append(html_table(flow[["step", "description", "n_before", "n_flagged", "n_excluded",
                                              "n_after"]], caption="Exclusion flow"))
        png = _save(result.screening.figure(), folder, "flow", outputs)
        sample.figures.append((embed_png(png), "Exclusion flow: respondents received, excluded by each rule, analysed"))
    sections.append(sample)

    # measurement
    meas = Section("measurement", "Measurement")
    rel_rows = []
    for m in measurements:
        sub = Section(f"measurement-{m.alias}", f"{m.instrument.name or m.instrument.id} ({m.alias})")
        if len(m.reliability):
            t, caption = m.reliability_table()
            t["scale"] = [labels.get(f"{m.alias}_{s}", words(s)) if s != "all_items" else "All items" for s in t["scale"]]
            sub.tables.append(html_table(t, caption=caption))
            rel_rows.append(m.reliability.assign(instrument=m.alias))
        for k in m.keying:
            sub.notes.append("Keying check — " + k)
        if m.cfa_fit is not None:
            fit = m.cfa_fit[[c for c in ("model", "chisq", "df", "p_val", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
                             if c in m.cfa_fit]]
            sub.tables.append(html_table(fit, caption="Confirmatory factor analysis"))
            if m.cfa_text:
                sub.paragraphs.append(m.cfa_text)
        sub.notes += m.notes
        if len(m.items):
            sub.details.append(("Item statistics", html_table(m.item_table())))
        meas.subsections.append(sub)
    if rel_rows:
        outputs["table_reliability"] = write_table(pd.concat(rel_rows, ignore_index=True),
                                                   folder / "tables" / "reliability.csv")
    sections.append(meas)

    # scores, the scoring rule of each scale, and missing data
    from ..report.basic import rule_text, scale_summary
    sc = scale_summary(result)
    outputs["table_scales"] = write_table(sc.round(4), folder / "tables" / "scales.csv")
    outputs["table_missing"] = write_table(result.missing, folder / "tables" / "missing.csv")
    scores_sec = Section("scores", "Scores and missing data")
    show = sc.assign(scale=[labels.get(f"{a}_{s}", words(s)) for a, s in zip(sc["instrument"], sc["scale"])])
    scores_sec.tables.append(html_table(show[["scale", "rule", "n", "mean", "sd", "min", "max"]],
                                        caption=f"Scale scores of the analysed respondents (N = {n_an})"))
    miss = result.missing.assign(
        rule=[rule_text(m.method, int(m.min_valid), int(m.n_items), m.rule_from) for m in result.missing.itertuples()],
        scale=[labels.get(f"{m.instrument}_{m.scale}", words(m.scale)) for m in result.missing.itertuples()])
    scores_sec.tables.append(html_table(miss[["scale", "n_items", "n", "n_missing_score", "n_complete",
                                              "pct_items_missing", "rule"]],
                                        caption="Missing data per scale (all respondents received)"))
    n_audit = len(result.audit)
    if n_audit:
        reasons = result.audit.groupby(["instrument", "reason"]).size().reset_index(name="n")
        scores_sec.paragraphs.append(f"{n_audit} answer(s) were set to missing; every one is listed in "
                                     f"{processed_path(result, 'audit.csv')}.")
        scores_sec.tables.append(html_table(reasons, caption="Values set to missing, by reason"))
    sections.append(scores_sec)

    # descriptives and the correlation table
    desc = Section("descriptives", "Descriptives and correlations")
    if len(cols) >= 2:
        from ..models import correlations
        alphas = {}
        for m in measurements:
            for scale, a in m.reliabilities().items():
                if f"{m.alias}_{scale}" in cols:
                    alphas[f"{m.alias}_{scale}"] = a
        try:
            ct = correlations(analysed, cols, reliabilities=alphas, labels=labels)
        except GoalscopeError as exc:          # too few respondents for a correlation: say so, report the rest
            desc.notes.append(f"No correlation table: {exc}")
        else:
            outputs["table_correlations"] = write_table(ct.long, folder / "tables" / "correlations.csv")
            desc.tables.append(ct.to_html(show_ci=True))
    sections.append(desc)

    # declared analyses: a heading shared with another section gets the analysis id
    taken = ({sec.title for sec in sections} | {sub.title for sec in sections for sub in sec.subsections}
             | {"Replication of published findings", "Methods", "Manifest"})
    headings = [a.heading(labels) for a in analyses]
    for a, heading in zip(analyses, headings):
        if headings.count(heading) > 1 or heading in taken:
            heading = f"{heading} ({a.id})"
        sec = Section(a.id, heading)
        sec.paragraphs.append(f"{a.n_text()}. {a.apa}")
        outputs[f"table_{a.id}"] = write_table(a.long, folder / "tables" / f"{a.id}.csv")
        sec.tables.append(html_table(a.long, labels))
        sec.notes += a.notes
        png = _save(a.figure(labels), folder, a.id, outputs)
        if png is not None:
            alt = heading
            if a.type not in ("correlations", "profiles", "moderation"):
                alt += f": estimates with {round(a.spec.level * 100)}% CIs"
            sec.figures.append((embed_png(png), alt))
        sections.append(sec)

    # replication of registered findings
    if replication is not None:
        rep = Section("replication", "Replication of published findings")
        t = replication.table()
        outputs["table_replication"] = write_table(t, folder / "tables" / "replication.csv")
        for row in t.itertuples():
            rep.paragraphs.append(f"{row.finding_id}: {row.verdict}")
        rep.paragraphs += [f"Note: {note}" for note in replication.notes]
        show = [c for c in ("finding_id", "published", "estimate", "ci_low", "ci_high", "n", "p_val", "verdict")
                if c in t.columns]
        rep.tables.append(html_table(t[show], caption="Registered findings against this study"))
        fig = replication.figure()
        png = _save(fig, folder, "replication", outputs)
        if png is not None:
            rep.figures.append((embed_png(png), "Forest plot: published effects (open squares) and this study's "
                                                "estimates (filled circles) with 95% CIs"))
        if replication_power is not None and len(replication_power):
            outputs["table_replication_power"] = write_table(replication_power,
                                                             folder / "tables" / "replication_power.csv")
            rep.tables.append(html_table(replication_power.rename(columns={"n_for_80": "N for 80%",
                                                                           "n_for_95": "N for 95%"}),
                                         caption="Power of this study's N to detect each published r "
                                                 "(two-sided α = .05; pwr::pwr.r.test)"))
        sections.append(rep)

    # methods and manifest
    methods = Section("methods", "Methods")
    methods.paragraphs += methods_text(study, instruments, result, measurements, analyses, replication=replication)
    sections.append(methods)
    if manifest:
        man = Section("manifest", "Manifest")
        rows = [{"kind": "input", "name": k, "file": v.get("file", ""), "sha256": v.get("sha256", "")[:16]}
                for k, v in manifest.get("inputs", {}).items() if isinstance(v, dict) and "file" in v]
        man.tables.append(html_table(pd.DataFrame(rows), caption="Inputs (first 16 hex digits of SHA-256)"))
        man.paragraphs.append("Packages: " + ", ".join(f"{k} {v}" for k, v in manifest.get("packages", {}).items()))
        sections.append(man)

    outputs["report"] = write_study_report(study.title or study.name, sections, folder)
    return outputs
