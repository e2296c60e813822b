"""One sticky pull-request comment per gate key, updated in place on every run."""

from __future__ import annotations

import re
from typing import Any

from qgate.errors import GitHubError
from qgate.evaluate import Verdict
from qgate.event import PullRequest, load_event, pull_request
from qgate.github_api import Client, call
from qgate.runner import Runner
from qgate.settings import Settings

MARKER_PREFIX = "<!-- qgate:"
FORK_HELP = "https://github.com/qgate-dev/quality-gate#pull-requests-from-forks"
BOT_LOGIN = "github-actions[bot]"


def comment_key(name: str, extra: str = "") -> str:
    """A marker-safe key from the gate name and the optional comment-key input."""
    key = f"{name}/{extra}" if extra else name
    return re.sub(r"[^A-Za-z0-9._/-]", "-", key)[:100]


def marker(key: str) -> str:
    """The hidden first line that identifies our comment."""
    return f"{MARKER_PREFIX}{key} -->"


def find_pull_request(settings: Settings, clients: Any) -> PullRequest:
    """The pull request of this run, looking it up for fork ``workflow_run`` events.

    ``clients.get()`` creates the GitHub client; it is called only for the lookup.
    """
    event = load_event(settings.event_path)
    found = pull_request(settings.event_name, event)
    if found.number is not None or settings.event_name != "workflow_run":
        return found
    if not found.head_sha:
        return found
    # Fork pull requests leave workflow_run.pull_requests empty (actions/runner#3444):
    # match the run's head commit against open pull requests instead.
    client = clients.get()
    repo = client.repo

    def by_head() -> int | None:
        for pr in repo.get_pulls(state="open"):
            repo_name = pr.head.repo.full_name if pr.head.repo else ""
            if pr.head.sha == found.head_sha and (
                not found.head_repo or repo_name == found.head_repo
            ):
                return int(pr.number)
        return None

    number = call(
        client, "open pull requests", by_head, permission="pull-requests: read"
    )
    return PullRequest(
        number=number,
        head_sha=found.head_sha,
        head_repo=found.head_repo,
        is_fork=found.is_fork,
    )


def upsert_comment(
    settings: Settings,
    runner: Runner,
    verdict: Verdict,
    body: str,
    clients: Any,
    *,
    only_update: bool = False,
) -> str:
    """Create or update the comment; returns its id, or "" when none applies."""
    if not settings.repository or not settings.event_name:
        return ""
    pr = find_pull_request(settings, clients)
    if pr.number is None:
        runner.info(f"no pull request for event '{settings.event_name}': no comment")
        return ""
    client = clients.get()
    key = comment_key(verdict.name, settings.comment_key)
    author = settings.comment_author or BOT_LOGIN
    try:
        return upsert(
            client, pr.number, marker(key), body, author, only_update=only_update
        )
    except GitHubError as exc:
        raise _comment_error(exc, pr) from None


def upsert(
    client: Client,
    number: int,
    first_line: str,
    body: str,
    author: str,
    *,
    only_update: bool = False,
) -> str:
    """Edit the newest comment by ``author`` under ``first_line``, or create one
    (unless ``only_update``); returns its id, or "" when nothing was written."""
    issue = client.repo.get_issue(number)
    text = f"{first_line}\n{body}"
    what = f"comments of pull request #{number}"

    def newest() -> Any:
        # Read attributes only: PyGithub re-fetches a listed comment for raw_data.
        mine = None
        for comment in issue.get_comments():
            login = comment.user.login if comment.user else None
            if (comment.body or "").startswith(first_line) and login == author:
                mine = comment  # comments come oldest first: keep the newest
        return mine

    def create() -> Any:
        return call(
            client,
            "the comment",
            lambda: issue.create_comment(text),
            permission="pull-requests: write",
            is_write=True,
        )

    found = call(client, what, newest, permission="pull-requests: read")
    if found is not None:
        call(
            client,
            "the comment update",
            lambda: found.edit(text),
            permission="pull-requests: write",
            is_write=True,
        )
        return str(found.id)
    if only_update:
        return ""
    try:
        created = create()
    except GitHubError as exc:
        if exc.status and exc.status < 500:
            raise
        # The write may have landed before the failure: look before writing again.
        found = call(client, what, newest, permission="pull-requests: read")
        if found is not None:
            return str(found.id)
        created = create()
    return str(created.id)


def _comment_error(exc: GitHubError, pr: PullRequest) -> GitHubError:
    if exc.status == 403:
        why = (
            "the pull request comes from a fork, whose token is read-only"
            if pr.is_fork
            else "the token cannot write comments"
        )
        return GitHubError(
            f"could not comment on pull request #{pr.number}: {why} (HTTP 403). The "
            "verdict, summary and outputs are unaffected. Grant 'pull-requests: write', "
            f"or for forks use the two-stage workflow_run setup: {FORK_HELP}",
            status=403,
        )
    return GitHubError(
        f"could not comment on pull request #{pr.number}: {exc.message}",
        status=exc.status,
    )
