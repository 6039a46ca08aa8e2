"""Values the user types after a flag: argparse types (row number, confidence level, bootstrap count,
seed), lists of codes and of code pairs, lists of columns (with shell-style patterns) and model
formulas. A refusal names the flag as typed (``argument="--recode"``)."""

from __future__ import annotations

import argparse

from ..checks import near_columns
from ..errors import DataError, GoalscopeError


def header_row_arg(text: str) -> int:
    """argparse type of ``--header-row``: a row number of 1 or more."""
    from ..checks import show

    n = int(text) if text.strip().isdigit() else 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{show(text)} is not a row number; give the row holding the column names "
                                         f"as the file or spreadsheet shows it, counting from 1")
    return n


def level_arg(text: str) -> float:
    """argparse type of ``--ci``/``--level``: a confidence level strictly between 0 and 1."""
    from ..checks import check_level, show

    try:
        return check_level(float(text), "confidence level")
    except (ValueError, GoalscopeError):
        raise argparse.ArgumentTypeError(f"{show(text)} is not a confidence level; give a number strictly between 0 "
                                         f"and 1, e.g. 0.95 for a 95% CI") from None


def add_level_option(p, what: str = "every CI") -> None:
    """``--level``, the confidence level of ``what`` (:func:`level_arg`, default 0.95)."""
    p.add_argument("--level", type=level_arg, default=0.95, metavar="L",
                   help=f"confidence level of {what}, strictly between 0 and 1 (default: 0.95)")


def n_boot_arg(text: str) -> int:
    """argparse type of ``--n-boot``: a whole number of at least 100 resamples."""
    from ..checks import MIN_BOOT, show

    n = _whole_number(text)
    if n < MIN_BOOT:
        raise argparse.ArgumentTypeError(f"{show(text)} is not a usable number of bootstrap resamples; give a whole "
                                         f"number of at least {MIN_BOOT} (1000 or more for a CI you report)")
    return n


def seed_arg(text: str) -> int:
    """argparse type of ``--seed``: a whole number of 0 or more."""
    from ..checks import show

    n = _whole_number(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{show(text)} is not a seed; give a whole number of 0 or more")
    return n


def chunk_rows_arg(text: str) -> int:
    """argparse type of ``--chunk-rows``: a whole number of 0 or more."""
    n = _whole_number(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of rows (0 or more; 0 reads the file whole)")
    return n


def _whole_number(text: str) -> int:
    """``text`` as an int; -1 (below every allowed count) when it is not a whole number."""
    try:
        return int(text)
    except ValueError:
        return -1


def parse_codes(text):
    """``"0, -99, NA"`` → ``[0, -99, "NA"]``: numbers where they read as numbers (None stays None)."""
    if text is None:
        return None
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(int(part))
        except ValueError:
            try:
                out.append(float(part))
            except ValueError:
                out.append(part)
    return out


def parse_pairs(text, what):
    """``"1:0,2:1"`` → ``{1.0: 0.0, 2.0: 1.0}``; ``what`` is the flag that gave the text."""
    pairs = {}
    for part in text.split(","):
        if ":" not in part:
            raise DataError("", argument=what, value=text, hint="write pairs as from:to separated by commas, e.g. 1:0,2:1")
        a, b = part.split(":", 1)
        try:
            pairs[float(a)] = float(b)
        except ValueError:
            raise DataError(f"'{part}' is not a pair of numbers", argument=what, value=text,
                            hint="write each pair as two numbers, e.g. 1:0") from None
    return pairs


#: helper columns a pattern never matches (the study file's rule, pipeline.analysis_specs.HELPER_SUFFIXES;
#: not imported from there so that a command does not load the pipeline)
HELPER_SUFFIXES = ("_n_valid", "_band")


def column_list(text: str | None, flag: str, columns=None) -> list[str]:
    """``"a, b,c"`` → ``["a", "b", "c"]``; with ``columns`` (the file's columns), a part holding
    ``*``, ``?`` or ``[`` is a shell-style pattern expanded in file order (``"A?,C?"``). As in a study
    file, a pattern matches scale scores only, never the helper columns ``<scale>_n_valid`` and
    ``<scale>_band`` that ``goalscope run`` writes beside them."""
    import fnmatch

    out: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if columns is not None and any(ch in part for ch in "*?["):
            hits = [str(c) for c in columns if fnmatch.fnmatchcase(str(c), part)
                    and not str(c).endswith(HELPER_SUFFIXES)]
            if not hits:
                raise DataError(f"pattern '{part}' matches no column of the file", argument=flag, value=text,
                                hint="Check the pattern against the file's column names." + near_columns(part, columns))
            out += [h for h in hits if h not in out]
        elif part not in out:
            out.append(part)
    return out


def check_formula(text: str | None, flag: str, columns, one_sided: bool = False) -> None:
    """A model formula the user typed: readable by patsy, and every plain name in it a column of the file
    (a misspelt name would otherwise surface as a Python NameError)."""
    if text is None:
        return
    from patsy import ModelDesc, PatsyError

    if one_sided and "~" not in text or not one_sided and text.count("~") != 1:
        shape = "'~ x'" if one_sided else "'y ~ x1 + x2'"
        raise DataError("", argument=flag, value=text, hint=f"write the formula as {shape}")
    try:
        desc = ModelDesc.from_formula(text)
    except PatsyError as exc:
        raise DataError(f"cannot be read: {str(exc).splitlines()[0]}", argument=flag, value=text,
                        hint="write it as R does, e.g. 'y ~ x + m', with the file's column names") from None
    names = {str(c) for c in columns}
    for term in desc.lhs_termlist + desc.rhs_termlist:
        for factor in term.factors:
            code = factor.code
            if code.isidentifier() and code not in names:
                raise DataError(f"names '{code}', which is not a column of the file", argument=flag, value=text,
                                hint=f"available columns: {', '.join(map(str, list(columns)[:30]))}."
                                     + near_columns(code, columns))
