"""The shipped gate-file JSON Schema: well-formed, identified and documented."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from qgate.gatefile import schema_text
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The shipped schema, parsed."""
    return json.loads(schema_text())


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (path, subschema) for every property declared anywhere in ``node``."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}[{index}]")


def test_schema__is_valid_against_its_metaschema(schema):
    """The schema itself validates against the draft 2020-12 metaschema."""

    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema__has_an_id_and_draft(schema):
    """The schema names itself with $id and declares its draft."""

    assert (schema["$id"].endswith("/schema/gates.schema.json"), schema["$schema"]) == (
        True,
        "https://json-schema.org/draft/2020-12/schema",
    )


def test_schema__every_property_has_a_description(schema):
    """Every property, at every level, explains itself with a description."""

    undocumented = [
        path for path, sub in _properties(schema) if not sub.get("description")
    ]

    assert undocumented == []


def test_schema__walk_finds_nested_properties(schema):
    """The description check reaches gate and baseline properties too."""

    paths = {path.rsplit(".", 1)[-1] for path, _ in _properties(schema)}

    assert {"max-regression", "when-missing", "metric", "version"} <= paths


def test_schema__every_definition_has_a_description(schema):
    """Each reusable definition under $defs says what it is."""

    assert [
        name for name, sub in schema["$defs"].items() if "description" not in sub
    ] == []


def test_schema_text__is_the_file_in_schema_folder():
    """The loader serves the schema/ file byte for byte."""

    expected = (ROOT / "schema" / "gates.schema.json").read_text("utf-8")

    assert schema_text() == expected
