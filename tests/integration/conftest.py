"""Fixtures for running the whole action in-process against the fake GitHub server."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qgate.action import main
from tests.fake_github.pytest_plugin import (  # noqa: F401 - fixtures for this folder
    fake_github,
    fake_github_client,
    make_fake_github,
)
from tests.fake_github.server import DEFAULT_TOKEN, FakeGitHub
from tests.helpers import parse_github_output

GATES = """\
version: 1
name: churn-model
baseline:
  source: {source}
  when-missing: {when_missing}
gates:
  - metric: accuracy
    direction: higher
    min: 0.9
    max-regression: 0.01
  - metric: latency.p95_ms
    direction: lower
    max: 120
"""
BASELINE = {"accuracy": 0.93, "latency": {"p95_ms": 100}}
GOOD = {"accuracy": 0.935, "latency": {"p95_ms": 98}}
WORSE = {"accuracy": 0.91, "latency": {"p95_ms": 98}}


def metrics_bytes(values: dict[str, Any]) -> bytes:
    """A metrics file as a release would carry it."""
    return json.dumps(values).encode()


@dataclasses.dataclass
class ActionRun:
    """What one action run left behind."""

    code: int
    log: str
    outputs: dict[str, str]
    summary: str

    @property
    def verdict(self) -> dict[str, Any]:
        """The parsed ``verdict-json`` output."""
        data: dict[str, Any] = json.loads(self.outputs["verdict-json"])
        return data


@pytest.fixture
def run_action(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Callable[..., ActionRun]]:
    """Run the action like a runner does, with the fake as GitHub's API."""

    def run(
        fake: FakeGitHub,
        *,
        candidate: dict[str, Any] | None = None,
        gates: str | None = None,
        source: str = "release",
        when_missing: str = "warn",
        event_name: str = "push",
        event: dict[str, Any] | None = None,
        token: str = DEFAULT_TOKEN,
        **inputs: str,
    ) -> ActionRun:
        workspace = tmp_path / "workspace"
        workspace.mkdir(exist_ok=True)
        files = tmp_path / "files"
        files.mkdir(exist_ok=True)
        (workspace / "qgate.yml").write_text(
            gates or GATES.format(source=source, when_missing=when_missing)
        )
        (workspace / "metrics.json").write_text(json.dumps(candidate or GOOD))
        (files / "event.json").write_text(json.dumps(event or {}))
        for name in ("output", "summary"):
            (files / name).write_text("")
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(files / "output"),
            "GITHUB_STEP_SUMMARY": str(files / "summary"),
            "GITHUB_EVENT_PATH": str(files / "event.json"),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_REPOSITORY": fake.state.full_name,
            "GITHUB_API_URL": fake.api_url,
            "GITHUB_SERVER_URL": fake.web_url,
            "GITHUB_RUN_ID": "4242",
            "INPUT_GATES": "qgate.yml",
            "INPUT_METRICS": "metrics.json",
            "INPUT_GITHUB-TOKEN": token,
            "INPUT_MAX-WAIT-SECONDS": "5",
            "INPUT_TIMEOUT-SECONDS": "2",
        }
        for key, value in inputs.items():
            env[f"INPUT_{key.upper().replace('_', '-')}"] = value
        for key in [k for k in os.environ if k.startswith(("GITHUB_", "INPUT_"))]:
            monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(workspace)
        capsys.readouterr()

        code = main(dict(os.environ))

        log = capsys.readouterr().out
        return ActionRun(
            code=code,
            log=log,
            outputs=parse_github_output((files / "output").read_text()),
            summary=(files / "summary").read_text(),
        )

    yield run


def pr_event(fake: FakeGitHub, number: int, *, fork: str = "") -> dict[str, Any]:
    """A pull_request event payload for an existing pull request."""
    issue = fake.state.issues[number]
    head_repo = fork or fake.state.full_name
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {
            "number": number,
            "base": {"sha": issue.base_sha, "repo": {"full_name": fake.state.full_name}},
            "head": {"sha": issue.head_sha, "repo": {"full_name": head_repo}},
        },
    }
