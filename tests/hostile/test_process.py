"""A few hostile inputs through real processes, where the interpreter's own stack
depth and stream encodings apply: the entry point and ``python -m qgate``."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT, clean_env, parse_github_output, run_python
from tests.hostile.conftest import CORPUS, GATES
from tests.hostile.grammar import assert_inert

DEEP = "version: 1\ngates: " + '{"a": ' * 2000 + "1" + "}" * 2000 + "\n"


@pytest.mark.parametrize(
    ("gates", "metrics", "code"),
    [
        (GATES, (CORPUS / "metrics" / "lone-surrogate-value.json").read_text(), 1),
        (DEEP, '{"accuracy": 0.95}', 2),
    ],
    ids=["lone surrogate", "deep YAML"],
)
def test_process__entrypoint_reports_without_a_traceback(tmp_path, gates, metrics,
                                                         code):
    """The container's entry point exits with the verdict's code and writes its
    outputs, with no traceback on either stream."""
    (tmp_path / "qgate.yml").write_text(gates, "utf-8")
    (tmp_path / "metrics.json").write_text(metrics, "utf-8")
    env = clean_env(GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(tmp_path),
                    GITHUB_OUTPUT=str(tmp_path / "out"),
                    GITHUB_STEP_SUMMARY=str(tmp_path / "summary"),
                    INPUT_GATES="qgate.yml", INPUT_METRICS="metrics.json",
                    **{"INPUT_BASELINE-SOURCE": "none", "INPUT_COMMENT": "never"})

    result = run_python([str(ROOT / "entrypoint.py")], cwd=tmp_path, env=env)

    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert_inert(result.stdout)
    outputs = parse_github_output((tmp_path / "out").read_text("utf-8"))
    assert outputs["passed"] == "false"


def test_process__a_terminal_without_utf8_still_gets_the_verdict(tmp_path):
    """On a terminal that cannot encode "—" or "≥", the verdict still prints."""
    (tmp_path / "g.yml").write_text(GATES, "utf-8")
    (tmp_path / "m.json").write_text('{"accuracy": 0.1}', "utf-8")
    env = clean_env(PYTHONIOENCODING="ascii")

    result = run_python(["-m", "qgate", "check", "--gates", "g.yml", "--metrics",
                         "m.json", "--no-baseline"], cwd=tmp_path, env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "accuracy: min: needs ? 0.5" in result.stdout
