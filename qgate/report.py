"""The machine-readable verdict (JSON) and the plain-text table for the log."""

from __future__ import annotations

import decimal
import json
import math
from typing import Any

from qgate.evaluate import Check, GateResult, Status, Verdict
from qgate.render import headline, ordered_results, rows

_CONTROL = {c: " " for c in range(32)} | {127: " "}


def _number(value: decimal.Decimal | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    # A bound scaled from a huge baseline can pass float's range; JSON has no Infinity.
    return number if math.isfinite(number) else None


def _primary(result: GateResult) -> Check | None:
    """The check that decided the gate: the first failing one, else the first."""
    failing = [c for c in result.checks if c.passed is False]
    return next(iter(failing or result.checks), None)


def verdict_data(verdict: Verdict) -> dict[str, Any]:
    """A JSON-ready description of the verdict, every gate included."""
    gates = []
    for result in verdict.results:
        check = _primary(result)
        gates.append(
            {
                "index": result.gate.index,
                "metric": result.gate.metric,
                "line": result.gate.line,
                "severity": result.gate.severity,
                "direction": result.gate.direction,
                "candidate": _number(result.candidate),
                "baseline": _number(result.baseline),
                "delta": _number(result.delta),
                "bound": _number(check.bound) if check else None,
                "operator": check.operator if check else None,
                "status": result.status.value,
                "reason": result.reason,
                "checks": [
                    {
                        "rule": c.rule,
                        "operator": c.operator,
                        "bound": _number(c.bound),
                        "passed": c.passed,
                        "note": c.note,
                    }
                    for c in result.checks
                ],
            }
        )
    info = verdict.baseline
    return {
        "version": 1,
        "name": verdict.name,
        "verdict": verdict.status.value,
        "passed": verdict.passed,
        "headline": headline(verdict),
        "error": verdict.error,
        "details": list(verdict.details),
        "baseline": {
            "label": info.label,
            "url": info.url,
            "commit": info.commit,
            "date": info.date,
            "exists": info.metrics is not None,
        },
        "warnings": list(verdict.warnings),
        "counts": {s.value: verdict.count(s) for s in Status if s is not Status.ERROR},
        "gates": gates,
    }


def render_json(verdict: Verdict, limit: int = 0) -> str:
    """The verdict as compact JSON text; over ``limit`` characters, without gates
    (then without listed problems, then without warnings)."""
    data = verdict_data(verdict)
    text = _dumps(data)
    for key in ("gates", "details", "warnings"):
        if not limit or len(text) <= limit:
            break
        data[f"{key}_omitted"] = len(data.pop(key))
        text = _dumps(data)
    return text


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def _plain(text: str, width: int = 60) -> str:
    text = text.translate(_CONTROL)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(verdict: Verdict, limit: int = 50) -> str:
    """A fixed-width table for the terminal and the runner's log."""
    lines = [
        f"qgate · {_plain(verdict.name)}: {headline(verdict)}",
        f"baseline: {_plain(verdict.baseline.label, 200)}",
    ]
    lines += [f"warning: {_plain(w, 300)}" for w in verdict.warnings]
    table = [("status", "metric", "candidate", "baseline", "bound")]
    ordered = ordered_results(verdict)
    # Only the rows shown are formatted: a verdict may hold 10,000 gates.
    for row, result in zip(rows(verdict, limit), ordered[:limit], strict=True):
        table.append(
            (
                result.status.value,
                _plain(result.gate.metric, 40),
                str(row.candidate)
                if result.candidate is not None
                else _plain(result.raw_candidate or "missing", 20),
                str(row.baseline),
                str(row.bound),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(5)]
    if len(verdict.results):
        for cells in table:
            padded = (c.ljust(w) for c, w in zip(cells, widths, strict=True))
            lines.append("  ".join(padded).rstrip())
    if len(ordered) > len(table) - 1:
        lines.append(f"... {len(ordered) - (len(table) - 1)} more gates in the report")
    for result in ordered:
        if result.reason and result.status in (Status.FAIL, Status.WARN):
            lines.append(
                f"{result.status.value}: {_plain(result.gate.metric, 40)}: "
                f"{_plain(result.reason, 300)}"
            )
            if len(lines) > limit + 60:
                break
    return "\n".join(lines)
