"""Container entry point: read the action's inputs, run the gate, exit with its code."""

from __future__ import annotations

import os
import sys

from qgate.action import main

if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
