"""Loading gate files: the model built, and schema errors mapped to positions."""

from __future__ import annotations

import decimal

import jsonschema
import pytest

from qgate import gatefile
from qgate.document import load_yaml
from qgate.errors import ConfigError
from qgate.gatefile import (
    BaselineSpec,
    Gate,
    Tolerance,
    load_gate_file,
    parse_gate_file,
    schema_problems,
)

D = decimal.Decimal


def test_parse_gate_file__builds_gates_in_file_order():
    """Each list item becomes a Gate with its rules, position and defaults."""
    text = (
        "version: 1\n"
        "gates:\n"
        "  - metric: quality.auc\n"
        "    description: Ranking quality.\n"
        "    direction: higher\n"
        "    min: 0.8\n"
        "    max-regression: 1.5%\n"
        "  - metric: latency\\.p95\n"
        "    below: 50\n"
        "    min-improvement: 0.5\n"
        "    direction: lower\n"
        "    severity: warn\n"
        "    optional: true\n"
    )

    gates = parse_gate_file(text, "models/churn.yml").gates

    assert gates == (
        Gate(
            index=0,
            metric="quality.auc",
            line=3,
            col=5,
            direction="higher",
            min=D("0.8"),
            max_regression=Tolerance(D("1.5"), True),
            description="Ranking quality.",
        ),
        Gate(
            index=1,
            metric="latency\\.p95",
            line=8,
            col=5,
            direction="lower",
            below=D("50"),
            min_improvement=Tolerance(D("0.5"), False),
            severity="warn",
            optional=True,
        ),
    )


@pytest.mark.parametrize(
    ("gate", "is_blocking", "is_relative"),
    [
        (Gate(0, "m", 1, 1, min=D(1)), True, False),
        (Gate(0, "m", 1, 1, min=D(1), severity="warn"), False, False),
        (Gate(0, "m", 1, 1, max_regression=Tolerance(D(1), True)), True, True),
        (Gate(0, "m", 1, 1, min_improvement=Tolerance(D(0), False)), True, True),
    ],
)
def test_gate__blocking_and_relative(gate, is_blocking, is_relative):
    """A gate blocks unless its severity is warn, and is relative with a tolerance."""

    assert (gate.is_blocking, gate.is_relative) == (is_blocking, is_relative)


@pytest.mark.parametrize(
    ("tolerance", "text"),
    [(Tolerance(D("2.5"), True), "2.5%"), (Tolerance(D("0.01"), False), "0.01")],
)
def test_tolerance__prints_as_written(tolerance, text):
    """A tolerance prints the way it is written in a gate file."""

    assert str(tolerance) == text


@pytest.mark.parametrize(
    ("baseline", "expected"),
    [
        ({}, BaselineSpec()),
        ({"file": "b.json"}, BaselineSpec(source="file", file="b.json")),
        (
            {"source": "none", "file": "b.json"},
            BaselineSpec(source="none", file="b.json"),
        ),
        (
            {
                "source": "release",
                "when-missing": "fail",
                "asset": "eval.json",
                "tag-pattern": "churn-v*",
                "prereleases": True,
                "max-age-days": 30,
            },
            BaselineSpec(
                source="release",
                when_missing="fail",
                asset="eval.json",
                tag_pattern="churn-v*",
                prereleases=True,
                max_age_days=D(30),
            ),
        ),
        (
            {"source": "artifact", "workflow": "train.yml", "artifact": "m"},
            BaselineSpec(source="artifact", workflow="train.yml", artifact="m"),
        ),
        (
            {"source": "branch", "ref": "main", "path": "m.json", "tag": "v1"},
            BaselineSpec(source="branch", ref="main", path="m.json", tag="v1"),
        ),
    ],
)
def test_parse_gate_file__baseline_block(make_gate_file, baseline, expected):
    """The baseline block fills a BaselineSpec; a file alone implies source: file."""

    gate_file = make_gate_file({"metric": "m", "min": 0}, baseline=baseline)

    assert gate_file.baseline == expected


@pytest.mark.parametrize(
    ("path", "top", "name"),
    [
        ("models/churn.yml", {"name": "churn-v2"}, "churn-v2"),
        ("models/churn.yml", {}, "churn"),
        ("gates.yaml", {}, "gates"),
    ],
)
def test_parse_gate_file__name_defaults_to_the_file_stem(path, top, name):
    """Without a name, the gate is named after its file."""
    text = "version: 1\ngates: [{metric: m, min: 0}]\n" + "".join(
        f"{k}: {v}\n" for k, v in top.items()
    )

    assert parse_gate_file(text, path).name == name


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("a.b", "a.b"),
        ("a\\.b", "a\\.b"),
        ("a\\b", "ab"),
        ("a\\\\b", "a\\\\b"),
    ],
)
def test_parse_gate_file__metric_names_are_canonical(
    make_gate_file, written, canonical
):
    """Metric names are stored in the one spelling lookups use."""

    gate_file = make_gate_file({"metric": written, "min": 0})

    assert gate_file.gates[0].metric == canonical


def test_parse_gate_file__errors_come_sorted_by_position():
    """Every schema problem is reported, first by line, then by column."""
    text = (
        "version: 1\n"
        "gates:\n"
        "  - {metric: a, min: x, max: y}\n"
        "  - {metric: b, severity: no}\n"
        "extra: 1\n"
    )

    with pytest.raises(ConfigError) as caught:
        parse_gate_file(text, "g.yml")

    assert [caught.value.message, *caught.value.details] == [
        'g.yml:3:22: gates[0].min: must be a number, not the string "x" — write a number',
        'g.yml:3:30: gates[0].max: must be a number, not the string "y" — write a number',
        "g.yml:4:5: gates[1]: the gate has no rule — add one of min, max, above, "
        "below, max-regression, min-improvement",
        'g.yml:4:27: gates[1].severity: the string "no" is not one of: block, warn — '
        "use one of them",
        "g.yml:5:1: extra: unknown key — remove it (allowed: baseline, description, "
        "gates, name, version)",
    ]


def test_parse_gate_file__semantic_checks_wait_for_a_valid_schema():
    """Contradictions are checked only once the file fits the schema."""
    text = "version: 1\ngates:\n  - {metric: a, min: 2, max: 1, severity: x}\n"

    with pytest.raises(ConfigError) as caught:
        parse_gate_file(text, "g.yml")

    assert (caught.value.message, caught.value.details) == (
        'g.yml:3:43: gates[0].severity: the string "x" is not one of: block, warn — '
        "use one of them",
        [],
    )


def test_load_gate_file__reads_from_disk(tmp_path):
    """load_gate_file() reads a path and names it in the model."""
    path = tmp_path / "g.yml"
    path.write_text("version: 1\ngates: [{metric: m, max: 1}]\n", "utf-8")

    gate_file = load_gate_file(str(path))

    assert (gate_file.path, gate_file.name, len(gate_file.gates)) == (str(path), "g", 1)


def test_load_gate_file__too_large(tmp_path, monkeypatch):
    """A gate file over the size limit is refused."""
    monkeypatch.setattr(gatefile, "MAX_GATE_FILE_BYTES", 10)
    path = tmp_path / "g.yml"
    path.write_text("version: 1\ngates: []\n", "utf-8")

    with pytest.raises(ConfigError) as caught:
        load_gate_file(str(path))

    assert caught.value.message == (
        f"{path}: gate file is 21 bytes, over the limit of 10 bytes — trim the file "
        "or split it."
    )


@pytest.mark.parametrize(
    ("schema", "text", "messages"),
    [
        (
            {"properties": {"x": {"anyOf": [{"type": "string"}, {"minimum": 5}]}}},
            "x: 3\n",
            [
                "g.yml:1:4: x: must be a string, not 3 — write a string "
                "(1 other possible errors hidden)"
            ],
        ),
        (
            {"properties": {"x": {"oneOf": [{"type": "string"}]}}},
            "x: 3\n",
            ["g.yml:1:4: x: must be a string, not 3 — write a string"],
        ),
        (
            {"properties": {"x": {"maxItems": 1}}},
            "x: [1, 2]\n",
            ["g.yml:1:4: x: more than 1 items — split the gate file"],
        ),
        (
            {"properties": {"x": {"maxLength": 3}}},
            "x: abcd\n",
            ["g.yml:1:4: x: is longer than 3 characters — shorten it"],
        ),
        (
            {"properties": {"x": {"minimum": 3}}},
            "x: 2\n",
            ["g.yml:1:4: x: 2 is too small — it must be >= 3"],
        ),
        (
            {"properties": {"x": {"const": 3}}},
            "x: 2\n",
            ["g.yml:1:4: x: 3 was expected — see schema/gates.schema.json"],
        ),
        (
            {"properties": {"x": {"enum": ["a", "b"]}}},
            "x: [1]\n",
            ["g.yml:1:4: x: a list is not one of: a, b — use one of them"],
        ),
        (
            {"properties": {"x": {"enum": [1]}}},
            "x: {a: 1}\n",
            ["g.yml:1:4: x: a mapping is not one of: 1 — use one of them"],
        ),
        (
            {"properties": {"x": {"type": "string"}}},
            "x: " + "y" * 50 + "\n",
            [],
        ),
        (
            {"properties": {"x": {"type": "number"}}},
            "x: " + "y" * 50 + "\n",
            [
                'g.yml:1:4: x: must be a number, not the string "'
                + "y" * 37
                + '..." — write a number'
            ],
        ),
    ],
)
def test_schema_problems__explains_each_kind_of_error(
    monkeypatch, schema, text, messages
):
    """Each JSON Schema failure becomes a plain message at the value's position."""
    validator = jsonschema.Draft202012Validator(schema)
    monkeypatch.setattr(gatefile, "_validator", lambda: validator)

    problems = schema_problems(load_yaml(text, "g.yml"))

    assert problems == messages


def test_schema_text__missing_schema_file(monkeypatch):
    """Without the schema file on disk, loading the schema raises FileNotFoundError."""
    monkeypatch.setattr(gatefile.os.path, "exists", lambda _: False)
    gatefile.schema_text.cache_clear()

    try:
        with pytest.raises(FileNotFoundError):
            gatefile.schema_text()
    finally:
        gatefile.schema_text.cache_clear()
