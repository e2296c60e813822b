"""``qgate comment``: the fork-safe second stage, against the fake GitHub server."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from qgate.post import TRUNCATED, add_arguments, run_comment
from qgate.render import COMMENT_BUDGET_CHARS
from tests.fake_github.server import DEFAULT_TOKEN, READ_ONLY_TOKEN
from tests.helpers import parse_github_output

MARKER = "<!-- qgate:model -->"
VERDICT = "### ✅ qgate · model: passed — 2 of 2 gates passed\n\n| a &#124; b |\n"


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
        (tmp_path / "verdict.md").write_text(body, encoding="utf-8")
        (tmp_path / "pr-number").write_text(number, encoding="utf-8")
        (tmp_path / "output").write_text("")
        runner, stream = make_runner(
            GITHUB_TOKEN=token,
            GITHUB_REPOSITORY=fake_github.state.full_name,
            GITHUB_API_URL=fake_github.api_url,
            GITHUB_OUTPUT=str(tmp_path / "output"),
        )
        pr_args = ("--pr-file", str(tmp_path / "pr-number")) if number else ()
        args = parse("--body", str(tmp_path / "verdict.md"), *pr_args, *argv)
        return run_comment(args, runner), stream.getvalue()

    return run


def test_comment__creates_sticky_comment(post, fake_github, tmp_path):
    """A first run creates a comment whose first line is the marker."""
    pr = fake_github.add_pull_request()

    code, log = post("--head-sha", pr.head_sha, number=f"{pr.number}\n")

    assert code == 0
    [comment] = fake_github.comments(pr.number)
    assert comment.body == f"{MARKER}\n{VERDICT}"
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
        f"{MARKER}\n{VERDICT}",
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


def test_comment__defuses_mentions_and_references(post, fake_github):
    """Mentions and issue references in the untrusted body notify no one."""
    pr = fake_github.add_pull_request()

    post("--pr", str(pr.number), body="hi @octocat see #1 and &#35; ### head\n")

    [comment] = fake_github.comments(pr.number)
    assert (
        comment.body == f"{MARKER}\nhi @\u200boctocat see #\u200b1 and &#35; ### head\n"
    )


def test_comment__truncates_long_body(post, fake_github):
    """A body over GitHub's limit is cut, with a note, below 65,536 characters."""
    pr = fake_github.add_pull_request()

    post("--pr", str(pr.number), body="x" * 100_000)

    [comment] = fake_github.comments(pr.number)
    assert comment.body.endswith(TRUNCATED)
    assert len(comment.body) <= COMMENT_BUDGET_CHARS


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

    code, log = post("--pr", "1", "--body", str(tmp_path / "elsewhere" / "v.md"))

    assert code == 2
    assert "the verdict file does not exist" in log


def test_comment__empty_body(post):
    """An empty verdict is refused."""
    code, log = post("--pr", "1", body="\n")

    assert code == 2
    assert "the verdict file is empty" in log


def test_comment__read_only_token(post, fake_github):
    """A read-only token fails with exit 3 and names the permission."""
    pr = fake_github.add_pull_request()

    code, log = post("--pr", str(pr.number), token=READ_ONLY_TOKEN)

    assert code == 3
    assert "pull-requests: write" in log
    assert fake_github.comments(pr.number) == []


def test_comment__no_repository(make_runner, tmp_path):
    """Without GITHUB_REPOSITORY or --repo there is nothing to comment on."""
    (tmp_path / "v.md").write_text("x")
    runner, stream = make_runner(GITHUB_TOKEN="ghs_unused_token")

    code = run_comment(parse("--body", str(tmp_path / "v.md"), "--pr", "3"), runner)

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


def test_comment__body_path_is_data(post, fake_github, tmp_path):
    """A body holding shell syntax is posted verbatim, never run."""
    pr = fake_github.add_pull_request()
    body = "$(touch pwned) `touch pwned2` ; touch pwned3\n"

    post("--pr", str(pr.number), body=body)

    assert fake_github.comments(pr.number)[0].body == f"{MARKER}\n{body}"
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
