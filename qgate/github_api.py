"""The GitHub client: bounded retries, clear failures, and safe downloads.

PyGithub does the JSON calls. Its own retry is off: ours bounds both the number of
attempts and the total time spent waiting, and never repeats a write blindly.
Downloads use urllib directly so that the token never follows a redirect.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from qgate.errors import ConfigError, GitHubError
from qgate.settings import Settings

T = TypeVar("T")
MAX_ATTEMPTS = 4
FIRST_BACKOFF = 0.25
PERMISSIONS_URL = (
    "https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/"
    "controlling-permissions-for-github_token"
)


@dataclasses.dataclass
class Client:
    """A PyGithub client plus what our own calls need (token, URLs, budgets)."""

    github: Any
    settings: Settings
    sleep: Callable[[float], None] = time.sleep
    waited: float = 0.0

    @property
    def repo(self) -> Any:
        """The repository of the run (no request is made)."""
        return self.github.get_repo(self.settings.repository)


def make_client(settings: Settings) -> Client:
    """Create the one GitHub client of a run."""
    if not settings.repository:
        raise ConfigError(
            "no repository known for the GitHub baseline — run inside GitHub Actions or "
            "pass --repo owner/name (GITHUB_REPOSITORY)."
        )
    from github import Auth, Github

    auth = Auth.Token(settings.token) if settings.token else None
    github = Github(
        auth=auth,
        base_url=settings.api_url,
        timeout=max(1, math.ceil(settings.timeout_seconds)),  # PyGithub wants an int
        retry=None,
        per_page=100,
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,
    )
    return Client(github=github, settings=settings)


def call(
    client: Client,
    what: str,
    action: Callable[[], T],
    *,
    permission: str = "contents: read",
    is_write: bool = False,
) -> T:
    """Run one API action with bounded retries; failures become GitHubError.

    The error's ``status`` keeps the HTTP status, so callers can tell a 404.
    """
    from github import GithubException

    attempt = 0
    while True:
        attempt += 1
        try:
            return action()
        except GithubException as exc:
            wait = _retry_wait(
                exc.status, exc.headers or {}, _message(exc.data), attempt
            )
            if wait is None or is_write:
                raise _explain(
                    client, what, exc.status, _message(exc.data), permission
                ) from None
            _wait(client, what, wait, exc.status)
        except (OSError, ValueError) as exc:
            # requests' ConnectionError/Timeout are OSErrors; ValueError covers a
            # body that claims to be JSON and is not.
            backoff = FIRST_BACKOFF * 2 ** (attempt - 1)
            if is_write or attempt >= MAX_ATTEMPTS or not _fits(client, backoff):
                raise GitHubError(_network_message(client, what, exc)) from None
            _wait(client, what, backoff, None)


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message") or data.get("data") or "")[:300]
    return str(data or "")[:300]


def _retry_wait(
    status: int, headers: dict[str, Any], message: str, attempt: int
) -> float | None:
    """Seconds to wait before another attempt, or None when it is not worth it."""
    if attempt >= MAX_ATTEMPTS:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    is_limited = status == 429 or (
        status == 403
        and (
            "rate limit" in message.lower()
            or lowered.get("x-ratelimit-remaining") == "0"
        )
    )
    if is_limited:
        if "retry-after" in lowered:
            return _number(lowered["retry-after"], 60.0)
        if (
            lowered.get("x-ratelimit-remaining") == "0"
            and "x-ratelimit-reset" in lowered
        ):
            return max(0.0, _number(lowered["x-ratelimit-reset"], 0.0) - time.time())
        return 60.0  # GitHub's advice for a secondary limit without a hint
    if status in (500, 502, 503, 504):
        return float(FIRST_BACKOFF * 2 ** (attempt - 1))
    return None


def _number(text: Any, default: float) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


def _fits(client: Client, seconds: float) -> bool:
    """Whether waiting ``seconds`` more stays within max-wait-seconds."""
    return client.waited + seconds <= float(client.settings.max_wait_seconds)


def _wait(client: Client, what: str, seconds: float, status: int | None) -> None:
    budget = float(client.settings.max_wait_seconds)
    if client.waited + seconds > budget:
        reason = f"HTTP {status}" if status else "network errors"
        raise GitHubError(
            f"GitHub kept refusing {what} ({reason}); waiting {seconds:.0f} s more would "
            f"exceed max-wait-seconds ({budget:g} s) — re-run later or raise "
            "max-wait-seconds."
        )
    client.waited += seconds
    client.sleep(seconds)


def _explain(
    client: Client, what: str, status: int, message: str, permission: str
) -> GitHubError:
    repo = client.settings.repository
    detail = f" ({message})" if message else ""
    error = GitHubError(_explanation(what, status, detail, permission, repo))
    error.status = status
    return error


def _explanation(
    what: str, status: int, detail: str, permission: str, repo: str
) -> str:
    if status == 401:
        return (
            f"GitHub rejected the token while fetching {what} (401{detail}) — check the "
            "github-token input; the default ${{ github.token }} works unless a "
            "secret that is empty or expired replaces it."
        )
    if status in (403, 429):
        return (
            f"GitHub refused {what} (HTTP {status}{detail}) — the token needs "
            f"'{permission}' on {repo}: grant it in the job's permissions: block "
            f"({PERMISSIONS_URL}), or wait for the rate limit to reset."
        )
    if status == 404:
        return (
            f"GitHub answered 404 for {what} on {repo} — the repository or object does "
            f"not exist or the token cannot see it (needs '{permission}')."
        )
    if status in (500, 502, 503, 504):  # the statuses _retry_wait retries
        return (
            f"GitHub answered HTTP {status} for {what}{detail} after {MAX_ATTEMPTS} "
            "attempts — GitHub may be degraded; re-run the job later."
        )
    return (
        f"GitHub answered HTTP {status} for {what}{detail} — unexpected for this "
        "request; check GITHUB_API_URL, or re-run the job later."
    )


def _network_message(client: Client, what: str, exc: Exception) -> str:
    name = type(exc).__name__
    if isinstance(exc, ValueError):
        return (
            f"GitHub answered {what} with something that is not JSON ({name}) — "
            f"check GITHUB_API_URL ({client.settings.api_url}); on GitHub "
            "Enterprise Server it is https://HOST/api/v3."
        )
    return (
        f"could not reach GitHub for {what} at {client.settings.api_url} ({name}, "
        f"timeout {client.settings.timeout_seconds} s) — check the network and "
        "GITHUB_API_URL, or raise timeout-seconds."
    )


def require_json(data: Any, keys: tuple[str, ...], what: str, client: Client) -> None:
    """Refuse a response that lacks the fields GitHub always sends (an HTML page)."""
    if not isinstance(data, dict) or any(k not in data for k in keys):
        raise GitHubError(
            f"GitHub's answer for {what} is not the expected JSON — check "
            f"GITHUB_API_URL ({client.settings.api_url}); on GitHub Enterprise Server "
            "it is https://HOST/api/v3."
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def download(
    client: Client,
    url: str,
    *,
    what: str,
    accept: str,
    max_bytes: int,
    permission: str = "contents: read",
) -> bytes:
    """GET ``url`` with the token; follow one redirect without it; cap the size."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return _download_once(client, url, accept, max_bytes, what)
        except urllib.error.HTTPError as exc:
            headers = dict(exc.headers.items()) if exc.headers else {}
            body = exc.read(4096).decode("utf-8", "replace")
            message = _message(_json_or_text(body))
            if exc.code == 410:
                raise GitHubError(
                    f"{what} has expired on GitHub (410 Gone) — re-run the workflow "
                    "that produces it, or keep artifacts longer (retention-days)."
                ) from None
            wait = _retry_wait(exc.code, headers, message, attempt)
            if wait is None:
                raise _explain(client, what, exc.code, message, permission) from None
            _wait(client, what, wait, exc.code)
        except http.client.IncompleteRead as exc:
            raise GitHubError(
                f"{what} arrived truncated ({len(exc.partial):,} bytes) "
                "— re-run the job."
            ) from None
        except (OSError, ValueError, http.client.HTTPException) as exc:
            backoff = FIRST_BACKOFF * 2 ** (attempt - 1)
            if attempt >= MAX_ATTEMPTS or not _fits(client, backoff):
                raise GitHubError(_network_message(client, what, exc)) from None
            _wait(client, what, backoff, None)


def _json_or_text(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body


def _download_once(
    client: Client, url: str, accept: str, max_bytes: int, what: str
) -> bytes:
    opener = urllib.request.build_opener(_NoRedirect)
    timeout = float(client.settings.timeout_seconds)
    request = urllib.request.Request(
        url, headers={"Accept": accept, "User-Agent": "qgate"}
    )
    if client.settings.token and _same_origin(url, client.settings.api_url):
        # Unredirected: urllib would otherwise copy it onto a redirect.
        request.add_unredirected_header(
            "Authorization", f"Bearer {client.settings.token}"
        )
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code not in (301, 302, 303, 307, 308):
            raise
        location = urllib.parse.urljoin(url, exc.headers.get("Location", ""))
        if urllib.parse.urlsplit(location).scheme not in ("https", "http"):
            raise GitHubError(
                f"GitHub redirected {what} to an unusable address."
            ) from None
        # A storage host gets no token: the URL itself is signed.
        plain = urllib.request.Request(location, headers={"User-Agent": "qgate"})
        response = opener.open(plain, timeout=timeout)
    with response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise GitHubError(_too_big(what, int(declared), max_bytes))
        data: bytes = response.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise GitHubError(_too_big(what, len(data), max_bytes))
        if declared and declared.isdigit() and len(data) < int(declared):
            raise GitHubError(
                f"{what} arrived truncated ({len(data):,} of "
                f"{int(declared):,} bytes) — re-run the job."
            )
        return data


def _same_origin(url: str, base: str) -> bool:
    """Whether ``url`` is on the API's host: only there does the token go."""
    one, two = urllib.parse.urlsplit(url), urllib.parse.urlsplit(base)
    return (one.scheme, one.netloc) == (two.scheme, two.netloc)


def _too_big(what: str, size: int, limit: int) -> str:
    return (
        f"{what} is {size:,} bytes, over the {limit:,}-byte limit — a metrics "
        "file should be small; check that the right file was published."
    )
