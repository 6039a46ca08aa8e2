"""The walk of a study through the data flow: read, score, screen, measure, model, replicate, report.

``run_study("data/raw/demo/study.yaml")`` reads the export, drops direct identifiers, pseudonymises
the respondent id with a keyed hash, scores every instrument with the dataset quirks the study
declares, and writes:

``data/processed/<study>/scores.csv``      pseudonymised id, kept columns, every scale score
``data/processed/<study>/audit.csv``       every value set to missing (and why)
``data/processed/<study>/missing.csv``     missing-data summary per scale
``data/processed/<study>/screening_*.csv`` careless indices + rule flags per respondent, exclusion flow
                                           (when the study declares ``screening:`` rules)
``data/processed/<study>/manifest.json``   input and key hashes, package versions, output hashes
``reports/<study>/``                       the report (index.html + tables/)

The same inputs give byte-identical outputs (no timestamps; sorted JSON; fixed CSV formatting).

Both folders are built under temporary names beside their targets and put in place only when the
whole run succeeds: a run that fails (or is stopped) leaves the previous outputs as they were and no
half-written folder. Output folders may not hold an input (the study file, the export, a key file).

The export named by ``data:`` must lie inside the study file's folder (a study is one folder that can
be archived and shared whole). To read an export elsewhere, say so: ``allow_outside_data: true`` in
the study file, or ``goalscope run STUDY --allow-outside-data`` (``run_study(...,
allow_outside_data=True)``).

Scoring rules per instrument: a study may override the key's ``method`` and ``min_valid``, for
every scale (``method: prorated_sum``, ``min_valid: 7``) or per scale (``min_valid: {total: 7}``).
Severity bands always apply to the score actually computed; a method may only be swapped for one on
the same metric when the scale has bands (``sum`` <-> ``prorated_sum``). The report states the rule
used for every scale and whether it came from the key or the study file.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pandas as pd

from ..errors import StudyError
from ..io import write_json, write_table
from ..io.pseudonyms import pseudonym_key, pseudonymise
from ..io.writers import atomic_folder, check_output_folder
from ..scoring import check_ids
from .manifest import manifest
from .read_export import read_study_export
from .schema import Study, load_study
from .study_instruments import (construct_measures, instrument_specs, score_study, scoring_key,  # noqa: F401
                                scoring_rules, screen_study)
from .study_result import STUDY_R_CALL, StudyResult  # noqa: F401
from ..checks import near_columns

# StudyResult (study_result.py) and the instruments' scoring and screening (study_instruments.py) stay
# importable from here

#: columns Qualtrics writes that identify a person; dropped from every study read as Qualtrics
QUALTRICS_IDENTIFIERS = ["IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                         "ExternalReference", "LocationLatitude", "LocationLongitude"]


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def study_inputs(study: Study, data_file: Path) -> dict:
    """The files a run reads: ``{description: path}`` (the study file, the export, key files)."""
    inputs = {"the study file": Path(study.path), "the data export": data_file}
    for alias, use in study.instruments.items():
        if use.instrument.endswith((".yaml", ".yml")):
            inputs[f"the key file of instrument '{alias}'"] = study.resolve(use.instrument)
    return inputs


def power_at_study_n(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """For every replicated finding with a published r: the power this study's N had to detect it,
    and the N needed for 80 % and 95 % power (``pwr::pwr.r.test``)."""
    from ..findings import power_correlation, sample_size_table

    rows = []
    for r in table.itertuples():
        pub = getattr(r, "published", None)
        if pub is None or pd.isna(pub) or pd.isna(r.n) or r.n < 4:
            continue
        need = sample_size_table(float(pub), powers=(0.8, 0.95), alpha=alpha)["n_required"].tolist()
        rows.append({"finding_id": r.finding_id, "published": float(pub), "n": int(r.n),
                     "power": float(power_correlation(r=float(pub), n=int(r.n), alpha=alpha).table()["power"].iloc[0]),
                     "n_for_80": int(need[0]), "n_for_95": int(need[1])})
    return pd.DataFrame(rows, columns=["finding_id", "published", "n", "power", "n_for_80", "n_for_95"])


def run_study(path, processed_dir=None, reports_dir=None, *, allow_outside_data: bool = False,
              named_dirs: tuple | None = None, analyses: bool = True, chunk_rows: int | None = None,
              progress: bool = False) -> StudyResult:
    """Run a study file end to end (see the module docstring).

    Parameters
    ----------
    path : str, Path or Study
        The study file (or what :func:`load_study` returned for it).
    processed_dir, reports_dir : str or Path, optional
        Output folders (default ``data/processed/<study>`` and ``reports/<study>``). Each is replaced
        as a whole, only when the run succeeds; neither may hold an input.
    allow_outside_data : bool
        Read a ``data:`` export outside the study file's folder (also settable in the study file).
    named_dirs : (processed_dir, reports_dir), optional
        The folders the report names (its audit path), when they differ from where this run writes:
        :func:`~analysis.pipeline.check.check_study` runs into a temporary folder but must write the
        report the run in place would write.
    analyses : bool, default True
        Run what the study file declares after scoring and screening (the measurement checks, the
        analyses, the replications) and write the report. ``False`` reads, scores and screens only
        and writes the processed folder alone (scores, audit, missing, screening, manifest): what a
        notebook that goes on with ``result.analysed`` needs. No report is written then, so giving
        ``reports_dir`` with ``analyses=False`` is refused.
    chunk_rows : int, optional
        Read the export N rows at a time, keeping only the columns the study reads (0: read it whole).
        Default: whole, but in chunks where ``goalscope score`` would chunk the file (above 512 MB, or
        above a twentieth of the memory available). The outputs are the same bytes either way
        (:mod:`analysis.pipeline.read_export`).
    progress : bool, default False
        Show a progress bar on stderr while reading in chunks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from analysis.datasets import study_path
    >>> from analysis.study import run_study
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> res = run_study(study_path("demo"), processed_dir=out / "p", analyses=False)   # no report: about 1 s
    >>> print(str(res).splitlines()[0])
    study 'demo': 400 respondents, 5 instrument(s), 185 value(s) set to missing

    R has no equivalent (this is the project's pipeline); every statistic it reports is checked
    against R in the tests of the function that computes it.
    """
    study = load_study(path)
    data_file = study.resolve(study.data)
    home = Path(study.path).parent
    if not (allow_outside_data or study.allow_outside_data) and not _inside(data_file, home):
        raise StudyError(
            f"is outside the study's folder ('{home}')", file=study.path, field="data", value=study.data,
            hint="Keep the export beside the study file (a study is one folder), or say it is meant: add "
                 "'allow_outside_data: true' to the study file or pass allow_outside_data=True")
    if not analyses and reports_dir is not None:
        raise StudyError("is given, but analyses=False writes no report", argument="reports_dir", value=Path(reports_dir),
                         hint="Leave out reports_dir, or run the analyses (analyses=True) to write the report.")
    processed = Path(processed_dir) if processed_dir else Path("data/processed") / study.name
    reports = Path(reports_dir) if reports_dir else Path("reports") / study.name
    inputs = study_inputs(study, data_file)
    check_output_folder(processed, inputs, "processed-data folder (processed_dir=)")
    if analyses:
        check_output_folder(reports, inputs, "report folder (reports_dir=)")
    if analyses and processed.resolve() != reports.resolve() and (_inside(processed, reports) or _inside(reports, processed)):
        raise StudyError(f"and processed_dir='{processed}' lie one inside the other",
                         argument="reports_dir", value=reports,   # a Path: shown whole, never cut
                         hint="each is replaced as a whole, so give two separate folders (or the same one)")

    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock[0]
        clock[0] = now

    data = read_study_export(study, data_file, chunk_rows, progress)
    lap("read")
    src = data.attrs.get("source")
    for col in study.identifiers + study.keep + ([study.group] if study.group else []):
        if col not in data.columns:
            raise StudyError("is not in the data", file=src, column=col, within=f"study file '{study.path}'",
                             hint="Check the names under identifiers:, keep: and group:." + near_columns(col, data))
    if study.id:
        check_ids(data, study.id, src)
    prepared = {}
    scores, audit, missing = score_study(study, data, items_out=prepared)
    lap("score")
    screening = screen_study(study, data)
    lap("screen")
    from ..psychometrics.keying import check_item_keying

    keying = check_item_keying(prepared, rows=None if screening is None else
                               ~screening.flags["excluded"].to_numpy(bool))

    key = pseudonym_key(data_file, study.name)
    if study.id:
        respondent = pseudonymise(data[study.id], key)
        audit["id"] = pseudonymise(audit["id"], key) if len(audit) else audit["id"]
    else:
        respondent = pd.Series([f"r{int(i) + int(data.attrs.get('first_row', 1))}" for i in data.index], index=data.index)
    drop = set(study.identifiers)
    if data.attrs.get("qualtrics"):
        drop |= {c for c in QUALTRICS_IDENTIFIERS if c in data.columns}
    kept = [c for c in study.keep if c not in drop and c != study.id]
    from .analyses import survey_columns, survey_options
    survey = survey_options(study)          # weights: and plausible_values: travel with the analysed rows
    kept += [c for c in survey_columns(survey, data, f"study file '{study.path}'", file=study.path) if c not in kept]
    if study.group and study.group not in kept:
        kept.insert(0, study.group)
    out = pd.concat([pd.DataFrame({"respondent": respondent}), data[kept], scores], axis=1)
    if screening is not None:
        out["excluded"] = screening.flags["excluded"].to_numpy()
        out["excluded_by"] = screening.flags["excluded_by"].to_numpy()

    from .analyses import run_analyses
    from .analysis_specs import parse_analyses
    from .measurement import measure_instrument
    from .report import write_full_report

    analysed = out if screening is None else out[~out["excluded"]]
    kept_rows = data.loc[analysed.index]
    specs = instrument_specs(study)
    source = f"study file '{study.path}'"
    for construct, col in study.constructs.items():
        if col not in out.columns:
            raise StudyError(f"is not among the scored or kept columns (e.g. {', '.join(list(scores.columns)[:4])})",
                             file=study.path, field=f"constructs.{construct}", value=col,
                             hint="Name a scored or kept column." + near_columns(col, out))
    lap("keying and pseudonyms")
    measurements = [measure_instrument(kept_rows, alias, spec, list(study.missing_codes) or None)
                    for alias, spec in specs.items()] if analyses else []
    lap("measurement")
    results = []
    for spec in parse_analyses(study.analyses, source, file=study.path) if analyses else []:
        results += run_analyses([spec], analysed, seed=study.seed, source=source, constructs=dict(study.constructs),
                                survey=survey)
        lap(f"analysis {spec.id}")
    replication = replication_power = None
    if study.replicate and analyses:
        from ..findings import replicate_study
        replication = replicate_study(analysed, constructs=dict(study.constructs),
                                      measures=construct_measures(study, specs))
        replication_power = power_at_study_n(replication.table())
        lap("replication")
    instruments = {alias: spec["instrument"] for alias, spec in specs.items()}

    same = not analyses or processed.resolve() == reports.resolve()
    with contextlib.ExitStack() as stack:
        # both folders are written under temporary names and renamed into place only if all succeeds
        tmp_p = stack.enter_context(atomic_folder(processed, inputs, "processed-data folder (processed_dir=)"))
        tmp_r = tmp_p if same else stack.enter_context(atomic_folder(reports, inputs, "report folder (reports_dir=)"))
        outputs = {
            "scores": write_table(out, tmp_p / "scores.csv"),
            "audit": write_table(audit, tmp_p / "audit.csv"),
            "missing": write_table(missing, tmp_p / "missing.csv"),
        }
        if screening is not None:
            flags = pd.concat([pd.DataFrame({"respondent": respondent}), screening.flags], axis=1)
            outputs["screening_flags"] = write_table(flags, tmp_p / "screening_flags.csv")
            outputs["screening_flow"] = write_table(screening.flow, tmp_p / "screening_flow.csv")
        result = StudyResult(study=study, scores=out, audit=audit, missing=missing, screening=screening,
                             outputs=outputs, keying=keying, timings=timings,
                             options={"study": str(study.path),
                                      "processed_dir": str(named_dirs[0] if named_dirs else processed),
                                      "reports_dir": str(named_dirs[1] if named_dirs else reports) if analyses else None,
                                      "allow_outside_data": bool(allow_outside_data or study.allow_outside_data),
                                      "analyses": bool(analyses)})
        if analyses:
            outputs.update(write_full_report(study, instruments, result, measurements, results, tmp_r,
                                             replication=replication, replication_power=replication_power,
                                             manifest=manifest(study, data_file, outputs)))
        outputs["manifest"] = write_json(manifest(study, data_file, outputs), tmp_p / "manifest.json")
        lap("report and writing")
        moved = {tmp_p.resolve(): processed.resolve()}
        if tmp_r is not tmp_p:
            moved[tmp_r.resolve()] = reports.resolve()
    # the folders are in place now: point the outputs at their final paths
    for name, p in outputs.items():
        for tmp, final in moved.items():
            if tmp in p.resolve().parents:
                outputs[name] = final / p.resolve().relative_to(tmp)
                break
    return result
