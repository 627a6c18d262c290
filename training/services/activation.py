"""Activating a detector version: the one atomic switch, and re-scoring every stored rep.

Activation flips `is_active` inside one transaction (the partial unique constraint makes a
second active row impossible) and logs the switch; rolling back is activating an older
version. Re-scoring then runs in the background, version by version: it writes the current
verdict and adds to the verdict history, decides the named faults again with the version's
learnt thresholds, and never touches labels; then the annotated
videos whose verdicts changed are redrawn, one background task per video. Sets whose
outcome changed are told so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.models import Analysis, Rep
from analysis.services.personal import personal_refresh_for
from analysis.services.verdicts import faults_redecide, rep_images, verdict_store
from analysis.services.videos import analysis_video_redraw_enqueue
from athletes.selectors import coaches_of
from core import lifts
from core.result import image_kind
from detectors.models import DetectorActivation, DetectorVersion
from detectors.selectors import detector_active
from detectors.services import judge_load
from notifications.models import NotificationKind
from notifications.services import notify, people, set_name
from sets.models import TrainingSession

logger = logging.getLogger(__name__)
RESCORE_BATCH = 64


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
    # Counted reps of the lift it judges only: "not a rep" is not judged (a restore judges it
    # with the active one), another lift's reps are its faults' and baseline's.
    reps = Rep.objects.counted().of_lift(lifts.judge_lift(judge)).exclude(image="")
    ids = list(reps.order_by("pk").values_list("pk", flat=True))
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
            personal_refresh_for(reps)  # the flags it sets aside or adds may have moved
            _mark_rejudged(version, reps)
        done += len(reps)
        analyses.update(r.analysis_id for r in reps if r.analysis_id)
        DetectorVersion.objects.filter(pk=version_id).update(rescored_count=done)
    DetectorVersion.objects.filter(pk=version_id).update(rescore_status="done")
    logger.info("detector %s re-scored %d reps", version.name, done)
    analysis_video_redraw_enqueue(analyses)
    return done


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


def notify_rejudged(version: DetectorVersion, analysis_ids: Iterable[int]) -> int:
    """Sets whose outcome changed under `version`: each athlete and their coaches, one
    notification per person and session however many batches re-judged it."""
    stored = 0
    sessions = TrainingSession.objects.filter(analysis__pk__in=list(analysis_ids)).select_related(
        "athlete"
    )
    for session in sessions:
        text = f"The {set_name(session)} of {session.athlete.username} was re-judged by model "
        text += f"{version.name}: some verdicts changed."
        audience = people([session.athlete], coaches_of(session.athlete))
        stored += notify(NotificationKind.REJUDGED, session, audience, text)
    return stored
