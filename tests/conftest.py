"""Shared fixtures for every test level."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from qgate.evaluate import BaselineInfo, Verdict, evaluate
from qgate.gatefile import GateFile, parse_gate_file
from qgate.metrics import Metrics, parse_metrics
from qgate.runner import Runner
from tests.helpers import dump, gate_file_text


@pytest.fixture
def make_gate_file() -> Callable[..., GateFile]:
    """Build a validated gate file from gate mappings (keys as in YAML)."""

    def make(
        *gates: Mapping[str, Any],
        baseline: Mapping[str, Any] | None = None,
        **top: Any,
    ) -> GateFile:
        return parse_gate_file(
            gate_file_text(*gates, baseline=baseline, **top), "g.yml"
        )

    return make


@pytest.fixture
def write_gate_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a gate file into ``tmp_path`` and return its path."""

    def write(
        *gates: Mapping[str, Any],
        baseline: Mapping[str, Any] | None = None,
        filename: str = "gates.yml",
        **top: Any,
    ) -> Path:
        path = tmp_path / filename
        path.write_text(gate_file_text(*gates, baseline=baseline, **top), "utf-8")
        return path

    return write


@pytest.fixture
def make_metrics() -> Callable[..., Metrics]:
    """Parse metrics from a mapping, or from raw JSON/YAML text kept as written."""

    def make(values: Mapping[str, Any] | str, source: str = "metrics.json") -> Metrics:
        text = values if isinstance(values, str) else dump(values)
        return parse_metrics(text, source)

    return make


@pytest.fixture
def write_metrics(tmp_path: Path) -> Callable[..., Path]:
    """Write a metrics file (a mapping is written as JSON) and return its path."""

    def write(values: Mapping[str, Any] | str, filename: str = "metrics.json") -> Path:
        path = tmp_path / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(values if isinstance(values, str) else dump(values), "utf-8")
        return path

    return write


@pytest.fixture
def make_runner(tmp_path: Path) -> Callable[..., tuple[Runner, io.StringIO]]:
    """A Runner writing its log to a StringIO; ``actions=True`` mimics a runner."""

    def make(*, actions: bool = True, **env: str) -> tuple[Runner, io.StringIO]:
        base = {"GITHUB_ACTIONS": "true"} if actions else {}
        stream = io.StringIO()
        return Runner({**base, **env}, stream=stream), stream

    return make


@pytest.fixture
def make_verdict(make_gate_file, make_metrics) -> Callable[..., Verdict]:
    """Evaluate gates on candidate metrics, with baseline metrics or none."""

    def make(
        gates: list[Mapping[str, Any]],
        candidate: Mapping[str, Any] | str,
        baseline: Mapping[str, Any] | str | None = None,
        *,
        when_missing: str = "warn",
        label: str = "",
        **info: Any,
    ) -> Verdict:
        gate_file = make_gate_file(*gates, baseline={"when-missing": when_missing})
        base = None if baseline is None else make_metrics(baseline, "base.json")
        default = "none (judged as a first release)" if base is None else "v1.4.0"
        baseline_info = BaselineInfo(base, label or default, **info)
        return evaluate(gate_file, make_metrics(candidate), baseline_info)

    return make
