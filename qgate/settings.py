"""Run settings, from action inputs (``INPUT_*``) or from command-line flags."""

from __future__ import annotations

import dataclasses
import decimal
import os
import re
from collections.abc import Mapping

from qgate.errors import ConfigError

COMMENT_MODES = ("always", "on-failure", "never")
BASELINE_SOURCES = ("release", "artifact", "branch", "file", "none")
MAX_SECONDS = 86_400


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything one run needs to know; built once, then passed down."""

    gates: str
    metrics: str
    baseline_file: str = ""
    baseline_source: str = ""
    baseline_tag: str = ""
    baseline_asset: str = ""
    gates_from_base: bool = False
    json_path: str = ""
    markdown_path: str = ""
    token: str = ""
    api_url: str = "https://api.github.com"
    server_url: str = "https://github.com"
    repository: str = ""
    event_name: str = ""
    event_path: str = ""
    run_id: str = ""
    comment: str = "never"
    comment_key: str = ""
    comment_author: str = "github-actions[bot]"
    max_wait_seconds: decimal.Decimal = decimal.Decimal(60)
    timeout_seconds: decimal.Decimal = decimal.Decimal(15)

    @property
    def run_url(self) -> str:
        """Link to the current workflow run, when known."""
        if not (self.repository and self.run_id):
            return ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"


def read_input(
    env: Mapping[str, str], name: str, default: str = "", *, keep_empty: bool = False
) -> str:
    """Read an action input; accepts ``INPUT_GATE-FILE`` and ``INPUT_GATE_FILE``.

    An empty value means ``default``, unless ``keep_empty``: then only an absent
    variable does (the runner always passes action.yml's default otherwise).
    """
    upper = name.upper().replace(" ", "_")
    keys = (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}")
    values = [env[key].strip() for key in keys if key in env]
    filled = [value for value in values if value]
    if filled:
        return filled[0]
    return "" if values and keep_empty else default


def _choice(name: str, value: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ConfigError(
            f"input '{name}': '{value[:40]}' is not one of {', '.join(options)} — "
            "set it to one of them."
        )
    return value


def _boolean(name: str, value: str) -> bool:
    # The same spellings actions/toolkit's getBooleanInput accepts (YAML 1.2 core).
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE", ""):
        return False
    raise ConfigError(
        f"input '{name}': '{value[:40]}' is not a boolean — use true or false."
    )


def _seconds(name: str, value: str, default: str) -> decimal.Decimal:
    text = value or default
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) or decimal.Decimal(text) == 0:
        raise ConfigError(
            f"input '{name}': '{text[:40]}' is not a positive number of seconds — "
            f"write a number such as {default}."
        )
    # Sockets refuse timeouts of about 300 years and more (OverflowError).
    if decimal.Decimal(text) > MAX_SECONDS:
        raise ConfigError(
            f"input '{name}': '{text[:40]}' seconds is more than a day — write at "
            f"most {MAX_SECONDS}."
        )
    return decimal.Decimal(text)


def from_env(env: Mapping[str, str]) -> Settings:
    """Build settings inside a runner: inputs plus the runner's GITHUB_* variables."""
    gates = read_input(env, "gates")
    metrics = read_input(env, "metrics")
    for name, value in (("gates", gates), ("metrics", metrics)):
        if not value:
            raise ConfigError(
                f"input '{name}' is empty — set it in the step's 'with:' "
                "block to a path in the workspace."
            )
    source = read_input(env, "baseline-source")
    if source:
        _choice("baseline-source", source, BASELINE_SOURCES)
    return Settings(
        gates=gates,
        metrics=metrics,
        baseline_file=read_input(env, "baseline-file"),
        baseline_source=source,
        baseline_tag=read_input(env, "baseline-tag"),
        baseline_asset=read_input(env, "baseline-asset"),
        gates_from_base=_boolean("gates-from-base", read_input(env, "gates-from-base")),
        json_path=read_input(env, "json-path", ".qgate/verdict.json", keep_empty=True),
        markdown_path=read_input(
            env, "markdown-path", ".qgate/verdict.md", keep_empty=True
        ),
        token=read_input(env, "github-token"),
        api_url=env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        server_url=env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/"),
        repository=env.get("GITHUB_REPOSITORY", ""),
        event_name=env.get("GITHUB_EVENT_NAME", ""),
        event_path=env.get("GITHUB_EVENT_PATH", ""),
        run_id=env.get("GITHUB_RUN_ID", ""),
        comment=_choice("comment", read_input(env, "comment", "always"), COMMENT_MODES),
        comment_key=read_input(env, "comment-key"),
        comment_author=read_input(env, "comment-author", "github-actions[bot]"),
        max_wait_seconds=_seconds(
            "max-wait-seconds", read_input(env, "max-wait-seconds"), "60"
        ),
        timeout_seconds=_seconds(
            "timeout-seconds", read_input(env, "timeout-seconds"), "15"
        ),
    )


def github_env(env: Mapping[str, str]) -> dict[str, str]:
    """The GITHUB_* facts a command-line run picks up from its environment."""
    return {
        "api_url": env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        "server_url": env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/"),
        "repository": env.get("GITHUB_REPOSITORY", ""),
        "event_name": env.get("GITHUB_EVENT_NAME", ""),
        "event_path": env.get("GITHUB_EVENT_PATH", ""),
        "run_id": env.get("GITHUB_RUN_ID", ""),
        "token": env.get("GITHUB_TOKEN", ""),
    }


def in_workspace(path: str, env: Mapping[str, str] | None = None) -> str:
    """Return ``path``; refuse one that leaves the workspace inside a runner."""
    env = os.environ if env is None else env
    if "\0" in path:
        shown = path.replace("\0", "\\0")
        raise ConfigError(f"{shown}: a path cannot contain a NUL character — fix it.")
    workspace = env.get("GITHUB_WORKSPACE")
    if not workspace or env.get("GITHUB_ACTIONS") != "true":
        return path
    # Paths are opened relative to the working directory (the workspace in the
    # container), so that is what must stay inside the workspace.
    full = os.path.realpath(path)
    root = os.path.realpath(workspace)
    if full != root and not full.startswith(root + os.sep):
        raise ConfigError(
            f"{path}: the path leaves the workspace ({workspace}) — use a "
            "path inside the repository checkout."
        )
    return path
