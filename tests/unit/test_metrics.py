"""Metrics files: JSON and YAML, flattening, dotted names with escapes, errors."""

from __future__ import annotations

import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qgate import metrics as metrics_module
from qgate.errors import ConfigError
from qgate.metrics import (
    Lookup,
    canonical_name,
    load_metrics,
    parse_metrics,
    parse_metrics_bytes,
    split_name,
)

D = decimal.Decimal

NESTED = {"quality.accuracy": D("0.9"), "latency.p95_ms": D("40")}


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ('{"quality": {"accuracy": 0.9}, "latency": {"p95_ms": 40}}', "m.json"),
        ("quality:\n  accuracy: 0.9\nlatency:\n  p95_ms: 40\n", "m.yml"),
        ("quality: {accuracy: 0.9}\nlatency: {p95_ms: 40}\n", "m.yaml"),
        ("{quality: {accuracy: 0.9}, latency: {p95_ms: 40}}", "m.yml"),
        ('{"quality": {"accuracy": 0.9}, "latency": {"p95_ms": 40}}', "metrics"),
        ("quality:\n  accuracy: 0.9\nlatency:\n  p95_ms: 40\n", "metrics"),
    ],
)
def test_parse_metrics__json_and_yaml_flatten_alike(text, source):
    """JSON and YAML metrics flatten to the same dotted names and exact values."""

    metrics = parse_metrics(text, source)

    assert metrics.values == NESTED


def test_parse_metrics__empty_mapping_has_no_metrics():
    """An empty object is a valid file with no metrics in it."""

    assert parse_metrics("{}", "m.json").values == {}


def test_parse_metrics__flattens_deep_nesting():
    """Every level of nesting becomes one segment of the dotted name."""

    metrics = parse_metrics('{"a": {"b": {"c": {"d": 1}}, "e": 2}}', "m.json")

    assert metrics.values == {"a.b.c.d": D("1"), "a.e": D("2")}


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        # A flat key with a dot: escaped or not, the name finds it.
        ('{"latency.p95_ms": 40}', "latency.p95_ms", D("40")),
        ('{"latency.p95_ms": 40}', "latency\\.p95_ms", D("40")),
        # Nested keys: the dots split.
        ('{"latency": {"p95_ms": 30}}', "latency.p95_ms", D("30")),
        # Both present: the plain name is the nested path, the escape the flat key.
        (
            '{"latency.p95_ms": 40, "latency": {"p95_ms": 30}}',
            "latency\\.p95_ms",
            D("40"),
        ),
        # A dot inside a nested key.
        ('{"eval": {"top.5": 0.99}}', "eval.top\\.5", D("0.99")),
        ('{"eval": {"top.5": 0.99}}', "eval.top.5", D("0.99")),
        # A backslash inside a key is escaped with another backslash.
        ('{"a\\\\b": 1}', "a\\\\b", D("1")),
    ],
)
def test_lookup__dotted_and_escaped_names(text, name, value):
    """A metric is found by its dotted path, with ``\\.`` for a dot inside a key."""
    metrics = parse_metrics(text, "m.json")

    assert metrics.lookup(name) == Lookup(True, value)


def test_lookup__ambiguous_plain_name_lists_the_spellings():
    """A plain name two different escaped paths could mean is reported as ambiguous."""
    metrics = parse_metrics('{"a.b": {"c": 1}, "a": {"b.c": 2}}', "m.json")

    assert metrics.lookup("a.b.c") == Lookup(False, ambiguous=("a\\.b.c", "a.b\\.c"))


@pytest.mark.parametrize("name", ["quality", "quality.gpu", "q\\.x", "empty"])
def test_lookup__a_mapping_is_there_but_not_a_number(name):
    """A name that reaches a mapping of metrics is found, with a non-number value."""
    metrics = parse_metrics(
        '{"quality": {"gpu": {"a": 1}}, "q.x": {"y": 1}, "empty": {}}', "m.json"
    )

    assert metrics.lookup(name) == Lookup(True, {})


@pytest.mark.parametrize(
    "name", ["accuracy", "quality.accuracy.extra", "quality\\.accuracy"]
)
def test_lookup__absent_name_is_not_found(name):
    """A name that reaches nothing is not found."""
    metrics = parse_metrics('{"quality": {"accuracy": 0.9}}', "m.json")

    assert metrics.lookup(name) == Lookup(False)


def test_closest__suggests_similar_names():
    """closest() offers the names most like a misspelt one, best first."""
    metrics = parse_metrics(
        '{"quality": {"accuracy": 1, "recall": 1}, "x": 1}', "m.json"
    )

    assert metrics.closest("quality.acuracy") == ["quality.accuracy", "quality.recall"]


@pytest.mark.parametrize(
    ("name", "segments"),
    [
        ("a.b", ["a", "b"]),
        ("a\\.b", ["a.b"]),
        ("a\\\\.b", ["a\\", "b"]),
        ("a\\b", ["ab"]),
        ("a.", ["a", ""]),
        ("a\\", ["a\\"]),
    ],
)
def test_split_name__splits_on_unescaped_dots(name, segments):
    """split_name() splits on dots that no backslash escapes."""

    assert split_name(name) == segments


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_canonical_name__round_trips(segments):
    """Any list of keys survives canonical_name() then split_name()."""

    assert split_name(canonical_name(segments)) == segments


@pytest.mark.parametrize(
    ("text", "source", "message"),
    [
        (
            '{"a": {"x": 1},\n "b": {"x": 1, "x": 2}}',
            "m.json",
            "m.json:2:16: b.x: duplicate key (first written at line 2) — keep only one.",
        ),
        (
            "a: 1\nb: 2\na: 3\n",
            "m.yml",
            "m.yml:3:1: a: duplicate key (first written at line 1) — keep only one.",
        ),
        (
            "[0.9, 0.8]",
            "m.json",
            "m.json:1:1: a metrics file must hold a mapping of names to numbers, not a "
            "list — wrap the values in an object.",
        ),
        (
            "null\n",
            "m.yml",
            "m.yml:1:1: a metrics file must hold a mapping of names to numbers, not "
            "null — wrap the values in an object.",
        ),
        (
            "0.9\n",
            "m.yml",
            "m.yml:1:1: a metrics file must hold a mapping of names to numbers, not a "
            "number — wrap the values in an object.",
        ),
        (
            "true\n",
            "m.yml",
            "m.yml:1:1: a metrics file must hold a mapping of names to numbers, not a "
            "boolean — wrap the values in an object.",
        ),
        (
            "accuracy 0.9\n",
            "m.yml",
            "m.yml:1:1: a metrics file must hold a mapping of names to numbers, not "
            "text — wrap the values in an object.",
        ),
        (
            '{"a": 0.9,}',
            "m.json",
            "m.json:1:11: cannot parse JSON: Expecting property name enclosed in double "
            "quotes — fix the syntax at this position.",
        ),
    ],
)
def test_parse_metrics__errors_say_where(text, source, message):
    """Duplicate keys and a file that is not a mapping are errors with line:col."""

    with pytest.raises(ConfigError) as caught:
        parse_metrics(text, source)

    assert caught.value.message == message


def test_parse_metrics__too_many_metrics(monkeypatch):
    """A file with more metrics than the limit is refused."""
    monkeypatch.setattr(metrics_module, "MAX_METRICS", 2)

    with pytest.raises(ConfigError) as caught:
        parse_metrics('{"a": 1, "b": 2, "c": 3}', "m.json")

    assert caught.value.message == (
        "m.json: more than 2 metrics — split the file or gate a subset."
    )


@pytest.mark.parametrize(
    ("name", "raw", "values"),
    [
        ("m.json", b'\xef\xbb\xbf{"acc": 0.9}', {"acc": D("0.9")}),
        ("m.yml", b"\xef\xbb\xbfacc: 0.9\n", {"acc": D("0.9")}),
        ("m.json", '{"genauigkeit_ä": 0.9}'.encode(), {"genauigkeit_ä": D("0.9")}),
    ],
)
def test_load_metrics__reads_utf8_with_or_without_bom(tmp_path, name, raw, values):
    """A UTF-8 file loads whether or not it starts with a byte order mark."""
    path = tmp_path / name
    path.write_bytes(raw)

    assert load_metrics(str(path)).values == values


def test_load_metrics__non_utf8_bytes_say_where(tmp_path):
    """Bytes that are not UTF-8 fail with the line and column of the first bad byte."""
    path = tmp_path / "metrics.json"
    path.write_bytes(b'{\n  "acc": 0.9,\n  "na\xefve": 1\n}\n')

    with pytest.raises(ConfigError) as caught:
        load_metrics(str(path))

    assert caught.value.message == (
        f"{path}:3:6: metrics file is not valid UTF-8 (byte 0xef) — save the file as "
        "UTF-8."
    )


def test_parse_metrics_bytes__names_the_source():
    """Downloaded metrics are parsed with their source in every message."""

    with pytest.raises(ConfigError) as caught:
        parse_metrics_bytes(b"\xff", "release v1.2 asset metrics.json")

    assert caught.value.message == (
        "release v1.2 asset metrics.json:1:1: baseline metrics is not valid UTF-8 "
        "(byte 0xff) — save the file as UTF-8."
    )


def test_parse_metrics_bytes__parses_json():
    """Downloaded metrics bytes become flat metrics."""

    metrics = parse_metrics_bytes(b'{"a": {"b": 1}}', "asset metrics.json")

    assert (metrics.source, metrics.values) == ("asset metrics.json", {"a.b": D("1")})


@pytest.mark.parametrize(
    "text",
    [
        '{"latency.p95_ms": 40, "latency": {"p95_ms": 30}}',
        '{"latency": {"p95_ms": 30}, "latency.p95_ms": 40}',
    ],
)
def test_lookup__nested_and_dotted_key_with_one_name_is_ambiguous(text):
    """A nested path and a key spelled the same way are never picked silently."""
    metrics = parse_metrics(text, "m.json")

    found = metrics.lookup("latency.p95_ms")

    assert (found.found, sorted(found.ambiguous)) == (
        False, ["latency.p95_ms", "latency\\.p95_ms"])


_KEYS = st.text(alphabet="ab.\\", min_size=1, max_size=4)
_TREES = st.recursive(
    st.one_of(st.none(), st.just(D("1")), st.just({})),
    lambda children: st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=12,
)


def _flattened_path_by_path(data):
    """The flat view built the plain way: every leaf's path escaped from scratch."""
    values, groups = {}, set()

    def walk(node, path):
        if isinstance(node, dict) and node:
            for key, value in node.items():
                walk(value, (*path, key))
        elif path:
            values[canonical_name(path)] = node
            groups.update(canonical_name(path[:end]) for end in range(1, len(path)))

    walk(data, ())
    plain = {}
    for name in values:
        spelled = ".".join(split_name(name))
        if spelled != name:
            clash = spelled in values or spelled in plain
            plain[spelled] = None if clash else name
    groups |= {".".join(split_name(name)) for name in groups}
    return list(values.items()), groups, plain


@given(st.dictionaries(_KEYS, _TREES, max_size=4))
def test_from_document__same_names_as_escaping_each_path(data):
    """Carrying the escaped prefix down gives the names, groups and plain spellings
    that escaping every whole path gives."""
    from qgate.document import Document
    from qgate.metrics import from_document

    metrics = from_document(Document("m.json", data), "m.json")

    assert (
        list(metrics.values.items()),
        metrics.groups,
        metrics._plain,
    ) == _flattened_path_by_path(data)
