"""Work and words stay bounded and honest whatever the input: no hour-long search
for close names, and no claim of retries that never happened."""

from __future__ import annotations

import decimal
import time

from qgate.evaluate import BaselineInfo, Status, evaluate
from qgate.gatefile import BaselineSpec, Gate, GateFile
from qgate.metrics import Metrics
from tests.fake_github.server import FakeGitHub
from tests.hostile.conftest import TOKEN


def test_answers__ten_thousand_missing_metrics_are_judged_quickly():
    """10,000 gates on metrics absent from 100,000 similar names: every gate fails
    within seconds; only the first get suggestions."""
    metrics = Metrics("m.json", {f"metric_{i}": decimal.Decimal(1)
                                 for i in range(100_000)})
    gates = tuple(Gate(index=i, metric=f"mxtric_{i}", line=i + 3, col=5,
                       min=decimal.Decimal(0)) for i in range(10_000))
    gate_file = GateFile("g.yml", "big", BaselineSpec(), gates)
    started = time.monotonic()

    verdict = evaluate(gate_file, metrics, BaselineInfo(None, "none"))

    assert time.monotonic() - started < 30
    assert verdict.count(Status.FAIL) == 10_000
    assert "closest: metric_0" in verdict.results[0].reason
    assert verdict.results[-1].reason == "metric missing from the candidate"


def test_answers__an_answer_not_retried_is_not_called_retried(fake_github: FakeGitHub,
                                                              action):
    """An unexpected status is reported once, without "after 4 attempts"."""
    fake_github.add_token(TOKEN)
    fake_github.inject("GET", "/releases/latest$", 418, times=None)

    run = action(fake=fake_github, baseline_source="release")

    assert run.code == 3
    assert "GitHub answered HTTP 418 for the latest release" in run.out
    assert "attempts" not in run.out
    assert fake_github.count("GET", "/releases/latest$") == 1
