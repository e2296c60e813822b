"""Shared data split and model recipes for the breast-cancer example."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

SPLIT_SEED = 0
TEST_SIZE = 0.25
VARIANTS = ("release", "degraded")
DEGRADED_TRAIN_ROWS = 40

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Split:
    """Fixed train/test split of the breast-cancer data (label 1 = malignant)."""

    x_train: FloatArray
    y_train: IntArray
    x_test: FloatArray
    y_test: IntArray
    feature_names: tuple[str, ...]


@dataclass(frozen=True)
class Recipe:
    """How one variant selects features and rows and whether it guards inputs."""

    name: str
    feature_prefixes: tuple[str, ...] | None
    feature_suffixes: tuple[str, ...] | None
    guard_inputs: bool
    train_rows: int | None


RECIPES: dict[str, Recipe] = {
    # Current release: all 30 features, input guard, whole training split.
    "release": Recipe("release", None, None, True, None),
    # Previous release: the same model without the 10 standard-error features.
    "previous": Recipe("previous", ("mean ", "worst "), None, True, None),
    # Broken candidate: only the weak standard-error features, 40 training rows,
    # and no input guard, so NaN or infinite values make predict raise.
    "degraded": Recipe("degraded", None, (" error",), False, DEGRADED_TRAIN_ROWS),
}


class OutOfRangeToMissing(TransformerMixin, BaseEstimator):
    """Turn ±inf and values far outside the training range into NaN."""

    def __init__(self, tolerance: float = 0.5) -> None:
        """Accept values up to tolerance times the training range beyond either end."""
        self.tolerance = tolerance

    def fit(self, x: FloatArray, y: object = None) -> OutOfRangeToMissing:
        """Learn the accepted band per feature: training range widened by tolerance."""
        values = np.asarray(x, dtype=np.float64)
        low = np.nanmin(values, axis=0)
        high = np.nanmax(values, axis=0)
        margin = self.tolerance * (high - low)
        self.low_ = low - margin
        self.high_ = high + margin
        self.n_features_in_ = values.shape[1]
        return self

    def transform(self, x: FloatArray) -> FloatArray:
        """Return a copy of x with every value outside the accepted band set to NaN."""
        check_is_fitted(self)
        values = np.asarray(x, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != self.n_features_in_:
            raise ValueError(
                f"expected 2-D input with {self.n_features_in_} features, "
                f"got shape {values.shape}"
            )
        outside = ~((values >= self.low_) & (values <= self.high_))
        return np.where(outside, np.nan, values)


def load_split() -> Split:
    """Load the dataset and split it with the fixed seed, stratified by label."""
    data = load_breast_cancer()
    x = np.asarray(data.data, dtype=np.float64)
    # scikit-learn encodes malignant as 0; make malignant the positive class.
    y = (np.asarray(data.target) == 0).astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=TEST_SIZE, stratify=y, random_state=SPLIT_SEED
    )
    names = tuple(str(name) for name in data.feature_names)
    return Split(x_train, y_train, x_test, y_test, names)


def recipe_for(variant: str, previous: bool) -> Recipe:
    """Return the recipe for a variant; previous selects the earlier release."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    if previous and variant != "release":
        raise ValueError("previous applies to the release variant only")
    return RECIPES["previous" if previous else variant]


def feature_columns(recipe: Recipe, names: tuple[str, ...]) -> list[int]:
    """Return the indices of the features a recipe uses."""
    columns = list(range(len(names)))
    if recipe.feature_prefixes is not None:
        prefixes = recipe.feature_prefixes
        columns = [i for i in columns if names[i].startswith(prefixes)]
    if recipe.feature_suffixes is not None:
        suffixes = recipe.feature_suffixes
        columns = [i for i in columns if names[i].endswith(suffixes)]
    return columns


def build_model(recipe: Recipe, names: tuple[str, ...], seed: int) -> Pipeline:
    """Build the unfitted scikit-learn pipeline for a recipe."""
    steps: list[tuple[str, object]] = []
    columns = feature_columns(recipe, names)
    if len(columns) != len(names):
        keep = ColumnTransformer([("keep", "passthrough", columns)], remainder="drop")
        steps.append(("select", keep))
    if recipe.guard_inputs:
        steps.append(("range", OutOfRangeToMissing()))
        steps.append(("impute", SimpleImputer(strategy="median")))
    steps.append(("scale", StandardScaler()))
    steps.append(("classify", LogisticRegression(max_iter=1000, random_state=seed)))
    return Pipeline(steps)


def training_rows(recipe: Recipe, n_rows: int, seed: int, bootstrap: bool) -> IntArray:
    """Pick training row indices; bootstrap resamples them with replacement."""
    rng = np.random.default_rng(seed)
    rows = np.arange(n_rows, dtype=np.int64)
    if recipe.train_rows is not None:
        rows = np.sort(rng.choice(rows, size=recipe.train_rows, replace=False))
    if bootstrap:
        rows = rng.choice(rows, size=rows.size, replace=True)
    return rows


def fit_model(
    recipe: Recipe, split: Split, seed: int, bootstrap: bool = False
) -> tuple[Pipeline, int]:
    """Fit a recipe on the training split; return the model and its row count."""
    rows = training_rows(recipe, split.y_train.size, seed, bootstrap)
    model = build_model(recipe, split.feature_names, seed)
    model.fit(split.x_train[rows], split.y_train[rows])
    return model, int(rows.size)
