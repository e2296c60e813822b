"""The ``qgate`` command line, run as a separate process the way users run it."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ROOT, clean_env, run_python

GATES = [
    {
        "metric": "quality.accuracy",
        "direction": "higher",
        "min": 0.9,
        "max-regression": 0.01,
    },
    {"metric": "latency.p95_ms", "direction": "lower", "max": 50},
]
BASELINE = {"quality": {"accuracy": 0.95}, "latency": {"p95_ms": 30}}
BETTER = {"quality": {"accuracy": 0.96}, "latency": {"p95_ms": 28}}
WORSE = {"quality": {"accuracy": 0.93}, "latency": {"p95_ms": 28}}


@pytest.fixture
def qgate(tmp_path):
    """Run ``python -m qgate`` in tmp_path with no runner variables set."""

    def run(*args):
        return run_python(["-m", "qgate", *args], cwd=tmp_path, env=clean_env())

    return run


@pytest.fixture
def check(qgate, write_gate_file, write_metrics):
    """Run ``qgate check`` on candidate metrics against the default gates."""

    def run(candidate, *args, gates=GATES, baseline=BASELINE, when_missing="warn"):
        gate_path = write_gate_file(*gates, baseline={"when-missing": when_missing})
        metrics = write_metrics(candidate, "candidate.json")
        flags = ["--no-baseline"]
        if baseline is not None:
            flags = ["--baseline", str(write_metrics(baseline, "baseline.json"))]
        return qgate(
            "check", "--gates", str(gate_path), "--metrics", str(metrics), *flags, *args
        )

    return run


@pytest.mark.parametrize(("candidate", "code"), [(BETTER, 0), (WORSE, 1)])
def test_check__exit_code_follows_the_verdict(check, candidate, code):
    """A passing candidate exits 0 and a regressed one exits 1."""

    result = check(candidate)

    assert result.returncode == code, result.stdout + result.stderr


def test_check__failure_is_explained_on_stdout(check):
    """A failed gate prints the verdict and the reason it failed."""

    result = check(WORSE)

    assert (
        "qgate · model: blocked — 1 of 2 gates failed" in result.stdout,
        "fail: quality.accuracy: max-regression: needs ≥ 0.94" in result.stdout,
    ) == (True, True)


@pytest.mark.parametrize(
    "candidate",
    [
        '{"latency": {"p95_ms": 28}}',
        '{"quality": {"accuracy": NaN}, "latency": {"p95_ms": 28}}',
        '{"quality": {"accuracy": Infinity}, "latency": {"p95_ms": 28}}',
        '{"quality": {"accuracy": "0.99"}, "latency": {"p95_ms": 28}}',
        '{"quality": {"accuracy": null}, "latency": {"p95_ms": 28}}',
        '{"quality": {"accuracy": true}, "latency": {"p95_ms": 28}}',
        '{"quality": {"accuracy": {}}, "latency": {"p95_ms": 28}}',
        '{"quality": {"acc": 0.99}, "latency": {"p95_ms": 28}}',
    ],
)
def test_check__never_passes_a_missing_or_invalid_metric(check, candidate):
    """A gated metric that is missing or not a number exits 1, never 0."""

    result = check(candidate)

    assert result.returncode == 1, result.stdout


def test_check__broken_gate_file_exits_2_with_its_position(
    qgate, tmp_path, write_metrics
):
    """A gate file that fails the schema exits 2 with file:line:col and no traceback."""
    gates = tmp_path / "gates.yml"
    gates.write_text(
        "version: 1\ngates:\n  - metric: acc\n    direction: higher\n"
        "    max-regression: -1\n",
        "utf-8",
    )

    result = qgate(
        "check",
        "--gates",
        "gates.yml",
        "--metrics",
        str(write_metrics({"acc": 1})),
        "--no-baseline",
    )

    assert (result.returncode, result.stdout.splitlines()[0]) == (
        2,
        "error: gates.yml:5:21: gates[0].max-regression: -1 is not a tolerance — "
        "write a non-negative number (0.01) or a percentage string ('2%')",
    )
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        (
            "version: 1\ngates:\n  - {metric: a, min: 1, min: 2}\n",
            "error: gates.yml:3:25: gates[0].min: duplicate key (first written at line 3)"
            " — keep only one.",
        ),
        (
            "version: 1\ngates: []\n",
            "error: gates.yml:2:8: gates: no gates — add at least one gate (a list item "
            "with 'metric' and a rule)",
        ),
        (
            "version: 1\ngates: [\n",
            "error: gates.yml:3:1: cannot parse YAML: expected the node content, but "
            "found '<stream end>' — fix the syntax at this position.",
        ),
    ],
)
def test_check__gate_file_errors_exit_2(
    qgate, tmp_path, write_metrics, text, first_line
):
    """Duplicate keys, empty gate lists and YAML syntax errors are exit 2 with a place."""
    (tmp_path / "gates.yml").write_text(text, "utf-8")

    result = qgate(
        "check",
        "--gates",
        "gates.yml",
        "--metrics",
        str(write_metrics({"a": 1})),
        "--no-baseline",
    )

    assert (result.returncode, result.stdout.splitlines()[0], result.stderr) == (
        2,
        first_line,
        "",
    )


def test_check__missing_metrics_file_exits_2(qgate, write_gate_file):
    """A metrics path that does not exist is a configuration error."""
    gates = write_gate_file(*GATES)

    result = qgate(
        "check", "--gates", str(gates), "--metrics", "nope.json", "--no-baseline"
    )

    assert (result.returncode, result.stdout.splitlines()[1]) == (
        2,
        "error: nope.json: metrics file not found — check the path (it is relative to"
        " the working directory).",
    )


def test_check__json_verdict_lists_every_gate(check, tmp_path):
    """--json writes every gate with metric, values, delta, bound, operator, status."""

    result = check(WORSE, "--json", "out/verdict.json")

    gates = json.loads((tmp_path / "out" / "verdict.json").read_text("utf-8"))["gates"]
    fields = (
        "metric",
        "candidate",
        "baseline",
        "delta",
        "bound",
        "operator",
        "status",
        "reason",
    )
    assert (result.returncode, [{k: g[k] for k in fields} for g in gates]) == (
        1,
        [
            {
                "metric": "quality.accuracy",
                "candidate": 0.93,
                "baseline": 0.95,
                "delta": pytest.approx(-0.02),
                "bound": 0.94,
                "operator": ">=",
                "status": "fail",
                "reason": "max-regression: needs ≥ 0.94",
            },
            {
                "metric": "latency.p95_ms",
                "candidate": 28.0,
                "baseline": 30.0,
                "delta": -2.0,
                "bound": 50.0,
                "operator": "<=",
                "status": "pass",
                "reason": "",
            },
        ],
    )


def test_check__markdown_verdict_is_written(check, tmp_path):
    """--markdown writes the Markdown verdict, creating its folder."""

    check(BETTER, "--markdown", "reports/verdict.md")

    text = (tmp_path / "reports" / "verdict.md").read_text("utf-8")
    assert text.startswith("### ✅ qgate · model: passed — 2 of 2 gates passed\n")


@pytest.mark.parametrize(
    ("when_missing", "code", "line"),
    [
        ("pass", 0, "qgate · model: passed — 2 of 2 gates passed"),
        ("warn", 0, "qgate · model: passed with warnings — 1 of 2 gates warned"),
        ("fail", 1, "qgate · model: blocked — 1 of 2 gates failed"),
    ],
)
def test_check__no_baseline_applies_when_missing(check, when_missing, code, line):
    """--no-baseline judges a first release: relative rules follow when-missing."""

    result = check(BETTER, baseline=None, when_missing=when_missing)

    assert (result.returncode, line in result.stdout.splitlines()) == (code, True)


def test_check__baseline_from_the_gate_file(
    qgate, tmp_path, write_gate_file, write_metrics
):
    """Without a flag the gate file's baseline.file is used, relative to the cwd."""
    write_metrics(BASELINE, "base/metrics.json")
    gates = write_gate_file(*GATES, baseline={"file": "base/metrics.json"})

    result = qgate(
        "check",
        "--gates",
        str(gates),
        "--metrics",
        str(write_metrics(WORSE, "candidate.json")),
    )

    assert (result.returncode, "baseline: file base/metrics.json" in result.stdout) == (
        1,
        True,
    )


def test_validate__valid_files(qgate, write_gate_file):
    """qgate validate accepts good gate files and says how many gates each has."""
    first = write_gate_file(*GATES, filename="a.yml")
    second = write_gate_file(GATES[0], filename="b.yml")

    result = qgate("validate", str(first), str(second))

    assert (result.returncode, result.stdout.splitlines()) == (
        0,
        [f"{first}: valid (2 gates)", f"{second}: valid (1 gate)"],
    )


def test_validate__broken_file_exits_2(qgate, tmp_path, write_gate_file):
    """qgate validate reports every problem of a broken file and exits 2."""
    good = write_gate_file(*GATES, filename="good.yml")
    (tmp_path / "bad.yml").write_text(
        "version: 2\ngates:\n  - {metric: a, mni: 1}\n", "utf-8"
    )

    result = qgate("validate", "bad.yml", str(good))

    assert (result.returncode, result.stdout.splitlines()) == (
        2,
        [
            "error: bad.yml:1:10: version: unsupported version 2 — this qgate reads "
            "version 1",
            "error: bad.yml:3:17: gates[0].mni: unknown key — did you mean 'min'? "
            "(allowed: above, below, description, direction, max, max-regression, "
            "metric, min, min-improvement, optional, severity)",
            f"{good}: valid (2 gates)",
        ],
    )


def test_schema__prints_the_shipped_schema(qgate):
    """qgate schema prints the JSON Schema, $id included, exactly as shipped."""

    result = qgate("schema")

    shipped = (ROOT / "schema" / "gates.schema.json").read_text("utf-8")
    assert (result.returncode, result.stdout, "$id" in json.loads(result.stdout)) == (
        0,
        shipped,
        True,
    )


@pytest.mark.parametrize("args", [[], ["check"], ["check", "--gates", "g.yml"]])
def test_cli__usage_errors_exit_2(qgate, args):
    """Missing subcommands or flags are usage errors (exit 2) without a traceback."""

    result = qgate(*args)

    assert (
        result.returncode,
        "usage: qgate" in result.stderr,
        "Traceback" in result.stderr,
    ) == (2, True, False)


def test_cli__version(qgate):
    """--version prints the package version."""
    from qgate import __version__

    result = qgate("--version")

    assert (result.returncode, result.stdout) == (0, f"qgate {__version__}\n")


def test_check__report_path_may_not_overwrite_an_input(qgate, write_gate_file,
                                                       tmp_path):
    """--markdown pointing at the gate file is refused before anything is written."""
    gates = write_gate_file(*GATES)
    original = gates.read_text()
    metrics = tmp_path / "m.json"
    metrics.write_text('{"accuracy": 0.95, "latency": {"p95_ms": 10}}')

    result = qgate("check", "--gates", str(gates), "--metrics", str(metrics),
                   "--no-baseline", "--markdown", str(gates))

    assert result.returncode == 2
    assert "would overwrite an input" in result.stdout
    assert gates.read_text() == original
