"""3. The engine on synthetic inputs, in-process: parse and evaluate, time and memory.

Sizes grow tenfold in both dimensions at once (1k metrics × 100 gates, 10k × 1k,
100k × 10k). Parsing is timed apart from evaluation:
- metrics: JSON text → exact decimals → flat dotted names, candidate and baseline;
- gate file: YAML with positions → schema check → gates → semantic checks;
- evaluate: the pure ``evaluate(gate_file, candidate, baseline)``.
Times are CPU time of this process (other work on the machine stretches wall time,
not the CPU this process needs); wall times are in the details. Peak memory is
tracemalloc's peak of each phase, measured in a separate pass (tracing slows Python
down, so it never overlaps a timing).

References without qgate code run on the same inputs in the same run: the bare
dictionary lookups and comparison of each gate, json.loads of the metrics, and
ruamel.yaml's compose of the gate file. How much they grow per 10× is the
machine's share of each growth figure (caches, memory), next to qgate's own.
Parsing is reported apart from the engine: its largest part is the compose.
"""

from __future__ import annotations

import gc
import itertools
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks.common import (
    Context,
    Row,
    cpu_and_wall,
    diagnostic,
    heading,
    mb,
    ms,
    say,
    section_main,
)
from benchmarks.synthetic import gate_file, metrics_pair

SIZES = ((1_000, 100), (10_000, 1_000), (100_000, 10_000))
GROWTH_LIMIT = 11.0
BIGGEST_LIMIT = 1.0  # seconds, 100k metrics × 10k gates


def measure(ctx: Context) -> list[Row]:
    from qgate.evaluate import BaselineInfo, evaluate
    from qgate.gatefile import parse_gate_file
    from qgate.metrics import parse_metrics

    heading("3. engine in-process: parse and evaluate, 1k×100 → 10k×1k → 100k×10k")
    results: list[dict[str, Any]] = []
    for metrics_count, gates_count in SIZES:
        candidate_text, baseline_text = metrics_pair(metrics_count)
        gates_text = gate_file(gates_count, metrics_count)
        repeats = {1_000: 15, 10_000: 7, 100_000: 3}[metrics_count]
        repeats = ctx.scaled(repeats) if metrics_count < 100_000 else repeats

        def parse_metrics_both(c: str = candidate_text, b: str = baseline_text) -> Any:
            return parse_metrics(c, "candidate.json"), parse_metrics(b, "baseline.json")

        def parse_gates(text: str = gates_text) -> Any:
            return parse_gate_file(text, "gates.yml")

        candidate, baseline = parse_metrics_both()
        gates = parse_gates()  # also builds the cached schema validator
        info = BaselineInfo(metrics=baseline, label="file baseline.json")

        def judge(g: Any = gates, c: Any = candidate, i: Any = info) -> Any:
            return evaluate(g, c, i)

        names = [g.metric for g in gates.gates]

        def lookups(n: list[str] = names, c: Any = candidate, b: Any = baseline) -> Any:
            # Not qgate: the same two lookups and one comparison per gate, bare.
            return [c.values[k] >= b.values[k] for k in n]

        def loads(c: str = candidate_text, b: str = baseline_text) -> Any:
            # Not qgate: the standard library's JSON reader, floats, no names.
            return json.loads(c), json.loads(b)

        def compose(text: str = gates_text) -> Any:
            # Not qgate: ruamel.yaml's compose alone, which parsing the gates runs.
            return _compose(text)

        verdict = judge()
        row: dict[str, Any] = {"metrics": metrics_count, "gates": gates_count}
        for name, func, times in (
            ("parse metrics", parse_metrics_both, repeats),
            ("parse gates", parse_gates, repeats),
            ("evaluate", judge, repeats * 3),
            # The references are cheap or short: more repetitions steady them.
            ("lookups", lookups, repeats * 30),
            ("json.loads", loads, repeats * 3),
            ("compose", compose, repeats),
        ):
            gc.collect()
            row[name], row[name + " wall"] = cpu_and_wall(func, times)
            if name in ("parse metrics", "parse gates", "evaluate"):
                row[name + " peak"] = peak_memory(func)
        for suffix in ("", " wall"):
            row["total" + suffix] = sum(
                row[k + suffix] for k in ("parse metrics", "parse gates", "evaluate")
            )
        row["calls"] = function_calls(judge)
        counts = {s: verdict.count(s) for s in type(verdict.status)}
        row["verdict"] = f"{verdict.status.value}: " + ", ".join(
            f"{n} {s.value}" for s, n in counts.items() if n
        )
        results.append(row)
        say(
            f"{metrics_count:,} metrics × {gates_count:,} gates ({row['verdict']}), "
            f"CPU time, median of {repeats} ({repeats * 3} for evaluate):"
        )
        for name in ("parse metrics", "parse gates", "evaluate", "total"):
            peak = f", peak {mb(row[name + ' peak'])}" if name + " peak" in row else ""
            say(
                f"    {name:14} {ms(row[name]):>9} (wall {ms(row[name + ' wall'])})"
                f"{peak}"
            )
        say(
            f"    evaluate per gate: {row['evaluate'] / gates_count * 1e6:.1f} µs, "
            f"{row['calls'] / gates_count:.1f} Python calls; the bare lookups and "
            f"comparison alone: {row['lookups'] / gates_count * 1e6:.2f} µs"
        )
        say(
            f"    references (no qgate code): json.loads of both metrics files "
            f"{ms(row['json.loads'])}, ruamel.yaml compose of the gate file "
            f"{ms(row['compose'])}"
        )
        del candidate, baseline, gates, info, verdict

    rows: list[Row] = []
    biggest = results[-1]
    size = f"{biggest['metrics'] // 1000}k×{biggest['gates'] // 1000}k"
    rows.append(
        Row(
            "3a",
            f"evaluate {size} (in-process CPU time, parsed inputs)",
            ms(biggest["evaluate"]),
            f"≤ {BIGGEST_LIMIT:g} s",
            biggest["evaluate"] <= BIGGEST_LIMIT,
        )
    )
    # Parsing is reported apart from the engine: ruamel.yaml's pure-Python
    # compose of the gate file is most of it, and it stays (docs/performance.md).
    rows.append(
        Row(
            "3b",
            f"parse {size}, apart from the engine (gate file + both metrics files)",
            ms(biggest["parse gates"] + biggest["parse metrics"]),
            "reported",
            None,
            f"gate file {ms(biggest['parse gates'])}, of which ruamel.yaml compose "
            f"{ms(biggest['compose'])}; metrics {ms(biggest['parse metrics'])}; "
            f"with evaluate {ms(biggest['total'])}",
        )
    )

    def growth(name: str) -> list[float]:
        return [b[name] / a[name] for a, b in itertools.pairwise(results)]

    def times(steps: list[float]) -> str:
        return ", ".join(f"{s:.1f}×" for s in steps)

    say(
        "growth per 10× of the references (no qgate code, same run): bare lookups "
        f"{times(growth('lookups'))}, json.loads {times(growth('json.loads'))}, "
        f"ruamel.yaml compose {times(growth('compose'))}"
    )
    for key, name, reference in (
        ("3c", "evaluate", "lookups"),
        ("3d", "parse metrics", "json.loads"),
        ("3e", "parse gates", "compose"),
        ("3f", "total", ""),
    ):
        steps = growth(name)
        note = f"{reference} {times(growth(reference))}" if reference else ""
        if name == "evaluate":
            # Per gate: qgate's time, the bare lookups' time and qgate's work.
            def per_gate(key: str, scale: float = 1e6) -> str:
                return " → ".join(f"{r[key] / r['gates'] * scale:.2f}" for r in results)

            note = (
                f"µs per gate {per_gate('evaluate')}, bare lookups "
                f"{per_gate('lookups')} (growth {times(growth('lookups'))}); Python "
                f"calls per gate {per_gate('calls', 1)}"
            )
        rows.append(
            Row(
                key,
                f"growth of {name} per 10× input",
                times(steps),
                f"each ≤ {GROWTH_LIMIT:g}×",
                all(s <= GROWTH_LIMIT for s in steps),
                note + (" (same run)" if note else ""),
            )
        )
    peak = max(
        biggest[k] for k in ("parse metrics peak", "parse gates peak", "evaluate peak")
    )
    peaks = [
        max(r[k] for k in ("parse metrics peak", "parse gates peak", "evaluate peak"))
        for r in results
    ]
    steps = [b / a for a, b in itertools.pairwise(peaks)]
    rows.append(
        Row(
            "3g",
            f"peak memory {size} (largest phase, tracemalloc)",
            mb(peak),
            f"growth each ≤ {GROWTH_LIMIT:g}×",
            all(s <= GROWTH_LIMIT for s in steps),
            "growth " + ", ".join(f"{s:.1f}×" for s in steps),
        )
    )
    diagnostic("parse breakdown", parse_breakdown)
    diagnostic("missing-metric hints", lambda: missing_hints(ctx))
    return rows


def peak_memory(func: Callable[[], Any]) -> int:
    """Bytes tracemalloc sees at the peak of one call (what the call allocates)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def function_calls(func: Callable[[], Any]) -> int:
    """How many Python function calls one call makes (cProfile): the work, not time."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(func)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def parse_breakdown() -> None:
    """Where parsing 10k gates and 100k metrics goes (one pass each, CPU time)."""
    import json
    import time

    from qgate.document import load_json, load_yaml
    from qgate.gatefile import _build, _semantic_problems, schema_problems
    from qgate.metrics import from_document

    def cpu(func: Callable[[], Any]) -> tuple[float, Any]:
        start = time.process_time()
        result = func()
        return time.process_time() - start, result

    text = gate_file(10_000, 100_000)
    steps = []
    seconds, composed = cpu(lambda: _compose(text))
    steps.append(("ruamel.yaml compose (pure Python, cycle collector paused)", seconds))
    seconds, doc = cpu(lambda: load_yaml(text, "gates.yml"))
    steps.append(("compose + walk into values with positions", seconds))
    seconds, _ = cpu(lambda: schema_problems(doc))
    steps.append(("schema check (the fast check; jsonschema only if unsure)", seconds))
    seconds, built = cpu(lambda: _build(doc))
    steps.append(("build the gates", seconds))
    seconds, _ = cpu(lambda: _semantic_problems(doc, built.gates))
    steps.append(("semantic checks", seconds))
    try:
        import yaml  # type: ignore[import-untyped]

        loader = yaml.CSafeLoader
        seconds, _ = cpu(lambda: yaml.compose(text, Loader=loader))
        steps.append(
            ("for comparison: PyYAML's libyaml compose (has positions)", seconds)
        )
    except (ImportError, AttributeError):
        steps.append(("for comparison: PyYAML with libyaml is not installed", 0.0))
    say(f"parsing a 10,000-gate file ({len(text.splitlines()):,} lines), CPU time:")
    for name, value in steps:
        say(f"    {ms(value):>9}  {name}")
    del composed

    candidate, _ = metrics_pair(100_000)
    steps = []
    seconds, _ = cpu(lambda: json.loads(candidate))
    steps.append(("json.loads, floats", seconds))
    seconds, doc = cpu(lambda: load_json(candidate, "candidate.json"))
    steps.append(("load_json: exact decimals, duplicate-key check", seconds))
    seconds, _ = cpu(lambda: from_document(doc, "candidate.json"))
    steps.append(("flatten to dotted names (from_document + Metrics)", seconds))
    say("parsing 100,000 metrics (one file), CPU time:")
    for name, value in steps:
        say(f"    {ms(value):>9}  {name}")


def _compose(text: str) -> Any:
    """ruamel.yaml's compose as qgate runs it: the cycle collector paused."""
    from ruamel.yaml import YAML

    gc.disable()
    try:
        return YAML(typ="rt").compose(text)
    finally:
        gc.enable()


def missing_hints(ctx: Context) -> None:
    """Not a target: how a missing metric's 'closest names' hint scales with the file."""
    import time

    from qgate.evaluate import BaselineInfo, evaluate
    from qgate.gatefile import parse_gate_file
    from qgate.metrics import parse_metrics

    say("one gate on a metric missing from the candidate (the 'closest:' hint):")
    text = (
        "version: 1\nbaseline:\n  when-missing: warn\ngates:\n"
        "  - metric: g0003.m0999\n    min: 0.5\n"
    )
    gates = parse_gate_file(text, "gates.yml")
    for count in (1_000, 10_000, 100_000):
        candidate = parse_metrics(metrics_pair(count)[0], "candidate.json")
        start = time.perf_counter()
        verdict = evaluate(gates, candidate, BaselineInfo(metrics=None, label="none"))
        seconds = time.perf_counter() - start
        say(
            f"    {count:>7,} metrics: {ms(seconds)} for one missing metric "
            f"({verdict.results[0].reason[:60]}…)"
        )
        if seconds > 2 or ctx.quick:
            break


if __name__ == "__main__":
    section_main(measure)
