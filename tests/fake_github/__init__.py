"""A fake GitHub REST server on loopback for qgate's tests (see `server.py`)."""

from __future__ import annotations

from tests.fake_github.model import ACTIONS_BOT_LOGIN
from tests.fake_github.server import (
    DEFAULT_TOKEN,
    READ_ONLY_TOKEN,
    USER_TOKEN,
    FakeGitHub,
    Fault,
)
from tests.fake_github.wire import LoggedRequest

__all__ = [
    "ACTIONS_BOT_LOGIN",
    "DEFAULT_TOKEN",
    "READ_ONLY_TOKEN",
    "USER_TOKEN",
    "FakeGitHub",
    "Fault",
    "LoggedRequest",
]
