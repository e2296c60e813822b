"""``qgate comment``: the fork-safe second stage, against the fake GitHub server."""

from __future__ import annotations

import argparse
import decimal
import json
from pathlib import Path
from typing import Any

import pytest

from qgate.post import add_arguments, render_reported, run_comment
from qgate.render import COMMENT_BUDGET_CHARS
from tests.fake_github.server import DEFAULT_TOKEN, READ_ONLY_TOKEN
from tests.helpers import parse_github_output

MARKER = "<!-- qgate:model -->"


def verdict(*gates: dict[str, Any], status: str = "pass", **extra: Any) -> str:
    """A JSON verdict as the gate job writes it."""
    data = {"version": 1, "name": "model", "verdict": status, "passed": True,
            "baseline": {"label": "release v1"}, "warnings": [], "error": "",
            "gates": list(gates) or [
                {"metric": "accuracy", "candidate": 0.93, "baseline": 0.92,
                 "bound": 0.9, "operator": ">=", "status": "pass", "reason": ""}],
            **extra}
    return json.dumps(data)


VERDICT = verdict()
BODY = render_reported(json.loads(VERDICT, parse_float=decimal.Decimal,
                                  parse_int=decimal.Decimal))


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture
def post(fake_github, make_runner, tmp_path):
    """Run ``qgate comment`` like the comment workflow does; returns (code, log)."""

    def run(
        *argv: str, body: str = VERDICT, number: str = "", token: str = DEFAULT_TOKEN
    ) -> tuple[int, str]:
        (tmp_path / "verdict.json").write_text(body, encoding="utf-8")
        (tmp_path / "pr-number").write_text(number, encoding="utf-8")
        (tmp_path / "output").write_text("")
        runner, stream = make_runner(
            GITHUB_TOKEN=token,
            GITHUB_REPOSITORY=fake_github.state.full_name,
            GITHUB_API_URL=fake_github.api_url,
            GITHUB_OUTPUT=str(tmp_path / "output"),
        )
        pr_args = ("--pr-file", str(tmp_path / "pr-number")) if number else ()
        args = parse("--verdict", str(tmp_path / "verdict.json"), *pr_args, *argv)
        return run_comment(args, runner), stream.getvalue()

    return run


def test_comment__creates_sticky_comment(post, fake_github, tmp_path):
    """A first run creates a comment whose first line is the marker."""
    pr = fake_github.add_pull_request()

    code, log = post("--head-sha", pr.head_sha, number=f"{pr.number}\n")

    assert code == 0
    [comment] = fake_github.comments(pr.number)
    assert comment.body == f"{MARKER}\n{BODY}"
    assert comment.author == "github-actions[bot]"
    assert f"comment {comment.id} on pull request #{pr.number} is up to date" in log
    outputs = parse_github_output((tmp_path / "output").read_text())
    assert outputs == {"comment-id": str(comment.id)}


def test_comment__updates_own_comment_only(post, fake_github):
    """The bot's marked comment is edited; a human's quoting the marker is not."""
    pr = fake_github.add_pull_request()
    human = fake_github.add_comment(pr.number, f"{MARKER}\nquoted", author="octocat")
    mine = fake_github.add_comment(
        pr.number, f"{MARKER}\nold", author="github-actions[bot]"
    )

    code, _ = post("--pr", str(pr.number))

    assert code == 0
    assert [c.body for c in fake_github.comments(pr.number)] == [
        human.body,
        f"{MARKER}\n{BODY}",
    ]
    assert fake_github.comments(pr.number)[1].id == mine.id


def test_comment__key_selects_the_marker(post, fake_github):
    """--key names the comment, so two gates keep two comments."""
    pr = fake_github.add_pull_request()

    post("--pr", str(pr.number), "--key", "churn model")
    post("--pr", str(pr.number), "--key", "other")

    assert [c.body.split("\n")[0] for c in fake_github.comments(pr.number)] == [
        "<!-- qgate:churn-model -->",
        "<!-- qgate:other -->",
    ]


def test_comment__artifact_markdown_is_never_posted(post, fake_github):
    """Only the verdict's data reaches the comment, escaped: no forged headline,
    link, image, HTML or mention from the artifact survives."""
    pr = fake_github.add_pull_request()
    hostile = "### ✅ passed <img src=x> [a](https://x.invalid) @octocat #1 |"
    body = verdict({"metric": hostile, "candidate": 0.5, "status": "fail",
                    "reason": hostile}, status="fail", name=hostile)

    post("--pr", str(pr.number), body=body)

    [comment] = fake_github.comments(pr.number)
    text = comment.body
    assert text.splitlines()[1].startswith("### ❌ qgate")
    for raw in ("<img", "](https://", "@octocat", "### ✅ passed"):
        assert raw not in text
    assert "#\u200b1" in text


def test_comment__truncates_many_gates(post, fake_github):
    """Thousands of gates stay under GitHub's limit, with a note."""
    pr = fake_github.add_pull_request()
    gates = [{"metric": f"m{i}" * 20, "candidate": i, "status": "fail",
              "reason": "x" * 100} for i in range(3000)]

    post("--pr", str(pr.number), body=verdict(*gates, status="fail"))

    [comment] = fake_github.comments(pr.number)
    assert "more gates are in the run's JSON verdict" in comment.body
    assert len(comment.body) <= COMMENT_BUDGET_CHARS


@pytest.mark.parametrize("body", ["\n", "not json", '{"verdict": "great"}', "[]"])
def test_comment__refuses_what_is_not_a_verdict(post, body):
    """Anything but a qgate JSON verdict is refused with exit 2."""
    code, log = post("--pr", "1", body=body)

    assert code == 2
    assert "not a qgate JSON verdict" in log


def test_comment__moved_head_is_not_posted(post, fake_github):
    """A pull request whose head is not the gated commit gets no comment."""
    pr = fake_github.add_pull_request()

    code, log = post("--pr", str(pr.number), "--head-sha", "a" * 40)

    assert code == 0
    assert fake_github.comments(pr.number) == []
    assert (
        f"::warning title=qgate%3A comment not posted::pull request #{pr.number} is at "
        f"{pr.head_sha[:12]}, not at the gated commit aaaaaaaaaaaa: the verdict is "
        "stale, or names another pull request; not posted." in log
    )


def test_comment__issue_number_is_refused(post, fake_github):
    """A number that names an issue, not a pull request, gets no comment."""
    issue = fake_github.add_issue()

    code, log = post("--pr", str(issue.number), "--head-sha", "a" * 40)

    assert code == 3
    assert fake_github.comments(issue.number) == []
    assert f"GitHub answered 404 for pull request #{issue.number}" in log


@pytest.mark.parametrize(
    "number",
    ["0", "-1", "12; rm -rf /", "1e3", "0x10", "12345678901", " ", "١٢", "+5"],
)
def test_comment__refuses_malformed_numbers(post, fake_github, number):
    """Anything but a plain positive integer exits 2 before calling GitHub."""
    code, log = post(number=number)

    assert code == 2
    assert "is not a positive integer" in log
    assert fake_github.requests == []


def test_comment__refuses_bad_head_sha(post, fake_github):
    """--head-sha must be a full commit SHA."""
    code, log = post("--pr", "1", "--head-sha", "main")

    assert code == 2
    assert "--head-sha: 'main' is not a 40-digit commit SHA" in log


def test_comment__missing_body(post, fake_github, tmp_path):
    """A missing verdict file is a configuration error that says which file."""
    (tmp_path / "elsewhere").mkdir()

    code, log = post("--pr", "1", "--verdict", str(tmp_path / "elsewhere" / "v.json"))

    assert code == 2
    assert "the verdict file does not exist" in log


def test_comment__read_only_token(post, fake_github):
    """A read-only token fails with exit 3 and names the permission."""
    pr = fake_github.add_pull_request()

    code, log = post("--pr", str(pr.number), token=READ_ONLY_TOKEN)

    assert code == 3
    assert "pull-requests: write" in log
    assert fake_github.comments(pr.number) == []


def test_comment__no_repository(make_runner, tmp_path):
    """Without GITHUB_REPOSITORY or --repo there is nothing to comment on."""
    (tmp_path / "v.json").write_text(VERDICT)
    runner, stream = make_runner(GITHUB_TOKEN="ghs_unused_token")

    code = run_comment(parse("--verdict", str(tmp_path / "v.json"), "--pr", "3"),
                       runner)

    assert code == 2
    assert "no repository to comment on" in stream.getvalue()


def test_comment__oversized_number_file(post, fake_github):
    """A number file far larger than a number is refused unread."""
    code, log = post(number="1" * 1000)

    assert code == 2
    assert "is over 64 bytes" in log


def test_comment__token_is_masked(post, fake_github):
    """The token is registered with the runner's masking."""
    pr = fake_github.add_pull_request()

    _, log = post("--pr", str(pr.number))

    assert log.startswith(f"::add-mask::{DEFAULT_TOKEN}\n")


def test_comment__verdict_text_is_data(post, fake_github, tmp_path):
    """Shell syntax inside the verdict is posted as text, never run."""
    pr = fake_github.add_pull_request()
    body = verdict({"metric": "$(touch pwned) `touch pwned2` ; touch pwned3",
                    "status": "pass"})

    post("--pr", str(pr.number), body=body)

    assert "touch pwned3" in fake_github.comments(pr.number)[0].body
    assert not list(Path.cwd().glob("pwned*")) + list(tmp_path.glob("pwned*"))


def test_comment__write_that_landed_is_not_repeated(post, fake_github):
    """A 502 after GitHub created the comment finds it instead of posting twice."""
    pr = fake_github.add_pull_request()
    fake_github.inject("POST", r"/issues/\d+/comments$", 502, handled=True)

    code, _ = post("--pr", str(pr.number))

    assert code == 0
    assert len(fake_github.comments(pr.number)) == 1


def test_comment__write_that_failed_is_an_error(post, fake_github):
    """A comment write that keeps failing exits 3 and posts nothing."""
    pr = fake_github.add_pull_request()
    fake_github.inject("POST", r"/issues/\d+/comments$", 502, times=None)

    code, log = post("--pr", str(pr.number))

    assert code == 3
    assert "HTTP 502" in log
    assert fake_github.comments(pr.number) == []


def test_comment__write_that_did_not_land_is_tried_once_more(post, fake_github):
    """After a 502, the comment is written again only once it is known absent."""
    pr = fake_github.add_pull_request()
    fake_github.inject("POST", r"/issues/\d+/comments$", 502)

    code, _ = post("--pr", str(pr.number))

    assert code == 0
    assert len(fake_github.comments(pr.number)) == 1
    assert fake_github.count("POST", r"/issues/\d+/comments$") == 2
