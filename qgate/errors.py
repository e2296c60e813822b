"""Exceptions and the exit codes they map to; the codes are defined here only."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Process exit codes, listed in the README."""

    PASSED = 0
    FAILED = 1
    CONFIG = 2
    ERROR = 3


ISSUES_URL = "https://github.com/qgate-dev/quality-gate/issues"


class QgateError(Exception):
    """Base class: a failure with a user-facing message and an exit code."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class ConfigError(QgateError):
    """A gate file, input or flag is wrong; the user must change it."""

    exit_code = ExitCode.CONFIG


class MetricsError(ConfigError):
    """A metrics file cannot be read at all (not: a metric is missing)."""


class BaselineError(QgateError):
    """The baseline exists but could not be fetched or read."""

    exit_code = ExitCode.ERROR


class GitHubError(BaselineError):
    """The GitHub API refused or failed a request (``status`` 0 when no answer)."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status
