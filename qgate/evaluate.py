"""The comparison engine: metrics + gates + baseline → verdict. Pure: no I/O.

Semantics (also in the README):
- gain = candidate - baseline for ``higher``, baseline - candidate for ``lower``;
- ``max-regression: t`` passes iff gain >= -t; ``min-improvement: m`` iff gain >= m;
  a percentage is taken of |baseline| and applied as a bound on the candidate;
- with a zero baseline a percentage cannot scale: tolerance needs gain >= 0 and
  improvement needs gain > 0;
- anything that cannot be checked (missing, NaN, text) fails, never passes.
"""

from __future__ import annotations

import dataclasses
import decimal
import enum
from typing import Any

from qgate.document import Invalid, is_number
from qgate.gatefile import Gate, GateFile, Tolerance
from qgate.metrics import Metrics
from qgate.numbers import format_number

# Exact arithmetic on the digits as written. Inputs pass is_number(), so no result
# needs more than about 2,000 digits; a result that would need rounding raises
# instead of deciding a gate on a rounded value.
_CONTEXT = decimal.Context(
    prec=5_000,
    Emax=999_999,
    Emin=-999_999,
    traps=[decimal.Inexact, decimal.Overflow, decimal.InvalidOperation],
)


class Status(enum.StrEnum):
    """Outcome of one gate or of the whole run."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


@dataclasses.dataclass(frozen=True)
class Check:
    """One comparison inside a gate: ``candidate <operator> bound``."""

    rule: str
    operator: str
    bound: decimal.Decimal | None
    passed: bool | None
    note: str = ""


@dataclasses.dataclass(frozen=True)
class GateResult:
    """Everything known about one gate after evaluation."""

    gate: Gate
    status: Status
    candidate: decimal.Decimal | None
    baseline: decimal.Decimal | None
    checks: tuple[Check, ...]
    reason: str
    raw_candidate: str | None = None

    @property
    def delta(self) -> decimal.Decimal | None:
        """candidate - baseline, when both are numbers."""
        if self.candidate is None or self.baseline is None:
            return None
        return _CONTEXT.subtract(self.candidate, self.baseline)

    @property
    def is_better(self) -> bool | None:
        """Whether the change goes the gate's preferred way (None if unknown)."""
        delta = self.delta
        if delta is None or delta == 0 or self.gate.direction is None:
            return None
        return (delta > 0) == (self.gate.direction == "higher")


@dataclasses.dataclass(frozen=True)
class BaselineInfo:
    """What the candidate was compared with; ``metrics`` is None when none exists."""

    metrics: Metrics | None
    label: str
    url: str = ""
    commit: str = ""
    date: str = ""
    warnings: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The result of a run."""

    status: Status
    name: str
    results: tuple[GateResult, ...]
    baseline: BaselineInfo
    warnings: tuple[str, ...] = ()
    error: str = ""
    details: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True only when the release may go ahead."""
        return self.status in (Status.PASS, Status.WARN)

    def count(self, status: Status) -> int:
        """Number of gates with ``status``."""
        return sum(1 for r in self.results if r.status is status)


def evaluate(
    gate_file: GateFile, candidate: Metrics, baseline: BaselineInfo
) -> Verdict:
    """Judge ``candidate`` against every gate."""
    results = tuple(
        _judge(g, candidate, baseline, gate_file.baseline.when_missing)
        for g in gate_file.gates
    )
    if any(r.status is Status.FAIL for r in results):
        status = Status.FAIL
    elif any(r.status is Status.WARN for r in results) or baseline.warnings:
        status = Status.WARN
    else:
        status = Status.PASS
    return Verdict(
        status=status,
        name=gate_file.name,
        results=results,
        baseline=baseline,
        warnings=baseline.warnings,
    )


def error_verdict(
    name: str,
    message: str,
    baseline: BaselineInfo | None = None,
    details: tuple[str, ...] = (),
) -> Verdict:
    """A verdict for a run that could not be evaluated (``details``: more problems)."""
    info = baseline or BaselineInfo(metrics=None, label="not fetched")
    return Verdict(
        status=Status.ERROR,
        name=name,
        results=(),
        baseline=info,
        error=message,
        details=details,
    )


def _judge(
    gate: Gate, candidate: Metrics, baseline: BaselineInfo, when_missing: str
) -> GateResult:
    found = candidate.lookup(gate.metric)
    fail = Status.FAIL if gate.is_blocking else Status.WARN
    if not found.found:
        if found.ambiguous:
            shown = ", ".join(found.ambiguous[:5])
            more = len(found.ambiguous) - 5
            reason = f"ambiguous name; write one of: {shown}" + (
                f" (and {more} more)" if more > 0 else ""
            )
            return GateResult(gate, fail, None, None, (), reason)
        if gate.optional:
            return GateResult(
                gate,
                Status.SKIP,
                None,
                None,
                (),
                "metric not in the candidate; optional gate skipped",
            )
        close = candidate.closest(gate.metric)
        hint = f"; closest: {', '.join(close)}" if close else ""
        return GateResult(
            gate, fail, None, None, (), f"metric missing from the candidate{hint}"
        )
    if not is_number(found.value):
        return GateResult(
            gate,
            fail,
            None,
            None,
            (),
            f"invalid metric value: {describe(found.value)}",
            raw_candidate=describe(found.value),
        )
    value: decimal.Decimal = found.value
    checks = list(_absolute(gate, value))
    base_value, relative, notes = _relative(gate, value, baseline, when_missing)
    checks.extend(relative)
    if any(c.passed is False for c in checks):
        failed = [c for c in checks if c.passed is False]
        reason = "; ".join(_failure(c) for c in failed)
        return GateResult(gate, fail, value, base_value, tuple(checks), reason)
    if notes:
        return GateResult(
            gate, Status.WARN, value, base_value, tuple(checks), "; ".join(notes)
        )
    return GateResult(gate, Status.PASS, value, base_value, tuple(checks), "")


SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _failure(check: Check) -> str:
    """Say why a check failed, with the bound as people read it."""
    if check.bound is None:
        return check.note
    text = f"{check.rule}: needs {SYMBOL[check.operator]} {format_number(check.bound)}"
    return f"{text} ({check.note})" if check.note else text


def _absolute(gate: Gate, value: decimal.Decimal) -> list[Check]:
    checks = []
    for rule, operator, bound in (
        ("min", ">=", gate.min),
        ("above", ">", gate.above),
        ("max", "<=", gate.max),
        ("below", "<", gate.below),
    ):
        if bound is not None:
            checks.append(
                Check(rule, operator, bound, _compare(value, operator, bound))
            )
    return checks


def _relative(
    gate: Gate, value: decimal.Decimal, baseline: BaselineInfo, when_missing: str
) -> tuple[decimal.Decimal | None, list[Check], list[str]]:
    """Relative checks, the baseline value shown, and notes that make a warning."""
    rules = [
        (name, tol)
        for name, tol in (
            ("max-regression", gate.max_regression),
            ("min-improvement", gate.min_improvement),
        )
        if tol is not None
    ]
    if baseline.metrics is None:
        if not rules:
            return None, [], []
        note = f"no baseline exists; relative rules follow when-missing: {when_missing}"
        if when_missing == "fail":
            return None, [Check(r, "", None, False, note) for r, _ in rules], []
        if when_missing == "warn":
            return None, [Check(r, "", None, None, note) for r, _ in rules], [note]
        return None, [Check(r, "", None, None, note) for r, _ in rules], []
    found = baseline.metrics.lookup(gate.metric)
    shown = found.value if found.found and is_number(found.value) else None
    if not rules:
        return shown, [], []
    if not found.found:
        note = "new metric: the baseline lacks it, relative rules skipped"
        return None, [Check(r, "", None, None, note) for r, _ in rules], [note]
    if shown is None:
        note = f"baseline value invalid ({describe(found.value)}); cannot compare"
        return None, [Check(r, "", None, False, note) for r, _ in rules], []
    checks = [_relative_check(gate, rule, tol, value, shown) for rule, tol in rules]
    return shown, checks, []


def _relative_check(
    gate: Gate, rule: str, tol: Tolerance, value: decimal.Decimal, base: decimal.Decimal
) -> Check:
    """Express the rule as a bound on the candidate and compare."""
    higher = gate.direction == "higher"
    note = ""
    amount = tol.amount
    if tol.is_percent:
        # copy_abs() is exact; abs() would round to the thread's 28 digits.
        amount = _CONTEXT.multiply(_CONTEXT.divide(tol.amount, 100), base.copy_abs())
        if base == 0:
            note = "baseline is 0: relative change undefined"
    if rule == "max-regression":
        bound = (
            _CONTEXT.subtract(base, amount) if higher else _CONTEXT.add(base, amount)
        )
        operator = ">=" if higher else "<="
    else:
        bound = (
            _CONTEXT.add(base, amount) if higher else _CONTEXT.subtract(base, amount)
        )
        operator = ">=" if higher else "<="
        if tol.is_percent and base == 0:
            operator = ">" if higher else "<"
    return Check(rule, operator, bound, _compare(value, operator, bound), note)


def _compare(value: decimal.Decimal, operator: str, bound: decimal.Decimal) -> bool:
    if operator == ">=":
        return value >= bound
    if operator == ">":
        return value > bound
    if operator == "<=":
        return value <= bound
    return value < bound


def describe(value: Any) -> str:
    """Name a non-numeric metric value for a message."""
    if isinstance(value, Invalid):
        return value.text
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, decimal.Decimal):
        # A number may have as many digits as the file has bytes.
        text = str(value)
        shown = text[:120] + ("..." if len(text) > 120 else "")
        return f"{shown} (out of range)" if value.is_finite() else shown
    text = str(value)
    return f"text '{text[:40]}'" + ("..." if len(text) > 40 else "")
