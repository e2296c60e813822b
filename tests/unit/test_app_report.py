"""app.report: the Markdown verdict is rendered only where something shows it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qgate import app
from qgate.settings import Settings
from tests.helpers import ROOT

EXAMPLE = ROOT / "examples" / "breast-cancer"


@pytest.fixture
def verdict(make_verdict):
    """A small passing verdict."""
    return make_verdict([{"metric": "m", "max": 1}], {"m": 0})


@pytest.fixture
def counted(monkeypatch):
    """Counts the calls of render_markdown that app.report makes."""
    calls = []
    render = app.render_markdown

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return render(*args, **kwargs)

    monkeypatch.setattr(app, "render_markdown", spy)
    return calls


def test_report__terminal_without_markdown_renders_none(verdict, counted, make_runner):
    """A local check with no --markdown and no step summary renders no Markdown."""
    runner, stream = make_runner(actions=False)

    app.report(Settings(gates="g.yml", metrics="m.json"), runner, verdict, None)

    assert (counted, "passed" in stream.getvalue()) == ([], True)


def test_report__markdown_path_gets_the_verdict(
    verdict, counted, make_runner, tmp_path, monkeypatch
):
    """--markdown still renders the verdict and writes it."""
    monkeypatch.chdir(tmp_path)
    runner, _ = make_runner(actions=False)
    settings = Settings(gates="g.yml", metrics="m.json", markdown_path="v.md")

    app.report(settings, runner, verdict, None)

    text = (tmp_path / "v.md").read_text("utf-8")
    assert (len(counted), text.startswith("### ✅ qgate · model: passed")) == (1, True)


def test_report__step_summary_gets_the_verdict(verdict, counted, make_runner, tmp_path):
    """In a runner the step summary gets the verdict, with no report file asked for."""
    summary = tmp_path / "summary.md"
    runner, _ = make_runner(GITHUB_STEP_SUMMARY=str(summary))

    app.report(Settings(gates="g.yml", metrics="m.json"), runner, verdict, None)

    text = summary.read_text("utf-8")
    assert (len(counted), text.startswith("### ✅ qgate · model: passed")) == (1, True)


def test_check__local_run_imports_no_jinja_or_jsonschema():
    """A local check on the example imports neither Jinja nor jsonschema."""
    code = (
        "import sys\n"
        "from qgate.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "loaded = [m for m in ('jinja2', 'jsonschema', 'difflib') if m in sys.modules]\n"
        "print(code, sorted(loaded))\n"
    )
    argv = ["check", "--gates", "gates.yml", "--metrics", "baseline/metrics.json"]
    argv += ["--baseline", "baseline/metrics.json"]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}

    done = subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.splitlines()[-1] == "0 []"
