"""5. GitHub REST calls of the action's default path, counted by the fake GitHub.

The action runs as a whole process (``python entrypoint.py``) with a runner-like
environment, every input at its action.yml default, and the fake GitHub server of
``tests/fake_github`` (on loopback) as the API. The baseline is the latest release's
``metrics.json``; on a pull request the base branch's gate file is fetched too and
the sticky comment is written.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from benchmarks.cold_start import example_metrics
from benchmarks.common import (
    BASELINE,
    GATES,
    ROOT,
    Context,
    Row,
    clean_env,
    heading,
    say,
    section_main,
)

PUSH_LIMIT = 4  # latest release, asset download, one page of comments, one write
PR_LIMIT = PUSH_LIMIT + 1  # and the base branch's gate file


def action_inputs(given: dict[str, str]) -> dict[str, str]:
    """INPUT_* as the runner sets them: every input of action.yml, default or given."""
    from ruamel.yaml import YAML

    declared = YAML(typ="safe").load((ROOT / "action.yml").read_text("utf-8"))["inputs"]
    values = {}
    for name, spec in declared.items():
        default = str(spec.get("default", ""))
        value = given.get(name, "" if default.startswith("${{") else default)
        values[f"INPUT_{name.upper()}"] = value
    return values


def measure(ctx: Context) -> list[Row]:
    from tests.fake_github import DEFAULT_TOKEN, FakeGitHub

    heading("5. REST calls of the default path (fake GitHub on loopback)")
    folder = ctx.work / "rest"
    shutil.rmtree(folder, ignore_errors=True)
    workspace = folder / "workspace"
    (workspace / Path(GATES).parent).mkdir(parents=True)
    shutil.copy(ROOT / GATES, workspace / GATES)
    shutil.copy(ROOT / example_metrics(ctx), workspace / "metrics.json")
    gates_text = (ROOT / GATES).read_bytes()
    baseline = (ROOT / BASELINE).read_bytes()

    rows = []
    with FakeGitHub() as fake:
        fake.add_release("v1.0.0", assets={"metrics.json": baseline})
        pull = fake.add_pull_request(7)
        fake.add_file(GATES, pull.base_sha, gates_text)
        event_pr = {
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "base": {
                    "sha": pull.base_sha,
                    "repo": {"full_name": fake.state.full_name},
                },
                "head": {
                    "sha": pull.head_sha,
                    "repo": {"full_name": fake.state.full_name},
                },
            },
        }
        event_push = {"ref": "refs/heads/main", "after": "7" * 40}
        for key, name, event_name, event, limit in (
            ("5a", "push", "push", event_push, PUSH_LIMIT),
            (
                "5b",
                "pull request, first run (creates the comment)",
                "pull_request",
                event_pr,
                PR_LIMIT,
            ),
            (
                "5c",
                "pull request, second run (updates the comment)",
                "pull_request",
                event_pr,
                PR_LIMIT,
            ),
        ):
            fake.clear_log()
            code, log = run_action(
                ctx,
                fake.api_url,
                fake.web_url,
                fake.state.full_name,
                DEFAULT_TOKEN,
                workspace,
                folder,
                event_name,
                event,
            )
            api = fake.requests
            storage = fake.storage_requests
            say(
                f"{name}: exit {code}, {len(api)} API requests, {len(storage)} to "
                "the storage host"
            )
            for entry in api:
                say(f"    {entry.method:6} {entry.path}")
            for entry in storage:
                say(f"    {entry.method:6} (storage) {entry.path}")
            if code not in (0, 1):
                say(log[-3000:])
            rows.append(
                Row(
                    key,
                    f"REST calls: {name}",
                    str(len(api)),
                    f"≤ {limit}",
                    len(api) <= limit and code in (0, 1),
                    f"exit {code}; +{len(storage)} redirected download",
                )
            )
        comments = fake.comments(7)
        say(f"comments on #7 after both runs: {len(comments)}")
    return rows


def run_action(
    ctx: Context,
    api_url: str,
    web_url: str,
    repository: str,
    token: str,
    workspace: Path,
    folder: Path,
    event_name: str,
    event: Mapping[str, object],
) -> tuple[int, str]:
    """One action run, as a runner starts the container's entry point."""
    files = folder / "files"
    files.mkdir(exist_ok=True)
    (files / "event.json").write_text(json.dumps(event), encoding="utf-8")
    for name in ("output", "summary"):
        (files / name).write_text("", encoding="utf-8")
    env = clean_env(
        {
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(files / "output"),
            "GITHUB_STEP_SUMMARY": str(files / "summary"),
            "GITHUB_EVENT_PATH": str(files / "event.json"),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_REPOSITORY": repository,
            "GITHUB_API_URL": api_url,
            "GITHUB_SERVER_URL": web_url,
            "GITHUB_RUN_ID": "4242",
            **action_inputs(
                {
                    "gates": GATES,
                    "metrics": "metrics.json",
                    "github-token": token,
                    # The example's gate file names a local baseline; the action's default,
                    # for a gate file without one, is the latest release.
                    "baseline-source": "release",
                }
            ),
        }
    )
    done = subprocess.run(
        [ctx.python, str(ROOT / "entrypoint.py")],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


if __name__ == "__main__":
    section_main(measure)
