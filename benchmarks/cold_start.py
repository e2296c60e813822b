"""1. A cold ``qgate check`` on the example, against a bare Python with qgate's libraries.

The floor is a new interpreter that only imports jsonschema, jinja2 and ruamel.yaml:
what any program that imports them pays before doing anything. The ratio says what
qgate adds.
"Cold" means a new process each time; the files are in the page cache and the
bytecode is compiled (two warm-up rounds), as on any second run on a machine.
"""

from __future__ import annotations

import json
import re
import subprocess

from benchmarks.common import (
    BASELINE,
    CANDIDATE,
    GATES,
    ROOT,
    Context,
    Row,
    Subject,
    clean_env,
    diagnostic,
    heading,
    median,
    ms,
    run_once,
    say,
    section_main,
    spread,
    time_interleaved,
)

TARGET = 1.3
FLOOR_IMPORTS = "import jsonschema, jinja2, ruamel.yaml"
PYGITHUB_MODULES = ("github", "requests", "urllib3", "nacl", "jwt", "cryptography")
STDLIB_NETWORK = ("http.client", "ssl", "urllib.request", "socket")


def example_metrics(ctx: Context) -> str:
    """The example's candidate metrics; made from the baseline when demo.sh has not run."""
    if (ROOT / CANDIDATE).is_file():
        return CANDIDATE
    baseline = json.loads((ROOT / BASELINE).read_text(encoding="utf-8"))
    path = ctx.work / "example-metrics.json"
    # The same keys and values as the baseline: every gate of the example passes.
    path.write_text(json.dumps(baseline, indent=2), encoding="utf-8")
    say(f"{CANDIDATE} is missing (run examples/demo.sh to make it); using {path}")
    return str(path)


def check_argv(python: str, metrics: str) -> list[str]:
    """The command a person types, as a whole new process."""
    return [
        python,
        "-m",
        "qgate",
        "check",
        "--gates",
        GATES,
        "--metrics",
        metrics,
        "--baseline",
        BASELINE,
    ]


def imported(python: str, argv: list[str]) -> dict[str, tuple[int, int, str]]:
    """Modules a process imports, by ``-X importtime``.

    name -> (self µs, cumulative µs, the chain of modules that imported it).
    """
    _, done = run_once([python, "-X", "importtime", *argv[1:]], ok=(0, 1))
    entries: list[tuple[str, int, int, int]] = []
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            entries.append((match[4], int(match[1]), int(match[2]), len(match[3])))
    found: dict[str, tuple[int, int, str]] = {}
    for index, (name, own, total, depth) in enumerate(entries):
        # importtime lists a module before the one that imported it (one level up).
        parents, level = [], depth
        for later, _, _, later_depth in entries[index + 1 :]:
            if later_depth < level:
                parents.append(later)
                level = later_depth
        found[name] = (own, total, " ← ".join([name, *parents]))
    return found


def library_imports(ctx: Context) -> None:
    """Each library's import alone, in a fresh interpreter (what the floor is made of)."""
    subjects = [
        Subject(name, [ctx.python, "-c", f"import {name}"])
        for name in ("jsonschema", "jinja2", "jinja2.sandbox", "ruamel.yaml")
    ]
    subjects.append(Subject("pass", [ctx.python, "-c", "pass"]))
    times = time_interleaved(subjects, ctx.scaled(9), warmup=1)
    bare = median(times["pass"])
    say(
        f"each library alone, above `python -c pass` ({ms(bare)}), median of "
        f"{len(times['pass'])}:"
    )
    for subject in subjects[:-1]:
        say(f"    {ms(median(times[subject.name]) - bare):>9}  import {subject.name}")


def measure(ctx: Context) -> list[Row]:
    heading(
        "1. cold `qgate check` on the example vs a bare Python importing its libraries"
    )
    metrics = example_metrics(ctx)
    argv = check_argv(ctx.python, metrics)
    say("$ " + " ".join(["python", *argv[1:]]))
    runs = ctx.scaled(ctx.runs)
    times = time_interleaved(
        [
            Subject("floor", [ctx.python, "-c", FLOOR_IMPORTS]),
            Subject("qgate", argv, ok=(0, 1)),
            Subject("python", [ctx.python, "-c", "pass"]),
        ],
        runs,
    )
    floor, qgate = median(times["floor"]), median(times["qgate"])
    say(f"python -c pass:                 {spread(times['python'])}")
    say(f"floor ({FLOOR_IMPORTS}): {spread(times['floor'])}")
    say(f"qgate check:                    {spread(times['qgate'])}")
    ratio = qgate / floor
    cpu = median(times["qgate cpu"]) / median(times["floor cpu"])
    say(
        f"ratio {ratio:.2f}× wall (target ≤ {TARGET}×), {cpu:.2f}× in CPU time "
        f"(user + system); qgate adds {ms(qgate - floor)} over the floor"
    )

    modules = imported(ctx.python, argv)
    floor_modules = imported(ctx.python, [ctx.python, "-c", FLOOR_IMPORTS])
    network = [m for m in modules if m.split(".")[0] in PYGITHUB_MODULES]
    stdlib = [m for m in STDLIB_NETWORK if m in modules]
    extra = {m: t for m, t in modules.items() if m not in floor_modules}
    say(
        f"-X importtime: {len(modules)} modules imported, {len(extra)} beyond the "
        f"floor's {len(floor_modules)}; their own import time adds up to "
        f"{ms(sum(t[0] for t in extra.values()) / 1e6)} (importtime inflates it)"
    )
    for name, (own, _, _) in sorted(extra.items(), key=lambda kv: -kv[1][0])[:12]:
        say(f"    {own / 1000:7.1f} ms  {name}")
    say("PyGithub and its dependencies imported: " + (", ".join(network) or "none"))
    for name in [*network[:3], *stdlib]:
        own, total, chain = modules[name]
        say(f"    {total / 1000:6.1f} ms cumulative: {chain}")
    stdlib_note = ""
    if stdlib:
        top = modules[stdlib[0]][2].split(" ← ")
        stdlib_note = f"; stdlib {', '.join(stdlib)} are, via {' ← '.join(top[1:4])}"
    diagnostic("phases", lambda: phases(ctx, GATES, metrics, BASELINE))
    library_imports(ctx)

    return [
        Row(
            "1",
            "cold `qgate check` on the example (whole process) vs floor",
            f"{ratio:.2f}×",
            f"≤ {TARGET}×",
            ratio <= TARGET,
            f"{ms(qgate)} vs {ms(floor)}; CPU time {cpu:.2f}×",
        ),
        Row(
            "1b",
            "PyGithub imported on the local-baseline path",
            "yes: " + ", ".join(network) if network else "no",
            "no",
            not network,
            "python -X importtime" + stdlib_note,
        ),
    ]


PHASES = """
import json, sys, time
gates, metrics, baseline = sys.argv[1:4]
marks = [time.perf_counter()]
names = []
def mark(name):
    marks.append(time.perf_counter())
    names.append(name)
from qgate import app, cli
mark("import qgate (cli, app)")
argv = ["check", "--gates", gates, "--metrics", metrics, "--baseline", baseline]
cli._parser(argv).parse_args(argv)
mark("argument parsing")
import ruamel.yaml
mark("import ruamel.yaml")
from qgate.gatefile import load_gate_file
gate_file = load_gate_file(gates)
mark("gate file: YAML with positions, schema check, build")
from qgate.evaluate import BaselineInfo, evaluate
from qgate.metrics import load_metrics
candidate = load_metrics(metrics)
info = BaselineInfo(metrics=load_metrics(baseline), label="file")
mark("candidate + baseline metrics")
verdict = evaluate(gate_file, candidate, info)
mark("evaluate")
from qgate.report import render_json, render_text
render_text(verdict); render_json(verdict)
mark("text + JSON verdict")
loaded = [m for m in ("jsonschema", "jinja2", "difflib") if m in sys.modules]
from qgate.render import render_markdown
render_markdown(verdict)
mark("Markdown verdict, only when shown (imports Jinja, compiles the template)")
seconds = {n: b - a for n, a, b in zip(names, marks, marks[1:])}
print(json.dumps({"seconds": seconds, "loaded": loaded}))
"""


def phases(ctx: Context, gates: str, metrics: str, baseline: str) -> None:
    """Where a run's time goes, phase by phase, in one fresh interpreter (median)."""
    samples: list[dict[str, float]] = []
    loaded: list[str] = []
    for _ in range(max(5, ctx.scaled(9))):
        _, done = _capture([ctx.python, "-c", PHASES, gates, metrics, baseline])
        sample = json.loads(done)
        samples.append(sample["seconds"])
        loaded = sample["loaded"]
    say(
        f"phases after the interpreter starts, in a fresh one (median of "
        f"{len(samples)}):"
    )
    for name in samples[0]:
        say(f"    {ms(median([s[name] for s in samples])):>9}  {name}")
    say(
        "    imported before the Markdown: "
        + (", ".join(loaded) if loaded else "none of jsonschema, jinja2, difflib")
    )


def _capture(argv: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        argv, cwd=ROOT, env=clean_env(), capture_output=True, text=True, check=True
    )
    return done.returncode, done.stdout


if __name__ == "__main__":
    section_main(measure)
