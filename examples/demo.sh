#!/usr/bin/env bash
# Install qgate and the example's extras into .venv, train and evaluate two models,
# and let qgate judge both: from the command line, then exactly as the action would
# inside a GitHub runner. Run from anywhere: bash examples/demo.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${QGATE_VENV:-$root/.venv}
example=examples/breast-cancer
out=$example/out

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Installing qgate and the example's requirements into $venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -e "$root" -r "$example/requirements.txt"
py=$venv/bin/python

for variant in release degraded; do
  step "Training and evaluating the '$variant' model"
  "$py" "$example/train.py" --variant "$variant" --seed 0 --out "$out/$variant.pkl"
  "$py" "$example/evaluate.py" --model "$out/$variant.pkl" \
    --out "$out/$variant/metrics.json"
done

step "qgate check: the improved model against the previous release (expect exit 0)"
set +e
"$venv/bin/qgate" check --gates "$example/gates.yml" \
  --metrics "$out/release/metrics.json" --markdown "$out/release/verdict.md" \
  --json "$out/release/verdict.json"
passed=$?
step "qgate check: the degraded model (expect exit 1: the release is blocked)"
"$venv/bin/qgate" check --gates "$example/gates.yml" \
  --metrics "$out/degraded/metrics.json" --markdown "$out/degraded/verdict.md" \
  --json "$out/degraded/verdict.json"
blocked=$?
set -e

step "The same run as the Docker action does it inside a GitHub runner"
runner=$(mktemp -d)
echo '{"action": "opened", "number": 7}' > "$runner/event.json"
set +e
env -i PATH="$PATH" HOME="$runner" GITHUB_ACTIONS=true CI=true \
  GITHUB_WORKSPACE="$root" GITHUB_OUTPUT="$runner/output" \
  GITHUB_STEP_SUMMARY="$runner/summary.md" GITHUB_EVENT_PATH="$runner/event.json" \
  GITHUB_EVENT_NAME=push GITHUB_REPOSITORY=example/breast-cancer \
  "INPUT_GATES=$example/gates.yml" "INPUT_METRICS=$out/degraded/metrics.json" \
  "INPUT_MARKDOWN-PATH=$out/action/verdict.md" "INPUT_JSON-PATH=$out/action/verdict.json" \
  INPUT_COMMENT=never "$py" entrypoint.py
action=$?
set -e
step "\$GITHUB_OUTPUT written by the action (exit code $action)"
grep -v '^ghadelimiter_' "$runner/output" | cut -c1-160
step "\$GITHUB_STEP_SUMMARY written by the action"
cat "$runner/summary.md"
rm -rf "$runner"

step "The same run on a pull request, against a local fake of the GitHub API"
"$py" examples/github_demo.py "$out/degraded/metrics.json"

step "Result"
echo "improved model: exit $passed (0 = may be released)"
echo "degraded model: exit $blocked (1 = release blocked); as an action: exit $action"
if [ "$passed" -eq 0 ] && [ "$blocked" -eq 1 ] && [ "$action" -eq 1 ]; then
  echo "demo OK: qgate let the better model through and blocked the worse one."
else
  echo "demo FAILED: unexpected exit codes" >&2
  exit 1
fi
