"""Detector versions: loading, the one atomic switch of activation, and re-scoring.

Activation flips `is_active` inside one transaction (the partial unique constraint makes a
second active row impossible) and logs the switch; rolling back is activating an older
version. Re-scoring then runs in the background, version by version: it writes the current
verdict and adds to the verdict history, decides the named faults again with the version's
learnt thresholds, and never touches labels; then the annotated
videos whose verdicts changed are redrawn, one background task per video.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.models import Analysis, DetectorActivation, DetectorVersion, Rep, RepVerdict
from analysis.services.jsonable import jsonable
from analysis.services.notifications import notify_rejudged
from analysis.services.videos import analysis_video_redraw_enqueue
from coach_platform.storage import media_path, media_root, media_tree
from core.result import image_kind

logger = logging.getLogger(__name__)
RESCORE_BATCH = 64

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


def detector_active() -> DetectorVersion | None:
    return DetectorVersion.objects.filter(is_active=True).first()


def fault_thresholds(version: DetectorVersion | None) -> dict[str, float]:
    """The per-fault thresholds a version learnt from coaches' tags (detector/faults.py),
    empty for none: the defaults then decide (pipeline/faults.py)."""
    learnt = ((version.metrics or {}).get("faults") or {}).get("learnt") if version else None
    return {fault: v["threshold"] for fault, v in (learnt or {}).items()}


def faults_redecide(version: DetectorVersion, reps: list[Rep]) -> None:
    """The named faults of stored reps decided again under `version`'s thresholds, from the
    evidence measured at analysis (the measures do not change, the lines may)."""
    from core.lifts.faults import decide

    thresholds = fault_thresholds(version)
    for rep in reps:
        if rep.fault_evidence and not rep.not_judged_reason:
            faults, evidence = decide(rep.fault_evidence, thresholds)
            Rep.objects.filter(pk=rep.pk).update(detected_faults=faults, fault_evidence=evidence)


def judge_load(version: DetectorVersion) -> Any:
    """The version's RepJudge, cached per process; raises ModelDirError when unusable."""
    key = (version.pk, version.model_dir)
    if key not in _judges:
        from core.detector import load_judge

        _judges[key] = load_judge(detector_local_dir(version))
    return _judges[key]


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


def activation_warning(version: DetectorVersion) -> str:
    """Why activating `version` needs an explicit confirmation, or "": it did not beat the
    active version on the same held-out reps, or it was never compared with it (a roll
    back, a version trained before the active one existed)."""
    active = detector_active()
    if active is None or active.pk == version.pk:
        return ""
    metrics = version.metrics or {}
    if (metrics.get("comparison") or {}).get("active") != active.name:
        return f"{version.name} was never compared with the active {active.name}."
    if metrics.get("beats_active"):
        return ""
    return f"{version.name} did not beat the active {active.name} on the same held-out reps."


def detector_activate(
    *, version: DetectorVersion, author=None, automatic: bool = False, confirmed: bool = False
) -> DetectorVersion:
    """Make `version` the active detector in one switch and re-score stored reps after it.
    A version that is not known to beat the active one needs `confirmed` (ValidationError
    with activation_warning's sentence otherwise)."""
    warning = activation_warning(version)
    if warning and not (confirmed or automatic):
        raise ValidationError({"confirm": f"{warning} Confirm to activate it anyway."})
    with transaction.atomic():
        previous = DetectorVersion.objects.select_for_update().filter(is_active=True).first()
        if previous is not None and previous.pk == version.pk:
            return previous
        DetectorVersion.objects.filter(is_active=True).update(is_active=False)
        now = timezone.now()
        DetectorVersion.objects.filter(pk=version.pk).update(
            is_active=True, activated_at=now, rescore_status="queued", rescored_count=0
        )
        DetectorActivation.objects.create(
            version=version, previous=previous, author=author, automatic=automatic
        )
        version_id = version.pk
        transaction.on_commit(lambda: _rescore_enqueue(version_id))
    version.refresh_from_db()
    return version


def _rescore_enqueue(version_id: int) -> None:
    from django_q.tasks import async_task

    async_task(detector_rescore, version_id, task_name=f"rescore-{version_id}")


def detector_rescore(version_id: int) -> int:
    """Score every stored rep with this version, if it is still the active one.

    Idempotent: the verdict history is keyed by (rep, version). Stops early when another
    version is activated meanwhile (that version's own re-scoring takes over).
    """
    version = DetectorVersion.objects.filter(pk=version_id).first()
    if version is None or not version.is_active:
        return 0
    DetectorVersion.objects.filter(pk=version_id).update(rescore_status="running")
    try:
        judge = judge_load(version)
    except Exception:
        logger.exception("detector %s could not be loaded for re-scoring", version.name)
        DetectorVersion.objects.filter(pk=version_id).update(rescore_status="failed")
        return 0
    # Counted reps only: "not a rep" is not judged (a restore judges it with the active one).
    ids = list(Rep.objects.counted().exclude(image="").order_by("pk").values_list("pk", flat=True))
    done = 0
    analyses: set[int] = set()  # whose annotated videos show verdicts, to redraw after
    for start in range(0, len(ids), RESCORE_BATCH):
        if not DetectorVersion.objects.filter(pk=version_id, is_active=True).exists():
            DetectorVersion.objects.filter(pk=version_id).update(rescore_status="stopped")
            return done
        reps, images = rep_images(
            list(Rep.objects.filter(pk__in=ids[start : start + RESCORE_BATCH])),
            image_kind(judge),
        )
        judgements = judge.judge(images, [r.camera_view for r in reps]) if len(reps) else []
        with transaction.atomic():
            for rep, j in zip(reps, judgements, strict=True):
                verdict_store(rep, version, j)
            faults_redecide(version, reps)
            _mark_rejudged(version, reps)
        done += len(reps)
        analyses.update(r.analysis_id for r in reps if r.analysis_id)
        DetectorVersion.objects.filter(pk=version_id).update(rescored_count=done)
    DetectorVersion.objects.filter(pk=version_id).update(rescore_status="done")
    logger.info("detector %s re-scored %d reps", version.name, done)
    analysis_video_redraw_enqueue(analyses)
    return done


def abstention(judgement: Any) -> str:
    """Why the detector did not judge: a pipeline Judgement's or a pipeline Rep's."""
    return getattr(judgement, "abstained", "") or getattr(judgement, "detector_abstained", "")


def _mark_rejudged(version: DetectorVersion, reps: list[Rep]) -> None:
    """Sets where a rep's outcome (what people see) changed get "re-judged by" `version`:
    its athlete and coach then see that the verdicts they read before are not the same."""
    after = {r.pk: r.outcome for r in Rep.objects.filter(pk__in=[r.pk for r in reps])}
    changed = {r.analysis_id for r in reps if r.analysis_id and after.get(r.pk) != r.outcome}
    if changed:
        Analysis.objects.filter(pk__in=changed).update(
            rejudged_by=version, rejudged_at=timezone.now()
        )
        notify_rejudged(version, changed)


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
