"""Judge a candidate with MLflow's model validation, as an MLflow user would script it.

Runs in the benchmark's own MLflow venv (never qgate's):
    python mlflow_validate.py THRESHOLDS.json CANDIDATE.json BASELINE.json
prints "pass", or "fail" and the failing metrics as JSON; exits 0 or 1 like qgate.
"""

from __future__ import annotations

import json
import re
import sys


def main(thresholds_path: str, candidate_path: str, baseline_path: str) -> int:
    # MLflow lives in the benchmark's own venv, not in qgate's.
    import mlflow  # type: ignore[import-not-found]
    from mlflow.models import MetricThreshold  # type: ignore[import-not-found]
    from mlflow.models.evaluation import (  # type: ignore[import-not-found]
        EvaluationResult,
    )
    from mlflow.models.evaluation.validation import (  # type: ignore[import-not-found]
        ModelValidationFailedException,
    )

    with open(thresholds_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    with open(candidate_path, encoding="utf-8") as handle:
        candidate = json.load(handle)
    with open(baseline_path, encoding="utf-8") as handle:
        baseline = json.load(handle)
    thresholds = {
        rule["metric"]: MetricThreshold(
            threshold=rule["threshold"],
            min_absolute_change=rule["min_absolute_change"],
            min_relative_change=rule["min_relative_change"],
            greater_is_better=rule["higher"],
        )
        for rule in spec
    }
    try:
        mlflow.validate_evaluation_results(
            thresholds,
            EvaluationResult(metrics=candidate, artifacts={}),
            EvaluationResult(metrics=baseline, artifacts={}),
        )
    except ModelValidationFailedException as exc:
        named = set(re.findall(r"[Mm]etric (\S+) ", exc.message))
        failed = sorted(name for name in named if name in thresholds)
        print("fail " + json.dumps(failed))
        return 1
    print("pass")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
