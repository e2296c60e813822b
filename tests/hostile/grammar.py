"""Read a log and $GITHUB_OUTPUT the way the runner does, to prove untrusted text inert.

The runner treats a log line as a workflow command when, after ``TrimStart()``, it
starts with ``::``, or when it contains ``##[`` anywhere; it splits the log on CR
and LF. Every such line must be one qgate emits on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tests.helpers import parse_github_output

COMMANDS = {"add-mask", "group", "endgroup", "debug", "warning", "error", "notice"}
PROPERTIES = {"file", "line", "col", "title"}
GROUPS = {"Load the gate file", "Load the candidate metrics", "Fetch the baseline"}
_TITLE = re.compile(
    r"qgate(: (configuration error|could not evaluate|comment not posted|comment"
    r"|gate on .{0,60} (failed|warned)))?",
    re.DOTALL,
)
OUTPUTS = {
    "passed",
    "verdict",
    "verdict-json",
    "baseline-ref",
    "comment-id",
    "report-path",
    "json-path",
}


def unescape(text: str) -> str:
    """Undo the runner's escaping of command data and properties."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ",")):
        text = text.replace(escaped, plain)
    return text.replace("%25", "%")


def lines(log: str) -> list[str]:
    """The log's lines as the runner reads them (CR, LF and CRLF end a line)."""
    return re.split(r"\r\n|\r|\n", log)


def commands(log: str) -> list[tuple[str, dict[str, str], str]]:
    """Every line the runner would try as a command: (name, properties, message)."""
    found = []
    for line in lines(log):
        trimmed = line.lstrip()
        assert "##[" not in line, f"legacy command in the log: {line!r}"
        if not trimmed.startswith("::"):
            continue
        head, separator, message = trimmed[2:].partition("::")
        assert separator, f"unterminated command: {line!r}"
        name, _, raw = head.partition(" ")
        properties = {}
        for pair in filter(None, raw.split(",")):
            key, equals, value = pair.partition("=")
            assert equals, f"property without a value: {line!r}"
            properties[key] = unescape(value)
        found.append((name, properties, unescape(message)))
    return found


def assert_inert(log: str, *, secrets: Iterable[str] = ()) -> None:
    """Fail unless every command in ``log`` is one of ours, with our titles."""
    masks = set(secrets)
    for name, properties, message in commands(log):
        assert name in COMMANDS, f"unexpected command ::{name}::{message}"
        assert set(properties) <= PROPERTIES, f"unexpected properties {properties}"
        if name == "add-mask":
            assert message in masks, f"masks something else: {message!r}"
        if name == "group":
            assert message in GROUPS, f"unexpected group title {message!r}"
        if name == "endgroup":
            assert not message and not properties
        if "title" in properties:
            assert _TITLE.fullmatch(properties["title"]), properties["title"]


def assert_outputs(text: str, **expected: str) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT like the runner; exactly our names, some values known."""
    outputs = parse_github_output(text)
    assert set(outputs) == OUTPUTS
    for name, value in expected.items():
        assert outputs[name.replace("_", "-")] == value, name
    return outputs
