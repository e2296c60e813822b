#!/usr/bin/env bash
# Install qgate with its test tools into .venv and run the whole test suite.
# Extra arguments go to pytest: bash tests/run.sh tests/unit -q
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${QGATE_VENV:-$root/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$root[test]"
cd "$root"
exec "$venv/bin/python" -m pytest "$@"
