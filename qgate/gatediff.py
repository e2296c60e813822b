"""Compare a pull request's gate file with the base branch's: what got looser. Pure."""

from __future__ import annotations

import dataclasses
import decimal

from qgate.gatefile import BaselineSpec, Gate, GateFile, Tolerance

_MISSING_ORDER = {"fail": 0, "warn": 1, "pass": 2}


@dataclasses.dataclass(frozen=True)
class Change:
    """One rule that differs between the base and the pull request."""

    metric: str
    kind: str  # "loosened", "tightened" or "changed"
    text: str


def compare(base: GateFile, head: GateFile) -> list[Change]:
    """Every rule the head version loosens, tightens or changes, base order first."""
    changes: list[Change] = []
    old, new = _by_metric(base), _by_metric(head)
    for metric, gate in old.items():
        if metric not in new:
            what = "blocking gate" if gate.is_blocking else "warning gate"
            changes.append(Change(metric, "loosened", f"{what} removed"))
            continue
        changes.extend(_compare_gate(gate, new[metric]))
    for metric in new:
        if metric not in old:
            changes.append(Change(metric, "tightened", "gate added"))
    changes.extend(_baseline_changes(base.baseline, head.baseline))
    if base.baseline.when_missing != head.baseline.when_missing:
        before, after = base.baseline.when_missing, head.baseline.when_missing
        kind = (
            "loosened"
            if _MISSING_ORDER[after] > _MISSING_ORDER[before]
            else "tightened"
        )
        changes.append(Change("baseline", kind, f"when-missing {before} → {after}"))
    return changes


_BASELINE_FIELDS = (
    "source",
    "file",
    "asset",
    "tag",
    "tag_pattern",
    "prereleases",
    "workflow",
    "artifact",
    "ref",
    "path",
    "max_age_days",
)


def _baseline_changes(old: BaselineSpec, new: BaselineSpec) -> list[Change]:
    """Where the baseline comes from decides what "no regression" means: any change
    to it is listed (a pull request could point it at a file of its own)."""
    changes = []
    for name in _BASELINE_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            label = name.replace("_", "-")
            changes.append(
                Change(
                    "baseline", "changed", f"{label} {_text(before)} → {_text(after)}"
                )
            )
    return changes


def _text(value: object) -> str:
    return (
        "unset"
        if value is None
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def _by_metric(gate_file: GateFile) -> dict[str, Gate]:
    """One gate per metric: the blocking one when a metric has two."""
    found: dict[str, Gate] = {}
    for gate in gate_file.gates:
        if gate.metric not in found or gate.is_blocking:
            found[gate.metric] = gate
    return found


def _compare_gate(old: Gate, new: Gate) -> list[Change]:
    metric = old.metric
    changes = []
    if old.is_blocking and not new.is_blocking:
        changes.append(
            Change(metric, "loosened", "blocking gate turned into a warning")
        )
    elif new.is_blocking and not old.is_blocking:
        changes.append(
            Change(metric, "tightened", "warning turned into a blocking gate")
        )
    if new.optional and not old.optional:
        changes.append(Change(metric, "loosened", "made optional"))
    changes += _bound(
        metric, "lower bound", _low(old), _low(new), higher_is_tighter=True
    )
    changes += _bound(
        metric, "upper bound", _high(old), _high(new), higher_is_tighter=False
    )
    changes += _tolerance(
        metric,
        "max-regression",
        old.max_regression,
        new.max_regression,
        larger_is_looser=True,
    )
    changes += _tolerance(
        metric,
        "min-improvement",
        old.min_improvement,
        new.min_improvement,
        larger_is_looser=False,
    )
    if old.direction and new.direction and old.direction != new.direction:
        changes.append(
            Change(metric, "changed", f"direction {old.direction} → {new.direction}")
        )
    return changes


Bound = tuple[decimal.Decimal, bool]  # value, is strict


def _low(gate: Gate) -> Bound | None:
    if gate.above is not None:
        return gate.above, True
    return (gate.min, False) if gate.min is not None else None


def _high(gate: Gate) -> Bound | None:
    if gate.below is not None:
        return gate.below, True
    return (gate.max, False) if gate.max is not None else None


def _show(bound: Bound | None, lower: bool) -> str:
    if bound is None:
        return "none"
    value, strict = bound
    symbol = (">" if strict else "≥") if lower else ("<" if strict else "≤")
    return f"{symbol} {value}"


def _bound(
    metric: str,
    label: str,
    old: Bound | None,
    new: Bound | None,
    *,
    higher_is_tighter: bool,
) -> list[Change]:
    if old == new:
        return []
    text = f"{label} {_show(old, higher_is_tighter)} → {_show(new, higher_is_tighter)}"
    if old is None:
        return [Change(metric, "tightened", text)]
    if new is None:
        return [Change(metric, "loosened", text)]
    # Compare (value, strictness): at equal values a strict bound is tighter.
    old_key = (old[0], old[1]) if higher_is_tighter else (-old[0], old[1])
    new_key = (new[0], new[1]) if higher_is_tighter else (-new[0], new[1])
    return [Change(metric, "tightened" if new_key > old_key else "loosened", text)]


def _tolerance(
    metric: str,
    rule: str,
    old: Tolerance | None,
    new: Tolerance | None,
    *,
    larger_is_looser: bool,
) -> list[Change]:
    if old == new:
        return []
    text = f"{rule} {old or 'none'} → {new or 'none'}"
    if old is None:
        return [Change(metric, "tightened", text)]
    if new is None:
        return [Change(metric, "loosened", text)]
    if old.is_percent != new.is_percent:
        return [Change(metric, "changed", text)]
    larger = new.amount > old.amount
    return [
        Change(metric, "loosened" if larger == larger_is_looser else "tightened", text)
    ]
