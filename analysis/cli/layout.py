"""The ``--help`` layout every ``goalscope`` command shares: descriptions keep their line breaks,
options state their defaults (:func:`formatter`), long descriptions are wrapped (:func:`describe`)."""

from __future__ import annotations

import argparse


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions keep their line breaks; an option whose help does not state its default gets it
    appended: ``(default: 0.95)``, ``(default: off)`` for a flag. Options without a default (None)
    are inputs the user gives or leaves out; their help says what leaving them out means."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text or "required" in text.lower() or action.required or not action.option_strings:
            return text
        if isinstance(action, argparse._StoreTrueAction):
            return f"{text} (default: off)"
        if isinstance(action, argparse._StoreFalseAction):
            return f"{text} (default: on)"
        if action.default is None or action.default is argparse.SUPPRESS:
            return text
        return f"{text} (default: {action.default})"


def formatter(prog):
    """The ``formatter_class`` of every ``goalscope`` parser."""
    return _HelpFormatter(prog, max_help_position=32, width=100)


def describe(text: str) -> str:
    """A command's description wrapped for ``--help`` (the help layout keeps line breaks as written)."""
    import textwrap

    return textwrap.fill(" ".join(text.split()), width=98, break_on_hyphens=False)


def examples(*lines: str, notes: str | None = None) -> str:
    """A command's epilog: ``examples:`` and the example command lines, indented, then ``notes`` (a
    paragraph kept as written, e.g. a rules file's shape).

    Examples
    --------
    >>> print(examples("goalscope findings", "goalscope findings -o f.csv", notes="One row a finding."))
    examples:
      goalscope findings
      goalscope findings -o f.csv
    <BLANKLINE>
    One row a finding.
    <BLANKLINE>
    """
    import textwrap

    text = "examples:\n" + "".join(f"  {line}\n" if line else "\n" for line in lines)
    return text + ("\n" + textwrap.dedent(notes).strip("\n") + "\n" if notes else "")


def add_command(sub, name: str, help: str, description: str, *example_lines: str,
                notes: str | None = None) -> argparse.ArgumentParser:
    """A command's parser in the shared layout: ``description`` wrapped (:func:`describe`), the examples
    (and ``notes``) as its epilog (:func:`examples`). Every ``goalscope`` command is made here, so every
    description is wrapped at the help's width (a description given to argparse as one string would be
    printed as one line: the layout keeps line breaks as written)."""
    return sub.add_parser(name, help=help, formatter_class=formatter, description=describe(description),
                          epilog=examples(*example_lines, notes=notes))
