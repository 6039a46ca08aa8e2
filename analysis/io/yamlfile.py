"""Read the project's YAML files (keys, study files, rules, label maps) with errors that name file and field.

A key written twice in one mapping is an error naming the file, the line and the key (plain YAML
keeps the last value silently, so a second ``min_valid:`` or a repeated instrument alias would
quietly replace the first).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from ..errors import GoalscopeError


class DuplicateKeyError(yaml.YAMLError):
    """A mapping holds the same key twice (raised while parsing; :func:`load_yaml` reports it)."""

    def __init__(self, key, mark, first):
        super().__init__(f"key {key!r} appears twice")
        self.key, self.problem_mark, self.first_mark = key, mark, first
        self.problem = (f"key {_short(key)} appears twice (first at line {first.line + 1}); "
                        f"remove or rename one of them")


def _short(key) -> str:
    text = repr(key)
    return text if len(text) <= 80 else text[:77] + "..."


class UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key written twice in one mapping (merge keys ``<<`` still work)."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: SafeConstructor reports it
            continue
        if first is not None:
            raise DuplicateKeyError(key, key_node.start_mark, first)
        seen[key] = key_node.start_mark
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, where: str, error: type[GoalscopeError] = GoalscopeError):
    """Parse YAML text; ``where`` names its origin in messages ("study file 'x.yaml'").

    Examples
    --------
    >>> from analysis.io.yamlfile import parse_yaml
    >>> parse_yaml("a: 1\\nb: 2\\n", "labels file 'l.yaml'")
    {'a': 1, 'b': 2}
    >>> parse_yaml("a: 1\\na: 2\\n", "labels file 'l.yaml'")
    Traceback (most recent call last):
    ...
    analysis.errors.GoalscopeError: labels file 'l.yaml' is not valid YAML at line 2, column 1: key 'a' appears twice (first at line 1); remove or rename one of them
    """
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(f"{where} is not valid YAML{at}: {getattr(exc, 'problem', None) or exc}") from None


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
    return parse_yaml(text, f"{what} '{p}'", error)


def validate(schema, spec, where, error: type[GoalscopeError] = GoalscopeError, limit: int = 5, skip: int = 0):
    """``spec`` validated by ``schema`` (a pydantic model class or a ``TypeAdapter``), or ``error``
    naming the file and entry (``where``) and the field (:func:`validation_message`).

    The one way every schema (scoring keys, the findings registry, study files, screening rules,
    lexicons) turns a ``pydantic.ValidationError`` into a message. ``where`` is the file and entry
    ("findings file 'x.yaml', entry 'smith-2020'"), or a function of the error that says it (when
    the entry is known only from the error's location).

    Examples
    --------
    >>> from pydantic import BaseModel
    >>> from analysis.io.yamlfile import validate
    >>> class Scale(BaseModel):
    ...     items: list[int]
    >>> validate(Scale, {"items": [1, 2]}, "key file 'k.yaml', scale 'a'").items
    [1, 2]
    >>> validate(Scale, {"items": ["x"]}, "key file 'k.yaml', scale 'a'")
    Traceback (most recent call last):
    ...
    analysis.errors.GoalscopeError: key file 'k.yaml', scale 'a': field 'items.0': Input should be a valid integer, unable to parse string as an integer (got 'x')
    """
    try:
        if isinstance(schema, TypeAdapter):
            return schema.validate_python(spec)
        return schema.model_validate(spec)
    except ValidationError as exc:
        place = where(exc) if callable(where) else where
        raise error(f"{place}: {validation_message(exc, limit=limit, skip=skip)}") from None


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
