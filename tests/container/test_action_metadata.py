"""action.yml against the code that reads its inputs and writes its outputs (no Docker)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from qgate.action import main
from qgate.settings import from_env
from tests.container.helpers import (
    LOOPBACK_API,
    REPO,
    action_inputs,
    parse_file_command,
)

METADATA: dict[str, Any] = YAML(typ="safe").load(
    (REPO / "action.yml").read_text(encoding="utf-8")
)
INPUTS: dict[str, dict[str, Any]] = METADATA["inputs"]
OUTPUTS: dict[str, dict[str, Any]] = METADATA["outputs"]


class _RecordingEnv(dict[str, str]):
    """An environment that remembers which variables were looked up."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)


def test_metadata__docker_action_built_from_the_dockerfile() -> None:
    """The development action.yml builds the Dockerfile and passes no args."""
    assert METADATA["runs"] == {"using": "docker", "image": "Dockerfile"}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_inputs__described_with_string_defaults(name: str) -> None:
    """Every input has a description, says whether it is required, and has a
    string default unless it is required."""
    spec = INPUTS[name]

    assert isinstance(spec.get("description"), str) and spec["description"].strip()
    assert isinstance(spec.get("required"), bool)
    if not spec["required"]:
        assert isinstance(spec.get("default"), str)


def test_inputs__required_ones() -> None:
    """Only the gate file and the metrics are required."""
    assert {name for name, spec in INPUTS.items() if spec["required"]} == {
        "gates",
        "metrics",
    }


def test_inputs__all_read_by_settings() -> None:
    """settings.from_env reads every declared input (as the runner names it)."""
    env = _RecordingEnv(action_inputs({"gates": "g.yml", "metrics": "m.json"}))

    from_env(env)

    assert set(action_inputs({})) <= env.read


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_outputs__described(name: str) -> None:
    """Every output has a description."""
    description = OUTPUTS[name].get("description")

    assert isinstance(description, str) and description.strip()


def test_outputs__exactly_those_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run writes exactly the outputs action.yml declares."""
    monkeypatch.chdir(tmp_path)
    Path("gates.yml").write_text(
        "version: 1\nbaseline:\n  source: none\ngates:\n"
        "  - metric: accuracy\n    min: 0.5\n",
        encoding="utf-8",
    )
    Path("metrics.json").write_text(json.dumps({"accuracy": 0.9}), encoding="utf-8")
    output = tmp_path / "output"
    output.touch()
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_API_URL": LOOPBACK_API,
        **action_inputs({"gates": "gates.yml", "metrics": "metrics.json"}),
    }

    status = main(env)

    capsys.readouterr()
    assert status == 0
    assert set(parse_file_command(output.read_text("utf-8"))) == set(OUTPUTS)


def _readme_table(heading: str) -> dict[str, str]:
    """First column (a `name`) → second column of the README table under heading."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 1 and cells[0].startswith("`") and cells[0].endswith("`"):
            rows[cells[0].strip("`")] = cells[1]
    return rows


def test_readme__inputs_table_matches_action_yml() -> None:
    """The README lists exactly the inputs of action.yml, with the same defaults."""
    table = _readme_table("Action inputs")

    assert sorted(table) == sorted(INPUTS)
    for name, spec in INPUTS.items():
        default = str(spec.get("default", ""))
        shown = table[name].strip("`")
        assert shown == ("(required)" if spec.get("required") else default), name


def test_readme__outputs_table_matches_action_yml() -> None:
    """The README lists exactly the outputs of action.yml."""
    assert sorted(_readme_table("Outputs")) == sorted(OUTPUTS)
