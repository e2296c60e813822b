"""4. The step summary and the pull-request comment for 10,000 gates.

The verdict is computed once and pickled; each render then runs first thing in a
fresh interpreter, as in a real run: Jinja's sandbox is imported and the template
compiled inside the timed call. The figure is the call's CPU time (other work on the
machine stretches wall time, not the CPU the render needs); wall time is in the
details.
"""

from __future__ import annotations

import json
import pickle
import subprocess

from benchmarks.common import (
    ROOT,
    Context,
    Row,
    clean_env,
    diagnostic,
    heading,
    median,
    ms,
    say,
    section_main,
    spread,
)
from benchmarks.synthetic import gate_file, metrics_pair

GATES = 10_000
SUMMARY_LIMIT = 1024 * 1024  # GitHub drops a step summary over 1 MiB
COMMENT_LIMIT = 65_536  # GitHub refuses a comment body over 65,536 characters
SECONDS = 0.5

CHILD = """
import json, pickle, sys, time
import qgate.render as render
with open(sys.argv[1], "rb") as handle:
    verdict = pickle.load(handle)
import re
calls = []
original = getattr(render, "_render", None)
def counted(*args, **kwargs):
    # Count the table rows each attempt rendered (header and rule excluded).
    text = original(*args, **kwargs)
    calls.append(len(re.findall(r"^\\| [^|]", text, flags=re.MULTILINE)))
    return text
if original is not None:
    render._render = counted
run_url = "https://github.com/octo-org/model-zoo/actions/runs/4242"
start, start_cpu = time.perf_counter(), time.process_time()
if sys.argv[2] == "summary":
    text = render.render_markdown(verdict, run_url=run_url)
else:
    text = render.render_markdown(verdict, run_url=run_url, for_comment=True,
                                  marker="", budget=render.COMMENT_BUDGET_CHARS)
seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
from qgate.comment import comment_key, marker
if sys.argv[2] == "comment":
    text = marker(comment_key(verdict.name)) + "\\n" + text
print(json.dumps({"seconds": seconds, "cpu": cpu, "bytes": len(text.encode()), "chars": len(text),
                  "renders": calls}))
"""


def make_verdict(ctx: Context) -> str:
    """A 10,000-gate verdict with passes, warnings and failures, pickled."""
    from qgate.evaluate import BaselineInfo, evaluate
    from qgate.gatefile import parse_gate_file
    from qgate.metrics import parse_metrics

    candidate_text, baseline_text = metrics_pair(GATES)
    verdict = evaluate(
        parse_gate_file(gate_file(GATES, GATES), "gates.yml"),
        parse_metrics(candidate_text, "candidate.json"),
        BaselineInfo(
            metrics=parse_metrics(baseline_text, "baseline.json"),
            label="release v1.4.0",
            url="https://github.com/octo-org/model-zoo/releases/tag/v1.4.0",
            commit="0123456789abcdef0123456789abcdef01234567",
            date="2026-11-30",
        ),
    )
    path = ctx.work / "verdict-10k.pickle"
    path.write_bytes(pickle.dumps(verdict))
    counts = ", ".join(
        f"{verdict.count(s)} {s.value}"
        for s in type(verdict.status)
        if verdict.count(s)
    )
    say(f"verdict: {verdict.status.value} ({counts})")
    return str(path)


def measure(ctx: Context) -> list[Row]:
    heading(f"4. rendering {GATES:,} gates: step summary and pull-request comment")
    path = make_verdict(ctx)
    rows = []
    for kind, limit, unit in (
        ("summary", SUMMARY_LIMIT, "bytes"),
        ("comment", COMMENT_LIMIT, "chars"),
    ):
        samples = []
        for _ in range(ctx.scaled(7)):
            done = subprocess.run(
                [ctx.python, "-c", CHILD, path, kind],
                cwd=ROOT,
                env=clean_env(),
                capture_output=True,
                text=True,
                check=True,
            )
            samples.append(json.loads(done.stdout))
        seconds = median([s["cpu"] for s in samples])
        size = samples[0][unit]
        renders = samples[0]["renders"] or [-1]
        say(f"{kind}: CPU {spread([s['cpu'] for s in samples])}")
        say(f"    wall {spread([s['seconds'] for s in samples])}")
        say(
            f"    {size:,} {unit} (limit {limit:,}); {len(renders)} renders, of "
            f"{', '.join(f'{n:,}' for n in renders)} rows"
        )
        shown = renders[-1]
        key = "4a" if kind == "summary" else "4b"
        budget = "1,000,000 bytes" if kind == "summary" else "65,000 chars"
        rows.append(
            Row(
                key,
                f"{kind} for {GATES // 1000}k gates: size (budget {budget})",
                f"{size:,} {unit}",
                f"≤ {limit:,} {unit}",
                size <= limit,
                f"{shown:,} rows shown",
            )
        )
        rows.append(
            Row(
                key + "'",
                f"{kind} for {GATES // 1000}k gates: render time (CPU, fresh process)",
                ms(seconds),
                f"≤ {SECONDS:g} s",
                seconds <= SECONDS,
                f"{len(renders)} renders",
            )
        )
    diagnostic("where the render time goes", lambda: where_time_goes(path))
    return rows


def where_time_goes(path: str) -> None:
    """Split a render into row formatting and template rendering; profile the rest."""
    import cProfile
    import pstats
    import time

    import qgate.render as render

    with open(path, "rb") as handle:
        verdict = pickle.load(handle)
    render.render_markdown(verdict)  # template compiled, caches warm
    start = time.process_time()
    table = render.rows(verdict)
    formatting = time.process_time() - start
    start = time.process_time()
    render.render_markdown(verdict, budget=10**12)  # no budget: one render of all
    everything = time.process_time() - start
    say(
        f"where the time goes (warm, CPU): formatting {len(table):,} rows "
        f"{ms(formatting)}; a render of all of them without a budget "
        f"{ms(everything)}, so {ms(everything - formatting)} in the template"
    )
    profile = cProfile.Profile()
    profile.runcall(
        render.render_markdown,
        verdict,
        for_comment=True,
        budget=render.COMMENT_BUDGET_CHARS,
    )
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    top = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:8]  # type: ignore[attr-defined]
    say(
        "comment render under cProfile, top functions by own time "
        f"({total:.2f} s in all, profiler overhead included):"
    )
    for (file, line, function), (_, calls, own, _, _) in top:
        place = file.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        say(f"    {own:6.3f} s  {calls:>9,} calls  {function} ({place}:{line})")


if __name__ == "__main__":
    section_main(measure)
