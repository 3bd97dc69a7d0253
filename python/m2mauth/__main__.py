"""``python -m m2mauth``: the same as the ``m2mauth`` command."""

import sys

from .cli import main

sys.exit(main())
