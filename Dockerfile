# The qgate action image. Released images are built from this file and referenced
# by digest in action.yml (see docs/container.md); `image: Dockerfile` is for
# development only. Tests build it on a local base:
#   docker build --build-arg BASE_IMAGE=qgate-local/python:bookworm -t qgate:test .
ARG BASE_IMAGE=python:3.12-slim
FROM ${BASE_IMAGE}

# The ENV values document the intent and apply to `docker run --entrypoint python`;
# the entry point itself runs with -I -u -B (see below), which ignores PYTHON*.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONPATH=/app

# Runtime dependencies only, every file checked against the lock's hashes. The .pth
# file puts /app on sys.path, which isolated mode (-I) needs since it drops both
# PYTHONPATH and the script's own folder.
COPY requirements.lock /tmp/requirements.lock
RUN python -m pip install --no-cache-dir --require-hashes --no-deps \
        --only-binary=:all: --disable-pip-version-check --root-user-action=ignore \
        -r /tmp/requirements.lock \
    && python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_path("purelib"), "qgate-app.pth").write_text("/app\n")' \
    && rm /tmp/requirements.lock

# Code last: a change to it rebuilds only these layers.
COPY schema/ /app/schema/
COPY qgate/ /app/qgate/
COPY entrypoint.py /app/entrypoint.py

# No USER and no WORKDIR: the runner mounts the workspace, sets --workdir, and needs
# root to use it (docs.github.com: "Dockerfile support for GitHub Actions").
# -I: the step's environment comes from the workflow (`env:`, $GITHUB_ENV), so a
# PYTHONPATH, PYTHONWARNINGS or PYTHONOPTIMIZE set for the user's own tests, or a
# package in $HOME's user site, must not change how qgate runs.
ENTRYPOINT ["python", "-I", "-u", "-B", "/app/entrypoint.py"]
