"""6. The action's container image: size over its base, start-to-verdict time.

The image is built as the tests build it (BuildKit, the local Debian base of
``shared/tools/local-docker.sh``) and run the way the runner runs a Docker action:
``--network=none``, the workspace mounted at /github/workspace as the working
directory, file-command files mounted, ``INPUT_*`` for every input. The floor is
``--entrypoint true`` with the same mounts and variables: what starting any
container costs on this daemon.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import uuid
from pathlib import Path

from benchmarks.cold_start import example_metrics
from benchmarks.common import (
    BASELINE,
    GATES,
    ROOT,
    Context,
    Row,
    Subject,
    heading,
    mb,
    median,
    ms,
    say,
    section_main,
    spread,
    time_interleaved,
)
from benchmarks.rest_calls import action_inputs
from tests.container.helpers import LOOPBACK_API, docker, docker_cli

IMAGE = os.environ.get("QGATE_BENCH_IMAGE", "qgate:test")
BASE_IMAGE = os.environ.get("QGATE_BASE_IMAGE", "qgate-local/python:bookworm")
LOCAL_DOCKER = ROOT.parent / "shared" / "tools" / "local-docker.sh"
WORKSPACE = "/github/workspace"


def daemon_ready() -> str:
    """ "" when a daemon answers and has the base image, else why not."""
    try:
        if docker("image", "inspect", BASE_IMAGE, timeout=30).returncode == 0:
            return ""
    except (OSError, subprocess.SubprocessError) as exc:
        return f"docker CLI unusable: {exc}"
    if not LOCAL_DOCKER.is_file():
        return f"no Docker daemon with {BASE_IMAGE}, and no {LOCAL_DOCKER}"
    if os.geteuid() != 0:
        return f"no Docker daemon with {BASE_IMAGE}; {LOCAL_DOCKER} needs root"
    say(f"no daemon with {BASE_IMAGE}: running {LOCAL_DOCKER}")
    done = subprocess.run(
        ["bash", str(LOCAL_DOCKER)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        return f"{LOCAL_DOCKER} failed: {(done.stderr + done.stdout)[-500:]}"
    if docker("image", "inspect", BASE_IMAGE, timeout=30).returncode != 0:
        return f"{LOCAL_DOCKER} ran but {BASE_IMAGE} is missing"
    return ""


def measure(ctx: Context) -> list[Row]:
    heading("6. container image: size over its base, start-to-verdict time")
    skip = [Row("6", "container image and docker run", "skipped", "—", None)]
    if not shutil.which(docker_cli()) and not os.access(docker_cli(), os.X_OK):
        say("skipped: no docker CLI")
        skip[0].note = "no docker CLI"
        return skip
    why = daemon_ready()
    if why:
        say(f"skipped: {why}")
        skip[0].note = why.splitlines()[0][:100]
        return skip
    if not (ROOT / "Dockerfile").is_file():
        say("skipped: no Dockerfile yet")
        skip[0].note = "no Dockerfile"
        return skip
    before = docker("image", "inspect", "--format", "{{.Id}}", IMAGE).stdout.strip()
    built = docker(
        "build",
        "--network=host",
        "--build-arg",
        f"BASE_IMAGE={BASE_IMAGE}",
        "-t",
        IMAGE,
        str(ROOT),
        env={**os.environ, "DOCKER_BUILDKIT": "1"},
        timeout=900,
    )
    if built.returncode != 0:
        say("docker build failed:\n" + (built.stderr + built.stdout)[-3000:])
        return [Row("6", "container image builds", "build failed", "builds", False)]
    # Run by id: another build may move the tag meanwhile.
    image = docker("image", "inspect", "--format", "{{.Id}}", IMAGE).stdout.strip()
    if before and before != image:
        # The previous build would stay behind untagged (a full copy on vfs).
        docker("image", "rm", before)
    size = int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout)
    base = int(docker("image", "inspect", "--format", "{{.Size}}", BASE_IMAGE).stdout)
    say(
        f"{IMAGE} {image[:19]}: {mb(size)}; {BASE_IMAGE}: {mb(base)}; "
        f"added {mb(size - base)}"
    )
    layers(image)
    packages(image)

    workspace = make_workspace(ctx)
    runs = ctx.scaled(max(5, (ctx.runs * 2) // 3))
    commands = {
        "true": (docker_run(workspace, image, entrypoint="true"), (0,)),
        "python": (
            docker_run(
                workspace, image, entrypoint="python", args=["-I", "-c", "pass"]
            ),
            (0,),
        ),
        "qgate": (docker_run(workspace, image), (0, 1)),
    }
    times = time_interleaved(
        [Subject(name, argv, ok=ok) for name, (argv, ok) in commands.items()],
        runs,
        warmup=1,
    )
    say("docker run (create + start + remove, as the runner does):")
    for name in commands:
        say(f"    {name:7} {spread(times[name])}")

    # Creating a container copies the image on this daemon's storage driver; starting
    # an existing one does not. `docker start -a` times start-to-verdict alone.
    created = {name: create(argv) for name, (argv, _) in commands.items()}
    try:
        started = time_interleaved(
            [
                Subject(name, [docker_cli(), "start", "-a", created[name]], ok=ok)
                for name, (_, ok) in commands.items()
            ],
            runs,
            warmup=1,
        )
    finally:
        docker("rm", "-f", *created.values())
    say("docker start -a of a created container (no image copy):")
    for name in commands:
        say(f"    {name:7} {spread(started[name])}")
    floor, qgate = median(started["true"]), median(started["qgate"])
    run_floor, run_qgate = median(times["true"]), median(times["qgate"])
    quartiles = statistics.quantiles(times["true"], n=4)
    noise = quartiles[2] - quartiles[0]
    verdict = last_verdict(workspace)
    say(f"verdict in the workspace: {verdict}")
    driver = docker("info", "--format", "{{.Driver}}").stdout.strip()
    say(
        f"storage driver: {driver}"
        + (
            " (copies the whole image for every new container: `docker run` times "
            "here are far above a hosted runner's overlay2)"
            if driver == "vfs"
            else ""
        )
    )
    rows = [
        Row(
            "6a",
            "image size over its base",
            mb(size - base),
            "reported",
            None,
            f"{mb(size)} vs {mb(base)}",
        ),
        Row(
            "6b",
            "container start-to-verdict vs `--entrypoint true` (`docker start -a`)",
            f"{qgate / floor:.2f}×",
            "reported",
            None,
            f"{ms(qgate)} vs {ms(floor)}; verdict {verdict}",
        ),
        Row(
            "6b'",
            f"`docker run` as the runner does, vs `--entrypoint true` ({driver})",
            f"{run_qgate / run_floor:.2f}×",
            "reported",
            None,
            f"{ms(run_qgate)} vs {ms(run_floor)}; container creation varies by "
            f"{ms(noise)} (quartiles)",
        ),
    ]
    probe = in_container(workspace, image, ctx.scaled(15))
    if probe:
        say(
            "inside one container (no container start; median of "
            f"{ctx.scaled(15)} processes each):"
        )
        for name, value in probe.items():
            say(f"    {name}: {value if isinstance(value, bool) else ms(value)}")
        shipped = probe["entry point as shipped"]
        compiled = probe["entry point, /app compiled first"]
        rows.append(
            Row(
                "6c",
                "entry point inside the container, as shipped vs with /app compiled",
                f"{ms(shipped)} vs {ms(compiled)}",
                "reported",
                None,
                f"{'has' if probe['shipped with bytecode'] else 'no'} "
                "bytecode in the image",
            )
        )
    return rows


def layers(image: str) -> None:
    """Each layer's size, so a growing one is easy to find."""
    history = docker(
        "history", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", image
    ).stdout
    for line in history.splitlines()[:8]:
        size, _, created = line.partition("\t")
        say(f"    {size:>9}  {created[:110]}")


PROBE = """
import json, os, statistics, subprocess, sys, time
runs = int(sys.argv[1])
def timed(argv):
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found.append(time.perf_counter() - start)
    return statistics.median(found)
entry = ["python", "-I", "-u", "-B", "/app/entrypoint.py"]
result = {
    "python -I -c pass": timed(["python", "-I", "-c", "pass"]),
    "python importing jsonschema, jinja2, ruamel.yaml": timed(
        ["python", "-I", "-c", "import jsonschema, jinja2, ruamel.yaml"]),
    "entry point as shipped": timed(entry),
    "shipped with bytecode": os.path.isdir("/app/qgate/__pycache__"),
}
subprocess.run(["python", "-m", "compileall", "-q", "/app"], check=True)
result["entry point, /app compiled first"] = timed(entry)
print(json.dumps(result))
"""


def in_container(workspace: Path, image: str, runs: int) -> dict[str, float]:
    """Process times inside one running container: no container start in them."""
    argv = docker_run(
        workspace, image, entrypoint="python", args=["-I", "-c", PROBE, str(runs)]
    )
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        say("in-container probe failed: " + (done.stderr + done.stdout)[-1000:])
        return {}
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def make_workspace(ctx: Context) -> Path:
    """A runner-like folder tree: workspace, file commands, workflow, home."""
    root = ctx.work / "container"
    shutil.rmtree(root, ignore_errors=True)
    workspace = root / "workspace"
    for relative in (GATES, BASELINE):
        (workspace / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, workspace / relative)
    shutil.copy(ROOT / example_metrics(ctx), workspace / "metrics.json")
    for name in ("file_commands", "workflow", "home"):
        (root / name).mkdir()
    (root / "workflow" / "event.json").write_text(
        json.dumps({"ref": "refs/heads/main", "after": "7" * 40}), encoding="utf-8"
    )
    return workspace


SIZES = """
import os, sysconfig
root = sysconfig.get_path("purelib")
sizes = {}
for name in os.listdir(root):
    total = 0
    for folder, _, files in os.walk(os.path.join(root, name)):
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    key = name.split("-")[0].split(".")[0] if name.endswith("-info") else name
    sizes[key] = sizes.get(key, 0) + total
for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:8]:
    print(f"{size}\t{name}")
"""


def packages(image: str) -> None:
    """The largest installed packages in the image (what the size over the base is)."""
    done = docker(
        "run",
        "--rm",
        "--network=none",
        "--entrypoint",
        "python",
        image,
        "-I",
        "-c",
        SIZES,
        timeout=300,
    )
    if done.returncode != 0:
        say("could not list the image's packages: " + done.stderr[-300:])
        return
    say("largest installed packages in the image (site-packages, with metadata):")
    for line in done.stdout.splitlines():
        size, _, name = line.partition("\t")
        say(f"    {mb(int(size)):>9}  {name}")


def docker_run(
    workspace: Path, image: str, *, entrypoint: str = "", args: list[str] | None = None
) -> list[str]:
    """The runner's ``docker run`` line for a Docker action step (env passed inline)."""
    root = workspace.parent
    output = f"set_output_{uuid.uuid4()}"
    summary = f"step_summary_{uuid.uuid4()}"
    for name in (output, summary):
        (root / "file_commands" / name).touch()
    variables = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "HOME": "/github/home",
        "GITHUB_WORKSPACE": WORKSPACE,
        "GITHUB_OUTPUT": f"/github/file_commands/{output}",
        "GITHUB_STEP_SUMMARY": f"/github/file_commands/{summary}",
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_REPOSITORY": "qgate-dev/quality-gate",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_API_URL": LOOPBACK_API,
        "GITHUB_SERVER_URL": LOOPBACK_API,
        **action_inputs({"gates": GATES, "metrics": "metrics.json"}),
    }
    argv = [docker_cli(), "run", "--rm", "--network=none", "--workdir", WORKSPACE]
    for name, value in variables.items():
        argv += ["-e", f"{name}={value}"]
    for host, inside in (
        (workspace, WORKSPACE),
        (root / "file_commands", "/github/file_commands"),
        (root / "workflow", "/github/workflow"),
        (root / "home", "/github/home"),
    ):
        argv += ["-v", f"{host}:{inside}"]
    if entrypoint:
        argv += ["--entrypoint", entrypoint]
    return [*argv, image, *(args or [])]


def create(argv: list[str]) -> str:
    """Create (not start) the container a ``docker run`` line describes; its id."""
    index = argv.index("run")
    done = subprocess.run(
        [*argv[:index], "create", *argv[index + 2 :]],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.strip()


def last_verdict(workspace: Path) -> str:
    path = workspace / ".qgate" / "verdict.json"
    if not path.is_file():
        return "none written"
    return str(json.loads(path.read_text(encoding="utf-8"))["verdict"])


if __name__ == "__main__":
    section_main(measure)
