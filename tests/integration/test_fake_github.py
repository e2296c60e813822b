"""PyGithub 2.10 (and plain `requests`) against the fake GitHub server."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests
from github import (
    BadCredentialsException,
    GithubException,
    RateLimitExceededException,
    UnknownObjectException,
)

from tests.fake_github import (
    ACTIONS_BOT_LOGIN,
    DEFAULT_TOKEN,
    READ_ONLY_TOKEN,
    USER_TOKEN,
    FakeGitHub,
)
from tests.fake_github.seed import apply_seed

REPO = "octo-org/model-zoo"
AUTH = {"Authorization": f"token {DEFAULT_TOKEN}"}
ROOT = Path(__file__).resolve().parents[2]


def _asset_url(fake: FakeGitHub, asset_id: int) -> str:
    return f"{fake.api_url}/repos/{REPO}/releases/assets/{asset_id}"


def test_repository__pygithub_reads_it_through_a_ghes_style_base_url(fake_github):
    """`Github(base_url=fake.api_url)` reaches the repository under `/api/v3`."""
    gh = fake_github.make_client()

    repo = gh.get_repo(REPO)

    assert (repo.full_name, repo.default_branch) == (REPO, "main")
    assert fake_github.api_url.endswith("/api/v3")
    assert fake_github.requests[0].path == f"/api/v3/repos/{REPO}"


def test_repository__works_without_an_api_prefix(make_fake_github):
    """With `api_prefix=""` the API sits at the root, like api.github.com."""
    fake = make_fake_github(api_prefix="")
    gh = fake.make_client()

    repo = gh.get_repo(REPO)

    assert repo.url == f"{fake.web_url}/repos/{REPO}"


def test_latest_release__is_newest_published_by_created_at(fake_github):
    """Drafts, prereleases and later-published-but-older releases are skipped."""
    fake_github.add_release("v1.0.0", created_at="2024-03-01T00:00:00Z")
    fake_github.add_release(
        "v0.9.0", created_at="2024-01-01T00:00:00Z", published_at="2024-06-01T00:00:00Z"
    )
    fake_github.add_release("v2.0.0-rc1", prerelease=True)
    fake_github.add_release("v2.0.0", draft=True)
    repo = fake_github.make_client().get_repo(REPO)

    latest = repo.get_latest_release()

    assert latest.tag_name == "v1.0.0"


def test_latest_release__is_404_when_nothing_is_published(fake_github):
    """PyGithub raises `UnknownObjectException` when only drafts exist."""
    fake_github.add_release("v1.0.0", draft=True)
    repo = fake_github.make_client().get_repo(REPO)

    with pytest.raises(UnknownObjectException):
        repo.get_latest_release()


def test_release_assets__list_with_size_and_digest(fake_github):
    """`release.get_assets()` lists each seeded asset with GitHub's sha256 digest."""
    fake_github.add_release("v1.0.0", assets={"metrics.json": b"{}", "model.pkl": b"x"})
    repo = fake_github.make_client().get_repo(REPO)

    assets = list(repo.get_release("v1.0.0").get_assets())

    assert [(a.name, a.size) for a in assets] == [("metrics.json", 2), ("model.pkl", 1)]
    assert assets[0].digest.startswith("sha256:")


def test_releases__paginate_newest_first_with_link_headers(fake_github):
    """`get_releases()` walks `link` pages, newest release first."""
    for minor in range(5):
        fake_github.add_release(f"v1.{minor}.0")
    gh = fake_github.make_client(per_page=2)

    tags = [release.tag_name for release in gh.get_repo(REPO).get_releases()]

    assert tags == ["v1.4.0", "v1.3.0", "v1.2.0", "v1.1.0", "v1.0.0"]
    assert fake_github.count("GET", r"/releases$") == 3


def test_comments__paginate_over_three_pages(fake_github):
    """PyGithub follows `link: rel="next"` through three pages of comments."""
    pr = fake_github.add_pull_request()
    for index in range(5):
        fake_github.add_comment(pr.number, f"comment {index}")
    gh = fake_github.make_client(per_page=2)

    issue = gh.get_repo(REPO).get_issue(pr.number)
    bodies = [comment.body for comment in issue.get_comments()]

    assert bodies == [f"comment {index}" for index in range(5)]
    pages = [r for r in fake_github.requests if r.path.endswith("/comments")]
    assert [r.query.get("page") for r in pages] == [None, "2", "3"]
    assert pages[1].path.startswith(
        f"/api/v3/repositories/{fake_github.state.repo_id}/"
    )


def test_comments__create_then_edit_is_seen_by_later_reads(fake_github):
    """A POSTed then PATCHed comment is stored and authored by github-actions[bot]."""
    pr = fake_github.add_pull_request()
    issue = fake_github.make_client().get_repo(REPO).get_issue(pr.number)

    comment = issue.create_comment("<!-- qgate -->\nfirst")
    comment.edit("<!-- qgate -->\nsecond")
    again = issue.get_comment(comment.id)

    assert (again.body, again.user.login, again.user.type) == (
        "<!-- qgate -->\nsecond",
        ACTIONS_BOT_LOGIN,
        "Bot",
    )
    assert [c.body for c in fake_github.comments(pr.number)] == [again.body]


def test_comments__user_token_posts_as_that_user(fake_github):
    """The comment author is whoever the token belongs to."""
    pr = fake_github.add_pull_request()
    issue = fake_github.make_client(USER_TOKEN).get_repo(REPO).get_issue(pr.number)

    comment = issue.create_comment("hello")

    assert (comment.user.login, comment.user.type) == ("octocat", "User")


def test_comments__over_65536_characters_is_422(fake_github):
    """A body one character over GitHub's limit is refused with its message."""
    pr = fake_github.add_pull_request()
    issue = fake_github.make_client().get_repo(REPO).get_issue(pr.number)

    with pytest.raises(GithubException) as caught:
        issue.create_comment("x" * 65537)

    assert caught.value.status == 422
    message = caught.value.data["errors"][0]["message"]
    assert message == "Body is too long (maximum is 65536 characters)"


def test_comments__read_only_token_is_403_on_post(fake_github):
    """A fork-PR style read-only token may read comments but not write them."""
    pr = fake_github.add_pull_request()
    issue = fake_github.make_client(READ_ONLY_TOKEN).get_repo(REPO).get_issue(pr.number)

    with pytest.raises(GithubException) as caught:
        issue.create_comment("verdict")

    assert caught.value.status == 403
    assert caught.value.data["message"] == "Resource not accessible by integration"


def test_comments__read_only_mode_is_403_on_patch(fake_github):
    """`fake.read_only = True` makes every token read-only, PATCH included."""
    pr = fake_github.add_pull_request()
    existing = fake_github.add_comment(pr.number, "old", author=ACTIONS_BOT_LOGIN)
    issue = fake_github.make_client().get_repo(REPO).get_issue(pr.number)
    comment = issue.get_comment(existing.id)
    fake_github.read_only = True

    with pytest.raises(GithubException) as caught:
        comment.edit("new")

    assert caught.value.status == 403


def test_pull_request__issue_comments_reachable_from_the_pull(fake_github):
    """`pr.get_issue_comments()` lists the thread seeded on the pull request."""
    pr = fake_github.add_pull_request(title="Retrain")
    fake_github.add_comment(pr.number, "nice")
    pull = fake_github.make_client().get_repo(REPO).get_pull(pr.number)

    bodies = [comment.body for comment in pull.get_issue_comments()]

    assert (pull.title, bodies) == ("Retrain", ["nice"])


def test_pulls__open_list_includes_fork_pull_requests(fake_github):
    """`repo.get_pulls(state="open")` lists fork PRs with the fork as head repo."""
    fork = fake_github.add_pull_request(head_repository="forker/model-zoo")
    fake_github.add_pull_request(state="closed")
    repo = fake_github.make_client().get_repo(REPO)

    pulls = list(repo.get_pulls(state="open"))

    assert [(p.number, p.head.sha) for p in pulls] == [(fork.number, fork.head_sha)]
    assert pulls[0].head.repo.full_name == "forker/model-zoo"


def test_commit_pulls__find_the_pull_request_of_a_push(fake_github):
    """`repo.get_commit(sha).get_pulls()` finds the PR whose head is that sha."""
    pr = fake_github.add_pull_request(head_sha="c0ffee" * 6 + "c0ff")
    repo = fake_github.make_client().get_repo(REPO)

    pulls = list(repo.get_commit(pr.head_sha).get_pulls())

    assert [pull.number for pull in pulls] == [pr.number]


def test_asset_download__api_redirects_to_the_storage_host(fake_github):
    """With `Accept: application/octet-stream` the API answers 302 to 127.0.0.2."""
    asset = fake_github.add_release("v1", assets={"m.json": b"{}"}).assets[0]
    headers = {**AUTH, "Accept": "application/octet-stream"}

    response = requests.get(
        _asset_url(fake_github, asset.id), headers=headers, allow_redirects=False
    )

    assert response.status_code == 302
    assert response.headers["location"].startswith(fake_github.storage_url)
    assert "X-Amz-Signature=" in response.headers["location"]


def test_storage__answers_400_when_a_token_is_forwarded(fake_github):
    """The storage host refuses a request carrying `Authorization`, like S3."""
    asset = fake_github.add_release("v1", assets={"m.json": b"{}"}).assets[0]
    headers = {**AUTH, "Accept": "application/octet-stream"}
    redirect = requests.get(
        _asset_url(fake_github, asset.id), headers=headers, allow_redirects=False
    )

    with_token = requests.get(redirect.headers["location"], headers=AUTH)
    without_token = requests.get(redirect.headers["location"])

    assert with_token.status_code == 400
    assert b"Only one auth mechanism allowed" in with_token.content
    assert (without_token.status_code, without_token.content) == (200, b"{}")
    assert fake_github.count("GET", "github-production-release", host="storage") == 2


def test_storage__rejects_a_tampered_signature(fake_github):
    """A signed URL whose signature was altered gets 403 SignatureDoesNotMatch."""
    asset = fake_github.add_release("v1", assets={"m.json": b"{}"}).assets[0]
    headers = {**AUTH, "Accept": "application/octet-stream"}
    redirect = requests.get(
        _asset_url(fake_github, asset.id), headers=headers, allow_redirects=False
    )

    tampered = redirect.headers["location"].replace(
        "X-Amz-Signature=", "X-Amz-Signature=0"
    )
    response = requests.get(tampered)

    assert response.status_code == 403
    assert b"SignatureDoesNotMatch" in response.content


def test_asset_download__requests_drops_the_token_across_hosts(fake_github):
    """`requests` follows the 302 and strips `Authorization`, so it gets the bytes."""
    asset = fake_github.add_release("v1", assets={"m.json": b"{}"}).assets[0]
    headers = {**AUTH, "Accept": "application/octet-stream"}

    response = requests.get(_asset_url(fake_github, asset.id), headers=headers)

    assert (response.status_code, response.content) == (200, b"{}")
    assert "authorization" not in fake_github.storage_requests[0].headers


def test_asset_download__pygithub_refuses_the_storage_host(fake_github):
    """PyGithub's `download_asset` only follows redirects to the API host itself."""
    fake_github.add_release("v1", assets={"m.json": b"{}"})
    repo = fake_github.make_client().get_repo(REPO)
    asset = repo.get_release("v1").assets[0]

    with pytest.raises(AssertionError, match=r"127\.0\.0\.2"):
        asset.download_asset()


def test_asset_download__browser_download_url_needs_no_token(fake_github):
    """`browser_download_url` on the web host redirects to storage without auth."""
    fake_github.add_release("v1", assets={"m.json": b"{}"})
    repo = fake_github.make_client().get_repo(REPO)
    url = repo.get_release("v1").assets[0].browser_download_url

    response = requests.get(url)

    assert url.startswith(f"{fake_github.web_url}/{REPO}/releases/download/v1/")
    assert (response.status_code, response.content) == (200, b"{}")


def test_asset_download__can_be_served_directly_with_200(make_fake_github):
    """`serve_assets_directly=True` answers 200 with the bytes instead of a 302."""
    fake = make_fake_github(serve_assets_directly=True)
    asset = fake.add_release("v1", assets={"m.json": b"{}"}).assets[0]
    headers = {**AUTH, "Accept": "application/octet-stream"}

    response = requests.get(_asset_url(fake, asset.id), headers=headers)

    assert (response.status_code, response.content, response.history) == (
        200,
        b"{}",
        [],
    )


def test_workflow_runs__filter_by_branch_event_and_status(fake_github):
    """Only the successful push run on `main` passes GitHub's run filters."""
    fake_github.add_run("train.yml", "main", "push", "success", "a" * 40)
    fake_github.add_run("train.yml", "main", "push", "failure", "b" * 40)
    fake_github.add_run("train.yml", "main", "pull_request", "success", "c" * 40)
    fake_github.add_run("train.yml", "dev", "push", "success", "d" * 40)
    workflow = fake_github.make_client().get_repo(REPO).get_workflow("train.yml")

    runs = workflow.get_runs(
        branch="main", event="push", status="success", exclude_pull_requests=True
    )

    assert [run.head_sha for run in runs] == ["a" * 40]


def test_workflow_runs__fork_run_has_fork_head_and_no_pull_requests(fake_github):
    """A run from a fork names the fork as head repository and lists no PRs."""
    pr = fake_github.add_pull_request(head_repository="forker/model-zoo")
    fake_github.add_run(
        "gate.yml",
        "main",
        "pull_request",
        "success",
        head_repository="forker/model-zoo",
        pull_requests=[pr.number],
    )
    workflow = fake_github.make_client().get_repo(REPO).get_workflow("gate.yml")

    run = workflow.get_runs()[0]

    assert (run.head_repository.full_name, run.pull_requests) == (
        "forker/model-zoo",
        [],
    )


def test_artifacts__filter_by_name_and_download_the_zip(fake_github):
    """`get_artifacts(name=)` finds the artifact; its zip comes from storage."""
    fake_github.add_run(
        "train.yml",
        artifacts={"metrics": {"metrics.json": b"{}"}, "logs": {"log.txt": b"..."}},
    )
    repo = fake_github.make_client().get_repo(REPO)

    artifacts = list(repo.get_artifacts(name="metrics"))
    response = requests.get(artifacts[0].archive_download_url, headers=AUTH)

    assert [a.name for a in artifacts] == ["metrics"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read("metrics.json") == b"{}"
    assert response.history[0].status_code == 302


def test_artifacts__run_artifacts_filter_by_name(fake_github):
    """`/actions/runs/{id}/artifacts?name=` returns only the named artifact."""
    run = fake_github.add_run("train.yml", artifacts={"a": {}, "b": {}})
    url = f"{fake_github.api_url}/repos/{REPO}/actions/runs/{run.id}/artifacts"

    listing = requests.get(url, params={"name": "b"}, headers=AUTH).json()

    assert (listing["total_count"], listing["artifacts"][0]["name"]) == (1, "b")


def test_artifacts__expired_download_is_410(fake_github):
    """An expired artifact's zip URL answers 410 Gone."""
    run = fake_github.add_run(
        "train.yml", artifacts={"m": {"m.json": b"{}"}}, expired=True
    )
    artifact = fake_github.state.artifacts[-1]
    url = f"{fake_github.api_url}/repos/{REPO}/actions/artifacts/{artifact.id}/zip"

    response = requests.get(url, headers=AUTH, allow_redirects=False)

    assert artifact.run_id == run.id
    assert (response.status_code, response.json()["message"]) == (
        410,
        "Artifact has expired",
    )


def test_contents__small_file_decodes_from_base64(fake_github):
    """`get_contents(path, ref=)` returns base64 content PyGithub can decode."""
    fake_github.add_file("baseline/metrics.json", "main", b'{"accuracy": 0.9}')
    repo = fake_github.make_client().get_repo(REPO)

    content = repo.get_contents("baseline/metrics.json", ref="main")

    assert content.decoded_content == b'{"accuracy": 0.9}'


def test_contents__over_one_mib_comes_without_content(fake_github):
    """Above 1 MiB GitHub sends `encoding: none`, which PyGithub cannot decode."""
    fake_github.add_file("big.json", "main", b" " * (1024 * 1024 + 1))
    content = fake_github.make_client().get_repo(REPO).get_contents("big.json")

    with pytest.raises(AssertionError, match="unsupported encoding: none"):
        _ = content.decoded_content

    assert (content.encoding, content.content) == ("none", "")


def test_contents__raw_media_type_returns_the_bytes(fake_github):
    """`Accept: application/vnd.github.raw+json` gets the file bytes, any size."""
    fake_github.add_file("big.json", "main", b"{" + b" " * (1024 * 1024) + b"}")
    url = f"{fake_github.api_url}/repos/{REPO}/contents/big.json"
    headers = {**AUTH, "Accept": "application/vnd.github.raw+json"}

    response = requests.get(url, headers=headers)

    assert (response.status_code, len(response.content)) == (200, 1024 * 1024 + 2)


def test_contents__missing_file_is_404(fake_github):
    """A path that does not exist on the ref raises `UnknownObjectException`."""
    fake_github.add_file("a.json", "main", b"{}")
    repo = fake_github.make_client().get_repo(REPO)

    with pytest.raises(UnknownObjectException):
        repo.get_contents("b.json", ref="main")


def test_auth__unknown_token_is_401_bad_credentials(fake_github):
    """PyGithub maps the fake's 401 to `BadCredentialsException`."""
    gh = fake_github.make_client("ghp_not_a_token")

    with pytest.raises(BadCredentialsException):
        gh.get_repo(REPO)


def test_auth__bearer_scheme_is_accepted(fake_github):
    """`Authorization: Bearer <token>` works like `token <token>`."""
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}

    response = requests.get(f"{fake_github.api_url}/repos/{REPO}", headers=headers)

    assert response.status_code == 200


def test_auth__anonymous_reads_only_when_enabled(make_fake_github):
    """Without a token the fake answers 401 unless `anonymous_read=True`."""
    strict, lenient = make_fake_github(), make_fake_github(anonymous_read=True)

    refused = requests.get(f"{strict.api_url}/repos/{REPO}")
    allowed = requests.get(f"{lenient.api_url}/repos/{REPO}")

    assert (refused.status_code, allowed.status_code) == (401, 200)
    assert allowed.headers["x-ratelimit-limit"] == "60"


def test_auth__get_user_is_403_for_the_actions_token(fake_github):
    """`GET /user` refuses integration tokens and answers user tokens."""
    bot = fake_github.make_client()
    human = fake_github.make_client(USER_TOKEN)

    with pytest.raises(GithubException) as caught:
        _ = bot.get_user().login

    assert caught.value.status == 403
    assert human.get_user().login == "octocat"


def test_rate_limit__runs_out_after_the_token_budget(fake_github):
    """After `rate_limit` requests the token gets GitHub's primary-limit 403."""
    fake_github.add_token("ghs_FAKE_small", rate_limit=2)
    gh = fake_github.make_client("ghs_FAKE_small", retry=None)
    repo = gh.get_repo(REPO)
    fake_github.add_release("v1")
    repo.get_latest_release()

    with pytest.raises(RateLimitExceededException):
        repo.get_latest_release()

    assert gh.get_rate_limit().resources.core.remaining == 0


def test_inject__primary_rate_limit_is_retried_by_pygithub(fake_github):
    """PyGithub's default retry waits for `x-ratelimit-reset`, then succeeds."""
    fake_github.add_release("v1")
    repo = fake_github.make_client().get_repo(REPO)
    fault = fake_github.inject_rate_limit("GET", r"/releases/latest$", reset_in=-60)

    latest = repo.get_latest_release()

    assert (latest.tag_name, fault.hits) == ("v1", 1)
    assert fake_github.count("GET", r"/releases/latest$") == 2


def test_inject__secondary_rate_limit_with_retry_after_is_retried(fake_github):
    """A 403 secondary limit carrying `Retry-After` is retried after that delay."""
    fake_github.add_release("v1")
    repo = fake_github.make_client().get_repo(REPO)
    fake_github.inject_rate_limit(
        "GET", r"/releases/latest$", secondary=True, retry_after=0
    )

    assert repo.get_latest_release().tag_name == "v1"
    assert fake_github.count("GET", r"/releases/latest$") == 2


@pytest.mark.parametrize(
    ("headers", "calls"),
    [({}, 1), ({"Retry-After": "0"}, 2)],
    ids=["no-retry-after", "retry-after"],
)
def test_inject__429_is_retried_only_with_retry_after(fake_github, headers, calls):
    """urllib3 retries a 429 only when it says when to come back."""
    fake_github.add_release("v1")
    repo = fake_github.make_client().get_repo(REPO)
    fake_github.inject("GET", r"/releases/latest$", 429, headers=headers)

    try:
        repo.get_latest_release()
    except GithubException as caught:
        assert caught.status == 429

    assert fake_github.count("GET", r"/releases/latest$") == calls


def test_inject__server_errors_are_retried_for_get(fake_github):
    """Two 503s in a row are absorbed by PyGithub's retry on GET."""
    fake_github.add_release("v1")
    repo = fake_github.make_client().get_repo(REPO)
    fake_github.inject("GET", r"/releases/latest$", 503, times=2)

    assert repo.get_latest_release().tag_name == "v1"
    assert fake_github.count("GET", r"/releases/latest$") == 3


def test_inject__server_error_on_patch_is_not_retried(fake_github):
    """PyGithub never retries PATCH, so one 502 fails the comment edit."""
    pr = fake_github.add_pull_request()
    existing = fake_github.add_comment(pr.number, "old", author=ACTIONS_BOT_LOGIN)
    issue = fake_github.make_client().get_repo(REPO).get_issue(pr.number)
    comment = issue.get_comment(existing.id)
    fake_github.inject("PATCH", r"/issues/comments/", 502)

    with pytest.raises(GithubException) as caught:
        comment.edit("new")

    assert caught.value.status == 502
    assert fake_github.count("PATCH", r"/issues/comments/") == 1


def test_inject__handled_fault_lets_a_retried_post_duplicate(fake_github):
    """A 502 sent after the comment was stored makes PyGithub's POST retry twice."""
    pr = fake_github.add_pull_request()
    issue = fake_github.make_client().get_repo(REPO).get_issue(pr.number)
    fake_github.inject("POST", r"/comments$", 502, handled=True)

    issue.create_comment("verdict")

    assert [c.body for c in fake_github.comments(pr.number)] == ["verdict"] * 2


def test_pagination__per_page_is_capped_at_100(fake_github):
    """`per_page=500` yields pages of 100, with `link` headers to the rest."""
    pr = fake_github.add_pull_request()
    for index in range(150):
        fake_github.add_comment(pr.number, str(index))
    url = f"{fake_github.api_url}/repos/{REPO}/issues/{pr.number}/comments"

    response = requests.get(url, params={"per_page": 500}, headers=AUTH)

    assert len(response.json()) == 100
    assert response.links["last"]["url"].endswith("per_page=500&page=2")


def test_inject__html_error_page_instead_of_json(fake_github):
    """An injected HTML body arrives as such, with an HTML content type."""
    page = "<html><body>Unicorn! This page is taking too long to load.</body></html>"
    fake_github.inject("GET", r"/releases/latest$", 502, body=page, times=None)
    url = f"{fake_github.api_url}/repos/{REPO}/releases/latest"

    response = requests.get(url, headers=AUTH)

    assert (response.status_code, response.text) == (502, page)
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_inject__slow_response_trips_the_client_timeout(fake_github):
    """A delayed answer makes a client with a shorter timeout give up."""
    fake_github.inject("GET", r"/repos/", None, delay=2.0)

    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{fake_github.api_url}/repos/{REPO}", headers=AUTH, timeout=0.3)


def test_inject__truncated_body_breaks_the_download(fake_github):
    """A storage answer cut short of its Content-Length fails the download."""
    asset = fake_github.add_release("v1", assets={"m.bin": b"x" * 4096}).assets[0]
    fake_github.inject(
        "GET", r"/github-production-release", None, truncate=True, host="storage"
    )
    headers = {**AUTH, "Accept": "application/octet-stream"}

    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(_asset_url(fake_github, asset.id), headers=headers)


def test_inject__fault_expires_after_its_times(fake_github):
    """An injected 500 with `times=1` affects the next matching request only."""
    url = f"{fake_github.api_url}/repos/{REPO}"
    fake_github.inject("GET", r"/repos/", 500)

    first = requests.get(url, headers=AUTH)
    second = requests.get(url, headers=AUTH)

    assert (first.status_code, second.status_code) == (500, 200)


def test_request_log__counts_calls_and_keeps_headers(fake_github):
    """Each request is logged with method, path, query and lower-cased headers."""
    fake_github.add_release("v1")
    repo = fake_github.make_client().get_repo(REPO)
    repo.get_latest_release()
    repo.get_latest_release()

    last = fake_github.requests[-1]

    assert fake_github.count("GET", r"/releases/latest$") == 2
    assert fake_github.count("*", ".") == 3
    assert last.headers["authorization"] == f"token {DEFAULT_TOKEN}"
    assert last.query == {}


def test_fake_github__reports_its_own_crashes(monkeypatch):
    """A bug inside the fake answers 500 and makes `close()` fail loudly."""
    fake = FakeGitHub().start()
    monkeypatch.setattr(fake.builder, "full_repository", lambda permissions: 1 / 0)

    response = requests.get(f"{fake.api_url}/repos/{REPO}", headers=AUTH)

    assert response.status_code == 500
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        fake.close()


def test_seed__demo_file_seeds_releases_runs_files_and_pulls(fake_github):
    """The bundled demo seed gives a latest release with a metrics asset."""
    seed = ROOT / "tests" / "fake_github" / "demo-seed.json"
    apply_seed(fake_github, json.loads(seed.read_text(encoding="utf-8")))
    repo = fake_github.make_client().get_repo(REPO)

    latest = repo.get_latest_release()

    assert (latest.tag_name, latest.assets[0].name) == ("v1.1.0", "metrics.json")
    assert repo.get_pull(7).title == "Retrain with class weights"


def test_standalone__prints_the_api_url_and_serves(tmp_path):
    """`python -m tests.fake_github` prints `GITHUB_API_URL=` and answers on it."""
    command = [sys.executable, "-m", "tests.fake_github", "--empty"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            api_url = line.removeprefix("GITHUB_API_URL=")
            response = requests.get(f"{api_url}/repos/{REPO}", headers=AUTH, timeout=5)
        finally:
            process.terminate()
            process.communicate(timeout=5)

    assert line.startswith("GITHUB_API_URL=http://127.0.0.1:")
    assert response.status_code == 200
