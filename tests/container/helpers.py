"""Run the action image the way the GitHub runner does, and read what it wrote.

The ``docker run`` line follows actions/runner's ContainerActionHandler: the
workspace, file-command, workflow and home folders are mounted under /github, every
variable is passed as ``-e KEY`` with its value in the docker CLI's environment, and
input names keep their hyphens (``INPUT_MARKDOWN-PATH``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IMAGE = "qgate:test"
WORKSPACE_UID = 1001  # the runner user's uid on GitHub-hosted runners
CONTAINER_WORKSPACE = "/github/workspace"
# Nothing in these tests may reach a host outside this machine: any GitHub API call
# goes to a closed loopback port (the containers have no network anyway).
LOOPBACK_API = "http://127.0.0.1:9"


def docker_cli() -> str:
    """Debian's docker CLI (it has BuildKit), else the first one on PATH."""
    if os.access("/usr/bin/docker", os.X_OK):
        return "/usr/bin/docker"
    return shutil.which("docker") or "docker"


def docker(
    *args: str, timeout: float = 180, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the docker CLI and capture its output; callers check the exit status."""
    return subprocess.run(
        [docker_cli(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


class FileCommandError(ValueError):
    """A file-command file the runner would refuse."""


def parse_file_command(text: str) -> dict[str, str]:
    """Read $GITHUB_OUTPUT as the runner does (``NAME=VALUE`` or heredoc records).

    Mirrors FileCommandManager: lines end in LF only, a record is a heredoc when
    ``<<`` comes before any ``=``, and the closing delimiter needs its own newline.
    """
    if "\r" in text:
        raise FileCommandError("CR in the file: the runner splits on LF only")
    lines = text.split("\n")
    values: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line[:equals], line[equals + 1 :]
            if not name:
                raise FileCommandError(f"Invalid format '{line}'")
        elif heredoc >= 0:
            name, delimiter = line[:heredoc], line[heredoc + 2 :]
            if not name or not delimiter:
                raise FileCommandError(
                    "Name must not be empty and delimiter must not be empty"
                )
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index == len(lines):
                raise FileCommandError(
                    f"Invalid value. Matching delimiter not found '{delimiter}'"
                )
            if index == len(lines) - 1:
                raise FileCommandError("Invalid value. EOF marker missing new line.")
            index += 1
            value = "\n".join(body)
        else:
            raise FileCommandError(f"Invalid format '{line}'")
        values[name] = value
    return values


@dataclasses.dataclass(frozen=True)
class WorkflowCommand:
    """One ``::name key=value,...::message`` line, unescaped."""

    name: str
    properties: dict[str, str]
    message: str


def _unescape(text: str, *, is_property: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if is_property:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, plain in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, plain)
    return text


def parse_workflow_commands(log: str) -> list[WorkflowCommand]:
    """Every workflow command in a log, as the runner's parser reads them."""
    commands = []
    for line in log.splitlines():
        stripped = line.lstrip()
        if not stripped.startswith("::"):
            continue
        end = stripped.find("::", 2)
        if end < 0:
            continue
        head, message = stripped[2:end], stripped[end + 2 :]
        name, _, props = head.partition(" ")
        properties = {}
        for pair in filter(None, props.split(",")):
            key, sep, value = pair.partition("=")
            if sep and value:
                properties[key.lower()] = _unescape(value, is_property=True)
        commands.append(
            WorkflowCommand(
                name.lower(), properties, _unescape(message, is_property=False)
            )
        )
    return commands


@dataclasses.dataclass(frozen=True)
class ActionRun:
    """What one container run left behind."""

    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    workspace: Path
    seconds: float

    def commands(self, name: str) -> list[WorkflowCommand]:
        """The workflow commands called ``name`` printed on stdout or stderr."""
        found = parse_workflow_commands(self.stdout + "\n" + self.stderr)
        return [command for command in found if command.name == name]

    def verdict_json(self) -> dict[str, object]:
        """The ``verdict-json`` output, parsed."""
        value = json.loads(self.outputs["verdict-json"])
        assert isinstance(value, dict)
        return value


def action_inputs(given: Mapping[str, str]) -> dict[str, str]:
    """``INPUT_*`` as the runner builds them: every declared input, default or given.

    Expressions in defaults (``${{ github.token }}``) evaluate to "" here, as they
    do for a token-less run.
    """
    from ruamel.yaml import YAML

    declared = YAML(typ="safe").load((REPO / "action.yml").read_text("utf-8"))["inputs"]
    unknown = set(given) - set(declared)
    assert not unknown, f"not inputs of action.yml: {sorted(unknown)}"
    values = {}
    for name, spec in declared.items():
        default = str(spec.get("default", ""))
        value = given.get(name, "" if default.startswith("${{") else default)
        values[f"INPUT_{name.replace(' ', '_').upper()}"] = value
    return values


def workspace_owner() -> int:
    """The uid test workspaces get: the runner's 1001 when we may chown, else ours."""
    return WORKSPACE_UID if os.geteuid() == 0 else os.geteuid()


def make_workspace(root: Path, files: Mapping[str, str]) -> Path:
    """Create ``root/workspace`` holding ``files``, owned like a runner's checkout."""
    workspace = root / "workspace"
    for name, text in files.items():
        path = workspace / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    workspace.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        for folder, dirs, names in os.walk(workspace):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + names)]:
                os.chown(name, WORKSPACE_UID, WORKSPACE_UID)
    return workspace


def run_action(
    root: Path,
    files: Mapping[str, str],
    inputs: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    *,
    image: str = IMAGE,
) -> ActionRun:
    """Run ``image`` once as the runner would run a Docker action step."""
    workspace = make_workspace(root, files)
    file_commands = root / "file_commands"
    workflow = root / "workflow"
    home = root / "home"
    for folder in (file_commands, workflow, home):
        folder.mkdir(parents=True, exist_ok=True)
    # The runner creates both files empty for each step, then reads them afterwards.
    output = file_commands / f"set_output_{uuid.uuid4()}"
    summary = file_commands / f"step_summary_{uuid.uuid4()}"
    output.touch()
    summary.touch()
    (workflow / "event.json").write_text(
        json.dumps({"ref": "refs/heads/main", "after": "7" * 40}), encoding="utf-8"
    )

    variables = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "HOME": "/github/home",
        "GITHUB_WORKSPACE": CONTAINER_WORKSPACE,
        "GITHUB_OUTPUT": f"/github/file_commands/{output.name}",
        "GITHUB_STEP_SUMMARY": f"/github/file_commands/{summary.name}",
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_REPOSITORY": "qgate-dev/quality-gate",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_API_URL": LOOPBACK_API,
        "GITHUB_SERVER_URL": LOOPBACK_API,
        **action_inputs(inputs),
        **(env or {}),
    }
    argv = ["run", "--rm", "--network=none", "--workdir", CONTAINER_WORKSPACE]
    for name in variables:
        argv += ["-e", name]
    for host, inside in (
        (workspace, CONTAINER_WORKSPACE),
        (file_commands, "/github/file_commands"),
        (workflow, "/github/workflow"),
        (home, "/github/home"),
    ):
        argv += ["-v", f"{host}:{inside}"]
    argv.append(image)

    cli_env = dict(os.environ)
    # HOME is replaced below; keep the CLI reading its own config from the old one.
    cli_env.setdefault("DOCKER_CONFIG", str(Path.home() / ".docker"))
    cli_env.update(variables)
    started = time.monotonic()
    done = docker(*argv, env=cli_env)
    seconds = time.monotonic() - started
    return ActionRun(
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        outputs=parse_file_command(output.read_text(encoding="utf-8")),
        summary=summary.read_text(encoding="utf-8"),
        workspace=workspace,
        seconds=seconds,
    )


def line_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``text``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not found")
