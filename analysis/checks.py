"""The input checks every station shares: the data, a choice of option, numeric columns, a
confidence level, a bootstrap count and a seed.

One place, so that ``reliability``, ``mediation``, ``moderation``, ``aggregate``, the regression and
mixed-model functions and the command line refuse the same values with the same sentence
(a "150% CI" or ``-5`` resamples never reach a computation), and a text cell in a numeric column is
named the same way everywhere: file, the row as the user sees it in the file, column and value.

The audit table's columns (:mod:`analysis.audit_tables`: :data:`AUDIT_COLUMNS`, :func:`audit_table`)
and the near matches for a column the data do not have (:mod:`analysis.column_hints`:
:func:`near_columns`) live in their own modules; every station imports them from here.
"""

from __future__ import annotations

import difflib
import os
import math
import numbers

import pandas as pd

from .audit_tables import AUDIT_COLUMNS, ITEM_AUDIT_COLUMNS, audit_table, with_instrument  # noqa: F401  (exported here)
from .column_hints import near_columns, numbered_runs  # noqa: F401  (numbered_runs: exported here)
from .errors import DataError

#: fewest bootstrap resamples accepted for a percentile or BCa interval
MIN_BOOT = 100


def show(value, limit: int = 80) -> str:
    """``repr(value)`` cut to about ``limit`` characters (a pasted 1 MB value must not become a 1 MB message)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def check_data(data, what: str = "data", *, rows: bool = True) -> pd.DataFrame:
    """The data as a DataFrame, or a :class:`DataError` naming ``what``.

    A goalscope table result (``score(...)``, ``careless(...)``: :class:`analysis.results.TableResult`)
    is taken as its table. ``rows`` refuses a table without rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.checks import check_data
    >>> check_data(pd.DataFrame({"x": [1, 2]}), "regression").shape
    (2, 1)
    >>> check_data([[1, 2]], "regression")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: regression: data=[[1, 2]] must be a pandas DataFrame with one row per respondent, not a list. Read the file with read_dataset(), or build a DataFrame from it.
    >>> check_data(pd.DataFrame({"x": []}), "regression")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: regression: the data have no rows. Check that the file holds answers below its header.
    """
    from .results import TableResult

    if isinstance(data, TableResult):
        data = data.table()
    if is_partitioned(data):
        raise DataError("are partitioned (a Dask DataFrame or a folder of Parquet files), which this step does not "
                        "take", argument="data", value=data, within=what,
                        hint="Partitioned data go to score_partitions, aggregate, icc, rwg, rwg_j and rwg_j_lindell; "
                        "for other steps bring the rows into memory (.compute()) or read one file.")
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"must be a pandas DataFrame with one row per respondent, not a {type(data).__name__}",
                        argument="data", value=data, within=what,
                        hint="Read the file with read_dataset(), or build a DataFrame from it.")
    if rows and data.shape[0] == 0:
        raise DataError("the data have no rows", file=data.attrs.get("source"), within=what,
                        hint="Check that the file holds answers below its header.")
    return data


def is_partitioned(data) -> bool:
    """Whether ``data`` is a Dask DataFrame or a folder (of Parquet partitions), without importing Dask.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.checks import is_partitioned
    >>> is_partitioned(pd.DataFrame({"x": [1]})), is_partitioned(".")
    (False, True)
    """
    if isinstance(data, (str, os.PathLike)):
        return os.path.isdir(data)
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr")


def check_choice(value, allowed, what: str, name: str):
    """``value`` if it is one of ``allowed``, else a :class:`DataError` naming ``what`` and the keyword.

    Examples
    --------
    >>> from analysis.checks import check_choice
    >>> check_choice("listwise", ("pairwise", "listwise"), "reliability", "nan_policy")
    'listwise'
    >>> check_choice("median", ("pairwise", "listwise"), "reliability", "nan_policy")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: reliability: nan_policy='median' is not a choice; give 'pairwise' or 'listwise'
    """
    allowed = tuple(allowed)
    try:
        ok = value in allowed
    except TypeError:  # an unhashable or odd value: not a choice
        ok = False
    if not ok or isinstance(value, bool) != any(isinstance(a, bool) for a in allowed if a == value):
        names = [repr(a) for a in allowed]
        said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        raise DataError("is not a choice", argument=name, value=value, within=what, hint=f"give {said}")
    return value


def check_columns(data: pd.DataFrame, columns, what: str = "data", *, numeric: bool = False) -> list:
    """``columns`` as a list, or a :class:`DataError` naming every one the data do not have; with
    ``numeric=True`` also the first text cell of any of them (file, row as in the file, column, value:
    :func:`check_numeric`, NA tokens not read as missing — a model is given scored data).

    The one column check of every station (the models pass ``numeric=True``).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.checks import check_columns
    >>> check_columns(pd.DataFrame({"x": [1]}), ["x"], "efa")
    ['x']
    >>> check_columns(pd.DataFrame({"x": [1]}), ["x", "y"], "efa")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: efa: column(s) 'y' are not in the data; available columns: x
    """
    columns = [columns] if isinstance(columns, str) else list(columns)
    lack = [c for c in columns if c not in data.columns]
    if lack:
        source = data.attrs.get("source")
        near = near_columns(lack, data)
        raise DataError("are not in the data", file=source, column=lack, within=what,
                        hint=f"available columns: {', '.join(map(str, list(data.columns)[:30]))}"
                             f"{' …' if data.shape[1] > 30 else ''}" + (f".{near}" if near else ""))
    if numeric:
        check_numeric(data, columns, what, hint="recode or score it first", na_tokens=False)
    return columns


#: text that spreadsheet and statistics programs write for "no value" (compared case-insensitively);
#: in an item column it is missing and listed in the audit, never silently dropped
NA_TOKENS = ("NA", "N/A", "NaN", "None", "NULL", "#N/A", "<NA>", "#NA")
_NA_FOLDED = {tok.casefold() for tok in NA_TOKENS}


def is_na_token(value) -> bool:
    """True for the text tokens that exports write for "no answer" (``NA``, ``N/A``, ``NULL``, …).

    >>> [is_na_token(v) for v in ["NA", " null ", "Namibia", 3]]
    [True, True, False, False]
    """
    return isinstance(value, str) and value.strip().casefold() in _NA_FOLDED


def row_label(df: pd.DataFrame, index) -> str:
    """How to name the row with index label ``index`` for the user ("row 17"): the index plus
    ``data.attrs["first_row"]`` (the file's row of the first record, set by the readers).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.checks import row_label
    >>> df = pd.DataFrame({"x": [1, 2]})
    >>> df.attrs["first_row"] = 2
    >>> row_label(df, 1), row_label(df, "a")
    ('row 3', "row with index 'a'")
    """
    first = df.attrs.get("first_row")
    if first is not None and isinstance(index, numbers.Integral):     # int, numpy integers
        return f"row {int(index) + int(first)}"
    return f"row with index {index!r}"


def check_numeric(data: pd.DataFrame, columns, what: str,
                  hint: str = "recode it or set it to missing, or score the items first (prepare_items)",
                  na_tokens: bool = True) -> pd.DataFrame:
    """The ``columns`` of ``data`` as floats, or a :class:`DataError` naming the first text cell.

    The message names the file (``data.attrs["source"]``), the row as the user sees it in the file
    (:func:`row_label`), the column and the value, then says what to do
    (``hint``). The text tokens exports write for "no answer" (``NA``, ``N/A``, ``NULL``, …) are
    missing, as in scoring (:func:`is_na_token`), unless ``na_tokens`` is
    False (a caller that goes on with the original column, which would still hold the text, refuses
    them too); a TRUE/FALSE column counts as 1/0. Missing columns are named first (:func:`check_columns`).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.checks import check_numeric
    >>> df = pd.DataFrame({"x": [1, 2, 3], "y": ["4", "NA", "6"]})
    >>> check_numeric(df, ["x", "y"], "correlations")["y"].tolist()
    [4.0, nan, 6.0]
    >>> df.attrs.update(source="survey.csv", first_row=2)
    >>> df.loc[2, "y"] = "six"
    >>> check_numeric(df, ["x", "y"], "correlations")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: correlations: file 'survey.csv', row 4, column 'y', value 'six' is not a number; recode it or set it to missing, or score the items first (prepare_items)
    """
    columns = check_columns(data, columns, what)
    out = {}
    for c in columns:
        s = data[c]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            out[c] = s.astype(float)
            continue
        if na_tokens:
            s = s.mask(s.map(is_na_token))
        conv = pd.to_numeric(s, errors="coerce")
        bad = s.notna() & conv.isna()
        # a negative zero ('-0', '-0.0') is refused as the reader and scoring refuse it, not read as 0
        negzero = s.map(lambda v: isinstance(v, str) and v.strip().startswith("-")).astype(bool) & conv.eq(0)  # text only
        # (astype: an empty string[pyarrow] column, as Dask's partitions hold text, maps to strings)
        if bad.any() or negzero.any():
            pos = int((bad | negzero).to_numpy().argmax())
            label = data.index[pos]
            label = label.item() if hasattr(label, "item") else label   # 11, not np.int64(11)
            source = data.attrs.get("source")
            more = int(bad.sum()) - 1
            problem = ("is a negative zero, which no answer is written as" if negzero.iloc[pos] else "is not a number"
                       + (f" ({more} more cell(s) in the column are not numbers either)" if more else ""))
            raise DataError(problem, file=source, row=row_label(data, label), column=c, value=s.iloc[pos],
                            within=what, hint="write 0, or the answer meant" if negzero.iloc[pos] else hint)
        out[c] = conv.astype(float)
    return pd.DataFrame(out, index=data.index, columns=columns)


def check_level(level, what: str, name: str = "level") -> float:
    """``level`` as a float strictly between 0 and 1, or a :class:`DataError` naming ``what``.

    Examples
    --------
    >>> from analysis.checks import check_level
    >>> check_level(0.9, "reliability")
    0.9
    >>> check_level(1.5, "reliability")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: reliability: level=1.5 is not a confidence level; give a number strictly between 0 and 1, e.g. 0.95 for a 95% CI
    """
    ok = isinstance(level, numbers.Real) and not isinstance(level, bool) and math.isfinite(level) and 0 < level < 1
    if not ok:
        raise DataError("is not a confidence level", argument=name, value=level, within=what,
                        hint="give a number strictly between 0 and 1, e.g. 0.95 for a 95% CI")
    return float(level)


def check_n_boot(n_boot, what: str, name: str = "n_boot", minimum: int = MIN_BOOT) -> int:
    """``n_boot`` as an int of at least ``minimum`` resamples, or a :class:`DataError` naming ``what``.

    Examples
    --------
    >>> from analysis.checks import check_n_boot
    >>> check_n_boot(2000, "mediation")
    2000
    >>> check_n_boot(-5, "mediation")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: mediation: n_boot=-5 is not a number of bootstrap resamples; give a whole number of at least 100 (1000 or more for a CI you report)
    """
    ok = isinstance(n_boot, numbers.Integral) and not isinstance(n_boot, bool)
    if not ok and isinstance(n_boot, float) and n_boot.is_integer():
        n_boot, ok = int(n_boot), True
    if not ok or n_boot < 1:
        raise DataError("is not a number of bootstrap resamples", argument=name, value=n_boot, within=what,
                        hint=f"give a whole number of at least {minimum} (1000 or more for a CI you report)")
    if n_boot < minimum:
        raise DataError("is too few resamples for a CI", argument=name, value=n_boot, within=what,
                        hint=f"use at least {minimum} (1000 or more for a CI you report)")
    return int(n_boot)


def seed_from(seed):
    """A ``numpy.random.Generator`` given as a seed becomes a whole-number seed drawn from it.

    The draw advances the generator (as scikit-learn's ``random_state`` does) and the number drawn,
    below 2³² so that it fits scikit-learn too, is what the result states: passing it back repeats the
    run. Anything else is returned as given, for the caller's own check.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.checks import seed_from
    >>> seed_from(np.random.default_rng(1)), seed_from(7), seed_from(None)
    (2032329983, 7, None)

    R: ``set.seed(sample.int(.Machine$integer.max, 1))`` — R has no generator objects to pass.
    """
    import numpy as np

    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2 ** 32))
    return seed


def check_seed(seed, what: str):
    """``seed`` as None, a non-negative whole number (numpy's ``default_rng`` takes nothing else), or a
    ``numpy.random.Generator``, from which a whole-number seed is drawn (:func:`seed_from`).

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.checks import check_seed
    >>> check_seed(2026, "mediation"), check_seed(None, "mediation")
    (2026, None)
    >>> check_seed(np.random.default_rng(1), "mediation")
    2032329983
    >>> check_seed(-1, "mediation")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: mediation: seed=-1 is not a seed; give a whole number of 0 or more, a numpy Generator, or none for a fresh draw
    """
    seed = seed_from(seed)
    if seed is None:
        return None
    ok = isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0
    if not ok:
        raise DataError("is not a seed", argument="seed", value=seed, within=what,
                        hint="give a whole number of 0 or more, a numpy Generator, or none for a fresh draw")
    return int(seed)


def draw_seed() -> int:
    """A fresh seed for a call given ``seed=None``, so the result can state the seed it used.

    The draw comes from the operating system (numpy's ``SeedSequence``); passing the stated seed
    back reproduces the result. Runs given ``seed=None`` are not reproducible otherwise.

    Examples
    --------
    >>> from analysis.checks import draw_seed
    >>> s = draw_seed()
    >>> isinstance(s, int) and 0 <= s < 2 ** 32
    True
    """
    import numpy as np

    # below 2**32, so that it also fits scikit-learn's random_state (profiles)
    return int(np.random.SeedSequence().generate_state(1)[0])


def unknown_names(names, vocabulary, what: str = "construct") -> str | None:
    """The sentence for names outside ``vocabulary`` (with near matches), or None when all are known.

    Examples
    --------
    >>> from analysis.checks import unknown_names
    >>> from analysis.findings.schema import CONSTRUCTS
    >>> print(unknown_names(["task_aproach"], CONSTRUCTS).split(". ")[0])
    unknown construct 'task_aproach' (did you mean 'task_approach' or 'self_approach' or 'mastery_approach'?)
    """
    unknown = [str(n) for n in names if n not in vocabulary]
    if not unknown:
        return None
    parts = []
    for name in unknown:
        near = difflib.get_close_matches(name, list(vocabulary), n=3, cutoff=0.6)
        parts.append(f"'{name}'" + (f" (did you mean {' or '.join(map(repr, near))}?)" if near else ""))
    return (f"unknown {what} {', '.join(parts)}. Valid {what}s: {', '.join(sorted(vocabulary))}")


def dependent_columns(matrix, names, tol: float = 1e-8) -> list[str]:
    """The columns behind a singular covariance or cross-product matrix: the names a refusal gives.

    A fit that meets a singular matrix sees arrays only; the columns behind them are what the user can
    act on (drop a constant item, drop one of a set of linearly dependent items). CFA (ML and FIML) and
    Mahalanobis D² name them with this.

    Columns without variance (a zero diagonal) when there are such; otherwise the columns of the
    dependency the matrix holds: those with a weight above ``1e-6`` in the eigenvector of its
    smallest eigenvalue, on the correlation scale. An empty list when the matrix is not singular
    (its smallest eigenvalue, relative to the largest, is above ``tol``).

    Parameters
    ----------
    matrix : array (p × p)
        A symmetric covariance or cross-product matrix.
    names : sequence of str
        The names of its p columns.
    tol : float
        The relative eigenvalue below which the matrix counts as singular.

    Returns
    -------
    list of str
        The names, in the order of ``names``.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.checks import dependent_columns
    >>> x = np.array([[1, 2, 3, 5], [2, 1, 3, 4], [3, 3, 6, 1], [4, 1, 5, 2], [5, 2, 7, 2]], float)
    >>> dependent_columns(np.cov(x.T), ["a", "b", "a_plus_b", "d"])
    ['a', 'b', 'a_plus_b']
    >>> dependent_columns(np.cov(np.column_stack([x, np.ones(5)]).T), ["a", "b", "a_plus_b", "d", "e"])
    ['e']

    R: ``e <- eigen(cov2cor(S)); names(which(abs(e$vectors[, ncol(S)]) > 1e-6))`` (``caret::findLinearCombos``
    finds the same sets).
    """
    import numpy as np

    m = np.asarray(matrix, float)
    names = [str(n) for n in names]
    diag = np.diag(m)
    scale = max(float(np.abs(diag).max(initial=0.0)), np.finfo(float).tiny)
    flat = [n for n, d in zip(names, diag) if d <= tol * scale]
    if flat:
        return flat
    sd = np.sqrt(diag)
    values, vectors = np.linalg.eigh(m / np.outer(sd, sd))
    if values[0] > tol * values[-1]:
        return []
    return [n for n, w in zip(names, vectors[:, 0]) if abs(w) > 1e-6]
