"""The test helpers' readers of runner files and workflow commands (no Docker)."""

from __future__ import annotations

import pytest

from tests.container.helpers import (
    FileCommandError,
    parse_file_command,
    parse_workflow_commands,
)


def test_parse_file_command__records() -> None:
    """Heredoc and NAME=VALUE records are read; a heredoc keeps inner newlines."""
    text = "a<<EOF\nline 1\nline 2\nEOF\nb=x=y\n\nc<<D\n\nD\n"

    assert parse_file_command(text) == {"a": "line 1\nline 2", "b": "x=y", "c": ""}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a<<EOF\nvalue\n", "Matching delimiter not found"),
        ("a<<EOF\nvalue\nEOF", "EOF marker missing new line"),
        ("a<<EOF\r\nvalue\r\nEOF\r\n", "CR in the file"),
        ("<<EOF\nvalue\nEOF\n", "must not be empty"),
        ("=value\n", "Invalid format"),
        ("just text\n", "Invalid format"),
    ],
)
def test_parse_file_command__refuses_what_the_runner_refuses(
    text: str, message: str
) -> None:
    """Files the runner would reject raise FileCommandError."""
    with pytest.raises(FileCommandError, match=message):
        parse_file_command(text)


def test_parse_workflow_commands__unescapes() -> None:
    """Properties and messages are unescaped; plain lines are skipped."""
    log = "plain\n  ::error file=a%3Ab.yml,line=3,title=x%2C y::50%25%0Anext\n"

    (command,) = parse_workflow_commands(log)

    assert command.name == "error"
    assert command.properties == {"file": "a:b.yml", "line": "3", "title": "x, y"}
    assert command.message == "50%\nnext"
