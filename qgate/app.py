"""One gate run: load, fetch, evaluate, then report everywhere before exiting."""

from __future__ import annotations

import dataclasses
import os
import re
import traceback
from typing import Any

from qgate.baseline import REMOTE_SOURCES, choose_source, fetch_baseline
from qgate.errors import ISSUES_URL, BaselineError, ConfigError, ExitCode, QgateError
from qgate.evaluate import Status, Verdict, error_verdict, evaluate
from qgate.gatefile import GateFile, load_gate_file
from qgate.metrics import load_metrics
from qgate.render import COMMENT_BUDGET_CHARS, headline, render_markdown
from qgate.report import render_json, render_text
from qgate.runner import Runner, quiet_libraries
from qgate.settings import Settings, in_workspace

# GitHub allows about 1 MB of outputs per job, counted in UTF-16: keep well below.
MAX_OUTPUT_JSON = 300_000
_WHERE = re.compile(r"^(?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+): ")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def exit_code(verdict: Verdict) -> ExitCode:
    """Map a verdict to the process exit code."""
    if verdict.status is Status.ERROR:
        return ExitCode.ERROR
    return ExitCode.FAILED if verdict.status is Status.FAIL else ExitCode.PASSED


class _Clients:
    """Creates the GitHub client on first use, so local runs never import PyGithub."""

    def __init__(self, settings: Settings, client: Any) -> None:
        self.settings = settings
        self.client = client

    def get(self) -> Any:
        if self.client is None:
            from qgate.github_api import make_client

            self.client = make_client(self.settings)
        return self.client


def run(settings: Settings, runner: Runner, client: Any = None) -> int:
    """Run the gate and report; returns the exit code (never raises)."""
    quiet_libraries()
    runner.mask(settings.token)
    clients = _Clients(settings, client)
    gate_file: GateFile | None = None
    code: ExitCode
    try:
        _refuse_overwriting_inputs(settings)
        with runner.group("Load the gate file"):
            gate_file = load_gate_file(in_workspace(settings.gates))
            runner.info(f"{settings.gates}: {_count(len(gate_file.gates), 'gate')}")
            gate_file, notes = _against_base(settings, runner, gate_file, clients)
        with runner.group("Load the candidate metrics"):
            candidate = load_metrics(in_workspace(settings.metrics))
            runner.info(f"{settings.metrics}: {_count(len(candidate.values), 'value')}")
        with runner.group("Fetch the baseline"):
            source = choose_source(settings, gate_file.baseline)
            remote = clients.get() if source in REMOTE_SOURCES else None
            baseline = fetch_baseline(settings, gate_file.baseline, remote)
            runner.info(f"baseline: {baseline.label}")
        verdict = _with_notes(evaluate(gate_file, candidate, baseline), notes)
        code = exit_code(verdict)
    except QgateError as exc:
        code = exc.exit_code
        for problem in [exc.message, *exc.details]:
            _report_problem(runner, problem, is_config=isinstance(exc, ConfigError))
        name = gate_file.name if gate_file else guess_name(settings.gates)
        verdict = error_verdict(name, exc.message, details=tuple(exc.details))
    except Exception as exc:  # noqa: BLE001 - the result must be reported anyway
        code = ExitCode.ERROR
        runner.debug(traceback.format_exc())
        message = (
            f"internal error ({type(exc).__name__}); please report it at "
            f"{ISSUES_URL} with the debug log"
        )
        runner.error(message, title="qgate")
        name = gate_file.name if gate_file else guess_name(settings.gates)
        verdict = error_verdict(name, message)
    report(settings, runner, verdict, gate_file, clients)
    return int(code)


def _against_base(
    settings: Settings, runner: Runner, gate_file: GateFile, clients: _Clients
) -> tuple[GateFile, list[str]]:
    """On a pull request, compare the gate file with the base branch's version."""
    if settings.event_name not in ("pull_request", "pull_request_target"):
        return gate_file, []
    from qgate.event import load_event, pull_request

    pr = pull_request(settings.event_name, load_event(settings.event_path))
    if not (pr.base_sha and settings.repository):
        if settings.gates_from_base:
            raise BaselineError(
                "gates-from-base is set, but the event payload names no base commit "
                "or no repository is known, so the base branch's gate file cannot be "
                "read — check GITHUB_EVENT_PATH and GITHUB_REPOSITORY."
            )
        return gate_file, []
    from qgate.gatediff import compare
    from qgate.gatefile import parse_gate_file
    from qgate.remote import fetch_file

    try:
        raw = fetch_file(clients.get(), settings.gates, pr.base_sha)
    except QgateError as exc:
        if settings.gates_from_base:
            raise
        return gate_file, [
            f"could not compare the gate file with the base branch: {exc.message}"
        ]
    if raw is None:
        runner.info("the gate file is new in this pull request: nothing to compare")
        return gate_file, []
    try:
        base = parse_gate_file(raw.decode("utf-8-sig"), f"{settings.gates}@base")
    except (ConfigError, UnicodeDecodeError):
        return gate_file, [
            "the base branch's gate file does not validate; the pull "
            "request's version is used"
        ]
    changes = compare(base, gate_file)
    verbs = {"loosened": "loosens", "changed": "changes"}
    notes = [
        f"this pull request {verbs[c.kind]} the gate: {c.metric}: {c.text}"
        for c in changes
        if c.kind != "tightened"
    ]
    tightened = [f"{c.metric}: {c.text}" for c in changes if c.kind == "tightened"]
    if tightened:
        runner.info("the pull request tightens the gate: " + "; ".join(tightened))
    if settings.gates_from_base:
        if changes:
            notes.append(
                "judged with the base branch's gate file (gates-from-base); "
                "this pull request's changes to it are not applied"
            )
        return base, notes
    return gate_file, notes


def _with_notes(verdict: Verdict, notes: list[str]) -> Verdict:
    if not notes:
        return verdict
    status = Status.WARN if verdict.status is Status.PASS else verdict.status
    return dataclasses.replace(
        verdict, status=status, warnings=(*verdict.warnings, *notes)
    )


def _overwrites_input(settings: Settings, path: str) -> bool:
    """Whether writing ``path`` would replace a file the run reads."""
    inputs = (settings.gates, settings.metrics, settings.baseline_file)
    return any(p and os.path.realpath(p) == os.path.realpath(path) for p in inputs)


def _refuse_overwriting_inputs(settings: Settings) -> None:
    """A report path must never be one of the files the run reads."""
    for flag, path in (
        ("json", settings.json_path),
        ("markdown", settings.markdown_path),
    ):
        if path and _overwrites_input(settings, path):
            raise ConfigError(
                f"{path}: the {flag} report would overwrite an input of this run — "
                "write the report to another path."
            )


def guess_name(path: str) -> str:
    """The gate's name from a gate file that may not validate, so that an error
    lands in the same sticky comment as the verdicts before it."""
    from qgate.gatefile import name_of

    return name_of(path)


def _report_problem(runner: Runner, problem: str, *, is_config: bool) -> None:
    match = _WHERE.match(problem)
    title = "qgate: configuration error" if is_config else "qgate: could not evaluate"
    if match:
        runner.error(
            problem,
            file=match["file"],
            line=match["line"],
            col=match["col"],
            title=title,
        )
    else:
        runner.error(problem, title=title)


def report(
    settings: Settings,
    runner: Runner,
    verdict: Verdict,
    gate_file: GateFile | None,
    clients: _Clients | None = None,
) -> None:
    """Write the verdict to every destination; one failing write spoils no other."""
    verdict = _scrubbed(verdict, runner)
    runner.info(render_text(verdict))
    if gate_file and runner.in_actions:
        _annotate_failures(runner, verdict, gate_file)
    # Only a file or a step summary shows this Markdown (a comment renders its own):
    # a local check without --markdown skips it, and never imports Jinja.
    has_summary = bool(runner.env.get("GITHUB_STEP_SUMMARY"))
    markdown = ""
    if settings.markdown_path or has_summary:
        markdown = render_markdown(verdict, run_url=settings.run_url)
    if markdown and runner.errors_dropped:
        markdown += (
            f"\n{runner.errors_dropped} more errors were not annotated "
            "(GitHub shows 10 per step); they are listed above.\n"
        )
    outputs = {
        "passed": "true" if verdict.passed else "false",
        "verdict": verdict.status.value,
        "verdict-json": render_json(verdict, limit=MAX_OUTPUT_JSON),
        "baseline-ref": verdict.baseline.label,
        "comment-id": "",
    }
    for key, path, text in (
        ("report-path", settings.markdown_path, markdown),
        ("json-path", settings.json_path, render_json(verdict)),
    ):
        outputs[key] = ""
        if path and not _overwrites_input(settings, path):
            try:
                runner.write_file(in_workspace(path), text)
                outputs[key] = path
            except (OSError, QgateError) as exc:
                runner.warning(f"could not write {path}: {exc}")
    runner.write_summary(markdown)
    outputs["comment-id"] = _comment(settings, runner, verdict, clients)
    runner.set_outputs(outputs)
    if runner.in_actions:  # the terminal already has the headline
        runner.notice(
            f"qgate {verdict.name}: {verdict.status.value.upper()} — {headline(verdict)}"
        )


def _scrubbed(verdict: Verdict, runner: Runner) -> Verdict:
    """Remove secrets from text that came from outside (API errors, release tags).

    The Markdown escaping turns a token's '_' into '&#95;', which neither our
    scrub nor the runner's masker would recognise afterwards.
    """
    info = dataclasses.replace(
        verdict.baseline,
        label=runner.scrub(verdict.baseline.label),
        url=runner.scrub(verdict.baseline.url),
    )
    return dataclasses.replace(
        verdict,
        baseline=info,
        error=runner.scrub(verdict.error),
        details=tuple(runner.scrub(d) for d in verdict.details),
        warnings=tuple(runner.scrub(w) for w in verdict.warnings),
    )


def _annotate_failures(runner: Runner, verdict: Verdict, gate_file: GateFile) -> None:
    """An error annotation per failed blocking gate, a warning per warned gate."""
    for result in verdict.results:
        gate = result.gate
        message = f"{gate.metric}: {result.reason}"
        if result.status is Status.FAIL:
            runner.error(
                message,
                file=gate_file.path,
                line=gate.line,
                col=gate.col,
                title=f"qgate: gate on {gate.metric[:60]} failed",
            )
        elif result.status is Status.WARN:
            runner.warning(
                message,
                file=gate_file.path,
                line=gate.line,
                col=gate.col,
                title=f"qgate: gate on {gate.metric[:60]} warned",
            )


def _comment(
    settings: Settings, runner: Runner, verdict: Verdict, clients: _Clients | None
) -> str:
    """Upsert the pull-request comment when asked to; returns its id or ""."""
    if settings.comment == "never" or clients is None:
        return ""
    # on-failure still updates an earlier comment when the gate now passes, so the
    # pull request never keeps showing a stale "blocked".
    only_update = settings.comment == "on-failure" and verdict.passed
    from qgate.comment import upsert_comment

    body = render_markdown(
        verdict,
        run_url=settings.run_url,
        for_comment=True,
        marker="",
        budget=COMMENT_BUDGET_CHARS,
    )
    body = runner.scrub(body)
    try:
        return upsert_comment(
            settings, runner, verdict, body, clients, only_update=only_update
        )
    except QgateError as exc:
        runner.warning(exc.message, title="qgate: comment not posted")
    except Exception as exc:  # noqa: BLE001 - a comment must never cost the verdict
        runner.debug(traceback.format_exc())
        runner.warning(
            f"could not comment ({type(exc).__name__}); the verdict, "
            "summary and outputs are unaffected",
            title="qgate: comment",
        )
    return ""
