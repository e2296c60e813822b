"""In-memory state of the fake GitHub: what tests seed and what requests change."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

# github-actions[bot] as GitHub shows it; `GITHUB_TOKEN` comments carry this author.
ACTIONS_BOT_LOGIN = "github-actions[bot]"
ACTIONS_BOT_ID = 41898282


@dataclass
class User:
    """A GitHub account (user, bot or organisation)."""

    login: str
    id: int
    type: str = "User"
    name: str | None = None
    email: str | None = None
    created_at: datetime = EPOCH


@dataclass
class Token:
    """What a token authenticates as and what it may do."""

    value: str
    login: str
    read_only: bool = False
    limit: int = 1000
    used: int = 0


@dataclass
class Asset:
    """A release asset and its bytes."""

    id: int
    name: str
    data: bytes
    content_type: str
    created_at: datetime
    uploader: str
    label: str | None = None
    state: str = "uploaded"
    download_count: int = 0

    @property
    def digest(self) -> str:
        """Return GitHub's `sha256:<hex>` digest of the bytes."""
        return "sha256:" + hashlib.sha256(self.data).hexdigest()


@dataclass
class Release:
    """A release with its assets."""

    id: int
    tag: str
    name: str | None
    body: str | None
    draft: bool
    prerelease: bool
    created_at: datetime
    published_at: datetime | None
    target_commitish: str
    author: str
    assets: list[Asset] = field(default_factory=list)


@dataclass
class Workflow:
    """A workflow file under `.github/workflows/`."""

    id: int
    file: str
    name: str
    state: str
    created_at: datetime

    @property
    def path(self) -> str:
        """Return the repository path of the workflow file."""
        return f".github/workflows/{self.file}"


@dataclass
class Artifact:
    """A workflow-run artifact: a zip of named members."""

    id: int
    name: str
    run_id: int
    members: dict[str, bytes]
    expired: bool
    created_at: datetime

    @property
    def zip_bytes(self) -> bytes:
        """Build the archive deterministically (fixed timestamps, sorted members)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted(self.members):
                info = zipfile.ZipInfo(member, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, self.members[member])
        return buffer.getvalue()

    @property
    def expires_at(self) -> datetime:
        """Return when the artifact expires (90 days, GitHub's default retention)."""
        return self.created_at + timedelta(days=90)


@dataclass
class Run:
    """A workflow run."""

    id: int
    workflow_id: int
    run_number: int
    head_branch: str | None
    head_sha: str
    event: str
    status: str
    conclusion: str | None
    head_repository: str
    actor: str
    created_at: datetime
    pull_request_numbers: list[int] = field(default_factory=list)
    display_title: str = ""


@dataclass
class Issue:
    """An issue or pull request (both own the issue-comment thread)."""

    number: int
    id: int
    title: str
    author: str
    created_at: datetime
    is_pull_request: bool = False
    state: str = "open"
    body: str | None = None
    head_ref: str = ""
    head_sha: str = ""
    head_repository: str = ""
    base_ref: str = ""
    base_sha: str = ""
    merge_commit_sha: str | None = None
    merged_at: datetime | None = None


@dataclass
class Comment:
    """An issue comment."""

    id: int
    issue_number: int
    body: str
    author: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Commit:
    """A commit known to the fake (enough for `GET /commits/{ref}`)."""

    sha: str
    message: str
    parents: list[str]
    date: datetime
    author: str = "octocat"


@dataclass
class State:
    """Everything the fake knows about its one repository and its users."""

    owner: str
    name: str
    repo_id: int
    default_branch: str
    private: bool = False
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    releases: list[Release] = field(default_factory=list)
    workflows: list[Workflow] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    files: dict[tuple[str, str], bytes] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    commits: dict[str, Commit] = field(default_factory=dict)
    next_id: int = 100_001
    ticks: int = 0

    @property
    def full_name(self) -> str:
        """Return `owner/name`."""
        return f"{self.owner}/{self.name}"

    def new_id(self) -> int:
        """Hand out a fresh id, unique across every kind of object."""
        self.next_id += 1
        return self.next_id

    def now(self) -> datetime:
        """Return a fresh, strictly increasing timestamp (one minute per call)."""
        self.ticks += 1
        return EPOCH + timedelta(minutes=self.ticks)

    def user(self, login: str, type_: str | None = None) -> User:
        """Return the account with this login, creating it on first use."""
        if login not in self.users:
            kind = type_ or ("Bot" if login.endswith("[bot]") else "User")
            self.users[login] = User(login, _stable_id(login), kind)
        return self.users[login]


def _stable_id(login: str) -> int:
    """Derive a stable numeric id for an account from its login."""
    if login == ACTIONS_BOT_LOGIN:
        return ACTIONS_BOT_ID
    return 1_000_000 + int(hashlib.sha256(login.encode()).hexdigest()[:6], 16)


def fake_sha(seed: str) -> str:
    """Return a 40-hex commit-like sha derived from a seed string."""
    return hashlib.sha1(seed.encode()).hexdigest()
