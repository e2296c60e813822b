"""Evaluate a pickled model and write the nested metrics JSON that qgate reads."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from recipes import FloatArray, IntArray, Split, fit_model, load_split, recipe_for
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

ROBUSTNESS_SEED = 2024
EDGE_ROWS = 40
CORRUPTED_FEATURES = 3
EXTREME_FACTOR = 1e6
NOISE_SCALE = 0.05
NOISE_COPIES = 5
LATENCY_WARMUP = 20
LATENCY_CALLS = 200
STABILITY_RUNS = 5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True, help="model from train.py")
    parser.add_argument("--out", type=Path, required=True, help="metrics JSON path")
    return parser.parse_args(argv)


def load_bundle(path: Path) -> dict[str, Any]:
    """Load a model bundle written by train.py (pickle: trusted files only)."""
    with path.open("rb") as handle:
        bundle = pickle.load(handle)
    required = {"model", "variant", "previous", "seed"}
    if not isinstance(bundle, dict) or not required <= bundle.keys():
        raise ValueError(f"{path} is not a model bundle written by train.py")
    return bundle


def accuracy_under(model: Any, x: FloatArray, y: IntArray) -> float:
    """Accuracy on x; if the batch fails, score row by row and count failures wrong."""
    try:
        return float(accuracy_score(y, model.predict(x)))
    except Exception:  # noqa: BLE001 - any failure of predict counts as a crash
        correct = 0
        for i in range(y.size):
            with contextlib.suppress(Exception):
                correct += int(model.predict(x[i : i + 1])[0] == y[i])
        return correct / y.size


def row_fails(model: Any, row: FloatArray) -> bool:
    """Report whether predict or predict_proba raises or gives non-finite output."""
    try:
        labels = np.asarray(model.predict(row), dtype=np.float64)
        proba = np.asarray(model.predict_proba(row), dtype=np.float64)
    except Exception:  # noqa: BLE001 - any failure of predict counts as a crash
        return True
    return not (np.isfinite(labels).all() and np.isfinite(proba).all())


def corruption_mask(rng: np.random.Generator, shape: tuple[int, int]) -> Any:
    """Boolean mask marking CORRUPTED_FEATURES random features in every row."""
    order = np.argsort(rng.random(shape), axis=1)
    mask = np.zeros(shape, dtype=bool)
    np.put_along_axis(mask, order[:, :CORRUPTED_FEATURES], True, axis=1)
    return mask


def add_noise(rng: np.random.Generator, x: FloatArray, scale: FloatArray) -> FloatArray:
    """Return x plus Gaussian noise of NOISE_SCALE training standard deviations."""
    return x + rng.normal(size=x.shape) * (NOISE_SCALE * scale)


def quality_metrics(model: Any, split: Split) -> dict[str, float]:
    """Accuracy, precision, recall, F1 and ROC AUC on the held-out test set."""
    predicted = model.predict(split.x_test)
    scores = model.predict_proba(split.x_test)[:, 1]
    y = split.y_test
    return {
        "accuracy": float(accuracy_score(y, predicted)),
        "precision": float(precision_score(y, predicted, zero_division=0.0)),
        "recall": float(recall_score(y, predicted, zero_division=0.0)),
        "f1": float(f1_score(y, predicted, zero_division=0.0)),
        "roc_auc": float(roc_auc_score(y, scores)),
    }


def latency_metrics(model: Any, x: FloatArray) -> dict[str, float]:
    """Median and 95th percentile time of single-row predict calls, in ms."""
    rows = [x[i % len(x) : i % len(x) + 1] for i in range(LATENCY_CALLS)]
    for row in rows[:LATENCY_WARMUP]:
        model.predict(row)
    timings = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for row in rows:
            start = time.perf_counter_ns()
            model.predict(row)
            timings.append((time.perf_counter_ns() - start) / 1e6)
    finally:
        if gc_was_enabled:
            gc.enable()
    return {
        "p50_ms": float(np.percentile(timings, 50)),
        "p95_ms": float(np.percentile(timings, 95)),
    }


def robustness_metrics(model: Any, split: Split, accuracy: float) -> dict[str, float]:
    """Crash rate on edge inputs and accuracy lost to noise and extreme values."""
    rng = np.random.default_rng(ROBUSTNESS_SEED)
    scale = split.x_train.std(axis=0)
    base = split.x_test[:EDGE_ROWS]
    mask = corruption_mask(rng, base.shape)
    edge_batches = []
    for value in (np.nan, np.inf, -np.inf):
        edge_batches.append(np.where(mask, value, base))
    edge_batches.append(np.where(mask, base * EXTREME_FACTOR, base))
    edge_batches.append(add_noise(rng, base, scale))
    rows = [batch[i : i + 1] for batch in edge_batches for i in range(len(base))]
    crashes = sum(row_fails(model, row) for row in rows)

    x, y = split.x_test, split.y_test
    noisy = [
        accuracy_under(model, add_noise(rng, x, scale), y) for _ in range(NOISE_COPIES)
    ]
    extreme_mask = corruption_mask(rng, x.shape)
    extreme = np.where(extreme_mask, x * EXTREME_FACTOR, x)
    return {
        "crash_rate": crashes / len(rows),
        "noise_accuracy_drop": accuracy - float(np.mean(noisy)),
        "extreme_accuracy_drop": accuracy - accuracy_under(model, extreme, y),
    }


def stability_metrics(bundle: dict[str, Any], split: Split) -> dict[str, float | int]:
    """Sample std of test accuracy over bootstrap retrains with other seeds."""
    recipe = recipe_for(bundle["variant"], bundle["previous"])
    seeds = [bundle["seed"] + i for i in range(1, STABILITY_RUNS + 1)]
    accuracies = []
    for seed in seeds:
        model, _ = fit_model(recipe, split, seed, bootstrap=True)
        accuracies.append(accuracy_score(split.y_test, model.predict(split.x_test)))
    return {"accuracy_std": float(np.std(accuracies, ddof=1)), "seeds": len(seeds)}


def evaluate(bundle: dict[str, Any], split: Split) -> dict[str, dict[str, Any]]:
    """Compute every metric group for a model bundle."""
    model = bundle["model"]
    quality = quality_metrics(model, split)
    return {
        "quality": quality,
        "latency": latency_metrics(model, split.x_test),
        "robustness": robustness_metrics(model, split, quality["accuracy"]),
        "stability": stability_metrics(bundle, split),
    }


def main(argv: list[str] | None = None) -> int:
    """Evaluate the model and write the metrics file."""
    args = parse_args(argv)
    bundle = load_bundle(args.model)
    metrics = evaluate(bundle, load_split())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    quality, robustness = metrics["quality"], metrics["robustness"]
    print(
        f"evaluated {args.model}: accuracy {quality['accuracy']:.4f}, "
        f"roc_auc {quality['roc_auc']:.4f}, crash_rate {robustness['crash_rate']:.3f}"
        f" -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
