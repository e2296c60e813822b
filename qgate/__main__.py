"""Allow ``python -m qgate``."""

from __future__ import annotations

import sys

from qgate.cli import main

sys.exit(main())
