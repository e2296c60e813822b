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


# A what-if, not qgate's code: the check with the changes docs/performance.md proposes,
# emulated from outside. "lazy-markdown": no Markdown is rendered when nothing will
# show it (no --markdown, no step summary, no comment). "lazy-commands": the modules
# of other subcommands (`init`, `comment`) are not imported to build the argument
# parser of `check`. "no-jsonschema": the gate file is valid, and a
# fast hand-written check would say so without importing jsonschema (which then only
# explains errors).
WHAT_IF = """
import sys, types
modes = sys.argv[1].split(",")
if "lazy-commands" in modes:
    for name in ("qgate.scaffold", "qgate.post"):
        stub = types.ModuleType(name)
        stub.add_arguments = lambda parser: None
        sys.modules[name] = stub
from qgate import app, cli, gatefile
# A name that moved would make the emulation a silent no-op: refuse instead.
if "lazy-markdown" in modes:
    assert hasattr(app, "render_markdown"), "qgate.app.render_markdown moved"
    app.render_markdown = lambda *args, **kwargs: ""
if "no-jsonschema" in modes:
    assert hasattr(gatefile, "schema_problems"), "qgate.gatefile.schema_problems moved"
    gatefile.schema_problems = lambda doc: []
sys.exit(cli.main(sys.argv[2:]))
"""


def what_if_argv(python: str, modes: str, argv: list[str]) -> list[str]:
    """``argv`` (a ``python -m qgate ...`` command) with the proposed changes emulated."""
    return [python, "-c", WHAT_IF, modes, *argv[3:]]


def what_if(ctx: Context, argv: list[str], runs: int) -> None:
    """The check with the proposed changes emulated, against the floor again."""
    what_ifs = {
        "lazy Markdown": "lazy-markdown",
        "lazy Markdown + lazy subcommand modules": "lazy-markdown,lazy-commands",
    }
    subjects = [Subject("floor", [ctx.python, "-c", FLOOR_IMPORTS])]
    subjects += [
        Subject(name, what_if_argv(ctx.python, modes, argv), ok=(0, 1))
        for name, modes in what_ifs.items()
    ]
    again = time_interleaved(subjects, runs)
    say("what-if (the proposed changes emulated from outside, same runs as a floor):")
    for name in what_ifs:
        say(
            f"    {name}: {spread(again[name])} → "
            f"{median(again[name]) / median(again['floor']):.2f}× the floor "
            f"({ms(median(again['floor']))})"
        )


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
    diagnostic("phases", lambda: phases(ctx, metrics))
    library_imports(ctx)
    diagnostic("what-if", lambda: what_if(ctx, argv, runs))

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
import io, json, sys, time
t = [time.perf_counter()]
import jsonschema, jinja2, ruamel.yaml
t.append(time.perf_counter())
from qgate.cli import _parser
from qgate import app
t.append(time.perf_counter())
from qgate.gatefile import load_gate_file
from qgate.metrics import load_metrics
from qgate.evaluate import evaluate, BaselineInfo
from qgate.render import render_markdown
from qgate.report import render_text, render_json
_parser().parse_args(["check", "--gates", "g", "--metrics", "m"])
t.append(time.perf_counter())
gate_file = load_gate_file(sys.argv[1])
t.append(time.perf_counter())
candidate = load_metrics(sys.argv[2])
baseline = BaselineInfo(metrics=load_metrics(sys.argv[3]), label="file")
t.append(time.perf_counter())
verdict = evaluate(gate_file, candidate, baseline)
t.append(time.perf_counter())
render_text(verdict); render_json(verdict)
t.append(time.perf_counter())
render_markdown(verdict)
t.append(time.perf_counter())
names = ["import jsonschema, jinja2, ruamel.yaml", "import qgate (cli, app)",
         "argument parsing", "gate file: YAML, schema, build",
         "candidate + baseline metrics", "evaluate", "text + JSON verdict",
         "Markdown verdict (Jinja, template compiled)"]
print(json.dumps({n: b - a for n, a, b in zip(names, t, t[1:])}))
"""


def phases(ctx: Context, metrics: str) -> None:
    """Where a run's time goes, phase by phase, in one fresh interpreter (median)."""
    samples: list[dict[str, float]] = []
    for _ in range(max(5, ctx.scaled(9))):
        _, done = _capture([ctx.python, "-c", PHASES, GATES, metrics, BASELINE])
        samples.append(json.loads(done))
    say(
        "phases in a fresh interpreter (median of "
        f"{len(samples)}; the first two are the floor and qgate's own imports):"
    )
    for name in samples[0]:
        say(f"    {ms(median([s[name] for s in samples])):>9}  {name}")


def _capture(argv: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        argv, cwd=ROOT, env=clean_env(), capture_output=True, text=True, check=True
    )
    return done.returncode, done.stdout


if __name__ == "__main__":
    section_main(measure)
