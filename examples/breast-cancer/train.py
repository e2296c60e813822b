"""Train a breast-cancer classifier variant and pickle it for evaluate.py."""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

from recipes import VARIANTS, feature_columns, fit_model, load_split, recipe_for


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--variant",
        choices=VARIANTS,
        default="release",
        help="release: the good candidate; degraded: a candidate a gate must block",
    )
    parser.add_argument(
        "--previous",
        action="store_true",
        help="train the previous release's recipe (release variant only)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for row sampling")
    parser.add_argument("--out", type=Path, required=True, help="model pickle path")
    args = parser.parse_args(argv)
    if args.previous and args.variant != "release":
        parser.error("--previous applies to --variant release only")
    return args


def main(argv: list[str] | None = None) -> int:
    """Train the requested variant and write the model bundle."""
    args = parse_args(argv)
    recipe = recipe_for(args.variant, args.previous)
    split = load_split()
    model, n_rows = fit_model(recipe, split, args.seed)
    n_features = len(feature_columns(recipe, split.feature_names))
    bundle = {
        "model": model,
        "variant": args.variant,
        "previous": args.previous,
        "seed": args.seed,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("wb") as handle:
        pickle.dump(bundle, handle)
    guard = "on" if recipe.guard_inputs else "off"
    print(
        f"trained {recipe.name} (seed {args.seed}, {n_features} features, "
        f"{n_rows} rows, input guard {guard}) -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
