"""One gate run: load, fetch, evaluate, then report everywhere before exiting."""

from __future__ import annotations

import re
import traceback
from typing import Any

from qgate.baseline import fetch_baseline
from qgate.errors import ISSUES_URL, ConfigError, ExitCode, QgateError
from qgate.evaluate import Status, Verdict, error_verdict, evaluate
from qgate.gatefile import GateFile, load_gate_file
from qgate.metrics import load_metrics
from qgate.render import COMMENT_BUDGET_CHARS, render_markdown
from qgate.report import render_json, render_text
from qgate.runner import Runner, quiet_libraries
from qgate.settings import Settings, in_workspace

_WHERE = re.compile(r"^(?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+): ")


def exit_code(verdict: Verdict) -> ExitCode:
    """Map a verdict to the process exit code."""
    if verdict.status is Status.ERROR:
        return ExitCode.ERROR
    return ExitCode.FAILED if verdict.status is Status.FAIL else ExitCode.PASSED


def run(settings: Settings, runner: Runner, client: Any = None) -> int:
    """Run the gate and report; returns the exit code (never raises)."""
    quiet_libraries()
    runner.mask(settings.token)
    gate_file: GateFile | None = None
    code: ExitCode
    try:
        with runner.group("Load the gate file"):
            gate_file = load_gate_file(in_workspace(settings.gates))
            runner.info(f"{settings.gates}: {len(gate_file.gates)} gates")
        with runner.group("Load the candidate metrics"):
            candidate = load_metrics(in_workspace(settings.metrics))
            runner.info(f"{settings.metrics}: {len(candidate.values)} values")
        with runner.group("Fetch the baseline"):
            baseline = fetch_baseline(settings, gate_file.baseline, client)
            runner.info(f"baseline: {baseline.label}")
        verdict = evaluate(gate_file, candidate, baseline)
        code = exit_code(verdict)
    except QgateError as exc:
        code = exc.exit_code
        for problem in [exc.message, *exc.details]:
            _report_problem(runner, problem, is_config=isinstance(exc, ConfigError))
        name = gate_file.name if gate_file else "gate"
        verdict = error_verdict(name, exc.message)
    except Exception as exc:  # noqa: BLE001 - the result must be reported anyway
        code = ExitCode.ERROR
        runner.debug(traceback.format_exc())
        message = (f"internal error ({type(exc).__name__}); please report it at "
                   f"{ISSUES_URL} with the debug log")
        runner.error(message, title="qgate")
        verdict = error_verdict(gate_file.name if gate_file else "gate", message)
    report(settings, runner, verdict, gate_file, client)
    return int(code)


def _report_problem(runner: Runner, problem: str, *, is_config: bool) -> None:
    match = _WHERE.match(problem)
    title = "qgate: configuration error" if is_config else "qgate: could not evaluate"
    if match:
        runner.error(problem, file=match["file"], line=match["line"],
                     col=match["col"], title=title)
    else:
        runner.error(problem, title=title)


def report(settings: Settings, runner: Runner, verdict: Verdict,
           gate_file: GateFile | None, client: Any = None) -> None:
    """Write the verdict to every destination; one failing write spoils no other."""
    runner.info(render_text(verdict))
    if gate_file and runner.in_actions:
        _annotate_failures(runner, verdict, gate_file)
    markdown = render_markdown(verdict, run_url=settings.run_url)
    if runner.errors_dropped:
        markdown += (f"\n{runner.errors_dropped} more errors were not annotated "
                     "(GitHub shows 10 per step); they are listed above.\n")
    outputs = {
        "passed": "true" if verdict.passed else "false",
        "verdict": verdict.status.value,
        "verdict-json": render_json(verdict),
        "baseline-ref": verdict.baseline.label,
        "comment-id": "",
    }
    for key, path, text in (("report-path", settings.markdown_path, markdown),
                            ("json-path", settings.json_path, render_json(verdict))):
        outputs[key] = ""
        if path:
            try:
                runner.write_file(in_workspace(path), text)
                outputs[key] = path
            except (OSError, QgateError) as exc:
                runner.warning(f"could not write {path}: {exc}")
    runner.write_summary(markdown)
    outputs["comment-id"] = _comment(settings, runner, verdict, client)
    runner.set_outputs(outputs)
    runner.notice(f"qgate {verdict.name}: {verdict.status.value.upper()} — "
                  f"{_short(verdict)}")


def _short(verdict: Verdict) -> str:
    from qgate.render import headline

    return headline(verdict)


def _annotate_failures(runner: Runner, verdict: Verdict, gate_file: GateFile) -> None:
    for result in verdict.results:
        if result.status is not Status.FAIL:
            continue
        runner.error(
            f"{result.gate.metric}: {result.reason}",
            file=gate_file.path, line=result.gate.line, col=result.gate.col,
            title=f"qgate: gate on {result.gate.metric[:60]} failed",
        )


def _comment(settings: Settings, runner: Runner, verdict: Verdict,
             client: Any) -> str:
    """Upsert the pull-request comment when asked to; returns its id or ""."""
    if settings.comment == "never":
        return ""
    if settings.comment == "on-failure" and verdict.passed:
        return ""
    from qgate.comment import upsert_comment

    body = render_markdown(verdict, run_url=settings.run_url, for_comment=True,
                           marker="", budget=COMMENT_BUDGET_CHARS)
    try:
        return upsert_comment(settings, runner, verdict, body, client)
    except QgateError as exc:
        runner.warning(exc.message, title="qgate: comment not posted")
        return ""
