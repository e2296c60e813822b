"""Find the previous release's metrics: a local file here, GitHub in ``remote``."""

from __future__ import annotations

from typing import Any

from qgate.errors import ConfigError
from qgate.evaluate import BaselineInfo
from qgate.gatefile import BaselineSpec
from qgate.metrics import load_metrics
from qgate.settings import Settings, in_workspace

REMOTE_SOURCES = ("release", "artifact", "branch")


def choose_source(settings: Settings, spec: BaselineSpec) -> str:
    """Decide where the baseline comes from: flags and inputs override the gate file."""
    if settings.baseline_source:
        return settings.baseline_source
    if settings.baseline_file:
        return "file"
    if spec.source:
        return spec.source
    if settings.repository:
        return "release"
    raise ConfigError(
        "no baseline source: the gate file has no 'baseline' block and no GitHub "
        "repository is known — pass --baseline FILE, --no-baseline, or set "
        "baseline.source in the gate file."
    )


def fetch_baseline(
    settings: Settings, spec: BaselineSpec, client: Any = None
) -> BaselineInfo:
    """Return the baseline to compare with (``metrics`` is None when none exists)."""
    source = choose_source(settings, spec)
    if source == "none":
        return BaselineInfo(metrics=None, label="none (judged as a first release)")
    if source == "file":
        path = settings.baseline_file or spec.file
        if not path:
            raise ConfigError(
                "baseline source is 'file' but no file is named — set baseline.file in "
                "the gate file or pass --baseline FILE (input baseline-file)."
            )
        metrics = load_metrics(in_workspace(path), "baseline metrics file")
        return BaselineInfo(metrics=metrics, label=f"file {path}")
    from qgate.remote import fetch_remote_baseline

    return fetch_remote_baseline(settings, spec, source, client)
