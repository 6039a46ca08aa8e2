"""Execute the notebooks in notebooks/ and export each to reports/notebooks/<name>.html.

    python scripts/run_notebooks.py                      # every notebook (what `make notebooks` runs)
    python scripts/run_notebooks.py notebooks/03_procrastination.ipynb -p study data/raw/my/study.yaml

Each notebook has one code cell tagged ``parameters`` (papermill's convention). Parameters given with
``-p NAME VALUE`` (VALUE read as YAML, so ``-p n_boot 5000`` is a number and ``-p persistence null``
is None) are injected as a new cell tagged ``injected-parameters`` right after it, which is what
papermill does; ``papermill notebooks/03_procrastination.ipynb out.ipynb -p study ...`` works the
same. We inject with nbclient ourselves instead of depending on papermill: the few lines below are
all of papermill the project needs, and nbclient and nbconvert are already pinned.

Notebooks run with the repository root as working directory (their paths are relative to it),
two at a time by default (``-j``/``--jobs``; each in its own kernel, so two cores are used). What
the runner prints, and the order in which it writes the HTML files, follows the notebooks' order
whichever finishes first. The HTML files are written atomically. Bad input (a parameter the
notebook does not declare, a study file that does not exist, any goalscope error) stops with the
message and exit status 2 (no further notebook is started; one already running is let finish and
its output dropped); a notebook that fails otherwise is reported with its traceback and the run
exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # so `analysis` is this checkout's package
    sys.path.insert(0, str(ROOT))


#: the thread pools of numpy's BLAS and of OpenMP: one thread each when two kernels share two cores
#: (unless the caller set them); the notebooks' outputs are the same either way
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

#: errors a notebook raises for bad input (a study file that does not exist, a column it lacks)
USER_ERRORS = {"GoalscopeError", "DataError", "StudyError", "InstrumentError"}


class UsageError(Exception):
    """A parameter the notebook does not declare, or a notebook that is not there."""


def declared_parameters(nb) -> list[str]:
    """Names assigned in the cell tagged ``parameters``."""
    import ast

    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        return []
    return [t.id for node in ast.parse(tagged[0].source).body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)]


def inject_parameters(nb, parameters: dict, source: str = "the notebook"):
    """Insert a cell assigning ``parameters`` after the ``parameters``-tagged cell (papermill's rule)."""
    if not parameters:
        return nb
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        raise UsageError(f"{source} has no cell tagged 'parameters'; cannot inject parameters")
    known = declared_parameters(nb)
    unknown = [k for k in parameters if k not in known]
    if unknown:
        raise UsageError(f"{source} has no parameter {', '.join(unknown)} (its parameters: {', '.join(known)})")
    source = "# Injected parameters\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell.id = "injected-parameters"
    nb.cells.insert(tagged[0] + 1, cell)
    return nb


def execute(path, parameters: dict | None = None, timeout: int = 300, append=(), env: dict | None = None):
    """Run one notebook from the repository root; returns the executed notebook.

    ``append``: code cells (source strings) run after the notebook's own, e.g. by a test that reads a result.
    ``env``: the kernel's environment variables (default: this process's).
    """
    if not Path(path).is_file():
        raise UsageError(f"notebook '{path}' does not exist")
    nb = nbformat.read(path, as_version=4)
    inject_parameters(nb, parameters or {}, f"notebook '{Path(path).name}'")
    for i, source in enumerate(append):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"appended-{i}"
        nb.cells.append(cell)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute(**({"env": env} if env else {}))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = join_streams(cell.outputs)
    return nb


def join_streams(outputs: list) -> list:
    """Outputs with each run of consecutive stream outputs of one name (stdout, stderr) made one.

    The kernel sends printed text in pieces as its flush timer fires, so on a busy machine one
    ``print`` can arrive as two outputs and show as two boxes; joined, the same cell gives the
    same HTML however busy the machine was. Nothing is reordered (unlike nbclient's
    ``coalesce_streams``, which also merges text printed before and after a figure).
    """
    out = []
    for o in outputs:
        if (o.get("output_type") == "stream" and out and out[-1].get("output_type") == "stream"
                and out[-1].get("name") == o.get("name")):
            out[-1]["text"] += o["text"]
        else:
            out.append(o)
    return out


def to_html(nb) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


def run_one(path, parameters: dict, env: dict | None = None) -> tuple[str, float]:
    """Execute one notebook and export it: (HTML, seconds taken)."""
    start = time.perf_counter()
    html = to_html(execute(path, parameters, env=env))
    return html, time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    ap.add_argument("-o", "--output-dir", type=Path, default=ROOT / "reports" / "notebooks")
    ap.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="notebooks run at the same time (default: 2, or 1 on a one-core machine)")
    args = ap.parse_args(argv)
    from analysis.io.writers import atomic_write_text

    parameters = {name: yaml.safe_load(value) for name, value in args.parameter}
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    jobs = max(1, args.jobs)
    env = {**os.environ, **{v: os.environ.get(v, "1") for v in THREAD_VARIABLES}} if jobs > 1 else None
    total, failed = time.perf_counter(), []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = [pool.submit(run_one, path, parameters, env) for path in paths]
        try:
            for path, run in zip(paths, runs):     # in the notebooks' order, whichever finishes first
                try:
                    html, seconds = run.result()
                except UsageError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 2
                except CellExecutionError as exc:
                    if exc.ename in USER_ERRORS:       # bad input: the message says what to fix; no traceback
                        print(f"error: {path.name}: {exc.evalue}", file=sys.stderr)
                        return 2
                    print(f"{path.name}: failed\n{exc}", file=sys.stderr)
                    failed.append(path.name)
                    continue
                out = atomic_write_text(args.output_dir / f"{path.stem}.html", html)
                print(f"{path.name}: {seconds:5.1f} s -> {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}",
                      flush=True)
        finally:                                   # after a stop: start no other notebook
            for run in runs:
                run.cancel()
    print(f"all {len(paths)} notebook(s): {time.perf_counter() - total:.1f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
