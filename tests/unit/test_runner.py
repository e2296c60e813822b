"""Runner I/O: outputs, annotations, masking, and untrusted text kept inert."""

from __future__ import annotations

import io
import logging
import os
import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qgate import runner as runner_module
from qgate.runner import (
    MAX_ERROR_ANNOTATIONS,
    Runner,
    escape_data,
    escape_property,
    neutralize,
    quiet_libraries,
)
from tests.helpers import parse_github_output

SECRET = "ghs_s3cr3tT0k3nValue"
NEEDS_ROOT = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="changing a file's owner needs root, as in the container",
)


def _lines(text: str) -> list[str]:
    """Split log text the way the runner reads lines: on CR, LF or CRLF."""
    return re.split(r"\r\n|\r|\n", text.rstrip("\n"))


@pytest.mark.parametrize(
    "value",
    [
        "true",
        "",
        "two\nlines",
        "trailing newline\n",
        "\n\nblank lines around\n\n",
        "windows\r\nline",
        "EOF",
        "a\nghadelimiter_00000000-0000-0000-0000-000000000000\nb",
        "name<<EOF\nEOF",
        "x=y",
        '{"json": "with \\"quotes\\" and\\nescapes"}',
    ],
)
def test_set_outputs__values_survive_the_runner_parser(tmp_path, value):
    """Any value, with newlines or a delimiter-like line, reads back unchanged."""
    output = tmp_path / "output"
    runner = Runner({"GITHUB_OUTPUT": str(output)})

    runner.set_outputs({"verdict-json": value, "passed": "false"})

    with open(output, encoding="utf-8", newline="") as handle:
        text = handle.read()

    assert parse_github_output(text) == {
        "verdict-json": value,
        "passed": "false",
    }


def test_set_outputs__delimiter_is_random_and_never_in_the_value(tmp_path, monkeypatch):
    """A delimiter that occurs in the value is replaced by a fresh random one."""
    output = tmp_path / "output"
    ids = iter([uuid.UUID(int=1), uuid.UUID(int=1), uuid.UUID(int=2)])
    monkeypatch.setattr(runner_module.uuid, "uuid4", lambda: next(ids))
    clash = f"ghadelimiter_{uuid.UUID(int=1)}"

    Runner({"GITHUB_OUTPUT": str(output)}).set_outputs({"a": f"x\n{clash}\ny"})

    assert output.read_text("utf-8") == (
        f"a<<ghadelimiter_{uuid.UUID(int=2)}\nx\n{clash}\ny\n"
        f"ghadelimiter_{uuid.UUID(int=2)}\n"
    )


def test_set_outputs__appends_to_the_file(tmp_path):
    """Outputs are appended, so earlier steps' lines stay."""
    output = tmp_path / "output"
    output.write_text("earlier=1\n", "utf-8")

    Runner({"GITHUB_OUTPUT": str(output)}).set_outputs({"later": "2"})

    assert parse_github_output(output.read_text("utf-8")) == {
        "earlier": "1",
        "later": "2",
    }


def test_set_outputs__without_an_output_file_writes_nothing(tmp_path, monkeypatch):
    """Outside a runner there is no output file and nothing is written."""
    monkeypatch.chdir(tmp_path)

    Runner({}).set_outputs({"passed": "true"})

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("50%", "50%25"),
        ("a\r\nb", "a%0D%0Ab"),
        ("%0A", "%250A"),
        ("a:b,c", "a:b,c"),
    ],
)
def test_escape_data__percent_cr_lf(text, escaped):
    """Command data escapes %, CR and LF, percent first."""

    assert escape_data(text) == escaped


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("gates.yml", "gates.yml"),
        ("C:\\x,y", "C%3A\\x%2Cy"),
        ("a%:\n,", "a%25%3A%0A%2C"),
    ],
)
def test_escape_property__also_colon_and_comma(text, escaped):
    """Command properties also escape ':' and ','."""

    assert escape_property(text) == escaped


@pytest.mark.parametrize(
    ("text", "neutral"),
    [
        ("::error::x", ":\u200b:error:\u200b:x"),
        ("##[group]x", "#\u200b#[group]x"),
        (":::", ":\u200b::"),
        ("plain: text", "plain: text"),
    ],
)
def test_neutralize__breaks_command_markers(text, neutral):
    """'::' and '##[' get a zero-width space so the runner parses no command."""

    assert neutralize(text) == neutral


def test_error__annotation_with_position(make_runner):
    """An error with a position becomes one ::error line with escaped properties."""
    runner, stream = make_runner()

    runner.error(
        "50% off\nnext", file="dir/g,1.yml", line=3, col=5, title="qgate: config"
    )

    assert stream.getvalue() == (
        "::error file=dir/g%2C1.yml,line=3,col=5,title=qgate%3A config::"
        "50%25 off%0Anext\n"
    )


@pytest.mark.parametrize(
    ("method", "prefix"),
    [("warning", "::warning::"), ("error", "::error::"), ("notice", "::notice::")],
)
def test_annotations__plain_commands_without_properties(make_runner, method, prefix):
    """Annotations without a position are bare commands."""
    runner, stream = make_runner()

    getattr(runner, method)("done")

    assert stream.getvalue() == f"{prefix}done\n"


@pytest.mark.parametrize(
    ("method", "line"),
    [("warning", "warning: done"), ("error", "error: done"), ("notice", "done")],
)
def test_annotations__plain_lines_outside_a_runner(make_runner, method, line):
    """Outside a runner annotations are readable lines."""
    runner, stream = make_runner(actions=False)

    getattr(runner, method)("done", **({} if method == "notice" else {"file": "x"}))

    assert stream.getvalue() == f"{line}\n"


HOSTILE = st.text(
    alphabet=st.sampled_from([":", "#", "[", "]", "%", "\r", "\n", " ", "e", "r", "o"]),
    max_size=40,
) | st.sampled_from(
    [
        "::error::pwned",
        "x\n::set-output name=passed::true",
        "x\r::add-mask::y",
        "##[error]x",
        "  ::warning::indented",
        ":::error::",
        "%0A::error::encoded",
    ]
)


COMMAND = re.compile(r"::(warning|error|notice|group|endgroup|debug)[ :][^\r\n]*")


@pytest.mark.parametrize("actions", [True, False])
@given(message=HOSTILE)
def test_runner__untrusted_text_never_becomes_a_command(actions, message):
    """No untrusted text, through any writer, yields a command the runner would run."""
    env = {"GITHUB_ACTIONS": "true"} if actions else {}
    stream = io.StringIO()
    runner = Runner({**env, "QGATE_DEBUG": "1"}, stream=stream)

    runner.info(message)
    runner.warning(message, title=message)
    runner.error(message, file=message)
    runner.notice(message)
    with runner.group(message):
        runner.debug(message)

    lines = _lines(stream.getvalue())
    unsafe = [
        line
        for line in lines
        if "##[" in line
        or (line.lstrip().startswith("::") and not COMMAND.fullmatch(line))
    ]
    assert unsafe == []


@pytest.mark.parametrize("message", ["::error::x", "a\n::warning::b", "##[error]c"])
def test_info__untrusted_text_starts_no_line_with_a_command(make_runner, message):
    """A plain log line never has a line that starts with '::' or holds '##['."""
    runner, stream = make_runner()

    runner.info(message)

    lines = _lines(stream.getvalue())
    assert [line for line in lines if line.startswith("::") or "##[" in line] == []


def test_error__at_most_ten_annotations(make_runner):
    """Past ten error annotations, further errors become counted plain lines."""
    runner, stream = make_runner()

    for index in range(MAX_ERROR_ANNOTATIONS + 3):
        runner.error(f"problem {index}")

    lines = stream.getvalue().splitlines()
    assert (
        sum(line.startswith("::error") for line in lines),
        lines[-3:],
        runner.errors_dropped,
    ) == (10, ["error: problem 10", "error: problem 11", "error: problem 12"], 3)


def test_mask__registers_the_secret_once(make_runner):
    """mask() emits one add-mask command per distinct secret and ignores blanks."""
    runner, stream = make_runner()

    runner.mask(SECRET)
    runner.mask(SECRET)
    runner.mask("")

    assert stream.getvalue() == f"::add-mask::{SECRET}\n"


def test_mask__outside_a_runner_prints_nothing(make_runner):
    """Locally a secret is scrubbed but never printed, not even to mask it."""
    runner, stream = make_runner(actions=False)

    runner.mask(SECRET)
    runner.info(f"token={SECRET}")

    assert stream.getvalue() == "token=***\n"


def test_mask__secret_appears_in_nothing_written(make_runner, tmp_path):
    """After mask(), the secret is in no log line, output, summary or report file."""
    output, summary, report = (tmp_path / n for n in ("out", "summary.md", "r/v.md"))
    runner, stream = make_runner(
        GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary), QGATE_DEBUG="1"
    )
    runner.mask(SECRET)
    text = f"before {SECRET} after"

    runner.info(text)
    runner.debug(text)
    runner.warning(text, file=text, title=text)
    runner.notice(text)
    for _ in range(MAX_ERROR_ANNOTATIONS + 1):
        runner.error(text, title=text)
    with runner.group(text):
        pass
    runner.set_outputs({"verdict-json": text})
    runner.write_summary(text)
    runner.write_file(str(report), text)

    log = stream.getvalue().split("\n", 1)[1]
    written = [log, output.read_text(), summary.read_text(), report.read_text()]
    assert [SECRET in text for text in written] == [False] * 4


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GITHUB_ACTIONS": "true"}, "::debug::a%0Ab\n"),
        ({"QGATE_DEBUG": "1"}, "debug: a\nb\n"),
        ({}, ""),
    ],
)
def test_debug__only_when_asked(env, expected):
    """Debug lines go to the runner's debug channel, or locally with QGATE_DEBUG=1."""
    stream = io.StringIO()

    Runner(env, stream=stream).debug("a\nb")

    assert stream.getvalue() == expected


def test_group__closes_even_when_the_phase_fails(make_runner):
    """A group's endgroup is written even if the phase raises."""
    runner, stream = make_runner()

    with pytest.raises(RuntimeError), runner.group("Load %the gate"):
        raise RuntimeError

    assert stream.getvalue() == "::group::Load %25the gate\n::endgroup::\n"


def test_group__nothing_outside_a_runner(make_runner):
    """Outside a runner a group writes no markers."""
    runner, stream = make_runner(actions=False)

    with runner.group("phase"):
        runner.info("inside")

    assert stream.getvalue() == "inside\n"


def test_write_summary__appends_markdown(tmp_path):
    """The verdict Markdown is appended to the step summary."""
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", "utf-8")

    written = Runner({"GITHUB_STEP_SUMMARY": str(summary)}).write_summary(
        "### verdict\n"
    )

    assert (written, summary.read_text("utf-8")) == (
        True,
        "# earlier step\n### verdict\n",
    )


def test_write_summary__without_a_summary_file():
    """Without $GITHUB_STEP_SUMMARY nothing is written and False is returned."""

    assert Runner({}).write_summary("x") is False


def test_write_file__creates_folders(tmp_path):
    """A report file is written with its missing folders created."""
    path = tmp_path / "a" / "b" / "verdict.md"

    Runner({}).write_file(str(path), "text\n")

    assert path.read_text("utf-8") == "text\n"


@NEEDS_ROOT
def test_write_file__as_root_takes_the_workspace_owner(tmp_path):
    """Inside the container (root) reports are given to the workspace's owner."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    os.chown(workspace, 1234, 5678)
    runner = Runner({"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace)})
    path = workspace / ".qgate" / "verdict.md"

    runner.write_file(str(path), "x")

    owners = [(p.stat().st_uid, p.stat().st_gid) for p in (path.parent, path)]
    assert owners == [(1234, 5678), (1234, 5678)]


def test_write_file__in_the_current_folder(tmp_path, monkeypatch):
    """A bare file name is written in the current folder."""
    monkeypatch.chdir(tmp_path)

    Runner({}).write_file("verdict.md", "x")

    assert (tmp_path / "verdict.md").read_text("utf-8") == "x"


@NEEDS_ROOT
def test_write_file__as_a_normal_user_keeps_the_owner(tmp_path, monkeypatch):
    """Not running as root, the runner leaves file ownership alone."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    os.chown(workspace, 1234, 5678)
    monkeypatch.setattr(runner_module.os, "geteuid", lambda: 1000)
    runner = Runner({"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace)})

    runner.write_file(str(workspace / "verdict.md"), "x")

    assert (workspace / "verdict.md").stat().st_uid != 1234


def test_write_file__outside_a_runner_keeps_the_owner(tmp_path):
    """Outside a runner the file keeps the current user as owner."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    path = workspace / "verdict.md"

    Runner({"GITHUB_WORKSPACE": str(workspace)}).write_file(str(path), "x")

    assert path.stat().st_uid == os.geteuid()


def test_quiet_libraries__silences_http_loggers():
    """PyGithub and urllib3 loggers are raised to CRITICAL so they print no tokens."""

    quiet_libraries()

    levels = [logging.getLogger(n).level for n in ("github", "urllib3")]
    assert levels == [logging.CRITICAL, logging.CRITICAL]


def test_set_outputs__unwritable_file_is_an_error_not_a_crash(tmp_path, make_runner):
    """An output file that cannot be written is reported and the run goes on."""
    path = tmp_path / "missing" / "output"
    runner, stream = make_runner(GITHUB_OUTPUT=str(path))

    runner.set_outputs({"passed": "true"})

    assert stream.getvalue().splitlines()[-1] == (
        f"::error::could not write the outputs to $GITHUB_OUTPUT ({path}) — later "
        "steps will not see them; the verdict is in the log above."
    )


def test_write_summary__unwritable_file_is_a_warning(tmp_path, make_runner):
    """A summary file that cannot be written is a warning, and False is returned."""
    path = tmp_path / "missing" / "summary.md"
    runner, stream = make_runner(GITHUB_STEP_SUMMARY=str(path))

    written = runner.write_summary("### verdict\n")

    assert (written, stream.getvalue().splitlines()[-1]) == (
        False,
        f"::warning::could not write the step summary ({path}); the verdict is in the "
        "log above.",
    )


def test_warning__at_most_ten_annotations_per_step(make_runner):
    """Past ten warnings, the rest are plain log lines, not annotations."""
    runner, stream = make_runner(GITHUB_ACTIONS="true")

    for index in range(12):
        runner.warning(f"w{index}")

    lines = stream.getvalue().splitlines()
    assert sum(line.startswith("::warning") for line in lines) == 10
    assert lines[-2:] == ["warning: w10", "warning: w11"]


def test_scrub__short_values_do_not_garble_messages(make_runner):
    """A one-letter "token" is masked by the runner but not scrubbed from our text."""
    runner, _ = make_runner(GITHUB_ACTIONS="true")

    runner.mask("x")
    runner.mask("ghs_realistic_token_value")

    assert runner.scrub("max-wait-seconds ghs_realistic_token_value") == (
        "max-wait-seconds ***")
