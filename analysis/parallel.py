"""Run independent numpy work on the machine's cores (numpy releases the GIL in its loops).

Used by the hot paths: columns the CSV reader settles (``io.fast_csv``), columns of
``prepare_items`` and row blocks of ``score_items`` are independent, so two cores read, clean and
score a million respondents in about half the time. Results
come back in input order, so outputs do not depend on scheduling. Small inputs run serially (thread
start-up would cost more than it saves).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

#: rows below which work runs in the calling thread
PARALLEL_MIN_ROWS = 200_000


def workers() -> int:
    """Threads to use: the cores this process may run on, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def in_parallel(fn, tasks: list[tuple], n_rows: int) -> list:
    """``[fn(*t) for t in tasks]``, on several threads when the data are large."""
    k = workers()
    if n_rows < PARALLEL_MIN_ROWS or k == 1 or len(tasks) < 2:
        return [fn(*t) for t in tasks]
    with ThreadPoolExecutor(max_workers=min(k, len(tasks))) as pool:
        return list(pool.map(lambda t: fn(*t), tasks))
