"""The ``qgate`` command line: check, validate, schema."""

from __future__ import annotations

import argparse
import os
import sys

from qgate import __version__
from qgate.errors import ConfigError, ExitCode
from qgate.runner import Runner
from qgate.settings import Settings, github_env


def _parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser; init's and comment's flags only when one of them is asked for,
    so ``check`` never pays for importing their modules."""
    parser = argparse.ArgumentParser(
        prog="qgate",
        description="Decide whether a trained model may be released.",
        epilog="Exit codes: 0 passed (warnings allowed), 1 a blocking gate failed, "
        "2 configuration or usage error, 3 could not evaluate.",
    )
    parser.add_argument("--version", action="version", version=f"qgate {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="gate a candidate's metrics")
    check.add_argument("--gates", required=True, help="gate file (YAML)")
    check.add_argument("--metrics", required=True, help="candidate metrics (JSON/YAML)")
    group = check.add_mutually_exclusive_group()
    group.add_argument(
        "--baseline", metavar="FILE", default="", help="previous release's metrics file"
    )
    group.add_argument(
        "--no-baseline",
        action="store_true",
        help="judge as a first release (when-missing applies)",
    )
    group.add_argument(
        "--baseline-source",
        default="",
        choices=["release", "artifact", "branch", "file", "none"],
        help="override baseline.source of the gate file",
    )
    check.add_argument("--baseline-tag", default="", help="exact release tag")
    check.add_argument(
        "--repo", default="", help="owner/name (default $GITHUB_REPOSITORY)"
    )
    check.add_argument(
        "--json",
        metavar="PATH",
        default="",
        help="write the machine-readable verdict here",
    )
    check.add_argument(
        "--markdown", metavar="PATH", default="", help="write the Markdown verdict here"
    )
    check.add_argument(
        "--comment",
        default="never",
        choices=["always", "on-failure", "never"],
        help="post the verdict on the pull request (default never)",
    )
    check.add_argument("--comment-key", default="")

    validate = commands.add_parser("validate", help="check gate files only")
    validate.add_argument("files", nargs="+", metavar="FILE")

    commands.add_parser("schema", help="print the gate-file JSON Schema")

    init = commands.add_parser("init", help="write a starter gate file and workflow")
    comment = commands.add_parser(
        "comment", help="post a verdict file as the sticky pull-request comment"
    )
    if "init" in argv:
        from qgate.scaffold import add_arguments

        add_arguments(init)
    if "comment" in argv:
        from qgate.post import add_arguments as add_comment_arguments

        add_comment_arguments(comment)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(argv).parse_args(argv)
    runner = Runner()
    if args.command == "schema":
        from qgate.gatefile import schema_text

        sys.stdout.write(schema_text())
        return int(ExitCode.PASSED)
    if args.command == "validate":
        return _validate(args.files, runner)
    if args.command == "comment":
        from qgate.post import run_comment

        return run_comment(args, runner)
    if args.command == "init":
        from qgate.scaffold import run_init

        return run_init(args, runner)
    return _check(args, runner)


def _validate(files: list[str], runner: Runner) -> int:
    from qgate.gatefile import load_gate_file

    code = ExitCode.PASSED
    for path in files:
        try:
            gate_file = load_gate_file(path)
        except ConfigError as exc:
            for problem in [exc.message, *exc.details]:
                runner.error(problem)
            code = ExitCode.CONFIG
            continue
        count = len(gate_file.gates)
        runner.info(f"{path}: valid ({count} gate{'' if count == 1 else 's'})")
    return int(code)


def _check(args: argparse.Namespace, runner: Runner) -> int:
    from qgate.app import run

    found = github_env(os.environ)
    settings = Settings(
        gates=args.gates,
        metrics=args.metrics,
        baseline_file=args.baseline,
        baseline_source="none" if args.no_baseline else args.baseline_source,
        baseline_tag=args.baseline_tag,
        json_path=args.json,
        markdown_path=args.markdown,
        token=found["token"],
        api_url=found["api_url"],
        server_url=found["server_url"],
        repository=args.repo or found["repository"],
        event_name=found["event_name"],
        event_path=found["event_path"],
        run_id=found["run_id"],
        comment=args.comment,
        comment_key=args.comment_key,
    )
    return run(settings, runner)
