#!/usr/bin/env python3
"""Regenerate tests/openapi/github-subset.json from GitHub's REST OpenAPI description.

The subset holds exactly the operations the fake GitHub server answers (listed in
tests/fake_github/operations.py) plus every component they reference, directly or
through other components. Examples are dropped: they document, they do not validate.

Usage:
    scripts/update-openapi-subset.py                 # npm pack into a temp dir
    scripts/update-openapi-subset.py --package-dir node_modules/@octokit/openapi
    scripts/update-openapi-subset.py --check         # exit 1 if the file is stale
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_github.operations import OPERATIONS  # noqa: E402

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
SOURCE = "generated/api.github.com.json"
OUTPUT = ROOT / "tests" / "openapi" / "github-subset.json"
MAX_BYTES = 1_000_000


def load_description(package_dir: Path | None) -> dict[str, Any]:
    """Read the full description from an installed package or a fresh `npm pack`."""
    if package_dir is not None:
        return _as_object(json.loads((package_dir / SOURCE).read_text("utf-8")))

    with tempfile.TemporaryDirectory(prefix="openapi-") as scratch:
        subprocess.run(
            ["npm", "pack", "--loglevel=error", f"{PACKAGE}@{VERSION}"],
            check=True,
            cwd=scratch,
            stdout=subprocess.DEVNULL,
        )
        tarball = next(Path(scratch).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(f"package/{SOURCE}")
            if member is None:
                raise SystemExit(f"{tarball.name} has no {SOURCE}")
            return _as_object(json.loads(member.read().decode("utf-8")))


def _as_object(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise SystemExit(f"{SOURCE} is not a JSON object")
    return document


def _drop_examples(node: Any) -> Any:
    """Return a copy of a spec node without `examples`/`example` keys."""
    if isinstance(node, dict):
        return {
            key: _drop_examples(value)
            for key, value in node.items()
            if key not in ("examples", "example")
        }
    if isinstance(node, list):
        return [_drop_examples(item) for item in node]
    return node


def _refs(node: Any) -> set[str]:
    """Collect every local `$ref` target below a spec node."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def trim(description: dict[str, Any]) -> dict[str, Any]:
    """Keep only the served operations and the components they reach."""
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        item = description["paths"][operation.template]
        spec_op = item[operation.method.lower()]
        if spec_op["operationId"] != operation.operation_id:
            raise SystemExit(
                f"{operation.method} {operation.template} is "
                f"{spec_op['operationId']!r} upstream, not {operation.operation_id!r}"
            )
        kept = paths.setdefault(operation.template, {})
        kept[operation.method.lower()] = _drop_examples(spec_op)
        if "parameters" in item:
            kept["parameters"] = _drop_examples(item["parameters"])

    components: dict[str, dict[str, Any]] = {}
    pending = sorted(_refs(paths))
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = _drop_examples(description["components"][kind][name])
        components.setdefault(kind, {})[name] = node
        pending.extend(sorted(_refs(node) - seen))

    info = dict(description["info"])
    info["x-qgate-subset-of"] = f"{PACKAGE}@{VERSION} {SOURCE}"
    return {
        "openapi": description["openapi"],
        "info": info,
        "servers": description["servers"],
        "paths": paths,
        "components": components,
    }


def render(subset: dict[str, Any]) -> str:
    """Serialise with sorted keys so regenerating an unchanged subset is a no-op."""
    return json.dumps(subset, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the trimmed description."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-dir", type=Path, help=f"an installed {PACKAGE}")
    parser.add_argument("--check", action="store_true", help="fail if out of date")
    args = parser.parse_args(argv)

    text = render(trim(load_description(args.package_dir)))
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        print(f"subset is {size} bytes, over the {MAX_BYTES} budget", file=sys.stderr)
        return 1

    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale; rerun {__file__}")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({size} bytes, {len(OPERATIONS)} ops)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
