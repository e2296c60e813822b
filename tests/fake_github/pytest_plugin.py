"""pytest fixtures for the fake GitHub server.

Register once in `tests/conftest.py`:

    pytest_plugins = ["tests.fake_github.pytest_plugin"]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.fake_github.server import DEFAULT_TOKEN, FakeGitHub

if TYPE_CHECKING:
    from github import Github


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A started fake for `octo-org/model-zoo`; fails the test if the fake crashed."""
    with FakeGitHub() as fake:
        yield fake


@pytest.fixture
def make_fake_github() -> Iterator[Callable[..., FakeGitHub]]:
    """A factory for started fakes with custom options (repo, prefix, ...)."""
    started: list[FakeGitHub] = []

    def make(*args: Any, **options: Any) -> FakeGitHub:
        fake = FakeGitHub(*args, **options).start()
        started.append(fake)
        return fake

    yield make
    for fake in started:
        fake.close()


@pytest.fixture
def fake_github_client(fake_github: FakeGitHub) -> Github:
    """A PyGithub client for `fake_github`, authenticated as github-actions[bot]."""
    return fake_github.make_client(DEFAULT_TOKEN)
