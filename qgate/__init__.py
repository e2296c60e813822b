"""qgate: decide whether a freshly trained ML model may be released."""

from __future__ import annotations

__version__ = "1.0.0"
