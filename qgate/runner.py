"""Every write to the runner or terminal: log lines, workflow commands, outputs, summary.

Untrusted text never reaches the log in a form the runner parses as a command:
``::`` and ``##[`` are broken with a zero-width space, and command data is escaped.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import uuid
from collections.abc import Iterator
from typing import IO

MAX_ERROR_ANNOTATIONS = 10
MIN_SCRUBBED = 8  # GitHub shows at most 10 error annotations per step
_ZWSP = "\u200b"


def neutralize(text: str) -> str:
    """Stop a log line from being read as a workflow command."""
    return text.replace("::", f":{_ZWSP}:").replace("##[", f"#{_ZWSP}#[")


def printable(text: str) -> str:
    """Replace lone surrogates, which no file or terminal can encode.

    JSON escapes such as "\\ud800" put them into metric names and values.
    """
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def escape_data(text: str) -> str:
    """Escape a workflow-command message (``%`` first, then CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Runner:
    """Writes to GitHub Actions when inside a runner, to a terminal otherwise."""

    def __init__(
        self, env: dict[str, str] | None = None, stream: IO[str] | None = None
    ) -> None:
        self.env = dict(os.environ if env is None else env)
        self.stream = stream or sys.stdout
        self.in_actions = self.env.get("GITHUB_ACTIONS") == "true"
        self.errors_emitted = 0
        self.errors_dropped = 0
        self.warnings_emitted = 0
        self._secrets: list[str] = []

    # -- secrets ---------------------------------------------------------------
    def mask(self, secret: str) -> None:
        """Register a secret: masked by the runner and scrubbed from our own writes."""
        if not secret or secret in self._secrets:
            return
        self._secrets.append(secret)
        if self.in_actions:
            self._write(f"::add-mask::{escape_data(secret)}")

    def scrub(self, text: str) -> str:
        """Replace every registered secret in ``text``.

        Values shorter than MIN_SCRUBBED are no real token (GitHub's are 40+
        characters); replacing them would garble every message that contains the
        same letters. The runner still masks them in the log.
        """
        for secret in self._secrets:
            if len(secret) >= MIN_SCRUBBED:
                text = text.replace(secret, "***")
        return text

    # -- log -------------------------------------------------------------------
    def _write(self, line: str) -> None:
        text = printable(line) + "\n"
        try:
            self.stream.write(text)
        except UnicodeEncodeError:
            # A terminal on a legacy code page cannot show "—" or "≥".
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write(text.encode(encoding, "replace").decode(encoding))
        self.stream.flush()

    def info(self, message: str) -> None:
        """A plain log line."""
        self._write(self._safe(message))

    def debug(self, message: str) -> None:
        """A line shown only with step debug logging (or QGATE_DEBUG=1 locally)."""
        if self.in_actions:
            self._write(f"::debug::{escape_data(self._safe(message))}")
        elif self.env.get("QGATE_DEBUG") == "1":
            self._write(self._safe("debug: " + message))

    def warning(self, message: str, **where: str | int) -> None:
        """A warning annotation (a plain line outside a runner), at most ten per
        step like errors; the rest stay in the log as plain lines."""
        if self.in_actions and self.warnings_emitted >= MAX_ERROR_ANNOTATIONS:
            self._write(self._safe("warning: " + message))
            return
        self.warnings_emitted += 1
        self._annotate("warning", message, where)

    def error(self, message: str, **where: str | int) -> None:
        """An error annotation, at most ten per step; the rest are counted."""
        if self.in_actions and self.errors_emitted >= MAX_ERROR_ANNOTATIONS:
            self.errors_dropped += 1
            self._write(self._safe("error: " + message))
            return
        self.errors_emitted += 1
        self._annotate("error", message, where)

    def notice(self, message: str) -> None:
        """The one-line verdict, shown on the run page."""
        self._annotate("notice", message, {})

    def _annotate(self, level: str, message: str, where: dict[str, str | int]) -> None:
        message = self.scrub(message)
        if not self.in_actions:
            prefix = "" if level == "notice" else f"{level}: "
            self._write(neutralize(prefix + message))
            return
        props = ",".join(
            f"{key}={escape_property(self._safe(str(value)))}"
            for key, value in where.items()
            if value not in ("", None)
        )
        head = f"::{level} {props}" if props else f"::{level}"
        self._write(f"{head}::{escape_data(neutralize(message))}")

    def _safe(self, message: str) -> str:
        return neutralize(self.scrub(message))

    @contextlib.contextmanager
    def group(self, title: str) -> Iterator[None]:
        """Fold the lines of one phase in the runner's log."""
        if self.in_actions:
            self._write(f"::group::{escape_data(self._safe(title))}")
        try:
            yield
        finally:
            if self.in_actions:
                self._write("::endgroup::")

    # -- file commands ---------------------------------------------------------
    def set_outputs(self, outputs: dict[str, str]) -> None:
        """Append outputs to $GITHUB_OUTPUT with a random heredoc delimiter."""
        path = self.env.get("GITHUB_OUTPUT")
        if not path:
            return
        text = ""
        for name, value in outputs.items():
            value = self.scrub(value)
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            while delimiter in value or delimiter in name:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
            text += f"{name}<<{delimiter}\n{value}\n{delimiter}\n"
        # A failed write must not turn the verdict into a crash; the exit code
        # still carries it, and later steps see no 'passed' output.
        if not self._append(path, text):
            self.error(
                f"could not write the outputs to $GITHUB_OUTPUT ({path}) — "
                "later steps will not see them; the verdict is in the log above."
            )

    def write_summary(self, markdown: str) -> bool:
        """Append Markdown to $GITHUB_STEP_SUMMARY; False when there is none."""
        path = self.env.get("GITHUB_STEP_SUMMARY")
        if not path:
            return False
        if not self._append(path, self.scrub(markdown)):
            self.warning(
                f"could not write the step summary ({path}); the verdict is "
                "in the log above."
            )
            return False
        return True

    def _append(self, path: str, text: str) -> bool:
        try:
            with open(path, "a", encoding="utf-8", newline="\n") as handle:
                handle.write(printable(text))
        except OSError as exc:
            self.debug(f"writing {path}: {exc}")
            return False
        return True

    def write_file(self, path: str, text: str) -> None:
        """Write a report file, creating its folder; owned like the workspace."""
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(printable(self.scrub(text)))
        self._match_workspace_owner(path)

    def _match_workspace_owner(self, path: str) -> None:
        # A container action runs as root; files it leaves in the workspace would
        # be root-owned on the host and break later steps (actions/runner#434).
        workspace = self.env.get("GITHUB_WORKSPACE")
        if not (self.in_actions and workspace and os.path.isdir(workspace)):
            return
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            return
        owner = os.stat(workspace)
        root = os.path.realpath(workspace)
        target = os.path.realpath(path)
        with contextlib.suppress(OSError):
            # The file and every folder above it up to the workspace (makedirs may
            # have created several).
            while target.startswith(root + os.sep):
                os.chown(target, owner.st_uid, owner.st_gid)
                target = os.path.dirname(target)


def quiet_libraries() -> None:
    """Keep library loggers from printing raw text (and tokens) to the log."""
    logging.getLogger("github").setLevel(logging.CRITICAL)
    logging.getLogger("urllib3").setLevel(logging.CRITICAL)
