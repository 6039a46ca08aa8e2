"""Pseudonyms for respondent ids: a keyed hash (HMAC-SHA256) whose key never reaches an output.

One key rule for the whole project: ``$GOALSCOPE_PSEUDONYM_KEY`` (or a key file) when given. A study
run may fall back to a key derived from the raw export, which keeps runs deterministic while only
someone holding the raw data (which holds the ids anyway) can reverse a pseudonym; the staff report,
whose person scores may leave the analyst's machine, refuses that fallback (``derive=False``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pandas as pd

from ..errors import DataError

PSEUDONYM_ENV = "GOALSCOPE_PSEUDONYM_KEY"


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash (HMAC-SHA256, 16 hex digits) of each id; the key never reaches an output."""
    return ids.astype(str).map(lambda v: hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest()[:16])


def pseudonym_key(data_file: Path | None = None, name: str = "", key_file=None, derive: bool = True) -> bytes:
    """The key for pseudonyms: ``key_file``, else ``$GOALSCOPE_PSEUDONYM_KEY``, else (``derive``) a key
    derived from the raw export ``data_file`` and the study ``name``.

    Deriving the key keeps runs deterministic while requiring the raw data (which holds the ids
    anyway) to reverse a pseudonym. With ``derive=False`` (person scores that may leave the
    analyst's machine) a secret key of at least 16 characters is required. The key is never written.

    Examples
    --------
    >>> import os
    >>> os.environ["GOALSCOPE_PSEUDONYM_KEY"] = "a secret of sixteen+ chars"
    >>> pseudonymise(pd.Series(["0001", "7"]), pseudonym_key(derive=False)).str.len().tolist()
    [16, 16]
    >>> del os.environ["GOALSCOPE_PSEUDONYM_KEY"]
    """
    if key_file:
        kp = Path(key_file)
        if not kp.exists():
            raise DataError("does not exist", file=str(kp),
                            hint=f"Check the path of the pseudonym key file (key_file=), or put the key in "
                                 f"${PSEUDONYM_ENV} instead.")
        key = kp.read_bytes().strip()
    else:
        key = os.environ.get(PSEUDONYM_ENV, "").encode("utf-8")
    if key and (derive or len(key) >= 16):
        return key
    if not derive:
        held = (f"holds a key of {len(key)} characters; " if key_file else
                f"${PSEUDONYM_ENV} holds a key of {len(key)} characters; " if key else "")
        raise DataError(f"{held}pseudonymising ids needs a secret key of at least 16 characters",
                        file=str(key_file) if key_file else None,
                        hint="Write a longer secret into the file; keep it out of the report folder." if key_file else
                             f"Put it in a file (key_file=) or in ${PSEUDONYM_ENV}. Keep it out of the report folder.")
    if data_file is None:
        raise DataError("is not given: a derived pseudonym key needs the raw export it is derived from",
                        argument="data_file", value=None,
                        hint=f"pass the path of the raw export, or set ${PSEUDONYM_ENV}")
    return hashlib.sha256(b"goalscope-pseudonym\0" + name.encode() + b"\0" + Path(data_file).read_bytes()).digest()
