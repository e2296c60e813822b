"""Text a pull request's author controls stays inert: metric names and values, gate
descriptions, release tags and names. It never starts a workflow command, never adds
an output, never breaks the Markdown table, never opens HTML, never mentions anyone,
never links anywhere, and never runs as a template."""

from __future__ import annotations

import json
import re

import pytest

from qgate.metrics import escape_segment
from tests.fake_github.server import FakeGitHub
from tests.hostile.conftest import CORPUS, TOKEN
from tests.hostile.grammar import assert_inert, assert_outputs

STRINGS: list[str] = json.loads((CORPUS / "strings.json").read_text("utf-8"))


def _gates(text: str) -> str:
    """Two gates named by ``text``: one on a number, one on an unusable value."""
    return json.dumps({
        "version": 1,
        "name": "hostile",
        "gates": [
            {"metric": escape_segment(text), "min": 0.5, "description": text[:500]},
            {"metric": "label", "min": 0.5, "description": text[:500]},
            {"metric": escape_segment(text) + "-missing", "min": 1},
        ],
    })


def _markdown_problems(markdown: str) -> list[str]:
    """Everything in rendered Markdown that untrusted text should not have made
    (a comment's first line, its hidden marker, is ours)."""
    if markdown.startswith("<!-- qgate:"):
        markdown = markdown.partition("\n")[2]
    problems = []
    for pattern in ("<script", "<img", "<!--", "](javascript", "![", "`", "\u202e"):
        if pattern in markdown:
            problems.append(f"raw {pattern!r}")
    if re.search(r"(?<![&\w])@(?!\u200b)\w", markdown):
        problems.append("a mention")
    if re.search(r"(?<!&)#(?!\u200b)\d", markdown):
        problems.append("an issue reference")
    if re.search(r"https?://(?!127\.0\.0\.1:\d+/octo-org/)", markdown):
        problems.append("a link")
    if re.search(r"(?i)www\.", markdown):
        problems.append("a www autolink")
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    for line in table:
        if line.count("|") != 8:
            problems.append(f"a table row with {line.count('|') - 1} cells: {line!r}")
    return problems


@pytest.mark.parametrize("text", STRINGS, ids=range(len(STRINGS)))
def test_strings__metric_names_values_and_descriptions_are_inert(action, text):
    """A hostile metric name, value and description change nothing but the text."""
    metrics = json.dumps({text: 0.1, "label": text})

    run = action(_gates(text), metrics)

    assert run.code == 1
    assert_inert(run.log, secrets=[TOKEN])
    outputs = assert_outputs(run.output_file, passed="false", verdict="fail")
    verdict = json.loads(outputs["verdict-json"])
    assert verdict["gates"][0]["metric"] == escape_segment(text)
    assert _markdown_problems(run.summary) == []
    assert run.files["verdict.md"] == run.summary


def test_strings__template_syntax_renders_literally(action):
    """Jinja syntax in a metric name or description is printed, never evaluated."""
    text = "{{ 7*7 }} {% if true %}yes{% endif %}"

    run = action(_gates(text), json.dumps({text: 0.1, "label": text}))

    assert "{{ 7&#42;7 }} {% if true %}yes{% endif %}" in run.summary
    assert "49" not in run.summary


@pytest.mark.parametrize("text", STRINGS[:16], ids=range(16))
def test_strings__the_terminal_gets_no_command_either(qgate, tmp_path, text):
    """Outside a runner the same text is printed without starting a command."""
    (tmp_path / "g.json").write_text(_gates(text), "utf-8")
    (tmp_path / "m.json").write_text(json.dumps({text: 0.1, "label": text}), "utf-8")

    run = qgate("check", "--gates", "g.json", "--metrics", "m.json", "--no-baseline")

    assert run.code == 1
    assert_inert(run.log)


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    """The fake GitHub, accepting this suite's token, with pull request #7."""
    fake_github.add_token(TOKEN)
    fake_github.add_pull_request(7)
    return fake_github


def _pr_event(fake: FakeGitHub) -> dict[str, object]:
    issue = fake.state.issues[7]
    repo = {"full_name": fake.state.full_name}
    return {
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"sha": issue.base_sha, "repo": repo},
            "head": {"sha": issue.head_sha, "repo": repo},
        },
    }


RELEASE_GATES = (
    "version: 1\nname: hostile\nbaseline:\n  source: release\n  tag-pattern: '*'\n"
    "gates:\n  - metric: accuracy\n    direction: higher\n    max-regression: 0.01\n"
)
TAGS = [
    "v1::error::forged",
    "v1%0A::warning::x",
    "v1@octo-org/team",
    "v1<script>",
    "v1`x`",
    "##[error]v1",
    "v1\n::error::newline",
    "ghadelimiter_v1",
]


@pytest.mark.parametrize("tag", TAGS, ids=range(len(TAGS)))
def test_strings__release_tags_and_names_are_inert(fake, action, tag):
    """A baseline release tagged and named with hostile text, passed over by a newer
    release with the same kind of tag, is reported as plain text everywhere."""
    fake.add_release(tag, name=tag, body=tag,
                     assets={"metrics.json": b'{"accuracy": 0.9}'})
    fake.add_release(tag + "-2", name=tag)

    run = action(RELEASE_GATES, fake=fake, event_name="pull_request",
                 event=_pr_event(fake))

    assert run.code == 0, run.log
    assert_inert(run.log, secrets=[TOKEN])
    assert_outputs(run.output_file, passed="true", baseline_ref=f"release {tag}")
    assert _markdown_problems(run.summary) == []
    (body,) = run.comments
    assert _markdown_problems(body) == []
    assert body.startswith("<!-- qgate:hostile -->\n")


def test_strings__comment_body_is_inert(fake, action):
    """Every hostile string at once, posted as the pull-request comment, stays text."""
    metrics = json.dumps({text: 0.1 for text in STRINGS})
    gates = json.dumps({
        "version": 1,
        "name": "hostile",
        "gates": [{"metric": escape_segment(t), "min": 0.5, "description": t[:500]}
                  for t in STRINGS],
    })

    run = action(gates, metrics, fake=fake, event_name="pull_request",
                 event=_pr_event(fake))

    (body,) = run.comments
    assert run.code == 1
    assert body.startswith("<!-- qgate:hostile -->\n")
    assert body.count("<!--") == 1
    assert _markdown_problems(body) == []
    assert_inert(run.log, secrets=[TOKEN])
