"""Paths that point outside the workspace, or at directories, are refused with a
message; qgate never reads or writes a file outside the workspace in a runner."""

from __future__ import annotations

import os

import pytest

from tests.hostile.conftest import TOKEN
from tests.hostile.grammar import assert_inert, assert_outputs

# path → the message that follows "<path>: "
PATHS = {
    "../../etc/passwd": "the path leaves the workspace",
    "/etc/passwd": "the path leaves the workspace",
    "link-to-passwd": "the path leaves the workspace",
    "link-to-etc/passwd": "the path leaves the workspace",
    "a-directory": "is a directory — give the path of a file.",
    "a-directory/": "is a directory — give the path of a file.",
    "no-such-file.json": "not found — check the path",
}


def _links(workspace):
    """A symlink to a file and one to a folder outside the workspace."""
    os.symlink("/etc/passwd", workspace / "link-to-passwd")
    os.symlink("/etc", workspace / "link-to-etc")
    (workspace / "a-directory").mkdir()


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("flag", ["gates", "metrics", "baseline_file"])
def test_paths__outside_or_not_a_file_is_a_configuration_error(action, flag, path):
    """A gate, metrics or baseline path outside the workspace or at a directory
    exits 2 with a message naming the path."""
    inputs = {flag: path}
    if flag == "baseline_file":
        inputs["baseline_source"] = "file"

    run = action(prepare=_links, **inputs)

    assert run.code == 2, run.log
    assert f"::{path}: " in run.out
    assert PATHS[path] in run.out
    assert "root:" not in run.everything()
    assert "Traceback" not in run.everything()
    assert_inert(run.log, secrets=[TOKEN])
    assert_outputs(run.output_file, passed="false", verdict="error")


@pytest.mark.parametrize("path", ["../outside.json", "link-to-etc/qgate.json",
                                  "/tmp/qgate-outside.json"])
@pytest.mark.parametrize("flag", ["json_path", "markdown_path"])
def test_paths__reports_are_never_written_outside(action, tmp_path, flag, path):
    """A report path outside the workspace is a warning; the verdict stands and no
    file appears outside."""
    run = action(prepare=_links, **{flag: path})

    assert run.code == 0
    assert "the path leaves the workspace" in run.out
    output = {"json_path": "json_path", "markdown_path": "report_path"}[flag]
    assert_outputs(run.output_file, passed="true", **{output: ""})
    assert not (tmp_path / "run0" / "outside.json").exists()
    assert not os.path.exists("/tmp/qgate-outside.json")


def test_paths__a_directory_on_the_command_line(qgate, tmp_path):
    """Outside a runner a directory is still a clear configuration error."""
    (tmp_path / "folder").mkdir()
    (tmp_path / "g.yml").write_text("version: 1\ngates: [{metric: a, min: 1}]\n")

    run = qgate("check", "--gates", "g.yml", "--metrics", "folder", "--no-baseline")

    assert run.code == 2
    assert "error: folder: metrics file is a directory" in run.out


def test_paths__a_branch_baseline_path_stays_in_the_repository(fake_github, action):
    """baseline.path "../../user" asks for a file in the repository, never for
    another API endpoint with the token."""
    fake_github.add_token(TOKEN)
    fake_github.add_branch("main")
    gates = ("version: 1\nbaseline:\n  source: branch\n  path: ../../../../user\n"
             "gates:\n  - metric: accuracy\n    min: 0.5\n")

    action(gates, fake=fake_github, baseline_source="")

    paths = [r.path for r in fake_github.requests]
    assert "/api/v3/repos/octo-org/model-zoo/contents/user" in paths
    assert not [p for p in paths if ".." in p]
