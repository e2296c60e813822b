"""``qgate init``: write a starter gate file and the release workflows."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import posixpath
import re
from typing import Any

from qgate.errors import ConfigError, ExitCode
from qgate.runner import Runner

DEFAULT_ACTION_REF = "qgate-dev/quality-gate@v1"
BASELINE_SOURCES = ("release", "artifact", "branch")
WORKFLOW_FILE = "release-model.yml"
WORKFLOW_NAME = "Release model"
COMMENT_WORKFLOW_FILE = "qgate-comment.yml"
GATE_NAME = "model"

# Third-party actions, pinned by commit; the comment names the release.
PINS = {
    "checkout": "11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
    "upload_artifact": "65c4c4a1ddee5b72f698fdd19549f0f0fb45cf08 # v4.6.0",
    "download_artifact": "fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8",
    "setup_python": "0b93645e9fea7318ecaed2b359559ac225c90a2b # v5.3.0",
}

# Plain YAML scalars that stay strings in YAML 1.1 and 1.2 alike.
_PLAIN = re.compile(r"\.|\.?[A-Za-z_/][A-Za-z0-9_./-]*")
_YAML_WORD = re.compile(r"y|n|yes|no|on|off|true|false|null|\.inf|\.nan", re.I)
_COMMIT = re.compile(r"[0-9a-f]{40}")
_SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")
_ACTION_REF = re.compile(
    r"(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)(/[A-Za-z0-9._/-]+)?"
    r"@(?P<version>[A-Za-z0-9][A-Za-z0-9._/-]*)"
)


@dataclasses.dataclass(frozen=True)
class Options:
    """What ``qgate init`` was asked to write."""

    directory: str = "."
    force: bool = False
    baseline_source: str = "release"
    train_command: str = "python train.py"
    evaluate_command: str = "python evaluate.py"
    metrics: str = "metrics.json"
    gates: str = "qgate.yml"
    model_dir: str = "model"
    fork_safe: bool = False
    action_ref: str = DEFAULT_ACTION_REF
    branch: str = ""  # empty: the branch checked out in ``directory``, else main


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the flags of ``qgate init``."""
    default = Options()
    parser.add_argument(
        "--dir",
        default=default.directory,
        metavar="DIR",
        help="repository root to write into (default: .)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite files that exist with other content",
    )
    parser.add_argument(
        "--baseline-source",
        default=default.baseline_source,
        choices=BASELINE_SOURCES,
        help="where the previous release's metrics come from (default: release)",
    )
    parser.add_argument(
        "--train-command",
        default=default.train_command,
        metavar="CMD",
        help="shell command that trains the model into $MODEL_DIR",
    )
    parser.add_argument(
        "--evaluate-command",
        default=default.evaluate_command,
        metavar="CMD",
        help="shell command that writes the metrics to $METRICS_PATH",
    )
    parser.add_argument(
        "--metrics",
        default=default.metrics,
        metavar="PATH",
        help="metrics file the evaluation writes (default: metrics.json)",
    )
    parser.add_argument(
        "--gates",
        default=default.gates,
        metavar="PATH",
        help="gate file to write (default: qgate.yml)",
    )
    parser.add_argument(
        "--model-dir",
        default=default.model_dir,
        metavar="DIR",
        help="folder the model travels in from train to evaluate (default: model)",
    )
    parser.add_argument(
        "--fork-safe",
        action="store_true",
        help="post the pull-request comment from a second, "
        "workflow_run workflow, so fork pull requests get it too",
    )
    parser.add_argument(
        "--branch",
        default="",
        metavar="NAME",
        help="default branch that releases come from (default: the branch checked "
        "out in --dir, else main)",
    )
    parser.add_argument(
        "--action-ref",
        default=default.action_ref,
        metavar="OWNER/REPO@REF",
        help=f"the qgate action to use (default: {DEFAULT_ACTION_REF})",
    )


def run_init(args: argparse.Namespace, runner: Runner) -> int:
    """Write the starter files; returns the exit code."""
    options = Options(
        directory=args.dir,
        force=args.force,
        baseline_source=args.baseline_source,
        train_command=args.train_command,
        evaluate_command=args.evaluate_command,
        metrics=args.metrics,
        gates=args.gates,
        model_dir=args.model_dir,
        fork_safe=args.fork_safe,
        action_ref=args.action_ref,
        branch=args.branch,
    )
    try:
        files = render_files(options)
        write_files(options.directory, files, force=options.force, runner=runner)
    except ConfigError as exc:
        runner.error(exc.message)
        return int(exc.exit_code)
    runner.info(
        f"next: edit the commands and gates, check with `qgate validate "
        f"{options.gates}`, then commit the files"
    )
    return int(ExitCode.PASSED)


def render_files(options: Options) -> dict[str, str]:
    """Render every file ``options`` asks for: relative path -> text."""
    _check(options)
    context = _context(options)
    files = {
        options.gates: _render("qgate.yml.j2", context),
        f".github/workflows/{WORKFLOW_FILE}": _render("release-model.yml.j2", context),
    }
    if options.fork_safe:
        files[f".github/workflows/{COMMENT_WORKFLOW_FILE}"] = _render(
            "qgate-comment.yml.j2", context
        )
    _check_gate_file(files[options.gates], options.gates)
    return files


def write_files(
    directory: str, files: dict[str, str], *, force: bool, runner: Runner
) -> None:
    """Write ``files`` under ``directory``; refuse to overwrite without ``force``."""
    current = {name: _read(os.path.join(directory, name)) for name in files}
    differing = [
        name
        for name, text in files.items()
        if current[name] is not None and current[name] != text
    ]
    if differing and not force:
        raise ConfigError(
            "not overwriting files that exist with other content: "
            + ", ".join(differing)
            + " — move them away, or pass --force to replace them."
        )

    for name, text in files.items():
        if current[name] == text:
            runner.info(f"unchanged {name}")
            continue
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        runner.info(f"{'overwrote' if current[name] is not None else 'wrote'} {name}")


def _read(path: str) -> str | None:
    if not os.path.exists(path):
        return None
    if os.path.isdir(path):
        raise ConfigError(f"{path} is a directory — remove it or choose another path.")
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        return handle.read()


def _check(options: Options) -> None:
    for flag, value in (
        ("--gates", options.gates),
        ("--metrics", options.metrics),
        ("--model-dir", options.model_dir),
    ):
        _check_path(flag, value)
    for flag, value in (
        ("--train-command", options.train_command),
        ("--evaluate-command", options.evaluate_command),
    ):
        _check_command(flag, value)
    if options.gates.startswith(".github/") or options.gates == options.metrics:
        raise ConfigError(
            f"--gates: {options.gates} would collide with the metrics file or the "
            "workflows — choose another path."
        )
    if not _ACTION_REF.fullmatch(options.action_ref):
        raise ConfigError(
            f"--action-ref: '{options.action_ref[:80]}' is not OWNER/REPO@REF — "
            f"write it as in a workflow's uses:, e.g. {DEFAULT_ACTION_REF}."
        )
    if options.branch and not _BRANCH.fullmatch(options.branch):
        raise ConfigError(
            f"--branch: '{options.branch[:80]}' is not a plain branch name — use "
            "letters, digits, '.', '_', '-' and '/'."
        )
    if os.path.exists(options.directory) and not os.path.isdir(options.directory):
        raise ConfigError(f"--dir: {options.directory} is not a directory.")


def _check_path(flag: str, value: str) -> None:
    parts = value.split("/")
    if (
        not _SAFE_PATH.fullmatch(value)
        or value.startswith(("/", "-"))
        or ".." in parts
        or value.endswith("/")
    ):
        raise ConfigError(
            f"{flag}: '{value[:80]}' is not a plain relative path — use letters, "
            "digits, '.', '_', '-' and '/', inside the repository (no '..')."
        )


def _check_command(flag: str, value: str) -> None:
    if not value.strip():
        raise ConfigError(
            f"{flag}: the command is empty — give the shell command to run."
        )
    if "${{" in value:
        # GitHub would evaluate it as an expression before the shell sees it.
        raise ConfigError(
            f"{flag}: '${{{{' starts a GitHub expression — read the value "
            "from an environment variable ($NAME) instead."
        )
    if any(ord(c) < 32 and c not in "\t\n" for c in value):
        raise ConfigError(
            f"{flag}: the command holds control characters — remove them."
        )


_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")


def checked_out_branch(directory: str) -> str:
    """The branch ``.git/HEAD`` names in ``directory``, or "main" when unknown."""
    try:
        with open(os.path.join(directory, ".git", "HEAD"), encoding="utf-8") as handle:
            head = handle.read(4096).strip()
    except OSError:
        return "main"
    name = head.removeprefix("ref: refs/heads/")
    return name if name != head and _BRANCH.fullmatch(name) else "main"


def _context(options: Options) -> dict[str, Any]:
    match = _ACTION_REF.fullmatch(options.action_ref)
    assert match is not None  # checked in _check
    metrics_name = posixpath.basename(options.metrics)
    return {
        **dataclasses.asdict(options),
        "branch": options.branch or checked_out_branch(options.directory),
        "name": GATE_NAME,
        "pins": PINS,
        "metrics_name": metrics_name,
        "metrics_dir": posixpath.dirname(options.metrics) or ".",
        "baseline_path": f"baseline/{metrics_name}",
        "workflow_file": WORKFLOW_FILE,
        "workflow_name": WORKFLOW_NAME,
        "action_repo": match["repo"],
        "action_version": match["version"],
        "action_pinned": bool(_COMMIT.fullmatch(match["version"])),
    }


def _check_gate_file(text: str, path: str) -> None:
    from qgate.gatefile import parse_gate_file

    parse_gate_file(text, path)


def _quote(value: Any) -> str:
    """``value`` as a YAML string: plain when unambiguous, else double-quoted."""
    text = str(value)
    if _PLAIN.fullmatch(text) and not _YAML_WORD.fullmatch(text):
        return text
    # JSON's string syntax is a subset of YAML's double-quoted style.
    return json.dumps(text, ensure_ascii=True)


@functools.cache
def _environment() -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    folder = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "templates", "init"
    )
    # Square delimiters leave GitHub's ${{ }} expressions to the workflow text.
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(folder),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
    )
    env.filters["q"] = _quote
    return env


def _render(template: str, context: dict[str, Any]) -> str:
    return str(_environment().get_template(template).render(**context))
