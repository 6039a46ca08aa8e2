"""CSV text at columnar speed: the fast path of the text reader, and the CSV writer of scores.

Reading. :func:`analysis.io.readers.read_responses` reads a CSV/TSV file record by record only when
it must. For a file whose header is row 1, :func:`read_clean` parses every field as text with
pyarrow's CSV parser (the same fields as Python's ``csv`` module: quotes, doubled quotes, line
breaks inside quoted answers, blank lines between rows), in blocks of half a megabyte on pyarrow's
threads (small blocks stay in the CPU cache: one block of the whole file parsed three times slower),
and then settles each column by the reader's rule (``readers`` module docstring) with vectorised
checks, never one Python call per cell:

===============================================  ===============================================
column                                           result
===============================================  ===============================================
an id column or a ``text_columns=`` column       text as written ("" → missing)
every non-empty cell a whole number that reads   integers (int64; float64 when a cell is empty)
back unchanged, at most 15 digits
every non-empty cell a plain decimal (at most    float64
15 digits, or the shortest text of its float)
anything else (``NA``, ``007``, ``3E4``, ``+1``,  text as written
``-0``, ``1,5``, `` 2``, 16+ digit integers)
every cell empty                                 missing values of no type (as the careful path)
===============================================  ===============================================

A column of one character per cell (the usual answer column) is numbers when every cell is an
ASCII digit. Other whole numbers are checked without looking at each text: pyarrow turns the
column into int64 (it accepts only ``-`` and digits, or a ``0x`` hexadecimal text), and a number
reads back unchanged exactly when its text is as long as the number written out (a leading zero,
``-0`` or a ``0x`` prefix make the text longer; where a column holds a number of a million or
more, a hexadecimal text can be as long as its number, so a text with an ``x`` is ruled out there).
Decimals are matched with RE2 patterns; the rare text longer than 15 characters is checked by
:func:`is_plain_number` once per distinct value.

The fast path gives way (returns None) to the careful record-by-record path, which names the row,
whenever the file is not plainly one table under a header in row 1: a row with another number of
fields than the header (pyarrow refuses it), a repeated column name, a trailing delimiter on the
header, a Qualtrics export, a header that spans lines, a quoted field longer than a block.
``tests/io/test_fast_csv.py`` reads every text file of the hardening corpus both ways.

Writing. :func:`write_csv` writes the bytes ``DataFrame.to_csv`` writes (floats as Python's
``repr``: the shortest text that reads back as the same float), built column by column in pyarrow;
frames it does not cover go to pandas (:func:`csv_bytes`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..parallel import in_parallel, workers

#: the third row of a Qualtrics export ({"ImportId": ...} cells)
_QUALTRICS_IMPORT = re.compile(r'^\s*\{\s*"ImportId"')
# a number that reads back unchanged (the reader's rule); digits counted separately (<= 15)
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
#: a plain decimal (_PLAIN_NUMBER) and a negative zero ('-0', '-0.00'), for RE2
_DECIMAL = r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"
_NEGATIVE_ZERO = r"^-[0.]*$"
_MAX_DIGITS = 15
_POWERS = 10 ** np.arange(1, _MAX_DIGITS + 1, dtype=np.int64)      # 10 … 10**15
#: below this, a hexadecimal text ('0x' and h digits) is always longer than its number written out
_HEX_SAME_LENGTH = 10 ** 6


#: bytes per block of pyarrow's parser (the rows of a block are parsed together, on one thread)
READ_BLOCK = 1 << 19

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def is_plain_number(text: str) -> bool:
    """True when ``text`` is a number that reads back unchanged (the reader's rule, :mod:`analysis.io.readers`).

    Examples
    --------
    >>> [is_plain_number(t) for t in ["3", "-0.5", "007", "3E4", "+1", " 2", "1.0", "-0", "-0.0"]]
    [True, True, False, False, False, False, True, False, False]
    >>> [is_plain_number(t) for t in ["4.333333333333333", "12345678901234567890", "0.12345678901234567890"]]
    [True, False, False]
    """
    if _PLAIN_NUMBER.fullmatch(text) is None:
        return False
    if text.startswith("-") and not text.strip("-0."):
        return False                                  # '-0' reads back as '0': kept as written
    if len(text) - text.startswith("-") - ("." in text) <= _MAX_DIGITS:
        return True
    # longer decimals are numbers when they are the shortest text of a float (what Python, pandas and
    # goalscope write for 2.5999999999999996); long integers stay text (ids, account numbers)
    return "." in text and repr(float(text)) == text


def lines_of(text: str):
    """The lines of ``text`` with their endings, one at a time, as ``io.StringIO(text, newline="")`` gives
    them, without copying the whole text first (a reader that stops early scans only what it read).

    Examples
    --------
    >>> list(lines_of("a,b\\r\\n1,2\\r3,4"))
    ['a,b\\r\\n', '1,2\\r', '3,4']
    """
    return (m.group() for m in _LINE.finditer(text))


def head_text(text: str, lines: int) -> str:
    """The first ``lines`` lines of ``text`` (ending at a line feed), or all of it.

    Examples
    --------
    >>> head_text("a\\nb\\nc\\n", 2)
    'a\\nb\\n'
    >>> head_text("a\\nb", 5)
    'a\\nb'
    """
    end = -1
    for _ in range(lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[:end + 1]


def read_clean(raw: bytes, decoded: str, encoding: str, sep: str, head: list, as_text: set,
               keep: list | None = None) -> pd.DataFrame | None:
    """The frame the careful path would give for a text file with its header in row 1, or None.

    ``raw`` is the file, ``decoded`` its text in ``encoding``, ``head`` its first records as the
    ``csv`` module splits them, ``as_text`` the columns kept as text, ``keep`` the columns given back
    (default all; every row is still checked for its number of fields).
    """
    header = head[0] if head else []
    width = len(header)
    if (width < 2 or header[-1] == "" or any("\n" in h or "\r" in h for h in header) or len(set(header)) < width
            or (len(head) >= 3 and any(_QUALTRICS_IMPORT.match(f) for f in head[2]))):
        return None
    header = [h if h != "" else f"Unnamed: {j}" for j, h in enumerate(header)]     # as the careful path names them
    if len(set(header)) < width:
        return None                                     # 'Unnamed: 1' written and made: the careful path says so
    import pyarrow as pa
    import pyarrow.csv as pcsv

    data = raw if encoding == "utf-8" else decoded.encode("utf-8")
    end = len(data)
    while end and data[end - 1] in (10, 13):            # blank lines at the end are not rows
        end -= 1
    names = [f"c{j}" for j in range(width)]
    kept = range(width) if keep is None else [j for j in range(width) if header[j] in set(keep)]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(memoryview(data)[:end]),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, use_threads=True, block_size=READ_BLOCK),
            parse_options=pcsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True, escape_char=False,
                                            newlines_in_values=b'"' in data, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types={names[j]: pa.string() for j in kept}, null_values=[""],
                                                strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                include_columns=[names[j] for j in kept]))
    except pa.ArrowException:                           # ArrowInvalid, or a column beyond 2 GB
        return None                                     # a row the careful path names, or an odd field
    if table.num_rows == 0:
        return None
    # a cell of the first rows that is not a plain number makes its column text: no need to look further
    text = [header[j] in as_text or _text_in_sample([r[j] for r in head[1:] if len(r) == width]) for j in kept]
    # the columns are independent and pyarrow's kernels let go of the GIL: settled on the machine's cores
    settled = in_parallel(lambda k: _pandas(_column(table.column(k), text[k])), [(k,) for k in range(len(text))],
                          table.num_rows * len(text) // 8)
    df = pd.DataFrame(dict(enumerate(settled)), index=pd.RangeIndex(table.num_rows), copy=False)
    df.columns = [header[j] for j in kept]
    return df


def _text_in_sample(cells: list) -> bool:
    """True when one of these cells (the column's first rows) is neither empty nor a plain number."""
    return any(c != "" and not is_plain_number(c) for c in set(cells))


def _pandas(col):
    """A settled column as pandas holds it: numbers as numpy arrays, text as pandas' str, an empty column as
    missing values of no type (as the careful path gives them)."""
    import pyarrow as pa

    if isinstance(col, np.ndarray):
        return col
    if col.null_count == len(col):
        return np.full(len(col), np.nan, dtype=object)
    if pa.types.is_string(col.type):
        return col.to_pandas()
    if col.num_chunks == 1 and col.null_count == 0:
        chunk = col.chunk(0)
        data = chunk.buffers()[1]
        if data.is_mutable:                            # pyarrow's fresh result: numpy may write to it
            dtype = np.dtype(chunk.type.to_pandas_dtype())
            return np.frombuffer(data, dtype=dtype, count=len(chunk), offset=chunk.offset * dtype.itemsize)
    out = col.to_numpy()                               # float64 with NaN where a cell is empty
    return out if out.flags.writeable else out.copy()  # pandas writes into its columns


def _column(col, as_text: bool):
    """One column by the reader's rule: numbers when every non-empty cell is a plain number, else the text."""
    if as_text or col.null_count == len(col):
        return col
    numbers = _whole_numbers(col)
    if numbers is None:
        numbers = _decimals(col)
    return col if numbers is None else numbers


def _whole_numbers(col):
    import pyarrow as pa
    import pyarrow.compute as pc

    whole = pa.float64() if col.null_count else pa.int64()          # an empty cell makes floats
    if pc.max(pc.binary_length(col)).as_py() == 1:      # the common answer column: one character each
        return _digits(col)
    try:
        values = pc.cast(col, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    bounds = pc.min_max(values).as_py()
    top = max(abs(bounds["min"]), abs(bounds["max"]))
    if top >= _POWERS[-1]:
        return None                                     # 16+ digits: kept as text (ids, account numbers)
    if top >= _HEX_SAME_LENGTH and (pc.any(pc.match_substring(col, "x")).as_py()
                                    or pc.any(pc.match_substring(col, "X")).as_py()):
        return None                                     # '0xF4240': pyarrow reads hexadecimal
    length = pc.binary_length(col).fill_null(0).to_numpy()
    v = values.fill_null(0).to_numpy()
    written = (v < 0).astype(np.int64) + 1 + np.searchsorted(_POWERS, np.abs(v), side="right")
    written[length == 0] = 0
    if not np.array_equal(written, length):
        return None                                     # '007', '-0', '+1': kept as written
    return pc.cast(values, whole)


def _digits(col) -> np.ndarray | None:
    """A column of one character per cell as numbers when every character is a digit, else None.

    pyarrow's cast to integers takes a one-character text only when it is a digit ('+', '-', a
    space or a letter alone are refused), in C++ and without holding the GIL.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pc.cast(col, pa.int8())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None                                     # a letter, a sign, a space: not a digit
    out = values.to_numpy()                             # float64 with NaN where a cell is empty
    return out if col.null_count else out.astype(np.int64)


def _decimals(col):
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pc.all(pc.match_substring_regex(col, _DECIMAL)).as_py():
        return None
    if pc.any(pc.match_substring_regex(col, _NEGATIVE_ZERO)).as_py():
        return None
    long = pc.unique(col.filter(pc.greater(pc.binary_length(col), _MAX_DIGITS))).to_pylist()
    if not all(is_plain_number(t) for t in long):
        return None
    return pc.cast(col, pa.float64())


# ---------------------------------------------------------------------------------------------
# writing: the bytes pandas' to_csv writes, built column by column
#: rows turned into text at a time (bounds the memory of the text, and pyarrow's 2 GB string limit)
WRITE_ROWS = 250_000
_NEEDS_QUOTES = (",", '"', "\n", "\r")


def csv_bytes(df: pd.DataFrame) -> list | None:
    """The text ``df.to_csv(index=False, lineterminator="\\n")`` writes, as chunks of bytes, or None.

    Numbers become text in pyarrow, column by column: whole numbers as their digits, floats as
    Python's ``repr`` writes them (the shortest text that reads back as the same float, as pandas
    writes them: ``3.0``, ``0.30000000000000004``, ``1e-05``), an empty cell (NaN) as nothing. A
    float column with few distinct values (scores) is written by ``repr`` of each distinct value;
    one with many by pyarrow's shortest text, put into ``repr``'s form. Blocks of WRITE_ROWS rows
    are turned into text on the machine's cores (pyarrow lets go of the GIL) and come back in order.
    None for a frame this does not cover (a single column, a column that is neither numbers nor
    text, a text cell that needs quotes, names that are not text); the caller then uses pandas.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a", "b"], "s": [3.0, 0.1 + 0.2], "n": [2, 3]})
    >>> b"".join(csv_bytes(df)) == df.to_csv(index=False, lineterminator="\\n").encode()
    True
    >>> b"".join(csv_bytes(df)).decode().splitlines()
    ['id,s,n', 'a,3.0,2', 'b,0.30000000000000004,3']
    """
    kinds = _kinds(df)
    if kinds is None:
        return None
    out = [_header(df)]
    for block in _row_blocks(df, kinds, range(0, len(df), WRITE_ROWS)):
        if block is None:
            return None
        out.append(block)
    return out


def _kinds(df: pd.DataFrame) -> list | None:
    """'int', 'float' or 'text' for each column of a frame :func:`csv_bytes` covers, else None."""
    if df.shape[1] < 2 or not all(isinstance(c, str) for c in df.columns):
        return None
    kinds = []
    for _, s in df.items():
        if pd.api.types.is_bool_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype):
            return None
        if pd.api.types.is_integer_dtype(s) and isinstance(s.dtype, np.dtype):
            kinds.append("int")
        elif s.dtype == np.float64:
            kinds.append("float")
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            kinds.append("text")
        else:
            return None
    return kinds


def _header(df: pd.DataFrame) -> bytes:
    import csv
    import io

    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow(list(df.columns))
    return head.getvalue().encode("utf-8")


def _row_blocks(df: pd.DataFrame, kinds: list, starts):
    """The text of the rows from each start (WRITE_ROWS of them) as a pyarrow buffer, in order; None for a
    block with a cell that needs quotes. A few blocks at a time are made on the machine's cores, so the
    text held at once stays bounded."""
    starts = list(starts)
    step = 2 * workers()
    for i in range(0, len(starts), step):
        yield from in_parallel(lambda a: _block_text(df.iloc[a:a + WRITE_ROWS], kinds),
                               [(a,) for a in starts[i:i + step]], len(df))


def _block_text(part: pd.DataFrame, kinds: list):
    """Rows of ``part`` as CSV text (a pyarrow buffer), or None when a cell needs quotes."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    cols = []
    for (_, s), kind in zip(part.items(), kinds):
        text = _text_of(s, kind)
        if text is None:
            return None
        cols.append(text)
    sink = pa.BufferOutputStream()
    # every cell is settled text (or an integer, written as its digits) that needs no quotes: pyarrow's CSV
    # writer then only puts commas and line ends between them, in C++
    pcsv.write_csv(pa.table(cols, names=[f"c{j}" for j in range(len(cols))]), sink,
                   pcsv.WriteOptions(include_header=False, quoting_style="none"))
    return sink.getvalue()


def write_csv(df: pd.DataFrame, path, *, index: bool = False) -> None:
    """Write ``df`` as ``df.to_csv(path, index=index, lineterminator="\\n")`` does, byte for byte, faster.

    Examples
    --------
    >>> import pandas as pd, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> write_csv(pd.DataFrame({"id": ["a", "b"], "mastery": [4.333333333333333, None]}), f)
    >>> f.read_text()
    'id,mastery\\na,4.333333333333333\\nb,\\n'
    """
    kinds = None if index else _kinds(df)
    blocks = None if kinds is None else _row_blocks(df, kinds, range(0, len(df), WRITE_ROWS))
    first = None if blocks is None else next(blocks, b"")
    if first is None:
        df.to_csv(path, index=index, lineterminator="\n")
        return
    with open(path, "wb") as f:
        f.write(_header(df))
        f.write(first)
        for block in blocks:
            if block is None:                           # a cell further down needs quotes: pandas writes it all
                f.close()
                df.to_csv(path, index=index, lineterminator="\n")
                return
            f.write(block)


def _text_of(s: pd.Series, kind: str):
    """One column as pyarrow text, empty for a missing value; None when a cell needs quotes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "text":
        if s.dtype == object:
            values = s.to_numpy(dtype=object)
            if not all(isinstance(v, str) for v in values[pd.notna(values)]):
                return None                             # numbers or other objects in a text column
            text = pa.array(values, type=pa.string(), from_pandas=True)
        else:                                           # pandas' string dtype: text (or missing) in every cell
            text = pc.cast(pa.array(s.array, from_pandas=True), pa.string())
        if any(pc.any(pc.match_substring(text, q)).as_py() for q in _NEEDS_QUOTES):
            return None
        return text.fill_null("")
    v = s.to_numpy()
    if kind == "int":
        if len(v) and 0 <= v.min() and v.max() < 1024:  # counts and codes: each number's digits made once
            return pc.take(pa.array([str(i) for i in range(int(v.max()) + 1)], type=pa.string()), pa.array(v))
        return pc.cast(pa.array(v), pa.string())        # the digits, as str writes them (pyarrow's CSV writer
                                                        # is slower at turning integers into text itself)
    if len(pd.unique(v[:4096])) <= 1024:                # answers, counts and scores repeat: write each value once
        codes, distinct = pd.factorize(v)
        zero_signs = np.signbit(v[v == 0])
        if len(distinct) <= max(1024, len(v) // 10) and (zero_signs.all() or not zero_signs.any()):  # -0.0 is 0.0's
            words = [repr(float(x)) for x in distinct] + [""]
            return pc.take(pa.array(words, type=pa.string()), pa.array(np.where(codes < 0, len(distinct), codes)))
    text = pc.cast(pa.array(v, from_pandas=True), pa.string())       # NaN → null → ""
    a = np.abs(v)
    finite = np.isfinite(v)
    # pyarrow writes '2.3643249400514e+13' and '0.00001' where repr writes '23643249400514.0' and '1e-05'
    odd = finite & (pc.match_substring(text, "e").fill_null(False).to_numpy(zero_copy_only=False)
                    | ((a < 1e-4) & (v != 0)) | (a >= 1e15))
    whole = finite & ~odd & ~pc.match_substring(text, ".").fill_null(True).to_numpy(zero_copy_only=False)
    if whole.any():                                     # '3' → '3.0', as repr writes a whole float
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, pa.scalar(".0"), ""), text)
    if odd.any():
        text = pc.replace_with_mask(text, pa.array(odd), pa.array([repr(float(x)) for x in v[odd]], type=pa.string()))
    return text.fill_null("")
