#!/usr/bin/env python3
"""Point action.yml at a published image by digest, or check that it does.

The release workflow runs this on the release commit only; main keeps
``image: Dockerfile`` for development (docs/container.md):

    python scripts/pin-image.py ghcr.io/qgate-dev/quality-gate@sha256:<64 hex digits>
    python scripts/pin-image.py --check

Only ``registry/name@sha256:digest`` references are accepted: a tag can be moved, a
digest names one image for good, so every tag or commit of a release that pins it
runs exactly the image that was tested. Exit status: 0 done, 1 ``--check`` found no
digest, 2 bad reference or action file.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# The grammar of github.com/distribution/reference, narrowed to digest references
# with an explicit registry host (so "ghcr.io/x" is never read as a Docker Hub name).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = rf"(?:{_LABEL}(?:\.{_LABEL})+|localhost)(?::[0-9]+)?"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
REFERENCE = re.compile(
    rf"(?:docker://)?(?P<name>{_HOST}(?:/{_COMPONENT})+)@sha256:(?P<digest>[0-9a-f]{{64}})"
)
_CHILD = re.compile(r"^(?P<indent>[ ]+)(?P<key>[A-Za-z_][\w-]*):(?P<value>.*)$")
_PINNED = re.compile(r"""["']?docker://\S+@sha256:[0-9a-f]{64}["']?\s*(#.*)?""")


class PinError(ValueError):
    """The reference or the action file cannot be used."""


def normalize(reference: str) -> str:
    """``docker://registry/name@sha256:digest``, or PinError when it is not one."""
    match = REFERENCE.fullmatch(reference.strip())
    if not match:
        raise PinError(
            f"'{reference}' is not an image digest reference — write "
            "REGISTRY/NAME@sha256:<64 lowercase hex digits>, e.g. "
            "ghcr.io/qgate-dev/quality-gate@sha256:… (tags are refused: they can move)"
        )
    return f"docker://{match['name']}@sha256:{match['digest']}"


def _runs_keys(lines: list[str]) -> dict[str, tuple[int, re.Match[str]]]:
    """The direct children of the top-level ``runs:`` mapping, by key."""
    keys: dict[str, tuple[int, re.Match[str]]] = {}
    inside, indent = False, ""
    for index, line in enumerate(lines):
        if line[:1].isalpha() or line[:1] in "_'\"":
            inside, indent = line.startswith("runs:"), ""
            continue
        match = _CHILD.match(line) if inside else None
        if not match:
            continue
        indent = indent or match["indent"]
        if match["indent"] != indent:
            continue
        if match["key"] in keys:
            raise PinError(f"line {index + 1}: 'runs.{match['key']}' appears twice")
        keys[match["key"]] = (index, match)
    if "image" not in keys:
        raise PinError("no 'image:' under 'runs:'")
    using = (
        keys["using"][1]["value"].split("#")[0].strip(" '\"") if "using" in keys else ""
    )
    if using != "docker":
        raise PinError(f"runs.using is '{using}', not 'docker': not a container action")
    return keys


def pin(text: str, reference: str) -> str:
    """Return action.yml ``text`` with its ``runs.image`` set to ``reference``."""
    image = normalize(reference)
    lines = text.split("\n")
    index, match = _runs_keys(lines)["image"]
    lines[index] = f"{match['indent']}image: {image}"
    return "\n".join(lines)


def is_pinned(text: str) -> bool:
    """Whether ``runs.image`` is a ``docker://…@sha256:`` reference."""
    _, match = _runs_keys(text.split("\n"))["image"]
    return bool(_PINNED.fullmatch(match["value"].strip()))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", nargs="?", help="REGISTRY/NAME@sha256:DIGEST")
    parser.add_argument(
        "--action",
        default="action.yml",
        type=Path,
        help="the action metadata file (default: %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that the image is pinned by digest",
    )
    args = parser.parse_args(argv)
    if args.check == bool(args.reference):
        parser.print_usage(sys.stderr)
        print("pin-image: give either a reference or --check", file=sys.stderr)
        return 2
    try:
        text = args.action.read_text(encoding="utf-8")
        if args.check:
            pinned = is_pinned(text)
            print(
                f"{args.action}: image {'is' if pinned else 'is not'} pinned by digest"
            )
            return 0 if pinned else 1
        new = pin(text, args.reference)
    except (OSError, PinError) as exc:
        print(f"pin-image: {args.action}: {exc}", file=sys.stderr)
        return 2
    args.action.write_text(new, encoding="utf-8")
    print(f"{args.action}: image: {normalize(args.reference)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
