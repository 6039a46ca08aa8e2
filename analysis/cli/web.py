"""``goalscope app``: a local one-page web app for the staff-survey job, a front end of the command line.

Two steps, each the ``goalscope teams`` command itself (:func:`analysis.cli.main`) on the uploaded
file(s), so the page shows exactly the command line's messages and writes exactly its bytes:

1. *Show the anonymity plan* uploads the export (and a second wave, if any), lists its columns
   (values only of columns that look like categories or answer codes, see :func:`column_preview`)
   and runs ``goalscope teams ... --plan-only``: which units would be hidden and why; nothing is written.
2. *Make the report* runs ``goalscope teams ...`` with the planned choices and offers the workbook or
   the HTML report for download; the uploads are deleted after the run.

Flask is used because it is small, well kept, WSGI, ships a test client and werkzeug's local server.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

#: largest upload accepted (bytes)
MAX_UPLOAD = 50 * 1024 * 1024
#: the form's fields and their defaults (the staff demo's choices)
DEFAULTS = {"instrument": "vandewalle", "columns": "wdgo_{n}", "group": "team", "parent": "", "also": "", "min_group": "5",
            "wave_names": "", "wave": "", "goal_text": "", "output": "xlsx"}
#: a column whose name says it identifies a person
_ID_NAME = re.compile(r"(^|[^a-z])(id|ids|email|e_?mail|mail|name|phone|address|ip)([^a-z]|$)", re.I)
#: the plan's last line in the page (the terminal's line names the --plan-only flag)
APP_PLAN_ONLY = "plan only: no file written yet (press Make the report to make it)"
#: longest text answer of a previewed column (longer: free text, not shown)
PREVIEW_MAX_TEXT = 40

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>goalscope: staff survey</title>
<style>body{font-family:sans-serif;max-width:52em;margin:2em auto}label{display:block;margin:.5em 0}
.bad{outline:2px solid #c00}.error{color:#c00;white-space:pre-wrap}pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap}
table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
fieldset{margin:.8em 0}.note{color:#555}</style>
</head><body><h1>Staff survey report</h1>
<form method="post" action="/plan" enctype="multipart/form-data" id="form">
<input type="hidden" name="token" id="token" value="{{ token or '' }}">
<fieldset><legend>1. The export</legend>
<label>Survey export (CSV, xlsx, SPSS .sav, Qualtrics) <input type="file" name="file" id="file" class="{{ bad('file') }}"></label>
<label>Second wave, optional (the same survey later) <input type="file" name="file2" id="file2" class="{{ bad('file2') }}"></label>
{% if uploaded %}<p class="note" id="uploaded">Uploaded: {{ uploaded }} (choose a file again to replace it)</p>{% endif %}
</fieldset>
<fieldset><legend>2. What to report</legend>
<label>Instrument <input name="instrument" id="instrument" value="{{ f.instrument }}" list="instruments" class="{{ bad('instrument') }}"></label>
<label>Item columns (pattern) <input name="columns" id="columns" value="{{ f.columns }}" class="{{ bad('columns') }}"></label>
<label>Unit column <input name="group" id="group" value="{{ f.group }}" list="colnames" class="{{ bad('group') }}"></label>
<label>Parent unit column (optional) <input name="parent" id="parent" value="{{ f.parent }}" list="colnames" class="{{ bad('parent') }}"></label>
<label>Other groupings of the same people, comma-separated (optional) <input name="also" id="also" value="{{ f.also }}" class="{{ bad('also') }}"></label>
<label>Minimum group size <input name="min_group" id="min_group" type="number" value="{{ f.min_group }}" class="{{ bad('min_group') }}"></label>
<label>Wave names, comma-separated (optional) <input name="wave_names" id="wave_names" value="{{ f.wave_names }}" class="{{ bad('wave_names') }}"></label>
<label>Or a wave column in one file (optional) <input name="wave" id="wave" value="{{ f.wave }}" list="colnames" class="{{ bad('wave') }}"></label>
<label>Goal statements column, coded into shares per unit (optional) <input name="goal_text" id="goal_text" value="{{ f.goal_text }}" list="colnames" class="{{ bad('goal_text') }}"></label>
<label>Report <select name="output" id="output">{% for e in ('xlsx', 'html') %}<option{{ ' selected' if f.output == e }}>{{ e }}</option>{% endfor %}</select></label>
</fieldset>
<button type="submit" id="show_plan">Show the anonymity plan</button>
{% if planned %} <button type="submit" id="run" formaction="/run">Make the report</button>{% endif %}
<datalist id="instruments">{% for i, name in instruments %}<option value="{{ i }}">{{ name }}</option>{% endfor %}</datalist>
<datalist id="colnames">{% for c in preview %}<option value="{{ c.column }}">{% endfor %}</datalist>
</form>
{% if error %}<p class="error" id="error">{{ error }}</p>{% endif %}
{% if note %}<p class="note" id="note">{{ note }}</p>{% endif %}
{% if near %}<ul id="near">{% for line in near %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{% if plan %}<h2>{{ 'Anonymity plan' if planned else 'Report made' }}</h2><pre id="plan">{{ plan }}</pre>{% endif %}
{% if name %}<p><a id="download" href="/download/{{ token }}/{{ name }}">Download {{ name }}</a></p>{% endif %}
{% if preview %}<h2>Columns of {{ preview_of }}</h2>
<table id="preview"><tr><th>column</th><th>first values</th></tr>
{% for c in preview %}<tr><td>{{ c.column }}</td><td>{{ c.first }}</td></tr>{% endfor %}</table>{% endif %}
</body></html>"""


def run_teams(argv: list[str]) -> tuple[int, str, str]:
    """Run ``goalscope teams`` in-process; return (exit code, stdout, stderr) as the terminal shows them."""
    from . import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def column_preview(data, n: int = 3) -> list[dict]:
    """Each column's name and, for columns that look like categories or answer codes, its first values.

    The first rule that holds decides what a column shows:

    ====================================================  ==========================================
    the column                                            shows
    ====================================================  ==========================================
    no answers                                            "no answers"
    its name says it identifies a person (id, email,      "identifier: values not shown"
    name, phone, address, ip), or a value contains "@"
    at least half of its answers are distinct             "one value per person: values not shown"
    a text answer longer than ``PREVIEW_MAX_TEXT`` (40)   "free text: values not shown"
    otherwise                                             its first ``n`` distinct values
    ====================================================  ==========================================

    Examples
    --------
    >>> from analysis.cli.web import column_preview
    >>> from analysis.datasets import read_dataset
    >>> rows = {r["column"]: r["first"] for r in column_preview(read_dataset("staff_demo"))}
    >>> rows["email"], rows["team"], rows["wdgo_2"], rows["goal"]
    ('identifier: values not shown', 'FIN-01, FIN-02, FIN-03', '2, 6, 4', 'free text: values not shown')

    # R: no equivalent (a page of the app)
    """
    import pandas as pd

    rows = []
    for col in data.columns:
        s = data[col].dropna()
        text = s.map(lambda v: f"{v:g}" if isinstance(v, float) else str(v))
        text = text[text.str.strip() != ""]
        if text.empty:
            first = "no answers"
        elif _ID_NAME.search(str(col)) or text.str.contains("@", regex=False).any():
            first = "identifier: values not shown"
        elif text.nunique() >= 0.5 * len(text):
            first = "one value per person: values not shown"
        elif not pd.api.types.is_numeric_dtype(s) and text.str.len().max() > PREVIEW_MAX_TEXT:
            first = "free text: values not shown"
        else:
            first = ", ".join(text.drop_duplicates().head(n))
        rows.append({"column": str(col), "first": first})
    return rows


def near_matches(form: dict, columns) -> list[str]:
    """For each column field naming a column the file lacks: the sentence with its near matches.

    Parameters
    ----------
    form : dict
        The page's choices (``group``, ``parent``, ``also`` (comma-separated), ``wave``, ``goal_text``;
        others are ignored).
    columns : list of str
        The uploaded file's columns.

    Returns
    -------
    list of str
        One sentence per unknown column, from :func:`analysis.checks.unknown_names` (the function the
        command line uses), without its list of every column (the page's preview shows them).

    Examples
    --------
    >>> from analysis.cli.web import near_matches
    >>> near_matches({"group": "Team", "goal_text": "goal"}, ["team", "site", "goal"])
    ["unknown unit column 'Team' (did you mean 'team'?)"]

    # R: no equivalent (a page of the app)
    """
    from ..checks import unknown_names

    out = []
    for field, label in (("group", "unit column"), ("parent", "parent column"), ("also", "grouping column"),
                         ("wave", "wave column"), ("goal_text", "goal statements column")):
        for value in [v.strip() for v in str(form.get(field) or "").split(",") if v.strip()]:
            if value not in columns:
                # the sentence up to its list of every column (the preview shows them)
                out.append(unknown_names([value], [str(c) for c in columns], label).split(". Valid ")[0])
    return out


def _field_of(message: str, form: dict, files: dict) -> str:
    """The form field an error message is about: a field its words name without doubt, else the field
    whose value it quotes, else the field its words name, else the file it quotes (else the export)."""
    text = message.lower()
    certain = {"min_group": ["minimum group size"], "columns": ["needs column(s)"],
               "goal_text": ["goal statement column"], "wave_names": ["wave names", "--wave-names"],
               "wave": ["--wave ", "wave column"]}
    for name, words in certain.items():
        if any(w in text for w in words):
            return name
    for name in ("group", "parent", "also", "wave", "goal_text", "instrument"):
        values = [v.strip().lower() for v in str(form.get(name) or "").split(",") if v.strip()]
        if any(f"'{v}'" in text for v in values):
            return name
    for name, words in {"instrument": ["instrument '"], "group": ["grouping column"], "parent": ["parent"]}.items():
        if any(w in text for w in words):
            return name
    return "file2" if files.get("file2") and f"'{files['file2'].lower()}'" in text else "file"


def create_app(workdir: str | Path | None = None):
    """Build the Flask app; uploads and reports live in ``workdir`` (a private temp folder by default).

    Examples
    --------
    >>> from analysis.cli.web import create_app
    >>> client = create_app().test_client()
    >>> client.get("/").status_code
    200
    """
    from flask import Flask, abort, render_template_string, request, send_from_directory
    from werkzeug.utils import secure_filename

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    if workdir is None:   # a private folder, removed when Python exits
        workdir = tempfile.mkdtemp(prefix="goalscope-app-")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    root = Path(workdir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    app.config["WORKDIR"] = root
    plans: dict[str, dict] = {}    # token -> the choices its plan was made with

    from ..instruments import list_instruments

    shipped = list_instruments()[["id", "name"]].itertuples(index=False, name=None)
    instruments = list(shipped)   # the registry's ids, offered as the instrument box's choices

    def page(form, error=None, bad=None, **kw):
        kw.setdefault("preview", [])
        kw.setdefault("instruments", instruments)
        return render_template_string(_PAGE, f=form, error=error, bad=lambda n: "bad" if n == bad else "", **kw)

    def uploads(folder: Path) -> list[Path]:
        return sorted(p for p in folder.glob("in*/*") if p.is_file())

    def clean(text: str, folder: Path) -> str:
        """The terminal's text with the private folder left out (no local paths in the page)."""
        text = text.removeprefix("goalscope: error: ").removeprefix("goalscope: ")
        return text.replace(f"{folder}{os.sep}in1{os.sep}", "").replace(f"{folder}{os.sep}in2{os.sep}", "") \
                   .replace(f"{folder}{os.sep}", "")

    def argv_of(form, folder: Path, plan_only: bool) -> list[str]:
        files = [str(p) for p in uploads(folder)]
        name = _report_name(form, len(files))
        argv = ["teams", *files, "--instrument", form["instrument"], "--columns", form["columns"],
                "--group", form["group"], "--min-group", form["min_group"], "-o", str(folder / name)]
        for field in ("parent", "also", "wave_names", "wave", "goal_text"):
            if form[field]:
                argv += [f"--{field.replace('_', '-')}", form[field]]
        return argv + (["--plan-only"] if plan_only else [])

    def choices():
        return {k: request.form.get(k, DEFAULTS[k]).strip() for k in DEFAULTS}

    @app.get("/")
    def index():
        return page(DEFAULTS)

    @app.post("/plan")
    def plan():
        return _plan(choices())

    def _plan(form, note: str | None = None):
        token = request.form.get("token", "")
        folder = root / token if token.isalnum() and (root / token).is_dir() else None
        new = {k: request.files.get(k) for k in ("file", "file2")}
        new = {k: f for k, f in new.items() if f is not None and f.filename}
        if not new.get("file") and (folder is None or not uploads(folder)):
            return page(form, "choose a survey export to upload", "file"), 400
        if new.get("file"):                       # a new export: a new private folder
            if folder is not None:
                shutil.rmtree(folder)
                plans.pop(token, None)
            token = uuid.uuid4().hex
            folder = root / token
            folder.mkdir(mode=0o700)
        for i, key in ((1, "file"), (2, "file2")):
            if key in new:
                sub = folder / f"in{i}"
                shutil.rmtree(sub, ignore_errors=True)
                sub.mkdir(mode=0o700)
                new[key].save(sub / (secure_filename(new[key].filename) or "upload"))   # never outside the folder
        if form["output"] not in ("xlsx", "html"):
            return page(form, f"report type '{form['output']}': choose xlsx or html", "output", token=token), 400
        files = uploads(folder)
        names = {"file": files[0].name, "file2": files[1].name if len(files) > 1 else None}
        preview, near = [], []
        with contextlib.suppress(Exception):    # an unreadable file: the command's own message follows
            from ..io import read_responses

            data = read_responses(files[0])
            preview, near = column_preview(data), near_matches(form, data.columns)
        code, out, err = run_teams(argv_of(form, folder, plan_only=True))
        common = {"token": token, "preview": preview, "preview_of": names["file"], "near": near,
                  "uploaded": ", ".join(n for n in names.values() if n)}
        if code != 0:
            message = " ".join(clean(err, folder).split())
            plans.pop(token, None)
            return page(form, message, _field_of(message, form, names), **common), 400
        plans[token] = form
        from .teams import PLAN_ONLY

        text = clean(out, folder).replace(PLAN_ONLY, APP_PLAN_ONLY)   # the page's button, not the flag
        return page(form, plan=text, planned=True, note=note, **common)

    @app.post("/run")
    def run():
        form = choices()
        token = request.form.get("token", "")
        if token not in plans or any(request.files.get(k) and request.files[k].filename for k in ("file", "file2")):
            return _plan(form)                    # nothing is made before its plan was shown
        if plans[token] != form:                  # changed choices: show their plan first
            return _plan(form, "the choices changed since the plan was shown: this is the plan for them; "
                               "press Make the report to make it")
        folder = root / token
        code, out, err = run_teams(argv_of(form, folder, plan_only=False))
        name = _report_name(form, len(uploads(folder)))
        for p in uploads(folder):                 # the uploads (they may hold identifiers) are not kept
            p.unlink()
        plans.pop(token)
        if code != 0:
            message = " ".join(clean(err, folder).split())
            return page(form, message, _field_of(message, form, {})), 400
        return page(form, plan=clean(out, folder), token=token, name=name)

    @app.get("/download/<token>/<name>")
    def download(token, name):
        if not token.isalnum() or not (root / token).is_dir():
            abort(404)
        return send_from_directory(root / token, name, as_attachment=True)

    return app


def _report_name(form: dict, n_files: int) -> str:
    """teams.xlsx, or change.xlsx for a report over waves (two files, or a wave column)."""
    waves = n_files > 1 or bool(form.get("wave"))
    return f"{'change' if waves else 'teams'}.{form['output']}"


def serve(port: int = 8765) -> int:
    """Serve the app on 127.0.0.1 only; the private temp folder is removed at exit."""
    import signal
    import sys

    app = create_app()
    # a stop by `kill` (SIGTERM) ends like Ctrl+C, so the private folder is removed either way
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        app.run(host="127.0.0.1", port=port)
    finally:
        shutil.rmtree(app.config["WORKDIR"], ignore_errors=True)
    return 0
