"""``qgate init``: the files it writes, how it refuses, and the workflows' wiring."""

from __future__ import annotations

import argparse
import io
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from qgate.errors import ConfigError
from qgate.gatefile import load_gate_file, parse_gate_file
from qgate.runner import Runner
from qgate.scaffold import PINS, Options, add_arguments, render_files, run_init

WORKFLOW = ".github/workflows/release-model.yml"
COMMENT_WORKFLOW = ".github/workflows/qgate-comment.yml"
SOURCES = ("release", "artifact", "branch")
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")

MakeRunner = Callable[..., tuple[Runner, io.StringIO]]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def init(tmp_path: Path, make_runner: MakeRunner, *argv: str) -> tuple[int, str]:
    runner, stream = make_runner(actions=False)
    code = run_init(parse("--dir", str(tmp_path), *argv), runner)
    return code, stream.getvalue()


def load(text: str) -> Any:
    return YAML(typ="safe").load(text)


def workflow(**options: Any) -> dict[str, Any]:
    data: dict[str, Any] = load(render_files(Options(**options))[WORKFLOW])
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job["steps"]
    return found


def gate_step(data: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in steps(data["jobs"]["quality-gate"]) if s.get("id") == "gate")


def all_workflows() -> list[dict[str, Any]]:
    found = []
    for source in SOURCES:
        for fork_safe in (False, True):
            files = render_files(Options(baseline_source=source, fork_safe=fork_safe))
            found += [load(t) for p, t in files.items() if p.startswith(".github/")]
    return found


# -- writing files ------------------------------------------------------------------


def test_init__writes_gate_file_and_workflow(tmp_path, make_runner):
    """A first run writes the gate file and the workflow and exits 0."""
    code, log = init(tmp_path, make_runner)

    assert code == 0
    assert (tmp_path / "qgate.yml").is_file()
    assert (tmp_path / WORKFLOW).is_file()
    assert not (tmp_path / COMMENT_WORKFLOW).exists()
    assert "wrote qgate.yml\n" in log
    assert f"wrote {WORKFLOW}\n" in log


def test_init__fork_safe_adds_comment_workflow(tmp_path, make_runner):
    """--fork-safe also writes the workflow_run workflow."""
    code, log = init(tmp_path, make_runner, "--fork-safe")

    assert code == 0
    assert (tmp_path / COMMENT_WORKFLOW).is_file()
    assert f"wrote {COMMENT_WORKFLOW}\n" in log


def test_init__rerun_reports_unchanged(tmp_path, make_runner):
    """Running twice with the same flags changes nothing and exits 0."""
    init(tmp_path, make_runner)
    before = (tmp_path / WORKFLOW).stat().st_mtime_ns

    code, log = init(tmp_path, make_runner)

    assert code == 0
    assert log.count("unchanged ") == 2
    assert "wrote" not in log
    assert (tmp_path / WORKFLOW).stat().st_mtime_ns == before


def test_init__refuses_to_overwrite_different_files(tmp_path, make_runner):
    """Existing files with other content are listed, kept, and the exit code is 2."""
    (tmp_path / "qgate.yml").write_text("mine\n")

    code, log = init(tmp_path, make_runner)

    assert code == 2
    assert log == (
        "error: not overwriting files that exist with other content: qgate.yml — "
        "move them away, or pass --force to replace them.\n"
    )
    assert (tmp_path / "qgate.yml").read_text() == "mine\n"
    assert not (tmp_path / WORKFLOW).exists()


def test_init__names_every_file_it_refuses(tmp_path, make_runner):
    """All differing files are named, not just the first."""
    init(tmp_path, make_runner)
    (tmp_path / "qgate.yml").write_text("mine\n")

    code, log = init(tmp_path, make_runner, "--train-command", "make train")

    assert code == 2
    assert f"content: qgate.yml, {WORKFLOW} — move" in log


def test_init__force_overwrites(tmp_path, make_runner):
    """--force replaces files with other content and says so."""
    (tmp_path / "qgate.yml").write_text("mine\n")

    code, log = init(tmp_path, make_runner, "--force")

    assert code == 0
    assert "overwrote qgate.yml\n" in log
    load_gate_file(str(tmp_path / "qgate.yml"))


def test_init__keeps_identical_files_and_writes_missing_ones(tmp_path, make_runner):
    """An identical file is left alone while a missing one is written."""
    init(tmp_path, make_runner)
    (tmp_path / WORKFLOW).unlink()

    code, log = init(tmp_path, make_runner)

    assert code == 0
    assert "unchanged qgate.yml\n" in log
    assert f"wrote {WORKFLOW}\n" in log


def test_init__custom_paths(tmp_path, make_runner):
    """--gates and --metrics place and name the files."""
    code, _ = init(
        tmp_path,
        make_runner,
        "--gates",
        "ml/gates.yml",
        "--metrics",
        "out/eval/metrics.json",
    )

    assert code == 0
    gate_file = load_gate_file(str(tmp_path / "ml/gates.yml"))
    assert gate_file.baseline.asset == "metrics.json"


# -- refusing bad flags -----------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--gates", "../gates.yml"),
            "--gates: '../gates.yml' is not a plain relative",
        ),
        (("--metrics", "/abs/m.json"), "--metrics: '/abs/m.json' is not a plain"),
        (("--metrics", "m etrics.json"), "--metrics: 'm etrics.json' is not a plain"),
        (("--model-dir", "model/"), "--model-dir: 'model/' is not a plain"),
        (
            ("--gates", ".github/workflows/x.yml"),
            "--gates: .github/workflows/x.yml would collide",
        ),
        (
            ("--train-command", "python t.py ${{ github.ref }}"),
            "--train-command: '${{' starts a GitHub expression",
        ),
        (("--evaluate-command", "  "), "--evaluate-command: the command is empty"),
        (("--train-command", "a\rb"), "--train-command: the command holds control"),
        (
            ("--action-ref", "quality-gate"),
            "--action-ref: 'quality-gate' is not OWNER/REPO@REF",
        ),
    ],
)
def test_init__refuses_bad_flags(tmp_path, make_runner, argv, message):
    """Unsafe paths, expressions in commands and odd action refs exit 2."""
    code, log = init(tmp_path, make_runner, *argv)

    assert code == 2
    assert log.startswith("error: " + message)
    assert list(tmp_path.iterdir()) == []


def test_init__dir_that_is_a_file(tmp_path, make_runner):
    """--dir naming a file is a configuration error."""
    (tmp_path / "f").write_text("")
    runner, stream = make_runner(actions=False)

    code = run_init(parse("--dir", str(tmp_path / "f")), runner)

    assert code == 2
    assert "is not a directory" in stream.getvalue()


def test_render__refuses_directory_in_the_way(tmp_path, make_runner):
    """A directory where a file should go is reported, not overwritten."""
    (tmp_path / "qgate.yml").mkdir()

    code, log = init(tmp_path, make_runner, "--force")

    assert code == 2
    assert "qgate.yml is a directory" in log


# -- the gate file --------------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_gate_file__validates(source):
    """The starter gate file passes the schema and the semantic checks."""
    text = render_files(Options(baseline_source=source))["qgate.yml"]

    gate_file = parse_gate_file(text, "qgate.yml")

    assert gate_file.baseline.source == source
    assert [g.metric for g in gate_file.gates] == ["accuracy", "latency.p95_ms"]


def test_gate_file__artifact_names_the_workflow():
    """An artifact baseline points at the generated workflow's metrics artifact."""
    text = render_files(Options(baseline_source="artifact"))["qgate.yml"]

    baseline = parse_gate_file(text, "qgate.yml").baseline

    assert (baseline.workflow, baseline.artifact) == ("release-model.yml", "metrics")


def test_gate_file__comments_every_top_level_key():
    """Each top-level key is preceded by a comment explaining it."""
    lines = render_files(Options())["qgate.yml"].splitlines()

    for key in ("version:", "name:", "baseline:", "gates:"):
        index = lines.index(next(line for line in lines if line.startswith(key)))
        assert lines[index - 1].startswith("#"), key


# -- the workflow's wiring ------------------------------------------------------------


def test_workflow__jobs_chain_to_release_and_deploy():
    """train → evaluate → quality-gate → release → deploy."""
    jobs = workflow()["jobs"]

    assert list(jobs) == ["train", "evaluate", "quality-gate", "release", "deploy"]
    assert jobs["evaluate"]["needs"] == "train"
    assert jobs["quality-gate"]["needs"] == "evaluate"
    assert jobs["release"]["needs"] == "quality-gate"
    assert jobs["deploy"]["needs"] == "release"


def test_workflow__release_only_on_push_when_passed():
    """The release job requires a push and the gate's passed output."""
    jobs = workflow()["jobs"]

    assert jobs["release"]["if"] == (
        "github.event_name == 'push' && needs.quality-gate.outputs.passed == 'true'"
    )
    assert jobs["quality-gate"]["outputs"]["passed"] == (
        "${{ steps.gate.outputs.passed }}"
    )
    assert "if" not in jobs["deploy"]  # skipped whenever release is


def test_workflow__triggers():
    """Push to the default branch, pull requests and manual runs."""
    on = workflow()["on"]

    assert on == {
        "push": {"branches": ["main"]},
        "pull_request": None,
        "workflow_dispatch": None,
    }


@pytest.mark.parametrize(
    ("source", "fork_safe", "gate"),
    [
        ("release", False, {"contents": "read", "pull-requests": "write"}),
        ("branch", False, {"contents": "read", "pull-requests": "write"}),
        (
            "artifact",
            False,
            {"contents": "read", "actions": "read", "pull-requests": "write"},
        ),
        ("release", True, {"contents": "read"}),
        ("artifact", True, {"contents": "read", "actions": "read"}),
    ],
)
def test_workflow__least_privilege(source, fork_safe, gate):
    """No default permissions; each job gets only what it uses."""
    data = workflow(baseline_source=source, fork_safe=fork_safe)
    jobs = data["jobs"]

    assert data["permissions"] == {}
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "train": {"contents": "read"},
        "evaluate": {"contents": "read"},
        "quality-gate": gate,
        "release": {"contents": "write"},
        "deploy": {},
    }


def test_workflow__release_creates_release_with_metrics():
    """gh creates the release on the gated commit and attaches the metrics."""
    release = workflow(metrics="out/metrics.json")["jobs"]["release"]
    step = next(s for s in steps(release) if s.get("id") == "release")

    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert step["env"]["METRICS_FILE"] == "metrics.json"
    assert (
        'gh release create "$tag" "$METRICS_FILE" --target "$GITHUB_SHA"'
        in (step["run"])
    )


def test_workflow__metrics_travel_as_an_artifact():
    """evaluate uploads the metrics; the gate downloads them where it reads them."""
    jobs = workflow(metrics="out/metrics.json")["jobs"]
    upload = steps(jobs["evaluate"])[-1]
    download = steps(jobs["quality-gate"])[1]

    assert upload["with"]["name"] == download["with"]["name"] == "metrics"
    assert upload["with"]["path"] == "out/metrics.json"
    assert download["with"]["path"] == "out"
    assert gate_step(workflow(metrics="out/metrics.json"))["with"] == {
        "gates": "qgate.yml",
        "metrics": "out/metrics.json",
    }


@pytest.mark.parametrize(
    "command",
    [
        "python train.py --name \"a b\" --x 'y'",
        "make train: all # not a comment",
        "echo $HOME && python -c 'print(1)'\npython second.py",
        "yes",
        "- [a, {b}] * &anchor !tag %",
        "caf\u00e9 \\ back",
    ],
)
def test_workflow__commands_round_trip_through_env(command):
    """Commands reach the job's env unchanged and never appear in run:."""
    jobs = workflow(train_command=command, evaluate_command=command)["jobs"]
    train = next(s for s in steps(jobs["train"]) if s.get("name") == "Train")
    evaluate = next(s for s in steps(jobs["evaluate"]) if s.get("name") == "Evaluate")

    assert train["env"]["TRAIN_COMMAND"] == command
    assert train["run"] == 'bash -eo pipefail -c "$TRAIN_COMMAND"'
    assert evaluate["env"]["EVALUATE_COMMAND"] == command
    assert evaluate["run"] == 'bash -eo pipefail -c "$EVALUATE_COMMAND"'


def test_workflows__no_expression_inside_run():
    """No run: script of any generated workflow holds a ${{ }} expression."""
    for data in all_workflows():
        for job in data["jobs"].values():
            for step in steps(job):
                assert "${{" not in step.get("run", ""), step


def test_workflows__checkouts_keep_no_credentials():
    """Every checkout sets persist-credentials: false."""
    for data in all_workflows():
        for job in data["jobs"].values():
            for step in steps(job):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False


def test_workflows__every_job_has_a_timeout():
    """Every job sets timeout-minutes."""
    for data in all_workflows():
        for name, job in data["jobs"].items():
            assert isinstance(job["timeout-minutes"], int), name


def test_workflows__third_party_actions_are_pinned():
    """Every actions/* step uses a commit SHA followed by a version comment."""
    files = render_files(Options(fork_safe=True))
    text = "\n".join(t for p, t in files.items() if p.startswith(".github/"))

    uses = re.findall(r"uses: (actions/\S+)( # v\d+\.\d+\.\d+)?", text)

    assert uses
    for ref, comment in uses:
        assert SHA_PIN.match(ref), ref
        assert ref.split("@")[1] + comment in PINS.values(), ref


def test_workflow__gate_serializes_comment_writes():
    """The gate job has a concurrency group per pull request and never cancels."""
    concurrency = workflow()["jobs"]["quality-gate"]["concurrency"]

    assert "github.event.pull_request.number" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is False


def test_workflow__action_ref_tag_is_marked_deliberate():
    """A tag ref carries a reasoned zizmor ignore; a commit ref needs none."""
    tagged = render_files(Options())[WORKFLOW]
    sha = "0123456789abcdef0123456789abcdef01234567"
    pinned = render_files(Options(action_ref=f"me/quality-gate@{sha}"))[WORKFLOW]

    assert "uses: qgate-dev/quality-gate@v1  # zizmor: ignore[unpinned-uses]" in tagged
    assert f"        uses: me/quality-gate@{sha}\n" in pinned
    assert "zizmor" not in pinned


# -- the fork-safe pair -----------------------------------------------------------------


def test_fork_safe__gate_uploads_verdict_without_commenting():
    """The pull request's run never comments; it uploads the verdict and number."""
    data = workflow(fork_safe=True)
    gate = data["jobs"]["quality-gate"]
    upload = steps(gate)[-1]

    assert gate_step(data)["with"]["comment"] == "never"
    assert upload["with"]["name"] == "qgate-verdict"
    assert upload["with"]["path"].split() == [".qgate/verdict.json", ".qgate/pr-number"]
    assert upload["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"


def test_fork_safe__comment_workflow_follows_the_gate_workflow():
    """The second stage runs on the first one's completion, for pull requests only."""
    files = render_files(Options(fork_safe=True))
    first, second = load(files[WORKFLOW]), load(files[COMMENT_WORKFLOW])
    job = second["jobs"]["comment"]

    assert second["on"] == {
        "workflow_run": {"workflows": [first["name"]], "types": ["completed"]}
    }
    assert second["permissions"] == {}
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert job["if"] == "github.event.workflow_run.event == 'pull_request'"


def test_fork_safe__comment_workflow_runs_qgate_on_data_only():
    """The second stage checks out qgate itself, never the pull request's code."""
    files = render_files(Options(fork_safe=True, action_ref="me/gate@v2"))
    job = load(files[COMMENT_WORKFLOW])["jobs"]["comment"]
    checkout = next(s for s in steps(job) if "checkout" in s.get("uses", ""))
    post = steps(job)[-1]

    assert checkout["with"]["repository"] == "me/gate"
    assert checkout["with"]["ref"] == "v2"
    assert post["run"].startswith("python -m qgate comment --verdict ")
    assert post["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert post["env"]["GATE_NAME"] == load(files["qgate.yml"])["name"]


def test_options__cli_defaults_match_options():
    """The flags' defaults are the Options defaults."""
    args = parse()

    assert args.dir == "."
    assert args.baseline_source == Options().baseline_source
    assert args.action_ref == "qgate-dev/quality-gate@v1"


def test_render__refuses_bad_options_directly():
    """render_files checks options itself, not only the command line."""
    with pytest.raises(ConfigError, match="--metrics"):
        render_files(Options(metrics="a/../b.json"))


def test_fork_safe__post_step_flags_are_qgate_comment_flags():
    """The comment workflow's command line parses with ``qgate comment``'s flags."""
    from qgate.post import add_arguments as add_comment_arguments

    job = load(render_files(Options(fork_safe=True))[COMMENT_WORKFLOW])["jobs"]
    post = steps(job["comment"])[-1]
    env = {**post["env"], "VERDICT_DIR": "/tmp/v", "HEAD_SHA": "a" * 40}
    words = shlex.split(re.sub(r"\$(\w+)", lambda m: env[m[1]], post["run"]))
    parser = argparse.ArgumentParser()
    add_comment_arguments(parser)

    args = parser.parse_args(words[4:])

    assert words[:4] == ["python", "-m", "qgate", "comment"]
    assert (args.verdict, args.pr_file) == ("/tmp/v/verdict.json", "/tmp/v/pr-number")
    assert (args.head_sha, args.key) == ("a" * 40, "model")


@pytest.mark.parametrize(
    "name", ["yes", "on", "null", "1.0", ".inf", "out/.cache", ".", "model-v1"]
)
def test_workflow__values_stay_strings(name):
    """Paths that YAML could read as booleans, numbers or null stay strings."""
    jobs = workflow(model_dir=name if name != "." else "m", metrics=f"{name}/m.json")
    train = next(s for s in steps(jobs["jobs"]["train"]) if s.get("name") == "Train")

    if name != ".":
        assert train["env"]["MODEL_DIR"] == name
    assert steps(jobs["jobs"]["quality-gate"])[1]["with"]["path"] == name


def test_init__release_branch_follows_the_checked_out_branch(tmp_path):
    """In a repository on master, the generated push trigger names master."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/master\n")

    files = render_files(Options(directory=str(tmp_path)))

    workflow = files[".github/workflows/release-model.yml"]
    assert "      - master  # the default branch" in workflow


def test_init__explicit_branch_wins(tmp_path):
    """--branch overrides what the checkout says."""
    files = render_files(Options(directory=str(tmp_path), branch="release/v1"))

    assert "      - release/v1  # the default branch" in (
        files[".github/workflows/release-model.yml"])
