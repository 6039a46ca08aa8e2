"""``python -m analysis`` runs the goalscope command line."""

from .cli import main

raise SystemExit(main())
