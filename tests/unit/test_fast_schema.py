"""The fast schema check: whatever it accepts, jsonschema accepts too.

``fast_accepts`` lets a valid gate file through without importing jsonschema. It
may turn down a valid document (jsonschema then decides), but it must never
accept an invalid one, or a broken gate file would slip past every message.
"""

from __future__ import annotations

import decimal
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from qgate.document import Invalid, decode, load_yaml
from qgate.gatefile import _validator, fast_accepts, schema_text
from tests.helpers import ROOT

D = decimal.Decimal
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VALID = sorted((EXAMPLES / "valid").glob("*.yml"))
SHIPPED = [ROOT / "examples" / "breast-cancer" / "gates.yml"]

# The rules of schema/gates.schema.json that fast_accepts was written for, without
# the descriptions. When this test fails, the schema changed: update fast_accepts
# in qgate/gatefile.py to check the new rules, then copy them here.
_TOLERANCE_RULE = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?%$"},
    ]
}
_TEXT_RULE = {"type": "string", "minLength": 1}
WRITTEN_FOR = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://raw.githubusercontent.com/qgate-dev/quality-gate/v1/schema/gates.schema.json",
    "title": "qgate gate file, version 1",
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "gates"],
    "properties": {
        "version": {"enum": [1]},
        "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"},
        "description": {"type": "string", "maxLength": 2000},
        "baseline": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "source": {"enum": ["release", "artifact", "branch", "file", "none"]},
                "file": _TEXT_RULE,
                "when-missing": {"enum": ["pass", "warn", "fail"]},
                "asset": _TEXT_RULE,
                "tag": _TEXT_RULE,
                "tag-pattern": _TEXT_RULE,
                "prereleases": {"type": "boolean"},
                "workflow": _TEXT_RULE,
                "artifact": _TEXT_RULE,
                "ref": _TEXT_RULE,
                "path": _TEXT_RULE,
                "max-age-days": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "gates": {
            "type": "array",
            "minItems": 1,
            "maxItems": 10000,
            "items": {"$ref": "#/$defs/gate"},
        },
    },
    "$defs": {
        "tolerance": _TOLERANCE_RULE,
        "gate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["metric"],
            "anyOf": [
                {"required": ["min"]},
                {"required": ["max"]},
                {"required": ["above"]},
                {"required": ["below"]},
                {"required": ["max-regression"]},
                {"required": ["min-improvement"]},
            ],
            "dependentRequired": {
                "max-regression": ["direction"],
                "min-improvement": ["direction"],
            },
            "properties": {
                "metric": {"type": "string", "minLength": 1, "maxLength": 1000},
                "description": {"type": "string", "maxLength": 500},
                "direction": {"enum": ["higher", "lower"]},
                "min": {"type": "number"},
                "above": {"type": "number"},
                "max": {"type": "number"},
                "below": {"type": "number"},
                "max-regression": {"$ref": "#/$defs/tolerance"},
                "min-improvement": {"$ref": "#/$defs/tolerance"},
                "severity": {"enum": ["block", "warn"]},
                "optional": {"type": "boolean"},
            },
        },
    },
}


def _rules(node: Any, *, names: bool = False) -> Any:
    """The schema without its descriptions: what validation depends on.

    Under "properties" the keys are names (one of them is "description").
    """
    if isinstance(node, dict):
        return {
            k: _rules(v, names=k == "properties" and not names)
            for k, v in node.items()
            if names or k != "description"
        }
    if isinstance(node, list):
        return [_rules(v) for v in node]
    return node


def _is_valid(data: Any) -> bool:
    try:
        return not any(True for _ in _validator().iter_errors(data))
    except decimal.InvalidOperation:
        return False  # a NaN compared with a minimum; the fast check never tries


# Valid values for every key, and near misses: the edges each rule draws (lengths,
# patterns, look-alike digits, enum spellings, signs) plus values of other types.
_FINITE = st.one_of(
    st.sampled_from([D("0"), D("-0"), D("1"), D("1.0"), D("-1"), D("1E+2"), D("0.01")]),
    st.decimals(allow_nan=False, allow_infinity=False),
)
_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(),
    st.text(max_size=4),
    st.decimals(),  # NaN, sNaN and infinities too
    st.builds(Invalid, st.sampled_from([".nan", "-.inf"])),
    st.lists(st.none(), max_size=2),
    st.dictionaries(st.sampled_from(["metric", "min", "x"]), st.none(), max_size=2),
)
_PERCENT = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3})?%", fullmatch=True)
_NOT_PERCENT = st.sampled_from(
    ["2%\n", "\n2%", "２%", "٢%", "2.%", "%", "-1%", "1e2%", " 2%", "2", "2 %", ".5%"]
)
_NAME = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True)
_NOT_NAME = st.sampled_from(["a" * 65, "-x", ".x", "m\n", "ü", "", "a b", "m/x"])


def _text(low: int, high: int) -> Any:
    return st.one_of(
        st.text(min_size=low, max_size=min(high, 12)),
        st.just("x" * high),
        st.just("é" * max(low, 1)),
    )


def _too_long(high: int) -> Any:
    return st.just("x" * (high + 1))


def _choice(*options: str) -> tuple[Any, Any]:
    spellings = [options[0].upper(), f"{options[0]} ", options[0][:-1], ""]
    return st.sampled_from(options), st.sampled_from(spellings)


_TOLERANCE = st.one_of(_FINITE.map(abs), _PERCENT)
_GATE_KEYS: dict[str, tuple[Any, Any]] = {
    "metric": (_text(1, 1000), st.one_of(st.just(""), _too_long(1000))),
    "description": (_text(0, 500), _too_long(500)),
    "direction": _choice("higher", "lower"),
    "severity": _choice("block", "warn"),
    "optional": (st.booleans(), st.sampled_from(["true", D("1")])),
    **{
        key: (_FINITE, st.sampled_from(["1", "2%"]))
        for key in ("min", "above", "max", "below")
    },
    **{
        key: (_TOLERANCE, st.one_of(_NOT_PERCENT, st.just(D("-0.01"))))
        for key in ("max-regression", "min-improvement")
    },
}
_BASELINE_TEXTS = ("file", "asset", "tag", "tag-pattern", "workflow", "artifact")
_BASELINE_TEXTS += ("ref", "path")
_BASELINE_KEYS: dict[str, tuple[Any, Any]] = {
    "source": _choice("release", "artifact", "branch", "file", "none"),
    "when-missing": _choice("pass", "warn", "fail"),
    "prereleases": (st.booleans(), st.just("false")),
    "max-age-days": (
        _FINITE.filter(lambda d: d > 0),
        st.sampled_from([D("0"), D("-0"), D("-1")]),
    ),
    **{key: (_text(1, 20), st.just("")) for key in _BASELINE_TEXTS},
}
_TOP_KEYS: dict[str, tuple[Any, Any]] = {
    "version": (st.sampled_from([D("1"), D("1.0"), D("1E+0")]), st.just(D("2"))),
    "name": (_NAME, _NOT_NAME),
    "description": (_text(0, 2000), _too_long(2000)),
}
_RULES = ["min", "max", "above", "below", "max-regression", "min-improvement"]


@st.composite
def _valid_gate(draw: Any) -> dict[str, Any]:
    rules = draw(st.lists(st.sampled_from(_RULES), min_size=1, max_size=3, unique=True))
    others = ["description", "severity", "optional", "direction"]
    keys = ["metric", *rules, *draw(st.lists(st.sampled_from(others), unique=True))]
    if {"max-regression", "min-improvement"} & set(rules):
        keys.append("direction")
    return {key: draw(_GATE_KEYS[key][0]) for key in dict.fromkeys(keys)}


@st.composite
def _valid_document(draw: Any) -> dict[str, Any]:
    doc = {"version": draw(_TOP_KEYS["version"][0])}
    for key in draw(st.lists(st.sampled_from(["name", "description"]), unique=True)):
        doc[key] = draw(_TOP_KEYS[key][0])
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(sorted(_BASELINE_KEYS)), unique=True))
        doc["baseline"] = {key: draw(_BASELINE_KEYS[key][0]) for key in keys}
    doc["gates"] = draw(st.lists(_valid_gate(), min_size=1, max_size=3))
    return doc


@st.composite
def _documents(draw: Any) -> Any:
    """A valid document with up to three changes, each of which may break it."""
    doc = draw(_valid_document())
    for _ in range(draw(st.integers(0, 3))):
        places: list[tuple[Any, dict[str, tuple[Any, Any]]]] = [(doc, _TOP_KEYS)]
        if isinstance(doc.get("baseline"), dict):
            places.append((doc["baseline"], _BASELINE_KEYS))
        if isinstance(doc.get("gates"), list):
            gates = [g for g in doc["gates"] if isinstance(g, dict)]
            places += [(gate, _GATE_KEYS) for gate in gates]
        where, keys = draw(st.sampled_from(places))
        known = sorted(keys) + (["baseline", "gates"] if where is doc else [])
        key = draw(st.sampled_from([*known, "extra", "Metric", "max_regression"]))
        change = draw(st.sampled_from(["near miss", "junk", "valid", "drop"]))
        if change == "drop":
            where.pop(key, None)
        elif change == "near miss" and key in keys:
            where[key] = draw(keys[key][1])
        elif change == "valid" and key in keys:
            where[key] = draw(keys[key][0])
        elif key == "gates" and change == "valid":
            where[key] = draw(st.lists(_valid_gate(), max_size=2))
        else:
            where[key] = draw(_JUNK)
    # Now and then the whole document is something else.
    return draw(_JUNK) if draw(st.integers(0, 20)) == 0 else doc


_DOCUMENTS = _documents()


def test_fast_accepts__was_written_for_the_shipped_schema():
    """The schema's rules are the ones the fast check knows (descriptions aside)."""

    assert _rules(json.loads(schema_text())) == WRITTEN_FOR


@settings(
    derandomize=True,
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_DOCUMENTS)
def test_fast_accepts__implies_jsonschema_accepts(data):
    """A document the fast check accepts is one jsonschema accepts."""

    if fast_accepts(data):
        assert _is_valid(data)


def test_fast_accepts__generator_reaches_rich_valid_documents():
    """The generator makes accepted documents with several gates and a baseline
    block, so the property above is tried where it matters."""
    from hypothesis import find

    found = find(
        _DOCUMENTS,
        lambda d: fast_accepts(d) and len(d["gates"]) >= 2 and "baseline" in d,
        settings=settings(
            derandomize=True,
            max_examples=2000,
            database=None,
            phases=[Phase.generate],  # found is enough; no need to shrink it
        ),
    )

    assert _is_valid(found)


def _every_key() -> dict[str, Any]:
    """A valid document that uses every key the schema knows."""
    gate = {
        "metric": "quality.accuracy",
        "description": "d",
        "direction": "higher",
        "min": D("0.9"),
        "above": D("0.5"),
        "max": D("1"),
        "below": D("2"),
        "max-regression": "2%",
        "min-improvement": D("0.01"),
        "severity": "warn",
        "optional": True,
    }
    baseline = {key: "x" for key in _BASELINE_TEXTS}
    baseline.update(
        {
            "source": "release",
            "when-missing": "warn",
            "prereleases": False,
            "max-age-days": D("30"),
        }
    )
    return {
        "version": D("1"),
        "name": "model",
        "description": "d",
        "baseline": baseline,
        "gates": [gate],
    }


# Values at and past every edge, plus values of every other type, for each key.
_OTHERS = [None, True, False, D("0"), D("-1"), D("NaN"), D("Infinity"), "", "x", [], {}]
_EDGES: dict[str, list[Any]] = {
    "version": [D("1.0"), D("1E+0"), D("2"), "1", Invalid(".nan")],
    "name": ["a" * 64, "a" * 65, "-x", ".x", "m\n", "ü", "a b", "A0", "m/x", "0"],
    "top description": ["x" * 2000, "x" * 2001],
    "gate description": ["x" * 500, "x" * 501],
    "metric": ["x" * 1000, "x" * 1001, "é"],
    "direction": ["higher", "lower", "Higher", "higher ", "up"],
    "severity": ["block", "warn", "Block", "warn\n", "error"],
    "source": ["release", "artifact", "branch", "file", "none", "Release", "nope"],
    "when-missing": ["pass", "warn", "fail", "Warn", "skip"],
    "bound": [D("1e300"), D("-0"), D("1E-400"), "1", "2%", Invalid("-.inf")],
    "tolerance": [
        *["0%", "2%", "0.5%", "10.25%", "007%", D("0"), D("-0"), D("1e300")],
        *["2%\n", "\n2%", "２%", "٢%", "2.%", "%", "-1%", "1e2%", " 2%", "2 %", "2"],
        *[".5%", "2%%", D("-0.01"), D("-1E-400")],
    ],
    "max-age-days": [D("1E-400"), D("0"), D("-0"), D("-1"), D("0.5"), "30"],
    "boolean": ["true", "false", D("1"), D("0")],
    "text": ["x", "", " ", "\n"],
}
_KINDS = {
    "version": "version",
    "name": "name",
    "description": "top description",
    "gate.description": "gate description",
    "gate.metric": "metric",
    "gate.direction": "direction",
    "gate.severity": "severity",
    "baseline.source": "source",
    "baseline.when-missing": "when-missing",
    "baseline.max-age-days": "max-age-days",
    "baseline.prereleases": "boolean",
    "gate.optional": "boolean",
    **{f"gate.{key}": "bound" for key in ("min", "above", "max", "below")},
    **{f"gate.{key}": "tolerance" for key in ("max-regression", "min-improvement")},
    **{f"baseline.{key}": "text" for key in _BASELINE_TEXTS},
}


def _one_change_away() -> list[tuple[str, Any]]:
    """(what changed, document) for every single change to a valid document: each
    key set to each edge and other value, removed, or joined by an unknown key."""
    cases: list[tuple[str, Any]] = []
    for where, kind in _KINDS.items():
        for value in [*_EDGES[kind], *_OTHERS, "drop"]:
            doc = _every_key()
            place, key = (
                (doc["gates"][0], where[5:])
                if where.startswith("gate.")
                else (doc["baseline"], where[9:])
                if where.startswith("baseline.")
                else (doc, where)
            )
            if value == "drop":
                del place[key]
            else:
                place[key] = value
            cases.append((f"{where} = {value!r}"[:80], doc))
    for name, change in (
        ("no rule", lambda d: [d["gates"][0].pop(k) for k in _RULES]),
        ("relative, no direction", lambda d: d["gates"][0].pop("direction")),
        ("no gates", lambda d: d.pop("gates")),
        ("no version", lambda d: d.pop("version")),
        ("unknown top key", lambda d: d.update(extra=1)),
        ("unknown baseline key", lambda d: d["baseline"].update(Tag="v1")),
        ("unknown gate key", lambda d: d["gates"][0].update(max_regression=1)),
        ("gates not a list", lambda d: d.update(gates=d["gates"][0])),
        ("gate not a mapping", lambda d: d["gates"].append("m")),
        ("baseline not a mapping", lambda d: d.update(baseline=[])),
    ):
        doc = _every_key()
        change(doc)
        cases.append((name, doc))
    return cases


def test_fast_accepts__one_change_from_valid_never_fools_it():
    """Every edge of every rule, one at a time: the fast check accepts only what
    jsonschema accepts."""
    cases = _one_change_away()

    fooled = [what for what, doc in cases if fast_accepts(doc) and not _is_valid(doc)]

    assert (len(cases) > 400, fooled) == (True, [])


def test_fast_accepts__valid_edges_take_the_fast_path():
    """Values on the valid side of an edge are accepted without jsonschema."""
    cases = _one_change_away()

    missed = [what for what, doc in cases if _is_valid(doc) and not fast_accepts(doc)]

    # Only non-finite bounds, which a gate file cannot even hold (YAML's .nan
    # reads as an invalid value, not as a number), are left to jsonschema.
    assert [m for m in missed if "NaN" not in m and "Infinity" not in m] == []


@pytest.mark.parametrize("count", [0, 1, 10_000, 10_001])
def test_fast_accepts__gate_count_limits(count):
    """1 to 10,000 gates pass, as in the schema; 0 and 10,001 go to jsonschema."""
    data = {"version": D("1"), "gates": [{"metric": "m", "min": D("0")}] * count}

    assert (fast_accepts(data), _is_valid(data)) == (1 <= count <= 10_000,) * 2


@pytest.mark.parametrize("path", VALID + SHIPPED, ids=lambda p: p.name)
def test_fast_accepts__every_valid_example(path):
    """Every valid example takes the fast path: jsonschema is not needed for it."""
    data = load_yaml(decode(path.read_bytes(), path=str(path), what="x"), "x").data

    assert fast_accepts(data)


def test_load_gate_file__valid_file_imports_no_jsonschema():
    """Loading a valid gate file leaves jsonschema (and difflib) unimported."""
    code = (
        "import sys\n"
        "from qgate.gatefile import load_gate_file\n"
        f"load_gate_file({str(SHIPPED[0])!r})\n"
        "print(sorted(m for m in ('jsonschema', 'difflib') if m in sys.modules))\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert done.stdout == "[]\n"
