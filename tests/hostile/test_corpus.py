"""Every file in tests/hostile/corpus through the command line and the action's entry
point: the exact exit code, the message with its position, and never a traceback."""

from __future__ import annotations

import shutil

import pytest

from tests.hostile.conftest import CORPUS, TOKEN
from tests.hostile.grammar import assert_inert, assert_outputs

# file → (exit code, the first message, from its "file:line:col: " on)
GATE_FILES = {
    "alias-depth-bomb.yml": (2, "2:5: the document expands to more than 1,000,000 "
                                "values or 64 levels"),
    "billion-laughs.yml": (2, "3:7: the document expands to more than 1,000,000 values"),
    "bom.yml": (0, None),
    "bound-boolean.yml": (2, "4:10: gates[0].min: must be a number, not the boolean "
                             "true"),
    "bound-huge.yml": (2, "4:10: gates[0].min: 1E+999999999 is out of range"),
    "bound-infinity.yml": (2, "4:10: gates[0].max: must be a number, not .inf"),
    "bound-nan.yml": (2, "4:10: gates[0].min: must be a number, not .nan"),
    "bound-null.yml": (2, "4:10: gates[0].min: must be a number, not null"),
    "comment-only.yml": (2, "1:1: the file holds no document"),
    "complex-key.yml": (2, "4:7: gates[0] has a key that is not a plain string"),
    "control-character.yml": (2, "5:23: cannot parse YAML: character U+0007 is not "
                                 "allowed"),
    "duplicate-key.yml": (2, "5:5: gates[0].min: duplicate key (first written at "
                             "line 4)"),
    "duplicate-top-key.yml": (2, "2:1: version: duplicate key"),
    "empty.yml": (2, "1:1: gate file is empty"),
    "malformed-json.json": (2, "2:1: cannot parse YAML: expected ',' or ']'"),
    "malformed-yaml.yml": (2, "5:1: cannot parse YAML: expected ',' or ']'"),
    "merge-key.yml": (2, "5:5: merge keys ('<<') are not supported"),
    "name-with-newline.yml": (2, "2:7: name: the string "),
    "negative-tolerance.yml": (2, "5:21: gates[0].max-regression: -0.01 is not a "
                                  "tolerance"),
    "no-rule.yml": (2, "3:5: gates[0]: the gate has no rule"),
    "not-a-mapping.yml": (2, "1:1: a gate file must be a mapping"),
    "not-utf8.yml": (2, "3:18: gate file is not valid UTF-8 (byte 0xe9)"),
    "nul-character.yml": (2, "4:14: cannot parse YAML: character U+0000 is not allowed"),
    "percent-alone.yml": (2, '5:21: gates[0].max-regression: the string "%" is not a '
                             "tolerance"),
    "percent-letters.yml": (2, '5:21: gates[0].max-regression: the string "abc%" is '
                               "not a tolerance"),
    "percent-negative.yml": (2, '5:22: gates[0].min-improvement: the string "-5%" is '
                                "not a tolerance"),
    "percent-newline.yml": (2, '5:21: gates[0].max-regression: the string "5%\\n" is '
                               "not a tolerance"),
    "percent-space.yml": (2, '5:21: gates[0].max-regression: the string "5 %" is not '
                             "a tolerance"),
    "python-tag.yml": (2, "4:10: gates[0].min: must be a number, not a list"),
    "same-metric-twice.yml": (2, "5:5: gates[1]: metric 'accuracy' already has a "
                                 "block gate (gates[0])"),
    "scalar.yml": (2, "1:1: a gate file must be a mapping"),
    "tab-indent.yml": (2, "3:1: cannot parse YAML: found character '\\t' that cannot "
                          "start any token (tabs cannot indent YAML; use spaces)"),
    "two-documents.yml": (2, "5:1: cannot parse YAML: but found another document"),
    "unknown-direction.yml": (2, '4:16: gates[0].direction: the string "up" is not one '
                                 "of: higher, lower"),
    "unknown-field.yml": (2, "4:5: gates[0].minimum: unknown key — did you mean 'min'?"),
    "unknown-top-field.yml": (2, "2:1: owner: unknown key — remove it"),
    "version-2.yml": (2, "1:10: version: unsupported version 2"),
    "version-string.yml": (2, '1:10: version: unsupported version the string "1"'),
    "whitespace-only.yml": (2, "1:1: gate file is empty"),
    "wrong-type-bound.yml": (2, '4:10: gates[0].min: must be a number, not the string '
                                '"0.5"'),
    "wrong-type-gates.yml": (2, "3:3: gates: must be a list, not a mapping"),
    "wrong-type-metric.yml": (2, "3:13: gates[0].metric: must be a string, not a list"),
}
# Gate files that are wrong in more than one way report every problem.
ALSO: dict[str, str] = {}

METRICS_GATES = (
    "version: 1\nname: hostile\ngates:\n  - metric: accuracy\n    min: 0.5\n"
    "  - metric: latency.p95_ms\n    max: 150\n    optional: true\n"
)
# file → (exit code, a configuration error from "file:line:col: " on, or the reason
# the accuracy gate fails)
METRICS_FILES = {
    "bom.json": (0, None),
    "boolean.json": (1, "invalid metric value: boolean true"),
    "comments.json": (2, "2:3: cannot parse JSON: Expecting property name"),
    "dotted-ambiguous.json": (1, None),
    "dotted-flat-key.json": (0, None),
    "duplicate-key.json": (2, "3:3: accuracy: duplicate key (first written at line 2)"),
    "duplicate-key.yml": (2, "2:1: accuracy: duplicate key (first written at line 1)"),
    "empty-object.json": (1, "invalid metric value: a mapping"),
    "empty.json": (2, "1:1: metrics file is empty"),
    "infinity.json": (1, "invalid metric value: Infinity"),
    "list.json": (1, "invalid metric value: a list"),
    "lone-surrogate-key.json": (0, None),
    "lone-surrogate-value.json": (1, "invalid metric value: text '\ufffd'"),
    "malformed.json": (2, "2:10: cannot parse JSON: Expecting value"),
    "nan.json": (1, "invalid metric value: NaN"),
    "negative-infinity.json": (1, "invalid metric value: -Infinity"),
    "nested-object.json": (1, "invalid metric value: a mapping"),
    "not-utf8.json": (2, "2:4: metrics file is not valid UTF-8 (byte 0xf6)"),
    "null.json": (1, "invalid metric value: null"),
    "out-of-range.json": (1, "invalid metric value: 1E+999999 (out of range)"),
    "single-quotes.json": (2, "1:2: cannot parse JSON: Expecting property name"),
    "string.json": (1, "invalid metric value: text '0.95'"),
    "tabs.yml": (2, "2:1: cannot parse YAML: found character '\\t'"),
    "top-level-list.json": (2, "1:1: a metrics file must hold a mapping of names to "
                               "numbers, not a list"),
    "top-level-number.json": (2, "1:1: a metrics file must hold a mapping of names to "
                                 "numbers, not a number"),
    "trailing-comma.json": (2, "1:19: cannot parse JSON: Expecting property name"),
    "whitespace-only.json": (2, "1:1: metrics file is empty"),
    "yaml-binary.yml": (1, "invalid metric value: text 'AAEC'"),
    "yaml-date.yml": (1, "invalid metric value: text '2024-01-01'"),
    "yaml-infinity.yml": (1, "invalid metric value: -.inf"),
    "yaml-nan.yml": (1, "invalid metric value: .nan"),
    "yaml-yes.yml": (1, "invalid metric value: text 'yes'"),
}
# Needs a baseline source, so it has a test of its own below.
SPECIAL = {"baseline-file-nul.yml"}
# A million values are walked before it is refused (seconds): tested once, above.
SLOW = {"billion-laughs.yml"}


def _files(folder: str) -> list[str]:
    return sorted(p.name for p in (CORPUS / folder).iterdir())


@pytest.fixture
def corpus(tmp_path):
    """The corpus, copied so that messages name it by a short relative path."""
    shutil.copytree(CORPUS, tmp_path, dirs_exist_ok=True)
    (tmp_path / "ok-metrics.json").write_text('{"accuracy": 0.95}\n', "utf-8")
    (tmp_path / "ok-gates.yml").write_text(METRICS_GATES, "utf-8")
    return tmp_path


def test_corpus__every_file_has_an_expectation():
    """A file added to the corpus without an expected outcome fails the suite."""
    assert set(_files("gates")) == set(GATE_FILES) | SPECIAL
    assert set(_files("metrics")) == set(METRICS_FILES)


@pytest.mark.parametrize("name", sorted(GATE_FILES))
def test_corpus__gate_file_on_the_command_line(corpus, qgate, name):
    """A hostile gate file ends in its exact exit code and positioned message."""
    code, message = GATE_FILES[name]
    path = f"gates/{name}"

    run = qgate("check", "--gates", path, "--metrics", "ok-metrics.json",
                "--no-baseline")

    assert run.code == code, run.log
    assert "Traceback" not in run.log
    if message is not None:
        assert f"error: {path}:{message}" in run.out
    if name in ALSO:
        assert f"error: {path}:{ALSO[name]}" in run.out


@pytest.mark.parametrize("name", sorted(METRICS_FILES))
def test_corpus__metrics_file_on_the_command_line(corpus, qgate, name):
    """A hostile metrics file is a positioned configuration error or a failed gate."""
    code, message = METRICS_FILES[name]
    path = f"metrics/{name}"

    run = qgate("check", "--gates", "ok-gates.yml", "--metrics", path, "--no-baseline")

    assert run.code == code, run.log
    assert "Traceback" not in run.log
    if message is not None and code == 2:
        assert f"error: {path}:{message}" in run.out
    elif message is not None:
        assert f"fail: accuracy: {message}" in run.out


@pytest.mark.parametrize("name", sorted(set(GATE_FILES) - SLOW))
def test_corpus__gate_file_in_the_action(action, name):
    """In a runner, the same gate file exits the same way, annotated at its position,
    with every output set and nothing in the log read as someone else's command."""
    code, message = GATE_FILES[name]

    run = action((CORPUS / "gates" / name).read_bytes())

    assert run.code == code, run.log
    assert "Traceback" not in run.everything()
    assert_inert(run.log, secrets=[TOKEN])
    assert_outputs(run.output_file, passed="true" if code == 0 else "false")
    if message is not None:
        line, col, text = message.split(":", 2)
        annotation = f"::error file=qgate.yml,line={line},col={col},"
        assert any(
            row.startswith(annotation) and text.strip()[:20] in row
            for row in run.out.splitlines()
        ), run.out
        assert f"qgate.yml:{line}:{col}:" in run.summary


@pytest.mark.parametrize("name", sorted(METRICS_FILES))
def test_corpus__metrics_file_in_the_action(action, name):
    """In a runner, a hostile metrics file gives the same exit code and no stray
    workflow command, and never sets passed=true when the value is unusable."""
    code, _ = METRICS_FILES[name]

    run = action(METRICS_GATES, (CORPUS / "metrics" / name).read_bytes(),
                 metrics_name=name)

    assert run.code == code, run.log
    assert "Traceback" not in run.everything()
    assert_inert(run.log, secrets=[TOKEN])
    assert_outputs(run.output_file, passed="true" if code == 0 else "false")


def test_corpus__nul_in_a_baseline_path_is_a_configuration_error(action, qgate,
                                                                  corpus):
    """A NUL byte in baseline.file exits 2 with a message, in a runner and outside."""
    text = (CORPUS / "gates" / "baseline-file-nul.yml").read_text("utf-8")

    inside = action(text, baseline_source="")
    outside = qgate("check", "--gates", "gates/baseline-file-nul.yml", "--metrics",
                    "ok-metrics.json")

    assert (inside.code, outside.code) == (2, 2)
    for run in (inside, outside):
        assert "base\\0.json: a path cannot contain a NUL character" in run.out
    assert "Traceback" not in inside.everything() + outside.log
