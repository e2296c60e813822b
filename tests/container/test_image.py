"""The built image: its configuration, and what it holds."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import pytest

from tests.container.helpers import REPO, docker

pytestmark = pytest.mark.container

# Lists what the image holds; run under -I like the entry point.
_PROBE = """
import importlib.metadata, importlib.util, json, os, sys
print(json.dumps({
    "python": list(sys.version_info[:2]),
    "app": sorted(os.listdir("/app")),
    "caches": [d for d, _, _ in os.walk("/app") if d.endswith("__pycache__")],
    "qgate": importlib.util.find_spec("qgate").origin,
    "dists": {d.metadata["Name"]: d.version for d in importlib.metadata.distributions()},
}))
"""


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, str]:
    text = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", text, flags=re.MULTILINE)
    return {_normal(name): version for name, version in pins}


def _inspect(tag: str) -> dict[str, Any]:
    done = docker("image", "inspect", tag)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)[0]
    assert isinstance(found, dict)
    return found


@pytest.fixture(scope="module")
def contents(image: str) -> dict[str, Any]:
    """What a container of the image reports about itself (one container)."""
    done = docker(
        "run", "--rm", "--network=none", "--entrypoint", "python",
        image, "-I", "-c", _PROBE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert isinstance(found, dict)
    return found


def test_config__runs_like_a_docker_action(image: str) -> None:
    """The image runs as root, without a working directory, from an exec-form entry."""
    config = _inspect(image)["Config"]

    assert config["Entrypoint"] == ["python", "-I", "-u", "-B", "/app/entrypoint.py"]
    assert config["User"] == ""
    assert config["WorkingDir"] == ""
    assert config["Cmd"] is None


def test_config__sets_python_environment(image: str) -> None:
    """Unbuffered output and no bytecode writes are set for any Python in the image."""
    env = _inspect(image)["Config"]["Env"]

    assert "PYTHONUNBUFFERED=1" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env


def test_size__adds_little_to_the_base(image: str, docker_ready: str) -> None:
    """The code and runtime dependencies add under 60 MB to the base image."""
    added = _inspect(image)["Size"] - _inspect(docker_ready)["Size"]

    assert 0 < added < 60 * 1000 * 1000


def test_contents__app_holds_only_the_code(contents: dict[str, Any]) -> None:
    """/app holds the package, the schema, the entry point and the lock, no caches."""
    assert contents["app"] == ["entrypoint.py", "qgate", "requirements.lock", "schema"]
    assert contents["caches"] == []
    assert contents["qgate"] == "/app/qgate/__init__.py"


def test_contents__python_is_supported(contents: dict[str, Any]) -> None:
    """The image's Python is one qgate supports (3.11 or later)."""
    assert tuple(contents["python"]) >= (3, 11)


def test_contents__dependencies_match_the_lock(contents: dict[str, Any]) -> None:
    """Every locked package is installed at exactly its locked version."""
    installed = {_normal(name): version for name, version in contents["dists"].items()}

    for name, version in _locked().items():
        assert installed.get(name) == version, name


def test_contents__no_development_packages(contents: dict[str, Any]) -> None:
    """None of the test, lint or example extras made it into the image."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = project["project"]["optional-dependencies"].values()
    names = {
        _normal(re.split(r"[<>=!~\[; ]", spec)[0]) for group in extras for spec in group
    }
    installed = {_normal(name) for name in contents["dists"]}

    assert (names - set(_locked())) & installed == set()
