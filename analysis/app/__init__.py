"""``analysis.app``: the web app's import path, kept for code written against it.

The page is a front end of the command line (each step runs ``goalscope teams`` through
:func:`analysis.cli.main`), so it lives in the command-line layer, :mod:`analysis.cli.web`; the
``goalscope app`` command starts it. Importing from here gives the same objects.
"""

from ..cli.web import (APP_PLAN_ONLY, DEFAULTS, MAX_UPLOAD, column_preview, create_app, near_matches,  # noqa: F401
                       run_teams, serve)
