#!/usr/bin/env bash
# Regenerate baseline/metrics.json: the metrics of the previous release, which used
# the release recipe without the 10 standard-error features (train.py --previous).
set -euo pipefail
cd "$(dirname "$0")"
python="${PYTHON:-python3}"
mkdir -p out
"$python" train.py --variant release --previous --seed 0 --out out/previous.pkl
"$python" evaluate.py --model out/previous.pkl --out baseline/metrics.json
