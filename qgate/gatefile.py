"""Load a gate file, check it against the JSON Schema, and build the gate model."""

from __future__ import annotations

import dataclasses
import decimal
import functools
import json
import os
import re
from collections.abc import Iterable
from typing import Any

from qgate.document import (
    MAX_DIGITS,
    MAX_EXPONENT,
    MIN_EXPONENT,
    Document,
    Path,
    format_path,
    is_number,
    load_yaml,
    read_text,
)
from qgate.errors import ConfigError
from qgate.metrics import canonical_name, split_name

MAX_GATE_FILE_BYTES = 1024 * 1024
SCHEMA_NAME = "gates.schema.json"


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """An absolute amount, or a percentage of |baseline|."""

    amount: decimal.Decimal
    is_percent: bool

    def __str__(self) -> str:
        return f"{self.amount}%" if self.is_percent else str(self.amount)


@dataclasses.dataclass(frozen=True)
class Gate:
    """One rule on one metric, as written in the gate file."""

    index: int
    metric: str
    line: int
    col: int
    direction: str | None = None
    min: decimal.Decimal | None = None
    above: decimal.Decimal | None = None
    max: decimal.Decimal | None = None
    below: decimal.Decimal | None = None
    max_regression: Tolerance | None = None
    min_improvement: Tolerance | None = None
    severity: str = "block"
    optional: bool = False
    description: str = ""

    @property
    def is_blocking(self) -> bool:
        """Whether a failure of this gate blocks the release."""
        return self.severity == "block"

    @property
    def is_relative(self) -> bool:
        """Whether this gate compares with the baseline."""
        return self.max_regression is not None or self.min_improvement is not None


@dataclasses.dataclass(frozen=True)
class BaselineSpec:
    """The ``baseline`` block: where the previous release's metrics live."""

    source: str | None = None
    file: str | None = None
    when_missing: str = "warn"
    asset: str = "metrics.json"
    tag: str | None = None
    tag_pattern: str | None = None
    prereleases: bool = False
    workflow: str | None = None
    artifact: str = "metrics"
    ref: str | None = None
    path: str | None = None
    max_age_days: decimal.Decimal | None = None


@dataclasses.dataclass(frozen=True)
class GateFile:
    """A validated gate file."""

    path: str
    name: str
    baseline: BaselineSpec
    gates: tuple[Gate, ...]


@functools.cache
def schema_text() -> str:
    """Return the gate-file JSON Schema as shipped."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (
        os.path.join(here, "schema", SCHEMA_NAME),
        os.path.join(os.path.dirname(here), "schema", SCHEMA_NAME),
    ):
        if os.path.exists(candidate):
            with open(candidate, encoding="utf-8") as handle:
                return handle.read()
    raise FileNotFoundError(SCHEMA_NAME)


@functools.cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(schema_text())
    strict = jsonschema.validators.extend(
        jsonschema.Draft202012Validator, {"pattern": _pattern}
    )
    return strict(schema)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """The 'pattern' keyword with ECMA-262's '$', which matches only at the end.

    Python's '$' also matches before a final newline, so jsonschema would let
    "2%\n" through as a percentage.
    """
    import jsonschema

    anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    if validator.is_type(instance, "string") and not re.search(anchored, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def name_of(path: str) -> str:
    """The ``name`` of a gate file, read leniently; else the file's stem."""
    stem = os.path.splitext(os.path.basename(path))[0] or "gate"
    try:
        data = load_yaml(
            read_text(path, what="gate file", max_bytes=MAX_GATE_FILE_BYTES), path
        ).data
    except ConfigError:
        return stem
    name = data.get("name") if isinstance(data, dict) else None
    if isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name):
        return name
    return stem


def load_gate_file(path: str) -> GateFile:
    """Read, parse, validate and build a gate file; every problem is a ConfigError."""
    text = read_text(path, what="gate file", max_bytes=MAX_GATE_FILE_BYTES)
    return parse_gate_file(text, path)


def parse_gate_file(text: str, path: str) -> GateFile:
    """Parse and validate gate-file text (``path`` names it in messages)."""
    doc = load_yaml(text, path)
    if not isinstance(doc.data, dict):
        raise ConfigError(
            f"{path}:1:1: a gate file must be a mapping with 'version' and 'gates' — "
            "see schema/gates.schema.json."
        )
    problems = schema_problems(doc)
    if problems:
        raise ConfigError(problems[0], details=problems[1:])
    gate_file = _build(doc)
    problems = _semantic_problems(doc, gate_file.gates)
    if problems:
        raise ConfigError(problems[0], details=problems[1:])
    return gate_file


def schema_problems(doc: Document) -> list[str]:
    """Every schema violation as ``file:line:col: path: what — fix``, by position."""
    if fast_accepts(doc.data):
        return []
    found: list[tuple[tuple[int, int], str]] = []
    errors = list(_validator().iter_errors(doc.data))
    # A gate with a misspelt key ("mni") also has "no rule": the unknown key is the
    # cause, so only it is reported.
    misspelt = {
        tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"
    }
    for error in errors:
        if error.validator == "anyOf" and tuple(error.absolute_path) in misspelt:
            continue
        for path, key, message in _explain(error):
            pos = doc.position(path, key=key)
            where = f"{doc.path}:{pos.line}:{pos.col}"
            found.append(
                ((pos.line, pos.col), f"{where}: {format_path(path)}: {message}")
            )
    found.sort(key=lambda item: item[0])
    # jsonschema reports a missing key once per key, each listing them all.
    return list(dict.fromkeys(message for _, message in found))


# A hand-written check of schema/gates.schema.json, so that a valid gate file needs
# no jsonschema (its import alone takes longer than a whole run). It accepts only
# documents it can prove valid; on anything else jsonschema decides and explains.
# tests/unit/test_fast_schema.py holds the schema it was written for and checks
# that whatever it accepts, jsonschema accepts too.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PERCENT = re.compile(r"[0-9]+(\.[0-9]+)?%")
_BASELINE_CHOICES = {
    "source": ("release", "artifact", "branch", "file", "none"),
    "when-missing": ("pass", "warn", "fail"),
}
_BASELINE_TEXTS = frozenset(
    {"file", "asset", "tag", "tag-pattern", "workflow", "artifact", "ref", "path"}
)
_GATE_CHOICES = {"direction": ("higher", "lower"), "severity": ("block", "warn")}
_BOUNDS = frozenset({"min", "above", "max", "below"})
_TOLERANCES = frozenset({"max-regression", "min-improvement"})
_GATE_KEYS = frozenset(
    {"metric", "description", "optional", *_GATE_CHOICES, *_BOUNDS, *_TOLERANCES}
)
_MAX_GATES = 10_000


def fast_accepts(data: Any) -> bool:
    """Whether ``data`` surely passes the gate-file schema (False: not sure)."""
    if type(data) is not dict or "version" not in data or "gates" not in data:
        return False
    for key, value in data.items():
        if key == "version":
            ok = _is_finite(value) and value == 1
        elif key == "name":
            ok = type(value) is str and _NAME.fullmatch(value) is not None
        elif key == "description":
            ok = type(value) is str and len(value) <= 2000
        elif key == "baseline":
            ok = _fast_baseline(value)
        elif key == "gates":
            ok = type(value) is list and 1 <= len(value) <= _MAX_GATES
            ok = ok and all(_fast_gate(gate) for gate in value)
        else:
            return False
        if not ok:
            return False
    return True


def _is_finite(value: Any) -> bool:
    return type(value) is decimal.Decimal and value.is_finite()


def _is_text(value: Any) -> bool:
    return type(value) is str and len(value) >= 1


def _fast_baseline(block: Any) -> bool:
    if type(block) is not dict:
        return False
    for key, value in block.items():
        if key in _BASELINE_TEXTS:
            ok = _is_text(value)
        elif key in _BASELINE_CHOICES:
            ok = type(value) is str and value in _BASELINE_CHOICES[key]
        elif key == "prereleases":
            ok = type(value) is bool
        elif key == "max-age-days":
            ok = _is_finite(value) and value > 0
        else:
            return False
        if not ok:
            return False
    return True


def _fast_gate(gate: Any) -> bool:
    if type(gate) is not dict or not _GATE_KEYS.issuperset(gate):
        return False
    if _BOUNDS.isdisjoint(gate) and _TOLERANCES.isdisjoint(gate):
        return False  # anyOf: no rule
    if "direction" not in gate and not _TOLERANCES.isdisjoint(gate):
        return False  # dependentRequired: a relative rule needs a direction
    for key, value in gate.items():
        if key == "metric":
            ok = _is_text(value) and len(value) <= 1000
        elif key in _BOUNDS:
            ok = _is_finite(value)
        elif key in _TOLERANCES:
            ok = (_is_finite(value) and value >= 0) or (
                type(value) is str and _PERCENT.fullmatch(value) is not None
            )
        elif key in _GATE_CHOICES:
            ok = type(value) is str and value in _GATE_CHOICES[key]
        elif key == "description":
            ok = type(value) is str and len(value) <= 500
        else:  # "optional", the only key left in _GATE_KEYS
            ok = type(value) is bool
        if not ok:
            return False
    return "metric" in gate


def _explain(error: Any) -> Iterable[tuple[Path, bool, str]]:
    """Turn one jsonschema error into (path, points-at-key, message) entries."""
    path: Path = tuple(error.absolute_path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties":
        import difflib

        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        for key in extra:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "remove it"
            yield (
                (*path, key),
                True,
                (f"unknown key — {hint} (allowed: {', '.join(allowed)})"),
            )
        return
    if kind == "required":
        for key in error.validator_value:
            if key not in error.instance:
                yield path, False, f"missing required key '{key}' — add it"
        return
    if kind == "dependentRequired":
        for key, needs in error.validator_value.items():
            if key in error.instance and any(n not in error.instance for n in needs):
                yield (
                    (*path, key),
                    True,
                    (
                        f"'{key}' compares with the baseline, so the gate needs "
                        "'direction' — add 'direction: higher' or 'direction: lower'"
                    ),
                )
        return
    if kind == "anyOf" and path and path[-1] in ("max-regression", "min-improvement"):
        yield (
            path,
            False,
            (
                f"{_shown(error.instance)} is not a tolerance — write a non-negative "
                "number (0.01) or a percentage string ('2%')"
            ),
        )
        return
    if kind == "anyOf" and all("required" in s for s in error.validator_value):
        # The gate's anyOf only lists the rules of which one must be present.
        yield (
            path,
            False,
            (
                "the gate has no rule — add one of min, max, above, below, "
                "max-regression, min-improvement"
            ),
        )
        return
    if kind in ("anyOf", "oneOf"):
        import jsonschema.exceptions

        best = jsonschema.exceptions.best_match(error.context)
        hidden = len(error.context) - 1
        suffix = f" ({hidden} other possible errors hidden)" if hidden > 0 else ""
        yield from ((p, k, m + suffix) for p, k, m in _explain(best))
        return
    yield path, False, _message(kind, error, path)


def _message(kind: str, error: Any, path: Path) -> str:
    value = _shown(error.instance)
    if kind == "type":
        wanted = error.validator_value
        # Say it the way YAML users do: a list, a mapping.
        wanted = {"array": "list", "object": "mapping"}.get(wanted, wanted)
        return f"must be a {wanted}, not {value} — write a {wanted}"
    if kind == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        if path == ("version",):
            return f"unsupported version {value} — this qgate reads version 1"
        return f"{value} is not one of: {options} — use one of them"
    if kind == "minItems" and path == ("gates",):
        return "no gates — add at least one gate (a list item with 'metric' and a rule)"
    if kind == "maxItems":
        return f"more than {error.validator_value} items — split the gate file"
    if kind == "minLength":
        return "is empty — write a value"
    if kind == "maxLength":
        return f"is longer than {error.validator_value} characters — shorten it"
    if kind == "pattern" and path == ("name",):
        return (
            f"{value} is not a valid name — use letters, digits, '.', '_' and '-' "
            "(at most 64)"
        )
    if kind in ("minimum", "exclusiveMinimum"):
        op = ">=" if kind == "minimum" else ">"
        return f"{value} is too small — it must be {op} {error.validator_value}"
    return f"{error.message} — see schema/gates.schema.json"


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {json.dumps(_clip(value))}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return str(value)


def _tolerance(value: Any) -> Tolerance | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Tolerance(decimal.Decimal(value[:-1]), True)
    return Tolerance(value, False)


def _build(doc: Document) -> GateFile:
    data = doc.data
    gates = []
    for index, raw in enumerate(data["gates"]):
        pos = doc.position(("gates", index))
        gates.append(
            Gate(
                index=index,
                metric=canonical_name(split_name(raw["metric"])),
                line=pos.line,
                col=pos.col,
                direction=raw.get("direction"),
                min=raw.get("min"),
                above=raw.get("above"),
                max=raw.get("max"),
                below=raw.get("below"),
                max_regression=_tolerance(raw.get("max-regression")),
                min_improvement=_tolerance(raw.get("min-improvement")),
                severity=raw.get("severity", "block"),
                optional=raw.get("optional", False),
                description=raw.get("description", ""),
            )
        )
    base = data.get("baseline", {})
    baseline = BaselineSpec(
        source=base.get("source") or ("file" if "file" in base else None),
        file=base.get("file"),
        when_missing=base.get("when-missing", "warn"),
        asset=base.get("asset", "metrics.json"),
        tag=base.get("tag"),
        tag_pattern=base.get("tag-pattern"),
        prereleases=base.get("prereleases", False),
        workflow=base.get("workflow"),
        artifact=base.get("artifact", "metrics"),
        ref=base.get("ref"),
        path=base.get("path"),
        max_age_days=base.get("max-age-days"),
    )
    name = data.get("name") or os.path.splitext(os.path.basename(doc.path))[0]
    return GateFile(path=doc.path, name=name, baseline=baseline, gates=tuple(gates))


_NUMBER_KEYS = ("min", "above", "max", "below", "max-regression", "min-improvement")


def _out_of_range(doc: Document) -> list[str]:
    """Numbers too large, too small or too long for exact comparison."""
    found: list[tuple[Path, Any]] = [
        (("baseline", "max-age-days"), doc.data.get("baseline", {}).get("max-age-days"))
    ]
    for index, raw in enumerate(doc.data["gates"]):
        found += [(("gates", index, key), raw.get(key)) for key in _NUMBER_KEYS]
    problems = []
    for path, value in found:
        number = decimal.Decimal(value[:-1]) if isinstance(value, str) else value
        if number is not None and not is_number(number):
            problems.append(
                f"{doc.where(path)}: {format_path(path)}: {_clip(str(value))} is out "
                "of range — "
                f"write at most {MAX_DIGITS} significant digits, between "
                f"1e{MIN_EXPONENT} and 1e{MAX_EXPONENT}"
            )
    return problems


def _semantic_problems(doc: Document, gates: tuple[Gate, ...]) -> list[str]:
    """Contradictions the schema cannot express."""
    problems = _out_of_range(doc)
    seen: dict[tuple[str, str], int] = {}
    for gate in gates:
        where = doc.where(("gates", gate.index))
        label = f"gates[{gate.index}]"
        if gate.min is not None and gate.above is not None:
            problems.append(
                f"{where}: {label}: both 'min' and 'above' are set — keep "
                "one lower bound"
            )
        if gate.max is not None and gate.below is not None:
            problems.append(
                f"{where}: {label}: both 'max' and 'below' are set — keep "
                "one upper bound"
            )
        low = gate.min if gate.min is not None else gate.above
        high = gate.max if gate.max is not None else gate.below
        is_strict = gate.above is not None or gate.below is not None
        if low is not None and high is not None and low == high and is_strict:
            problems.append(
                f"{where}: {label}: a strict bound equals the other bound "
                f"({low}) — no value can pass; use min/max to include it"
            )
        if low is not None and high is not None and low > high:
            problems.append(
                f"{where}: {label}: the lower bound {low} is above the "
                f"upper bound {high} — no value can pass; swap them"
            )
        key = (gate.metric, gate.severity)
        if key in seen:
            problems.append(
                f"{where}: {label}: metric '{gate.metric}' already has a "
                f"{gate.severity} gate (gates[{seen[key]}]) — merge the rules into "
                "one gate, or give the second one another severity"
            )
        seen.setdefault(key, gate.index)
    return problems
