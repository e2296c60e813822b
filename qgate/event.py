"""Read the workflow's event payload: which pull request, which base branch."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

MAX_EVENT_BYTES = 25 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class PullRequest:
    """What the event says about the pull request being judged."""

    number: int | None
    base_sha: str = ""
    head_sha: str = ""
    head_repo: str = ""
    is_fork: bool = False


def load_event(path: str) -> dict[str, Any]:
    """The event payload, or {} when there is none or it cannot be read."""
    if not path or not os.path.isfile(path):
        return {}
    if os.path.getsize(path) > MAX_EVENT_BYTES:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def pull_request(event_name: str, event: dict[str, Any]) -> PullRequest:
    """Find the pull request for ``pull_request``, ``pull_request_target``,
    ``workflow_run`` and ``issue_comment`` events; number None otherwise."""
    if event_name in ("pull_request", "pull_request_target"):
        pr = _dict(event.get("pull_request"))
        base, head = _dict(pr.get("base")), _dict(pr.get("head"))
        head_repo = str(_dict(head.get("repo")).get("full_name") or "")
        base_repo = str(_dict(base.get("repo")).get("full_name") or "")
        return PullRequest(
            number=_int(pr.get("number")) or _int(event.get("number")),
            base_sha=str(base.get("sha") or ""),
            head_sha=str(head.get("sha") or ""),
            head_repo=head_repo,
            is_fork=bool(head_repo and base_repo and head_repo != base_repo),
        )
    if event_name == "workflow_run":
        run = _dict(event.get("workflow_run"))
        prs = run.get("pull_requests") or []
        first = _dict(prs[0]) if isinstance(prs, list) and prs else {}
        head_repo = str(_dict(run.get("head_repository")).get("full_name") or "")
        own = str(_dict(event.get("repository")).get("full_name") or "")
        return PullRequest(
            number=_int(first.get("number")),
            base_sha=str(_dict(first.get("base")).get("sha") or ""),
            head_sha=str(run.get("head_sha") or ""),
            head_repo=head_repo,
            is_fork=bool(head_repo and own and head_repo != own),
        )
    if event_name == "issue_comment":
        issue = _dict(event.get("issue"))
        if issue.get("pull_request"):
            return PullRequest(number=_int(issue.get("number")))
    return PullRequest(number=None)
