"""Synthetic metrics and gate files, the same for every run (fixed seeds)."""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any

PER_GROUP = 100  # metrics per group: "g0012.m034"


def metric_name(index: int) -> str:
    """The dotted name of metric ``index``: two levels, 100 metrics a group."""
    group, item = divmod(index, PER_GROUP)
    return f"g{group:04d}.m{item:03d}"


def metrics_pair(count: int, seed: int = 6) -> tuple[str, str]:
    """Candidate and baseline metrics JSON with ``count`` numbers each.

    Values look like a program's output (full float repr); the candidate differs
    from the baseline by a few percent either way, so some gates fail.
    """
    rng = random.Random(seed)
    candidate: dict[str, dict[str, float]] = {}
    baseline: dict[str, dict[str, float]] = {}
    for index in range(count):
        group, item = metric_name(index).split(".")
        base = rng.uniform(0.5, 0.99)
        baseline.setdefault(group, {})[item] = base
        candidate.setdefault(group, {})[item] = base * rng.uniform(0.97, 1.03)
    return json.dumps(candidate, indent=1), json.dumps(baseline, indent=1)


def gate_file(count: int, metrics: int, seed: int = 7) -> str:
    """A gate file with ``count`` gates on distinct metrics among ``metrics``.

    The mix follows the README's example: absolute floors and ceilings, absolute and
    percentage regressions, improvements, warnings and descriptions.
    """
    rng = random.Random(seed)
    step = max(1, metrics // count)
    lines = [
        "# Synthetic gate file for the benchmarks.",
        "version: 1",
        f"name: synthetic-{count}",
        "baseline:",
        "  when-missing: warn",
        "gates:",
    ]
    for index in range(count):
        lines.append(f"  - metric: {metric_name(index * step)}")
        kind = index % 5
        if kind == 0:
            lines += [
                "    direction: higher",
                "    min: 0.6",
                "    max-regression: 0.02",
            ]
        elif kind == 1:
            lines += ["    direction: higher", "    max-regression: 2%"]
        elif kind == 2:
            lines += [
                "    direction: lower",
                "    max: 0.98",
                "    max-regression: 1.5%",
            ]
        elif kind == 3:
            lines += [
                "    direction: higher",
                "    min-improvement: 0.001",
                "    severity: warn",
            ]
        else:
            lines += [
                f"    above: {rng.choice(['0.5', '0.55', '0.45'])}",
                "    description: Must stay above chance on this slice.",
            ]
    return "\n".join(lines) + "\n"


@dataclasses.dataclass(frozen=True)
class Threshold:
    """One metric's rule in MLflow's terms (and, translated, qgate's)."""

    metric: str
    higher: bool
    threshold: float
    min_absolute_change: float | None
    min_relative_change: float | None


@dataclasses.dataclass(frozen=True)
class Fifty:
    """Fifty metrics, the same rules for both tools, a passing and a failing candidate."""

    thresholds: list[Threshold]
    baseline: dict[str, float]
    passing: dict[str, float]
    failing: dict[str, float]
    expected_failures: list[str]

    def mlflow_spec(self) -> list[dict[str, Any]]:
        """The thresholds as the MLflow script reads them."""
        return [dataclasses.asdict(t) for t in self.thresholds]

    def qgate_gates(self) -> str:
        """The equivalent qgate gate file."""
        lines = [
            "# The same 50 rules as the MLflow MetricThresholds of the benchmark.",
            "version: 1",
            "name: fifty",
            "baseline:",
            "  when-missing: fail",
            "gates:",
        ]
        for rule in self.thresholds:
            lines.append(f"  - metric: {rule.metric}")
            lines.append(f"    direction: {'higher' if rule.higher else 'lower'}")
            # MLflow: value >= threshold when greater is better, else value <= it.
            lines.append(f"    {'min' if rule.higher else 'max'}: {rule.threshold!r}")
            if rule.min_absolute_change is not None:
                lines.append(f"    min-improvement: {rule.min_absolute_change!r}")
            if rule.min_relative_change is not None:
                percent = round(rule.min_relative_change * 100, 6)
                lines.append(f"    min-improvement: '{percent:g}%'")
        return "\n".join(lines) + "\n"


def fifty(seed: int = 50) -> Fifty:
    """Fifty flat metrics: two thirds higher-is-better scores, one third latencies.

    Every rule has an absolute threshold plus a required improvement over the
    baseline, absolute for even metrics and relative for odd ones. Candidates sit
    far from every bound, so float (MLflow) and exact decimal (qgate) arithmetic
    cannot disagree.
    """
    rng = random.Random(seed)
    thresholds: list[Threshold] = []
    baseline: dict[str, float] = {}
    passing: dict[str, float] = {}
    failing: dict[str, float] = {}
    expected: list[str] = []
    for index in range(50):
        higher = index % 3 != 2
        name = f"score_{index:02d}" if higher else f"latency_{index:02d}_ms"
        base = (
            round(rng.uniform(0.5, 0.8), 6)
            if higher
            else round(rng.uniform(20, 200), 3)
        )
        absolute = relative = None
        if index % 2 == 0:
            absolute = (
                round(rng.uniform(0.002, 0.02), 4)
                if higher
                else round(rng.uniform(0.5, 5), 2)
            )
            required = absolute
        else:
            relative = rng.choice([0.01, 0.02, 0.05])
            required = relative * abs(base)
        sign = 1 if higher else -1
        limit = round(base - sign * 0.25 * abs(base), 6)
        thresholds.append(Threshold(name, higher, limit, absolute, relative))
        baseline[name] = base
        good = round(base + sign * (required * 2 + 0.01 * abs(base)), 6)
        passing[name] = good
        failing[name] = good
        if index % 10 == 3:  # improves, but by half of what is required
            failing[name] = round(base + sign * required / 2, 6)
            expected.append(name)
        elif index % 10 == 7:  # past the absolute threshold
            failing[name] = round(limit - sign * 0.1 * abs(base), 6)
            expected.append(name)
    return Fifty(thresholds, baseline, passing, failing, sorted(expected))
