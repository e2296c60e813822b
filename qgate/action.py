"""Run as a GitHub Action: settings come from ``INPUT_*`` and ``GITHUB_*``."""

from __future__ import annotations

from qgate.app import report, run
from qgate.errors import ConfigError
from qgate.evaluate import error_verdict
from qgate.runner import Runner
from qgate.settings import Settings, from_env, read_input


def main(env: dict[str, str]) -> int:
    """Entry point of the container; returns the exit code."""
    runner = Runner(env)
    runner.mask(read_input(env, "github-token"))
    try:
        settings = from_env(env)
    except ConfigError as exc:
        runner.error(exc.message, title="qgate: configuration error")
        fallback = Settings(
            gates="", metrics="", comment="never", json_path="", markdown_path=""
        )
        report(fallback, runner, error_verdict("gate", exc.message), None)
        return int(exc.exit_code)
    return run(settings, runner)
