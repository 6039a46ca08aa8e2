"""Output files of the ``goalscope`` commands, checked before a command runs: an output (or a file a
command writes beside it) is never one of its inputs (:func:`check_outputs`), and an output's ending
is one the command can write (:func:`check_output_names`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError


#: input options (argparse dest -> what the message calls them); their files are never overwritten
INPUT_OPTIONS = {"file": "the input file (FILE)", "map": "the column map (--map)", "labels": "the labels file (--labels)",
                 "instrument": "the key file (--instrument)", "rules": "the rules file (--rules)",
                 "model": "the model file (--model)", "key_file": "the key file (--key-file)"}
#: output options; beside OUT commands also write OUT.<tag>.<ext> files
OUTPUT_OPTIONS = {"output": "-o/--output", "person_scores": "--person-scores", "figure": "--figure",
                  "classes": "--classes"}
SIDE_FILES = ("audit.csv", "items{suffix}", "fit{suffix}", "estimates{suffix}", "flow.csv", "flow.png", "flow.svg")


def check_outputs(args) -> None:
    """Refuse an output (or a file written beside it) that is one of the command's input files."""
    from ..io.writers import check_not_input

    inputs = {}
    for dest, name in INPUT_OPTIONS.items():
        value = getattr(args, dest, None)
        if isinstance(value, str) and value and (dest != "instrument" or Path(value).is_file()):
            inputs[f"{name} '{value}'" if dest == "file" else name] = value
    if not inputs:
        return
    outputs = [getattr(args, dest, None) for dest in OUTPUT_OPTIONS]
    for out in [o for o in outputs if o]:
        p = Path(out)
        check_not_input(p, inputs, "output")
        for tag in SIDE_FILES:
            side = p.with_name(f"{p.stem}.{tag.format(suffix=p.suffix)}")
            check_not_input(side, inputs, f"file that output '{out}' writes beside it")


FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def check_output_names(args, table_flags=("output", "classes"), figure_flags=("figure",)) -> None:
    """Refuse an output name with an ending the command cannot write *before* the analysis runs (not
    after printing its results)."""
    from ..io.writers import TABLE_SUFFIXES

    for dest, allowed, kind in [(d, TABLE_SUFFIXES, "table") for d in table_flags] + \
                               [(d, FIGURE_SUFFIXES, "figure") for d in figure_flags]:
        value = getattr(args, dest, None)
        if value and Path(value).suffix.lower() not in allowed:
            flag = OUTPUT_OPTIONS.get(dest, "--" + dest.replace("_", "-"))
            raise DataError(f"a {kind} is written as {', '.join(allowed)}", file=value, within=flag,
                            hint="give a file name with one of these endings")
