"""Every GitHub fault has a named outcome, and none of them yields a false pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fake_github.server import DEFAULT_TOKEN, FakeGitHub
from tests.integration.conftest import BASELINE, ActionRun, metrics_bytes

Run = Callable[..., ActionRun]
LATEST = r"/releases/latest$"
ASSET = r"/releases/assets/\d+$"


@pytest.fixture
def released(fake_github: FakeGitHub) -> FakeGitHub:
    """A repository whose latest release carries metrics.json."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": metrics_bytes(BASELINE)})
    return fake_github


def _assert_error(result: ActionRun, *fragments: str) -> None:
    assert result.code == 3
    assert result.outputs["passed"] == "false"
    assert result.outputs["verdict"] == "error"
    for fragment in fragments:
        assert fragment in result.log, fragment
    assert "Traceback" not in result.log


@pytest.mark.parametrize(
    ("status", "fragments"),
    [
        (401, ("401", "github-token")),
        (403, ("HTTP 403", "contents: read", "permissions")),
        (500, ("HTTP 500", "after 4 attempts")),
        (502, ("HTTP 502",)),
        (503, ("HTTP 503",)),
    ],
)
def test_latest_release__http_errors_are_errors(
    released: FakeGitHub, run_action: Run, status: int, fragments: tuple[str, ...]
) -> None:
    """401, 403 and persistent 5xx on the latest release end in verdict error."""
    released.inject("GET", LATEST, status, times=None)

    result = run_action(released)

    _assert_error(result, *fragments)


def test_latest_release__transient_5xx_is_retried(
    released: FakeGitHub, run_action: Run
) -> None:
    """Two 502s then success: the run recovers within its retry budget."""
    released.inject("GET", LATEST, 502, times=2)

    result = run_action(released)

    assert result.code == 0
    assert released.count("GET", LATEST) == 3


def test_latest_release__404_with_visible_repo_means_no_release(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """A 404 is confirmed against the repository before it counts as "none"."""
    result = run_action(fake_github, when_missing="fail")

    assert result.code == 1
    assert fake_github.count("GET", r"/repos/octo-org/model-zoo$") == 1


def test_latest_release__404_without_access_is_an_error(
    released: FakeGitHub, run_action: Run
) -> None:
    """A 404 for the release and for the repository is no proof of "none"."""
    released.inject("GET", LATEST, 404, times=None)
    released.inject("GET", r"/repos/octo-org/model-zoo$", 404, times=None)

    result = run_action(released, when_missing="pass")

    _assert_error(result, "404", "cannot see it")


@pytest.mark.parametrize("status", [403, 429])
def test_rate_limit__retry_after_is_honoured(
    released: FakeGitHub, run_action: Run, status: int
) -> None:
    """A rate limit with Retry-After is waited out and the run succeeds."""
    released.inject_rate_limit("GET", LATEST, status=status, retry_after=0)

    result = run_action(released)

    assert result.code == 0


@pytest.mark.parametrize("status", [403, 429])
def test_rate_limit__outlasting_the_budget_is_an_error(
    released: FakeGitHub, run_action: Run, status: int
) -> None:
    """A reset far beyond max-wait-seconds fails fast with a clear message."""
    released.inject_rate_limit("GET", LATEST, status=status, reset_in=3600)

    result = run_action(released)

    _assert_error(result, "max-wait-seconds")


def test_rate_limit__429_without_retry_after_is_bounded(
    released: FakeGitHub, run_action: Run
) -> None:
    """A bare 429 would need a minute's wait: over the budget, an error."""
    released.inject("GET", LATEST, 429, times=None)

    result = run_action(released)

    _assert_error(result, "max-wait-seconds")


def test_timeout__is_an_error(released: FakeGitHub, run_action: Run) -> None:
    """A request that outlasts timeout-seconds every time ends in verdict error."""
    released.inject("GET", LATEST, None, delay=3.0, times=None)

    result = run_action(released, timeout_seconds="1", max_wait_seconds="1")

    _assert_error(result, "could not reach GitHub")


def test_asset__truncated_download_is_an_error(
    released: FakeGitHub, run_action: Run
) -> None:
    """A body shorter than its Content-Length is never parsed as metrics."""
    released.inject("GET", r".*", None, truncate=True, times=None, host="storage")

    result = run_action(released)

    _assert_error(result, "truncated")


def test_asset__corrupt_json_is_an_error(fake_github: FakeGitHub,
                                         run_action: Run) -> None:
    """A non-JSON metrics asset is verdict error (exit 3), not a config error."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": b"{not json"})

    result = run_action(fake_github)

    _assert_error(result, "not a readable metrics file")


def test_api__html_page_instead_of_json_is_an_error(
    released: FakeGitHub, run_action: Run
) -> None:
    """A wrong API base URL answering HTML says to check GITHUB_API_URL."""
    released.inject("GET", LATEST, 200, body="<html><body>Sign in</body></html>",
                    times=None)

    result = run_action(released)

    _assert_error(result, "GITHUB_API_URL")


def test_asset__storage_host_never_receives_the_token(
    released: FakeGitHub, run_action: Run
) -> None:
    """The redirect to the storage host is followed without Authorization."""
    result = run_action(released)

    assert result.code == 0
    assert released.storage_requests
    assert all("authorization" not in {k.lower() for k in r.headers}
               for r in released.storage_requests)


def test_token__never_appears_in_anything_written(
    released: FakeGitHub, run_action: Run
) -> None:
    """Across a failing run the token shows up only in the add-mask command."""
    released.inject("GET", LATEST, 401, times=None)

    result = run_action(released)

    masked = result.log.replace(f"::add-mask::{DEFAULT_TOKEN}", "")
    for text in (masked, result.summary, *result.outputs.values()):
        assert DEFAULT_TOKEN not in text


def test_request_count__default_path_stays_within_four(
    released: FakeGitHub, run_action: Run
) -> None:
    """Latest release, asset, one page of comments, one write: four API calls."""
    released.add_pull_request(7)
    event = {"number": 7, "pull_request": {"number": 7}}

    result = run_action(released, event_name="pull_request", event=event)

    assert result.code == 0
    assert len(released.requests) <= 4


def test_artifact__download_410_is_an_expired_error(
    fake_github: FakeGitHub, run_action: Run
) -> None:
    """An artifact listed as live whose download answers 410 is reported as expired."""
    fake_github.add_run("train.yml", "main", "push", artifacts={
        "metrics": {"metrics.json": metrics_bytes(BASELINE)}})
    fake_github.inject("GET", r"/actions/artifacts/\d+/zip$", 410, times=None)
    gates = ("version: 1\nname: churn-model\nbaseline:\n  source: artifact\n"
             "  workflow: train.yml\ngates:\n  - metric: accuracy\n    min: 0.5\n")

    result = run_action(fake_github, gates=gates)

    _assert_error(result, "expired", "retention-days")


def test_comment__body_too_long_is_a_warning(released: FakeGitHub,
                                             run_action: Run) -> None:
    """A 422 on the comment leaves the verdict, exit code and outputs intact."""
    released.add_pull_request(7)
    released.inject("POST", r"/issues/7/comments$", 422, body={
        "message": "Validation Failed", "errors": [{
            "resource": "IssueComment", "code": "custom", "field": "body",
            "message": "Body is too long (maximum is 65536 characters)"}]})
    event = {"number": 7, "pull_request": {"number": 7}}

    result = run_action(released, event_name="pull_request", event=event)

    assert result.code == 0
    assert result.outputs["passed"] == "true"
    assert result.outputs["comment-id"] == ""
    assert "::warning" in result.log and "422" in result.log


def test_request_count__pull_request_adds_one_for_the_base_gate_file(
    released: FakeGitHub, run_action: Run
) -> None:
    """On a pull request, the base branch's gate file costs exactly one more call."""
    released.add_pull_request(7)
    issue = released.state.issues[7]
    event = {"number": 7, "pull_request": {
        "number": 7, "base": {"sha": issue.base_sha}, "head": {"sha": issue.head_sha}}}

    result = run_action(released, event_name="pull_request", event=event)

    assert result.code == 0
    assert len(released.requests) <= 5
    assert released.count("GET", r"/contents/qgate\.yml$") == 1
