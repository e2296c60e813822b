# The qgate action image. Released images are built from this file and referenced
# by digest in action.yml (see docs/container.md); `image: Dockerfile` is for
# development only. Tests build it on a local base:
#   docker build --build-arg BASE_IMAGE=qgate-local/python:bookworm -t qgate:test .
ARG BASE_IMAGE=python:3.12-slim
FROM ${BASE_IMAGE}

# For any Python in the image; the entry point passes the same as -u -B, because
# its -I (see below) ignores PYTHON* variables.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

# Runtime dependencies only, every file checked against the lock's hashes; the lock
# stays in /app as the record of what is installed. The .pth file puts /app on
# sys.path, which isolated mode (-I) needs: it drops PYTHONPATH and the script's folder.
COPY requirements.lock /app/requirements.lock
RUN python -m pip install --no-cache-dir --require-hashes --no-deps \
        --only-binary=:all: --disable-pip-version-check --root-user-action=ignore \
        -r /app/requirements.lock \
    && python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_path("purelib"), "qgate-app.pth").write_text("/app\n")'

# The code, last, in one layer: .dockerignore admits only qgate/, schema/,
# entrypoint.py and the lock. (With the vfs storage driver each layer is a full copy
# of the file system, so one COPY instead of three saves space and build time.)
COPY . /app/

# No USER and no WORKDIR: the runner mounts the workspace, sets --workdir, and needs
# root to use it (docs.github.com: "Dockerfile support for GitHub Actions").
# -I: the step's environment comes from the workflow (`env:`, $GITHUB_ENV), so a
# PYTHONPATH, PYTHONWARNINGS or PYTHONOPTIMIZE set for the user's own tests, or a
# package in $HOME's user site, must not change how qgate runs.
ENTRYPOINT ["python", "-I", "-u", "-B", "/app/entrypoint.py"]
