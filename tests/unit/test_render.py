"""The Markdown verdict: golden files, ordering, numbers and inert untrusted text.

Golden files live in tests/golden/. After an intended change to the template,
rewrite them with ``QGATE_UPDATE_GOLDEN=1 pytest tests/unit/test_render.py`` and
review the diff.
"""

from __future__ import annotations

import re

import pytest

from qgate.evaluate import BaselineInfo, Status, error_verdict
from qgate.metrics import escape_segment
from qgate.render import (
    escape_markdown,
    headline,
    ordered_results,
    render_markdown,
)
from tests.helpers import assert_golden

RUN_URL = "https://github.com/octo-org/model-zoo/actions/runs/42"
RELEASE = {
    "label": "release v1.4.0",
    "url": "https://github.com/octo-org/model-zoo/releases/tag/v1.4.0",
    "commit": "3f2a9c1d8e7b6a5f4e3d",
    "date": "2026-11-30",
}
QUALITY_GATES = [
    {
        "metric": "quality.accuracy",
        "description": "Share of correct diagnoses on the held-out set.",
        "direction": "higher",
        "min": 0.92,
        "max-regression": 0.01,
    },
    {
        "metric": "quality.roc_auc",
        "direction": "higher",
        "above": 0.95,
        "max-regression": "0.5%",
    },
    {"metric": "latency.p95_ms", "direction": "lower", "max": 50},
    {"metric": "robustness.crash_rate", "max": 0},
]
BASELINE = (
    '{"quality": {"accuracy": 0.972027972027972, "roc_auc": 0.996},'
    ' "latency": {"p95_ms": 1.1965}, "robustness": {"crash_rate": 0.0}}'
)
MIXED_GATES = [
    {
        "metric": "quality.accuracy",
        "direction": "higher",
        "min": 0.92,
        "max-regression": 0.01,
    },
    {"metric": "quality.recall", "direction": "higher", "min": 0.9},
    {
        "metric": "latency.p95_ms",
        "direction": "lower",
        "max-regression": "100%",
        "severity": "warn",
    },
    {"metric": "quality.f1", "direction": "higher", "max-regression": 0.01},
    {"metric": "gpu.memory_gb", "max": 8, "optional": True},
    {"metric": "robustness.crash_rate", "max": 0},
    {"metric": "stability.accuracy_std", "direction": "lower", "below": 0.03},
    {"metric": "quality.precison", "min": 0.9},
]
MIXED_CANDIDATE = (
    '{"quality": {"accuracy": 0.8461538461538461, "recall": 0.9622641509433962,'
    ' "f1": 0.9807692307692307, "precision": 1.0},'
    ' "latency": {"p95_ms": 2.5},'
    ' "robustness": {"crash_rate": NaN},'
    ' "stability": {"accuracy_std": 0.013082718135573223}}'
)
MIXED_BASELINE = (
    '{"quality": {"accuracy": 0.972027972027972, "recall": 0.9622641509433962},'
    ' "latency": {"p95_ms": 1.1965}, "stability": {"accuracy_std": 0.013082718135573223}}'
)


@pytest.fixture
def passing(make_verdict):
    """A release that passes every gate against its baseline."""
    candidate = (
        '{"quality": {"accuracy": 0.986013986013986, "roc_auc": 0.9958071278825995},'
        ' "latency": {"p95_ms": 0.7866040999999998}, "robustness": {"crash_rate": 0.0}}'
    )
    return make_verdict(QUALITY_GATES, candidate, BASELINE, **RELEASE)


@pytest.fixture
def mixed(make_verdict):
    """A run with failures, warnings, a skip, passes and a baseline warning."""
    return make_verdict(
        MIXED_GATES,
        MIXED_CANDIDATE,
        MIXED_BASELINE,
        warnings=("the baseline is 120 days old (max-age-days: 90)",),
        **RELEASE,
    )


def test_render_markdown__pass_golden(passing):
    """A passing verdict renders exactly as tests/golden/pass.md."""

    text = render_markdown(passing, run_url=RUN_URL)

    assert_golden("pass.md", text)


def test_render_markdown__mixed_failure_golden(mixed):
    """A failure with every kind of status renders exactly as fail-mixed.md."""

    text = render_markdown(mixed, run_url=RUN_URL)

    assert_golden("fail-mixed.md", text)


def test_render_markdown__comment_golden(mixed):
    """The pull-request comment form renders exactly as fail-comment.md."""

    text = render_markdown(
        mixed, run_url=RUN_URL, for_comment=True, marker="<!-- qgate:model -->"
    )

    assert_golden("fail-comment.md", text)


def test_render_markdown__no_baseline_golden(make_verdict):
    """A first release without a baseline renders exactly as no-baseline.md."""
    candidate = (
        '{"quality": {"accuracy": 0.986013986013986, "roc_auc": 0.9958071278825995},'
        ' "latency": {"p95_ms": 0.7866040999999998}, "robustness": {"crash_rate": 0}}'
    )
    verdict = make_verdict(QUALITY_GATES, candidate, when_missing="warn")

    text = render_markdown(verdict)

    assert_golden("no-baseline.md", text)


def test_render_markdown__error_golden():
    """A run that could not be evaluated renders exactly as error.md."""
    verdict = error_verdict(
        "model",
        "models/gates.yml:12:21: gates[2].max-regression: -0.01 is not a tolerance —"
        " write a non-negative number (0.01) or a percentage string ('2%')",
    )

    text = render_markdown(verdict, run_url=RUN_URL)

    assert_golden("error.md", text)


def test_ordered_results__failures_first_then_file_order(mixed):
    """Rows go fail, warn, skip, pass; ties keep the gate file's order."""

    order = [(r.status, r.gate.index) for r in ordered_results(mixed)]

    assert order == [
        (Status.FAIL, 0),
        (Status.FAIL, 5),
        (Status.FAIL, 7),
        (Status.WARN, 2),
        (Status.WARN, 3),
        (Status.SKIP, 4),
        (Status.PASS, 1),
        (Status.PASS, 6),
    ]


@pytest.mark.parametrize(
    ("candidate", "text"),
    [
        ({"a": 1, "b": 1, "c": 1}, "passed — 3 of 3 gates passed"),
        ({"a": 1, "b": 1}, "passed — 2 of 3 gates passed, 1 skipped"),
        ({"a": 1, "b": 2, "c": 1}, "passed with warnings — 1 of 3 gates warned"),
        ({"a": 0, "b": 2, "c": 1}, "blocked — 1 of 3 gates failed"),
    ],
)
def test_headline__counts_gates_by_status(make_verdict, candidate, text):
    """The headline says passed or blocked and counts only what it names."""
    gates = [
        {"metric": "a", "min": 1},
        {"metric": "b", "max": 1, "severity": "warn"},
        {"metric": "c", "max": 1, "optional": True},
    ]

    assert headline(make_verdict(gates, candidate)) == text


def test_headline__error():
    """A verdict that could not be evaluated says the release is blocked."""

    assert headline(error_verdict("m", "x")) == "could not evaluate — release blocked"


@pytest.mark.parametrize(
    ("gate", "baseline", "candidate", "change"),
    [
        (
            {"direction": "higher", "min": 0},
            "0.3",
            "0.30000000000000004",
            "▲ +4e-17 (+1.333e-14%) better",
        ),
        (
            {"direction": "lower", "min": 0},
            "0.3",
            "0.30000000000000004",
            "▲ +4e-17 (+1.333e-14%) worse",
        ),
        ({"min": 0}, "2", "1.5", "▼ -0.5 (-25%)"),
        ({"direction": "higher", "min": -9}, "-0.5", "-0.45", "▲ +0.05 (+10%) better"),
        (
            {"direction": "higher", "min": 0},
            "0",
            "0.001",
            "▲ +0.001 (relative change undefined) better",
        ),
        ({"direction": "higher", "min": 0}, "0.5", "0.500", "= 0"),
        ({"min": 0}, None, "0.5", "—"),
    ],
)
def test_render_markdown__change_column(
    make_verdict, gate, baseline, candidate, change
):
    """The change shows direction, signed delta, percentage and better or worse."""
    base = None if baseline is None else '{"m": ' + baseline + "}"
    verdict = make_verdict([{"metric": "m", **gate}], '{"m": ' + candidate + "}", base)

    row = _table_rows(render_markdown(verdict))[0]

    assert row[4] == change


@pytest.mark.parametrize(
    ("baseline", "candidate", "bound", "shown"),
    [
        ("0.3", "0.30000000000000004", "0.3", "0.30000000000000004"),
        ("0.9", "0.90001", "0.9", "0.90001"),
        ("0.123456789", "0.987654321", "0.9", "0.9877"),
    ],
)
def test_render_markdown__candidate_never_looks_like_its_bound(
    make_verdict, baseline, candidate, bound, shown
):
    """The candidate gets the digits it needs to differ from baseline and bound."""
    verdict = make_verdict(
        [{"metric": "m", "max": float(bound)}],
        '{"m": ' + candidate + "}",
        '{"m": ' + baseline + "}",
    )

    row = _table_rows(render_markdown(verdict))[0]

    assert row[2] == shown


HOSTILE = [
    "a|b",
    "<script>alert(1)</script>",
    "<!-- hidden",
    "@org/team",
    "`rm -rf`",
    "line\nbreak",
    "cr\r\nlf",
    "[x](https://evil.example)",
    "#123",
    "**bold** _it_ ~~s~~ ![i](j)",
    "x\\|y",
    "$$\\sum$$",
    "&lt;already&gt;",
]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a|b", "a&#124;b"),
        ("<script>", "&lt;script&gt;"),
        ("<!--", "&lt;&#33;--"),
        ("@org/team", "@\u200borg/team"),
        ("#123", "#\u200b123"),
        ("`x`", "&#96;x&#96;"),
        ("a\nb\r\nc\td", "a b  c d"),
        ("https://x.example", "https:\u200b//x.example"),
        ("&amp;", "&amp;amp;"),
        ("[a](b)", "&#91;a&#93;(b)"),
        ("x" * 130, "x" * 119 + "…"),
    ],
)
def test_escape_markdown__makes_text_inert(text, escaped):
    """Markdown, HTML, mentions, references, links and line breaks are neutralised."""

    assert escape_markdown(text) == escaped


@pytest.mark.parametrize("name", HOSTILE)
def test_render_markdown__hostile_metric_name_cannot_break_the_table(
    make_verdict, name
):
    """A metric name with table, HTML or mention syntax stays inside its cell."""
    gate = {"metric": escape_segment(name), "max": 1, "description": name}
    verdict = make_verdict([gate], {name: 2}, {name: 1}, label=name, **{"date": name})

    text = render_markdown(verdict)

    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert [line.count("|") for line in rows] == [8, 8]


@pytest.mark.parametrize("name", HOSTILE)
def test_render_markdown__hostile_text_opens_no_html_and_mentions_no_one(
    make_verdict, name
):
    """Untrusted text never opens a tag, a comment, a code span or a mention."""
    gate = {"metric": escape_segment(name), "max": 1, "description": name}
    verdict = make_verdict([gate], {name: 2}, {name: 1}, label=name, warnings=(name,))

    text = render_markdown(verdict)

    ours = re.sub(r"</?(br|sub)>", "", text)
    assert (
        "<" in ours,
        "`" in ours,
        re.search(r"@\w", ours),
        re.search(r"(?<!&)#\d", ours),
        "://" in ours,
    ) == (False, False, None, None, False)


def test_render_markdown__error_message_is_not_cut():
    """A long error message appears whole, unlike a table cell."""
    message = "gates.yml:1:1: " + "x" * 300

    text = render_markdown(error_verdict("m", message))

    assert "**Error:** gates.yml:1:1: " + "x" * 300 + "\n" in text


def test_render_markdown__long_metric_name_is_cut_in_its_cell(make_verdict):
    """A metric name longer than a cell allows is cut with an ellipsis."""
    name = "m" * 200

    text = render_markdown(make_verdict([{"metric": name, "max": 1}], {name: 0}))

    assert _table_rows(text)[0][1] == "m" * 119 + "…"


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (
            "https://github.com/o/r/releases/tag/v1",
            "**Baseline:** [v1](https://github.com/o/r/releases/tag/v1)",
        ),
        ("javascript:alert(1)", "**Baseline:** v1"),
        ("https://x.example/a)b", "**Baseline:** v1"),
        ("https://x.example/a b", "**Baseline:** v1"),
        ("", "**Baseline:** v1"),
    ],
)
def test_render_markdown__links_only_plain_web_urls(make_verdict, url, line):
    """Only an http(s) URL without Markdown-breaking characters becomes a link."""
    verdict = make_verdict(
        [{"metric": "m", "max": 1}], {"m": 0}, {"m": 0}, label="v1", url=url
    )

    text = render_markdown(verdict, run_url=url, for_comment=True)

    assert (line in text.splitlines(), "[Run details]" in text) == (
        True,
        line.startswith("**Baseline:** ["),
    )


def test_render_markdown__over_budget_hides_rows_and_says_so(make_verdict):
    """Past the size budget, rows are dropped and the verdict says how many."""
    gates = [{"metric": f"metric_{i:03}", "max": 1} for i in range(200)]
    verdict = make_verdict(gates, {f"metric_{i:03}": 0 for i in range(200)})

    text = render_markdown(verdict, run_url=RUN_URL, budget=4_000)

    hidden = re.search(r"^(\d+) more gates are not shown", text, re.M)
    assert (
        len(text.encode()) <= 4_000,
        hidden is not None and int(hidden[1]) + len(_table_rows(text)) == 200,
        f"see the [run summary]({RUN_URL})" in text,
    ) == (True, True, True)


def test_render_markdown__over_budget_shows_as_many_rows_as_fit(make_verdict):
    """The rows shown fill the budget: one more would not fit."""
    gates = [{"metric": f"metric_{i:03}", "max": 1} for i in range(200)]
    verdict = make_verdict(gates, {f"metric_{i:03}": 0 for i in range(200)})

    text = render_markdown(verdict, run_url=RUN_URL, budget=4_000)

    row = next(line for line in text.splitlines() if "metric&#95;" in line)
    assert len(text.encode()) + len(row.encode()) + 1 > 4_000


def test_render_markdown__formats_only_the_rows_that_can_fit(
    make_verdict, monkeypatch
):
    """Rows past what the budget could hold are never formatted."""
    import qgate.render as render

    gates = [{"metric": f"metric_{i:03}", "max": 1} for i in range(200)]
    verdict = make_verdict(gates, {f"metric_{i:03}": 0 for i in range(200)})
    formatted = []
    original = render._row
    monkeypatch.setattr(render, "_row", lambda r: formatted.append(r) or original(r))

    text = render_markdown(verdict, budget=4_000)

    row = next(line for line in text.splitlines() if "metric&#95;" in line)
    assert len(formatted) <= 4_000 // (len(row.encode()) + 1) + 1


def test_render_markdown__comment_budget_counts_characters(make_verdict):
    """For a comment the budget is in characters, as GitHub counts them."""
    gates = [{"metric": f"métrique_{i:03}", "max": 1} for i in range(100)]
    verdict = make_verdict(gates, {f"métrique_{i:03}": 0 for i in range(100)})

    text = render_markdown(verdict, budget=3_000, for_comment=True)

    assert (len(text) <= 3_000, len(text.encode()) > 3_000) == (True, True)


def test_render_markdown__tiny_budget_still_renders_the_headline(make_verdict):
    """Even with no room for any row, the headline and the count remain."""
    verdict = make_verdict([{"metric": "m", "max": 1}], {"m": 5})

    text = render_markdown(verdict, budget=10)

    assert text.startswith("### ❌ qgate · model: blocked — 1 of 1 gates failed\n")
    assert "1 more gates are not shown" in text


@pytest.mark.parametrize(("candidate", "opened"), [({"m": 0}, False), ({"m": 5}, True)])
def test_render_markdown__comment_details_open_unless_passed(
    make_verdict, candidate, opened
):
    """In a comment the gate table is folded away only when everything passed."""
    verdict = make_verdict([{"metric": "m", "max": 1}], candidate)

    text = render_markdown(verdict, for_comment=True)

    assert ("<details open>" in text, "<details>" in text) == (opened, not opened)


def test_render_markdown__error_verdict_keeps_its_baseline_label():
    """An error after the baseline was found still names it."""
    info = BaselineInfo(
        None, "release v2", commit="abcdef0123456789", date="2026-01-02"
    )

    text = render_markdown(error_verdict("m", "boom", info))

    assert "**Baseline:** release v2 · commit `abcdef012345` · 2026-01-02\n" in text


def _table_rows(text: str) -> list[list[str]]:
    """Cells of the verdict table's body rows."""
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]
    return [[cell.strip() for cell in row.split("|")[1:-1]] for row in rows]
