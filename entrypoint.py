"""Container entry point: read the action's inputs, run the gate, exit with its code."""

from __future__ import annotations

import os
import sys

ERROR_EXIT = 3  # qgate.errors.ExitCode.ERROR, repeated: qgate may fail to import


def _run() -> int:
    try:
        from qgate.action import main
    except Exception as exc:  # noqa: BLE001 - a broken install must not read as "failed"
        print(
            f"::error title=qgate::qgate could not start ({type(exc).__name__}); "
            "the release is blocked. Re-run the job; if it persists, report it at "
            "https://github.com/qgate-dev/quality-gate/issues"
        )
        for variable, text in (
            ("GITHUB_OUTPUT", "passed=false\nverdict=error\n"),
            ("GITHUB_STEP_SUMMARY", "### 🛑 qgate could not start — release blocked\n"),
        ):
            path = os.environ.get(variable)
            if path:
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write(text)
        return ERROR_EXIT
    return main(dict(os.environ))


if __name__ == "__main__":
    sys.exit(_run())
