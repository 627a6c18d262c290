"""Where a detector version's files live and loading it to judge reps (cached per process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach_platform.storage import media_root, media_tree
from detectors.models import DetectorVersion

# Loaded detectors per worker process: loading TensorFlow weights costs seconds.
_judges: dict[tuple[int, str], Any] = {}


def detector_root() -> Path:
    """Where new version folders are written: `detectors/` in the media's local mirror (a
    version is stored under its key, `detectors/<folder>`, in DetectorVersion.model_dir)."""
    return media_root() / "detectors"


def detector_local_dir(version: DetectorVersion) -> Path:
    """The version's folder on this machine (fetched from the store once: versions never
    change). Versions registered before keys hold an absolute path, used as it is."""
    if Path(version.model_dir).is_absolute():
        return Path(version.model_dir)
    return media_tree(version.model_dir) or media_root() / version.model_dir


def fault_thresholds(version: DetectorVersion | None) -> dict[str, float]:
    """The per-fault thresholds a version learnt from coaches' tags (detector/faults.py:
    thresholds_of), empty for none: the defaults then decide (core/lifts/faults.py)."""
    from core.detector.faults import thresholds_of

    learnt = ((version.metrics or {}).get("faults") or {}).get("learnt") if version else None
    return thresholds_of(learnt or {})


def judge_load(version: DetectorVersion) -> Any:
    """The version's RepJudge, cached per process; raises ModelDirError when unusable."""
    key = (version.pk, version.model_dir)
    if key not in _judges:
        from core.detector import load_judge

        _judges[key] = load_judge(detector_local_dir(version))
    return _judges[key]
