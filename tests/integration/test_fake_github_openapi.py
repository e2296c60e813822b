"""Every kind of answer the fake GitHub gives must match GitHub's OpenAPI description.

Each case sends a real HTTP request to a seeded fake and validates the answer with
openapi-core against tests/openapi/github-subset.json. Statuses GitHub sends but
does not describe for an operation (401, most 403/404s) are checked against the
shared `basic-error` / `validation-error` schemas instead.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

from tests.fake_github import DEFAULT_TOKEN, READ_ONLY_TOKEN, USER_TOKEN, FakeGitHub
from tests.fake_github.operations import OPERATIONS, match_operation

SUBSET = Path(__file__).resolve().parents[1] / "openapi" / "github-subset.json"
HOST = "http://github.test"  # fixed, so validation does not depend on the port


@dataclass(frozen=True)
class Case:
    """One request to replay and the status the fake must answer with."""

    name: str
    method: str
    path: str
    status: int
    token: str | None = DEFAULT_TOKEN
    accept: str | None = None
    body: Any = None
    fake: str = "seeded"
    headers: dict[str, str] = field(default_factory=dict)


R = "/repos/octo-org/model-zoo"

CASES = [
    Case("repo", "GET", R, 200),
    Case("repo-other", "GET", "/repos/someone/else", 404),
    Case("repo-bad-token", "GET", R, 401, token="nope"),
    Case("repo-no-token", "GET", R, 401, token=None),
    Case("releases-page-1", "GET", f"{R}/releases?per_page=2", 200),
    Case("releases-page-2", "GET", f"{R}/releases?per_page=2&page=2", 200),
    Case("releases-read-only", "GET", f"{R}/releases", 200, token=READ_ONLY_TOKEN),
    Case("latest", "GET", f"{R}/releases/latest", 200),
    Case(
        "latest-none", "GET", "/repos/octo-org/empty/releases/latest", 404, fake="empty"
    ),
    Case("by-tag", "GET", f"{R}/releases/tags/v1.0.0", 200),
    Case("by-tag-missing", "GET", f"{R}/releases/tags/v9", 404),
    Case("by-tag-draft", "GET", f"{R}/releases/tags/v2.0.0-draft", 404),
    Case("release", "GET", f"{R}/releases/{{release}}", 200),
    Case("release-draft", "GET", f"{R}/releases/{{draft}}", 200),
    Case("release-missing", "GET", f"{R}/releases/1", 404),
    Case("assets", "GET", f"{R}/releases/{{release}}/assets", 200),
    Case("assets-missing", "GET", f"{R}/releases/1/assets", 404),
    Case("asset-json", "GET", f"{R}/releases/assets/{{asset}}", 200),
    Case(
        "asset-download",
        "GET",
        f"{R}/releases/assets/{{asset}}",
        302,
        accept="application/octet-stream",
    ),
    Case("asset-missing", "GET", f"{R}/releases/assets/1", 404),
    Case("workflow-by-file", "GET", f"{R}/actions/workflows/train.yml", 200),
    Case("workflow-by-id", "GET", f"{R}/actions/workflows/{{workflow}}", 200),
    Case("workflow-missing", "GET", f"{R}/actions/workflows/nope.yml", 404),
    Case("runs", "GET", f"{R}/actions/workflows/train.yml/runs", 200),
    Case(
        "runs-filtered",
        "GET",
        f"{R}/actions/workflows/train.yml/runs?branch=main&event=push"
        "&status=success&exclude_pull_requests=true&per_page=1",
        200,
    ),
    Case("runs-missing", "GET", f"{R}/actions/workflows/nope.yml/runs", 404),
    Case("run", "GET", f"{R}/actions/runs/{{run}}", 200),
    Case("run-with-prs", "GET", f"{R}/actions/runs/{{pr_run}}", 200),
    Case("run-fork", "GET", f"{R}/actions/runs/{{fork_run}}", 200),
    Case("run-missing", "GET", f"{R}/actions/runs/1", 404),
    Case(
        "run-artifacts", "GET", f"{R}/actions/runs/{{run}}/artifacts?name=metrics", 200
    ),
    Case("run-artifacts-missing", "GET", f"{R}/actions/runs/1/artifacts", 404),
    Case("artifacts", "GET", f"{R}/actions/artifacts?name=metrics", 200),
    Case("artifact", "GET", f"{R}/actions/artifacts/{{artifact}}", 200),
    Case("artifact-missing", "GET", f"{R}/actions/artifacts/1", 404),
    Case("artifact-zip", "GET", f"{R}/actions/artifacts/{{artifact}}/zip", 302),
    Case("artifact-expired", "GET", f"{R}/actions/artifacts/{{expired}}/zip", 410),
    Case("content", "GET", f"{R}/contents/baseline/metrics.json?ref=main", 200),
    Case("content-default-ref", "GET", f"{R}/contents/baseline/metrics.json", 200),
    Case("content-large", "GET", f"{R}/contents/baseline/large.bin", 200),
    Case("content-dir", "GET", f"{R}/contents/baseline", 200),
    Case("content-missing", "GET", f"{R}/contents/nope.json", 404),
    Case("content-bad-ref", "GET", f"{R}/contents/baseline/metrics.json?ref=x", 404),
    Case("commit", "GET", f"{R}/commits/{{sha}}", 200),
    Case("commit-branch", "GET", f"{R}/commits/main", 200),
    Case("commit-missing", "GET", f"{R}/commits/{'0' * 40}", 422),
    Case("commit-pulls", "GET", f"{R}/commits/{{sha}}/pulls", 200),
    Case("commit-pulls-missing", "GET", f"{R}/commits/{'0' * 40}/pulls", 422),
    Case("issue", "GET", f"{R}/issues/{{issue}}", 200),
    Case("issue-pr", "GET", f"{R}/issues/{{pr}}", 200),
    Case("issue-missing", "GET", f"{R}/issues/999", 404),
    Case("pulls", "GET", f"{R}/pulls?state=all&per_page=2", 200),
    Case("pulls-head", "GET", f"{R}/pulls?head=forker:main", 200),
    Case("pulls-bad-state", "GET", f"{R}/pulls?state=merged", 422),
    Case("pull", "GET", f"{R}/pulls/{{pr}}", 200),
    Case("pull-fork", "GET", f"{R}/pulls/{{fork_pr}}", 200),
    Case("pull-merged", "GET", f"{R}/pulls/{{merged_pr}}", 200),
    Case("pull-missing", "GET", f"{R}/pulls/{{issue}}", 404),
    Case("comments", "GET", f"{R}/issues/{{pr}}/comments?per_page=2", 200),
    Case("comments-last", "GET", f"{R}/issues/{{pr}}/comments?per_page=2&page=3", 200),
    Case("comments-missing", "GET", f"{R}/issues/999/comments", 404),
    Case("comment", "GET", f"{R}/issues/comments/{{comment}}", 200),
    Case("comment-missing", "GET", f"{R}/issues/comments/1", 404),
    Case("create", "POST", f"{R}/issues/{{pr}}/comments", 201, body={"body": "hi"}),
    Case(
        "create-too-long",
        "POST",
        f"{R}/issues/{{pr}}/comments",
        422,
        body={"body": "x" * 65537},
    ),
    Case("create-no-body", "POST", f"{R}/issues/{{pr}}/comments", 422, body={}),
    Case("create-bad-json", "POST", f"{R}/issues/{{pr}}/comments", 400, body="{"),
    Case(
        "create-read-only",
        "POST",
        f"{R}/issues/{{pr}}/comments",
        403,
        token=READ_ONLY_TOKEN,
        body={"body": "hi"},
    ),
    Case(
        "create-missing-issue",
        "POST",
        f"{R}/issues/999/comments",
        404,
        body={"body": "hi"},
    ),
    Case(
        "update", "PATCH", f"{R}/issues/comments/{{comment}}", 200, body={"body": "x"}
    ),
    Case(
        "update-too-long",
        "PATCH",
        f"{R}/issues/comments/{{comment}}",
        422,
        body={"body": "x" * 65537},
    ),
    Case(
        "update-read-only",
        "PATCH",
        f"{R}/issues/comments/{{comment}}",
        403,
        token=READ_ONLY_TOKEN,
        body={"body": "x"},
    ),
    Case("update-missing", "PATCH", f"{R}/issues/comments/1", 404, body={"body": "x"}),
    Case("user", "GET", "/user", 200, token=USER_TOKEN),
    Case("user-integration", "GET", "/user", 403),
    Case("user-anonymous", "GET", "/user", 401, token=None),
    Case("rate-limit", "GET", "/rate_limit", 200),
    Case("rate-limit-exhausted", "GET", R, 403, token="ghs_FAKE_spent"),
]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The trimmed OpenAPI description, as a dict."""
    loaded: dict[str, Any] = json.loads(SUBSET.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def openapi(spec: dict[str, Any]) -> OpenAPI:
    """openapi-core over the subset, with spec validation (0.3 s on the subset)."""
    # Serve the description from a GHES-style root on a made-up host: the fake's
    # port changes per run, and nothing is ever sent to this host.
    local = {**spec, "servers": [{"url": f"{HOST}/api/v3"}]}
    return OpenAPI.from_dict(local)


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, tuple[FakeGitHub, dict[str, Any]]]]:
    """A richly seeded fake, and an empty one, shared by every case."""
    seeded, empty = FakeGitHub(), FakeGitHub("octo-org/empty")
    with seeded, empty:
        yield {"seeded": (seeded, _seed(seeded)), "empty": (empty, {})}


def _seed(fake: FakeGitHub) -> dict[str, Any]:
    """Add one of everything (and the odd cases) and return their ids."""
    release = fake.add_release(
        "v1.0.0", body="First", assets={"metrics.json": b'{"accuracy": 0.9}'}
    )
    fake.add_release("v1.1.0-rc1", prerelease=True)
    draft = fake.add_release("v2.0.0-draft", draft=True)
    fake.add_release("v0.9.0", created_at="2023-01-01T00:00:00Z")

    sha = fake.add_branch("main")
    issue = fake.add_issue(title="Tracking")
    pr = fake.add_pull_request(head_sha=sha)
    fork_pr = fake.add_pull_request(head_repository="forker/model-zoo", head_ref="main")
    merged_pr = fake.add_pull_request(
        state="closed", merge_commit_sha="ab" * 20, merged_at="2024-02-02T00:00:00Z"
    )
    comments = [fake.add_comment(pr.number, f"note {i}") for i in range(5)]

    workflow = fake.add_workflow("train.yml", name="Train")
    run = fake.add_run(
        workflow,
        "main",
        "push",
        "success",
        sha,
        artifacts={"metrics": {"m.json": b"{}"}},
    )
    old = fake.add_run(workflow, "main", "push", "success", artifacts={"metrics": {}})
    old_artifact = fake.state.artifacts[-1]
    old_artifact.expired = True
    pr_run = fake.add_run(
        workflow,
        "retrain",
        "pull_request",
        "failure",
        pr.head_sha,
        pull_requests=[pr.number],
    )
    fork_run = fake.add_run(
        workflow,
        "main",
        "pull_request",
        None,
        head_repository="forker/model-zoo",
        pull_requests=[fork_pr.number],
    )

    fake.add_file("baseline/metrics.json", "main", b'{"accuracy": 0.9}')
    fake.add_file("baseline/large.bin", "main", b"\0" * (1024 * 1024 + 1))
    fake.add_file("baseline/old/metrics.json", "main", b"{}")
    fake.add_token("ghs_FAKE_spent", rate_limit=1).used = 1

    return {
        "release": release.id,
        "draft": draft.id,
        "asset": release.assets[0].id,
        "workflow": workflow.id,
        "run": run.id,
        "pr_run": pr_run.id,
        "fork_run": fork_run.id,
        "artifact": fake.state.artifacts[0].id,
        "expired": old_artifact.id,
        "old_run": old.id,
        "sha": sha,
        "issue": issue.number,
        "pr": pr.number,
        "fork_pr": fork_pr.number,
        "merged_pr": merged_pr.number,
        "comment": comments[0].id,
    }


def _send(fake: FakeGitHub, case: Case, ids: dict[str, Any]) -> requests.Response:
    headers = dict(case.headers)
    if case.token:
        headers["Authorization"] = f"token {case.token}"
    if case.accept:
        headers["Accept"] = case.accept
    data = None
    if case.body is not None:
        data = case.body if isinstance(case.body, str) else json.dumps(case.body)
        headers["Content-Type"] = "application/json"
    url = fake.api_url + case.path.format(**ids)
    return requests.request(
        case.method, url, headers=headers, data=data, allow_redirects=False, timeout=10
    )


def _validate(
    openapi: OpenAPI, spec: dict[str, Any], response: requests.Response
) -> None:
    """Validate against the operation, or the shared error schema if undocumented."""
    request = response.request
    path = request.path_url.split("?", 1)[0]
    query = urllib.parse.urlsplit(request.url or "").query
    args = dict(urllib.parse.parse_qsl(query))
    matched = match_operation(request.method or "", path.removeprefix("/api/v3"))
    assert matched is not None, path
    operation, _ = matched

    documented = spec["paths"][operation.template][operation.method.lower()][
        "responses"
    ]
    content_type = response.headers.get("content-type", "")
    if operation.operation_id == "repos/get-content" and response.text.startswith("["):
        # The description discriminates contents on `type`, which an array (a
        # directory listing) has not; check the listing schema directly.
        _validate_schema(spec, "content-directory", response.json())
        return
    if str(response.status_code) in documented:
        # openapi-core's `{path}` matches one segment, GitHub's may span several.
        if operation.operation_id == "repos/get-content":
            head, _, rest = path.partition("/contents/")
            path = f"{head}/contents/{urllib.parse.quote(rest, safe='')}"
        mock_request = MockRequest(
            HOST,
            request.method or "GET",
            path,
            args=args,
            headers=dict(request.headers),
            data=request.body if isinstance(request.body, bytes) else None,
        )
        mock_response = MockResponse(
            response.content,
            status_code=response.status_code,
            headers=dict(response.headers),
            content_type=content_type.split(";")[0] if response.content else "",
        )
        openapi.validate_response(mock_request, mock_response)
        return

    # GitHub sends these without describing them per operation.
    assert response.status_code >= 400, f"{response.status_code} is undocumented"
    name = "validation-error" if response.status_code == 422 else "basic-error"
    _validate_schema(spec, name, response.json())
    assert content_type == "application/json; charset=utf-8"


def _validate_schema(spec: dict[str, Any], name: str, document: Any) -> None:
    """Validate a document against one named component schema of the subset."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    OAS30Validator(schema).validate(document)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fake_github_response__matches_openapi(
    case: Case,
    fakes: dict[str, tuple[FakeGitHub, dict[str, Any]]],
    openapi: OpenAPI,
    spec: dict[str, Any],
) -> None:
    """The fake's answer to this request has the status and shape GitHub documents."""
    fake, ids = fakes[case.fake]

    response = _send(fake, case, ids)

    assert response.status_code == case.status, response.text[:500]
    _validate(openapi, spec, response)
    assert "x-ratelimit-remaining" in response.headers


def test_fake_github_pagination__follow_up_pages_match_openapi(
    fakes: dict[str, tuple[FakeGitHub, dict[str, Any]]],
    openapi: OpenAPI,
    spec: dict[str, Any],
) -> None:
    """Pages reached through `link` headers (`/repositories/{id}/...`) validate too."""
    fake, ids = fakes["seeded"]
    url = f"{fake.api_url}{R}/issues/{ids['pr']}/comments?per_page=2"
    auth = {"Authorization": f"token {DEFAULT_TOKEN}"}

    response = requests.get(url, headers=auth, timeout=10)
    follow = response.links["next"]["url"]
    page_two = requests.get(follow, headers=auth, timeout=10)

    assert "/repositories/" in follow
    assert page_two.status_code == 200
    repo_path = page_two.request.url.replace(  # validate under the documented path
        f"/repositories/{fake.state.repo_id}", R
    )
    page_two.request.url = repo_path
    _validate(openapi, spec, page_two)


def test_fake_github_openapi__subset_holds_exactly_the_served_operations(
    spec: dict[str, Any],
) -> None:
    """The committed subset lists the same operations the fake serves, no more."""
    in_subset = {
        (method.upper(), template, op["operationId"])
        for template, item in spec["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }

    served = {(op.method, op.template, op.operation_id) for op in OPERATIONS}

    assert in_subset == served


def test_fake_github_openapi__every_operation_has_a_success_case(
    fakes: dict[str, tuple[FakeGitHub, dict[str, Any]]],
) -> None:
    """Each served operation is exercised by at least one 2xx/3xx case above."""
    covered = set()
    for case in CASES:
        if case.status < 400:
            path = case.path.split("?", 1)[0]
            matched = match_operation(case.method, path.format(**fakes["seeded"][1]))
            assert matched is not None, case.name
            covered.add(matched[0].operation_id)

    assert covered == {op.operation_id for op in OPERATIONS}
