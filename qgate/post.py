"""``qgate comment``: post a verdict file as the sticky pull-request comment.

This is the second stage of the fork-safe setup. The verdict file and the pull
request number come from an artifact that a pull request's run uploaded, so both
are untrusted: the number must be a plain integer, the pull request's head must be
the commit that was gated, and the comment is rendered here from the JSON verdict's
data, every string escaped — never the artifact's own Markdown, which could carry
links, images, HTML or a forged headline.
"""

from __future__ import annotations

import argparse
import decimal
import json
import os
import re
from typing import Any

from qgate.comment import BOT_LOGIN, comment_key, marker, upsert
from qgate.errors import ConfigError, ExitCode, QgateError
from qgate.github_api import Client, call, make_client
from qgate.numbers import format_number
from qgate.render import COMMENT_BUDGET_CHARS, escape_markdown
from qgate.runner import Runner
from qgate.settings import Settings, github_env

DEFAULT_KEY = "model"
MAX_BODY_BYTES = 1024 * 1024
MAX_NUMBER_BYTES = 64
TRUNCATED = "\n… more gates are in the run's JSON verdict (comment size limit)\n"
_ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "🛑", "skip": "➖"}
_HEADLINE = {
    "pass": "passed",
    "warn": "passed with warnings",
    "fail": "blocked",
    "error": "could not evaluate — release blocked",
}
_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}

_NUMBER = re.compile(r"[1-9][0-9]{0,9}")
_SHA = re.compile(r"[0-9a-f]{40}")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the flags of ``qgate comment``."""
    parser.add_argument(
        "--verdict",
        required=True,
        metavar="FILE",
        help="JSON verdict written by the gate run (e.g. .qgate/verdict.json)",
    )
    number = parser.add_mutually_exclusive_group(required=True)
    number.add_argument("--pr", metavar="N", help="pull request number")
    number.add_argument(
        "--pr-file", metavar="FILE", help="file holding the pull request number"
    )
    parser.add_argument(
        "--head-sha",
        default="",
        metavar="SHA",
        help="post only while the pull request's head is this commit",
    )
    parser.add_argument(
        "--key",
        default=DEFAULT_KEY,
        help=f"the gate's name, which keys the sticky comment (default: {DEFAULT_KEY})",
    )
    parser.add_argument(
        "--repo", default="", help="owner/name (default $GITHUB_REPOSITORY)"
    )
    parser.add_argument(
        "--author",
        default=BOT_LOGIN,
        metavar="LOGIN",
        help=f"login whose comments may be updated (default {BOT_LOGIN})",
    )


def run_comment(
    args: argparse.Namespace, runner: Runner, client: Client | None = None
) -> int:
    """Post or update the comment; returns the exit code."""
    found = github_env(runner.env)
    runner.mask(found["token"])
    try:
        number = _pr_number(args.pr, args.pr_file)
        body = _body(args.verdict)
        head_sha = _head_sha(args.head_sha)
        settings = _settings(found, args.repo)
        client = client or make_client(settings)

        if head_sha and not _is_head(client, number, head_sha, runner):
            return int(ExitCode.PASSED)
        key = comment_key(args.key)
        comment_id = upsert(client, number, marker(key), body, args.author)
    except QgateError as exc:
        runner.error(exc.message, title="qgate: comment not posted")
        return int(exc.exit_code)
    runner.info(f"comment {comment_id} on pull request #{number} is up to date")
    runner.set_outputs({"comment-id": comment_id})
    return int(ExitCode.PASSED)


def _pr_number(value: str | None, path: str | None) -> int:
    if path is not None:
        value = _read(path, "the pull request number file", MAX_NUMBER_BYTES)
    text = (value or "").strip()
    if not _NUMBER.fullmatch(text):
        shown = repr(text[:20])
        raise ConfigError(
            f"the pull request number {shown} is not a positive integer — the "
            "verdict artifact is damaged or was not written by the gate job."
        )
    return int(text)


def _head_sha(value: str) -> str:
    if value and not _SHA.fullmatch(value):
        raise ConfigError(
            f"--head-sha: {value[:50]!r} is not a 40-digit commit SHA "
            "— pass ${{ github.event.workflow_run.head_sha }}."
        )
    return value


def _body(path: str) -> str:
    """The comment, rendered here from the verdict's data (untrusted, escaped)."""
    text = _read(path, "the verdict file", MAX_BODY_BYTES)
    try:
        data = json.loads(text, parse_float=decimal.Decimal, parse_int=decimal.Decimal)
    except ValueError:
        data = None
    if not (
        isinstance(data, dict)
        and data.get("verdict") in _HEADLINE
        and isinstance(data.get("gates", []), list)
    ):
        raise ConfigError(
            f"{path}: not a qgate JSON verdict — the gate job must upload "
            ".qgate/verdict.json (its json-path)."
        )
    return render_reported(data)


def render_reported(data: dict[str, Any]) -> str:
    """Markdown for a verdict another run reported; every value is made inert."""
    status = str(data["verdict"])
    gates = [g for g in data.get("gates", []) if isinstance(g, dict)]
    counts = {s: sum(1 for g in gates if g.get("status") == s) for s in _ICON}
    lines = [
        f"### {_ICON[status]} qgate · {escape_markdown(data.get('name', 'model'))}: "
        f"{_HEADLINE[status]} — {counts['fail']} failed, {counts['warn']} warned, "
        f"{counts['pass']} passed",
        "",
        "<sub>Reported by the pull request's own workflow run.</sub>",
        "",
    ]
    baseline = data.get("baseline")
    if isinstance(baseline, dict):
        lines += [f"**Baseline:** {escape_markdown(baseline.get('label', ''))}", ""]
    if data.get("error"):
        lines += [f"**Error:** {escape_markdown(data['error'], 2000)}", ""]
    warnings = data.get("warnings")
    for warning in warnings if isinstance(warnings, list) else []:
        lines.append(f"> ⚠️ {escape_markdown(warning, 500)}")
    lines += [
        "",
        "| | Metric | Candidate | Baseline | Bound | Status |",
        "|---|---|---|---|---|---|",
    ]
    budget = COMMENT_BUDGET_CHARS - 300  # room for the marker and the note
    order = {"fail": 0, "warn": 1, "skip": 2, "pass": 3}
    for shown, gate in enumerate(
        sorted(gates, key=lambda g: order.get(str(g.get("status")), 4))
    ):
        row = _row(gate)
        if sum(len(line) + 1 for line in lines) + len(row) > budget:
            lines.append(TRUNCATED.strip() + f" ({len(gates) - shown} not shown)")
            break
        lines.append(row)
    return "\n".join(lines) + "\n"


def _row(gate: dict[str, Any]) -> str:
    status = str(gate.get("status"))
    bound = ""
    if gate.get("operator") in _SYMBOL and _is_number(gate.get("bound")):
        bound = f"{_SYMBOL[gate['operator']]} {_number(gate['bound'])}"
    reason = escape_markdown(gate.get("reason") or "", 300)
    return (
        f"| {_ICON.get(status, '❔')} | {escape_markdown(gate.get('metric', ''))} "
        f"| {_number(gate.get('candidate'))} | {_number(gate.get('baseline'))} "
        f"| {bound or '—'} | {escape_markdown(status, 10)}"
        f"{': ' + reason if reason else ''} |"
    )


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, decimal.Decimal)
        and value.is_finite()
        and abs(value.adjusted()) < 400
    )


def _number(value: Any) -> str:
    return format_number(value) if _is_number(value) else "—"


def _read(path: str, what: str, limit: int) -> str:
    if not os.path.isfile(path):
        raise ConfigError(
            f"{path}: {what} does not exist — did the gate job upload it?"
        )
    with open(path, "rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise ConfigError(
            f"{path}: {what} is over {limit:,} bytes — it was not written by qgate."
        )
    return raw.decode("utf-8", errors="replace")


def _settings(found: dict[str, str], repo: str) -> Settings:
    repository = repo or found["repository"]
    if not _REPO.fullmatch(repository):
        raise ConfigError(
            "no repository to comment on — run inside GitHub Actions "
            "(GITHUB_REPOSITORY) or pass --repo owner/name."
        )
    return Settings(
        gates="",
        metrics="",
        token=found["token"],
        api_url=found["api_url"],
        server_url=found["server_url"],
        repository=repository,
    )


def _is_head(client: Client, number: int, head_sha: str, runner: Runner) -> bool:
    """Whether the pull request still points at the gated commit."""
    current = call(
        client,
        f"pull request #{number}",
        lambda: str(client.repo.get_pull(number).head.sha),
        permission="pull-requests: read",
    )
    if current == head_sha:
        return True
    runner.warning(
        f"pull request #{number} is at {current[:12]}, not at the gated commit "
        f"{head_sha[:12]}: the verdict is stale, or names another pull request; "
        "not posted. The run for the newer commit posts its own verdict.",
        title="qgate: comment not posted",
    )
    return False
