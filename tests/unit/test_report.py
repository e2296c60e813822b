"""The JSON verdict and the plain-text table for the log."""

from __future__ import annotations

import json

import pytest

from qgate.evaluate import error_verdict
from qgate.report import render_json, render_text, verdict_data

GATE_FIELDS = {
    "metric",
    "candidate",
    "baseline",
    "delta",
    "bound",
    "operator",
    "status",
    "reason",
}


def test_render_json__every_gate_has_every_field(make_verdict):
    """Each gate in the JSON verdict carries metric, values, bound, status and reason."""
    gates = [
        {"metric": "a", "direction": "higher", "min": 0.9, "max-regression": 0.01},
        {"metric": "b", "max": 1},
        {"metric": "c", "max": 1, "optional": True},
    ]

    data = json.loads(
        render_json(make_verdict(gates, {"a": 0.95, "b": "x"}, {"a": 0.9}))
    )

    assert [sorted(GATE_FIELDS - set(gate)) for gate in data["gates"]] == [[], [], []]


def test_render_json__describes_a_gate(make_verdict):
    """A gate's entry holds its values and the check that decided it."""
    gates = [{"metric": "a", "direction": "higher", "min": 0.9, "max-regression": 0.01}]

    data = json.loads(render_json(make_verdict(gates, {"a": 0.88}, {"a": 0.9})))

    assert data["gates"][0] == {
        "index": 0,
        "metric": "a",
        "line": 1,
        "severity": "block",
        "direction": "higher",
        "candidate": 0.88,
        "baseline": 0.9,
        "delta": pytest.approx(-0.02),
        "bound": 0.9,
        "operator": ">=",
        "status": "fail",
        "reason": "min: needs ≥ 0.9; max-regression: needs ≥ 0.89",
        "checks": [
            {
                "rule": "min",
                "operator": ">=",
                "bound": 0.9,
                "passed": False,
                "note": "",
            },
            {
                "rule": "max-regression",
                "operator": ">=",
                "bound": 0.89,
                "passed": False,
                "note": "",
            },
        ],
    }


def test_render_json__summary_fields(make_verdict):
    """The top level says the verdict, whether it passed, counts and the baseline."""
    gates = [{"metric": "a", "min": 1}, {"metric": "b", "max": 1, "optional": True}]
    verdict = make_verdict(gates, {"a": 1}, {"a": 1}, label="v1", url="https://x/y")

    data = verdict_data(verdict)

    assert {k: v for k, v in data.items() if k != "gates"} == {
        "version": 1,
        "name": "model",
        "verdict": "pass",
        "passed": True,
        "headline": "passed — 1 of 2 gates passed, 1 skipped",
        "error": "",
        "details": [],
        "baseline": {
            "label": "v1",
            "url": "https://x/y",
            "commit": "",
            "date": "",
            "exists": True,
        },
        "warnings": [],
        "counts": {"pass": 1, "warn": 0, "fail": 0, "skip": 1},
    }


def test_render_json__error_verdict():
    """An error verdict is JSON with no gates and the error message."""

    data = json.loads(render_json(error_verdict("m", "gate file not found")))

    assert (data["verdict"], data["passed"], data["error"], data["gates"]) == (
        "error",
        False,
        "gate file not found",
        [],
    )


def test_render_json__is_one_ascii_line(make_verdict):
    """The JSON verdict is a single ASCII line, safe in any output or log."""
    verdict = make_verdict([{"metric": "m\u00e9\nx", "max": 1}], {"m\u00e9\nx": 2})

    text = render_json(verdict)

    assert (text.isascii(), "\n" in text) == (True, False)


def test_render_json__bound_beyond_float_range_is_null(make_verdict):
    """A bound too large for a float is null rather than invalid JSON."""
    gates = [
        {"metric": "m", "direction": "higher", "min-improvement": "100000000000000%"}
    ]

    text = render_json(make_verdict(gates, {"m": 1}, '{"m": 1e300}'))

    assert json.loads(text)["gates"][0]["bound"] is None


def test_render_text__table_and_reasons(make_verdict):
    """The log shows a headline, an aligned table, then why each gate failed."""
    gates = [
        {"metric": "quality.accuracy", "direction": "higher", "min": 0.9},
        {"metric": "latency", "max": 50, "severity": "warn"},
        {"metric": "missing", "min": 0},
        {"metric": "bad", "min": 0},
    ]
    candidate = '{"quality": {"accuracy": 0.95}, "latency": 60, "bad": NaN}'

    text = render_text(make_verdict(gates, candidate, {"latency": 40}, label="v1"))

    assert text.splitlines() == [
        "qgate · model: blocked — 2 of 4 gates failed",
        "baseline: v1",
        "status  metric            candidate  baseline  bound",
        "fail    missing           missing    —         —",
        "fail    bad               NaN        —         —",
        "warn    latency           60         40        ≤ 50",
        "pass    quality.accuracy  0.95       —         ≥ 0.9",
        "fail: missing: metric missing from the candidate",
        "fail: bad: invalid metric value: NaN",
        "warn: latency: max: needs ≤ 50",
    ]


def test_render_text__error_is_not_repeated():
    """An error verdict's message is left to the error line printed before it."""
    verdict = error_verdict("m", "line one\nline two\x1b[31m")

    text = render_text(verdict)

    assert text.splitlines() == [
        "qgate · m: could not evaluate — release blocked",
        "baseline: not fetched",
    ]


def test_render_text__long_tables_are_cut(make_verdict):
    """Beyond the row limit the table says how many gates it left out."""
    gates = [{"metric": f"m{i}", "max": 1} for i in range(8)]

    text = render_text(make_verdict(gates, {f"m{i}": 0 for i in range(8)}), limit=5)

    assert text.splitlines()[-1] == "... 3 more gates in the report"


def test_render_text__warnings_and_long_names(make_verdict):
    """Baseline warnings print, and names longer than the column are cut."""
    name = "n" * 50
    verdict = make_verdict(
        [{"metric": name, "max": 1}], {name: 0}, warnings=("baseline is old",)
    )

    lines = render_text(verdict).splitlines()

    assert (lines[2], lines[4].split()[1]) == (
        "warning: baseline is old",
        "n" * 39 + "…",
    )


def test_render_text__stops_listing_reasons_after_the_limit(make_verdict):
    """With very many failures the reasons stop shortly after the table's limit."""
    gates = [{"metric": f"m{i:03}", "max": 0} for i in range(100)]

    text = render_text(
        make_verdict(gates, {f"m{i:03}": 1 for i in range(100)}), limit=5
    )

    lines = text.splitlines()
    assert (len(lines), lines[-1]) == (66, "fail: m056: max: needs ≤ 0")
