"""Files written atomically, never under ``data/raw/``: the one writer every output goes through.

A file goes to a temporary file beside its target and is moved into place with ``os.replace``, so a
reader never sees half a file and a failed or interrupted run leaves the old file. Temporary names
start with :data:`TEMP_PREFIX` and carry the writing process's id:

* a temporary file or folder is removed when the write fails, on Ctrl-C, and on SIGTERM (a handler
  removes every temporary path of this process, then lets the signal end the process as before);
* a process killed harder (SIGKILL, power loss) leaves its temporary paths behind; the next write into
  the same folder removes them (:func:`remove_stale`: only names with the prefix whose process is gone).

A shared base module (it imports only :mod:`analysis.errors`): :mod:`analysis.io.writers` builds tables,
workbooks and whole output folders on it, and :mod:`analysis.formatting.figures` writes figures with it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from .errors import DataError

#: every temporary file or folder goalscope writes starts with this (then the process id and the target's name)
TEMP_PREFIX = ".goalscope-tmp-"

_ACTIVE: set[Path] = set()          # temporary paths this process is writing now
_LOCK = threading.Lock()
_HANDLED: dict[int, object] = {}    # signal number -> the handler that was installed before ours


# ---------------------------------------------------------------------------------------------
# temporary paths: named, tracked, removed on failure, on SIGTERM and by the next run
def _temp_prefix(name: str) -> str:
    return f"{TEMP_PREFIX}{os.getpid()}-{name}."


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:  # best effort: a path we cannot remove is found again by remove_stale
        pass


def _on_signal(signum, frame) -> None:
    """Remove this process's temporary paths, then handle the signal as before (default: end the process)."""
    with _LOCK:
        paths = list(_ACTIVE)
        _ACTIVE.clear()
    for p in paths:
        _remove(p)
    previous = _HANDLED.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
    signal.raise_signal(signum)


def _install_handlers() -> None:
    """Install the SIGTERM/SIGHUP clean-up once (main thread only; a user's own handler still runs after ours)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None or signum in _HANDLED:
            continue
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue
        _HANDLED[signum] = current
        signal.signal(signum, _on_signal)


def _track(path: Path) -> None:
    _install_handlers()
    with _LOCK:
        _ACTIVE.add(Path(path))


def _untrack(path: Path) -> None:
    with _LOCK:
        _ACTIVE.discard(Path(path))


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except OSError:
        return False
    return True


_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")


def remove_stale(folder) -> list[Path]:
    """Remove temporary paths left in ``folder`` by goalscope processes that no longer run.

    Only names that start with :data:`TEMP_PREFIX` are touched; those of a live process (another run
    writing now, or this process) are left alone. Returns the removed paths. A process id is only
    meaningful on this machine: do not share an output folder between machines while both write.
    """
    folder = Path(folder)
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for p in entries:
        m = _TEMP_NAME.match(p.name)
        if not m:
            continue
        pid = int(m.group(1))
        # this process's own temporaries are never stale (another thread may be writing one now)
        if pid != os.getpid() and not _pid_alive(pid):
            _remove(p)
            removed.append(p)
    return removed


def _file_mode() -> int:
    """The permissions an ordinary new file gets under the current umask (mkstemp uses 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _publish(tmp, p: Path) -> None:
    os.chmod(tmp, _file_mode())
    os.replace(tmp, p)


# ---------------------------------------------------------------------------------------------
# where outputs may go
def guard_output(path) -> Path:
    """Refuse a path under any ``data/raw`` folder (raw data are never written by the code)."""
    p = Path(path).resolve()
    parts = p.parts
    for i in range(len(parts) - 1):
        if parts[i] == "data" and parts[i + 1] == "raw":
            raise DataError("is in a raw-data folder: nothing is written under data/raw/ (raw exports stay as received)",
                            file=str(path), hint="Write it somewhere else, e.g. under data/processed/.")
    return p


# ---------------------------------------------------------------------------------------------
# files
def _is_a_folder(path) -> DataError:
    """The refusal of an output file name that is an existing folder."""
    return DataError("is an existing folder, not a file", file=str(path),
                     hint="give a file name for the output (e.g. scores.csv)")


def atomic_write_via(path, write, suffix: str = ".tmp") -> Path:
    """Write ``path`` atomically through ``write(temporary_path)``: the file appears whole or not at all.

    The temporary file sits beside ``path`` (same file system, so the rename is atomic), is named for
    this process (removed on SIGTERM/SIGHUP, or by a later run once this process is gone) and ends in
    ``suffix`` (writers that choose a format by the file name see the right one).
    """
    p = guard_output(path)
    if p.is_dir():
        raise _is_a_folder(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(p.parent)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(p.name), suffix=suffix, dir=p.parent)
    os.close(fd)
    _track(Path(tmp))
    try:
        write(tmp)
        _publish(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _untrack(Path(tmp))
    return p


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename)."""
    return atomic_write_via(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_text(path, text: str) -> Path:
    """Write UTF-8 text atomically, with Unix newlines."""
    return atomic_write_bytes(path, text.encode("utf-8"))
