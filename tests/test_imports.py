"""Imports run one way (docs/architecture.md): a station imports only the stations before it and the
shared modules; no station imports the command line, the pipeline or ``analysis.study``; no
submodule is named like a function its package exports."""

from __future__ import annotations

import ast
import importlib
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "analysis"

#: the data flow, in order; a station may import the ones before it (formatting: APA numbers, labels
#: and figures, a leaf any later station may import; it stands after io for the atomic writer)
STATIONS = ["io", "formatting", "instruments", "scoring", "screening", "psychometrics", "models", "teams", "goals",
            "findings", "report", "pipeline"]
#: shared modules any station may import
SHARED = {"errors", "checks", "results", "deprecation", "_lazy", "datasets"}
#: what a station may import besides the stations before it (teams use the goal coder for the
#: staff report's goal section)
EXTRA = {
    "teams": {"goals"},
}
TOP_ONLY = {"cli", "study", "commands", "__main__", "app"}


def _imports(path: pathlib.Path) -> set[str]:
    """The ``analysis`` modules a file imports (absolute dotted names)."""
    rel = path.relative_to(ROOT.parent).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("analysis"):
                out.add(mod)
                out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("analysis"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith("analysis"):
                out.add(arg.value)
    return out


def _top(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


STATION_FILES = sorted(p for s in STATIONS for p in (ROOT / s).rglob("*.py"))


@pytest.mark.parametrize("path", STATION_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_station_imports_run_one_way(path):
    station = path.relative_to(ROOT).parts[0]
    allowed = set(STATIONS[: STATIONS.index(station) + 1]) | SHARED | EXTRA.get(station, set()) | {"__version__"}
    if station == "pipeline":
        allowed |= set(STATIONS)
    bad = sorted(m for m in _imports(path)
                 if _top(m) is not None and (_top(m) in TOP_ONLY or _top(m) not in allowed)
)
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


#: all that formatting may import from analysis: itself, the base modules and the one atomic writer
FORMATTING_MAY_IMPORT = {"formatting", "errors", "deprecation"}
FORMATTING_WRITER = {"analysis.io.writers", "analysis.io.writers.atomic_write_bytes"}


def test_formatting_is_a_leaf():
    files = sorted((ROOT / "formatting").rglob("*.py"))
    bad = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p)
                                            if _top(m) not in FORMATTING_MAY_IMPORT and m not in FORMATTING_WRITER)
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


@pytest.mark.parametrize("package", ["scoring", "screening", "psychometrics", "models", "teams", "goals",
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
