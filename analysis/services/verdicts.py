"""A rep's verdict: the one writer of the detector's verdict (storing an analysis, re-scoring,
a count correction), the named faults decided again under a version's thresholds, and the
reps' images a detector reads."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from django.utils import timezone

from analysis.models import Rep, RepVerdict
from coach_platform.jsonable import jsonable
from coach_platform.storage import media_path
from detectors.models import DetectorVersion
from detectors.services import fault_thresholds

logger = logging.getLogger(__name__)


def faults_redecide(version: DetectorVersion, reps: list[Rep]) -> None:
    """The named faults of stored reps decided again under `version`'s thresholds, from the
    evidence measured at analysis (the measures do not change, the lines may)."""
    from core.lifts.faults import decide

    thresholds = fault_thresholds(version)
    for rep in reps:
        if rep.fault_evidence and not rep.not_judged_reason:
            faults, evidence = decide(rep.fault_evidence, thresholds, rep.camera_view)
            Rep.objects.filter(pk=rep.pk).update(detected_faults=faults, fault_evidence=evidence)


def rep_images(reps: list[Rep], kind: str = "seed") -> tuple[list[Rep], np.ndarray]:
    """The reps whose SkeleMotion PNG of this kind ("seed": the dissertation's image,
    "body": the body-frame one) can be read, and those images (N, 45, 100, 3) uint8."""
    from PIL import Image

    kept, images = [], []
    for rep in reps:
        path = media_path(rep.body_image if kind == "body" else rep.image)
        if path is None:
            logger.warning("rep %s has no readable image; skipped", rep.pk)
            continue
        try:
            with Image.open(path) as im:
                arr = np.asarray(im.convert("RGB"))
        except OSError as error:
            logger.warning("rep %s image unreadable (%s); skipped", rep.pk, error)
            continue
        if arr.shape != (45, 100, 3):
            logger.warning("rep %s image has shape %s; skipped", rep.pk, arr.shape)
            continue
        kept.append(rep)
        images.append(arr)
    return kept, np.stack(images) if images else np.zeros((0, 45, 100, 3), np.uint8)


def abstention(judgement: Any) -> str:
    """Why the detector did not judge: a pipeline Judgement's or a pipeline Rep's."""
    return getattr(judgement, "abstained", "") or getattr(judgement, "detector_abstained", "")


def verdict_store(rep: Rep, version: DetectorVersion | None, judgement: Any) -> None:
    """The one writer of a rep's verdict (storing an analysis, re-scoring, a count
    correction): the current verdict plus its history row; only verdict fields are written.
    `judgement` is a pipeline Judgement or Rep (verdict, score, threshold, joints). A
    detector that abstained leaves no verdict (and no history row), only its reason; with no
    version, or no verdict nor abstention, the rep is not judged and an older verdict (made
    on another span or video) is cleared."""
    judged = version is not None and (
        judgement.verdict in ("good", "anomalous") or abstention(judgement)
    )
    if not judged:
        Rep.objects.filter(pk=rep.pk).update(
            verdict=None, score=None, threshold=None, joints=[], detector_version=None,
            judged_at=None, detector_abstained="",
        )  # fmt: skip
        return
    now = timezone.now()
    joints = list(judgement.joints or [])
    abstained = abstention(judgement)
    Rep.objects.filter(pk=rep.pk).update(
        verdict=None if abstained else judgement.verdict,
        score=judgement.score,
        threshold=judgement.threshold,
        joints=[] if abstained else joints,
        detector_version=version,
        detector_abstained=abstained,
        judged_at=now,
    )
    if abstained:
        RepVerdict.objects.filter(rep=rep, detector_version=version).delete()
        return
    RepVerdict.objects.update_or_create(
        rep=rep,
        detector_version=version,
        defaults={
            "verdict": judgement.verdict,
            "score": judgement.score,
            "threshold": judgement.threshold,
            "joints": joints,
            "details": _plain(getattr(judgement, "details", None)),
            "created_at": now,
        },
    )


def _plain(value: Any) -> Any:
    return jsonable(value or {})
