"""Properties that hold for any gate file and any metrics, schema-shaped or junk.

Examples are derandomized so that CI runs the same ones every time.
"""

from __future__ import annotations

import decimal
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qgate.evaluate import BaselineInfo, Status, evaluate
from qgate.gatefile import parse_gate_file
from qgate.metrics import parse_metrics
from tests.helpers import dump
from tests.hostile.conftest import TOKEN
from tests.hostile.grammar import assert_inert, assert_outputs

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = ["acc", "loss", "f1", "latency.p95_ms"]
INVALID = [float("nan"), float("inf"), float("-inf"), True, False, "0.9", None, [1],
           {}, {"x": 1}]

numbers = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False)
tolerances = st.one_of(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
    st.decimals(min_value=0, max_value=50, places=1, allow_nan=False).map(
        lambda d: f"{d}%"),
)


@st.composite
def gates(draw: Any) -> dict[str, Any]:
    """One valid gate on a known metric, with a random mix of rules."""
    gate: dict[str, Any] = {"metric": draw(st.sampled_from(NAMES))}
    low, high = sorted([draw(numbers), draw(numbers)])
    if draw(st.booleans()):
        gate[draw(st.sampled_from(["min", "above"]))] = low
    if draw(st.booleans()):
        gate["max" if low == high else draw(st.sampled_from(["max", "below"]))] = high
    if draw(st.booleans()):
        gate["direction"] = draw(st.sampled_from(["higher", "lower"]))
        for key in ("max-regression", "min-improvement"):
            if draw(st.booleans()):
                gate[key] = draw(tolerances)
    if set(gate) <= {"metric", "direction"}:
        gate["min"] = low
    for key, extra in (("severity", st.sampled_from(["block", "warn"])),
                       ("optional", st.booleans()),
                       ("description", st.text(max_size=30))):
        if draw(st.booleans()):
            gate[key] = draw(extra)
    return gate


def _metrics(values: dict[str, Any]) -> dict[str, Any]:
    """Place dotted names in nested objects, the way evaluations write them."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        head, _, tail = name.partition(".")
        if tail:
            data.setdefault(head, {})[tail] = value
        else:
            data[name] = value
    return data


values = st.dictionaries(
    st.sampled_from(NAMES), st.one_of(numbers, st.sampled_from(INVALID)), max_size=4
)


def _is_usable(value: Any) -> bool:
    return isinstance(value, decimal.Decimal)


@SETTINGS
@given(
    gate_list=st.lists(gates(), min_size=1, max_size=4,
                       unique_by=lambda g: (g["metric"], g.get("severity", "block"))),
    candidate=values,
    baseline=st.one_of(st.none(), values),
    when_missing=st.sampled_from(["pass", "warn", "fail"]),
)
def test_properties__missing_or_invalid_values_never_pass(
    qgate, tmp_path, gate_list, candidate, baseline, when_missing
):
    """Any schema-shaped gate file: the exit code is 0-3 with a message and no
    traceback, and a gate whose metric is missing or unusable never passes."""
    text = dump({"version": 1, "name": "p", "baseline": {"when-missing": when_missing},
                 "gates": gate_list})
    (tmp_path / "g.yml").write_text(text, "utf-8")
    (tmp_path / "m.json").write_text(dump(_metrics(candidate)), "utf-8")
    flags = ["--no-baseline"]
    if baseline is not None:
        (tmp_path / "b.json").write_text(dump(_metrics(baseline)), "utf-8")
        flags = ["--baseline", "b.json"]

    run = qgate("check", "--gates", "g.yml", "--metrics", "m.json", "--json",
                "v.json", *flags)

    assert run.code in (0, 1, 2, 3)
    assert run.out.strip()
    assert "Traceback" not in run.log
    if run.code == 2:
        return
    verdict = json.loads((tmp_path / "v.json").read_text("utf-8"))
    for gate, result in zip(gate_list, verdict["gates"], strict=True):
        value = candidate.get(gate["metric"], "missing")
        if value == "missing" and gate.get("optional"):
            assert result["status"] == "skip"
        elif not _is_usable(value):
            assert result["status"] in ("fail", "warn"), result
            if gate.get("severity", "block") == "block":
                assert result["status"] == "fail"
                assert run.code == 1


junk = st.one_of(
    st.binary(max_size=200),
    st.text(alphabet=st.sampled_from(list("version: 1gates-[]{},&*!|>'\"%@`#\n\t ")),
            max_size=200),
)


@SETTINGS
@given(gate_text=junk, metrics_text=junk)
def test_properties__junk_never_crashes(qgate, tmp_path, gate_text, metrics_text):
    """Random bytes or YAML-ish text as gate file and metrics: an exit code of 0-3,
    a message, and never a traceback."""
    for name, content in (("g.yml", gate_text), ("m.json", metrics_text)):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")

    run = qgate("check", "--gates", "g.yml", "--metrics", "m.json", "--no-baseline")

    assert run.code in (0, 1, 2, 3)
    assert run.out.strip()
    assert "Traceback" not in run.log


@st.composite
def improving(draw: Any) -> tuple[dict[str, Any], decimal.Decimal, decimal.Decimal,
                                  decimal.Decimal]:
    """A gate whose absolute bounds sit on its worse side, a baseline, a candidate
    and a positive improvement. (A bound on the better side, such as a sanity cap on
    accuracy, is meant to fail an improvement, so it is left out.)"""
    direction = draw(st.sampled_from(["higher", "lower"]))
    gate: dict[str, Any] = {"metric": "m", "direction": direction}
    floor = draw(st.sampled_from(
        ["min", "above"] if direction == "higher" else ["max", "below"]))
    for key in (floor, "max-regression", "min-improvement"):
        if draw(st.booleans()):
            gate[key] = draw(tolerances if "-" in key else numbers)
    if not set(gate) - {"metric", "direction"}:
        gate["max-regression"] = draw(tolerances)
    return (gate, draw(numbers), draw(numbers),
            draw(st.decimals(min_value="0.001", max_value=1000, places=3)))


@SETTINGS
@given(case=improving(), when_missing=st.sampled_from(["pass", "warn", "fail"]),
       has_baseline=st.booleans())
def test_properties__improving_a_metric_never_fails_a_passing_gate(
    case, when_missing, has_baseline
):
    """Moving the candidate in its better direction keeps a passing gate passing."""
    gate, base, value, step = case
    better = value + step if gate["direction"] == "higher" else value - step
    gate_file = parse_gate_file(
        dump({"version": 1, "baseline": {"when-missing": when_missing},
              "gates": [gate]}), "g.yml")
    info = BaselineInfo(
        parse_metrics(dump({"m": base}), "b.json") if has_baseline else None, "base")

    def status(candidate: decimal.Decimal) -> Status:
        metrics = parse_metrics(dump({"m": candidate}), "m.json")
        return evaluate(gate_file, metrics, info).results[0].status

    if status(value) is Status.PASS:
        assert status(better) is Status.PASS


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=40), text=st.text(max_size=60))
def test_properties__any_text_stays_inert(action, name, text):
    """Any metric name, text value and description: no command, exact outputs."""
    gates_text = json.dumps({"version": 1, "gates": [
        {"metric": name.replace("\\", "\\\\").replace(".", "\\."), "min": 1,
         "description": text},
        {"metric": "label", "min": 1, "description": text}]})

    run = action(gates_text, json.dumps({name: 0.5, "label": text}))

    assert run.code == 1, run.log
    assert_inert(run.log, secrets=[TOKEN])
    assert_outputs(run.output_file, passed="false", verdict="fail")
