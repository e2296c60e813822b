"""`FakeGitHub`: a stateful GitHub REST server on loopback, for tests and demos.

Two real HTTP servers run in background threads: the API host on 127.0.0.1 and a
storage host on 127.0.0.2 that release-asset and artifact downloads redirect to.
The API is served under `/api/v3`, the layout of GitHub Enterprise Server, so
PyGithub is pointed at it exactly as at a GHES instance:

    with FakeGitHub() as fake:
        fake.add_release("v1.0.0", assets={"metrics.json": b"{}"})
        gh = Github(auth=Auth.Token(DEFAULT_TOKEN), base_url=fake.api_url)
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tests.fake_github.api import (
    Caller,
    Operations,
    redirect,
    requires_authentication,
)
from tests.fake_github.builders import Builder, error
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
    Token,
    Workflow,
    fake_sha,
)
from tests.fake_github.operations import match_operation
from tests.fake_github.storage import Storage, StoredObject
from tests.fake_github.wire import (
    LoggedRequest,
    Reply,
    Request,
    json_reply,
    start_server,
    stop_server,
)

if TYPE_CHECKING:
    from github import Github

# Not GitHub's real token format on purpose, so no secret scanner flags these.
DEFAULT_TOKEN = "ghs_FAKE_actions_token"
READ_ONLY_TOKEN = "ghs_FAKE_fork_pr_token"
USER_TOKEN = "ghp_FAKE_octocat_token"
API_VERSION = "2022-11-28"

_DOWNLOAD_PATH = re.compile(r"^/([^/]+)/([^/]+)/releases/download/([^/]+)/([^/]+)$")
_REPOSITORIES_PATH = re.compile(r"^/repositories/([0-9]+)(/.*)?$")

Data = bytes | str


@dataclass
class Fault:
    """A canned answer for the next `times` requests matching method and path."""

    method: str
    pattern: re.Pattern[str]
    status: int | None
    body: bytes | None
    headers: dict[str, str]
    times: int | None
    delay: float
    truncate: bool
    host: str
    handled: bool = False
    hits: int = 0

    def matches(self, host: str, request: Request) -> bool:
        """Say whether this fault applies to a request (and has uses left)."""
        if self.times is not None and self.hits >= self.times:
            return False
        if host != self.host or self.method not in ("*", request.method):
            return False
        return self.pattern.search(request.path) is not None


def _bytes(data: Data) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _moment(value: datetime | str | None, fallback: datetime) -> datetime:
    if value is None:
        return fallback
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


class FakeGitHub:
    """A stateful fake of the GitHub REST API for one repository."""

    def __init__(
        self,
        repo: str = "octo-org/model-zoo",
        *,
        default_branch: str = "main",
        owner_type: str = "Organization",
        private: bool = False,
        api_prefix: str = "/api/v3",
        host: str = "127.0.0.1",
        port: int = 0,
        storage_host: str = "127.0.0.2",
        anonymous_read: bool = False,
        serve_assets_directly: bool = False,
    ) -> None:
        owner, name = repo.split("/", 1)
        self.state = State(
            owner, name, repo_id=7_000_001, default_branch=default_branch
        )
        self.state.private = private
        self.state.user(owner, owner_type)
        self.api_prefix = api_prefix.rstrip("/")
        self.anonymous_read = anonymous_read
        self.read_only = False
        self.errors: list[str] = []
        self.closing = threading.Event()

        self._host = host
        self._port = port
        self._storage_host = storage_host
        self._serve_assets_directly = serve_assets_directly
        self._lock = threading.RLock()
        self._faults: list[Fault] = []
        self._requests: list[LoggedRequest] = []
        self._storage_requests: list[LoggedRequest] = []
        self._reset_at = int(time.time()) + 3600
        self._anonymous_used = 0
        self._clients: list[Github] = []
        self._servers: list[Any] = []
        self.storage = Storage()
        self.web_url = ""
        self.api_url = ""
        self.storage_url = ""
        self._ops: Operations | None = None

        self.add_token(DEFAULT_TOKEN)
        self.add_token(READ_ONLY_TOKEN, read_only=True)
        self.add_token(USER_TOKEN, login="octocat")

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> FakeGitHub:
        """Start both servers; returns self."""
        api, api_thread = start_server(self._host, self._port, self._handle_api, self)
        storage, storage_thread = start_server(
            self._storage_host, 0, self._handle_storage, self
        )
        self._servers = [(api, api_thread), (storage, storage_thread)]
        self.web_url = f"http://{self._host}:{api.server_address[1]}"
        self.api_url = self.web_url + self.api_prefix
        self.storage_url = f"http://{self._storage_host}:{storage.server_address[1]}"
        self.storage.base_url = self.storage_url
        builder = Builder(self.state, self.web_url, self.api_url)
        self._ops = Operations(
            self.state,
            builder,
            self.storage,
            serve_assets_directly=self._serve_assets_directly,
        )
        return self

    def close(self, *, check: bool = True) -> None:
        """Close clients made by `make_client`, stop the servers, report crashes."""
        for client in self._clients:
            client.close()
        self.closing.set()
        for server, thread in self._servers:
            stop_server(server, thread)
        self._servers = []
        if check and self.errors:
            raise AssertionError("fake GitHub crashed:\n" + "\n".join(self.errors))

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(check=exc_type is None)

    @property
    def builder(self) -> Builder:
        """Return the JSON builder (available once started)."""
        assert self._ops is not None, "call start() first"
        return self._ops.build

    def make_client(self, token: str | None = DEFAULT_TOKEN, **options: Any) -> Github:
        """Return a PyGithub client for this fake (no throttling; closed on `close`)."""
        from github import Auth, Github

        settings: dict[str, Any] = {
            "base_url": self.api_url,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
            "timeout": 10,
        }
        settings.update(options)
        auth = Auth.Token(token) if token else None
        client = Github(auth=auth, **settings)
        self._clients.append(client)
        return client

    # -- logs ---------------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        """Return the API requests received so far (full paths, oldest first)."""
        with self._lock:
            return list(self._requests)

    @property
    def storage_requests(self) -> list[LoggedRequest]:
        """Return the storage-host requests received so far."""
        with self._lock:
            return list(self._storage_requests)

    def count(self, method: str, path_regex: str, *, host: str = "api") -> int:
        """Count logged requests with this method (or "*") whose path matches."""
        log = self.requests if host == "api" else self.storage_requests
        pattern = re.compile(path_regex)
        return sum(
            1
            for entry in log
            if method in ("*", entry.method) and pattern.search(entry.path)
        )

    def clear_log(self) -> None:
        """Forget every logged request."""
        with self._lock:
            self._requests.clear()
            self._storage_requests.clear()

    # -- auth ---------------------------------------------------------------------

    def add_token(
        self,
        token: str,
        *,
        login: str = ACTIONS_BOT_LOGIN,
        user_type: str | None = None,
        read_only: bool = False,
        rate_limit: int | None = None,
    ) -> Token:
        """Accept `token` as `login`; bots get GITHUB_TOKEN's 1,000 requests/hour."""
        account = self.state.user(login, user_type)
        limit = rate_limit or (1000 if account.type == "Bot" else 5000)
        entry = Token(token, login, read_only=read_only, limit=limit)
        with self._lock:
            self.state.tokens[token] = entry
        return entry

    # -- faults -------------------------------------------------------------------

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int | None,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        times: int | None = 1,
        delay: float = 0.0,
        truncate: bool = False,
        host: str = "api",
        handled: bool = False,
    ) -> Fault:
        """Make the next `times` matching requests fail (or stall, or break off).

        `path_regex` is searched in the full request path (query excluded).
        `status=None` keeps the normal answer but still applies `delay`/`truncate`.
        `body`: dict/list (sent as JSON), str (HTML if it starts with "<", else
        text) or bytes; by default GitHub's JSON error for the status.
        `times=None` keeps the fault until `clear_faults()`.
        `handled=True` carries the request out (a POST does create its comment)
        and only then answers with the fault: a success the client never sees.
        `host="storage"` targets the storage host instead of the API.
        """
        extra = {key.lower(): value for key, value in (headers or {}).items()}
        data: bytes | None = None
        if status is not None:
            data, content_type = _fault_body(status, body)
            extra.setdefault("content-type", content_type)
        fault = Fault(
            method=method.upper(),
            pattern=re.compile(path_regex),
            status=status,
            body=data,
            headers=extra,
            times=times,
            delay=delay,
            truncate=truncate,
            host=host,
            handled=handled,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def inject_rate_limit(
        self,
        method: str = "*",
        path_regex: str = ".*",
        *,
        status: int = 403,
        secondary: bool = False,
        retry_after: int | None = None,
        reset_in: int = 60,
        times: int | None = 1,
    ) -> Fault:
        """Answer like an exhausted primary (or a secondary) rate limit."""
        reset = int(time.time()) + reset_in
        headers = {"x-ratelimit-reset": str(reset)}
        if secondary:
            message = (
                "You have exceeded a secondary rate limit. Please wait a few "
                "minutes before you try again."
            )
        else:
            message = "API rate limit exceeded for installation ID 4242."
            headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-used": "1000"})
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        body = error(
            status, message, "/using-the-rest-api/rate-limits-for-the-rest-api"
        )
        return self.inject(
            method, path_regex, status, body=body, headers=headers, times=times
        )

    def clear_faults(self) -> None:
        """Drop every injected fault."""
        with self._lock:
            self._faults.clear()

    def _take_fault(self, host: str, request: Request) -> Fault | None:
        for fault in self._faults:
            if fault.matches(host, request):
                fault.hits += 1
                return fault
        return None

    # -- seeding: releases --------------------------------------------------------

    def add_release(
        self,
        tag: str,
        *,
        name: str | None = None,
        body: str | None = None,
        draft: bool = False,
        prerelease: bool = False,
        created_at: datetime | str | None = None,
        published_at: datetime | str | None = None,
        target_commitish: str | None = None,
        author: str = ACTIONS_BOT_LOGIN,
        assets: Mapping[str, Data] | None = None,
    ) -> Release:
        """Add a release; `created_at` defaults to later than everything so far."""
        with self._lock:
            created = _moment(created_at, self.state.now())
            published = None if draft else _moment(published_at, created)
            release = Release(
                id=self.state.new_id(),
                tag=tag,
                name=tag if name is None else name,
                body=body,
                draft=draft,
                prerelease=prerelease,
                created_at=created,
                published_at=published,
                target_commitish=target_commitish or self.state.default_branch,
                author=author,
            )
            self.state.releases.append(release)
            for asset_name, data in (assets or {}).items():
                self.add_asset(release, asset_name, data)
        return release

    def add_asset(
        self,
        release: Release | str,
        name: str,
        data: Data,
        *,
        content_type: str | None = None,
        state: str = "uploaded",
        label: str | None = None,
    ) -> Asset:
        """Attach an asset to a release (given as object or tag)."""
        with self._lock:
            if isinstance(release, str):
                release = next(r for r in self.state.releases if r.tag == release)
            guessed = "application/json" if name.endswith(".json") else None
            asset = Asset(
                id=self.state.new_id(),
                name=name,
                data=_bytes(data),
                content_type=content_type or guessed or "application/octet-stream",
                created_at=release.created_at,
                uploader=release.author,
                label=label,
                state=state,
            )
            release.assets.append(asset)
        return asset

    # -- seeding: actions ---------------------------------------------------------

    def add_workflow(
        self, file: str, *, name: str | None = None, state: str = "active"
    ) -> Workflow:
        """Add `.github/workflows/<file>`."""
        with self._lock:
            workflow = Workflow(
                id=self.state.new_id(),
                file=file,
                name=name or file.rsplit(".", 1)[0],
                state=state,
                created_at=self.state.now(),
            )
            self.state.workflows.append(workflow)
        return workflow

    def add_run(
        self,
        workflow: Workflow | str | int,
        head_branch: str | None = None,
        event: str = "push",
        conclusion: str | None = "success",
        head_sha: str | None = None,
        *,
        head_repository: str | None = None,
        status: str | None = None,
        actor: str = "octocat",
        created_at: datetime | str | None = None,
        pull_requests: Iterable[int] = (),
        artifacts: Mapping[str, Mapping[str, Data]] | None = None,
        expired: bool = False,
        display_title: str | None = None,
    ) -> Run:
        """Add a workflow run (and its artifacts); unknown workflow files are added."""
        with self._lock:
            flow = self._find_workflow(workflow)
            run_id = self.state.new_id()
            sha = head_sha or fake_sha(f"run-{run_id}")
            title = display_title or f"Train model ({event})"
            self._remember_commit(sha, title)
            run = Run(
                id=run_id,
                workflow_id=flow.id,
                run_number=1 + sum(r.workflow_id == flow.id for r in self.state.runs),
                head_branch=head_branch or self.state.default_branch,
                head_sha=sha,
                event=event,
                status=status or ("completed" if conclusion else "in_progress"),
                conclusion=conclusion,
                head_repository=head_repository or self.state.full_name,
                actor=actor,
                created_at=_moment(created_at, self.state.now()),
                pull_request_numbers=list(pull_requests),
                display_title=title,
            )
            self.state.runs.append(run)
            for artifact_name, members in (artifacts or {}).items():
                self.add_artifact(run, artifact_name, members, expired=expired)
        return run

    def add_artifact(
        self,
        run: Run | int,
        name: str,
        members: Mapping[str, Data],
        *,
        expired: bool = False,
    ) -> Artifact:
        """Attach an artifact (a zip of `members`) to a run."""
        with self._lock:
            run_id = run if isinstance(run, int) else run.id
            owner = next(r for r in self.state.runs if r.id == run_id)
            artifact = Artifact(
                id=self.state.new_id(),
                name=name,
                run_id=run_id,
                members={path: _bytes(data) for path, data in members.items()},
                expired=expired,
                created_at=owner.created_at,
            )
            self.state.artifacts.append(artifact)
        return artifact

    def _find_workflow(self, workflow: Workflow | str | int) -> Workflow:
        if isinstance(workflow, Workflow):
            return workflow
        for known in self.state.workflows:
            if workflow in (known.id, known.file):
                return known
        if isinstance(workflow, int):
            raise KeyError(f"no workflow with id {workflow}")
        return self.add_workflow(workflow)

    # -- seeding: git data --------------------------------------------------------

    def add_file(self, path: str, ref: str | None, data: Data) -> None:
        """Put a file at `path` on `ref` (a branch name or sha; None = default)."""
        with self._lock:
            key = (ref or self.state.default_branch, path.strip("/"))
            self.state.files[key] = _bytes(data)

    def add_branch(self, name: str, sha: str | None = None) -> str:
        """Point branch `name` at `sha` (made up if omitted); returns the sha."""
        with self._lock:
            sha = sha or fake_sha(f"branch-{name}")
            self._remember_commit(sha, f"Tip of {name}")
            self.state.branches[name] = sha
        return sha

    def add_commit(
        self, sha: str, *, message: str = "Update model", parents: Iterable[str] = ()
    ) -> Commit:
        """Make `GET /commits/{sha}` answer for this sha."""
        with self._lock:
            commit = self._remember_commit(sha, message)
            commit.parents = list(parents)
        return commit

    def _remember_commit(self, sha: str, message: str) -> Commit:
        if sha not in self.state.commits:
            self.state.commits[sha] = Commit(sha, message, [], self.state.now())
        return self.state.commits[sha]

    # -- seeding: issues, pull requests, comments ---------------------------------

    def _next_number(self) -> int:
        return max(self.state.issues, default=0) + 1

    def add_issue(
        self,
        number: int | None = None,
        *,
        title: str = "Model quality tracking",
        author: str = "octocat",
        body: str | None = None,
    ) -> Issue:
        """Add an issue (numbers are shared with pull requests)."""
        with self._lock:
            issue = Issue(
                number=number or self._next_number(),
                id=self.state.new_id(),
                title=title,
                author=author,
                created_at=self.state.now(),
                body=body,
            )
            self.state.issues[issue.number] = issue
        return issue

    def add_pull_request(
        self,
        number: int | None = None,
        *,
        title: str = "Retrain the model",
        author: str = "octocat",
        body: str | None = None,
        head_ref: str = "retrain",
        head_sha: str | None = None,
        head_repository: str | None = None,
        base_ref: str | None = None,
        state: str = "open",
        merge_commit_sha: str | None = None,
        merged_at: datetime | str | None = None,
    ) -> Issue:
        """Add a pull request; `head_repository="fork-owner/name"` makes a fork PR."""
        with self._lock:
            number = number or self._next_number()
            base = base_ref or self.state.default_branch
            head = head_sha or fake_sha(f"pr-{number}-head")
            self._remember_commit(head, title)
            if merge_commit_sha:
                self._remember_commit(merge_commit_sha, f"Merge pull request #{number}")
            issue = Issue(
                number=number,
                id=self.state.new_id(),
                title=title,
                author=author,
                created_at=self.state.now(),
                is_pull_request=True,
                state=state,
                body=body,
                head_ref=head_ref,
                head_sha=head,
                head_repository=head_repository or self.state.full_name,
                base_ref=base,
                base_sha=self.state.branches.get(base) or fake_sha(f"base-{base}"),
                merge_commit_sha=merge_commit_sha,
                merged_at=_moment(merged_at, self.state.now()) if merged_at else None,
            )
            self.state.issues[number] = issue
        return issue

    def add_comment(
        self,
        issue_number: int,
        body: str,
        *,
        author: str = "octocat",
        created_at: datetime | str | None = None,
    ) -> Comment:
        """Add a comment to an existing issue or pull request."""
        with self._lock:
            if issue_number not in self.state.issues:
                raise KeyError(f"add issue or pull request #{issue_number} first")
            when = _moment(created_at, self.state.now())
            comment = Comment(
                self.state.new_id(), issue_number, body, author, when, when
            )
            self.state.comments.append(comment)
        return comment

    def comments(self, issue_number: int | None = None) -> list[Comment]:
        """Return the comments (of one issue, or all), oldest first."""
        with self._lock:
            return [
                comment
                for comment in sorted(self.state.comments, key=lambda c: c.id)
                if issue_number in (None, comment.issue_number)
            ]

    # -- request handling ---------------------------------------------------------

    def _handle_storage(self, request: Request) -> Reply:
        with self._lock:
            self._storage_requests.append(request.logged())
            fault = self._take_fault("storage", request)
        reply = self.storage.handle(request)
        return _apply_fault(fault, reply) if fault else reply

    def _handle_api(self, request: Request) -> Reply:
        with self._lock:
            self._requests.append(request.logged())
            fault = self._take_fault("api", request)
            reply, token = self._answer(request, fault)
            reply.headers = {**self._common_headers(request, token), **reply.headers}
        if fault is not None:
            reply = _apply_fault(fault, reply)
        return reply

    def _answer(
        self, request: Request, fault: Fault | None
    ) -> tuple[Reply, Token | None]:
        path = request.path
        if self.api_prefix:
            if not path.startswith(self.api_prefix + "/"):
                return self._answer_web(request), None
            path = path[len(self.api_prefix) :]
        elif _DOWNLOAD_PATH.match(path):
            return self._answer_web(request), None

        if fault is not None and fault.status is not None and not fault.handled:
            # The injected answer replaces everything, authentication included.
            value = request.headers.get("authorization", "").partition(" ")[2]
            return Reply(fault.status), self.state.tokens.get(value.strip())

        caller, token, refusal = self._authenticate(request, path)
        if refusal is not None:
            return refusal, token

        found = _REPOSITORIES_PATH.match(path)
        if found and int(found.group(1)) == self.state.repo_id:
            path = f"/repos/{self.state.full_name}{found.group(2) or ''}"
            request = Request(
                request.method,
                self.api_prefix + path,
                request.query,
                request.raw_query,
                request.headers,
                request.body,
            )

        # Answered here, not by `Operations`: it reports the token's own budget.
        if path == "/rate_limit":
            limit, used = self._usage(token)
            return json_reply(
                200, self.builder.rate_limit(limit, used, self._reset_at)
            ), token
        matched = match_operation(request.method, path)
        if matched is None:
            return json_reply(404, error(404, "Not Found")), token

        operation, params = matched
        assert self._ops is not None
        reply = self._ops.dispatch(operation, dict(params), request, caller)
        if operation.permission:
            reply.headers.setdefault(
                "x-accepted-github-permissions", operation.permission
            )
        return reply, token

    def _authenticate(
        self, request: Request, path: str
    ) -> tuple[Caller, Token | None, Reply | None]:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        anonymous = Caller(login=None, can_write=False, is_integration=False)
        if not header:
            if self.anonymous_read and request.method == "GET":
                return self._count_anonymous(anonymous)
            return anonymous, None, requires_authentication()

        token = self.state.tokens.get(value.strip())
        if scheme.lower() not in ("token", "bearer") or token is None:
            return anonymous, None, json_reply(401, error(401, "Bad credentials"))

        account = self.state.user(token.login)
        caller = Caller(
            login=token.login,
            can_write=not (token.read_only or self.read_only),
            is_integration=account.type == "Bot",
        )
        if path == "/rate_limit":
            return caller, token, None
        if token.used >= token.limit:
            kind = "installation" if caller.is_integration else "user"
            message = f"API rate limit exceeded for {kind} ID {account.id}."
            doc = "/using-the-rest-api/rate-limits-for-the-rest-api"
            return caller, token, json_reply(403, error(403, message, doc))
        token.used += 1
        return caller, token, None

    def _count_anonymous(
        self, anonymous: Caller
    ) -> tuple[Caller, Token | None, Reply | None]:
        if self._anonymous_used >= 60:
            message = f"API rate limit exceeded for {self._host}."
            return anonymous, None, json_reply(403, error(403, message))
        self._anonymous_used += 1
        return anonymous, None, None

    def _usage(self, token: Token | None) -> tuple[int, int]:
        if token is None:
            return 60, self._anonymous_used
        return token.limit, token.used

    def _common_headers(self, request: Request, token: Token | None) -> dict[str, str]:
        limit, used = self._usage(token)
        return {
            "content-type": "application/json; charset=utf-8",
            "x-github-api-version-selected": request.headers.get(
                "x-github-api-version", API_VERSION
            ),
            "x-github-media-type": "github.v3; format=json",
            "x-github-request-id": secrets.token_hex(8).upper(),
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(limit - used, 0)),
            "x-ratelimit-reset": str(self._reset_at),
            "x-ratelimit-used": str(used),
            "x-ratelimit-resource": "core",
        }

    def _answer_web(self, request: Request) -> Reply:
        """Serve `browser_download_url` (a 302 to storage); 404 for other pages."""
        found = _DOWNLOAD_PATH.match(request.path)
        if found:
            full_name = f"{found.group(1)}/{found.group(2)}"
            tag, name = (urllib.parse.unquote(part) for part in found.group(3, 4))
            for release in self.state.releases:
                if full_name != self.state.full_name or release.tag != tag:
                    continue
                for asset in release.assets:
                    if asset.name == name:
                        stored = StoredObject(
                            asset.data, "application/octet-stream", name
                        )
                        key = f"{asset.id}-web"
                        url = self.storage.asset_url(self.state.repo_id, key, stored)
                        return redirect(url)
        page = b"<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>"
        return Reply(404, page, {"content-type": "text/html; charset=utf-8"})


def _fault_body(status: int, body: Any) -> tuple[bytes, str]:
    """Encode an injected body; default to GitHub's JSON error for the status."""
    if body is None:
        messages = {
            401: "Bad credentials",
            403: "Forbidden",
            404: "Not Found",
            410: "Gone",
            422: "Validation Failed",
            429: "Too Many Requests",
            500: "Server Error",
            502: "Server Error",
            503: "Service Unavailable",
        }
        body = error(status, messages.get(status, "Error"))
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode(), "application/json; charset=utf-8"
    if isinstance(body, str):
        kind = "text/html" if body.lstrip().startswith("<") else "text/plain"
        return body.encode("utf-8"), f"{kind}; charset=utf-8"
    return bytes(body), "application/octet-stream"


def _apply_fault(fault: Fault, reply: Reply) -> Reply:
    """Turn a normal reply into the injected one (status/body/headers/delay/cut)."""
    if fault.status is not None:
        headers = {k: v for k, v in reply.headers.items() if k.startswith("x-")}
        reply = Reply(fault.status, fault.body or b"", headers)
    reply.headers = {**reply.headers, **fault.headers}
    reply.delay = fault.delay
    reply.truncate = fault.truncate
    return reply
