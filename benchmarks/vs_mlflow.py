"""2. The same 50-threshold verdict by MLflow's model validation and by qgate.

Both run as whole processes, each as its user would run it: MLflow's
``validate_evaluation_results`` with ``MetricThreshold``s from a short script in the
benchmark's own venv, and ``python -m qgate check`` with the equivalent gate file.
Both must reach the same decision, and fail the same metrics, before times count.
"""

from __future__ import annotations

import json
import subprocess

from benchmarks.cold_start import imported, what_if_argv
from benchmarks.common import (
    ROOT,
    Context,
    Row,
    Subject,
    clean_env,
    diagnostic,
    heading,
    median,
    ms,
    say,
    section_main,
    spread,
    time_interleaved,
)
from benchmarks.synthetic import fifty

TARGET = 10.0
# MLflow 3 has usage telemetry; the benchmark opts out (it must reach no other host).
MLFLOW_ENV = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
SCRIPT = ROOT / "benchmarks" / "mlflow_validate.py"
WHAT_IF = "lazy-markdown,lazy-commands,no-jsonschema"


def measure(ctx: Context) -> list[Row]:
    heading("2. 50 thresholds: MLflow validate_evaluation_results vs qgate check")
    if not ctx.mlflow_python:
        say(
            "skipped: no MLflow venv (QGATE_BENCH_MLFLOW_PYTHON); bash benchmarks/run "
            "makes one"
        )
        return [
            Row(
                "2",
                "qgate vs MLflow model validation, 50 thresholds",
                "skipped",
                f"≥ {TARGET:g}× faster",
                None,
                "no MLflow venv",
            )
        ]
    data = fifty()
    folder = ctx.work / "fifty"
    folder.mkdir(exist_ok=True)
    files = {
        "thresholds.json": json.dumps(data.mlflow_spec(), indent=1),
        "gates.yml": data.qgate_gates(),
        "baseline.json": json.dumps(data.baseline, indent=1),
        "passing.json": json.dumps(data.passing, indent=1),
        "failing.json": json.dumps(data.failing, indent=1),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    version = subprocess.run(
        [ctx.mlflow_python, "-c", "import mlflow; print(mlflow.__version__)"],
        env=clean_env(MLFLOW_ENV),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    say(f"MLflow {version} ({ctx.mlflow_python})")

    def mlflow_argv(candidate: str) -> list[str]:
        return [
            ctx.mlflow_python,
            str(SCRIPT),
            str(folder / "thresholds.json"),
            str(folder / candidate),
            str(folder / "baseline.json"),
        ]

    def qgate_argv(candidate: str) -> list[str]:
        return [
            ctx.python,
            "-m",
            "qgate",
            "check",
            "--gates",
            str(folder / "gates.yml"),
            "--metrics",
            str(folder / candidate),
            "--baseline",
            str(folder / "baseline.json"),
            "--json",
            str(folder / "verdict.json"),
        ]

    agree = True
    decisions = []
    for candidate in ("passing.json", "failing.json"):
        theirs = subprocess.run(
            mlflow_argv(candidate),
            env=clean_env(MLFLOW_ENV),
            capture_output=True,
            text=True,
            check=False,
        )
        ours = subprocess.run(
            qgate_argv(candidate),
            cwd=ROOT,
            env=clean_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        verdict = json.loads((folder / "verdict.json").read_text(encoding="utf-8"))
        qgate_failed = sorted(
            g["metric"] for g in verdict["gates"] if g["status"] == "fail"
        )
        words = theirs.stdout.split(maxsplit=1)
        mlflow_failed = json.loads(words[1]) if words and words[0] == "fail" else []
        same = (
            theirs.returncode == ours.returncode
            and words[:1] in (["pass"], ["fail"])
            and mlflow_failed == qgate_failed
        )
        agree = agree and same
        mlflow_says = "fail" if theirs.returncode == 1 else "pass"
        qgate_says = "fail" if ours.returncode == 1 else "pass"
        decisions.append(f"{mlflow_says}/{qgate_says}")
        say(
            f"{candidate}: MLflow {mlflow_says} (exit {theirs.returncode}, failed "
            f"{mlflow_failed}); qgate {verdict['verdict']} (exit {ours.returncode}, "
            f"failed {qgate_failed}) → {'same decision' if same else 'DIFFERENT'}"
        )
        if theirs.returncode not in (0, 1):
            say(theirs.stderr[-2000:])
    if data.expected_failures != qgate_failed:
        say(f"expected failures {data.expected_failures}")
        agree = False

    runs = ctx.scaled(max(5, ctx.runs // 2))
    times = time_interleaved(
        [
            Subject("mlflow", mlflow_argv("passing.json"), env=clean_env(MLFLOW_ENV)),
            Subject("qgate", qgate_argv("passing.json")),
            Subject(
                "import mlflow",
                [ctx.mlflow_python, "-c", "import mlflow"],
                env=clean_env(MLFLOW_ENV),
            ),
        ],
        runs,
        warmup=1,
    )
    theirs_s, ours_s = median(times["mlflow"]), median(times["qgate"])
    say(f"MLflow validation: {spread(times['mlflow'])}")
    say(f"  of which `python -c 'import mlflow'`: {spread(times['import mlflow'])}")
    say(f"qgate check:       {spread(times['qgate'])}")
    speedup = theirs_s / ours_s
    cpu = median(times["mlflow cpu"]) / median(times["qgate cpu"])
    say(
        f"qgate is {speedup:.1f}× faster (target ≥ {TARGET:g}×); {cpu:.1f}× in CPU "
        "time (user + system)"
    )
    what_if_argv_ = what_if_argv(ctx.python, WHAT_IF, qgate_argv("passing.json"))
    mlflow_argv_ = mlflow_argv("passing.json")
    diagnostic("what-if", lambda: what_if(ctx, what_if_argv_, mlflow_argv_, runs))
    modules = imported(ctx.mlflow_python, [ctx.mlflow_python, "-c", "import mlflow"])
    top = sorted(modules.items(), key=lambda kv: -kv[1][1])
    say(
        f"`import mlflow` loads {len(modules)} modules; the largest subtrees "
        "(-X importtime, cumulative):"
    )
    for name, (_, total, _) in [kv for kv in top if "." in kv[0]][:5]:
        say(f"    {total / 1000:7.1f} ms  {name}")
    return [
        Row(
            "2",
            "qgate vs MLflow model validation, 50 thresholds (whole processes)",
            f"{speedup:.1f}× faster",
            f"≥ {TARGET:g}×",
            speedup >= TARGET,
            f"{ms(ours_s)} vs {ms(theirs_s)}, CPU time {cpu:.1f}×; MLflow {version}",
        ),
        Row(
            "2b",
            "same decision as MLflow (passing / failing candidate)",
            " and ".join(decisions) + (", same failed metrics" if agree else ""),
            "identical",
            agree,
            "MLflow/qgate",
        ),
    ]


def what_if(ctx: Context, ours: list[str], theirs: list[str], runs: int) -> None:
    """qgate with the proposed changes emulated, against MLflow again."""
    times = time_interleaved(
        [
            Subject("mlflow", theirs, env=clean_env(MLFLOW_ENV)),
            Subject("what-if", ours, ok=(0, 1)),
        ],
        max(3, runs // 2),
        warmup=1,
    )
    speedup = median(times["mlflow"]) / median(times["what-if"])
    say(
        "what-if, qgate importing no Jinja, no jsonschema and no other subcommand "
        f"on a passing run ({WHAT_IF}, emulated): {spread(times['what-if'])} → "
        f"{speedup:.1f}× faster than MLflow ({ms(median(times['mlflow']))} this time)"
    )


if __name__ == "__main__":
    section_main(measure)
