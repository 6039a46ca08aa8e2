"""The ``goalscope`` command: thin — parse, call the library, print.

The whole command-line layer lives in this package; no station imports it. Each station's
sub-commands are one module here with ``register(subparsers)``, listed in :data:`COMMAND_MODULES`
(``foundation``: ``instruments``, ``score``, ``run``; ``screening``, ``psychometrics``, ``models``,
``teams``, ``findings``, ``goals``, ``power``, ``app``). They share, by concern: the help layout
(``layout``), values typed after a flag (``arguments``), the reader and item options every command that
reads an export takes (:func:`analysis.cli.inputs.add_item_options`, ``item_options_from_args``, so
``score``, ``reliability``, ``cfa``, ``screen`` and ``teams`` accept the same flags), output files
(``outputs``), the analysed sample (``sample``), what is shown and written of a result (``results``)
and library messages in the command line's words (``messages``).

Every user error is printed as one paragraph on stderr with exit code 2; no traceback (``--debug``
shows one). Library errors name keywords (``include_excluded=True``); the message is printed with
the flags instead (:func:`analysis.cli.messages.cli_message`, one table keyword → flag).
"""

from __future__ import annotations

import os

# A command runs once over fresh memory. Where the kernel compacts memory for transparent huge pages
# on request (defrag "madvise", its default), numpy's request for them on every large array costs more
# system time than it saves: `goalscope score` on 1,000,000 x 12 took 1.83 CPU s with it and 1.46 s
# without (mean of 4 runs each; issue 22). Set before numpy is imported; a user's own setting wins.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

import argparse
import importlib
import sys
import textwrap
import warnings

from ..errors import GoalscopeError
from .layout import formatter
from .messages import cli_message
from .outputs import check_outputs

#: modules with a ``register(subparsers)`` function, in the order their commands are listed
COMMAND_MODULES = [
    "analysis.cli.foundation",
    "analysis.cli.screening",
    "analysis.cli.psychometrics",
    "analysis.cli.models",
    "analysis.cli.teams",
    "analysis.cli.findings",
    "analysis.cli.goals",
    "analysis.cli.power",
    "analysis.cli.app",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors: same exit code, no traceback
        self.print_usage(sys.stderr)
        self.exit(2, f"goalscope: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="goalscope",
        description="Score, check and model achievement-goal surveys.",
        formatter_class=formatter,
        epilog=textwrap.dedent("""\
            examples:
              goalscope instruments                       list the shipped scoring keys
              goalscope instruments agq-r                 show one key
              goalscope score survey.csv --instrument agq-r --columns "AGQ_{n}" -o scores.csv
              goalscope run data/raw/demo/study.yaml      score a whole study and write its report
            """),
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _note(message, category, filename, lineno, file=None, line=None):
    """Warnings reach the user as one-line notes, not as Python source locations."""
    print(f"goalscope: note: {cli_message(str(message))}", file=sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.debug:
        warnings.showwarning = _note
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command is None else 2
    try:
        check_outputs(args)
        result = args.func(args)
        return int(result or 0)
    except GoalscopeError as exc:
        _fail(str(exc) if exc.names_fields else cli_message(str(exc)), args)
    except FileNotFoundError as exc:
        _fail(f"file '{exc.filename}' does not exist", args)
    except PermissionError as exc:
        _fail(f"no permission to read or write '{exc.filename}'", args)
    except KeyboardInterrupt:
        _fail("interrupted", args)
    except BrokenPipeError:
        # the reader of our output went away (`goalscope ... | head`): not an error of ours; point
        # stdout at devnull so Python's exit flush does not fail again
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # anything we did not foresee: one paragraph, and how to see more
        _fail(f"unexpected error ({type(exc).__name__}: {exc}). This is a bug in goalscope or an input it "
              f"does not understand; run again with --debug for details and report it.", args)
    return 2


def _fail(message: str, args) -> None:
    if getattr(args, "debug", False):
        raise
    width = 100
    # never break inside a path or a value (a hyphenated folder name must stay copyable)
    print("\n".join(textwrap.wrap("goalscope: " + message, width=width, break_on_hyphens=False,
                                   break_long_words=False)), file=sys.stderr)
    raise SystemExit(2)
