"""Moved to :mod:`analysis.anonymity.privacy` (issue #20: anonymity serves goals and teams alike).

This path re-exports its public names for one release, with a FutureWarning.
"""

from ..anonymity.privacy import *  # noqa: F401,F403
from ..deprecation import moved_module

moved_module(__name__, "analysis.anonymity.privacy")
