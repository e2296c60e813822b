"""Gate the example against a local fake of the GitHub API and show the PR comment.

The fake (tests/fake_github, loopback only) holds a release v1.0.0 whose
metrics.json asset is the example's baseline, and an open pull request #12. The
action's entry point runs as in a runner on that pull request: it fetches the
release's metrics through the API, judges the candidate, and posts its sticky
comment, which is printed here. Usage: python examples/github_demo.py METRICS
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_github.server import DEFAULT_TOKEN, FakeGitHub  # noqa: E402

EXAMPLE = ROOT / "examples" / "breast-cancer"


def main(metrics: str) -> int:
    """Run the action once against the fake and print the comment it posted."""
    gates = (EXAMPLE / "gates.yml").read_text(encoding="utf-8")
    gates = gates.replace(
        "  file: examples/breast-cancer/baseline/metrics.json  # the previous "
        "release's metrics\n",
        "  source: release  # the latest release's metrics.json asset\n",
    )
    with (
        FakeGitHub("example/breast-cancer") as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        baseline = (EXAMPLE / "baseline" / "metrics.json").read_bytes()
        fake.add_release("v1.0.0", assets={"metrics.json": baseline})
        pr = fake.add_pull_request(12, title="Retrain with all features")
        work = Path(tmp)
        (work / "qgate.yml").write_text(gates, encoding="utf-8")
        (work / "metrics.json").write_bytes(Path(metrics).read_bytes())
        event = {
            "number": 12,
            "pull_request": {
                "number": 12,
                "base": {
                    "sha": pr.base_sha,
                    "repo": {"full_name": fake.state.full_name},
                },
                "head": {
                    "sha": pr.head_sha,
                    "repo": {"full_name": fake.state.full_name},
                },
            },
        }
        (work / "event.json").write_text(json.dumps(event), encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": tmp,
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": tmp,
            "GITHUB_OUTPUT": str(work / "output"),
            "GITHUB_STEP_SUMMARY": str(work / "summary.md"),
            "GITHUB_EVENT_PATH": str(work / "event.json"),
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_REPOSITORY": fake.state.full_name,
            "GITHUB_API_URL": fake.api_url,
            "GITHUB_SERVER_URL": fake.web_url,
            "GITHUB_RUN_ID": "1",
            "INPUT_GATES": "qgate.yml",
            "INPUT_METRICS": "metrics.json",
            "INPUT_GITHUB-TOKEN": DEFAULT_TOKEN,
            "INPUT_COMMENT": "always",
        }
        done = subprocess.run(
            [sys.executable, str(ROOT / "entrypoint.py")],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        comments = fake.comments(12)
        calls = [f"{r.method} {r.path.split('/repos/')[-1]}" for r in fake.requests]
    print(f"exit code {done.returncode}; {len(calls)} API calls: " + ", ".join(calls))
    if not comments:
        print(done.stdout[-2000:], done.stderr[-2000:])
        print("no comment was posted", file=sys.stderr)
        return 1
    print(f"comment #{comments[0].id} by {comments[0].author} on pull request #12:\n")
    print(comments[0].body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
