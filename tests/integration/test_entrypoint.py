"""entrypoint.py run as the container runs it: a process with a runner's environment.

Inputs arrive as ``INPUT_<NAME>`` with the hyphens kept (``INPUT_MARKDOWN-PATH``),
outputs are read back from $GITHUB_OUTPUT with the runner's heredoc rules, and
the API URL points at a closed loopback port so nothing can leave the machine.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from tests.helpers import (
    ROOT,
    clean_env,
    dump,
    gate_file_text,
    parse_github_output,
    run_python,
)

TOKEN = "ghs_entrypointTestToken0123456789"
GATES = [
    {"metric": "accuracy", "direction": "higher", "min": 0.9, "max-regression": 0.01},
    {"metric": "latency.p95_ms", "direction": "lower", "max": 120},
]
BASELINE = {"accuracy": 0.93, "latency": {"p95_ms": 100}}
GOOD = {"accuracy": 0.935, "latency": {"p95_ms": 98}}
WORSE = {"accuracy": 0.91, "latency": {"p95_ms": 98}}
OUTPUTS = {
    "passed",
    "verdict",
    "verdict-json",
    "baseline-ref",
    "comment-id",
    "report-path",
    "json-path",
}


@dataclasses.dataclass
class ActionRun:
    """What one run of the entrypoint left behind."""

    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    workspace: Path


@pytest.fixture
def run_action(tmp_path):
    """Run entrypoint.py in a fresh workspace holding gates.yml and metrics files."""
    workspace = tmp_path / "workspace"
    runner = tmp_path / "runner"
    (workspace / "base").mkdir(parents=True)
    runner.mkdir()
    event = runner / "event.json"
    event.write_text('{"ref": "refs/heads/main"}', "utf-8")

    def run(candidate=GOOD, *, gates_text=None, runner_env=(), **inputs):
        text = gates_text or gate_file_text(
            *GATES, baseline={"file": "base/metrics.json", "when-missing": "fail"}
        )
        (workspace / "gates.yml").write_text(text, "utf-8")
        (workspace / "base" / "metrics.json").write_text(dump(BASELINE), "utf-8")
        metrics = candidate if isinstance(candidate, str) else dump(candidate)
        (workspace / "metrics.json").write_text(metrics, "utf-8")
        env = clean_env(
            GITHUB_ACTIONS="true",
            CI="true",
            GITHUB_WORKSPACE=str(workspace),
            GITHUB_OUTPUT=str(runner / "output"),
            GITHUB_STEP_SUMMARY=str(runner / "summary.md"),
            GITHUB_EVENT_PATH=str(event),
            GITHUB_EVENT_NAME="push",
            GITHUB_REPOSITORY="octo-org/model-zoo",
            GITHUB_RUN_ID="42",
            GITHUB_API_URL="http://127.0.0.1:9",
            GITHUB_SERVER_URL="http://127.0.0.1:9",
        )
        defaults = {
            "gates": "gates.yml",
            "metrics": "metrics.json",
            "comment": "never",
            "markdown-path": ".qgate/verdict.md",
            "json-path": ".qgate/v.json",
        }
        for name, value in {**defaults, **inputs}.items():
            env[f"INPUT_{name.upper()}"] = value
        env.update(runner_env)

        result = run_python([str(ROOT / "entrypoint.py")], cwd=workspace, env=env)

        output, summary = runner / "output", runner / "summary.md"
        with open(output, "a+", encoding="utf-8", newline="") as handle:
            handle.seek(0)
            outputs = parse_github_output(handle.read())
        summary.touch()
        text = summary.read_text("utf-8")
        output.unlink()
        summary.unlink()
        return ActionRun(
            result.returncode, result.stdout, result.stderr, outputs, text, workspace
        )

    return run


def test_entrypoint__pass_sets_outputs_and_summary(run_action):
    """A passing candidate exits 0 with passed=true and the verdict in the summary."""

    run = run_action(GOOD)

    verdict = json.loads(run.outputs["verdict-json"])
    assert (
        run.code,
        run.outputs["passed"],
        run.outputs["verdict"],
        verdict["verdict"],
        [g["status"] for g in verdict["gates"]],
        run.summary.startswith("### ✅ qgate · model: passed — 2 of 2 gates passed\n"),
    ) == (0, "true", "pass", "pass", ["pass", "pass"], True)


def test_entrypoint__sets_every_output(run_action):
    """Every output the action declares is written, including the file paths."""

    run = run_action(GOOD)

    assert (
        set(run.outputs),
        run.outputs["report-path"],
        run.outputs["json-path"],
        run.outputs["baseline-ref"],
        run.outputs["comment-id"],
    ) == (
        OUTPUTS,
        ".qgate/verdict.md",
        ".qgate/v.json",
        "file base/metrics.json",
        "",
    )


def test_entrypoint__writes_report_files_in_the_workspace(run_action):
    """markdown-path and json-path are written relative to the workspace."""

    run = run_action(GOOD)

    markdown = (run.workspace / ".qgate" / "verdict.md").read_text("utf-8")
    data = json.loads((run.workspace / ".qgate" / "v.json").read_text("utf-8"))
    assert (markdown == run.summary, data["verdict"]) == (True, "pass")


def test_entrypoint__fail_exits_1_with_annotations(run_action):
    """A regressed candidate exits 1, sets passed=false and annotates the gate line."""

    run = run_action(WORSE)

    assert (run.code, run.outputs["passed"], run.outputs["verdict"]) == (
        1,
        "false",
        "fail",
    )
    assert "::error file=gates.yml,line=1,col=" in run.stdout
    assert "blocked — 1 of 2 gates failed" in run.summary


def test_entrypoint__config_error_exits_2_and_still_reports(run_action):
    """A broken gate file exits 2, yet sets passed=false and writes the summary."""
    text = "version: 1\ngates:\n  - metric: acc\n    direction: higher\n    max-regression: -1\n"

    run = run_action(GOOD, gates_text=text)

    assert (
        run.code,
        run.outputs["passed"],
        run.outputs["verdict"],
        json.loads(run.outputs["verdict-json"])["verdict"],
        "**Error:** gates.yml:5:21: gates&#91;0&#93;.max-regression: -1 is not a "
        "tolerance" in run.summary,
        run.stderr,
    ) == (2, "false", "error", "error", True, "")


def test_entrypoint__config_error_is_annotated_at_its_position(run_action):
    """The gate-file problem becomes an error annotation on its file, line and column."""
    text = "version: 1\ngates:\n  - metric: acc\n    direction: higher\n    max-regression: -1\n"

    run = run_action(GOOD, gates_text=text)

    assert (
        "::error file=gates.yml,line=5,col=21,title=qgate%3A configuration error::"
        "gates.yml:5:21: gates[0].max-regression: -1 is not a tolerance"
    ) in run.stdout


def test_entrypoint__missing_input_exits_2_with_outputs(run_action):
    """An empty required input is a configuration error that still sets outputs."""

    run = run_action(GOOD, metrics="")

    assert (run.code, run.outputs["passed"], run.outputs["verdict"]) == (
        2,
        "false",
        "error",
    )
    assert "input 'metrics' is empty" in run.summary


@pytest.mark.parametrize(
    "candidate",
    [{"latency": {"p95_ms": 98}}, '{"accuracy": NaN, "latency": {"p95_ms": 98}}'],
)
def test_entrypoint__missing_or_nan_metric_never_passes(run_action, candidate):
    """A gated metric that is missing or NaN fails the action."""

    run = run_action(candidate)

    assert (run.code, run.outputs["passed"]) == (1, "false")


def test_entrypoint__underscore_input_names_work_too(run_action):
    """INPUT_MARKDOWN_PATH is accepted as well as INPUT_MARKDOWN-PATH."""

    run = run_action(GOOD, **{"markdown-path": "", "markdown_path": "out/v.md"})

    assert (run.outputs["report-path"], (run.workspace / "out" / "v.md").is_file()) == (
        "out/v.md",
        True,
    )


def test_entrypoint__token_appears_only_in_the_mask_command(run_action):
    """The token is masked first and never written anywhere else."""

    run = run_action(WORSE, **{"github-token": TOKEN})

    files = [p.read_text("utf-8") for p in (run.workspace / ".qgate").iterdir()]
    lines_with_token = [line for line in run.stdout.splitlines() if TOKEN in line]
    assert (
        lines_with_token,
        any(TOKEN in text for text in [run.summary, run.stderr, *files]),
        any(TOKEN in value for value in run.outputs.values()),
    ) == ([f"::add-mask::{TOKEN}"], False, False)


def test_entrypoint__unwritable_runner_files_do_not_change_the_verdict(
    run_action, tmp_path
):
    """A passing gate still exits 0 when the summary and output files cannot be written."""
    missing = tmp_path / "no-such-folder"
    env = {
        "GITHUB_OUTPUT": str(missing / "o"),
        "GITHUB_STEP_SUMMARY": str(missing / "s"),
    }

    run = run_action(GOOD, runner_env=env)

    assert (run.code, run.stderr, run.outputs) == (0, "", {})


def test_entrypoint__every_configuration_error_reaches_the_summary(tmp_path):
    """All schema problems of a broken gate file are listed in the step summary."""
    gates = tmp_path / "gates.yml"
    gates.write_text("version: 2\ngates:\n  - metric: a\n    min: x\n  - metric: b\n")
    (tmp_path / "m.json").write_text('{"a": 1}')
    env = clean_env(
        GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(tmp_path),
        GITHUB_OUTPUT=str(tmp_path / "out"), GITHUB_STEP_SUMMARY=str(tmp_path / "sum"),
        INPUT_GATES="gates.yml", INPUT_METRICS="m.json", INPUT_COMMENT="never",
    )

    result = run_python([str(ROOT / "entrypoint.py")], cwd=tmp_path, env=env)

    summary = (tmp_path / "sum").read_text()
    assert result.returncode == 2
    assert "gates.yml:1:10: version" in summary
    assert "gates.yml:4:10: gates&#91;0&#93;.min: must be a number" in summary
    assert "gates.yml:5:5: gates&#91;1&#93;: the gate has no rule" in summary


def test_entrypoint__broken_install_exits_3_not_1(tmp_path):
    """When qgate cannot even be imported, the step reports an error, not a failed gate."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "decimal.py").write_text("raise ImportError('broken on purpose')\n")
    env = clean_env(
        GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(tmp_path / "out"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary"),
        PYTHONPATH=f"{shadow}{os.pathsep}{ROOT}",
    )

    result = run_python([str(ROOT / "entrypoint.py")], cwd=tmp_path, env=env)

    assert result.returncode == 3
    assert result.stdout.startswith("::error title=qgate::qgate could not start")
    assert parse_github_output((tmp_path / "out").read_text()) == {
        "passed": "false", "verdict": "error"}
    assert "could not start" in (tmp_path / "summary").read_text()
