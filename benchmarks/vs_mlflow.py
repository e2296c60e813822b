"""2. The same 50-threshold verdict by MLflow's model validation and by qgate.

Both run as whole processes, each as its user would run it: MLflow's
``validate_evaluation_results`` with ``MetricThreshold``s from a short script in the
benchmark's own venv, and ``python -m qgate check`` with the equivalent gate file.
Both must reach the same decision, and fail the same metrics, before times count.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from benchmarks.cold_start import imported, phases
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
            Subject("python", [ctx.python, "-c", "pass"]),
        ],
        runs,
        warmup=1,
    )
    theirs_s, ours_s = median(times["mlflow"]), median(times["qgate"])
    say(f"MLflow validation: {spread(times['mlflow'])}")
    say(f"  of which `python -c 'import mlflow'`: {spread(times['import mlflow'])}")
    say(f"qgate check:       {spread(times['qgate'])}")
    say(f"  of which `python -c pass`: {spread(times['python'])}")
    speedup = theirs_s / ours_s
    cpu = median(times["mlflow cpu"]) / median(times["qgate cpu"])
    say(
        f"qgate is {speedup:.1f}× faster (target ≥ {TARGET:g}×); {cpu:.1f}× in CPU "
        "time (user + system)"
    )
    diagnostic(
        "phases",
        lambda: phases(
            ctx,
            str(folder / "gates.yml"),
            str(folder / "passing.json"),
            str(folder / "baseline.json"),
        ),
    )
    diagnostic(
        "what-if",
        lambda: what_if(ctx, folder, qgate_argv("passing.json"), theirs_s, runs),
    )
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


# A what-if, not qgate's code: the check with what is left of its start-up cost
# taken away from outside, to size the changes that would close the gap.
# "lazy-stdlib": logging and uuid (qgate.runner imports both at module level and
# uses them only in a runner) are not imported. "no-yaml": the gate file comes
# from a pickle of its parsed document, so ruamel.yaml is neither imported nor run.
WHAT_IF = """
import sys, types
modes = sys.argv[1].split(",")
if "lazy-stdlib" in modes:
    class Logger:
        def setLevel(self, level):
            pass
    logging = types.ModuleType("logging")
    logging.CRITICAL = 50
    logging.getLogger = lambda name=None: Logger()
    sys.modules["logging"] = logging
    sys.modules["uuid"] = types.ModuleType("uuid")
if "no-yaml" in modes:
    import pickle
    with open(sys.argv[2], "rb") as handle:
        parsed = pickle.load(handle)
    from qgate import gatefile
    # A name that moved would make the emulation a silent no-op: refuse instead.
    assert hasattr(gatefile, "load_yaml"), "qgate.gatefile.load_yaml moved"
    gatefile.load_yaml = lambda text, path: parsed
from qgate import cli
code = cli.main(sys.argv[3:])
assert "ruamel.yaml" not in sys.modules or "no-yaml" not in modes
sys.exit(code)
"""


def what_if(
    ctx: Context, folder: Path, argv: list[str], mlflow: float, runs: int
) -> None:
    """qgate with the rest of its start-up emulated away, against MLflow's time."""
    import pickle

    from qgate.document import load_yaml

    gates = folder / "gates.yml"
    parsed = folder / "gates.pickle"
    parsed.write_bytes(
        pickle.dumps(load_yaml(gates.read_text(encoding="utf-8"), str(gates)))
    )
    modes = {
        "as is": "",
        "logging and uuid not imported": "lazy-stdlib",
        "no YAML parsing": "no-yaml",
        "both": "lazy-stdlib,no-yaml",
    }
    subjects = [
        Subject(name, [ctx.python, "-c", WHAT_IF, mode, str(parsed), *argv[3:]])
        for name, mode in modes.items()
    ]
    times = time_interleaved(subjects, max(5, runs), warmup=1)
    say(
        f"what-if (emulated from outside; against MLflow's median above, {ms(mlflow)}):"
    )
    for name in modes:
        seconds = median(times[name])
        say(
            f"    {name}: {spread(times[name])} → {mlflow / seconds:.1f}× faster "
            "than MLflow"
        )


if __name__ == "__main__":
    section_main(measure)
