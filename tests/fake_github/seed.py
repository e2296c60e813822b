"""Seed a `FakeGitHub` from a JSON document (used by `python -m tests.fake_github`).

Shape (every key optional; byte values are strings, JSON values or {"base64": ...}):

    {
      "repo": "octo-org/model-zoo", "default_branch": "main",
      "tokens": [{"token": "...", "login": "octocat", "read_only": false}],
      "releases": [{"tag": "v1.0.0", "prerelease": false, "draft": false,
                    "created_at": "2024-05-01T12:00:00Z",
                    "assets": {"metrics.json": {"quality": {"accuracy": 0.97}}}}],
      "runs": [{"workflow": "train.yml", "head_branch": "main", "event": "push",
                "conclusion": "success", "expired": false,
                "artifacts": {"metrics": {"metrics.json": {"accuracy": 0.97}}}}],
      "files": [{"path": "baseline/metrics.json", "ref": "main", "content": {...}}],
      "pull_requests": [{"number": 7, "title": "Retrain", "head_ref": "retrain",
                         "comments": [{"body": "Looks good", "author": "octocat"}]}]
    }
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from tests.fake_github.server import FakeGitHub


def to_bytes(value: Any) -> bytes:
    """Turn a seed value into bytes: text as UTF-8, {"base64": s}, else JSON."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, Mapping) and set(value) == {"base64"}:
        return base64.b64decode(value["base64"])
    return (json.dumps(value, indent=2) + "\n").encode("utf-8")


def fake_from_seed(data: Mapping[str, Any], **options: Any) -> FakeGitHub:
    """Build an unstarted `FakeGitHub` for the seed's repository."""
    return FakeGitHub(
        data.get("repo", "octo-org/model-zoo"),
        default_branch=data.get("default_branch", "main"),
        **options,
    )


def apply_seed(fake: FakeGitHub, data: Mapping[str, Any]) -> None:
    """Add the seed's tokens, releases, runs, files and pull requests to `fake`."""
    for token in data.get("tokens", []):
        fake.add_token(
            token["token"],
            login=token.get("login", "github-actions[bot]"),
            read_only=token.get("read_only", False),
        )

    for release in data.get("releases", []):
        options = {k: v for k, v in release.items() if k not in ("tag", "assets")}
        assets = {n: to_bytes(v) for n, v in release.get("assets", {}).items()}
        fake.add_release(release["tag"], assets=assets, **options)

    for run in data.get("runs", []):
        artifacts = {
            name: {member: to_bytes(v) for member, v in members.items()}
            for name, members in run.get("artifacts", {}).items()
        }
        options = {k: v for k, v in run.items() if k not in ("workflow", "artifacts")}
        fake.add_run(run["workflow"], artifacts=artifacts, **options)

    for entry in data.get("files", []):
        fake.add_file(entry["path"], entry.get("ref"), to_bytes(entry["content"]))

    for pull in data.get("pull_requests", []):
        options = {k: v for k, v in pull.items() if k != "comments"}
        issue = fake.add_pull_request(**options)
        for comment in pull.get("comments", []):
            fake.add_comment(
                issue.number, comment["body"], author=comment.get("author", "octocat")
            )
