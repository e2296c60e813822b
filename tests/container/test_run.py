"""The image run as a runner runs a Docker action step: a pass, a fail, a broken gate
file, and a pass under a hostile workflow environment. Four containers in all; each
module-scoped run is shared by the tests that read it.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.container.helpers import (
    REPO,
    ActionRun,
    line_of,
    run_action,
    workspace_owner,
)

pytestmark = pytest.mark.container

EXAMPLE = "examples/breast-cancer"
GATES = f"{EXAMPLE}/gates.yml"
BASELINE = f"{EXAMPLE}/baseline/metrics.json"
METRICS = "model/metrics.json"
NESTED_REPORT = "reports/qgate/verdict.md"


def _example_files(gates: str | None = None, **changes: float) -> dict[str, str]:
    """The example's gate file and baseline, and candidate metrics derived from it.

    ``changes`` maps ``group__metric`` to a new value, e.g. ``quality__accuracy=0.85``.
    """
    baseline = (REPO / BASELINE).read_text(encoding="utf-8")
    candidate: dict[str, Any] = json.loads(baseline)
    for key, value in changes.items():
        group, metric = key.split("__")
        candidate[group][metric] = value
    return {
        GATES: gates or (REPO / GATES).read_text(encoding="utf-8"),
        BASELINE: baseline,
        METRICS: json.dumps(candidate, indent=2),
    }


@pytest.fixture(scope="module")
def passing(image: str, tmp_path_factory: pytest.TempPathFactory) -> ActionRun:
    """The release candidate equals the previous release: every gate passes."""
    return run_action(
        tmp_path_factory.mktemp("passing"),
        _example_files(),
        {"gates": GATES, "metrics": METRICS, "markdown-path": NESTED_REPORT},
        image=image,
    )


@pytest.fixture(scope="module")
def failing(image: str, tmp_path_factory: pytest.TempPathFactory) -> ActionRun:
    """Lower accuracy and crashes on bad input: two blocking gates fail."""
    files = _example_files(quality__accuracy=0.85, robustness__crash_rate=0.45)
    return run_action(
        tmp_path_factory.mktemp("failing"),
        files,
        {"gates": GATES, "metrics": METRICS, "comment": "never"},
        image=image,
    )


BROKEN_GATES = (
    (REPO / GATES)
    .read_text(encoding="utf-8")
    .replace("    min: 0.92\n", "    min: high\n", 1)
)


@pytest.fixture(scope="module")
def broken(image: str, tmp_path_factory: pytest.TempPathFactory) -> ActionRun:
    """A gate file whose ``min`` is a word: a configuration error."""
    return run_action(
        tmp_path_factory.mktemp("broken"),
        _example_files(gates=BROKEN_GATES),
        {"gates": GATES, "metrics": METRICS, "comment": "never"},
        image=image,
    )


def _shadow_package(source: str) -> str:
    return f'raise ImportError("{source} shadows the image\'s jinja2")\n'


@pytest.fixture(scope="module")
def hostile(image: str, tmp_path_factory: pytest.TempPathFactory) -> ActionRun:
    """The workflow's ``env:`` sets PYTHON* variables for its own tests (they reach
    the container): a workspace PYTHONPATH that shadows jinja2, and warnings as errors.
    """
    files = _example_files()
    files["shadow/jinja2/__init__.py"] = _shadow_package("PYTHONPATH")
    return run_action(
        tmp_path_factory.mktemp("hostile"),
        files,
        {"gates": GATES, "metrics": METRICS, "comment": "never"},
        {"PYTHONPATH": "shadow", "PYTHONWARNINGS": "error", "PYTHONOPTIMIZE": "2"},
        image=image,
    )


def _owners(workspace: Path, relative: str) -> dict[str, int]:
    """Owner uid of a file and of every folder between it and the workspace."""
    owners = {}
    path = workspace / relative
    while path != workspace:
        owners[str(path.relative_to(workspace))] = path.stat().st_uid
        path = path.parent
    return owners


# -- a passing model ----------------------------------------------------------------


def test_pass__exits_zero(passing: ActionRun) -> None:
    """A candidate that meets every gate exits 0 without a traceback."""
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Traceback" not in passing.stderr


def test_pass__outputs(passing: ActionRun) -> None:
    """The outputs say passed, with the report paths given and no comment."""
    assert passing.outputs["passed"] == "true"
    assert passing.outputs["verdict"] == "pass"
    assert passing.outputs["report-path"] == NESTED_REPORT
    assert passing.outputs["json-path"] == ".qgate/verdict.json"
    assert passing.outputs["comment-id"] == ""
    assert passing.outputs["baseline-ref"] == f"file {BASELINE}"


def test_pass__verdict_json_output(passing: ActionRun) -> None:
    """``verdict-json`` is one line of JSON matching the other outputs."""
    verdict = passing.verdict_json()

    assert "\n" not in passing.outputs["verdict-json"]
    assert verdict["verdict"] == "pass"
    assert verdict["passed"] is True


def test_pass__report_files(passing: ActionRun) -> None:
    """The reports land in the workspace; the JSON one equals the output."""
    report = passing.workspace / NESTED_REPORT
    json_report = passing.workspace / ".qgate/verdict.json"

    assert report.read_text(encoding="utf-8") == passing.summary
    assert json.loads(json_report.read_text("utf-8")) == passing.verdict_json()


def test_pass__summary(passing: ActionRun) -> None:
    """The step summary starts with the verdict and lists every gated metric."""
    gated = {g["metric"] for g in passing.verdict_json()["gates"]}

    assert passing.summary.startswith("### ")
    assert "qgate · breast-cancer-classifier: passed" in passing.summary
    assert all(metric in html.unescape(passing.summary) for metric in gated)


def test_pass__one_notice(passing: ActionRun) -> None:
    """The verdict is one notice, and no error is annotated."""
    notices = passing.commands("notice")

    assert [n.message.split(" —")[0] for n in notices] == [
        "qgate breast-cancer-classifier: PASS"
    ]
    assert passing.commands("error") == []


def test_pass__report_owned_by_workspace_owner(passing: ActionRun) -> None:
    """Reports and their own folders belong to the workspace's owner, not root."""
    owner = workspace_owner()

    for relative in (
        NESTED_REPORT,
        os.path.dirname(NESTED_REPORT),
        ".qgate/verdict.json",
        ".qgate",
    ):
        assert (passing.workspace / relative).stat().st_uid == owner, relative


def test_pass__report_parent_folders_owned_by_workspace_owner(
    passing: ActionRun,
) -> None:
    """Every folder created for a nested report path belongs to the workspace's owner."""
    owner = workspace_owner()

    assert set(_owners(passing.workspace, NESTED_REPORT).values()) == {owner}


# -- a failing model ----------------------------------------------------------------


def test_fail__exits_one(failing: ActionRun) -> None:
    """A candidate that breaks a blocking gate exits 1 without a traceback."""
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Traceback" not in failing.stderr


def test_fail__outputs(failing: ActionRun) -> None:
    """The outputs say failed, and the JSON counts the failed gates."""
    verdict = failing.verdict_json()

    assert failing.outputs["passed"] == "false"
    assert failing.outputs["verdict"] == "fail"
    assert verdict["verdict"] == "fail"
    assert verdict["counts"]["fail"] == 2


def test_fail__annotations_point_at_the_gates(failing: ActionRun) -> None:
    """Each failed gate is an error annotation at its line in the gate file."""
    gates = (REPO / GATES).read_text(encoding="utf-8")
    expected = {
        (GATES, str(line), str(col))
        for line, col in (
            line_of(gates, "metric: quality.accuracy"),
            line_of(gates, "metric: robustness.crash_rate"),
        )
    }

    errors = failing.commands("error")

    assert {
        (e.properties["file"], e.properties["line"], e.properties["col"])
        for e in errors
    } == expected
    assert all(e.properties["title"].startswith("qgate: gate on ") for e in errors)


def test_fail__summary_written(failing: ActionRun) -> None:
    """The step summary is written even though the step fails."""
    assert "qgate · breast-cancer-classifier: blocked" in failing.summary
    assert "robustness.crash_rate" in html.unescape(failing.summary)


# -- a broken gate file --------------------------------------------------------------


def test_config_error__exits_two(broken: ActionRun) -> None:
    """A gate file that fails the schema exits 2 without a traceback."""
    assert broken.returncode == 2, broken.stdout + broken.stderr
    assert "Traceback" not in broken.stderr


def test_config_error__annotation_at_the_value(broken: ActionRun) -> None:
    """The schema error is annotated at the offending value's line and column."""
    line, col = line_of(BROKEN_GATES, "min: high")
    col += len("min: ")

    errors = broken.commands("error")

    assert len(errors) == 1
    assert errors[0].properties == {
        "file": GATES,
        "line": str(line),
        "col": str(col),
        "title": "qgate: configuration error",
    }
    assert errors[0].message == (
        f"{GATES}:{line}:{col}: gates[0].min: must be a number, not the string "
        '"high" — write a number'
    )


def test_config_error__outputs(broken: ActionRun) -> None:
    """The outputs are still written: not passed, verdict error."""
    assert broken.outputs["passed"] == "false"
    assert broken.outputs["verdict"] == "error"
    assert broken.verdict_json()["verdict"] == "error"


def test_config_error__summary(broken: ActionRun) -> None:
    """The step summary explains the error."""
    assert "could not evaluate" in broken.summary
    assert "must be a number" in broken.summary


# -- a hostile workflow environment -------------------------------------------------


def test_hostile_env__ignored(hostile: ActionRun) -> None:
    """PYTHON* variables from the workflow change nothing: the gate still passes."""
    assert hostile.returncode == 0, hostile.stdout + hostile.stderr
    assert hostile.outputs["passed"] == "true"
    assert "shadows" not in hostile.stdout + hostile.stderr
