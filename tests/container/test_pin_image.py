"""scripts/pin-image.py: rewriting action.yml to a released image (no Docker)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from ruamel.yaml import YAML

from tests.container.helpers import REPO

DIGEST = "sha256:" + "0123456789abcdef" * 4
REFERENCE = f"ghcr.io/qgate-dev/quality-gate@{DIGEST}"
PINNED = f"docker://{REFERENCE}"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pin_image", REPO / "scripts" / "pin-image.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pin_image = _load()
ACTION = (REPO / "action.yml").read_text(encoding="utf-8")


@pytest.fixture
def action(tmp_path: Path) -> Path:
    """A copy of the repository's action.yml."""
    path = tmp_path / "action.yml"
    path.write_text(ACTION, encoding="utf-8")
    return path


def test_pin__sets_runs_image() -> None:
    """The pinned file's runs.image is the docker:// digest reference."""
    pinned = pin_image.pin(ACTION, REFERENCE)

    assert YAML(typ="safe").load(pinned)["runs"] == {"using": "docker", "image": PINNED}


def test_pin__changes_only_the_image_line() -> None:
    """Every other line, comments and spacing included, stays as it was."""
    before = ACTION.split("\n")

    after = pin_image.pin(ACTION, REFERENCE).split("\n")

    assert len(after) == len(before)
    changed = [
        i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new
    ]
    assert [after[i] for i in changed] == [f"  image: {PINNED}"]


def test_pin__replaces_an_earlier_pin() -> None:
    """A file pinned to one digest can be pinned to another."""
    other = REFERENCE.replace("0123", "4567")

    text = pin_image.pin(pin_image.pin(ACTION, REFERENCE), other)

    assert f"docker://{other}" in text
    assert PINNED not in text


@pytest.mark.parametrize(
    "reference",
    [
        REFERENCE,
        PINNED,
        f"localhost:5000/qgate@{DIGEST}",
        f"registry.example.com:443/org/team/qgate@{DIGEST}",
    ],
)
def test_normalize__accepts_digest_references(reference: str) -> None:
    """Registry-qualified digest references are accepted, with or without docker://."""
    assert pin_image.normalize(reference) == "docker://" + reference.removeprefix(
        "docker://"
    )


@pytest.mark.parametrize(
    "reference",
    [
        "ghcr.io/qgate-dev/quality-gate:v1",  # a tag can move
        "ghcr.io/qgate-dev/quality-gate",
        f"qgate-dev/quality-gate@{DIGEST}",  # no registry host: a Docker Hub name
        f"ghcr.io/qgate-dev/Quality-Gate@{DIGEST}",  # uppercase in the name
        f"ghcr.io/qgate-dev/quality-gate@{DIGEST[:-1]}",  # 63 hex digits
        f"ghcr.io/qgate-dev/quality-gate@{DIGEST.upper()}",
        f"ghcr.io/qgate-dev/quality-gate:v1@{DIGEST}",  # tag and digest
        f"ghcr.io/qgate-dev/quality-gate@{DIGEST}\nimage: x",
        "Dockerfile",
    ],
)
def test_normalize__refuses_anything_else(reference: str) -> None:
    """Tags, bare names, malformed digests and extra text are refused."""
    with pytest.raises(pin_image.PinError, match="not an image digest reference"):
        pin_image.normalize(reference)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nruns:\n  using: docker\n", "no 'image:' under 'runs:'"),
        ("name: x\nruns:\n  using: node20\n  image: Dockerfile\n", "not 'docker'"),
        (
            "runs:\n  using: docker\n  image: Dockerfile\n  image: Dockerfile\n",
            "appears twice",
        ),
        (
            "inputs:\n  image:\n    description: x\nruns:\n  using: docker\n",
            "no 'image:'",
        ),
    ],
)
def test_pin__refuses_unsuitable_action_files(text: str, message: str) -> None:
    """A file without exactly one runs.image of a Docker action is refused."""
    with pytest.raises(pin_image.PinError, match=message):
        pin_image.pin(text, REFERENCE)


def test_main__pins_the_file(action: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command rewrites the file and says what it set."""
    status = pin_image.main(["--action", str(action), REFERENCE])

    assert status == 0
    assert f"image: {PINNED}" in action.read_text(encoding="utf-8")
    assert capsys.readouterr().out == f"{action}: image: {PINNED}\n"


def test_main__bad_reference_leaves_the_file(
    action: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused reference exits 2 with a message and changes nothing."""
    status = pin_image.main(["--action", str(action), "ghcr.io/x/y:latest"])

    assert status == 2
    assert action.read_text(encoding="utf-8") == ACTION
    assert "tags are refused" in capsys.readouterr().err


@pytest.mark.parametrize(("reference", "status"), [(None, 1), (REFERENCE, 0)])
def test_main__check(action: Path, reference: str | None, status: int) -> None:
    """--check exits 1 for the development image, 0 once pinned."""
    if reference:
        pin_image.main(["--action", str(action), reference])

    assert pin_image.main(["--action", str(action), "--check"]) == status


def test_main__check_and_reference_together(action: Path) -> None:
    """Giving both a reference and --check is a usage error."""
    assert pin_image.main(["--action", str(action), "--check", REFERENCE]) == 2


def test_main__missing_file(tmp_path: Path) -> None:
    """A missing action file exits 2."""
    assert pin_image.main(["--action", str(tmp_path / "nope.yml"), REFERENCE]) == 2
