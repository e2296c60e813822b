"""Every input has a size cap with a clear message, and every output stays within
GitHub's limits: a 1 MiB step summary, 65,536-character comments, 10 error
annotations per step, 1 MB of outputs per job. Large inputs are generated here."""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile

import pytest

from qgate.app import MAX_OUTPUT_JSON
from qgate.document import MAX_DEPTH
from qgate.evaluate import error_verdict
from qgate.gatefile import MAX_GATE_FILE_BYTES
from qgate.metrics import MAX_METRICS_BYTES
from qgate.render import SUMMARY_BUDGET_BYTES, render_markdown
from qgate.report import render_json
from tests.fake_github.server import FakeGitHub
from tests.hostile.conftest import TOKEN, Run
from tests.hostile.grammar import assert_inert, assert_outputs

MIB = 1024 * 1024


def _errors(run: Run) -> list[str]:
    return [line for line in run.out.splitlines() if line.startswith("::error")]


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    """The fake GitHub, accepting this suite's token, with pull request #7."""
    fake_github.add_token(TOKEN)
    fake_github.add_pull_request(7)
    return fake_github


def test_limits__100k_metrics_and_10k_gates_stay_within_github_limits(fake, action):
    """10,000 failing gates over 100,000 metrics: a summary under 1 MiB, a comment
    under 65,536 characters, ten error annotations and the rest counted, and a
    verdict-json output within its cap."""
    metrics = json.dumps({f"metric_{i}": i / 100_000 for i in range(100_000)})
    gates = json.dumps({"version": 1, "name": "big", "gates": [
        {"metric": f"metric_{i * 10}", "min": 2, "description": "why " * 10}
        for i in range(10_000)]})
    issue = fake.state.issues[7]
    repo = {"full_name": fake.state.full_name}
    event = {"number": 7, "pull_request": {
        "number": 7, "base": {"sha": issue.base_sha, "repo": repo},
        "head": {"sha": issue.head_sha, "repo": repo}}}

    run = action(gates, metrics, fake=fake, event_name="pull_request", event=event)

    (comment,) = run.comments
    assert run.code == 1
    outputs = assert_outputs(run.output_file, passed="false", verdict="fail")
    assert len(run.summary.encode("utf-8")) < MIB
    assert len(comment) < 65_536
    assert "blocked — 10000 of 10000 gates failed" in comment
    assert len(_errors(run)) == 10
    assert "9990 more errors were not annotated" in run.summary
    assert "more gates are not shown" in run.summary
    assert len(outputs["verdict-json"]) <= MAX_OUTPUT_JSON
    assert json.loads(outputs["verdict-json"])["counts"]["fail"] == 10_000


def test_limits__a_thousand_problems_stay_within_github_limits(fake, action):
    """A gate file with 1,000 mistakes lists them all in the log; the comment, the
    annotations and the outputs stay within their limits."""
    gates = "version: 1\nname: big\ngates:\n" + "".join(
        f"  - {{metric: m{i}, min: 1, mni: 1}}\n" for i in range(1_000))
    issue = fake.state.issues[7]
    repo = {"full_name": fake.state.full_name}
    event = {"number": 7, "pull_request": {
        "number": 7, "base": {"sha": issue.base_sha, "repo": repo},
        "head": {"sha": issue.head_sha, "repo": repo}}}

    run = action(gates, fake=fake, event_name="pull_request", event=event)

    (comment,) = run.comments
    outputs = assert_outputs(run.output_file, passed="false", verdict="error")
    assert run.code == 2
    assert len(comment) < 65_536
    assert "more problems are not shown" in comment
    assert run.summary.count("unknown key") == 1_000
    assert len(_errors(run)) == 10
    assert run.out.count("gates[999].mni: unknown key") == 1
    assert len(outputs["verdict-json"]) <= MAX_OUTPUT_JSON


def test_limits__problems_beyond_a_mebibyte_are_left_out_of_the_summary():
    """Listed problems are cut to keep the summary under 1 MiB, and counted."""
    details = tuple(f"g.yml:{i}:1: gates[{i}].x: unknown key — " + "y" * 150
                    for i in range(10_000))
    verdict = error_verdict("big", "g.yml:1:1: many problems", details=details)

    markdown = render_markdown(verdict)

    assert len(markdown.encode("utf-8")) <= SUMMARY_BUDGET_BYTES
    assert re.search(r"\d+ more problems are not shown", markdown)
    assert len(render_json(verdict, limit=MAX_OUTPUT_JSON)) <= MAX_OUTPUT_JSON


@pytest.mark.parametrize(
    ("where", "content", "message"),
    [
        ("gates", " " * (10 * MIB), f"gate file is 10,485,760 bytes, over the limit "
                                    f"of {MAX_GATE_FILE_BYTES:,} bytes"),
        ("gates", "version: 1\ngates:\n" + "  - {metric: m, min: 1}\n" * 10_001,
         "qgate.yml:3:3: gates: more than 10000 items — split the gate file"),
    ],
    ids=["10 MB gate file", "10,001 gates"],
)
def test_limits__oversized_gate_file_is_a_configuration_error(action, where, content,
                                                              message):
    """A gate file over its size cap, or with too many gates, exits 2 and says so."""
    run = action(content)

    assert run.code == 2
    assert message in run.out
    assert "Traceback" not in run.everything()


def test_limits__metrics_over_the_cap_are_refused_before_reading(action):
    """A metrics file over the cap exits 2 at once; it is never read (sparse here)."""

    def grow(workspace):
        with open(workspace / "metrics.json", "r+b") as handle:
            handle.truncate(MAX_METRICS_BYTES + 1)

    run = action(prepare=grow)

    assert run.code == 2
    assert (f"metrics.json: metrics file is {MAX_METRICS_BYTES + 1:,} bytes, over the "
            f"limit of {MAX_METRICS_BYTES:,} bytes") in run.out


def test_limits__ten_megabyte_metrics_file_is_read(action):
    """A 10 MB metrics file under the cap is read and judged."""
    metrics = json.dumps({"accuracy": 0.95, "padding": "x" * (10 * MIB)})

    run = action(metrics_text=metrics)

    assert run.code == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gates JSON nested 10,000 deep", '{"version": 1, "gates": '
         + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "}"),
        ("gates YAML nested 10,000 deep", "version: 1\ngates:\n" + "- " * 10_000
         + "1\n"),
        ("gates YAML indented 300 deep", "version: 1\ngates:\n" + "".join(
            " " * (2 * i) + f"k{i}:\n" for i in range(1, 300))),
    ],
)
def test_limits__deep_gate_files_are_configuration_errors(action, name, content):
    """Nesting far past the depth cap is refused with its position, not a crash."""
    run = action(content)

    assert run.code == 2, run.log
    assert f"or {MAX_DEPTH} levels" in run.out
    assert "internal error" not in run.out
    assert "Traceback" not in run.everything()


@pytest.mark.parametrize("extension", ["json", "yml"])
def test_limits__deep_metrics_are_configuration_errors(action, extension):
    """Metrics nested 10,000 levels deep exit 2 with a message, JSON or YAML."""
    content = '{"a": ' * 10_000 + "1" + "}" * 10_000

    run = action(metrics_text=content, metrics_name=f"metrics.{extension}")

    assert run.code == 2, run.log
    assert f"metrics.{extension}:1:" in run.out
    assert "internal error" not in run.out
    assert "Traceback" not in run.everything()


def test_limits__a_megabyte_key_is_clipped_in_messages(action):
    """An unknown 1 MB key in a gate file is named, clipped, in a short message."""
    gates = ("version: 1\ngates:\n  - metric: accuracy\n    min: 0.5\n    ? "
             + "k" * 1_000_000 + "\n    : 1\n")

    run = action(gates)

    (annotation,) = _errors(run)
    assert run.code == 2
    assert "kkk...: unknown key" in annotation
    assert len(annotation) < 1000


def test_limits__a_megabyte_metric_name_is_clipped_everywhere(action):
    """A 1 MB metric name never makes a 1 MB line, cell or output."""
    metrics = json.dumps({"accuracy": 0.95, "x" * 1_000_000: "nan"})
    gates = "version: 1\ngates:\n  - metric: accuracy\n    min: 0.96\n"

    run = action(gates, metrics)

    assert run.code == 1
    assert max(len(line) for line in run.out.splitlines()) < 2000
    assert len(run.summary) < 5000
    assert len(run.output_file) < 5000


def test_limits__ten_million_digits_stay_out_of_the_outputs(action):
    """An out-of-range number with 10 million digits fails its gate, and neither the
    log nor the outputs nor the summary repeat it."""
    metrics = '{"accuracy": 1' + "0" * 10_000_000 + "}"

    run = action(metrics_text=metrics)

    assert run.code == 1
    assert "invalid metric value: 1000" in run.out
    assert len(run.out) + len(run.output_file) + len(run.summary) < 20_000
    assert_inert(run.log, secrets=[TOKEN])


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patched(data: bytes, local: int, central: int, fmt: str, value: int) -> bytes:
    """Overwrite one field in the first local header and the central directory."""
    raw = bytearray(data)
    struct.pack_into(fmt, raw, raw.find(b"PK\x03\x04") + local, value)
    struct.pack_into(fmt, raw, raw.find(b"PK\x01\x02") + central, value)
    return bytes(raw)


def _bad_crc() -> bytes:
    data = bytearray(_zip({"metrics.json": b'{"accuracy": 0.9}'}, zipfile.ZIP_STORED))
    data[data.find(b"accuracy")] = ord("b")
    return bytes(data)


METRICS = b'{"accuracy": 0.9}'
ZIPS = {
    "bad CRC": _bad_crc(),
    "size that lies": _patched(_zip({"metrics.json": b"0" * 100_000}), 22, 24, "<I",
                               10),
    "unknown compression": _patched(_zip({"metrics.json": METRICS},
                                         zipfile.ZIP_STORED), 8, 10, "<H", 99),
    "encrypted": _patched(_zip({"metrics.json": METRICS}, zipfile.ZIP_STORED), 6, 8,
                          "<H", 1),
    "not a zip": b"PK\x03\x04 not a zip archive",
}


@pytest.mark.parametrize("name", sorted(ZIPS))
def test_limits__damaged_artifact_zip_is_a_baseline_error(fake, action, name):
    """A damaged artifact archive is verdict error with a message, never an
    internal error."""
    fake.add_run("train.yml", "main", "push",
                 artifacts={"metrics": {"metrics.json": METRICS}})
    fake.inject("GET", ".*", 200, body=ZIPS[name], times=None, host="storage")
    gates = ("version: 1\nbaseline:\n  source: artifact\n  workflow: train.yml\n"
             "gates:\n  - metric: accuracy\n    direction: higher\n"
             "    max-regression: 0.01\n")

    run = action(gates, fake=fake, comment="never")

    assert run.code == 3, run.log
    assert re.search(r"artifact 'metrics' is not a valid zip archive",
                     run.out), run.out
    assert "internal error" not in run.out


@pytest.mark.parametrize(
    ("source", "limit", "message"),
    [
        ("release", "MAX_ASSET_BYTES", "is 2,000 bytes, over the 1,000-byte limit"),
        ("artifact", "MAX_ZIP_BYTES", "over the 1,000-byte limit"),
        ("artifact", "MAX_MEMBER_BYTES", "metrics.json is 2,000 bytes, over the "
                                         "1,000-byte limit"),
    ],
    ids=["asset", "artifact zip", "artifact member"],
)
def test_limits__downloads_over_their_cap_are_errors(fake, action, monkeypatch,
                                                     source, limit, message):
    """An asset, an artifact zip or a member over its cap ends in verdict error."""
    monkeypatch.setattr(f"qgate.remote.{limit}", 1000)
    # Digits of a hash chain: 2,000 bytes that do not compress below 1,000.
    pad = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(60))
    big = json.dumps({"accuracy": 0.9, "pad": pad[:1972]}).encode()
    assert len(big) == 2000
    fake.add_release("v1", assets={"metrics.json": big})
    fake.add_run("train.yml", "main", "push",
                 artifacts={"metrics": {"metrics.json": big}})
    gates = (f"version: 1\nbaseline:\n  source: {source}\n  workflow: train.yml\n"
             "gates:\n  - metric: accuracy\n    direction: higher\n"
             "    max-regression: 0.01\n")

    run = action(gates, fake=fake, comment="never")

    assert run.code == 3, run.log
    assert message in run.out
    assert_outputs(run.output_file, passed="false", verdict="error")
