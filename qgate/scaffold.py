"""``qgate init``: write a starter gate file and a release workflow."""

from __future__ import annotations

import argparse

from qgate.errors import ExitCode
from qgate.runner import Runner


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the flags of ``qgate init``."""
    parser.add_argument("--force", action="store_true",
                        help="overwrite existing files")


def run_init(args: argparse.Namespace, runner: Runner) -> int:
    """Write the starter files; returns the exit code."""
    runner.error("qgate init is not available in this version (#4)")
    return int(ExitCode.CONFIG)
