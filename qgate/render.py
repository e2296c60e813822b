"""Render a verdict as Markdown with Jinja; every untrusted string is made inert."""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from qgate.evaluate import SYMBOL, GateResult, Status, Verdict
from qgate.numbers import format_distinct, format_number, format_percent, format_signed
from qgate.runner import printable

SUMMARY_BUDGET_BYTES = 1_000_000  # GitHub drops a step summary over 1 MiB whole
COMMENT_BUDGET_CHARS = 65_000  # GitHub refuses comment bodies over 65,536 characters
MAX_CELL = 120
MAX_MESSAGE = 2000

_ICON = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.SKIP: "➖",
    Status.ERROR: "🛑",
}
_ORDER = {Status.FAIL: 0, Status.WARN: 1, Status.SKIP: 2, Status.PASS: 3}


class Trusted(str):
    """Text we produced ourselves; the renderer prints it as is."""


_REPLACEMENTS = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "\\": "&#92;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "~": "&#126;",
    "!": "&#33;",
    "$": "&#36;",
    # A zero-width space after @ and # stops mentions and cross-references.
    "@": "@\u200b",
    "#": "#\u200b",
    "\r": " ",
    "\n": " ",
    "\t": " ",
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


class Row(NamedTuple):
    """One table row, fields already formatted (numbers trusted, text untrusted).

    The template's ``table_row`` macro takes the fields in this order.
    """

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


def rows(verdict: Verdict, limit: int | None = None) -> list[Row]:
    """Table rows in :func:`ordered_results` order (only the first ``limit``)."""
    return [_row(r) for r in ordered_results(verdict)[:limit]]


_ABSOLUTE_RULES = ("min", "max", "above", "below")


def _row(result: GateResult) -> Row:
    candidate_value, baseline_value = result.candidate, result.baseline
    bounds = [c for c in result.checks if c.bound is not None]
    candidate: Trusted | str = _DASH
    if candidate_value is not None:
        candidate = Trusted(
            format_distinct(candidate_value, baseline_value, *(c.bound for c in bounds))
        )
    elif result.raw_candidate is not None:
        candidate = result.raw_candidate
    baseline = _DASH
    if baseline_value is not None:
        baseline = Trusted(format_distinct(baseline_value, candidate_value))
    bound = ", ".join(
        f"{SYMBOL[c.operator]} {format_distinct(c.bound, candidate_value)}"
        + ("" if c.rule in _ABSOLUTE_RULES else f" ({c.rule})")
        for c in bounds
        if c.bound is not None
    )
    return Row(
        _ICONS[result.status],
        result.gate.metric,
        result.gate.description,
        candidate,
        baseline,
        Trusted(_change(result)),
        Trusted(bound) if bound else _DASH,
        Trusted(_status(result)),
        result.reason,
    )


_DASH = Trusted("—")
_ICONS = {status: Trusted(icon) for status, icon in _ICON.items()}


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


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


class _Lines:
    """Table rows rendered by the template's ``table_row`` macro, made on demand.

    Rows are formatted and rendered only until their sizes alone pass the budget:
    a row beyond that could never be shown.
    """

    def __init__(
        self, results: list[GateResult], macro: Any, size: Callable[[str], int]
    ) -> None:
        self.results = results
        self.macro = macro
        self.size = size
        self.lines: list[Trusted] = []
        self.ends: list[int] = []  # size of the first 1, 2, ... lines together

    def fill(self, budget: int) -> int:
        """Render rows while they fit ``budget``; returns how many fit it."""
        total = self.ends[-1] if self.ends else 0
        while len(self.lines) < len(self.results) and total <= budget:
            line = str(self.macro(*_row(self.results[len(self.lines)])))
            total += self.size(line)
            self.lines.append(Trusted(line))
            self.ends.append(total)
        return bisect.bisect_right(self.ends, budget)

    def fewer(self, count: int, excess: int) -> int:
        """How many of the first ``count`` lines remain once ``excess`` is cut."""
        keep = self.ends[count - 1] - excess
        return bisect.bisect_right(self.ends, keep, 0, count - 1)


def render_markdown(
    verdict: Verdict,
    *,
    run_url: str = "",
    marker: str = "",
    budget: int = SUMMARY_BUDGET_BYTES,
    for_comment: bool = False,
) -> str:
    """Render the verdict within ``budget`` (bytes of UTF-8, or characters).

    Over the budget, table rows are left out first, then listed problems, then
    warnings; the log lists them all.
    """
    size = len if for_comment else _utf8_size
    template = _environment().get_template("verdict.md.j2")
    context = _context(verdict, run_url, marker, for_comment)
    table = _Lines(ordered_results(verdict), _table_row(template, context), size)
    lists: list[list[Trusted]] = [
        table.lines,
        [Trusted(escape_markdown(d, MAX_MESSAGE)) for d in verdict.details],
        [Trusted(escape_markdown(w, MAX_MESSAGE)) for w in verdict.warnings],
    ]
    totals = [len(table.results), len(lists[1]), len(lists[2])]
    shown = [table.fill(budget), totals[1], totals[2]]
    while True:
        parts = [items[:count] for items, count in zip(lists, shown, strict=True)]
        hidden = [total - count for total, count in zip(totals, shown, strict=True)]
        text = _render(template, context, parts, hidden)
        used = size(text)
        if used <= budget or not any(shown):
            return text
        index = next(i for i, count in enumerate(shown) if count)
        count = shown[index]
        if index == 0:
            # Row sizes are known: cut just enough of them.
            shown[0] = table.fewer(count, used - budget)
        else:
            shown[index] = max(0, min(count - 1, int(count * budget / used * 0.95)))


def _table_row(template: Any, context: dict[str, Any]) -> Any:
    """The template's ``table_row`` macro (getting it renders the rest once, empty)."""
    empty: dict[str, list[Any]] = {"rows": [], "details": [], "warnings": []}
    counts = {"hidden": 0, "hidden_details": 0, "hidden_warnings": 0}
    return template.make_module({**context, **empty, **counts}).table_row


def _context(
    verdict: Verdict, run_url: str, marker: str, for_comment: bool
) -> dict[str, Any]:
    """The template's values apart from the lists that the budget may shorten."""
    info = verdict.baseline
    return {
        "marker": Trusted(marker),
        "icon": Trusted(_ICON[verdict.status]),
        "name": verdict.name,
        "headline": Trusted(headline(verdict)),
        # Messages are not table cells: escape them here with a roomier limit.
        "error": Trusted(escape_markdown(verdict.error, MAX_MESSAGE)),
        "baseline_label": info.label,
        "baseline_commit": info.commit[:12],
        "baseline_date": info.date,
        "baseline_url": Trusted(info.url) if _is_safe_url(info.url) else "",
        "run_url": Trusted(run_url) if _is_safe_url(run_url) else "",
        "for_comment": for_comment,
        "format_number": format_number,
    }


def _render(
    template: Any, context: dict[str, Any], parts: list[list[Any]], hidden: list[int]
) -> str:
    table, details, warnings = parts
    return str(
        template.render(
            context,
            rows=table,
            hidden=hidden[0],
            details=details,
            hidden_details=hidden[1],
            warnings=warnings,
            hidden_warnings=hidden[2],
        )
    )


def _is_safe_url(url: str) -> bool:
    """Only plain http(s) URLs without Markdown-breaking characters are linked."""
    return url.startswith(("https://", "http://")) and not any(
        c in url for c in " \t\r\n()[]<>\"'`|\\"
    )
