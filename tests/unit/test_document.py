"""Reading YAML and JSON: exact numbers, positions, and errors that say where."""

from __future__ import annotations

import decimal

import pytest

from qgate import document
from qgate.document import (
    Invalid,
    Position,
    decode,
    format_path,
    is_number,
    load_json,
    load_yaml,
    read_text,
)
from qgate.errors import ConfigError

D = decimal.Decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.1", D("0.1")),
        ("0.30000000000000004", D("0.30000000000000004")),
        ("1e3", D("1e3")),
        ("1.5e+3", D("1500")),
        (".5", D("0.5")),
        ("+1", D("1")),
        ("-0", D("0")),
        ("1_000", D("1000")),
        ("0x1F", D("31")),
        ("0o17", D("15")),
        ("00017", D("17")),
        (".nan", Invalid(".nan")),
        (".NaN", Invalid(".NaN")),
        ("-.inf", Invalid("-.inf")),
        ("+.Inf", Invalid("+.Inf")),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("yes", "yes"),
        ('"0.9"', "0.9"),
        ("'1'", "1"),
        ("!!float 1", D("1")),
        ("!!int 0xZZ", "0xZZ"),
        ("2024-01-01", "2024-01-01"),
    ],
)
def test_load_yaml__scalars(text, value):
    """YAML 1.2 scalars resolve to exact Decimals, booleans, null or text."""

    doc = load_yaml(f"v: {text}\n", "m.yml")

    assert doc.data == {"v": value}
    assert type(doc.data["v"]) is type(value)


def test_load_yaml__records_value_and_key_positions():
    """Every value and mapping key keeps its 1-based line and column."""
    text = "version: 1\ngates:\n  - metric: acc\n    min: 0.9\n"

    doc = load_yaml(text, "g.yml")

    assert (
        doc.values[("gates", 0)],
        doc.values[("gates", 0, "min")],
        doc.keys[("gates", 0, "min")],
        doc.where(("gates", 0, "min"), key=True),
    ) == (Position(3, 5), Position(4, 10), Position(4, 5), "g.yml:4:5")


def test_load_yaml__empty_value_points_at_its_key():
    """A key with no value is placed at the key, not at the next line."""

    doc = load_yaml("gates:\nname: x\n", "g.yml")

    assert doc.where(("gates",)) == "g.yml:1:1"


@pytest.mark.parametrize(
    ("path", "key", "where"),
    [
        (("a", "b"), False, "d.yml:2:6"),
        (("a", "b"), True, "d.yml:2:3"),
        (("a", "zz", "deeper"), False, "d.yml:2:3"),
        (("nothing",), True, "d.yml:1:1"),
        (("a", "c", 0), True, "d.yml:3:7"),
        ((), False, "d.yml:1:1"),
    ],
)
def test_document_where__falls_back_to_the_nearest_known_ancestor(path, key, where):
    """Positions of unknown paths come from their closest recorded parent."""
    doc = load_yaml("a:\n  b: 1\n  c: [x]\n", "d.yml")

    assert doc.where(path, key=key) == where


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: 1\na: 2\n",
            "m.yml:2:1: a: duplicate key (first written at line 1) — keep only one.",
        ),
        (
            "a:\n  - {b: 1, b: 2}\n",
            "m.yml:2:12: a[0].b: duplicate key (first written at line 2) — keep only one.",
        ),
        (
            "a: [1\n",
            "m.yml:2:1: cannot parse YAML: expected ',' or ']', but got '<stream end>' "
            "— fix the syntax at this position.",
        ),
        (
            "a:\n\t- 1\n",
            "m.yml:2:1: cannot parse YAML: found character '\\t' that cannot start any "
            "token (tabs cannot indent YAML; use spaces) — fix the syntax at this "
            "position.",
        ),
        (
            "base: &b {x: 1}\nother:\n  <<: *b\n",
            "m.yml:3:3: merge keys ('<<') are not supported — write the keys out.",
        ),
        (
            "? [a, b]\n: 1\n",
            "m.yml:1:3: (top level) has a key that is not a plain string — use a text "
            "key.",
        ),
        (
            "# only a comment\n",
            "m.yml:1:1: the file holds no document — it must hold a mapping.",
        ),
    ],
)
def test_load_yaml__errors_say_where(text, message):
    """Broken YAML is a configuration error with file:line:col and a fix."""

    with pytest.raises(ConfigError) as caught:
        load_yaml(text, "m.yml")

    assert caught.value.message == message


def test_load_yaml__unplaced_yaml_error_is_a_config_error(monkeypatch):
    """A YAML error without a position is still a configuration error at 1:1."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    def compose(self, text):
        raise YAMLError("reader failed")

    monkeypatch.setattr(YAML, "compose", compose)

    with pytest.raises(ConfigError) as caught:
        load_yaml("a: 1\n", "m.yml")

    assert caught.value.message == "m.yml:1:1: cannot parse YAML: reader failed"


def test_load_yaml__duplicate_key_is_a_duplicate_key_error():
    """A repeated key raises the dedicated duplicate-key error."""

    with pytest.raises(document.DuplicateKeyError):
        load_yaml("a: 1\na: 1\n", "m.yml")


BOMB = (
    "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
)


@pytest.mark.parametrize(
    ("limit", "value", "text", "message"),
    [
        (
            "MAX_NODES",
            50,
            BOMB,
            "m.yml:1:4: the document expands to more than 50 values or 64 levels "
            "(aliases count each time they are used) — write it out plainly.",
        ),
        (
            "MAX_DEPTH",
            3,
            "a: {b: {c: {d: 1}}}\n",
            "m.yml:1:12: the document expands to more than 1,000,000 values or 3 "
            "levels (aliases count each time they are used) — write it out plainly.",
        ),
    ],
)
def test_load_yaml__refuses_expanding_documents(
    monkeypatch, limit, value, text, message
):
    """Alias bombs and deep nesting stop at the node and depth limits."""
    monkeypatch.setattr(document, limit, value)

    with pytest.raises(ConfigError) as caught:
        load_yaml(text, "m.yml")

    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"a": {"x": 1},\n "b": {"x": 1, "x": 2}}',
            "m.json:2:16: b.x: duplicate key (first written at line 2) — keep only one.",
        ),
        (
            '{"é": 1, "\\u00e9": 2}',
            "m.json:1:10: é: duplicate key (first written at line 1) — keep only one.",
        ),
        (
            '{"deep": ' + "[" * 70 + "]" * 70 + ', "deep": 1}',
            'm.json:1:152: duplicate key "deep" — keep only one.',
        ),
        (
            '{"a": 1,\n "b": }',
            "m.json:2:7: cannot parse JSON: Expecting value — fix the syntax at this "
            "position.",
        ),
        ("[" * 100_000, "m.json:1:1: JSON nested too deeply — flatten it."),
    ],
)
def test_load_json__errors_say_where(text, message):
    """Duplicate keys and syntax errors in JSON name the exact position."""

    with pytest.raises(ConfigError) as caught:
        load_json(text, "m.json")

    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"v": 0.30000000000000004}', D("0.30000000000000004")),
        ('{"v": 12345678901234567890123}', D("12345678901234567890123")),
        ('{"v": NaN}', Invalid("NaN")),
        ('{"v": -Infinity}', Invalid("-Infinity")),
    ],
)
def test_load_json__numbers_exact(text, value):
    """JSON numbers keep every digit, and NaN/Infinity are kept as invalid values."""

    assert load_json(text, "m.json").data == {"v": value}


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("gates", 2, "max-regression"), "gates[2].max-regression"),
        ((3,), "[3]"),
        (("a", "b.c"), "a.b.c"),
        ((), "(top level)"),
    ],
)
def test_format_path__as_users_write_it(path, text):
    """Data paths print with dots for keys and brackets for list items."""

    assert format_path(path) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"\xef\xbb\xbfa: 1\n", "a: 1\n"),
        (b"a: 1\n", "a: 1\n"),
    ],
)
def test_decode__drops_a_byte_order_mark(raw, text):
    """A UTF-8 byte order mark is not part of the text."""

    assert decode(raw, path="m.yml", what="metrics file") == text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b"a: 1\nb: \xff\n",
            "m.yml:2:4: metrics file is not valid UTF-8 (byte 0xff) — save the file as "
            "UTF-8.",
        ),
        (
            "a: 1\nb: 'é\u00e9'".encode() + b"\xe9\n",
            "m.yml:2:8: metrics file is not valid UTF-8 (byte 0xe9) — save the file as "
            "UTF-8.",
        ),
        (b"", "m.yml:1:1: metrics file is empty — it must hold a mapping."),
        (b" \n\t\n", "m.yml:1:1: metrics file is empty — it must hold a mapping."),
    ],
)
def test_decode__errors_say_where(raw, message):
    """Bytes that are not UTF-8, or hold nothing, are errors with a position."""

    with pytest.raises(ConfigError) as caught:
        decode(raw, path="m.yml", what="metrics file")

    assert caught.value.message == message


def test_read_text__missing_file(tmp_path):
    """A path that does not exist says so and how paths are resolved."""
    path = str(tmp_path / "nope.yml")

    with pytest.raises(ConfigError) as caught:
        read_text(path, what="gate file", max_bytes=100)

    assert caught.value.message == (
        f"{path}: gate file not found — check the path (it is relative to the "
        "working directory)."
    )


def test_read_text__directory(tmp_path):
    """A directory given as a file is refused."""

    with pytest.raises(ConfigError) as caught:
        read_text(str(tmp_path), what="gate file", max_bytes=100)

    assert caught.value.message == (
        f"{tmp_path}: gate file is a directory — give the path of a file."
    )


def test_read_text__over_the_size_limit(tmp_path):
    """A file over the byte limit is refused before it is read."""
    path = tmp_path / "big.yml"
    path.write_bytes(b"a: 1\n" * 300)

    with pytest.raises(ConfigError) as caught:
        read_text(str(path), what="gate file", max_bytes=1000)

    assert caught.value.message == (
        f"{path}: gate file is 1,500 bytes, over the limit of 1,000 bytes — trim the "
        "file or split it."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.95"), True),
        (D("-1e300"), True),
        (D("1e-400"), True),
        (D("0"), True),
        (D("1e301"), False),
        (D("1e-401"), False),
        (D("0." + "9" * 100), True),
        (D("0." + "9" * 101), False),
        (D("NaN"), False),
        (D("Infinity"), False),
        (Invalid("NaN"), False),
        (True, False),
        (1, False),
        (0.5, False),
        ("1", False),
    ],
)
def test_is_number__only_finite_decimals_in_range(value, expected):
    """Only a finite Decimal with at most 100 digits between 1e-400 and 1e300 counts."""

    assert is_number(value) is expected
