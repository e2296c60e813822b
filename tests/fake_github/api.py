"""Answers for each REST operation the fake serves (see `operations.OPERATIONS`)."""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tests.fake_github.builders import Builder, error, validation_error
from tests.fake_github.model import (
    Artifact,
    Comment,
    Release,
    Run,
    State,
    Workflow,
)
from tests.fake_github.operations import Operation
from tests.fake_github.storage import Storage, StoredObject
from tests.fake_github.wire import Reply, Request, json_reply

T = TypeVar("T")

MAX_COMMENT_CHARS = 65536
MAX_INLINE_CONTENT = 1024 * 1024  # larger files come back with `encoding: none`
RAW_TYPES = ("application/vnd.github.raw+json", "application/vnd.github.raw")
RUN_STATUSES = {"completed", "in_progress", "queued", "requested", "waiting", "pending"}


@dataclass(frozen=True)
class Caller:
    """Who sent a request and what the token lets them do."""

    login: str | None
    can_write: bool
    is_integration: bool


def not_found(doc: str = "") -> Reply:
    """Return GitHub's plain 404."""
    return json_reply(404, error(404, "Not Found", doc))


class Operations:
    """Operation handlers over one repository's state."""

    def __init__(
        self,
        state: State,
        builder: Builder,
        storage: Storage,
        *,
        serve_assets_directly: bool = False,
    ) -> None:
        self.state = state
        self.build = builder
        self.storage = storage
        self.serve_assets_directly = serve_assets_directly
        self._handlers: dict[str, Callable[..., Reply]] = {
            "repos/get": self.get_repo,
            "repos/list-releases": self.list_releases,
            "repos/get-latest-release": self.get_latest_release,
            "repos/get-release-by-tag": self.get_release_by_tag,
            "repos/get-release": self.get_release,
            "repos/list-release-assets": self.list_release_assets,
            "repos/get-release-asset": self.get_release_asset,
            "actions/get-workflow": self.get_workflow,
            "actions/list-workflow-runs": self.list_workflow_runs,
            "actions/get-workflow-run": self.get_workflow_run,
            "actions/list-workflow-run-artifacts": self.list_run_artifacts,
            "actions/list-artifacts-for-repo": self.list_repo_artifacts,
            "actions/get-artifact": self.get_artifact,
            "actions/download-artifact": self.download_artifact,
            "repos/get-content": self.get_content,
            "repos/get-commit": self.get_commit,
            "repos/list-pull-requests-associated-with-commit": self.list_commit_pulls,
            "issues/get": self.get_issue,
            "issues/list-comments": self.list_comments,
            "issues/create-comment": self.create_comment,
            "issues/get-comment": self.get_comment,
            "issues/update-comment": self.update_comment,
            "pulls/get": self.get_pull,
            "pulls/list": self.list_pulls,
            "users/get-authenticated": self.get_user,
        }

    def dispatch(
        self,
        operation: Operation,
        params: dict[str, str],
        request: Request,
        caller: Caller,
    ) -> Reply:
        """Run the handler registered for an operation."""
        owner, repo = params.pop("owner", None), params.pop("repo", None)
        if (
            owner is not None
            and f"{owner}/{repo}".lower() != self.state.full_name.lower()
        ):
            return not_found("/repos/repos#get-a-repository")
        return self._handlers[operation.operation_id](request, caller, **params)

    # -- paging -------------------------------------------------------------------

    def paginate(
        self, request: Request, items: Sequence[T]
    ) -> tuple[list[T], dict[str, str]]:
        """Cut one page out of `items` and build GitHub's `link` header for it."""
        per_page = _int(request.query.get("per_page"), 30)
        per_page = min(max(per_page, 1), 100)
        page = max(_int(request.query.get("page"), 1), 1)
        last = max(math.ceil(len(items) / per_page), 1)
        chunk = list(items[(page - 1) * per_page : page * per_page])
        if last == 1:
            return chunk, {}

        # GitHub's links name the repository by id, not by owner/name.
        rest = request.path.split(f"/repos/{self.state.full_name}", 1)[-1]
        base = f"{self.build.api}/repositories/{self.state.repo_id}{rest}"

        def url(number: int) -> str:
            query = dict(urllib.parse.parse_qsl(request.raw_query))
            query["page"] = str(number)
            return f"{base}?{urllib.parse.urlencode(query)}"

        links = []
        if page > 1:
            links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
        if page < last:
            links.append(f'<{url(page + 1)}>; rel="next"')
            links.append(f'<{url(last)}>; rel="last"')
        if page > 1:
            links.append(f'<{url(1)}>; rel="first"')
        return chunk, {"link": ", ".join(links)}

    def _page(
        self, request: Request, items: Sequence[Any], render: Callable[[Any], Any]
    ) -> Reply:
        chunk, headers = self.paginate(request, items)
        return json_reply(200, [render(item) for item in chunk], headers)

    def _wrapped_page(
        self,
        request: Request,
        key: str,
        items: Sequence[Any],
        render: Callable[[Any], Any],
    ) -> Reply:
        chunk, headers = self.paginate(request, items)
        payload = {"total_count": len(items), key: [render(item) for item in chunk]}
        return json_reply(200, payload, headers)

    # -- repository -------------------------------------------------------------

    def get_repo(self, request: Request, caller: Caller) -> Reply:
        """GET /repos/{owner}/{repo}."""
        permissions = {
            "admin": False,
            "maintain": False,
            "push": caller.can_write,
            "triage": caller.can_write,
            "pull": True,
        }
        return json_reply(200, self.build.full_repository(permissions))

    # -- releases ---------------------------------------------------------------

    def _visible_releases(self, caller: Caller) -> list[Release]:
        # Drafts are only shown to callers with push access.
        releases = [r for r in self.state.releases if caller.can_write or not r.draft]
        return sorted(releases, key=lambda r: (r.created_at, r.id), reverse=True)

    def list_releases(self, request: Request, caller: Caller) -> Reply:
        """GET /repos/{owner}/{repo}/releases (newest first)."""
        return self._page(request, self._visible_releases(caller), self.build.release)

    def get_latest_release(self, request: Request, caller: Caller) -> Reply:
        """GET /releases/latest: newest non-draft, non-prerelease by `created_at`."""
        published = [
            r
            for r in self._visible_releases(caller)
            if not r.draft and not r.prerelease
        ]
        if not published:
            return not_found("/releases/releases#get-the-latest-release")
        return json_reply(200, self.build.release(published[0]))

    def get_release_by_tag(self, request: Request, caller: Caller, tag: str) -> Reply:
        """GET /releases/tags/{tag}: published releases only."""
        tag = urllib.parse.unquote(tag)
        for release in self._visible_releases(caller):
            if release.tag == tag and not release.draft:
                return json_reply(200, self.build.release(release))
        return not_found("/releases/releases#get-a-release-by-tag-name")

    def _release(self, caller: Caller, release_id: str) -> Release | None:
        for release in self._visible_releases(caller):
            if release.id == int(release_id):
                return release
        return None

    def get_release(self, request: Request, caller: Caller, release_id: str) -> Reply:
        """GET /releases/{release_id}."""
        release = self._release(caller, release_id)
        if release is None:
            return not_found("/releases/releases#get-a-release")
        return json_reply(200, self.build.release(release))

    def list_release_assets(
        self, request: Request, caller: Caller, release_id: str
    ) -> Reply:
        """GET /releases/{release_id}/assets."""
        release = self._release(caller, release_id)
        if release is None:
            return not_found("/releases/assets#list-release-assets")
        return self._page(
            request, release.assets, lambda asset: self.build.asset(release, asset)
        )

    def get_release_asset(
        self, request: Request, caller: Caller, asset_id: str
    ) -> Reply:
        """GET /releases/assets/{id}: JSON, or with octet-stream a 302 to storage."""
        for release in self._visible_releases(caller):
            for asset in release.assets:
                if asset.id != int(asset_id):
                    continue
                if "application/octet-stream" not in request.headers.get("accept", ""):
                    return json_reply(200, self.build.asset(release, asset))

                asset.download_count += 1
                stored = StoredObject(
                    asset.data, "application/octet-stream", asset.name
                )
                if self.serve_assets_directly:
                    return Reply(200, asset.data, {"content-type": stored.content_type})
                key = f"{asset.id}-{asset.digest[7:23]}"
                location = self.storage.asset_url(self.state.repo_id, key, stored)
                return redirect(location)
        return not_found("/releases/assets#get-a-release-asset")

    # -- actions ----------------------------------------------------------------

    def _workflow(self, workflow_id: str) -> Workflow | None:
        key = urllib.parse.unquote(workflow_id)
        for workflow in self.state.workflows:
            if key in (str(workflow.id), workflow.file):
                return workflow
        return None

    def get_workflow(self, request: Request, caller: Caller, workflow_id: str) -> Reply:
        """GET /actions/workflows/{id or file name}."""
        workflow = self._workflow(workflow_id)
        if workflow is None:
            return not_found("/actions/workflows#get-a-workflow")
        return json_reply(200, self.build.workflow(workflow))

    def list_workflow_runs(
        self, request: Request, caller: Caller, workflow_id: str
    ) -> Reply:
        """GET /actions/workflows/{id}/runs with branch/event/status/... filters."""
        workflow = self._workflow(workflow_id)
        if workflow is None:
            return not_found("/actions/workflow-runs#list-workflow-runs-for-a-workflow")

        query = request.query
        runs = [run for run in self.state.runs if run.workflow_id == workflow.id]
        runs = [run for run in runs if _run_matches(run, query)]
        runs.sort(key=lambda run: (run.created_at, run.id), reverse=True)
        with_prs = query.get("exclude_pull_requests", "false").lower() != "true"
        return self._wrapped_page(
            request,
            "workflow_runs",
            runs,
            lambda run: self.build.run(run, include_pull_requests=with_prs),
        )

    def get_workflow_run(self, request: Request, caller: Caller, run_id: str) -> Reply:
        """GET /actions/runs/{run_id}."""
        for run in self.state.runs:
            if run.id == int(run_id):
                return json_reply(200, self.build.run(run))
        return not_found("/actions/workflow-runs#get-a-workflow-run")

    def _artifacts(self, request: Request, run_id: int | None) -> list[Artifact]:
        name = request.query.get("name")
        found = [
            artifact
            for artifact in self.state.artifacts
            if (run_id is None or artifact.run_id == run_id)
            and (name is None or artifact.name == name)
        ]
        return sorted(found, key=lambda artifact: artifact.id, reverse=True)

    def list_run_artifacts(
        self, request: Request, caller: Caller, run_id: str
    ) -> Reply:
        """GET /actions/runs/{run_id}/artifacts (optional `name` filter)."""
        if not any(run.id == int(run_id) for run in self.state.runs):
            return not_found("/actions/artifacts#list-workflow-run-artifacts")
        artifacts = self._artifacts(request, int(run_id))
        return self._wrapped_page(request, "artifacts", artifacts, self.build.artifact)

    def list_repo_artifacts(self, request: Request, caller: Caller) -> Reply:
        """GET /actions/artifacts (optional `name` filter)."""
        artifacts = self._artifacts(request, None)
        return self._wrapped_page(request, "artifacts", artifacts, self.build.artifact)

    def _artifact(self, artifact_id: str) -> Artifact | None:
        for artifact in self.state.artifacts:
            if artifact.id == int(artifact_id):
                return artifact
        return None

    def get_artifact(self, request: Request, caller: Caller, artifact_id: str) -> Reply:
        """GET /actions/artifacts/{artifact_id}."""
        artifact = self._artifact(artifact_id)
        if artifact is None:
            return not_found("/actions/artifacts#get-an-artifact")
        return json_reply(200, self.build.artifact(artifact))

    def download_artifact(
        self, request: Request, caller: Caller, artifact_id: str, archive_format: str
    ) -> Reply:
        """GET /actions/artifacts/{id}/zip: 302 to storage, 410 once expired."""
        artifact = self._artifact(artifact_id)
        if artifact is None or archive_format != "zip":
            return not_found("/actions/artifacts#download-an-artifact")
        if artifact.expired:
            return json_reply(
                410,
                error(
                    410,
                    "Artifact has expired",
                    "/actions/artifacts#download-an-artifact",
                ),
            )
        stored = StoredObject(
            artifact.zip_bytes, "application/zip", f"{artifact.name}.zip"
        )
        location = self.storage.artifact_url(f"{artifact.run_id}-{artifact.id}", stored)
        return redirect(location)

    # -- contents and commits ---------------------------------------------------

    def _known_ref(self, ref: str) -> bool:
        refs = {self.state.default_branch, *self.state.branches, *self.state.commits}
        refs |= {file_ref for file_ref, _ in self.state.files}
        return ref in refs

    def get_content(self, request: Request, caller: Caller, path: str) -> Reply:
        """GET /contents/{path}: base64 JSON, `encoding: none` over 1 MiB, or raw."""
        path = urllib.parse.unquote(path).strip("/")
        ref = request.query.get("ref") or self.state.default_branch
        doc = "/repos/contents#get-repository-content"
        if not self._known_ref(ref):
            return json_reply(
                404, error(404, f"No commit found for the ref {ref}", doc)
            )

        data = self.state.files.get((ref, path))
        accept = request.headers.get("accept", "")
        if data is not None:
            raw_type = next((t for t in RAW_TYPES if t in accept), None)
            if raw_type is not None:
                headers = {
                    "content-type": f"{raw_type}; charset=utf-8",
                    "x-github-media-type": "github.v3; param=raw",
                }
                return Reply(200, data, headers)
            inline = len(data) <= MAX_INLINE_CONTENT
            return json_reply(
                200, self.build.content_file(path, ref, data, inline=inline)
            )

        entries = _directory(self.state.files, ref, path)
        if not entries:
            return not_found(doc)
        listing = [self.build.content_entry(p, ref, d) for p, d in entries]
        return json_reply(200, listing)

    def _resolve_sha(self, ref: str) -> str | None:
        if ref in self.state.commits:
            return ref
        if ref == "HEAD":  # GitHub reads HEAD as the default branch's tip
            ref = self.state.default_branch
        return self.state.branches.get(ref)

    def get_commit(self, request: Request, caller: Caller, ref: str) -> Reply:
        """GET /commits/{ref} for commits and branches the fake knows."""
        sha = self._resolve_sha(urllib.parse.unquote(ref))
        if sha is None or sha not in self.state.commits:
            return json_reply(
                422,
                validation_error(
                    f"No commit found for SHA: {ref}",
                    [],
                    "/commits/commits#get-a-commit",
                ),
            )
        return json_reply(200, self.build.commit(self.state.commits[sha]))

    def list_commit_pulls(
        self, request: Request, caller: Caller, commit_sha: str
    ) -> Reply:
        """GET /commits/{sha}/pulls: pull requests whose head or merge is `sha`."""
        sha = self._resolve_sha(commit_sha)
        if sha is None:
            return json_reply(
                422,
                validation_error(
                    f"No commit found for SHA: {commit_sha}",
                    [],
                    "/commits/commits#list-pull-requests-associated-with-a-commit",
                ),
            )
        pulls = [
            issue
            for issue in sorted(self.state.issues.values(), key=lambda i: -i.number)
            if issue.is_pull_request and sha in (issue.head_sha, issue.merge_commit_sha)
        ]
        return self._page(request, pulls, self.build.pull_request_simple)

    # -- issues and comments ----------------------------------------------------

    def get_issue(self, request: Request, caller: Caller, issue_number: str) -> Reply:
        """GET /issues/{n} (pull requests are issues too)."""
        issue = self.state.issues.get(int(issue_number))
        if issue is None:
            return not_found("/issues/issues#get-an-issue")
        return json_reply(200, self.build.issue(issue))

    def get_pull(self, request: Request, caller: Caller, pull_number: str) -> Reply:
        """GET /pulls/{n}."""
        issue = self.state.issues.get(int(pull_number))
        if issue is None or not issue.is_pull_request:
            return not_found("/pulls/pulls#get-a-pull-request")
        return json_reply(200, self.build.pull_request(issue))

    def list_pulls(self, request: Request, caller: Caller) -> Reply:
        """GET /pulls with `state`, `head` (`owner:ref`), `base` and `direction`."""
        query = request.query
        state = query.get("state", "open")
        if state not in ("open", "closed", "all"):
            problem = {"resource": "Search", "field": "state", "code": "invalid"}
            doc = "/pulls/pulls#list-pull-requests"
            return json_reply(
                422, validation_error("Validation Failed", [problem], doc)
            )

        pulls = []
        for issue in self.state.issues.values():
            owner = issue.head_repository.split("/", 1)[0]
            if not issue.is_pull_request or state not in ("all", issue.state):
                continue
            if "head" in query and query["head"] != f"{owner}:{issue.head_ref}":
                continue
            if "base" in query and query["base"] != issue.base_ref:
                continue
            pulls.append(issue)
        ascending = query.get("direction", "desc") == "asc"
        pulls.sort(key=lambda issue: issue.number, reverse=not ascending)
        return self._page(request, pulls, self.build.pull_request_simple)

    def list_comments(
        self, request: Request, caller: Caller, issue_number: str
    ) -> Reply:
        """GET /issues/{n}/comments, oldest first (ascending id)."""
        number = int(issue_number)
        if number not in self.state.issues:
            return not_found("/issues/comments#list-issue-comments")
        comments = sorted(
            (c for c in self.state.comments if c.issue_number == number),
            key=lambda comment: comment.id,
        )
        return self._page(request, comments, self.build.comment)

    def create_comment(
        self, request: Request, caller: Caller, issue_number: str
    ) -> Reply:
        """POST /issues/{n}/comments as the token's account."""
        doc = "/issues/comments#create-an-issue-comment"
        refused = _refuse_write(caller, doc)
        if refused is not None:
            return refused
        issue = self.state.issues.get(int(issue_number))
        if issue is None:
            return not_found(doc)
        body = _comment_body(request, doc)
        if isinstance(body, Reply):
            return body

        now = self.state.now()
        comment = Comment(
            self.state.new_id(), issue.number, body, caller.login or "", now, now
        )
        self.state.comments.append(comment)
        payload = self.build.comment(comment)
        return json_reply(201, payload, {"location": payload["url"]})

    def _comment(self, comment_id: str) -> Comment | None:
        for comment in self.state.comments:
            if comment.id == int(comment_id):
                return comment
        return None

    def get_comment(self, request: Request, caller: Caller, comment_id: str) -> Reply:
        """GET /issues/comments/{id}."""
        comment = self._comment(comment_id)
        if comment is None:
            return not_found("/issues/comments#get-an-issue-comment")
        return json_reply(200, self.build.comment(comment))

    def update_comment(
        self, request: Request, caller: Caller, comment_id: str
    ) -> Reply:
        """PATCH /issues/comments/{id}."""
        doc = "/issues/comments#update-an-issue-comment"
        refused = _refuse_write(caller, doc)
        if refused is not None:
            return refused
        comment = self._comment(comment_id)
        if comment is None:
            return not_found(doc)
        body = _comment_body(request, doc)
        if isinstance(body, Reply):
            return body

        comment.body = body
        comment.updated_at = self.state.now()
        return json_reply(200, self.build.comment(comment))

    def get_user(self, request: Request, caller: Caller) -> Reply:
        """GET /user: integration tokens are refused, as with `GITHUB_TOKEN`."""
        if caller.login is None:
            return requires_authentication()
        if caller.is_integration:
            return json_reply(
                403,
                error(
                    403,
                    "Resource not accessible by integration",
                    "/users/users#get-the-authenticated-user",
                ),
            )
        return json_reply(200, self.build.private_user(caller.login))


def requires_authentication() -> Reply:
    """Return the 401 GitHub sends when no token was given but one is needed."""
    return json_reply(401, error(401, "Requires authentication"))


def redirect(location: str) -> Reply:
    """Return a 302 to a storage URL, with the empty HTML body GitHub sends."""
    return Reply(
        302, b"", {"location": location, "content-type": "text/html;charset=utf-8"}
    )


def _refuse_write(caller: Caller, doc: str) -> Reply | None:
    if caller.login is None:
        return requires_authentication()
    if caller.can_write:
        return None
    kind = "integration" if caller.is_integration else "personal access token"
    return json_reply(403, error(403, f"Resource not accessible by {kind}", doc))


def _comment_body(request: Request, doc: str) -> str | Reply:
    """Return the comment text of a create/update request, or the error to send."""
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        return json_reply(400, error(400, "Problems parsing JSON", doc))
    body = payload.get("body") if isinstance(payload, dict) else None
    if not isinstance(body, str):
        message = 'Invalid request.\n\n"body" wasn\'t supplied.'
        return json_reply(422, validation_error(message, [], doc))
    if len(body) > MAX_COMMENT_CHARS:
        problem = {
            "resource": "IssueComment",
            "code": "custom",
            "field": "body",
            "message": "Body is too long (maximum is 65536 characters)",
        }
        return json_reply(422, validation_error("Validation Failed", [problem], doc))
    return body


def _run_matches(run: Run, query: dict[str, str]) -> bool:
    """Apply the list-workflow-runs filters GitHub documents."""
    if "branch" in query and run.head_branch != query["branch"]:
        return False
    if "event" in query and run.event != query["event"]:
        return False
    if "head_sha" in query and run.head_sha != query["head_sha"]:
        return False
    if "actor" in query and run.actor != query["actor"]:
        return False
    status = query.get("status")
    if status is None:
        return True
    # `status` takes either a run status or a conclusion.
    if status in RUN_STATUSES:
        return run.status == status
    return run.conclusion == status


def _directory(
    files: dict[tuple[str, str], bytes], ref: str, path: str
) -> list[tuple[str, bytes | None]]:
    """List the direct children of a directory: files with bytes, sub-dirs with None."""
    prefix = f"{path}/" if path else ""
    children: dict[str, bytes | None] = {}
    for file_ref, file_path in files:
        if file_ref != ref or not file_path.startswith(prefix):
            continue
        head, sep, _ = file_path[len(prefix) :].partition("/")
        child = prefix + head
        children[child] = None if sep else files[(file_ref, file_path)]
    return sorted(children.items())


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
