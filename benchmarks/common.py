"""What every benchmark section shares: timing, medians, rows of the result table.

A section is a module with ``measure(ctx) -> list[Row]``. It prints its details as
it goes; the rows are the summary that ``python -m benchmarks`` turns into a table.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
EXAMPLE = "examples/breast-cancer"
GATES = f"{EXAMPLE}/gates.yml"
BASELINE = f"{EXAMPLE}/baseline/metrics.json"
CANDIDATE = f"{EXAMPLE}/out/release/metrics.json"

# Variables a runner sets; a benchmark that starts qgate drops the inherited ones so
# that a local run is local (no GitHub API, no step summary).
_RUNNER_PREFIXES = ("GITHUB_", "INPUT_", "RUNNER_", "ACTIONS_", "QGATE_")


@dataclasses.dataclass
class Row:
    """One line of the result table; ``holds`` is None for a figure without target."""

    key: str
    figure: str
    measured: str
    target: str
    holds: bool | None
    note: str = ""


@dataclasses.dataclass
class Context:
    """Settings of one benchmark run, from the command line and the environment."""

    runs: int
    python: str
    mlflow_python: str
    quick: bool
    work: Path

    def scaled(self, runs: int) -> int:
        """``runs`` for a full run, about a third of it (at least 3) with --quick."""
        return max(3, runs // 3) if self.quick else runs


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without runner variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_RUNNER_PREFIXES)}
    env.update(extra or {})
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(
    argv: Sequence[str],
    *,
    cwd: Path | str = ROOT,
    env: Mapping[str, str] | None = None,
    ok: Sequence[int] = (0,),
    timeout: float = 300,
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Run a whole process, output discarded; returns wall seconds and the result.

    The child's CPU seconds (user + system) are in ``result.cpu``.
    """
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - start
    done.cpu = _children_cpu() - cpu  # type: ignore[attr-defined]
    if done.returncode not in ok:
        tail = done.stderr.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(
            f"{' '.join(argv)} exited {done.returncode} (expected {list(ok)}):\n{tail}"
        )
    return seconds, done


@dataclasses.dataclass
class Subject:
    """A command timed as a whole process."""

    name: str
    argv: Sequence[str]
    cwd: Path | str = ROOT
    env: Mapping[str, str] | None = None
    ok: Sequence[int] = (0,)


def time_interleaved(
    subjects: Sequence[Subject], runs: int, warmup: int = 2
) -> dict[str, list[float]]:
    """Time each subject ``runs`` times, taking turns, after ``warmup`` rounds.

    Taking turns (and rotating who goes first) spreads a burst of other work on the
    machine over every subject instead of one. Wall seconds are under each
    subject's name, the process's CPU seconds under "NAME cpu".
    """
    times: dict[str, list[float]] = {}
    for subject in subjects:
        times[subject.name] = []
        times[subject.name + " cpu"] = []
    for round_ in range(warmup + runs):
        shift = round_ % len(subjects)
        for subject in [*subjects[shift:], *subjects[:shift]]:
            seconds, done = run_once(
                subject.argv, cwd=subject.cwd, env=subject.env, ok=subject.ok
            )
            if round_ >= warmup:
                times[subject.name].append(seconds)
                times[subject.name + " cpu"].append(done.cpu)  # type: ignore[attr-defined]
    return times


def median(values: Sequence[float]) -> float:
    """The median; with these run counts it shrugs off a few disturbed runs."""
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """Median and quartiles in milliseconds, for the detail lines."""
    ordered = sorted(values)
    if len(ordered) >= 4:
        q1, _, q3 = statistics.quantiles(ordered, n=4)
    else:
        q1, q3 = ordered[0], ordered[-1]
    return (
        f"median {ms(median(ordered))}, quartiles {ms(q1)}–{ms(q3)}, "
        f"min {ms(ordered[0])}, n={len(ordered)}"
    )


def cpu_and_wall(func: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median CPU seconds and median wall seconds of ``func`` over ``repeats`` calls.

    In-process figures use CPU time (``time.process_time``): other work on the
    machine stretches wall time, not the CPU time this process itself needs.
    """
    cpu, wall = [], []
    for _ in range(repeats):
        start_cpu, start = time.process_time(), time.perf_counter()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return median(cpu), median(wall)


def diagnostic(name: str, func: Callable[[], Any]) -> None:
    """Run a detail that explains a figure; qgate's internals may move under it.

    A diagnostic reaches into qgate's modules to show where time goes. When a
    refactoring moves what it uses, it says so and the figures still come out.
    """
    try:
        func()
    except Exception as exc:  # noqa: BLE001 - any failure only loses the detail
        say(f"({name}: not available with this qgate — {type(exc).__name__}: {exc})")


def ms(seconds: float) -> str:
    """Seconds as milliseconds for people."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def mb(size: float) -> str:
    """Bytes as MB (10^6) for people."""
    return f"{size / 1e6:.1f} MB"


def say(text: str = "") -> None:
    """A detail line, printed at once (sections run while people watch)."""
    print(text, flush=True)


def heading(text: str) -> None:
    """Start a section's details."""
    say()
    say(f"== {text}")


def load_average() -> str:
    """The 1-minute load average, or "?" where the system does not say."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kb = int(handle.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": commit or "?",
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def write_rows(path: str, rows: Sequence[Row]) -> None:
    """Hand a section's rows to the driver."""
    Path(path).write_text(
        json.dumps([dataclasses.asdict(r) for r in rows], indent=1), encoding="utf-8"
    )


def read_rows(path: Path) -> list[Row]:
    """Read what a section handed over."""
    return [Row(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


def section_main(measure: Callable[[Context], list[Row]]) -> None:
    """Run one section as a program: ``python -m benchmarks.NAME [--rows FILE]``."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="", help="write the rows here as JSON")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    ctx = context(quick=args.quick)
    rows = measure(ctx)
    if args.rows:
        write_rows(args.rows, rows)
    else:
        say()
        say(table(rows))


def context(*, quick: bool) -> Context:
    """The settings every section reads."""
    work = OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    compile_qgate()
    return Context(
        runs=int(os.environ.get("QGATE_BENCH_RUNS", "21")),
        python=sys.executable,
        mlflow_python=os.environ.get("QGATE_BENCH_MLFLOW_PYTHON", ""),
        quick=quick,
        work=work,
    )


def compile_qgate() -> None:
    """Write qgate's bytecode, as pip install does and any earlier run would.

    "Cold" means a new interpreter with compiled bytecode. Where
    PYTHONDONTWRITEBYTECODE is set (many development shells), an edited module
    would otherwise be compiled again on every timed start.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "qgate"), quiet=1)


def table(rows: Sequence[Row]) -> str:
    """The Markdown table of results."""
    lines = [
        "| # | figure | measured | target | holds |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        holds = {True: "yes", False: "**no**", None: "—"}[row.holds]
        measured = f"{row.measured} ({row.note})" if row.note else row.measured
        lines.append(
            f"| {row.key} | {row.figure} | {measured} | {row.target} | {holds} |"
        )
    return "\n".join(lines)
