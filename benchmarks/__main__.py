"""Run the benchmark sections and print the result table: ``bash benchmarks/run``.

    python -m benchmarks [--quick] [--strict] [SECTION ...]

SECTION is a number or a name: 1 cold, 2 mlflow, 3 engine, 4 render, 5 rest,
6 container (default: all). Each section runs in its own interpreter, so one
section's memory and imports never weigh on another's figures. The table and the
machine it was measured on are also written to benchmarks/out/latest.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time

from benchmarks.common import (
    OUT,
    ROOT,
    Row,
    load_average,
    machine,
    read_rows,
    say,
    table,
)

SECTIONS = {
    "1": ("cold", "cold_start"),
    "2": ("mlflow", "vs_mlflow"),
    "3": ("engine", "engine"),
    "4": ("render", "rendering"),
    "5": ("rest", "rest_calls"),
    "6": ("container", "container"),
}


def chosen(names: list[str]) -> list[tuple[str, str]]:
    """(number, module) of the sections asked for, in order."""
    if not names:
        return [(number, module) for number, (_, module) in SECTIONS.items()]
    picked = []
    for name in names:
        for number, (short, module) in SECTIONS.items():
            if name in (number, short, module):
                picked.append((number, module))
                break
        else:
            known = ", ".join(f"{n} {s}" for n, (s, _) in SECTIONS.items())
            raise SystemExit(f"unknown section '{name}' (sections: {known})")
    return sorted(set(picked))


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="bash benchmarks/run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("sections", nargs="*", metavar="SECTION")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repetitions (a third): a smoke run, noisier figures",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a figure misses its target"
    )
    args = parser.parse_args()
    sections = chosen(args.sections)

    facts = machine()
    started = time.perf_counter()
    load_before = load_average()
    say(f"qgate benchmarks — {facts['date']}, commit {facts['commit']}")
    say(
        f"machine: {facts['cpu']}, {facts['cores']} cores, {facts['memory']}, "
        f"{facts['os']}, Python {facts['python']}"
    )
    say(
        f"1-minute load average at the start: {load_before} — other work may run on "
        "this machine at the same time; every time below is a median of repeated runs "
        "and every ratio is against a floor measured in the same run, taking turns "
        "with it."
    )

    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    for number, module in sections:
        rows_file = OUT / f"rows-{module}.json"
        rows_file.unlink(missing_ok=True)
        argv = [sys.executable, "-m", f"benchmarks.{module}", "--rows", str(rows_file)]
        if args.quick:
            argv.append("--quick")
        section_start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, check=False)
        seconds = time.perf_counter() - section_start
        say(
            f"-- section {number} took {seconds:.0f} s; load average now "
            f"{load_average()}"
        )
        if done.returncode != 0 or not rows_file.is_file():
            rows.append(
                Row(
                    number,
                    f"section {module}",
                    f"crashed (exit {done.returncode})",
                    "runs",
                    False,
                )
            )
            continue
        rows.extend(read_rows(rows_file))

    elapsed = time.perf_counter() - started
    result = table(rows)
    summary = (
        f"Measured {facts['date']} on {facts['cpu']} ({facts['cores']} cores, "
        f"{facts['memory']}), Python {facts['python']}, commit {facts['commit']}; "
        f"load average {load_before} at the start, {load_average()} at the end; "
        f"{elapsed:.0f} s in all."
    )
    say()
    say(result)
    say()
    say(summary)
    (OUT / "latest.md").write_text(result + "\n\n" + summary + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(
        json.dumps(
            {
                "machine": facts,
                "seconds": round(elapsed),
                "rows": [dataclasses.asdict(r) for r in rows],
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    missed = [r for r in rows if r.holds is False]
    if missed:
        say(
            f"{len(missed)} figure(s) miss their target: "
            + ", ".join(r.key for r in missed)
            + " (see docs/performance.md)"
        )
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
