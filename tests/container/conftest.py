"""Session fixtures: a Docker daemon, and the action image built once per session.

Without a daemon the container and act tests are skipped; with QGATE_REQUIRE_DOCKER=1
(CI sets it) they fail instead, so a broken Docker setup cannot pass silently.
"""

from __future__ import annotations

import os
import subprocess
from typing import NoReturn

import pytest

from tests.container.helpers import IMAGE, REPO, docker, docker_cli

# local-docker.sh lives in the shared tools checked out beside the repository.
LOCAL_DOCKER = REPO.parent / "shared" / "tools" / "local-docker.sh"
BASE_IMAGE = os.environ.get("QGATE_BASE_IMAGE", "qgate-local/python:bookworm")
TEST_LABEL = "org.qgate.image=test"  # marks images built by these tests


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail when the environment promises Docker."""
    if os.environ.get("QGATE_REQUIRE_DOCKER") == "1":
        pytest.fail(f"{reason} (QGATE_REQUIRE_DOCKER=1 is set)", pytrace=False)
    pytest.skip(reason)


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _is_ready() -> bool:
    try:
        return docker("image", "inspect", BASE_IMAGE, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.fixture(scope="session")
def docker_ready() -> str:
    """A daemon that answers and has the local base image; returns the base's tag."""
    if _is_ready():
        return BASE_IMAGE
    if not LOCAL_DOCKER.is_file():
        unavailable(f"no Docker daemon with {BASE_IMAGE}, and no {LOCAL_DOCKER}")
    if os.geteuid() != 0:
        unavailable(f"no Docker daemon with {BASE_IMAGE}; {LOCAL_DOCKER} needs root")
    done = subprocess.run(
        ["bash", str(LOCAL_DOCKER)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0 or not _is_ready():
        unavailable(f"{LOCAL_DOCKER} failed:\n{_tail(done.stderr + done.stdout)}")
    return BASE_IMAGE


@pytest.fixture(scope="session")
def image(docker_ready: str) -> str:
    """Build the action image once (BuildKit, local base); returns its tag."""
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    built = docker(
        "build",
        "--network=host",
        "--build-arg",
        f"BASE_IMAGE={docker_ready}",
        "--label",
        TEST_LABEL,
        "-t",
        IMAGE,
        str(REPO),
        timeout=900,
        env=env,
    )
    if built.returncode != 0:
        pytest.fail(
            f"{docker_cli()} build failed:\n{_tail(built.stderr + built.stdout, 60)}",
            pytrace=False,
        )
    # Earlier builds of qgate:test (this session's or a concurrent one's) are left
    # untagged: remove those, and only those, unless a container still uses them.
    docker("image", "prune", "--force", "--filter", f"label={TEST_LABEL}")
    # With the vfs storage driver every cached layer is a full copy of the file
    # system: drop the cache no image uses any more (the rest keeps rebuilds fast).
    docker("builder", "prune", "--force", timeout=300)
    return IMAGE
