"""``python -m console`` is ``conference-console``."""

import sys

from console.cli import main

sys.exit(main())
