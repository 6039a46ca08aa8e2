"""``goalscope app``: a local one-page web app for the staff-survey job (a top layer like the CLI).

Each request runs the ``goalscope teams`` command itself (:func:`analysis.cli.main`) on the uploaded
file, so the page shows exactly the command line's messages and writes exactly its bytes.
Flask is used because it is small, well kept, WSGI, ships a test client and werkzeug's local server.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import shutil
import tempfile
import uuid
from pathlib import Path

#: largest upload accepted (bytes)
MAX_UPLOAD = 50 * 1024 * 1024
_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>goalscope: staff survey</title>
<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}label{display:block;margin:.5em 0}
.bad{outline:2px solid #c00}.error{color:#c00;white-space:pre-wrap}pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap}</style>
</head><body><h1>Staff survey report</h1>
<form method="post" action="/run" enctype="multipart/form-data">
<label>Survey export (CSV, xlsx, SPSS .sav) <input type="file" name="file" id="file" class="{{ bad('file') }}"></label>
<label>Instrument <input name="instrument" id="instrument" value="{{ f.instrument }}" class="{{ bad('instrument') }}"></label>
<label>Item columns (pattern) <input name="columns" id="columns" value="{{ f.columns }}" class="{{ bad('columns') }}"></label>
<label>Unit column <input name="group" id="group" value="{{ f.group }}" class="{{ bad('group') }}"></label>
<label>Parent unit column (optional) <input name="parent" id="parent" value="{{ f.parent }}" class="{{ bad('parent') }}"></label>
<label>Minimum group size <input name="min_group" id="min_group" type="number" value="{{ f.min_group }}" class="{{ bad('min_group') }}"></label>
<label>Report <select name="output" id="output">{% for e in ('xlsx', 'html') %}<option{{ ' selected' if f.output == e }}>{{ e }}</option>{% endfor %}</select></label>
<button type="submit" id="run">Make the report</button></form>
{% if error %}<p class="error" id="error">{{ error }}</p>{% endif %}
{% if plan %}<h2>Anonymity plan</h2><pre id="plan">{{ plan }}</pre>
<p><a id="download" href="/download/{{ token }}/{{ name }}">Download {{ name }}</a></p>{% endif %}
</body></html>"""


def run_teams(argv: list[str]) -> tuple[int, str, str]:
    """Run ``goalscope teams`` in-process; return (exit code, stdout, stderr) as the terminal shows them."""
    from ..cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _field_of(message: str, form: dict) -> str | None:
    """The form field an error message is about (the first field whose option or value it names)."""
    text = message.lower()
    words = {"min_group": "minimum group size", "columns": "needs column(s)", "instrument": "instrument '",
             "group": "grouping column", "parent": "parent column"}
    for name in ("min_group", "columns", "instrument", "group", "parent"):
        value = str(form.get(name) or "").lower()
        if words[name] in text or f"--{name.replace('_', '-')} " in text or (value and f"'{value}'" in text):
            return name
    return "file"


def create_app(workdir: str | Path | None = None):
    """Build the Flask app; uploads and reports live in ``workdir`` (a private temp folder by default).

    Examples
    --------
    >>> from analysis.app import create_app
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
    defaults = {"instrument": "vandewalle", "columns": "wdgo_{n}", "group": "team", "parent": "",
                "min_group": "5", "output": "xlsx"}

    def page(form, error=None, bad=None, **kw):
        return render_template_string(_PAGE, f=form, error=error, bad=lambda n: "bad" if n == bad else "", **kw)

    @app.get("/")
    def index():
        return page(defaults)

    @app.post("/run")
    def run():
        form = {k: request.form.get(k, defaults[k]).strip() for k in defaults}
        up = request.files.get("file")
        if up is None or not up.filename:
            return page(form, "choose a survey export to upload", "file"), 400
        if form["output"] not in ("xlsx", "html"):
            return page(form, f"report type '{form['output']}': choose xlsx or html", "output"), 400
        token = uuid.uuid4().hex
        folder = root / token
        folder.mkdir(mode=0o700)
        src = folder / (secure_filename(up.filename) or "upload")   # never a path outside the folder
        up.save(src)
        name = f"teams.{form['output']}"
        argv = ["teams", str(src), "--instrument", form["instrument"], "--columns", form["columns"],
                "--group", form["group"], "--min-group", form["min_group"], "-o", str(folder / name)]
        if form["parent"]:
            argv += ["--parent", form["parent"]]
        code, out, err = run_teams(argv)
        src.unlink()   # the upload (it may hold identifiers) is not kept after the run
        if code != 0:
            # the terminal's message, with the private folder left out (no local paths in the page)
            message = " ".join(err.split()).removeprefix("goalscope: error: ").removeprefix("goalscope: ")
            message = message.replace(str(src), src.name)
            message = message.replace(f"{folder}{os.sep}", "")   # e.g. the output path
            shutil.rmtree(folder)
            return page(form, message, _field_of(message, form)), 400
        plan = out.replace(str(folder / name), name)
        return page(form, plan=plan, token=token, name=name)

    @app.get("/download/<token>/<name>")
    def download(token, name):
        if not token.isalnum() or not (root / token).is_dir():
            abort(404)
        return send_from_directory(root / token, name, as_attachment=True)

    return app


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
