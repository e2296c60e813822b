"""Baselines on GitHub: a release asset, a workflow artifact, or a file on a ref.

"No baseline exists" (no release yet, no matching tag, no release with the asset)
returns ``metrics=None`` so that ``when-missing`` applies. Anything that exists but
cannot be fetched raises, so the verdict is ``error`` and never a pass.
"""

from __future__ import annotations

import datetime
import fnmatch
import io
import posixpath
import re
import urllib.parse
import zipfile
import zlib
from typing import Any

from qgate.errors import BaselineError, ConfigError, GitHubError
from qgate.evaluate import BaselineInfo
from qgate.gatefile import BaselineSpec
from qgate.github_api import Client, call, download, make_client, require_json
from qgate.metrics import Metrics, parse_metrics_bytes
from qgate.settings import Settings

MAX_ASSET_BYTES = 32 * 1024 * 1024
MAX_ZIP_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_RELEASES_SCANNED = 300


def fetch_remote_baseline(
    settings: Settings, spec: BaselineSpec, source: str, client: Client | None
) -> BaselineInfo:
    """Fetch the baseline from ``source`` (release, artifact or branch)."""
    client = client or make_client(settings)
    if source == "release":
        info = _from_release(client, spec)
    elif source == "artifact":
        info = _from_artifact(client, spec)
    else:
        info = _from_branch(client, spec)
    return _check_age(info, spec)


# -- releases -----------------------------------------------------------------------
def _from_release(client: Client, spec: BaselineSpec) -> BaselineInfo:
    repo = client.repo
    asset_name = client.settings.baseline_asset or spec.asset
    tag = client.settings.baseline_tag or spec.tag
    if tag:
        release = call(
            client, f"release {tag}", lambda: _complete(repo.get_release(tag))
        )
        return _release_baseline(client, release, asset_name, [])
    if not spec.tag_pattern and not spec.prereleases:
        latest = _latest_release(client)
        if latest is None:
            return _missing("no published release exists yet")
        if _asset(latest, asset_name) is not None:
            return _release_baseline(client, latest, asset_name, [])
    candidates = _ranked_releases(client, spec)
    if not candidates:
        what = f"matching '{spec.tag_pattern}'" if spec.tag_pattern else "published"
        return _missing(f"no release {what} exists yet")
    skipped: list[str] = []
    for release in candidates:
        if _asset(release, asset_name) is not None:
            return _release_baseline(client, release, asset_name, skipped)
        skipped.append(str(release.tag_name))
    return _missing(
        f"no release has an asset named '{asset_name}' (checked "
        f"{len(skipped)}: {', '.join(skipped[:5])})"
    )


def _complete(obj: Any) -> Any:
    """Force a lazy PyGithub object to load (errors surface here)."""
    obj._completeIfNeeded()
    return obj


def _latest_release(client: Client) -> Any:
    """GitHub's latest release, or None once a 404 is confirmed to mean 'none'."""
    repo = client.repo
    try:
        release = call(
            client, "the latest release", lambda: _complete(repo.get_latest_release())
        )
    except GitHubError as exc:
        if exc.status != 404:
            raise
        # GitHub also answers 404 for "no access": confirm the repository is visible.
        call(
            client,
            f"repository {client.settings.repository}",
            lambda: _complete(client.github.get_repo(client.settings.repository)),
        )
        return None
    require_json(release.raw_data, ("tag_name", "assets"), "the latest release", client)
    return release


# PyGithub re-fetches a listed object when its raw_data is read, so listed objects
# are read through their attributes only (one request per page, not per item).


def _ranked_releases(client: Client, spec: BaselineSpec) -> list[Any]:
    """Published releases eligible as a baseline, best first."""
    repo = client.repo

    def listing() -> list[Any]:
        found = []
        for index, release in enumerate(repo.get_releases()):
            if index >= MAX_RELEASES_SCANNED:
                break
            found.append(release)
        return found

    releases = call(client, "the list of releases", listing)
    eligible = []
    for release in releases:
        if not isinstance(release.tag_name, str):
            require_json(None, ("tag_name",), "the list of releases", client)
        if release.draft or (release.prerelease and not spec.prereleases):
            continue
        if spec.tag_pattern and not fnmatch.fnmatchcase(
            release.tag_name, spec.tag_pattern
        ):
            continue
        eligible.append(release)
    if spec.tag_pattern:
        eligible.sort(
            key=lambda r: (_version_key(r.tag_name), _created(r)), reverse=True
        )
    else:
        eligible.sort(key=_created, reverse=True)
    return eligible


def _created(release: Any) -> str:
    return release.created_at.isoformat() if release.created_at else ""


_PRE = re.compile(r"[-.+_]?(rc|alpha|beta|pre|preview|dev)[-.]?\d*$", re.IGNORECASE)


def _version_key(tag: str) -> tuple[tuple[int, ...], int, tuple[int, ...]]:
    """Order tags by the numbers in them; a final release sorts above its -rc."""
    pre = _PRE.search(tag)
    core, suffix = (tag[: pre.start()], tag[pre.start() :]) if pre else (tag, "")
    numbers = tuple(int(n) for n in re.findall(r"\d+", core))
    return numbers, 0 if pre else 1, tuple(int(n) for n in re.findall(r"\d+", suffix))


def _asset(release: Any, name: str) -> Any:
    for asset in release.assets or []:
        if asset.name == name and (asset.state or "uploaded") == "uploaded":
            return asset
    return None


def _release_baseline(
    client: Client, release: Any, asset_name: str, skipped: list[str]
) -> BaselineInfo:
    tag = str(release.tag_name)
    asset = _asset(release, asset_name)
    if asset is None:
        return _missing(f"release {tag} has no asset named '{asset_name}'")
    raw = download(
        client,
        asset.url,
        what=f"asset {asset_name} of release {tag}",
        accept="application/octet-stream",
        max_bytes=MAX_ASSET_BYTES,
    )
    metrics = _parse(raw, f"release {tag}: {asset_name}")
    warnings = []
    if skipped:
        warnings.append(
            f"newer releases were passed over because they lack "
            f"'{asset_name}': {', '.join(skipped[:5])}"
        )
    target = str(release.target_commitish or "")
    when = release.published_at or release.created_at
    return BaselineInfo(
        metrics=metrics,
        label=f"release {tag}",
        url=str(release.html_url or ""),
        commit=target if re.fullmatch(r"[0-9a-f]{40}", target) else "",
        date=when.date().isoformat() if when else "",
        warnings=tuple(warnings),
    )


def _parse(raw: bytes, source: str) -> Metrics:
    """Parse downloaded metrics; a corrupt baseline cannot be evaluated (exit 3)."""
    try:
        return parse_metrics_bytes(raw, source)
    except ConfigError as exc:
        raise BaselineError(
            f"the baseline is not a readable metrics file: {exc.message} Check what "
            "the release or workflow published."
        ) from None


def _missing(reason: str) -> BaselineInfo:
    return BaselineInfo(metrics=None, label=f"none ({reason})")


# -- artifacts ----------------------------------------------------------------------
def _from_artifact(client: Client, spec: BaselineSpec) -> BaselineInfo:
    if not spec.workflow:
        raise ConfigError(
            "baseline source 'artifact' needs baseline.workflow (the "
            "workflow file that uploads the metrics, e.g. release.yml)."
        )
    repo = client.repo
    full_name = client.settings.repository
    default_branch = call(
        client,
        f"repository {full_name}",
        lambda: str(repo.default_branch),
        permission="metadata: read",
    )

    def newest_run() -> Any:
        runs = repo.get_workflow(spec.workflow).get_runs(
            branch=default_branch,
            event="push",
            status="success",
            exclude_pull_requests=True,
        )
        for index, run in enumerate(runs):
            head = run.head_repository.full_name if run.head_repository else None
            if head == full_name:  # never a fork's branch of the same name
                return run
            if index >= 50:
                break
        return None

    run = call(
        client,
        f"runs of workflow {spec.workflow}",
        newest_run,
        permission="actions: read",
    )
    if run is None:
        return _missing(
            f"no successful push run of {spec.workflow} on {default_branch}"
        )
    run_id = run.id
    artifacts = call(
        client,
        f"artifacts of run {run_id}",
        lambda: list(run.get_artifacts()),
        permission="actions: read",
    )
    matching = [a for a in artifacts if a.name == spec.artifact]
    if not matching:
        return _missing(
            f"run {run_id} of {spec.workflow} has no artifact '{spec.artifact}'"
        )
    artifact = matching[0]
    if artifact.expired:
        raise GitHubError(
            f"artifact '{spec.artifact}' of run {run_id} expired on "
            f"{str(artifact.expires_at)[:10]} — re-run {spec.workflow} on "
            f"{default_branch}, or keep artifacts longer (retention-days)."
        )
    zipped = download(
        client,
        artifact.archive_download_url,
        what=f"artifact '{spec.artifact}' of run {run_id}",
        accept="application/vnd.github+json",
        max_bytes=MAX_ZIP_BYTES,
        permission="actions: read",
    )
    raw = read_member(zipped, spec.asset, f"artifact '{spec.artifact}'")
    return BaselineInfo(
        metrics=_parse(raw, f"artifact {spec.artifact}: {spec.asset}"),
        label=f"artifact {spec.artifact} of {spec.workflow} run {run_id}",
        url=str(run.html_url or ""),
        commit=str(run.head_sha or ""),
        date=run.created_at.date().isoformat() if run.created_at else "",
    )


# zipfile reports a damaged archive in many ways: a bad CRC, a bad seek, an unknown
# compression method or version, encryption, a broken deflate stream.
_DAMAGED_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)


def read_member(zipped: bytes, member: str, what: str) -> bytes:
    """Read exactly one safe member of a zip, bounded in size."""
    try:
        return _read_member(zipped, member, what)
    except _DAMAGED_ZIP as exc:
        raise GitHubError(
            f"{what} is not a valid zip archive ({type(exc).__name__}: "
            f"{str(exc)[:80]}) — re-run the workflow that uploads it."
        ) from None


def _read_member(zipped: bytes, member: str, what: str) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(zipped))
    except zipfile.BadZipFile:
        raise GitHubError(
            f"{what} is not a valid zip archive — re-run the workflow that uploads it."
        ) from None
    with archive:
        names = [i.filename for i in archive.infolist()]
        for info in archive.infolist():
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name):
                continue
            if name != member:
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                raise GitHubError(
                    f"{what}: {member} is {info.file_size:,} bytes, over "
                    f"the {MAX_MEMBER_BYTES:,}-byte limit."
                )
            with archive.open(info) as handle:
                data = handle.read(MAX_MEMBER_BYTES + 1)
            if len(data) > MAX_MEMBER_BYTES:
                raise GitHubError(
                    f"{what}: {member} expands beyond {MAX_MEMBER_BYTES:,} bytes."
                )
            return data
    shown = ", ".join(names[:5]) or "nothing"
    raise GitHubError(
        f"{what} has no file named '{member}' (it holds {shown}) — set "
        "baseline.asset to the file's name inside the artifact."
    )


# -- a file on a ref ----------------------------------------------------------------
def _from_branch(client: Client, spec: BaselineSpec) -> BaselineInfo:
    if not spec.path:
        raise ConfigError(
            "baseline source 'branch' needs baseline.path (the metrics "
            "file in the repository) and optionally baseline.ref."
        )
    ref = spec.ref or "HEAD"  # HEAD: the default branch
    shown = spec.ref or "the default branch"
    # Resolve the ref once, then read the file at that commit: both name the same
    # state even if the branch moves meanwhile.
    try:
        commit = call(
            client, f"commit of {shown}", lambda: _complete(client.repo.get_commit(ref))
        )
    except GitHubError as exc:
        if exc.status in (404, 422):
            return _missing(f"{shown} does not exist")
        raise
    sha = str(commit.sha)
    raw = fetch_file(client, spec.path, sha)
    if raw is None:
        return _missing(f"{spec.path} does not exist on {shown}")
    where = f"{spec.path}@{spec.ref}" if spec.ref else spec.path
    server = client.settings.server_url
    when = commit.commit.committer.date if commit.commit.committer else None
    return BaselineInfo(
        metrics=_parse(raw, where),
        label=f"file {where}",
        url=f"{server}/{client.settings.repository}/blob/{sha}/{spec.path}",
        commit=sha,
        date=when.date().isoformat() if when else "",
    )


def fetch_file(client: Client, path: str, ref: str) -> bytes | None:
    """A file's bytes on ``ref`` (any size up to the cap), or None when absent."""
    # Resolve "." and ".." inside the repository: "../../user" must not climb out
    # of /contents/ into another API endpoint, called with the token.
    inside = posixpath.normpath("/" + path).lstrip("/")
    quoted = urllib.parse.quote(inside)
    repo_api = f"{client.settings.api_url}/repos/{client.settings.repository}"
    url = f"{repo_api}/contents/{quoted}"
    if ref:
        url += "?ref=" + urllib.parse.quote(ref, safe="")
    try:
        return download(
            client,
            url,
            what=f"file {path}",
            max_bytes=MAX_ASSET_BYTES,
            accept="application/vnd.github.raw+json",
        )
    except GitHubError as exc:
        if exc.status == 404:
            return None
        raise


def _check_age(info: BaselineInfo, spec: BaselineSpec) -> BaselineInfo:
    if info.metrics is None or spec.max_age_days is None or not info.date:
        return info
    try:
        when = datetime.date.fromisoformat(info.date)
    except ValueError:
        return info
    age = (datetime.date.today() - when).days
    if age <= spec.max_age_days:
        return info
    warning = (
        f"the baseline ({info.label}) is {age} days old, over max-age-days "
        f"{spec.max_age_days}"
    )
    return BaselineInfo(
        metrics=info.metrics,
        label=info.label,
        url=info.url,
        commit=info.commit,
        date=info.date,
        warnings=(*info.warnings, warning),
    )
