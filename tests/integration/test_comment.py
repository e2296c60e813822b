"""The sticky pull-request comment, against the fake GitHub."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fake_github.server import READ_ONLY_TOKEN, FakeGitHub
from tests.integration.conftest import (
    BASELINE,
    WORSE,
    ActionRun,
    metrics_bytes,
    pr_event,
)

Run = Callable[..., ActionRun]
MARKER = "<!-- qgate:churn-model -->"


@pytest.fixture
def pr(fake_github: FakeGitHub) -> FakeGitHub:
    """A released model and an open pull request #7."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": metrics_bytes(BASELINE)})
    fake_github.add_pull_request(7)
    return fake_github


def test_comment__second_run_updates_instead_of_adding(pr: FakeGitHub,
                                                       run_action: Run) -> None:
    """Two runs leave one comment, edited in place, with its id as an output."""
    first = run_action(pr, event_name="pull_request", event=pr_event(pr, 7))
    second = run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
                        candidate=WORSE)

    comments = pr.comments(7)
    assert len(comments) == 1
    assert comments[0].body.startswith(MARKER)
    assert "blocked" in comments[0].body
    assert first.outputs["comment-id"] == second.outputs["comment-id"] == str(
        comments[0].id)


def test_comment__found_across_pages(pr: FakeGitHub, run_action: Run) -> None:
    """The marker comment is found behind 250 other comments (three pages)."""
    run_action(pr, event_name="pull_request", event=pr_event(pr, 7))
    for index in range(250):
        pr.add_comment(7, f"chatter {index}")

    run_action(pr, event_name="pull_request", event=pr_event(pr, 7))

    ours = [c for c in pr.comments(7) if c.body.startswith(MARKER)]
    assert len(ours) == 1


def test_comment__human_quoting_the_marker_is_never_edited(
    pr: FakeGitHub, run_action: Run
) -> None:
    """A comment by someone else that starts with our marker is left alone."""
    human = pr.add_comment(7, f"{MARKER}\nI copied this", author="octocat")

    result = run_action(pr, event_name="pull_request", event=pr_event(pr, 7))

    assert pr.comments(7)[0].body == human.body
    assert result.outputs["comment-id"] != str(human.id)
    assert len(pr.comments(7)) == 2


def test_comment__comment_key_separates_matrix_jobs(pr: FakeGitHub,
                                                    run_action: Run) -> None:
    """Different comment-key values keep separate comments."""
    run_action(pr, event_name="pull_request", event=pr_event(pr, 7), comment_key="a")
    run_action(pr, event_name="pull_request", event=pr_event(pr, 7), comment_key="b")

    bodies = sorted(c.body.splitlines()[0] for c in pr.comments(7))
    assert bodies == ["<!-- qgate:churn-model/a -->", "<!-- qgate:churn-model/b -->"]


@pytest.mark.parametrize(("mode", "candidate", "count"), [
    ("never", WORSE, 0), ("on-failure", BASELINE, 0), ("on-failure", WORSE, 1),
    ("always", BASELINE, 1),
])
def test_comment__mode_decides(pr: FakeGitHub, run_action: Run, mode: str,
                               candidate: dict[str, object], count: int) -> None:
    """comment: never / on-failure / always."""
    run_action(pr, event_name="pull_request", event=pr_event(pr, 7), comment=mode,
               candidate=candidate)

    assert len(pr.comments(7)) == count


@pytest.mark.parametrize("event_name", ["push", "workflow_dispatch", "schedule"])
def test_comment__no_pull_request_skips(pr: FakeGitHub, run_action: Run,
                                        event_name: str) -> None:
    """Events without a pull request skip the comment and leave comment-id empty."""
    result = run_action(pr, event_name=event_name, event={})

    assert result.code == 0
    assert result.outputs["comment-id"] == ""
    assert pr.comments(7) == []


def test_comment__fork_read_only_token_is_a_warning(pr: FakeGitHub,
                                                    run_action: Run) -> None:
    """A 403 on a fork's read-only token warns; verdict and outputs are intact."""
    event = pr_event(pr, 7, fork="someone/model-zoo")

    result = run_action(pr, event_name="pull_request", event=event,
                        token=READ_ONLY_TOKEN, candidate=WORSE)

    assert result.code == 1
    assert result.outputs["passed"] == "false"
    assert result.outputs["comment-id"] == ""
    assert "::warning" in result.log and "read-only" in result.log
    assert "workflow_run" in result.log
    assert "blocked" in result.summary


def test_comment__workflow_run_from_a_fork_finds_the_pull_request(
    pr: FakeGitHub, run_action: Run
) -> None:
    """workflow_run with an empty pull_requests list is matched by head commit."""
    fork = pr.add_pull_request(8, head_repository="someone/model-zoo")
    event = {
        "workflow_run": {"pull_requests": [], "head_sha": fork.head_sha,
                         "head_repository": {"full_name": "someone/model-zoo"}},
        "repository": {"full_name": pr.state.full_name},
    }

    result = run_action(pr, event_name="workflow_run", event=event)

    assert len(pr.comments(8)) == 1
    assert result.outputs["comment-id"] == str(pr.comments(8)[0].id)


def test_comment__pull_request_target_uses_the_payload_number(
    pr: FakeGitHub, run_action: Run
) -> None:
    """pull_request_target carries the same payload as pull_request."""
    run_action(pr, event_name="pull_request_target", event=pr_event(pr, 7))

    assert len(pr.comments(7)) == 1


def test_comment__huge_verdict_stays_under_the_limit(pr: FakeGitHub,
                                                     run_action: Run) -> None:
    """With 3,000 gates the body stays under 65,536 characters, marker first."""
    gates = "version: 1\nname: churn-model\nbaseline:\n  source: none\ngates:\n" + "".join(
        f"  - metric: m{i}\n    min: 1\n" for i in range(3000))

    result = run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
                        gates=gates, candidate={f"m{i}": 0 for i in range(3000)})

    body = pr.comments(7)[0].body
    assert result.code == 1
    assert len(body) <= 65536
    assert body.startswith(MARKER)
    assert "blocked — 3000 of 3000 gates failed" in body
    assert "more gates are not shown" in body


def test_comment__gate_file_loosened_by_the_pull_request_is_listed(
    pr: FakeGitHub, run_action: Run
) -> None:
    """A pull request lowering a minimum sees it listed in the verdict."""
    issue = pr.state.issues[7]
    strict = ("version: 1\nname: churn-model\nbaseline:\n  source: release\ngates:\n"
              "  - metric: accuracy\n    min: 0.95\n")
    pr.add_file("qgate.yml", issue.base_sha, strict.encode())

    result = run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
                        gates=strict.replace("0.95", "0.5"))

    assert result.outputs["verdict"] == "warn"
    assert "loosens the gate: accuracy: lower bound ≥ 0.95 → ≥ 0.5" in result.summary


def test_comment__gates_from_base_judges_with_the_base_version(
    pr: FakeGitHub, run_action: Run
) -> None:
    """gates-from-base applies the base branch's stricter rule."""
    issue = pr.state.issues[7]
    strict = ("version: 1\nname: churn-model\nbaseline:\n  source: release\ngates:\n"
              "  - metric: accuracy\n    min: 0.99\n")
    pr.add_file("qgate.yml", issue.base_sha, strict.encode())

    result = run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
                        gates=strict.replace("0.99", "0.5"), gates_from_base="true")

    assert result.code == 1
    assert "gates-from-base" in result.summary


def test_comment__on_failure_updates_a_stale_blocked_comment(
    pr: FakeGitHub, run_action: Run
) -> None:
    """With on-failure, a passing run edits the earlier "blocked" comment."""
    run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
               comment="on-failure", candidate=WORSE)

    result = run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
                        comment="on-failure")

    comments = pr.comments(7)
    assert len(comments) == 1
    assert "passed" in comments[0].body.splitlines()[1]
    assert result.outputs["comment-id"] == str(comments[0].id)


def test_comment__broken_gate_file_reports_under_the_same_key(
    pr: FakeGitHub, run_action: Run
) -> None:
    """A gate file that fails the schema still updates the gate's own comment."""
    run_action(pr, event_name="pull_request", event=pr_event(pr, 7))
    broken = ("version: 1\nname: churn-model\nbaseline:\n  source: release\ngates:\n"
              "  - metric: accuracy\n    mni: 0.9\n")

    result = run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
                        gates=broken)

    comments = pr.comments(7)
    assert result.code == 2
    assert len(comments) == 1
    assert comments[0].body.startswith(MARKER)
    assert "could not evaluate" in comments[0].body


def test_comment__pull_request_changing_the_baseline_is_listed(
    pr: FakeGitHub, run_action: Run
) -> None:
    """Pointing the baseline at a file of the pull request's own is reported."""
    issue = pr.state.issues[7]
    base = ("version: 1\nname: churn-model\nbaseline:\n  source: release\ngates:\n"
            "  - metric: accuracy\n    direction: higher\n    max-regression: 0.01\n")
    pr.add_file("qgate.yml", issue.base_sha, base.encode())
    head = base.replace("  source: release\n", "  file: mine.json\n")

    result = run_action(pr, event_name="pull_request", event=pr_event(pr, 7),
                        gates=head, baseline_file="metrics.json")

    assert result.outputs["verdict"] == "warn"
    assert "changes the gate: baseline: source release → file" in result.summary


def test_comment__gates_from_base_without_a_base_commit_is_an_error(
    pr: FakeGitHub, run_action: Run
) -> None:
    """gates-from-base cannot be honoured without the event's base: never a pass."""
    result = run_action(pr, event_name="pull_request", event={"number": 7},
                        gates_from_base="true")

    assert (result.code, result.outputs["passed"]) == (3, "false")
    assert "gates-from-base" in result.log
