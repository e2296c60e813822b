"""Gate files under tests/examples/: valid ones load, invalid ones fail as expected.

Add a case by dropping a file in ``valid/``, or a ``<name>.yml`` in ``invalid/``
with a ``<name>.expected`` beside it: every message qgate prints, one per line,
in order. Messages name the file relative to ``invalid/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qgate.document import decode, load_yaml
from qgate.errors import ConfigError
from qgate.gatefile import _validator, load_gate_file
from tests.helpers import ROOT

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VALID = sorted((EXAMPLES / "valid").glob("*.yml"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.yml"))
SHIPPED = [ROOT / "examples" / "breast-cancer" / "gates.yml"]


def _name(path: Path) -> str:
    return path.name


def test_examples__both_folders_hold_cases():
    """The collection finds valid and invalid examples (a moved folder fails here)."""

    assert (len(VALID) >= 5, len(INVALID) >= 15) == (True, True)


@pytest.mark.parametrize("path", INVALID, ids=_name)
def test_examples__every_invalid_file_has_its_expected_messages(path):
    """Each invalid example has a sibling .expected file."""

    assert path.with_suffix(".expected").is_file()


@pytest.mark.parametrize("path", VALID + SHIPPED, ids=_name)
def test_load_gate_file__valid_example_loads(path):
    """A valid example loads into at least one gate."""

    gate_file = load_gate_file(str(path))

    assert gate_file.gates


@pytest.mark.parametrize("path", VALID + SHIPPED, ids=_name)
def test_schema__valid_example_has_no_schema_error(path):
    """A valid example passes the shipped JSON Schema on its own."""
    data = load_yaml(decode(path.read_bytes(), path=str(path), what="x"), "x").data

    errors = [e.message for e in _validator().iter_errors(data)]

    assert errors == []


@pytest.mark.parametrize("path", INVALID, ids=_name)
def test_load_gate_file__invalid_example_reports_expected_messages(path, monkeypatch):
    """An invalid example fails with exactly the messages in its .expected file."""
    monkeypatch.chdir(path.parent)
    expected = path.with_suffix(".expected").read_text("utf-8").splitlines()

    with pytest.raises(ConfigError) as caught:
        load_gate_file(path.name)

    assert [caught.value.message, *caught.value.details] == expected
