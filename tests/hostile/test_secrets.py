"""The token never leaves qgate in anything it writes, whatever GitHub answers.

Every fault and hostile scenario runs with a recognizable token; its only allowed
occurrence is the ``::add-mask::`` line. The scan also looks for the token as the
Markdown escaping would write it, which neither a plain scrub nor the runner's
masker would recognise.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

import pytest

from tests.fake_github.server import FakeGitHub
from tests.hostile.conftest import TOKEN, Run
from tests.hostile.grammar import assert_inert

LATEST = r"/releases/latest$"
ECHO = {"message": f"Bad credentials: Bearer {TOKEN} | <b>@octo-org</b>"}
BASE = {"accuracy": 0.9}


def _gates(baseline: str = "  source: release\n") -> str:
    return ("version: 1\nname: secret\nbaseline:\n" + baseline + "gates:\n"
            "  - metric: accuracy\n    direction: higher\n    max-regression: 0.05\n")


def _release(fake: FakeGitHub) -> None:
    fake.add_release("v1.0.0", assets={"metrics.json": json.dumps(BASE)})


def _artifact(fake: FakeGitHub, *, expired: bool = False) -> str:
    fake.add_run("train.yml", "main", "push", expired=expired,
                 artifacts={"metrics": {"metrics.json": json.dumps(BASE)}})
    return _gates("  source: artifact\n  workflow: train.yml\n")


SCENARIOS: dict[str, Callable[[FakeGitHub], str | None]] = {}


def scenario(name: str) -> Callable[[Callable[[FakeGitHub], str | None]], None]:
    """Register a setup of the fake; it returns a gate file, or None for the default."""

    def register(setup: Callable[[FakeGitHub], str | None]) -> None:
        SCENARIOS[name] = setup

    return register


def _fault(name: str, *args: object, **kwargs: object) -> None:
    """A released baseline, and one fault injected into the fake."""

    def setup(fake: FakeGitHub) -> None:
        _release(fake)
        fake.inject(*args, **kwargs)  # type: ignore[arg-type]

    SCENARIOS[name] = setup


_fault("401 echoing the token", "GET", LATEST, 401, body=ECHO, times=None)
_fault("403 echoing the token", "GET", LATEST, 403, body=ECHO, times=None)
_fault("418 echoing the token", "GET", LATEST, 418, body=ECHO, times=None)
_fault("500 echoing the token", "GET", LATEST, 500, body=ECHO, times=None)
_fault("502 then success", "GET", LATEST, 502, times=1)
_fault("HTML instead of JSON", "GET", LATEST, 200, body=f"<html>{TOKEN}</html>",
       times=None)
_fault("truncated asset", "GET", ".*", None, truncate=True, times=None,
       host="storage")
_fault("storage echoing the token", "GET", ".*", 400, body=ECHO, times=None,
       host="storage")
_fault("comment refused, echoing the token", "POST", "/comments$", 422, body=ECHO,
       times=None)
_fault("comment listing echoing the token", "GET", "/comments$", 403, body=ECHO,
       times=None)
_fault("base gate file echoing the token", "GET", "/contents/qgate.yml", 418,
       body=ECHO, times=None)
SCENARIOS["release"] = _release


@scenario("404 everywhere")
def _not_found(fake: FakeGitHub) -> None:
    fake.inject("GET", LATEST, 404, body=ECHO, times=None)
    fake.inject("GET", "/repos/octo-org/model-zoo$", 404, body=ECHO, times=None)


@scenario("rate limit waited out")
def _rate_limit(fake: FakeGitHub) -> None:
    _release(fake)
    fake.inject_rate_limit("GET", LATEST, retry_after=0)


@scenario("rate limit over budget")
def _rate_limit_long(fake: FakeGitHub) -> None:
    _release(fake)
    fake.inject_rate_limit("GET", LATEST, reset_in=3600, times=None)


@scenario("corrupt asset")
def _corrupt(fake: FakeGitHub) -> None:
    fake.add_release("v1.0.0", assets={"metrics.json": "{" + TOKEN})


@scenario("hostile tag")
def _hostile_tag(fake: FakeGitHub) -> None:
    fake.add_release(f"v1-{TOKEN}-::error::x", assets={"metrics.json": json.dumps(BASE)})


@scenario("artifact")
def _artifact_ok(fake: FakeGitHub) -> str:
    return _artifact(fake)


@scenario("expired artifact")
def _artifact_expired(fake: FakeGitHub) -> str:
    return _artifact(fake, expired=True)


@scenario("artifact download echoing the token")
def _artifact_fault(fake: FakeGitHub) -> str:
    fake.inject("GET", "/zip$", 403, body=ECHO, times=None)
    return _artifact(fake)


@scenario("branch file")
def _branch(fake: FakeGitHub) -> str:
    fake.add_file("base/metrics.json", None, json.dumps(BASE))
    return _gates("  source: branch\n  path: base/metrics.json\n")


@scenario("branch file echoing the token")
def _branch_fault(fake: FakeGitHub) -> str:
    fake.inject("GET", "/contents/", 403, body=ECHO, times=None)
    return _gates("  source: branch\n  path: base/metrics.json\n")


@scenario("broken gate file")
def _broken(fake: FakeGitHub) -> str:
    return f"version: 1\ngates: [{TOKEN}\n"


def _leaks(run: Run) -> list[str]:
    """Places where the token shows, in any form we write text in."""
    forms = {TOKEN, TOKEN.replace("_", "&#95;"), TOKEN.split("_")[-1]}
    leaks = []
    for name, text in [("stdout", run.out), ("stderr", run.err),
                       ("outputs", run.output_file), ("summary", run.summary),
                       *run.files.items(),
                       *((f"comment {i}", c) for i, c in enumerate(run.comments))]:
        if name == "stdout":
            text = text.replace(f"::add-mask::{TOKEN}\n", "", 1)
        leaks += [f"{name}: {form}" for form in forms if form in text]
    return leaks


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    """The fake GitHub, accepting this suite's token, with pull request #7."""
    fake_github.add_token(TOKEN)
    fake_github.add_pull_request(7)
    return fake_github


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_secrets__token_is_written_nowhere(fake, action, scenario):
    """Whatever GitHub answers, the token shows only in the ::add-mask:: line, and
    neither the storage host nor a log line ever receives it."""
    gates = SCENARIOS[scenario](fake) or _gates()
    issue = fake.state.issues[7]
    repo = {"full_name": fake.state.full_name}
    event = {"number": 7, "pull_request": {
        "number": 7, "base": {"sha": issue.base_sha, "repo": repo},
        "head": {"sha": issue.head_sha, "repo": repo}}}

    run = action(gates, '{"accuracy": 0.95}', fake=fake, event_name="pull_request",
                 event=event)

    assert run.code in (0, 1, 2, 3)
    assert run.out.startswith(f"::add-mask::{TOKEN}\n")
    assert _leaks(run) == []
    assert "Traceback" not in run.everything()
    assert_inert(run.log, secrets=[TOKEN])
    assert all("authorization" not in r.headers for r in fake.storage_requests)


def test_secrets__command_line_scrubs_the_token_too(fake, qgate, tmp_path,
                                                    monkeypatch):
    """``qgate check`` outside a runner never prints GITHUB_TOKEN either."""
    fake.add_release("v1.0.0", assets={"metrics.json": json.dumps(BASE)})
    fake.inject("GET", LATEST, 418, body=ECHO, times=None)
    (tmp_path / "g.yml").write_text(_gates(), "utf-8")
    (tmp_path / "m.json").write_text('{"accuracy": 0.95}', "utf-8")
    (tmp_path / "out").mkdir()
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": fake.api_url,
           "GITHUB_REPOSITORY": fake.state.full_name}

    run = qgate("check", "--gates", "g.yml", "--metrics", "m.json", "--json",
                "out/v.json", "--markdown", "out/v.md", env=env)

    assert run.code == 3
    run.files = {p.name: p.read_text("utf-8") for p in (tmp_path / "out").iterdir()}
    assert _leaks(run) == []


def test_secrets__token_goes_to_the_api_host_only(fake, action):
    """An asset URL on another host (a hostile or misconfigured API) is fetched
    without the token."""
    _release(fake)
    request = urllib.request.Request(
        f"{fake.api_url}/repos/{fake.state.full_name}/releases/latest",
        headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        release = json.load(answer)
    release["assets"][0]["url"] = f"{fake.storage_url}/elsewhere/metrics.json"
    fake.inject("GET", LATEST, 200, body=release, times=None)

    run = action(_gates(), '{"accuracy": 0.95}', fake=fake)

    assert fake.storage_requests
    assert all("authorization" not in r.headers for r in fake.storage_requests)
    assert _leaks(run) == []
