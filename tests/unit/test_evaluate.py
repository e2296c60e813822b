"""The comparison engine: bounds, gains, baselines, invalid values and the verdict."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qgate.evaluate import (
    BaselineInfo,
    Status,
    describe,
    error_verdict,
    evaluate,
)
from qgate.gatefile import BaselineSpec, Gate, GateFile, Tolerance, parse_gate_file
from qgate.metrics import Metrics, parse_metrics
from tests.helpers import gate_file_text

D = decimal.Decimal


@pytest.fixture
def judge(make_gate_file, make_metrics):
    """Evaluate one gate on metric ``m``; numbers are raw JSON text, kept exact."""

    def judge(rules, candidate, baseline=None, *, when_missing="warn"):
        gate_file = make_gate_file(
            {"metric": "m", **rules}, baseline={"when-missing": when_missing}
        )
        metrics = make_metrics(_text(candidate))
        info = BaselineInfo(None, "none")
        if baseline is not None:
            info = BaselineInfo(make_metrics(_text(baseline)), "file base.json")

        verdict = evaluate(gate_file, metrics, info)

        return verdict.results[0]

    return judge


def _text(value: Any) -> str:
    return '{"m": ' + value + "}" if isinstance(value, str) else value.text


class Raw:
    """A whole metrics file given as text (for names other than ``m``)."""

    def __init__(self, text: str) -> None:
        self.text = text


@pytest.mark.parametrize(
    ("rules", "candidate", "expected"),
    [
        ({"min": 0.9}, "0.9", Status.PASS),
        ({"min": 0.9}, "0.8999", Status.FAIL),
        ({"above": 0.9}, "0.9", Status.FAIL),
        ({"above": 0.9}, "0.9001", Status.PASS),
        ({"max": 50}, "50", Status.PASS),
        ({"max": 50}, "50.01", Status.FAIL),
        ({"below": 50}, "50", Status.FAIL),
        ({"below": 50}, "49.99", Status.PASS),
        ({"min": 0.9}, "9e-1", Status.PASS),
        ({"min": -1, "max": 1}, "-0", Status.PASS),
        ({"above": 0, "below": 1}, "0", Status.FAIL),
    ],
)
def test_evaluate__absolute_bounds(judge, rules, candidate, expected):
    """min/max are inclusive and above/below strict, exactly at the bound."""

    result = judge(rules, candidate)

    assert result.status is expected


@pytest.mark.parametrize(
    ("rules", "candidate", "reason"),
    [
        ({"min": 0.9}, "0.8", "min: needs ≥ 0.9"),
        ({"above": 0.9}, "0.9", "above: needs > 0.9"),
        ({"max": 50}, "51", "max: needs ≤ 50"),
        ({"below": 50}, "50", "below: needs < 50"),
        (
            {"min": 0.9, "max": 0.95, "direction": "higher", "max-regression": 0.01},
            "0.85",
            "min: needs ≥ 0.9; max-regression: needs ≥ 0.94",
        ),
    ],
)
def test_evaluate__failure_reason_names_every_failed_rule(
    judge, rules, candidate, reason
):
    """A failed gate says which rules failed and the bound each one needs."""

    result = judge(rules, candidate, baseline="0.95")

    assert result.reason == reason


@pytest.mark.parametrize(
    ("direction", "tolerance", "baseline", "candidate", "passed"),
    [
        # gain = candidate - baseline (higher) or baseline - candidate (lower);
        # the rule passes iff gain >= -tolerance.
        ("higher", 0.01, "0.95", "0.94", True),
        ("higher", 0.01, "0.95", "0.9399", False),
        ("higher", 0.01, "0.95", "0.99", True),
        ("higher", 0, "0.95", "0.95", True),
        ("higher", 0, "0.95", "0.9499999", False),
        ("lower", 5, "100", "105", True),
        ("lower", 5, "100", "105.01", False),
        ("lower", 5, "100", "20", True),
        ("higher", "10%", "2", "1.8", True),
        ("higher", "10%", "2", "1.79", False),
        ("lower", "10%", "2", "2.2", True),
        ("lower", "10%", "2", "2.21", False),
        # Negative metrics (R², log-likelihood): a percentage of |baseline|.
        ("higher", "10%", "-0.5", "-0.55", True),
        ("higher", "10%", "-0.5", "-0.5501", False),
        ("higher", "10%", "-0.5", "-0.45", True),
        ("higher", "1%", "-1000", "-1010", True),
        ("higher", "1%", "-1000", "-1010.1", False),
        ("lower", "10%", "-2", "-1.8", True),
        ("lower", "10%", "-2", "-1.79", False),
        ("lower", "10%", "-2", "-3", True),
    ],
)
def test_evaluate__max_regression(
    judge, direction, tolerance, baseline, candidate, passed
):
    """max-regression passes iff the gain is at least minus the tolerance."""
    rules = {"direction": direction, "max-regression": tolerance}

    result = judge(rules, candidate, baseline)

    assert result.checks[0].passed is passed


@pytest.mark.parametrize(
    ("direction", "tolerance", "baseline", "operator", "bound"),
    [
        ("higher", "10%", "-0.5", ">=", "-0.55"),
        ("lower", "10%", "-0.5", "<=", "-0.45"),
        ("higher", "2.5%", "200", ">=", "195"),
        ("lower", "2.5%", "200", "<=", "205"),
        ("higher", "100%", "-3", ">=", "-6"),
        ("higher", 0.1, "-3", ">=", "-3.1"),
    ],
)
def test_evaluate__relative_rule_is_a_bound_on_the_candidate(
    judge, direction, tolerance, baseline, operator, bound
):
    """A relative rule becomes an exact bound from |baseline|, never a ratio."""
    rules = {"direction": direction, "max-regression": tolerance}

    check = judge(rules, "0", baseline).checks[0]

    assert (check.operator, check.bound) == (operator, D(bound))


@pytest.mark.parametrize(
    ("direction", "amount", "baseline", "candidate", "passed"),
    [
        ("higher", 0.01, "0.9", "0.91", True),
        ("higher", 0.01, "0.9", "0.9099", False),
        ("higher", 0, "0.9", "0.9", True),
        ("lower", 1, "10", "9", True),
        ("lower", 1, "10", "9.01", False),
        ("higher", "5%", "2", "2.1", True),
        ("higher", "5%", "2", "2.09", False),
        ("higher", "5%", "-2", "-1.9", True),
        ("higher", "5%", "-2", "-1.91", False),
        ("lower", "5%", "-2", "-2.1", True),
        ("lower", "5%", "-2", "-2.09", False),
    ],
)
def test_evaluate__min_improvement(
    judge, direction, amount, baseline, candidate, passed
):
    """min-improvement passes iff the gain is at least the amount."""
    rules = {"direction": direction, "min-improvement": amount}

    result = judge(rules, candidate, baseline)

    assert result.checks[0].passed is passed


@pytest.mark.parametrize(
    ("rule", "direction", "candidate", "expected"),
    [
        # A percentage of a zero baseline is zero: a tolerance needs gain >= 0 ...
        ("max-regression", "higher", "0", Status.PASS),
        ("max-regression", "higher", "-0.0001", Status.FAIL),
        ("max-regression", "lower", "0.0001", Status.FAIL),
        ("max-regression", "lower", "-5", Status.PASS),
        # ... and an improvement needs gain > 0.
        ("min-improvement", "higher", "0", Status.FAIL),
        ("min-improvement", "higher", "0.0001", Status.PASS),
        ("min-improvement", "lower", "0", Status.FAIL),
        ("min-improvement", "lower", "-0.0001", Status.PASS),
    ],
)
def test_evaluate__percent_of_zero_baseline(
    judge, rule, direction, candidate, expected
):
    """A percentage rule on a zero baseline asks for no loss, or for any gain."""
    rules = {"direction": direction, rule: "10%"}

    result = judge(rules, candidate, baseline="0")

    assert result.status is expected


def test_evaluate__percent_of_zero_baseline_says_change_is_undefined(judge):
    """A failure against a zero baseline explains that the relative change is undefined."""
    rules = {"direction": "higher", "min-improvement": "10%"}

    result = judge(rules, "0", baseline="0")

    assert result.reason == (
        "min-improvement: needs > 0 (baseline is 0: relative change undefined)"
    )


def test_evaluate__absolute_tolerance_on_zero_baseline_is_plain(judge):
    """An absolute tolerance still works from a zero baseline."""
    rules = {"direction": "higher", "max-regression": 0.1}

    check = judge(rules, "-0.1", baseline="0").checks[0]

    assert (check.passed, check.bound, check.note) == (True, D("-0.1"), "")


@pytest.mark.parametrize(
    ("rules", "baseline", "candidate", "passed"),
    [
        # The digits written decide, as a person reading them would.
        (
            {"direction": "higher", "max-regression": 0},
            "0.3",
            "0.30000000000000004",
            True,
        ),
        (
            {"direction": "lower", "max-regression": 0},
            "0.3",
            "0.30000000000000004",
            False,
        ),
        (
            {"direction": "higher", "min-improvement": 0},
            "0.30000000000000004",
            "0.3",
            False,
        ),
        # Exactly at the boundary; binary floats would get these wrong.
        ({"direction": "higher", "max-regression": 0.1}, "0.3", "0.2", True),
        ({"direction": "lower", "max-regression": 0.1}, "0.7", "0.8", True),
        ({"direction": "higher", "max-regression": 0.1}, "1.1", "1.0", True),
        ({"direction": "higher", "min-improvement": 0.2}, "0.1", "0.3", True),
        ({"direction": "higher", "max-regression": "10%"}, "0.3", "0.27", True),
        (
            {"direction": "higher", "max-regression": "10%"},
            "0.3",
            "0.26999999999999999",
            False,
        ),
    ],
)
def test_evaluate__exact_decimals(judge, rules, baseline, candidate, passed):
    """Numbers compare exactly as written, with no binary rounding."""

    result = judge(rules, candidate, baseline)

    assert result.checks[0].passed is passed


@pytest.mark.parametrize(
    ("rules", "baseline", "candidate", "passed"),
    [
        # Beyond the 28 digits of Python's default decimal context ...
        (
            {"direction": "higher", "max-regression": "100%"},
            "1.0000000000000000000000000006",
            "-0.0000000000000000000000000001",
            False,
        ),
        # ... and beyond 60 digits: no rounding decides a gate.
        (
            {"direction": "higher", "max-regression": 0},
            "0." + "3" * 80,
            "0." + "3" * 79 + "2",
            False,
        ),
        ({"direction": "lower", "max-regression": D("1E-400")}, "1e300", "1e300", True),
    ],
)
def test_evaluate__long_numbers_stay_exact(judge, rules, baseline, candidate, passed):
    """Numbers with many digits or far-apart exponents are compared without rounding."""

    result = judge(rules, candidate, baseline)

    assert result.checks[0].passed is passed


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (
            '{"quality": {"accuracy": 0.9, "acuracy_top5": 0.99}, "latency": 3}',
            "metric missing from the candidate; closest: quality.accuracy, "
            "quality.acuracy_top5",
        ),
        ('{"latency": 3}', "metric missing from the candidate"),
    ],
)
def test_evaluate__missing_metric_fails_with_closest_names(
    make_gate_file, make_metrics, candidate, reason
):
    """A gated metric absent from the candidate fails and names similar metrics."""
    gate_file = make_gate_file({"metric": "quality.acuracy", "min": 0.9})

    verdict = evaluate(gate_file, make_metrics(candidate), BaselineInfo(None, "none"))

    assert (verdict.status, verdict.results[0].reason) == (Status.FAIL, reason)


def test_evaluate__missing_optional_metric_is_skipped(make_gate_file, make_metrics):
    """An optional gate whose metric is absent is skipped and does not fail."""
    gate_file = make_gate_file({"metric": "gpu.memory", "max": 8, "optional": True})

    verdict = evaluate(gate_file, make_metrics({"a": 1}), BaselineInfo(None, "none"))

    result = verdict.results[0]
    assert (verdict.status, result.status, result.reason) == (
        Status.PASS,
        Status.SKIP,
        "metric not in the candidate; optional gate skipped",
    )


INVALID_VALUES = [
    ('{"m": NaN}', "invalid metric value: NaN"),
    ('{"m": Infinity}', "invalid metric value: Infinity"),
    ('{"m": -Infinity}', "invalid metric value: -Infinity"),
    ('{"m": true}', "invalid metric value: boolean true"),
    ('{"m": false}', "invalid metric value: boolean false"),
    ('{"m": "0.95"}', "invalid metric value: text '0.95'"),
    ('{"m": null}', "invalid metric value: null"),
    ('{"m": [0.95]}', "invalid metric value: a list"),
    ("m: .nan\n", "invalid metric value: .nan"),
    ("m: -.inf\n", "invalid metric value: -.inf"),
    ("m: nan\n", "invalid metric value: text 'nan'"),
    ("m: ~\n", "invalid metric value: null"),
    ('{"m": {}}', "invalid metric value: a mapping"),
    ('{"m": {"p50": 1}}', "invalid metric value: a mapping"),
    ('{"m": 1e999999999}', "invalid metric value: 1E+999999999 (out of range)"),
    ('{"m": 1e-401}', "invalid metric value: 1E-401 (out of range)"),
    ('{"m": 1e301}', "invalid metric value: 1E+301 (out of range)"),
    (
        '{"m": 0.' + "1" * 101 + "}",
        "invalid metric value: 0." + "1" * 101 + " (out of range)",
    ),
]


@pytest.mark.parametrize(("text", "reason"), INVALID_VALUES)
def test_evaluate__invalid_value_fails(make_gate_file, make_metrics, text, reason):
    """NaN, infinities, booleans, text, null and lists fail as invalid values."""
    gate_file = make_gate_file({"metric": "m", "max": 1, "optional": True})
    source = "metrics.json" if text.startswith("{") else "metrics.yml"

    verdict = evaluate(gate_file, make_metrics(text, source), BaselineInfo(None, "-"))

    assert (verdict.status, verdict.results[0].reason) == (Status.FAIL, reason)


def test_evaluate__invalid_value_on_warn_gate_warns(judge):
    """A non-blocking gate on an invalid value warns rather than passes."""

    result = judge({"max": 1, "severity": "warn"}, "NaN")

    assert result.status is Status.WARN


INVALID = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "true", "false", "null", '"1"', "[1]", "{}"]
)
RULES = st.sampled_from(
    [
        {"min": 0},
        {"max": 1},
        {"above": -1, "below": 1, "optional": True},
        {"direction": "higher", "max-regression": "100%"},
        {"direction": "lower", "min-improvement": 0},
        {"direction": "lower", "max-regression": 1, "severity": "warn"},
    ]
)


@given(rules=RULES, candidate=INVALID, baseline=INVALID | st.just("0.5"))
def test_evaluate__nothing_invalid_passes(rules, candidate, baseline):
    """No gate passes or is skipped when the candidate's value is not a number."""
    gate_file = parse_gate_file(gate_file_text({"metric": "m", **rules}), "g.yml")
    info = BaselineInfo(parse_metrics(_text(baseline), "b.json"), "b")

    verdict = evaluate(gate_file, parse_metrics(_text(candidate), "c.json"), info)

    assert verdict.results[0].status in (Status.FAIL, Status.WARN)
    assert verdict.status is not Status.PASS


def test_evaluate__baseline_without_the_metric_skips_relative_rules(judge):
    """A metric the baseline lacks skips relative rules with a warning."""
    rules = {"direction": "higher", "min": 0.5, "max-regression": 0.01}

    result = judge(rules, "0.9", baseline=Raw('{"other": 1}'))

    assert (result.status, result.reason) == (
        Status.WARN,
        "new metric: the baseline lacks it, relative rules skipped",
    )


def test_evaluate__baseline_without_the_metric_keeps_absolute_rules(judge):
    """A metric the baseline lacks is still held to its absolute bounds."""
    rules = {"direction": "higher", "min": 0.95, "max-regression": 0.01}

    result = judge(rules, "0.9", baseline=Raw('{"other": 1}'))

    assert (result.status, result.reason) == (Status.FAIL, "min: needs ≥ 0.95")


def test_evaluate__invalid_baseline_value_fails(judge):
    """A baseline value that is not a number cannot vouch for the candidate."""
    rules = {"direction": "higher", "max-regression": 0.01}

    result = judge(rules, "0.9", baseline="NaN")

    assert (result.status, result.reason) == (
        Status.FAIL,
        "baseline value invalid (NaN); cannot compare",
    )


NO_BASELINE_NOTE = "no baseline exists; relative rules follow when-missing: "


@pytest.mark.parametrize(
    ("when_missing", "expected", "reason"),
    [
        ("pass", Status.PASS, ""),
        ("warn", Status.WARN, NO_BASELINE_NOTE + "warn"),
        ("fail", Status.FAIL, NO_BASELINE_NOTE + "fail"),
    ],
)
def test_evaluate__no_baseline_follows_when_missing(
    judge, when_missing, expected, reason
):
    """Without a baseline, relative rules pass, warn or fail as when-missing says."""
    rules = {"direction": "higher", "max-regression": 0.01}

    result = judge(rules, "0.9", when_missing=when_missing)

    assert (result.status, result.reason) == (expected, reason)


@pytest.mark.parametrize("when_missing", ["pass", "warn", "fail"])
def test_evaluate__no_baseline_leaves_absolute_gates_alone(judge, when_missing):
    """when-missing does not touch a gate that has no relative rule."""

    result = judge(
        {"direction": "higher", "min": 0.5}, "0.9", when_missing=when_missing
    )

    assert result.status is Status.PASS


@pytest.mark.parametrize(
    ("when_missing", "candidate", "expected"),
    [("pass", "0.1", Status.FAIL), ("warn", "0.1", Status.FAIL)],
)
def test_evaluate__no_baseline_keeps_absolute_rules(
    judge, when_missing, candidate, expected
):
    """A failed absolute rule fails the gate whatever when-missing says."""
    rules = {"direction": "higher", "min": 0.5, "max-regression": 0.01}

    result = judge(rules, candidate, when_missing=when_missing)

    assert result.status is expected


def test_evaluate__warn_severity_never_blocks(make_gate_file, make_metrics):
    """A failing non-blocking gate makes the verdict a warning that still passes."""
    gate_file = make_gate_file({"metric": "m", "max": 1, "severity": "warn"})

    verdict = evaluate(gate_file, make_metrics({"m": 2}), BaselineInfo(None, "-"))

    assert (verdict.status, verdict.passed) == (Status.WARN, True)


@pytest.mark.parametrize(
    ("candidate", "expected", "passed"),
    [
        ({"a": 1, "b": 1, "c": 1}, Status.PASS, True),
        ({"a": 1, "b": 1}, Status.PASS, True),
        ({"a": 1, "b": 9, "c": 1}, Status.WARN, True),
        ({"a": 0, "b": 9, "c": 1}, Status.FAIL, False),
        ({"a": 0, "b": 1, "c": 1}, Status.FAIL, False),
        ({"b": 1, "c": 1}, Status.FAIL, False),
    ],
)
def test_evaluate__overall_verdict(
    make_gate_file, make_metrics, candidate, expected, passed
):
    """Any failure fails the run; otherwise any warning warns; skips count as passes."""
    gate_file = make_gate_file(
        {"metric": "a", "min": 1},
        {"metric": "b", "max": 1, "severity": "warn"},
        {"metric": "c", "max": 1, "optional": True},
    )

    verdict = evaluate(gate_file, make_metrics(candidate), BaselineInfo(None, "-"))

    assert (verdict.status, verdict.passed) == (expected, passed)


def test_evaluate__baseline_warnings_make_the_verdict_warn(
    make_gate_file, make_metrics
):
    """A warning about the baseline itself turns a clean pass into a warning."""
    gate_file = make_gate_file({"metric": "m", "min": 0})
    info = BaselineInfo(None, "-", warnings=("the baseline is 90 days old",))

    verdict = evaluate(gate_file, make_metrics({"m": 1}), info)

    assert (verdict.status, verdict.warnings) == (
        Status.WARN,
        ("the baseline is 90 days old",),
    )


def test_error_verdict__blocks_the_release():
    """A run that could not be evaluated has the error status and does not pass."""

    verdict = error_verdict("model", "cannot read the gate file")

    assert (verdict.status, verdict.passed, verdict.error, verdict.baseline.label) == (
        Status.ERROR,
        False,
        "cannot read the gate file",
        "not fetched",
    )


def test_evaluate__ambiguous_name_fails(make_gate_file, make_metrics):
    """A dotted name that two escaped keys could mean fails and lists both spellings."""
    gate_file = make_gate_file({"metric": "a.b.c", "max": 5, "optional": True})
    candidate = make_metrics('{"a.b": {"c": 1}, "a": {"b.c": 2}}')

    verdict = evaluate(gate_file, candidate, BaselineInfo(None, "-"))

    assert (verdict.status, verdict.results[0].reason) == (
        Status.FAIL,
        "ambiguous name; write one of: a\\.b.c, a.b\\.c",
    )


@pytest.mark.parametrize(
    ("direction", "baseline", "candidate", "delta", "is_better"),
    [
        ("higher", "0.9", "0.95", D("0.05"), True),
        ("higher", "0.9", "0.85", D("-0.05"), False),
        ("lower", "10", "8", D("-2"), True),
        ("lower", "10", "10.0", D("0"), None),
        (None, "1", "2", D("1"), None),
        ("higher", None, "2", None, None),
    ],
)
def test_gate_result__delta_and_direction(
    judge, direction, baseline, candidate, delta, is_better
):
    """delta is candidate minus baseline, and is_better follows the direction."""
    rules = {"max": 100} if direction is None else {"direction": direction, "max": 100}

    result = judge(rules, candidate, baseline)

    assert (result.delta, result.is_better) == (delta, is_better)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "boolean true"),
        (None, "null"),
        ([1], "a list"),
        ({}, "a mapping"),
        (D("1e999"), "1E+999 (out of range)"),
        (D("NaN"), "NaN"),
        ("x" * 41, "text '" + "x" * 40 + "'..."),
        ("ok", "text 'ok'"),
    ],
)
def test_describe__names_a_value(value, text):
    """describe() names a metric value the way failure reasons show it."""

    assert describe(value) == text


def _gate(**rules: Any) -> Gate:
    return Gate(index=0, metric="m", line=1, col=1, **rules)


def _run(gate: Gate, candidate: D, baseline: D | None) -> Any:
    gate_file = GateFile("g.yml", "model", BaselineSpec(), (gate,))
    base = None if baseline is None else Metrics("b", {"m": baseline})
    return evaluate(gate_file, Metrics("c", {"m": candidate}), BaselineInfo(base, "b"))


NUMBERS = st.decimals(
    min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=6
)


@given(
    direction=st.sampled_from(["higher", "lower"]),
    tolerance=st.decimals(min_value=0, max_value=1000, places=4),
    baseline=NUMBERS,
    candidate=NUMBERS,
)
def test_evaluate__max_regression_is_the_gain_rule(
    direction, tolerance, baseline, candidate
):
    """For any numbers, max-regression passes exactly when gain >= -tolerance."""
    gate = _gate(direction=direction, max_regression=Tolerance(tolerance, False))
    gain = candidate - baseline if direction == "higher" else baseline - candidate

    verdict = _run(gate, candidate, baseline)

    assert verdict.passed is (gain >= -tolerance)


@given(
    direction=st.sampled_from(["higher", "lower"]),
    percent=st.decimals(min_value=0, max_value=500, places=2),
    baseline=NUMBERS,
    candidate=NUMBERS,
)
def test_evaluate__percent_rule_scales_with_absolute_baseline(
    direction, percent, baseline, candidate
):
    """For any numbers, a percentage tolerance is that share of |baseline|."""
    gate = _gate(direction=direction, max_regression=Tolerance(percent, True))
    gain = candidate - baseline if direction == "higher" else baseline - candidate

    verdict = _run(gate, candidate, baseline)

    assert verdict.passed is (gain * 100 >= -percent * abs(baseline))


@given(bound=NUMBERS, candidate=NUMBERS)
def test_evaluate__min_is_inclusive_for_any_number(bound, candidate):
    """For any numbers, min passes exactly when candidate >= min."""

    verdict = _run(_gate(min=bound), candidate, None)

    assert verdict.passed is (candidate >= bound)
