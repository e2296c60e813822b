"""Load a metrics file (JSON or YAML) and address its values by dotted path."""

from __future__ import annotations

import dataclasses
from typing import Any

from qgate.document import Document, decode, load_json, load_yaml, read_text
from qgate.errors import ConfigError

MAX_METRICS_BYTES = 64 * 1024 * 1024
MAX_METRICS = 1_000_000
# Suggesting close names compares a missing name with every metric name, about a
# microsecond per character: 10,000 missing gates among 100,000 metrics would take
# hours. Past this many characters compared in one run, no more suggestions.
MAX_SUGGESTION_WORK = 3_000_000


def escape_segment(segment: str) -> str:
    """Escape one key so that dots inside it do not split the path."""
    return segment.replace("\\", "\\\\").replace(".", "\\.")


def split_name(name: str) -> list[str]:
    """Split a dotted metric name on unescaped dots."""
    parts, current, escaped = [], "", False
    for char in name:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ".":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current + ("\\" if escaped else ""))
    return parts


def canonical_name(segments: list[str] | tuple[str | int, ...]) -> str:
    """Join path segments into the one name that addresses them unambiguously."""
    return ".".join(escape_segment(str(s)) for s in segments)


_ABSENT = object()


@dataclasses.dataclass(frozen=True)
class Lookup:
    """The outcome of looking a metric up."""

    found: bool
    value: Any = None
    ambiguous: tuple[str, ...] = ()


@dataclasses.dataclass
class Metrics:
    """A flat view of a metrics file: canonical dotted name → leaf value."""

    source: str
    values: dict[str, Any]
    groups: set[str] = dataclasses.field(default_factory=set)
    _plain: dict[str, str | None] = dataclasses.field(default_factory=dict)
    _names_size: int = 0
    _suggestion_work: int = 0

    def __post_init__(self) -> None:
        # Only an escaped name (it has a backslash) differs from its plain spelling.
        for name in self.values:
            if "\\" not in name:
                continue
            plain = ".".join(split_name(name))
            if plain != name:
                clash = plain in self.values or plain in self._plain
                self._plain[plain] = None if clash else name
        self.groups |= {".".join(split_name(n)) for n in self.groups if "\\" in n}

    def lookup(self, name: str) -> Lookup:
        """Find ``name``: exact canonical match, else a unique plain dotted match."""
        target = self._plain.get(name, "")
        value = self.values.get(name, _ABSENT)
        if value is not _ABSENT and target != "":
            # Also a key with dots in it, e.g. {"a.b": 1, "a": {"b": 2}}: refuse to
            # pick one silently.
            others = tuple(n for n in self.values if ".".join(split_name(n)) == name)
            return Lookup(False, ambiguous=others)
        if value is not _ABSENT:
            return Lookup(True, value)
        if target is None:
            options = tuple(n for n in self.values if ".".join(split_name(n)) == name)
            return Lookup(False, ambiguous=options)
        if target:
            return Lookup(True, self.values[target])
        if name in self.groups:
            # A mapping of metrics is there but is not a number: invalid, not missing.
            return Lookup(True, {})
        return Lookup(False)

    def closest(self, name: str, count: int = 3) -> list[str]:
        """Return up to ``count`` available names that look like ``name``."""
        if not self._names_size:
            self._names_size = sum(len(n) + 1 for n in self.values)
        if self._suggestion_work + self._names_size > MAX_SUGGESTION_WORK:
            return []
        self._suggestion_work += self._names_size
        import difflib

        return difflib.get_close_matches(name, list(self.values), n=count, cutoff=0.6)


def from_document(doc: Document, source: str) -> Metrics:
    """Flatten a parsed metrics document."""
    if not isinstance(doc.data, dict):
        raise ConfigError(
            f"{doc.path}:1:1: a metrics file must hold a mapping of names to numbers, "
            f"not {_kind(doc.data)} — wrap the values in an object."
        )
    values: dict[str, Any] = {}
    groups: set[str] = set()
    _flatten(doc.data, "", values, groups, doc.path)
    return Metrics(source=source, values=values, groups=groups)


def _flatten(
    data: dict[str, Any],
    prefix: str,
    values: dict[str, Any],
    groups: set[str],
    path: str,
) -> None:
    """Add every leaf under ``data`` to ``values``, its name escaped once.

    ``prefix`` is the canonical name of ``data`` plus a dot ("" at the top); each
    non-empty mapping below it is a group.
    """
    for key, value in data.items():
        name = prefix + (escape_segment(key) if "." in key or "\\" in key else key)
        if isinstance(value, dict) and value:
            groups.add(name)
            _flatten(value, name + ".", values, groups, path)
        else:
            values[name] = value
    if len(values) > MAX_METRICS:
        raise ConfigError(
            f"{path}: more than {MAX_METRICS:,} metrics — split "
            "the file or gate a subset."
        )


def parse_metrics(text: str, path: str) -> Metrics:
    """Parse metrics text: JSON by its extension or its first character, else YAML."""
    name = path.lower()
    is_yaml = name.endswith((".yml", ".yaml"))
    looks_json = name.endswith(".json") or (
        not is_yaml and text.lstrip().startswith("{")
    )
    doc = load_json(text, path) if looks_json else load_yaml(text, path)
    return from_document(doc, path)


def load_metrics(path: str, what: str = "metrics file") -> Metrics:
    """Read and flatten a metrics file from disk (``what`` names it in messages)."""
    return parse_metrics(read_text(path, what=what, max_bytes=MAX_METRICS_BYTES), path)


def parse_metrics_bytes(raw: bytes, source: str) -> Metrics:
    """Parse downloaded metrics bytes (a release asset, artifact or file)."""
    return parse_metrics(decode(raw, path=source, what="baseline metrics"), source)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "text" if isinstance(value, str) else "a number"
