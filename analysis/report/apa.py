"""Moved to :mod:`analysis.formatting.apa` (issue #20: the APA helpers sit in the leaf folder every
station may import).

This path re-exports its public names for one release, with a FutureWarning.
"""

from ..deprecation import moved_module
from ..formatting.apa import *  # noqa: F401,F403

moved_module(__name__, "analysis.formatting.apa")
