"""Render a verdict as Markdown with Jinja; every untrusted string is made inert."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from typing import Any

from qgate.evaluate import SYMBOL, GateResult, Status, Verdict
from qgate.numbers import format_distinct, format_number, format_percent, format_signed
from qgate.runner import printable

SUMMARY_BUDGET_BYTES = 1_000_000  # GitHub drops a step summary over 1 MiB whole
COMMENT_BUDGET_CHARS = 65_000  # GitHub refuses comment bodies over 65,536 characters
MAX_CELL = 120
MAX_MESSAGE = 2000

_ICON = {Status.PASS: "✅", Status.WARN: "⚠️", Status.FAIL: "❌", Status.SKIP: "➖",
         Status.ERROR: "🛑"}
_ORDER = {Status.FAIL: 0, Status.WARN: 1, Status.SKIP: 2, Status.PASS: 3}


class Trusted(str):
    """Text we produced ourselves; the renderer prints it as is."""


_REPLACEMENTS = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "`": "&#96;",
    "\\": "&#92;", "*": "&#42;", "_": "&#95;", "[": "&#91;", "]": "&#93;",
    "~": "&#126;", "!": "&#33;", "$": "&#36;",
    # A zero-width space after @ and # stops mentions and cross-references.
    "@": "@\u200b", "#": "#\u200b",
    "\r": " ", "\n": " ", "\t": " ",
    # Bidirectional overrides would show a name reversed ("Trojan Source").
    **{chr(c): "\ufffd" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
_TABLE = str.maketrans(_REPLACEMENTS)
_WWW = re.compile(r"www\.", re.IGNORECASE)


def escape_markdown(value: Any, limit: int = MAX_CELL) -> str:
    """Make untrusted text inert inside a Markdown table cell or line."""
    text = printable(str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    # Break autolinks ("https://host", "www.host") without hiding the text.
    text = text.translate(_TABLE).replace("://", ":\u200b//")
    return _WWW.sub(lambda match: match[0][:3] + "\u200b.", text)


def _finalize(value: Any) -> Any:
    if isinstance(value, Trusted) or not isinstance(value, str):
        return value if not isinstance(value, str) else str(value)
    return escape_markdown(value)


@functools.cache
def _environment() -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(folder),
        autoescape=False,
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclasses.dataclass(frozen=True)
class Row:
    """One table row, fields already formatted (numbers trusted, text untrusted)."""

    icon: Trusted
    metric: str
    description: str
    candidate: Trusted | str
    baseline: Trusted
    change: Trusted
    bound: Trusted
    status: Trusted
    reason: str


def headline(verdict: Verdict) -> str:
    """One line: passed or blocked, and how many gates."""
    total = len(verdict.results)
    failed = verdict.count(Status.FAIL)
    warned = verdict.count(Status.WARN)
    if verdict.status is Status.ERROR:
        return "could not evaluate — release blocked"
    if verdict.status is Status.FAIL:
        return f"blocked — {failed} of {total} gates failed"
    if verdict.status is Status.WARN and warned:
        return f"passed with warnings — {warned} of {total} gates warned"
    if verdict.status is Status.WARN:
        return f"passed with warnings — {total} of {total} gates passed, see warnings"
    skipped = verdict.count(Status.SKIP)
    text = f"passed — {verdict.count(Status.PASS)} of {total} gates passed"
    return text + (f", {skipped} skipped" if skipped else "")


def ordered_results(verdict: Verdict) -> list[GateResult]:
    """Failures first, then warnings, skipped and passed gates, in file order."""
    return sorted(verdict.results, key=lambda r: (_ORDER[r.status], r.gate.index))


def rows(verdict: Verdict) -> list[Row]:
    """Table rows in :func:`ordered_results` order."""
    return [_row(r) for r in ordered_results(verdict)]


def _row(result: GateResult) -> Row:
    bounds = [c for c in result.checks if c.bound is not None]
    candidate: Trusted | str = Trusted("—")
    if result.candidate is not None:
        candidate = Trusted(format_distinct(
            result.candidate, result.baseline, *(c.bound for c in bounds)))
    elif result.raw_candidate is not None:
        candidate = result.raw_candidate
    baseline = Trusted("—")
    if result.baseline is not None:
        baseline = Trusted(format_distinct(result.baseline, result.candidate))
    return Row(
        icon=Trusted(_ICON[result.status]),
        metric=result.gate.metric,
        description=result.gate.description,
        candidate=candidate,
        baseline=baseline,
        change=Trusted(_change(result)),
        bound=Trusted(", ".join(
            f"{SYMBOL[c.operator]} {format_distinct(c.bound, result.candidate)}"
            + ("" if c.rule in ("min", "max", "above", "below") else f" ({c.rule})")
            for c in bounds if c.bound is not None) or "—"),
        status=Trusted(_status(result)),
        reason=result.reason,
    )


def _status(result: GateResult) -> str:
    if result.status is Status.WARN and not result.gate.is_blocking:
        return "warn (non-blocking)"
    return result.status.value


def _change(result: GateResult) -> str:
    delta = result.delta
    if delta is None or result.baseline is None:
        return "—"
    if delta == 0:
        return "= 0"
    arrow = "▲" if delta > 0 else "▼"
    text = f"{arrow} {format_signed(delta)}"
    percent = format_percent(delta, result.baseline)
    text += f" ({percent})" if percent else " (relative change undefined)"
    better = result.is_better
    if better is not None:
        text += " better" if better else " worse"
    return text


def render_markdown(verdict: Verdict, *, run_url: str = "", marker: str = "",
                    budget: int = SUMMARY_BUDGET_BYTES, for_comment: bool = False) -> str:
    """Render the verdict within ``budget`` (bytes of UTF-8, or characters).

    Over the budget, table rows are left out first, then listed problems, then
    warnings; the log lists them all.
    """
    lists: list[list[Any]] = [rows(verdict), list(verdict.details),
                              list(verdict.warnings)]
    shown = [len(items) for items in lists]
    while True:
        parts = [items[:count] for items, count in zip(lists, shown, strict=True)]
        hidden = [len(items) - count for items, count in zip(lists, shown, strict=True)]
        text = _render(verdict, parts, hidden, run_url, marker, for_comment)
        size = len(text) if for_comment else len(text.encode("utf-8"))
        if size <= budget or not any(shown):
            return text
        index = next(i for i, count in enumerate(shown) if count)
        count = shown[index]
        shown[index] = max(0, min(count - 1, int(count * budget / size * 0.95)))


def _render(verdict: Verdict, parts: list[list[Any]], hidden: list[int],
            run_url: str, marker: str, for_comment: bool) -> str:
    template = _environment().get_template("verdict.md.j2")
    info = verdict.baseline
    table, details, warnings = parts
    return str(template.render(
        marker=Trusted(marker),
        icon=Trusted(_ICON[verdict.status]),
        name=verdict.name,
        headline=Trusted(headline(verdict)),
        # Messages are not table cells: escape them here with a roomier limit.
        error=Trusted(escape_markdown(verdict.error, MAX_MESSAGE)),
        details=[Trusted(escape_markdown(d, MAX_MESSAGE)) for d in details],
        hidden_details=hidden[1],
        baseline_label=info.label,
        baseline_commit=info.commit[:12],
        baseline_date=info.date,
        baseline_url=Trusted(info.url) if _is_safe_url(info.url) else "",
        warnings=[Trusted(escape_markdown(w, MAX_MESSAGE)) for w in warnings],
        hidden_warnings=hidden[2],
        rows=table,
        hidden=hidden[0],
        run_url=Trusted(run_url) if _is_safe_url(run_url) else "",
        for_comment=for_comment,
        format_number=format_number,
    ))


def _is_safe_url(url: str) -> bool:
    """Only plain http(s) URLs without Markdown-breaking characters are linked."""
    return url.startswith(("https://", "http://")) and not any(
        c in url for c in " \t\r\n()[]<>\"'`|\\"
    )
