"""The shell steps of the generated workflow, run with bash and a stand-in ``gh``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from qgate.scaffold import Options, render_files
from tests.helpers import parse_github_output

WORKFLOW = ".github/workflows/release-model.yml"
SHA = "3f786850e387550fdab836ed7e6dc881de23001b"

# Records its arguments, one per line, then succeeds like gh does.
FAKE_GH = """#!/usr/bin/env bash
printf '%s\\n' "$@" > "$GH_ARGS"
printf 'token=%s repo=%s\\n' "$GH_TOKEN" "$GH_REPO" > "$GH_ARGS.env"
"""

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def step(job: str, match: str, **options: Any) -> dict[str, Any]:
    data = YAML(typ="safe").load(render_files(Options(**options))[WORKFLOW])
    steps: list[dict[str, Any]] = data["jobs"][job]["steps"]
    return next(s for s in steps if match in (s.get("id", ""), s.get("name", "")))


def run_step(found: dict[str, Any], tmp_path: Path, **env: str) -> str:
    """Run a step's script the way the runner does: bash -e, its env, GitHub's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    output = tmp_path / "output"
    output.write_text("")
    values = {name: str(value) for name, value in found.get("env", {}).items()}
    full_env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GH_ARGS": str(tmp_path / "gh-args"),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_SHA": SHA,
        "GITHUB_RUN_NUMBER": "17",
        "GITHUB_RUN_ID": "9001",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "octo-org/model-zoo",
        **values,
        **env,
    }
    subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", found["run"]],
        cwd=tmp_path,
        env=full_env,
        check=True,
        timeout=60,
    )
    return output.read_text()


def test_release_step__creates_the_release_on_the_gated_commit(tmp_path):
    """gh creates tag model-v<run>, on GITHUB_SHA, with the metrics as asset."""
    found = step("release", "release", metrics="out/eval.json")

    output = run_step(
        found, tmp_path, GH_TOKEN="ghs_token", GH_REPO="octo-org/model-zoo"
    )

    args = (tmp_path / "gh-args").read_text().splitlines()
    assert args == [
        "release",
        "create",
        "model-v17",
        "eval.json",
        "--target",
        SHA,
        "--title",
        "Model model-v17",
        "--notes",
        "Passed the quality gate in "
        "https://github.com/octo-org/model-zoo/actions/runs/9001",
    ]
    assert (tmp_path / "gh-args.env").read_text() == (
        "token=ghs_token repo=octo-org/model-zoo\n"
    )
    assert parse_github_output(output) == {"tag": "model-v17"}


def test_fork_safe__number_step_writes_the_number(tmp_path):
    """The pull request's number lands in .qgate/pr-number for the artifact."""
    found = step(
        "quality-gate",
        "Keep the pull request's number for the qgate-comment workflow",
        fork_safe=True,
    )

    run_step(found, tmp_path, PR_NUMBER="42")

    assert (tmp_path / ".qgate" / "pr-number").read_text() == "42\n"


@pytest.mark.parametrize("job", ["train", "evaluate"])
def test_command_step__runs_the_command_with_its_variables(tmp_path, job):
    """The command runs in bash and sees MODEL_DIR and METRICS_PATH."""
    command = 'mkdir -p "$MODEL_DIR"; printf "%s|%s" "$MODEL_DIR" "${METRICS_PATH:-}"'
    command += " > seen"
    name = "Train" if job == "train" else "Evaluate"
    found = step(job, name, train_command=command, evaluate_command=command)

    run_step(found, tmp_path)

    expected = "model|" if job == "train" else "model|metrics.json"
    assert (tmp_path / "seen").read_text() == expected


def test_command_step__failure_fails_the_step(tmp_path):
    """A failing command in a pipeline fails the step (pipefail)."""
    found = step("train", "Train", train_command="false | cat")

    with pytest.raises(subprocess.CalledProcessError):
        run_step(found, tmp_path)
