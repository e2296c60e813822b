"""The action against the fake GitHub: every baseline source and its selection rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fake_github.server import FakeGitHub
from tests.integration.conftest import BASELINE, GOOD, WORSE, ActionRun, metrics_bytes

Run = Callable[..., ActionRun]


def test_release__latest_release_asset_is_the_baseline(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """The latest release's metrics.json is used and named in every report."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": metrics_bytes(WORSE)})
    fake_github.add_release("v1.1.0", assets={"metrics.json": metrics_bytes(BASELINE)})

    result = run_action(fake_github)

    assert result.code == 0
    assert result.outputs["passed"] == "true"
    assert result.outputs["baseline-ref"] == "release v1.1.0"
    assert "release v1.1.0" in result.summary
    assert result.verdict["gates"][0]["baseline"] == 0.93


def test_release__regression_against_the_release_blocks(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """A candidate worse than the release by more than the tolerance fails."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": metrics_bytes(BASELINE)})

    result = run_action(fake_github, candidate={"accuracy": 0.915, "latency":
                                                {"p95_ms": 90}})

    assert result.code == 1
    assert result.outputs["passed"] == "false"
    assert result.verdict["gates"][0]["status"] == "fail"


@pytest.mark.parametrize(
    ("when_missing", "code", "verdict"),
    [("warn", 0, "warn"), ("pass", 0, "pass"), ("fail", 1, "fail")],
)
def test_release__no_release_follows_when_missing(
    fake_github: FakeGitHub, run_action: Run, when_missing: str, code: int,
    verdict: str
) -> None:
    """With no release at all, relative rules follow when-missing."""
    result = run_action(fake_github, when_missing=when_missing)

    assert (result.code, result.outputs["verdict"]) == (code, verdict)
    assert result.outputs["baseline-ref"].startswith("none (no published release")


def test_release__absolute_gates_apply_without_a_baseline(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """A first release below an absolute bound fails even with when-missing pass."""
    result = run_action(fake_github, when_missing="pass",
                        candidate={"accuracy": 0.5, "latency": {"p95_ms": 90}})

    assert result.code == 1


def test_release__release_without_asset_is_passed_over_with_a_warning(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """A newer release lacking the asset is skipped, and the verdict says so."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": metrics_bytes(BASELINE)})
    fake_github.add_release("v1.1.0", assets={"model.pkl": b"\x00"})

    result = run_action(fake_github)

    assert result.outputs["baseline-ref"] == "release v1.0.0"
    assert result.outputs["verdict"] == "warn"
    assert "passed over" in result.summary and "v1.1.0" in result.summary


def test_release__no_release_with_the_asset_follows_when_missing(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """Releases exist but none carries the asset: that is "no baseline"."""
    fake_github.add_release("v1.0.0", assets={"model.pkl": b"\x00"})

    result = run_action(fake_github, when_missing="fail")

    assert result.code == 1
    assert "no release has an asset named 'metrics.json'" in result.outputs[
        "baseline-ref"]


def test_release__tag_pattern_picks_the_highest_version(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """With a tag pattern the highest matching version wins, not the newest."""
    fake_github.add_release("churn-v1.10.0", assets={"metrics.json":
                                                     metrics_bytes(BASELINE)})
    fake_github.add_release("churn-v1.9.0", assets={"metrics.json":
                                                    metrics_bytes(WORSE)})
    fake_github.add_release("fraud-v9.0.0", assets={"metrics.json":
                                                    metrics_bytes(WORSE)})
    fake_github.add_release("churn-v2.0.0-rc1", prerelease=True,
                            assets={"metrics.json": metrics_bytes(WORSE)})
    gates = _gates("  source: release\n  tag-pattern: churn-v*\n")

    result = run_action(fake_github, gates=gates)

    assert result.outputs["baseline-ref"] == "release churn-v1.10.0"


def test_release__prereleases_only_when_asked(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """prereleases: true lets a prerelease be the baseline."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": metrics_bytes(WORSE)})
    fake_github.add_release("v1.1.0-rc1", prerelease=True,
                            assets={"metrics.json": metrics_bytes(BASELINE)})
    gates = _gates("  source: release\n  prereleases: true\n")

    result = run_action(fake_github, gates=gates)

    assert result.outputs["baseline-ref"] == "release v1.1.0-rc1"


def test_release__explicit_tag_overrides(fake_github: FakeGitHub,
                                         run_action: Run) -> None:
    """The baseline-tag input picks that release even when it is not the latest."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": metrics_bytes(BASELINE)})
    fake_github.add_release("v1.1.0", assets={"metrics.json": metrics_bytes(WORSE)})

    result = run_action(fake_github, baseline_tag="v1.0.0")

    assert result.outputs["baseline-ref"] == "release v1.0.0"


def test_release__report_names_commit_date_and_link(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """The summary names the release's commit, date and link."""
    sha = "a" * 40
    fake_github.add_release("v1.0.0", target_commitish=sha,
                            published_at="2026-11-02T10:00:00Z",
                            assets={"metrics.json": metrics_bytes(BASELINE)})

    result = run_action(fake_github)

    assert f"commit `{sha[:12]}`" in result.summary
    assert "2026-11-02" in result.summary
    assert "/releases/tag/v1.0.0" in result.summary


def test_release__old_baseline_warns(fake_github: FakeGitHub, run_action: Run) -> None:
    """A baseline older than max-age-days makes the verdict warn."""
    fake_github.add_release("v1.0.0", published_at="2020-01-01T00:00:00Z",
                            created_at="2020-01-01T00:00:00Z",
                            assets={"metrics.json": metrics_bytes(BASELINE)})
    gates = _gates("  source: release\n  max-age-days: 30\n")

    result = run_action(fake_github, gates=gates)

    assert result.outputs["verdict"] == "warn"
    assert "days old" in result.summary


def test_artifact__latest_push_run_on_default_branch(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """The artifact of the newest successful push run on main is the baseline."""
    fake_github.add_run("train.yml", "main", "push", artifacts={
        "metrics": {"metrics.json": metrics_bytes(WORSE)}})
    good = fake_github.add_run("train.yml", "main", "push", artifacts={
        "metrics": {"metrics.json": metrics_bytes(BASELINE)}})
    fake_github.add_run("train.yml", "main", "pull_request", artifacts={
        "metrics": {"metrics.json": metrics_bytes(WORSE)}})
    fake_github.add_run("train.yml", "main", "push", head_repository="fork/model-zoo",
                        artifacts={"metrics": {"metrics.json": metrics_bytes(WORSE)}})
    gates = _gates("  source: artifact\n  workflow: train.yml\n")

    result = run_action(fake_github, gates=gates)

    assert result.code == 0
    assert result.outputs["baseline-ref"] == f"artifact metrics of train.yml run {good.id}"


def test_artifact__expired_is_an_error(fake_github: FakeGitHub, run_action: Run) -> None:
    """An expired artifact cannot be checked: verdict error, exit 3, says why."""
    fake_github.add_run("train.yml", "main", "push", expired=True, artifacts={
        "metrics": {"metrics.json": metrics_bytes(BASELINE)}})
    gates = _gates("  source: artifact\n  workflow: train.yml\n")

    result = run_action(fake_github, gates=gates)

    assert (result.code, result.outputs["passed"]) == (3, "false")
    assert "expired" in result.summary


def test_artifact__zip_member_missing_is_an_error(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """An artifact without the expected file is reported with what it holds."""
    fake_github.add_run("train.yml", "main", "push", artifacts={
        "metrics": {"other.json": b"{}"}})
    gates = _gates("  source: artifact\n  workflow: train.yml\n")

    result = run_action(fake_github, gates=gates)

    assert result.code == 3
    assert "no file named 'metrics.json' (it holds other.json)" in result.log


def test_artifact__unsafe_member_names_are_never_read(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """A zip member with '..' in its path is ignored even when its name matches."""
    fake_github.add_run("train.yml", "main", "push", artifacts={
        "metrics": {"../metrics.json": metrics_bytes(BASELINE)}})
    gates = _gates("  source: artifact\n  workflow: train.yml\n  asset: ../metrics.json\n")

    result = run_action(fake_github, gates=gates)

    assert result.code == 3


def test_branch__large_file_on_a_ref(fake_github: FakeGitHub, run_action: Run) -> None:
    """A metrics file over 1 MB on a branch is read through the raw media type."""
    big = dict(BASELINE, padding={f"k{i}": i for i in range(120_000)})
    sha = fake_github.add_branch("production")
    fake_github.add_file("baselines/metrics.json", sha, metrics_bytes(big))
    gates = _gates("  source: branch\n  ref: production\n  path: baselines/metrics.json\n")

    result = run_action(fake_github, gates=gates)

    assert len(metrics_bytes(big)) > 1024 * 1024
    assert result.code == 0
    assert result.outputs["baseline-ref"] == "file baselines/metrics.json@production"
    assert f"commit `{sha[:12]}`" in result.summary


def test_branch__missing_file_follows_when_missing(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """A baseline file absent from the default branch is "no baseline"."""
    fake_github.add_branch("main")
    gates = _gates("  source: branch\n  path: nope.json\n  when-missing: fail\n")

    result = run_action(fake_github, gates=gates)

    assert result.code == 1
    assert result.outputs["baseline-ref"] == (
        "none (nope.json does not exist on the default branch)")


def test_branch__default_branch_file_names_its_commit(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """Without a ref, the default branch's tip is resolved and named."""
    sha = fake_github.add_branch("main")
    fake_github.add_file("metrics/base.json", sha, metrics_bytes(BASELINE))
    gates = _gates("  source: branch\n  path: metrics/base.json\n")

    result = run_action(fake_github, gates=gates)

    assert result.code == 0
    assert result.verdict["baseline"]["commit"] == sha
    assert f"/blob/{sha}/metrics/base.json" in result.summary


def _gates(baseline_block: str) -> str:
    return (
        "version: 1\nname: churn-model\nbaseline:\n" + baseline_block
        + "gates:\n  - metric: accuracy\n    direction: higher\n    min: 0.9\n"
        "    max-regression: 0.01\n"
    )


def test_good_candidate__sanity(fake_github: FakeGitHub, run_action: Run) -> None:
    """The shared fixtures pass against their own baseline."""
    fake_github.add_release("v1", assets={"metrics.json": metrics_bytes(BASELINE)})

    result = run_action(fake_github, candidate=GOOD)

    assert result.code == 0
