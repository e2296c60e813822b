"""Build GitHub-shaped JSON for the fake's objects.

Every object carries all the fields GitHub's OpenAPI description marks required, and
every URL field points back at the fake itself, so clients that follow `url` fields
(PyGithub does) stay on loopback.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from tests.fake_github.model import (
    ACTIONS_BOT_LOGIN,
    Artifact,
    Asset,
    Comment,
    Commit,
    Issue,
    Release,
    Run,
    State,
    Workflow,
)

JSON = dict[str, Any]
DOCS = "https://docs.github.com/rest"
REPO_CREATED_AT = datetime(2023, 6, 1, tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """Format a timestamp the way GitHub does (`2024-01-01T00:00:00Z`)."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(prefix: str, number: int) -> str:
    """Return an opaque node id that looks like GitHub's global ids."""
    raw = base64.b64encode(number.to_bytes(8, "big")).decode().rstrip("=")
    return f"{prefix}_kwDO{raw}"


def git_blob_sha(data: bytes) -> str:
    """Return the git blob sha of some bytes, as GitHub reports for contents."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def error(status: int, message: str, doc: str = "") -> JSON:
    """Return GitHub's `basic-error` body."""
    return {
        "message": message,
        "documentation_url": f"{DOCS}{doc}" if doc else DOCS,
        "status": str(status),
    }


def validation_error(message: str, errors: list[JSON], doc: str) -> JSON:
    """Return GitHub's `validation-error` body (status 422)."""
    body: JSON = {
        "message": message,
        "documentation_url": f"{DOCS}{doc}",
        "status": "422",
    }
    if errors:
        body["errors"] = errors
    return body


class Builder:
    """Turn model objects into JSON rooted at the fake's web and API URLs."""

    def __init__(self, state: State, web_url: str, api_url: str) -> None:
        self.state = state
        self.web = web_url
        self.api = api_url
        self.host = urllib.parse.urlsplit(web_url).netloc

    # -- accounts ---------------------------------------------------------------

    def user(self, login: str) -> JSON:
        """Return a `simple-user` for a login."""
        account = self.state.user(login)
        quoted = urllib.parse.quote(login)
        api = f"{self.api}/users/{quoted}"
        if account.type == "Bot":
            html = f"{self.web}/apps/{login.removesuffix('[bot]')}"
        else:
            html = f"{self.web}/{login}"
        return {
            "login": login,
            "id": account.id,
            "node_id": node_id("U" if account.type == "User" else "BOT", account.id),
            "avatar_url": f"{self.web}/avatars/u/{account.id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": html,
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": account.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def private_user(self, login: str) -> JSON:
        """Return the `private-user` shape of `GET /user`."""
        account = self.state.user(login)
        body = self.user(login)
        body.update(
            user_view_type="private",
            name=account.name,
            company=None,
            blog="",
            location=None,
            email=account.email,
            hireable=None,
            bio=None,
            twitter_username=None,
            notification_email=account.email,
            public_repos=1,
            public_gists=0,
            followers=0,
            following=0,
            created_at=iso(account.created_at),
            updated_at=iso(account.created_at),
            private_gists=0,
            total_private_repos=0,
            owned_private_repos=0,
            disk_usage=0,
            collaborators=0,
            two_factor_authentication=True,
        )
        return body

    def author_association(self, login: str) -> str:
        """Say how an account relates to the repository."""
        if login == self.state.owner:
            return "OWNER"
        if login == ACTIONS_BOT_LOGIN:
            return "NONE"
        return "CONTRIBUTOR"

    # -- repositories -----------------------------------------------------------

    def repo_api(self, full_name: str | None = None) -> str:
        """Return the API URL of a repository."""
        return f"{self.api}/repos/{full_name or self.state.full_name}"

    def repo_id(self, full_name: str) -> int:
        """Return the id of the fake repository or of a fork of it."""
        if full_name == self.state.full_name:
            return self.state.repo_id
        digest = hashlib.sha256(full_name.encode()).hexdigest()
        return 50_000_000 + int(digest[:6], 16)

    def minimal_repository(self, full_name: str | None = None) -> JSON:
        """Return a `minimal-repository` (as nested in workflow runs)."""
        full_name = full_name or self.state.full_name
        owner, name = full_name.split("/", 1)
        api = self.repo_api(full_name)
        is_fork = full_name != self.state.full_name
        return {
            "id": self.repo_id(full_name),
            "node_id": node_id("R", self.repo_id(full_name)),
            "name": name,
            "full_name": full_name,
            "owner": self.user(owner),
            "private": self.state.private,
            "html_url": f"{self.web}/{full_name}",
            "description": "Models gated by qgate",
            "fork": is_fork,
            "url": api,
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "assignees_url": f"{api}/assignees{{/user}}",
            "blobs_url": f"{api}/git/blobs{{/sha}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "comments_url": f"{api}/comments{{/number}}",
            "commits_url": f"{api}/commits{{/sha}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "contributors_url": f"{api}/contributors",
            "deployments_url": f"{api}/deployments",
            "downloads_url": f"{api}/downloads",
            "events_url": f"{api}/events",
            "forks_url": f"{api}/forks",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "issues_url": f"{api}/issues{{/number}}",
            "keys_url": f"{api}/keys{{/key_id}}",
            "labels_url": f"{api}/labels{{/name}}",
            "languages_url": f"{api}/languages",
            "merges_url": f"{api}/merges",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "releases_url": f"{api}/releases{{/id}}",
            "stargazers_url": f"{api}/stargazers",
            "statuses_url": f"{api}/statuses/{{sha}}",
            "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription",
            "tags_url": f"{api}/tags",
            "teams_url": f"{api}/teams",
            "trees_url": f"{api}/git/trees{{/sha}}",
            "hooks_url": f"{api}/hooks",
        }

    def repository(self, full_name: str | None = None) -> JSON:
        """Return a `repository` (as nested in pull requests)."""
        full_name = full_name or self.state.full_name
        body = self.minimal_repository(full_name)
        created = iso(REPO_CREATED_AT)
        body.update(
            git_url=f"git://{self.host}/{full_name}.git",
            ssh_url=f"git@{self.host.split(':')[0]}:{full_name}.git",
            clone_url=f"{self.web}/{full_name}.git",
            svn_url=f"{self.web}/{full_name}",
            mirror_url=None,
            homepage=None,
            language="Python",
            forks_count=0,
            forks=0,
            stargazers_count=0,
            watchers_count=0,
            watchers=0,
            size=128,
            default_branch=self.state.default_branch,
            open_issues_count=len(self.state.issues),
            open_issues=len(self.state.issues),
            is_template=False,
            topics=[],
            has_issues=True,
            has_projects=True,
            has_wiki=False,
            has_pages=False,
            has_downloads=True,
            has_discussions=False,
            archived=False,
            disabled=False,
            visibility="private" if self.state.private else "public",
            pushed_at=created,
            created_at=created,
            updated_at=created,
            license=None,
            allow_forking=True,
            web_commit_signoff_required=False,
        )
        return body

    def full_repository(self, permissions: JSON) -> JSON:
        """Return the `full-repository` of `GET /repos/{owner}/{repo}`."""
        body = self.repository()
        body.update(
            permissions=permissions,
            temp_clone_token=None,
            allow_squash_merge=True,
            allow_merge_commit=True,
            allow_rebase_merge=True,
            allow_auto_merge=False,
            delete_branch_on_merge=False,
            allow_update_branch=False,
            use_squash_pr_title_as_default=False,
            squash_merge_commit_title="COMMIT_OR_PR_TITLE",
            squash_merge_commit_message="COMMIT_MESSAGES",
            merge_commit_title="MERGE_MESSAGE",
            merge_commit_message="PR_TITLE",
            subscribers_count=1,
            network_count=0,
            security_and_analysis=None,
        )
        if self.state.user(self.state.owner).type == "Organization":
            body["organization"] = self.user(self.state.owner)
        return body

    # -- releases ---------------------------------------------------------------

    def asset(self, release: Release, asset: Asset) -> JSON:
        """Return a `release-asset`."""
        api = self.repo_api()
        tag = urllib.parse.quote(release.tag, safe="")
        name = urllib.parse.quote(asset.name, safe="")
        return {
            "url": f"{api}/releases/assets/{asset.id}",
            "browser_download_url": (
                f"{self.web}/{self.state.full_name}/releases/download/{tag}/{name}"
            ),
            "id": asset.id,
            "node_id": node_id("RA", asset.id),
            "name": asset.name,
            "label": asset.label,
            "state": asset.state,
            "content_type": asset.content_type,
            "size": len(asset.data),
            "digest": asset.digest,
            "download_count": asset.download_count,
            "created_at": iso(asset.created_at),
            "updated_at": iso(asset.created_at),
            "uploader": self.user(asset.uploader),
        }

    def release(self, release: Release) -> JSON:
        """Return a `release` with its assets embedded."""
        api = self.repo_api()
        tag = urllib.parse.quote(release.tag, safe="")
        if release.draft:
            html = (
                f"{self.web}/{self.state.full_name}/releases/tag/untagged-{release.id}"
            )
        else:
            html = f"{self.web}/{self.state.full_name}/releases/tag/{tag}"
        return {
            "url": f"{api}/releases/{release.id}",
            "assets_url": f"{api}/releases/{release.id}/assets",
            "upload_url": (
                f"{self.web}/api/uploads/repos/{self.state.full_name}"
                f"/releases/{release.id}/assets{{?name,label}}"
            ),
            "html_url": html,
            "id": release.id,
            "author": self.user(release.author),
            "node_id": node_id("RE", release.id),
            "tag_name": release.tag,
            "target_commitish": release.target_commitish,
            "name": release.name,
            "draft": release.draft,
            "immutable": False,
            "prerelease": release.prerelease,
            "created_at": iso(release.created_at),
            "updated_at": iso(release.published_at or release.created_at),
            "published_at": iso(release.published_at),
            "assets": [self.asset(release, asset) for asset in release.assets],
            "tarball_url": f"{api}/tarball/{tag}",
            "zipball_url": f"{api}/zipball/{tag}",
            "body": release.body,
        }

    # -- actions ----------------------------------------------------------------

    def workflow(self, workflow: Workflow) -> JSON:
        """Return a `workflow`."""
        repo = f"{self.web}/{self.state.full_name}"
        badge = urllib.parse.quote(workflow.name)
        return {
            "id": workflow.id,
            "node_id": node_id("W", workflow.id),
            "name": workflow.name,
            "path": workflow.path,
            "state": workflow.state,
            "created_at": iso(workflow.created_at),
            "updated_at": iso(workflow.created_at),
            "url": f"{self.repo_api()}/actions/workflows/{workflow.id}",
            "html_url": f"{repo}/blob/{self.state.default_branch}/{workflow.path}",
            "badge_url": f"{repo}/workflows/{badge}/badge.svg",
        }

    def run(self, run: Run, *, include_pull_requests: bool = True) -> JSON:
        """Return a `workflow-run`."""
        api = f"{self.repo_api()}/actions/runs/{run.id}"
        workflow = next(w for w in self.state.workflows if w.id == run.workflow_id)
        commit = self.state.commits.get(run.head_sha)
        message = commit.message if commit else run.display_title
        author = {"name": run.actor, "email": f"{run.actor}@users.noreply.localhost"}
        return {
            "id": run.id,
            "name": workflow.name,
            "node_id": node_id("WFR", run.id),
            "check_suite_id": run.id + 7,
            "check_suite_node_id": node_id("CS", run.id + 7),
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
            "path": workflow.path,
            "display_title": run.display_title,
            "run_number": run.run_number,
            "run_attempt": 1,
            "referenced_workflows": [],
            "event": run.event,
            "status": run.status,
            "conclusion": run.conclusion,
            "workflow_id": workflow.id,
            "url": api,
            "html_url": f"{self.web}/{self.state.full_name}/actions/runs/{run.id}",
            "pull_requests": (
                self._run_pull_requests(run) if include_pull_requests else []
            ),
            "created_at": iso(run.created_at),
            "updated_at": iso(run.created_at),
            "run_started_at": iso(run.created_at),
            "actor": self.user(run.actor),
            "triggering_actor": self.user(run.actor),
            "jobs_url": f"{api}/jobs",
            "logs_url": f"{api}/logs",
            "check_suite_url": f"{self.repo_api()}/check-suites/{run.id + 7}",
            "artifacts_url": f"{api}/artifacts",
            "cancel_url": f"{api}/cancel",
            "rerun_url": f"{api}/rerun",
            "previous_attempt_url": None,
            "workflow_url": f"{self.repo_api()}/actions/workflows/{workflow.id}",
            "head_commit": {
                "id": run.head_sha,
                "tree_id": hashlib.sha1(run.head_sha.encode()).hexdigest(),
                "message": message,
                "timestamp": iso(run.created_at),
                "author": author,
                "committer": author,
            },
            "repository": self.minimal_repository(),
            "head_repository": self.minimal_repository(run.head_repository),
            "head_repository_id": self.repo_id(run.head_repository),
        }

    def _run_pull_requests(self, run: Run) -> list[JSON]:
        # GitHub leaves `pull_requests` empty for runs from forks.
        if run.head_repository != self.state.full_name:
            return []
        minimal = []
        for number in run.pull_request_numbers:
            issue = self.state.issues[number]
            repo = {
                "id": self.state.repo_id,
                "url": self.repo_api(),
                "name": self.state.name,
            }
            minimal.append(
                {
                    "id": issue.id,
                    "number": issue.number,
                    "url": f"{self.repo_api()}/pulls/{issue.number}",
                    "head": {
                        "ref": issue.head_ref,
                        "sha": issue.head_sha,
                        "repo": repo,
                    },
                    "base": {
                        "ref": issue.base_ref,
                        "sha": issue.base_sha,
                        "repo": repo,
                    },
                }
            )
        return minimal

    def artifact(self, artifact: Artifact) -> JSON:
        """Return an `artifact`."""
        run = next(r for r in self.state.runs if r.id == artifact.run_id)
        api = f"{self.repo_api()}/actions/artifacts/{artifact.id}"
        data = artifact.zip_bytes
        return {
            "id": artifact.id,
            "node_id": node_id("MDg6QXJ0aWZhY3Q", artifact.id),
            "name": artifact.name,
            "size_in_bytes": len(data),
            "url": api,
            "archive_download_url": f"{api}/zip",
            "expired": artifact.expired,
            "created_at": iso(artifact.created_at),
            "updated_at": iso(artifact.created_at),
            "expires_at": iso(artifact.expires_at),
            "digest": "sha256:" + hashlib.sha256(data).hexdigest(),
            "workflow_run": {
                "id": run.id,
                "repository_id": self.state.repo_id,
                "head_repository_id": self.repo_id(run.head_repository),
                "head_branch": run.head_branch,
                "head_sha": run.head_sha,
            },
        }

    # -- contents ---------------------------------------------------------------

    def _content_links(self, path: str, ref: str, sha: str, kind: str) -> JSON:
        quoted = urllib.parse.quote(path)
        ref_q = urllib.parse.quote(ref, safe="")
        blob = "blobs" if kind == "file" else "trees"
        web_kind = "blob" if kind == "file" else "tree"
        return {
            "url": f"{self.repo_api()}/contents/{quoted}?ref={ref_q}",
            "git_url": f"{self.repo_api()}/git/{blob}/{sha}",
            "html_url": f"{self.web}/{self.state.full_name}/{web_kind}/{ref}/{quoted}",
        }

    def content_file(self, path: str, ref: str, data: bytes, *, inline: bool) -> JSON:
        """Return a `content-file`; large files come without content, as on GitHub."""
        sha = git_blob_sha(data)
        links = self._content_links(path, ref, sha, "file")
        if inline:
            encoded = base64.encodebytes(data).decode("ascii")
            encoding = "base64"
        else:
            encoded, encoding = "", "none"
        quoted = urllib.parse.quote(path)
        return {
            "type": "file",
            "encoding": encoding,
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": encoded,
            "sha": sha,
            **links,
            "download_url": f"{self.web}/{self.state.full_name}/raw/{ref}/{quoted}",
            "_links": {
                "self": links["url"],
                "git": links["git_url"],
                "html": links["html_url"],
            },
        }

    def content_entry(self, path: str, ref: str, data: bytes | None) -> JSON:
        """Return one item of a `content-directory` listing (file or sub-dir)."""
        kind = "file" if data is not None else "dir"
        sha = (
            git_blob_sha(data)
            if data is not None
            else hashlib.sha1(path.encode()).hexdigest()
        )
        links = self._content_links(path, ref, sha, kind)
        quoted = urllib.parse.quote(path)
        download = f"{self.web}/{self.state.full_name}/raw/{ref}/{quoted}"
        return {
            "type": kind,
            "size": len(data) if data is not None else 0,
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            **links,
            "download_url": download if data is not None else None,
            "_links": {
                "self": links["url"],
                "git": links["git_url"],
                "html": links["html_url"],
            },
        }

    # -- issues, pulls, comments --------------------------------------------------

    def reactions(self, url: str) -> JSON:
        """Return an empty `reaction-rollup`."""
        counts = dict.fromkeys(
            ("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket"), 0
        )
        return {"url": f"{url}/reactions", "total_count": 0, **counts}

    def _html_thread(self, issue: Issue) -> str:
        kind = "pull" if issue.is_pull_request else "issues"
        return f"{self.web}/{self.state.full_name}/{kind}/{issue.number}"

    def issue(self, issue: Issue) -> JSON:
        """Return an `issue` (with `pull_request` when it is one)."""
        api = f"{self.repo_api()}/issues/{issue.number}"
        body: JSON = {
            "url": api,
            "repository_url": self.repo_api(),
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": self._html_thread(issue),
            "id": issue.id,
            "node_id": node_id("PR" if issue.is_pull_request else "I", issue.id),
            "number": issue.number,
            "title": issue.title,
            "user": self.user(issue.author),
            "labels": [],
            "state": issue.state,
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": sum(
                1 for c in self.state.comments if c.issue_number == issue.number
            ),
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.created_at),
            "closed_at": None,
            "author_association": self.author_association(issue.author),
            "active_lock_reason": None,
            "body": issue.body,
            "reactions": self.reactions(api),
            "timeline_url": f"{api}/timeline",
            "performed_via_github_app": None,
            # `state_reason` is left out rather than null: the description gives
            # it an enum without null, so validators reject GitHub's own null.
        }
        if issue.is_pull_request:
            pull = f"{self.repo_api()}/pulls/{issue.number}"
            html = self._html_thread(issue)
            body["draft"] = False
            body["pull_request"] = {
                "url": pull,
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": iso(issue.merged_at),
            }
        return body

    def _branch(self, ref: str, sha: str, full_name: str) -> JSON:
        owner = full_name.split("/", 1)[0]
        return {
            "label": f"{owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(owner),
            "repo": self.repository(full_name),
        }

    def pull_request_simple(self, issue: Issue) -> JSON:
        """Return a `pull-request-simple` (as listed for a commit)."""
        api = f"{self.repo_api()}/pulls/{issue.number}"
        html = self._html_thread(issue)
        issue_api = f"{self.repo_api()}/issues/{issue.number}"
        statuses = f"{self.repo_api()}/statuses/{issue.head_sha}"

        def link(href: str) -> JSON:
            return {"href": href}

        return {
            "url": api,
            "id": issue.id,
            "node_id": node_id("PR", issue.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue_api,
            "commits_url": f"{api}/commits",
            "review_comments_url": f"{api}/comments",
            "review_comment_url": f"{self.repo_api()}/pulls/comments{{/number}}",
            "comments_url": f"{issue_api}/comments",
            "statuses_url": statuses,
            "number": issue.number,
            "state": issue.state,
            "locked": False,
            "title": issue.title,
            "user": self.user(issue.author),
            "body": issue.body,
            "labels": [],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.created_at),
            "closed_at": iso(issue.merged_at),
            "merged_at": iso(issue.merged_at),
            "merge_commit_sha": issue.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": self._branch(issue.head_ref, issue.head_sha, issue.head_repository),
            "base": self._branch(issue.base_ref, issue.base_sha, self.state.full_name),
            "_links": {
                "self": link(api),
                "html": link(html),
                "issue": link(issue_api),
                "comments": link(f"{issue_api}/comments"),
                "review_comments": link(f"{api}/comments"),
                "review_comment": link(f"{self.repo_api()}/pulls/comments{{/number}}"),
                "commits": link(f"{api}/commits"),
                "statuses": link(statuses),
            },
            "author_association": self.author_association(issue.author),
            "auto_merge": None,
            "draft": False,
        }

    def pull_request(self, issue: Issue) -> JSON:
        """Return a full `pull-request`."""
        body = self.pull_request_simple(issue)
        merged = issue.merged_at is not None
        body.update(
            merged=merged,
            mergeable=None if merged else True,
            rebaseable=None if merged else True,
            mergeable_state="unknown" if merged else "clean",
            merged_by=None,
            comments=sum(
                1 for c in self.state.comments if c.issue_number == issue.number
            ),
            review_comments=0,
            maintainer_can_modify=False,
            commits=1,
            additions=1,
            deletions=0,
            changed_files=1,
        )
        return body

    def comment(self, comment: Comment) -> JSON:
        """Return an `issue-comment`."""
        issue = self.state.issues[comment.issue_number]
        api = f"{self.repo_api()}/issues/comments/{comment.id}"
        return {
            "id": comment.id,
            "node_id": node_id("IC", comment.id),
            "url": api,
            "html_url": f"{self._html_thread(issue)}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.user(comment.author),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "issue_url": f"{self.repo_api()}/issues/{issue.number}",
            "author_association": self.author_association(comment.author),
            "performed_via_github_app": None,
            "reactions": self.reactions(api),
        }

    # -- commits and limits -----------------------------------------------------

    def commit(self, commit: Commit) -> JSON:
        """Return a `commit` (no file list)."""
        api = f"{self.repo_api()}/commits/{commit.sha}"
        web = f"{self.web}/{self.state.full_name}/commit"
        tree = hashlib.sha1(commit.sha.encode()).hexdigest()
        person = {"name": commit.author, "email": f"{commit.author}@users.noreply"}
        person["date"] = iso(commit.date) or ""
        return {
            "url": api,
            "sha": commit.sha,
            "node_id": node_id("C", int(commit.sha[:12], 16)),
            "html_url": f"{web}/{commit.sha}",
            "comments_url": f"{api}/comments",
            "commit": {
                "url": f"{self.repo_api()}/git/commits/{commit.sha}",
                "author": person,
                "committer": person,
                "message": commit.message,
                "comment_count": 0,
                "tree": {"sha": tree, "url": f"{self.repo_api()}/git/trees/{tree}"},
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "author": self.user(commit.author),
            "committer": self.user(commit.author),
            "parents": [
                {
                    "sha": parent,
                    "url": f"{self.repo_api()}/commits/{parent}",
                    "html_url": f"{web}/{parent}",
                }
                for parent in commit.parents
            ],
            "stats": {"total": 0, "additions": 0, "deletions": 0},
            "files": [],
        }

    def rate_limit(self, limit: int, used: int, reset: int) -> JSON:
        """Return the `rate-limit-overview` of `GET /rate_limit`."""
        core = {
            "limit": limit,
            "used": used,
            "remaining": max(limit - used, 0),
            "reset": reset,
        }
        search = {"limit": 30, "used": 0, "remaining": 30, "reset": reset}
        return {"resources": {"core": core, "search": search}, "rate": core}
