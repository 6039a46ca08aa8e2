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
        self.problem = f"key {_short(key)} appears twice (first at line {first.line + 1})"


#: what to do about a YAML file that does not parse: a key written twice, or any other syntax error
_REMOVE_ONE = "Remove or rename one of them."
_FIX_YAML = ("Fix the YAML there: indent with spaces (not tabs), and quote a value that holds ': ' or starts "
             "with '{', '[', '*', '&' or '%'.")


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


def parse_yaml(text: str, where: str, error: type[GoalscopeError] = GoalscopeError, *, file=None):
    """Parse YAML text; ``where`` names its origin in messages ("study file 'x.yaml'").

    A text that does not parse is refused with the line it stops on (``line=``) and what to do. With
    ``file`` (the path, as :func:`load_yaml` passes it) the refusal names the file as its part and
    ``where`` says only what the file is ("study file"); without it, ``where`` leads the message.

    Examples
    --------
    >>> from analysis.io.yamlfile import parse_yaml
    >>> parse_yaml("a: 1\\nb: 2\\n", "labels file 'l.yaml'")
    {'a': 1, 'b': 2}
    >>> parse_yaml("a: 1\\na: 2\\n", "labels file", file="l.yaml")
    Traceback (most recent call last):
    ...
    analysis.errors.GoalscopeError: file 'l.yaml', line 2 is not valid YAML at column 1: key 'a' appears twice (first at line 1). Remove or rename one of them.

    R: ``yaml::yaml.load(text)`` (which keeps a repeated key's last value without a word).
    """
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at column {mark.column + 1}" if mark else ""
        raise error(f"is not valid YAML{at}: {getattr(exc, 'problem', None) or exc}", file=file,
                    line=mark.line + 1 if mark else None, within=None if file else where,
                    hint=_REMOVE_ONE if isinstance(exc, DuplicateKeyError) else _FIX_YAML) from None


def load_yaml(path, what: str, error: type[GoalscopeError] = GoalscopeError):
    """Parse a YAML file; ``what`` names it in messages ("instrument file", "study file", …)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("does not exist", file=str(p), hint=f"Check the path of the {what}.") from None
    except IsADirectoryError:
        raise error("is a folder, not a file", file=str(p),
                    hint=f"Give the path of the {what} itself (a .yaml file in that folder).") from None
    except UnicodeDecodeError as exc:
        raise error(f"is not UTF-8 text (byte {exc.start})", file=str(p),
                    hint="Save it as UTF-8 in a text editor (Save as, encoding UTF-8).") from None
    return parse_yaml(text, what, error, file=str(p))


def validate(schema, spec, where, error: type[GoalscopeError] = GoalscopeError, limit: int = 5, skip: int = 0):
    """``spec`` validated by ``schema`` (a pydantic model class or a ``TypeAdapter``), or ``error``
    naming the file and entry (``where``), the field and what to do (:func:`validation_message`).

    The one way every schema (scoring keys, the findings registry, study files, screening rules,
    lexicons) turns a ``pydantic.ValidationError`` into a message. ``where`` is the file and entry
    ("findings file 'x.yaml', entry 'smith-2020'"), or a function of the error that says it (when
    the entry is known only from the error's location). The first field refused is the refusal's
    ``field`` part; the schema sees the parsed entries, not the path, so ``where`` names the file.

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
    analysis.errors.GoalscopeError: key file 'k.yaml', scale 'a': field 'items.0': Input should be a valid integer, unable to parse string as an integer (got 'x'). Correct the field's value.

    R: no single equivalent; ``stopifnot()`` on each field of ``yaml::read_yaml(path)``.
    """
    try:
        if isinstance(schema, TypeAdapter):
            return schema.validate_python(spec)
        return schema.model_validate(spec)
    except ValidationError as exc:
        place = where(exc) if callable(where) else where
        field = _said(exc, limit=1, skip=skip)[0][0]       # the first field refused is the part
        problem = validation_message(exc, limit=limit, skip=skip).removeprefix(f"field '{field}': " if field else "")
        raise error(problem, file=None, field=field or None, within=place,  # where names the file
                    hint=validation_hint(exc, limit=limit)) from None


def _said(exc: ValidationError, limit: int, skip: int) -> list[tuple[str, str]]:
    """``(field, what is wrong)`` of each of pydantic's first ``limit`` errors."""
    out = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"][skip:])
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        tail = f" (got {got!r})" if err["type"] not in ("missing", "value_error") and not isinstance(got, dict) else ""
        out.append((loc, msg + tail))
    return out


#: what to do about a field the schema refused, by pydantic's error type (one field refused)
_FIELD_HINTS = {"extra_forbidden": "Remove the field, or correct its name.", "missing": "Add the field."}


def validation_hint(exc: ValidationError, limit: int = 5) -> str:
    """What to do about the fields a schema refused: for one field, by its error type (an unknown
    field, a missing one, a value of the wrong form); for several, correct each.

    Examples
    --------
    >>> from pydantic import BaseModel, ConfigDict, ValidationError
    >>> class Scale(BaseModel):
    ...     model_config = ConfigDict(extra="forbid")
    ...     items: list[int]
    >>> for spec in [{"items": [1], "colour": "red"}, {}, {"items": ["x"]}, {"items": ["x", "y"]}]:
    ...     try:
    ...         Scale.model_validate(spec)
    ...     except ValidationError as exc:
    ...         print(validation_hint(exc))
    Remove the field, or correct its name.
    Add the field.
    Correct the field's value.
    Correct each field named.
    """
    errors = exc.errors()[:limit]
    if len(errors) > 1:
        return "Correct each field named."
    return _FIELD_HINTS.get(errors[0]["type"], "Correct the field's value.")


def validation_message(exc: ValidationError, limit: int = 5, skip: int = 0) -> str:
    """pydantic's errors as one sentence: ``field 'scales.s.method': … (got 'average')``.

    ``skip`` drops leading location parts (the tag of a discriminated union).
    """
    out = [(f"field '{f}': " if f else "") + p for f, p in _said(exc, limit=limit, skip=skip)]
    more = len(exc.errors()) - limit
    return "; ".join(out) + (f"; and {more} more" if more > 0 else "")
