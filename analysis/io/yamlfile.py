"""Read the project's YAML files (keys, study files, rules) with errors that name file and field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import GoalscopeError


def load_yaml(path, what: str, error: type[GoalscopeError] = GoalscopeError):
    """Parse a YAML file; ``what`` names it in messages ("instrument file", "study file", …)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what} '{p}' does not exist") from None
    except IsADirectoryError:
        raise error(f"{what} '{p}' is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise error(f"{what} '{p}' is not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(f"{what} '{p}' is not valid YAML{at}: {getattr(exc, 'problem', None) or exc}") from None


def validation_message(exc: ValidationError, limit: int = 5, skip: int = 0) -> str:
    """pydantic's errors as one sentence: ``field 'scales.s.method': … (got 'average')``.

    ``skip`` drops leading location parts (the tag of a discriminated union).
    """
    out = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"][skip:])
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        tail = f" (got {got!r})" if err["type"] not in ("missing", "value_error") and not isinstance(got, dict) else ""
        out.append((f"field '{loc}': " if loc else "") + msg + tail)
    more = len(exc.errors()) - limit
    return "; ".join(out) + (f"; and {more} more" if more > 0 else "")
