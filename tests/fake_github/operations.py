"""The REST operations the fake GitHub server answers, named as in GitHub's OpenAPI.

This table is the single list of what the fake serves: the router is built from it,
and ``scripts/update-openapi-subset.py`` trims GitHub's description to exactly these
operations, so the two cannot drift apart silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    """One REST operation: HTTP method, OpenAPI path template and operationId."""

    method: str
    template: str
    operation_id: str
    permission: str

    @property
    def pattern(self) -> re.Pattern[str]:
        """Return a regex matching concrete paths of this template."""
        parts = []
        for name, literal in _split_template(self.template):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>{_PARAM_PATTERNS.get(name, '[^/]+')})")
        return re.compile("".join(parts) + "$")


# `path` (contents) may contain slashes; numeric ids never do, which keeps
# `/releases/latest` apart from `/releases/{release_id}`.
_PARAM_PATTERNS = {
    "path": ".+",
    "release_id": "[0-9]+",
    "asset_id": "[0-9]+",
    "artifact_id": "[0-9]+",
    "run_id": "[0-9]+",
    "issue_number": "[0-9]+",
    "pull_number": "[0-9]+",
    "comment_id": "[0-9]+",
}

_CONTENTS_READ = "contents=read"
_ACTIONS_READ = "actions=read"
_ISSUES_READ = "issues=read; pull_requests=read"
_ISSUES_WRITE = "issues=write; pull_requests=write"
_REPO = "/repos/{owner}/{repo}"

OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", _REPO, "repos/get", "metadata=read"),
    Operation("GET", f"{_REPO}/releases", "repos/list-releases", _CONTENTS_READ),
    Operation(
        "GET", f"{_REPO}/releases/latest", "repos/get-latest-release", _CONTENTS_READ
    ),
    Operation(
        "GET",
        f"{_REPO}/releases/tags/{{tag}}",
        "repos/get-release-by-tag",
        _CONTENTS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/releases/assets/{{asset_id}}",
        "repos/get-release-asset",
        _CONTENTS_READ,
    ),
    Operation(
        "GET", f"{_REPO}/releases/{{release_id}}", "repos/get-release", _CONTENTS_READ
    ),
    Operation(
        "GET",
        f"{_REPO}/releases/{{release_id}}/assets",
        "repos/list-release-assets",
        _CONTENTS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/actions/workflows/{{workflow_id}}",
        "actions/get-workflow",
        _ACTIONS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/actions/workflows/{{workflow_id}}/runs",
        "actions/list-workflow-runs",
        _ACTIONS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/actions/runs/{{run_id}}",
        "actions/get-workflow-run",
        _ACTIONS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/actions/runs/{{run_id}}/artifacts",
        "actions/list-workflow-run-artifacts",
        _ACTIONS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/actions/artifacts",
        "actions/list-artifacts-for-repo",
        _ACTIONS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/actions/artifacts/{{artifact_id}}",
        "actions/get-artifact",
        _ACTIONS_READ,
    ),
    Operation(
        "GET",
        f"{_REPO}/actions/artifacts/{{artifact_id}}/{{archive_format}}",
        "actions/download-artifact",
        _ACTIONS_READ,
    ),
    Operation("GET", f"{_REPO}/contents/{{path}}", "repos/get-content", _CONTENTS_READ),
    Operation("GET", f"{_REPO}/commits/{{ref}}", "repos/get-commit", _CONTENTS_READ),
    Operation(
        "GET",
        f"{_REPO}/commits/{{commit_sha}}/pulls",
        "repos/list-pull-requests-associated-with-commit",
        "contents=read; pull_requests=read",
    ),
    Operation("GET", f"{_REPO}/issues/{{issue_number}}", "issues/get", _ISSUES_READ),
    Operation(
        "GET",
        f"{_REPO}/issues/{{issue_number}}/comments",
        "issues/list-comments",
        _ISSUES_READ,
    ),
    Operation(
        "POST",
        f"{_REPO}/issues/{{issue_number}}/comments",
        "issues/create-comment",
        _ISSUES_WRITE,
    ),
    Operation(
        "GET",
        f"{_REPO}/issues/comments/{{comment_id}}",
        "issues/get-comment",
        _ISSUES_READ,
    ),
    Operation(
        "PATCH",
        f"{_REPO}/issues/comments/{{comment_id}}",
        "issues/update-comment",
        _ISSUES_WRITE,
    ),
    Operation("GET", f"{_REPO}/pulls", "pulls/list", "pull_requests=read"),
    Operation(
        "GET", f"{_REPO}/pulls/{{pull_number}}", "pulls/get", "pull_requests=read"
    ),
    Operation("GET", "/user", "users/get-authenticated", ""),
    Operation("GET", "/rate_limit", "rate-limit/get", ""),
)


def _split_template(template: str) -> list[tuple[str, str]]:
    """Split ``/a/{b}/c`` into ``[("b", "/a/"), ("", "/c")]`` (name, preceding text)."""
    pieces = []
    rest = template
    while "{" in rest:
        literal, _, tail = rest.partition("{")
        name, _, rest = tail.partition("}")
        pieces.append((name, literal))
    pieces.append(("", rest))
    return pieces


def match_operation(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """Find the operation and path parameters for a request, if the fake serves it."""
    for operation in OPERATIONS:
        found = operation.pattern.match(path)
        if found is not None and operation.method == method:
            return operation, found.groupdict()
    return None
