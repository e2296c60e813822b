"""Helpers shared by tests: gate-file text, runner output files, subprocesses."""

from __future__ import annotations

import decimal
import json
import math
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

# Variables a runner sets; a test that starts qgate drops the ones it inherited.
_RUNNER_PREFIXES = ("GITHUB_", "INPUT_", "RUNNER_", "ACTIONS_", "QGATE_")


def dump(value: Any) -> str:
    """Write ``value`` as JSON text (a subset of YAML) with numbers exactly as given.

    Decimals and ints keep their digits, floats use their shortest form, and
    non-finite floats become ``NaN``/``Infinity``, which Python's JSON reader accepts.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k))}: {dump(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(dump(v) for v in value) + "]"
    raise TypeError(f"cannot dump {type(value).__name__}")


def gate_file_text(
    *gates: Mapping[str, Any], baseline: Mapping[str, Any] | None = None, **top: Any
) -> str:
    """The text of a version-1 gate file named ``model`` holding ``gates``."""
    data: dict[str, Any] = {"version": 1, "name": "model", **top}
    if baseline is not None:
        data["baseline"] = baseline
    data["gates"] = list(gates)
    return dump(data) + "\n"


class OutputFileError(ValueError):
    """$GITHUB_OUTPUT holds something the runner would refuse."""


def parse_github_output(text: str) -> dict[str, str]:
    """Read a $GITHUB_OUTPUT file the way the runner does: ``k=v`` or heredocs.

    A heredoc is ``NAME<<DELIMITER``, the value's lines, then a line that is
    exactly the delimiter; a missing closing line is an error, as on a runner.
    """
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line[:equals], line[equals + 1 :]
        elif heredoc >= 0:
            name, delimiter = line[:heredoc], line[heredoc + 2 :]
            if not delimiter:
                raise OutputFileError(f"line {index}: empty heredoc delimiter")
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index == len(lines):
                raise OutputFileError(f"{name}: no closing line '{delimiter}'")
            index += 1
            value = "\n".join(body)
        else:
            raise OutputFileError(f"line {index}: neither 'k=v' nor 'k<<DELIMITER'")
        if not name:
            raise OutputFileError(f"line {index}: output without a name")
        outputs[name] = value
    return outputs


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` with tests/golden/``name``; QGATE_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("QGATE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without runner variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_RUNNER_PREFIXES)}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def run_python(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ``args`` and capture its text output."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
