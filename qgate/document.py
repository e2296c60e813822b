"""Read YAML and JSON files into plain values, keeping where each value was written.

Numbers become :class:`decimal.Decimal` exactly as written, duplicate keys are
errors, and every failure names ``file:line:col``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import decimal
import gc
import json
import os
import re
from collections.abc import Iterator
from typing import Any

from qgate.errors import ConfigError

Path = tuple[str | int, ...]

# Guards against alias bombs ("billion laughs"): aliases are expanded while walking.
MAX_NODES = 1_000_000
MAX_DEPTH = 64


@dataclasses.dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    col: int


@dataclasses.dataclass(frozen=True)
class Invalid:
    """A value that is not a finite number (NaN, Infinity); kept to be reported."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclasses.dataclass
class Document:
    """Parsed data plus the position of every value and mapping key."""

    path: str
    data: Any
    values: dict[Path, Position] = dataclasses.field(default_factory=dict)
    keys: dict[Path, Position] = dataclasses.field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Return the position of ``path``, or of its nearest known ancestor."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Position(1, 1))

    def where(self, path: Path, *, key: bool = False) -> str:
        """Return ``file:line:col`` for ``path``."""
        pos = self.position(path, key=key)
        return f"{self.path}:{pos.line}:{pos.col}"


MAX_SHOWN_KEY = 60


def format_path(path: Path) -> str:
    """Render a data path the way users write it: ``gates[2].max-regression``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{_clip_key(part)}" if text else _clip_key(part)
    return text or "(top level)"


def _clip_key(key: str) -> str:
    """Shorten a key for a message: a key may be as long as the file."""
    return key if len(key) <= MAX_SHOWN_KEY else key[: MAX_SHOWN_KEY - 3] + "..."


def read_text(path: str, *, what: str, max_bytes: int) -> str:
    """Read a UTF-8 file (BOM allowed) with a size cap, as a configuration error."""
    if not os.path.exists(path):
        raise ConfigError(
            f"{path}: {what} not found — check the path (it is relative "
            "to the working directory)."
        )
    if os.path.isdir(path):
        raise ConfigError(f"{path}: {what} is a directory — give the path of a file.")
    size = os.path.getsize(path)
    if size > max_bytes:
        raise ConfigError(
            f"{path}: {what} is {size:,} bytes, over the limit of {max_bytes:,} bytes — "
            "trim the file or split it."
        )
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the {what} ({exc.strerror}) — check its permissions."
        ) from None
    return decode(raw, path=path, what=what)


def decode(raw: bytes, *, path: str, what: str) -> str:
    """Decode UTF-8 bytes (a leading BOM is dropped) or explain where they are bad."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        start = before.rfind(b"\n") + 1
        col = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        raise ConfigError(
            f"{path}:{line}:{col}: {what} is not valid UTF-8 (byte "
            f"0x{raw[exc.start]:02x}) — save the file as UTF-8."
        ) from None
    if not text.strip():
        raise ConfigError(f"{path}:1:1: {what} is empty — it must hold a mapping.")
    return text


def load_yaml(text: str, path: str) -> Document:
    """Parse YAML 1.2 text with positions; JSON is YAML too."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    try:
        with _no_cycle_collection():
            node = YAML(typ="rt").compose(text)
    except RecursionError:
        # ruamel composes nested collections recursively; a few hundred levels
        # exhaust Python's stack long before MAX_DEPTH could be checked.
        raise ConfigError(_too_big(_deep_position(text, path))) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = " (tabs cannot indent YAML; use spaces)" if "'\\t'" in problem else ""
        raise ConfigError(
            f"{path}:{line}:{col}: cannot parse YAML: {problem}{hint} — fix the syntax "
            "at this position."
        ) from None
    except ReaderError as exc:
        # A control character: the reader gives an offset, not a line and column.
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - text.rfind("\n", 0, exc.position)
        raise ConfigError(
            f"{path}:{line}:{col}: cannot parse YAML: character "
            f"U+{exc.character:04X} is not allowed in YAML — remove it."
        ) from None
    except YAMLError as exc:
        raise ConfigError(f"{path}:1:1: cannot parse YAML: {exc}") from None
    if node is None:
        raise ConfigError(
            f"{path}:1:1: the file holds no document — it must hold a mapping."
        )
    doc = Document(path=path, data=None)
    with _no_cycle_collection():
        doc.data = _Walker(doc).build(node, ())
    return doc


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a document is built.

    Composing and walking YAML make several objects per line that all stay alive,
    and the collector would go over them again and again as they pile up: a tenth
    of the time for 10,000 gates, and a growing share for larger files.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _too_big(where: str) -> str:
    return (
        f"{where}: the document expands to more than {MAX_NODES:,} values or "
        f"{MAX_DEPTH} levels (aliases count each time they are used) — write it out "
        "plainly."
    )


def _deep_position(text: str, path: str) -> str:
    """Where YAML text first nests deeper than MAX_DEPTH, found without recursion."""
    from ruamel.yaml import YAML

    depth = 0
    for event in YAML(typ="rt").parse(text):
        kind = type(event).__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return f"{path}:{mark.line + 1}:{mark.column + 1}"
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            depth -= 1
    return f"{path}:1:1"


class DuplicateKeyError(ConfigError):
    """A mapping repeats a key."""


class _Walker:
    """Turn a ruamel node tree into plain values, recording positions."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0

    def build(self, node: Any, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(path) > MAX_DEPTH:
            raise ConfigError(_too_big(self.doc.where(path)))
        mark = node.start_mark
        self.doc.values.setdefault(path, Position(mark.line + 1, mark.column + 1))
        kind = type(node).__name__
        if kind == "MappingNode":
            return self._mapping(node, path)
        if kind == "SequenceNode":
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return _scalar(str(node.tag), node.value, node.style)

    def _mapping(self, node: Any, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if type(key_node).__name__ == "ScalarNode" else None
            mark = key_node.start_mark
            where = f"{self.doc.path}:{mark.line + 1}:{mark.column + 1}"
            if str(key_node.tag).endswith(":merge"):
                raise ConfigError(
                    f"{where}: merge keys ('<<') are not supported — "
                    "write the keys out."
                )
            if not isinstance(key, str):
                raise ConfigError(
                    f"{where}: {format_path(path)} has a key that is not "
                    "a plain string — use a text key."
                )
            if key in result:
                first = self.doc.keys[(*path, key)]
                raise DuplicateKeyError(
                    f"{where}: {format_path((*path, key))}: duplicate key (first "
                    f"written at line {first.line}) — keep only one."
                )
            self.doc.keys[(*path, key)] = Position(mark.line + 1, mark.column + 1)
            if _is_empty(value_node):
                # ruamel marks an empty value where the next token starts (often the
                # next key's line); point at this key instead.
                self.doc.values[(*path, key)] = self.doc.keys[(*path, key)]
            result[key] = self.build(value_node, (*path, key))
        return result


def _is_empty(node: Any) -> bool:
    return type(node).__name__ == "ScalarNode" and node.value == "" and not node.style


_DECIMAL_INT = re.compile(r"[-+]?[0-9]+$")


def _scalar(tag: str, text: str, style: str | None) -> Any:
    """Resolve one YAML scalar; numbers become exact Decimals."""
    name = tag.rsplit(":", 1)[-1]
    if style or name == "str":
        return text
    if name == "null":
        return None
    if name == "bool":
        return text.lower() == "true"
    if name in ("int", "float"):
        clean = text.replace("_", "")
        lowered = clean.lower()
        if lowered.lstrip("+-") in (".nan", ".inf"):
            return Invalid(text)
        try:
            if name == "int" and not _DECIMAL_INT.match(clean):
                return decimal.Decimal(int(clean, 0))
            return decimal.Decimal(clean)
        except (ValueError, decimal.InvalidOperation):
            return text
    return text


def load_json(text: str, path: str) -> Document:
    """Parse JSON with exact decimals, rejecting duplicate keys (no positions kept)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise _DuplicateKey(key)
            result[key] = value
        return result

    try:
        data = json.loads(
            text,
            parse_float=decimal.Decimal,
            parse_int=decimal.Decimal,
            parse_constant=Invalid,
            object_pairs_hook=pairs,
        )
    except _DuplicateKey as exc:
        _raise_duplicate_from_yaml(text, path)
        line, col = _locate_key(text, exc.key)
        raise ConfigError(
            f"{path}:{line}:{col}: duplicate key {json.dumps(_clip_key(exc.key))} — "
            "keep only one."
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}:{exc.lineno}:{exc.colno}: cannot parse JSON: {exc.msg} — fix the "
            "syntax at this position."
        ) from None
    except RecursionError:
        raise ConfigError(f"{path}:1:1: JSON nested too deeply — flatten it.") from None
    return Document(path=path, data=data)


# The YAML reader parses about 0.3 MB a second: beyond this size, guess the position.
MAX_YAML_RECHECK_CHARS = 1_000_000


def _raise_duplicate_from_yaml(text: str, path: str) -> None:
    """JSON is YAML 1.2: the YAML reader says exactly where the second key is."""
    if len(text) > MAX_YAML_RECHECK_CHARS:
        return
    try:
        load_yaml(text, path)
    except DuplicateKeyError:
        raise
    except ConfigError:
        return  # not YAML after all; _locate_key guesses the position


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _locate_key(text: str, key: str) -> tuple[int, int]:
    """Find the second occurrence of ``"key":`` for the duplicate-key message."""
    needle = json.dumps(key)
    hits = [m.start() for m in re.finditer(re.escape(needle) + r"\s*:", text)]
    offset = hits[1] if len(hits) > 1 else (hits[0] if hits else 0)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# The numbers a gate compares. Every float a program can print fits (up to 1e300),
# and within these limits every sum and difference the engine takes stays exact.
MAX_DIGITS = 100
MIN_EXPONENT, MAX_EXPONENT = -400, 300


def is_number(value: Any) -> bool:
    """True for a finite Decimal within the limits above (what a gate can compare)."""
    return (
        isinstance(value, decimal.Decimal)
        and value.is_finite()
        and len(value.as_tuple().digits) <= MAX_DIGITS
        and MIN_EXPONENT <= value.adjusted() <= MAX_EXPONENT
    )


def iter_paths(data: Any, prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Yield ``(path, leaf)`` for every value under ``data`` that holds no others."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from iter_paths(value, (*prefix, key))
    else:
        yield prefix, data
