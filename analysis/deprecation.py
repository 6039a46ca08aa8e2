"""Renamed keywords keep working for one release, with a FutureWarning that names the new one.

The vocabulary (``../shared/STYLE.md``, ``docs/architecture.md``) gives every keyword one meaning:
``missing`` = answer codes, ``nan_policy`` = handling of missing data, ``level`` = confidence level,
``ci_method``, ``reliabilities``, ``id_column``, ``group``, ``covar``, ``seed``. A function whose old
keyword was renamed declares it once::

    @renamed(ci="ci_method", id="id_column")
    def mediation(data, x, m, y, *, ci_method="percentile", ...): ...

and a call with the old name gets the new one plus a warning. :data:`RETIRED` lists every retired
name with its replacement, so a test can walk the public signatures and fail on a retired name
that has no alias.
"""

from __future__ import annotations

import functools
import warnings

#: every retired keyword → its replacement, across the library
RETIRED: dict[str, str] = {}


def renamed(**old_to_new):
    """Decorator: accept each old keyword, pass it on under the new name, warn once per call.

    Examples
    --------
    >>> import warnings
    >>> @renamed(ci="ci_method")
    ... def f(*, ci_method="percentile"):
    ...     return ci_method
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     f(ci="bca"), str(w[0].message)
    ('bca', "f(): 'ci' is renamed 'ci_method'; the old name stops working in the next release")
    """
    RETIRED.update(old_to_new)

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{fn.__name__}(): give '{new}' only ('{old}' is its old name)")
                    warnings.warn(f"{fn.__name__}(): '{old}' is renamed '{new}'; the old name stops working in "
                                  f"the next release", FutureWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        wrapper.__renamed__ = dict(getattr(fn, "__renamed__", {}), **old_to_new)
        return wrapper

    return decorate


def renamed_flag(parser, old: str, new: str, dest: str | None = None, **kwargs) -> None:
    """Keep the command-line flag ``old`` as a hidden alias of ``new`` for one release.

    ``kwargs`` are those of ``new`` (``type``, ``metavar``, …) without ``default`` and ``help``;
    the alias writes to the same destination (``dest``, default the new flag's) and prints a note
    naming the new flag.

    Examples
    --------
    >>> import argparse, contextlib, io
    >>> p = argparse.ArgumentParser()
    >>> _ = p.add_argument("--level", type=float, default=0.95)
    >>> renamed_flag(p, "--ci", "--level", type=float)
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     p.parse_args(["--ci", "0.9"]).level
    0.9
    >>> err.getvalue().strip()
    'goalscope: note: --ci is renamed --level; the old flag stops working in the next release'
    """
    import argparse
    import sys

    class _Alias(argparse.Action):
        def __call__(self, parser, namespace, values, option_string=None):
            # a note on stderr, as the CLI shows warnings (parsing runs before its warning hook)
            print(f"goalscope: note: {old} is renamed {new}; the old flag stops working in the next release",
                  file=sys.stderr)
            setattr(namespace, self.dest, values)

    parser.add_argument(old, dest=dest or new.lstrip("-").replace("-", "_"), action=_Alias, default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS, **kwargs)


def retired_attribute(obj, old: str, new: str, owner: str | None = None, stacklevel: int = 3) -> None:
    """Warn that result attribute ``old`` is now ``new`` (the old name works for one release).

    The one helper for renamed result attributes in every station (``analysis.models._common``
    re-exports it for the model modules).

    Examples
    --------
    >>> import warnings
    >>> class R:
    ...     @property
    ...     def apa_text(self):
    ...         retired_attribute(self, "apa_text", "apa()")
    ...         return "text"
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     R().apa_text, str(w[0].message)
    ('text', 'R.apa_text is renamed R.apa(); the old name stops working in the next release')

    ``owner`` names what holds the attribute when that is not ``type(obj)`` (a module, for a renamed
    function); ``stacklevel`` as in :func:`warnings.warn`, counted from the caller of this function's
    caller (3: the user's line that touched the attribute).
    """
    name = owner or type(obj).__name__
    warnings.warn(f"{name}.{old} is renamed {name}.{new}; the old name stops working in the next release",
                  FutureWarning, stacklevel=stacklevel)


def moved_module(old: str, new: str) -> None:
    """Warn, from the module left at the old path, that module ``old`` now lives at ``new``.

    The old path re-exports the new module's public names for one release. Used by the modules issue
    #20 moved (``analysis.teams.privacy`` → ``analysis.anonymity.privacy``, …).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     moved_module("analysis.teams.privacy", "analysis.anonymity.privacy")
    >>> str(w[0].message)
    'analysis.teams.privacy is moved to analysis.anonymity.privacy; the old path stops working in the next release'
    """
    warnings.warn(f"{old} is moved to {new}; the old path stops working in the next release", FutureWarning,
                  stacklevel=3)
