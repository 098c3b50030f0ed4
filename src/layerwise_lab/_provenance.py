"""What produced a result: layerwise's version and commit, the seed, the machine and the time it took."""

import datetime
import subprocess
from pathlib import Path

import layerwise


def commit() -> str:
    """The git commit of the layerwise source in use ("+ changes" when the checkout has uncommitted ones), or
    "unknown" for an installed copy outside a git checkout."""
    source = Path(layerwise.__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=source, capture_output=True,
                              text=True, timeout=10)
        if head.returncode != 0:
            return "unknown"
        changes = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=source,
                                 capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + (" + changes" if changes.stdout.strip() else "")


def provenance(seed: int, quick: bool, started: datetime.datetime, wall_seconds: float) -> dict:
    """The record a result carries of how it was produced."""
    return {"commit": commit(), "seed": seed, "quick": quick, "started": started.isoformat(timespec="seconds"),
            "wall_seconds": round(wall_seconds, 1), **layerwise.config.info()}
