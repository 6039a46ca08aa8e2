"""Imports run one way (docs/architecture.md): a station imports only the stations before it and the
shared modules; no module of ``analysis/`` is part of an import cycle; no station imports the command
line, the pipeline or ``analysis.study``; no submodule is named like a function its package exports.

An import counts wherever it is written (inside a function too), and so does every module a
package's ``lazy_exports`` table names: a lazy import hides an edge from Python, not from these tests."""

from __future__ import annotations

import ast
import importlib
import pathlib
from collections import deque

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "analysis"

#: the data flow, in order; a station may import the ones before it (formatting: APA numbers, labels
#: and figures, a leaf any station may import)
STATIONS = ["formatting", "io", "instruments", "scoring", "screening", "psychometrics", "models", "anonymity",
            "goals", "teams", "findings", "report", "pipeline"]
#: shared modules any station may import
SHARED = {"errors", "checks", "results", "deprecation", "_lazy", "_version", "datasets", "atomic", "parallel"}
TOP_ONLY = {"cli", "study", "commands", "__main__", "app"}


def _imports(path: pathlib.Path) -> set[str]:
    """The ``analysis`` modules a file imports (absolute dotted names), wherever the import is written,
    and the modules its ``lazy_exports(...)`` tables name."""
    rel = path.relative_to(ROOT.parent).with_suffix("")
    package = list(rel.parts[:-1])
    me = ".".join(package if rel.name == "__init__" else rel.parts)

    def absolute(module: str | None, level: int) -> str:
        if not level:
            return module or ""
        return ".".join(package[: len(package) - level + 1] + ([module] if module else []))

    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            mod = absolute(node.module, node.level)
            if mod.startswith("analysis"):
                if not me.startswith(f"{mod}."):      # a package is loaded before its own modules
                    out.add(mod)
                out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("analysis"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith("analysis"):
                out.add(arg.value)
        elif (isinstance(node, ast.Call) and _called(node.func) == "lazy_exports" and len(node.args) > 1
              and isinstance(node.args[1], ast.Dict)):
            for key in node.args[1].keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    name = key.value.lstrip(".")
                    out.add(absolute(name, len(key.value) - len(name)))
    return out


def _called(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _top(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


STATION_FILES = sorted(p for s in STATIONS for p in (ROOT / s).rglob("*.py"))
#: every module of analysis/ by its dotted name: stations, shared modules, the top layer
MODULES = {".".join(p.relative_to(ROOT.parent).with_suffix("").parts[:-1] if p.name == "__init__.py"
                    else p.relative_to(ROOT.parent).with_suffix("").parts): p for p in ROOT.rglob("*.py")}


def _module_of(name: str) -> str | None:
    """The module that defines ``name`` (``analysis.io.row_label`` → ``analysis.io``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """``module → the modules it imports`` over every module of analysis/."""
    return {m: {_module_of(n) for n in _imports(p)} - {None, m} for m, p in MODULES.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, …, a]``) through every group of modules that import each other (Tarjan's
    strongly connected components, then a shortest way back to the first module)."""
    index, low, stack, on, groups = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    cycles = []
    for group in groups:
        start = min(group)
        came = {w: start for w in graph[start] & group}
        todo = deque(sorted(came))
        while start not in came:
            v = todo.popleft()
            for w in sorted(graph[v] & group):
                if w not in came:
                    came[w] = v
                    todo.append(w)
        path, v = [start], came[start]
        while v != start:
            path.append(v)
            v = came[v]
        cycles.append([start] + path[:0:-1] + [start])
    return sorted(cycles)


def test_no_import_cycles():
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_import_cycles_are_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert import_cycles(graph) == [["a", "b", "c", "a"]]
    assert _module_of("analysis.io.row_label") == "analysis.io"
    lazy = _imports(ROOT / "teams" / "__init__.py")
    assert {"analysis.teams.report", "analysis.anonymity.privacy"} <= lazy


@pytest.mark.parametrize("path", STATION_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_station_imports_run_one_way(path):
    station = path.relative_to(ROOT).parts[0]
    allowed = set(STATIONS[: STATIONS.index(station) + 1]) | SHARED
    if station == "pipeline":
        allowed |= set(STATIONS)
    bad = sorted(m for m in _imports(path)
                 if _top(m) is not None and (_top(m) in TOP_ONLY or _top(m) not in allowed)
)
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


#: all that formatting may import from analysis: itself, the base modules and the atomic file writer
FORMATTING_MAY_IMPORT = {"formatting", "errors", "deprecation", "atomic"}


def test_formatting_is_a_leaf():
    files = sorted((ROOT / "formatting").rglob("*.py"))
    bad = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if _top(m) not in FORMATTING_MAY_IMPORT)
           for p in files}
    assert files and {k: v for k, v in bad.items() if v} == {}


def test_no_station_imports_cli_or_study():
    offenders = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if _top(m) in {"cli", "study", "app"})
                 for p in STATION_FILES}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_command_line_lives_in_cli():
    """A station holds no command module: its sub-commands are ``analysis/cli/<module>.py``, and
    ``analysis.cli`` lists only modules of its own package."""
    import analysis.cli as cli

    assert [str(p.relative_to(ROOT)) for p in STATION_FILES if p.stem.endswith("commands")] == []
    assert [m for m in cli.COMMAND_MODULES if not m.startswith("analysis.cli.")] == []
    assert not (ROOT / "command_options.py").exists() and not (ROOT / "commands.py").exists()


@pytest.mark.parametrize("package", ["scoring", "screening", "psychometrics", "models", "anonymity", "teams", "goals",
                                     "findings", "io", "instruments"])
def test_no_submodule_named_like_an_export(package):
    mod = importlib.import_module(f"analysis.{package}")
    subs = {p.stem for p in (ROOT / package).glob("*.py")}
    assert sorted(set(mod.__all__) & subs) == []
    for name in mod.__all__:          # importing every submodule never replaces an export
        assert getattr(mod, name) is not None
    for sub in sorted(subs - {"__init__"}):
        importlib.import_module(f"analysis.{package}.{sub}")


def test_exports_are_the_functions_after_their_modules_load():
    import analysis.models.indirect_effects  # noqa: F401
    from analysis.models import mediation
    assert callable(mediation) and mediation.__name__ == "mediation"


# --- the import graph drawn in docs/architecture.md (generated; `python scripts/import_graph.py` writes it) ----

GRAPH_START = "<!-- import graph: written by `python scripts/import_graph.py` from the code; tests/test_imports.py checks it -->"
GRAPH_END = "<!-- end of the import graph -->"
ARCHITECTURE = ROOT.parent / "docs" / "architecture.md"


def _unit(module: str) -> str:
    """The folder or top-level module a module belongs to (``analysis.io.readers`` → ``io/``)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "analysis (exports)"
    return f"{parts[1]}/" if (ROOT / parts[1]).is_dir() else f"{parts[1]}.py"


def folder_graph() -> dict[str, set[str]]:
    """``folder or top-level module → the ones it imports`` (within a folder not counted)."""
    out: dict[str, set[str]] = {}
    for m, targets in import_graph().items():
        out.setdefault(_unit(m), set()).update(_unit(t) for t in targets)
    return {u: targets - {u} for u, targets in out.items()}


def _order(unit: str) -> tuple:
    name = unit.rstrip("/").removesuffix(".py")
    if name in STATIONS:
        return (1, STATIONS.index(name), name)
    if name in SHARED or unit.endswith(".py") and name not in TOP_ONLY:
        return (0, 0, name)
    return (2, 0, name)


def render_graph() -> str:
    """The import graph as a Markdown table, shared modules first, then the stations in their order,
    then the top layer; each row names what it imports and what imports it."""
    graph = folder_graph()
    by = {u: sorted((v for v in graph if u in graph[v]), key=_order) for u in graph}
    rows = [GRAPH_START, "", "| module or folder | imports | imported by |", "|---|---|---|"]
    for u in sorted(graph, key=_order):
        names = lambda xs: ", ".join(f"`{x}`" for x in xs) or "—"  # noqa: E731
        rows.append(f"| `{u}` | {names(sorted(graph[u], key=_order))} | {names(by[u])} |")
    return "\n".join(rows + ["", GRAPH_END])


def test_the_architecture_page_draws_the_import_graph_of_the_code():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert GRAPH_START in text and GRAPH_END in text, "docs/architecture.md has no generated import graph"
    drawn = text[text.index(GRAPH_START): text.index(GRAPH_END) + len(GRAPH_END)]
    assert drawn == render_graph(), "docs/architecture.md: the import graph is out of date; run python scripts/import_graph.py"


def test_the_graph_puts_each_module_in_its_folder():
    assert _unit("analysis.io.readers") == "io/" and _unit("analysis.checks") == "checks.py"
    assert _unit("analysis") == "analysis (exports)"
    assert "errors.py" in folder_graph()["io/"] and "io/" not in folder_graph()["io/"]


def test_no_two_folders_import_each_other():
    """Folders (and top-level modules) form no cycle either: a module-level graph without cycles can
    still tie two folders together through different modules."""
    cycles = import_cycles(folder_graph())
    assert not cycles, "folder-level import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_new_analysis_guide_names_files_that_exist():
    """docs/new_analysis.md sends a newcomer to files by path: every path it names is in the repository."""
    import re

    guide = (ROOT.parent / "docs" / "new_analysis.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:analysis|tests|scripts|docs)/[\w/.]+?\.(?:py|R|md))", guide))
    assert len(paths) >= 15
    assert sorted(p for p in paths if not (ROOT.parent / p).exists()) == []
