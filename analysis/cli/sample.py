"""Which respondents an analysis command analyses: the kept respondents unless
``--include-excluded`` (:func:`add_sample_option`, :func:`kept_rows`), and the line that says so
(:func:`print_sample`)."""

from __future__ import annotations


def add_sample_option(p) -> None:
    """``--include-excluded``: every analysis command analyses the kept respondents by default."""
    p.add_argument("--include-excluded", action="store_true",
                   help="also analyse the respondents screening excluded (column 'excluded' of goalscope run's "
                        "scores.csv) (default: they are left out)")


def kept_rows(data, include_excluded: bool, what: str):
    """The kept-respondent rule for a command whose library function does not screen itself (``efa``):
    rows with ``excluded`` True are left out unless ``include_excluded``. Returns (rows, note)."""
    # the rule lives with the model entry points (models._common.screened_sample); imported here, lazily,
    # so that a psychometrics command uses the same rule without the station importing models
    from ..models._common import screened_sample

    sample = screened_sample(data, include_excluded, what)
    return sample.data, sample.note


def print_sample(res, note: str | None = None, rows: str | None = None) -> None:
    """"respondents: N analysed (k excluded by screening)" when the data carry screening flags, and the
    rows listwise deletion left out (``res.excluded``), so that no row disappears unannounced."""
    note = (getattr(res, "sample_note", "") if note is None else note).replace("include_excluded=True",
                                                                              "--include-excluded")
    excluded = getattr(res, "excluded", None)
    k = len(excluded) if excluded is not None and hasattr(excluded, "__len__") else 0
    parts = [note] if note else []
    if k:   # rows: what a left-out row is when it is not a respondent ("observations" of long data)
        who = f"{rows} " if rows else ("of them " if note else "")
        parts.append(f"{k} {who}left out for missing values on the model's columns (listwise)")
    if parts:
        print("respondents: " + "; ".join(parts))
