"""Run qgate in-process the way users and the runner start it, and keep every byte
it writes: stdout, stderr, $GITHUB_OUTPUT, the step summary, report files and the
comments it posts to the fake GitHub."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qgate.action import main as action_main
from qgate.cli import main as cli_main
from tests.fake_github.pytest_plugin import (  # noqa: F401 - fixtures for this folder
    fake_github,
    make_fake_github,
)
from tests.fake_github.server import FakeGitHub

CORPUS = Path(__file__).parent / "corpus"
# Recognizable, and in the fake's format (it accepts any token it was told about).
TOKEN = "ghs_HOSTILE_token_5e3f9c1d"
GATES = "version: 1\nname: hostile\ngates:\n  - metric: accuracy\n    min: 0.5\n"
METRICS = '{"accuracy": 0.95}\n'


@dataclasses.dataclass
class Run:
    """What one run left behind."""

    code: int
    out: str
    err: str
    output_file: str = ""
    summary: str = ""
    files: dict[str, str] = dataclasses.field(default_factory=dict)
    comments: list[str] = dataclasses.field(default_factory=list)

    @property
    def log(self) -> str:
        """stdout and stderr together."""
        return self.out + self.err

    def everything(self) -> str:
        """All text the run wrote anywhere."""
        return "\n".join(
            [self.out, self.err, self.output_file, self.summary,
             *self.files.values(), *self.comments]
        )


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")


def _clear_runner_env(monkeypatch: pytest.MonkeyPatch) -> None:
    prefixes = ("GITHUB_", "INPUT_", "RUNNER_", "ACTIONS_", "QGATE_")
    for key in [k for k in os.environ if k.startswith(prefixes)]:
        monkeypatch.delenv(key)


@pytest.fixture
def qgate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Run]:
    """Run ``qgate`` (qgate.cli.main) in tmp_path, outside a runner (``env``: extra
    variables, e.g. GITHUB_TOKEN)."""

    def run(*argv: str, env: dict[str, str] | None = None) -> Run:
        _clear_runner_env(monkeypatch)
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        try:
            code = cli_main(list(argv))
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., Run]]:
    """Run the action's entry point (qgate.action.main) with a runner's environment.

    ``files`` are written into the workspace; ``fake`` serves the GitHub API.
    The metrics go to ``metrics_name``, whose extension says JSON or YAML;
    ``prepare(workspace)`` may change the workspace before the run.
    Inputs are keyword arguments (``baseline_source="none"``).
    """
    counter = iter(range(1_000_000))

    def run(
        gates_text: str | bytes = GATES,
        metrics_text: str | bytes = METRICS,
        *,
        files: dict[str, str | bytes] | None = None,
        fake: FakeGitHub | None = None,
        metrics_name: str = "metrics.json",
        prepare: Callable[[Path], None] | None = None,
        event_name: str = "push",
        event: dict[str, Any] | None = None,
        token: str = TOKEN,
        **inputs: str,
    ) -> Run:
        root = tmp_path / f"run{next(counter)}"
        workspace, runner = root / "workspace", root / "runner"
        _write(workspace / "qgate.yml", gates_text)
        _write(workspace / metrics_name, metrics_text)
        for name, content in (files or {}).items():
            _write(workspace / name, content)
        if prepare is not None:
            prepare(workspace)
        _write(runner / "event.json", json.dumps(event or {}))
        _write(runner / "output", "")
        _write(runner / "summary", "")
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(runner / "output"),
            "GITHUB_STEP_SUMMARY": str(runner / "summary"),
            "GITHUB_EVENT_PATH": str(runner / "event.json"),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_RUN_ID": "4242",
            "GITHUB_REPOSITORY": "octo-org/model-zoo",
            # A closed port: without a fake, nothing can leave the machine.
            "GITHUB_API_URL": "http://127.0.0.1:9",
            "GITHUB_SERVER_URL": "http://127.0.0.1:9",
            "INPUT_GATES": "qgate.yml",
            "INPUT_METRICS": metrics_name,
            "INPUT_GITHUB-TOKEN": token,
            "INPUT_COMMENT": "always" if fake else "never",
            "INPUT_MAX-WAIT-SECONDS": "2",
            "INPUT_TIMEOUT-SECONDS": "2",
        }
        if fake is None:
            env["INPUT_BASELINE-SOURCE"] = "none"
        else:
            env["GITHUB_REPOSITORY"] = fake.state.full_name
            env["GITHUB_API_URL"] = fake.api_url
            env["GITHUB_SERVER_URL"] = fake.web_url
        for key, value in inputs.items():
            env[f"INPUT_{key.upper().replace('_', '-')}"] = value
        _clear_runner_env(monkeypatch)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(workspace)
        capsys.readouterr()

        code = action_main(dict(os.environ))

        captured = capsys.readouterr()
        reports = workspace / ".qgate"
        return Run(
            code,
            captured.out,
            captured.err,
            (runner / "output").read_text("utf-8"),
            (runner / "summary").read_text("utf-8"),
            {p.name: p.read_text("utf-8") for p in sorted(reports.glob("*"))},
            [c.body for c in fake.comments()] if fake else [],
        )

    yield run
