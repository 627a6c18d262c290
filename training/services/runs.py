"""Training runs: one at a time, in the background, each making a new immutable version.

A run snapshots the training set, holds out whole videos (sessions or imported videos) of
both labels, trains on the rest, evaluates the new version and the active one on the same
held-out reps, and only then registers the version (and activates it when asked to and it
wins). Anything that fails on the way marks the run failed and leaves the active version
exactly as it was; a half-written model folder is removed. The pure rules (the split by
video, the held-out reports, whether the new version beats the active one) live in
core/detector/selection.py; this module runs the job around them.

While a run executes, a heartbeat keeps `heartbeat_at` fresh (coach_platform.jobs,
the same mechanism as analyses'); a run without one for JOB_STALE_SECONDS lost its worker and
the reaper marks it failed, releasing the one-run-at-a-time slot. If that worker was only
slow and finishes later, its result is not registered: the run is checked in the
transaction that would register the version.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from analysis.models import Label, Rep
from analysis.services.verdicts import rep_images
from coach_platform.jobs import job_claim, job_fail, job_heartbeat, jobs_silent
from coach_platform.storage import media_key, media_path, media_publish
from detectors.models import DetectorVersion
from detectors.selectors import detector_active
from detectors.services import detector_root, judge_load
from training.models import TrainingRun, TrainingStatus
from training.selectors.training import training_set_queryset
from training.services.activation import detector_activate
from training.services.training_set import rep_group

logger = logging.getLogger(__name__)
CONFIGS = ("native", "seed")
MAX_EPOCHS = 500
MIN_GOOD_REPS = 8
MIN_GOOD_BODY_REPS = 40  # good reps with a body-frame image before a detector learns from them
MESSAGE_WORKER_STOPPED = "The worker stopped during training (no sign of life). Start a new run."
MESSAGE_NEVER_PICKED_UP = "The run was never picked up by a worker."


class TrainingBusy(Exception):
    """A second run was requested while one is queued or running."""


class TrainingDataError(ValueError):
    """The training set cannot make a detector; the message says what is missing."""


class RunAbandoned(Exception):
    """The run was given up on (reaped) while this worker was still training it."""


def training_start(
    *,
    author=None,
    epochs: int | None = None,
    config: str = "native",
    auto_activate: bool = False,
    seed: int = 0,
    enqueue: bool = True,
) -> TrainingRun:
    """Open a training run (refused with TrainingBusy while another is open)."""
    from django.core.exceptions import ValidationError

    from core.detector import AnomalyDetector

    if config not in CONFIGS:
        raise ValidationError(f"config must be one of: {', '.join(CONFIGS)}.")
    if epochs is not None and not 1 <= int(epochs) <= MAX_EPOCHS:
        raise ValidationError(f"epochs must be between 1 and {MAX_EPOCHS}.")
    training_reap()
    params = {"config": config, "epochs": int(epochs) if epochs else None, "seed": int(seed)}
    try:
        with transaction.atomic():
            run = TrainingRun.objects.create(
                requested_by=author,
                params=params,
                auto_activate=auto_activate,
                epochs=params["epochs"] or AnomalyDetector().epochs,
            )
            if enqueue:
                run_id = run.pk
                transaction.on_commit(lambda: _enqueue(run_id))
    except IntegrityError:
        open_run = TrainingRun.objects.filter(is_open=True).first()
        detail = f" (run #{open_run.pk}, {open_run.status})" if open_run else ""
        raise TrainingBusy(
            f"A training run is already in progress{detail}. Wait for it to finish, "
            "then start another."
        ) from None
    return run


def _enqueue(run_id: int) -> None:
    from django_q.tasks import async_task

    async_task(training_run_task, run_id, task_name=f"training-{run_id}")


def training_reap(*, stale_seconds: float | None = None) -> int:
    """An open run with no sign of life (its worker was killed) must not block training
    for ever: mark it failed. Queued runs may wait behind analyses, so they get the broker's
    `retry` time before they count as never picked up. Returns how many were failed."""
    now = timezone.now()
    running = jobs_silent(TrainingRun, stale_seconds, now=now).filter(is_open=True)
    queued_limit = now - timedelta(seconds=settings.Q_CLUSTER.get("retry", 4200))
    queued = TrainingRun.objects.filter(
        is_open=True, status=TrainingStatus.QUEUED, created_at__lt=queued_limit
    )
    failed = 0
    for run_id in running.values_list("pk", flat=True):
        # The same staleness again in the UPDATE: a heartbeat that just came in wins.
        failed += _run_fail(run_id, MESSAGE_WORKER_STOPPED, within=running)
    for run_id in queued.values_list("pk", flat=True):
        failed += _run_fail(run_id, MESSAGE_NEVER_PICKED_UP, within=queued)
    return failed


def training_runs_reap(*, stale_seconds: float | None = None) -> dict[str, int]:
    """The reaper's pass (coach_platform.jobs)."""
    return {"training_runs_failed": training_reap(stale_seconds=stale_seconds)}


def _run_fail(run_id: int, message: str, within=None) -> int:
    """Close an open run as failed (is_open released: another run may start)."""
    runs = TrainingRun.objects.all() if within is None else within
    rows = job_fail(runs.filter(is_open=True), run_id, message, is_open=False)
    if rows:
        logger.warning("training run %s failed: %s", run_id, message)
        shutil.rmtree(detector_root() / f".partial-run-{run_id}", ignore_errors=True)
    return int(rows)


def _run_update(run_id: int, **fields: Any) -> None:
    """Progress of a live run (a reaped one is left as the reaper closed it)."""
    TrainingRun.objects.filter(pk=run_id, status=TrainingStatus.RUNNING, is_open=True).update(
        heartbeat_at=timezone.now(), **fields
    )


EpochHook = Callable[[int, dict[str, float]], None]


def training_run_task(run_id: int) -> str:
    """The worker's task (django-q2): the run, by id."""
    run = training_run_execute(run_id)
    return run.status if run else "missing"


def training_run_execute(run_id: int, on_epoch: EpochHook | None = None) -> TrainingRun | None:
    """Run a queued training run to its end (the task body; idempotent: a run that is not
    queued any more is left alone)."""
    claimed = job_claim(TrainingRun.objects, run_id)
    if not claimed:
        logger.info("training run %s is not queued; nothing to do", run_id)
        return TrainingRun.objects.filter(pk=run_id).first()
    run = TrainingRun.objects.get(pk=run_id)
    partial = detector_root() / f".partial-run-{run_id}"
    try:
        with job_heartbeat(TrainingRun, run_id, status=TrainingStatus.RUNNING, is_open=True):
            version, activate = _train_and_register(run, partial, on_epoch)
    except RunAbandoned:
        logger.warning("training run %s was given up on; its result is not registered", run_id)
        shutil.rmtree(partial, ignore_errors=True)
    except TrainingDataError as error:
        logger.info("training run %s refused: %s", run_id, error)
        _run_fail(run_id, str(error))
    except Exception as error:
        logger.exception("training run %s failed", run_id)
        _run_fail(run_id, f"Training failed: {type(error).__name__}: {error}")
    else:
        if activate:
            detector_activate(version=version, author=run.requested_by, automatic=True)
    return TrainingRun.objects.get(pk=run_id)


def _train_and_register(
    run: TrainingRun, partial, on_epoch: EpochHook | None
) -> tuple[DetectorVersion, bool]:
    """Train, evaluate and register the version; the run is closed as done in the same
    transaction. Returns the version and whether it should be activated."""
    from core.detector import AnomalyDetector
    from core.detector.data import sha256_file
    from core.detector.selection import split_by_video

    _run_update(run.pk, phase="snapshot")
    candidates = list(training_set_queryset())
    kind = _image_kind(candidates)
    reps, images = rep_images(candidates, kind)
    labels = np.array([r.label == Label.ANOMALOUS for r in reps], dtype=bool)
    groups = np.array([rep_group(r) for r in reps])
    n_good = int((~labels).sum())
    if n_good < MIN_GOOD_REPS:
        raise TrainingDataError(
            f"Training needs at least {MIN_GOOD_REPS} reps labelled good with images; the "
            f"training set has {n_good}. Label more reps or import a dataset."
        )
    seed = int(run.params.get("seed", 0))
    train, held = split_by_video(groups, labels, seed)
    normal = train[~labels[train]]
    anomalous = train[labels[train]]
    shas = [sha256_file(media_path(r.body_image if kind == "body" else r.image)) for r in reps]
    snapshot = {
        "image_kind": kind,
        "reps": len(reps),
        "train_good": len(normal),
        "train_anomalous": len(anomalous),
        "heldout_good": int((~labels[held]).sum()),
        "heldout_anomalous": int(labels[held].sum()),
        "heldout_videos": sorted(set(groups[held].tolist())),
        "sources": dict(Counter(r.source for r in reps)),
        "train_rep_ids": [reps[i].pk for i in train],
        "heldout_rep_ids": [reps[i].pk for i in held],
    }
    params = {k: v for k, v in run.params.items() if v is not None}
    det = AnomalyDetector(**params)
    _run_update(run.pk, phase="training", snapshot=snapshot, epochs=det.epochs)
    history: list[dict[str, float]] = []

    def epoch_done(epoch: int, logs: dict[str, float]) -> None:
        row = {"epoch": epoch + 1, **{k: round(float(v), 6) for k, v in logs.items()}}
        history.append(row)
        _run_update(run.pk, epoch=epoch + 1, history=history)
        if on_epoch is not None:
            on_epoch(epoch, logs)

    started = time.perf_counter()
    both = np.concatenate([normal, anomalous]).astype(int)
    det.fit(
        images[both],
        [0] * len(normal) + [1] * len(anomalous),
        groups=groups[both].tolist(),
        on_epoch=epoch_done,
    )
    fit_seconds = time.perf_counter() - started

    _run_update(run.pk, phase="saving")
    shutil.rmtree(partial, ignore_errors=True)
    det.save(
        partial,
        training_images=[
            {
                "name": reps[i].source_name or f"rep-{reps[i].pk}",
                "sha256": shas[i],
                "role": "anomaly" if labels[i] else "normal",
                "video": str(groups[i]),
                "view": reps[i].camera_view,
            }
            for i in train
        ],
        image_kind=kind,
    )
    _run_update(run.pk, phase="evaluating")
    metrics = _evaluate(det, partial, images[held], labels[held], [shas[i] for i in held])
    metrics.update(
        faults=_fault_metrics(reps, train, held),
        by_view=_by_view(det, partial, images[held], labels[held], [reps[i] for i in held]),
    )
    metrics.update(snapshot={k: v for k, v in snapshot.items() if not k.endswith("_ids")})
    metrics.update(training=det.metrics_, params=det.get_params(), fit_seconds=fit_seconds)

    with transaction.atomic():
        # Still this worker's run? A reaped run (the worker looked dead) registers nothing.
        alive = TrainingRun.objects.select_for_update().filter(
            pk=run.pk, status=TrainingStatus.RUNNING, is_open=True
        )
        if not alive.exists():
            raise RunAbandoned(run.pk)
        name = _version_name()
        # The folder name is unique even if an old database's folders are still there.
        final = detector_root() / f"{name}-{timezone.now():%Y%m%d-%H%M%S}-run{run.pk}"
        os.replace(partial, final)  # the folder appears whole or not at all
        media_publish(final)
        version = DetectorVersion.objects.create(
            name=name, model_dir=media_key(final), metrics=metrics, notes=f"training run #{run.pk}"
        )
        activate = run.auto_activate and metrics.get("beats_active", False)
        TrainingRun.objects.filter(pk=run.pk).update(
            version=version,
            status=TrainingStatus.DONE,
            is_open=False,
            phase="done",
            finished_at=timezone.now(),
            activated=activate,
        )
    return version, activate


def _image_kind(reps: list[Rep]) -> str:
    """The body-frame image (the same from any camera) once enough reps labelled good have
    one (platform reps; imported datasets have only the seed's image), else the seed's."""
    good_with_body = sum(bool(r.body_image) and r.label == Label.GOOD for r in reps)
    return "body" if good_with_body >= MIN_GOOD_BODY_REPS else "seed"


def _fault_metrics(reps: list[Rep], train: np.ndarray, held: np.ndarray) -> dict[str, Any]:
    """Per-fault thresholds learnt from the coach-tagged reps of the training side, and the
    named faults' report on the held-out side (detector/faults.py). A rep marked good has
    no fault; one marked anomalous counts only with its fault tags."""
    from core.detector.faults import FaultExample, fault_report, learn_thresholds, thresholds_of
    from core.lifts.faults import FAULTS

    def example(rep: Rep) -> FaultExample | None:
        if not rep.fault_evidence or rep.not_judged_reason:
            return None
        truth = set(rep.faults or []) & set(FAULTS) if rep.label == Label.ANOMALOUS else set()
        if rep.label == Label.ANOMALOUS and not truth:
            return None
        return FaultExample(rep.fault_evidence, truth, rep.camera_view)

    trained = [x for i in train if (x := example(reps[i])) is not None]
    tested = [x for i in held if (x := example(reps[i])) is not None]
    learnt = learn_thresholds(trained)
    return {
        "learnt": learnt,
        "train_reps": len(trained),
        "heldout": fault_report(tested, thresholds_of(learnt)),
    }


def _by_view(det, model_dir, images, y, reps: list[Rep]) -> dict[str, dict[str, int]]:
    """The new version on the held-out reps per camera view: how many, how many it judged
    (it abstains on views it did not learn from), how many of those it got right."""
    from core.detector.judge import DetectorJudge

    if not len(reps):
        return {}
    judged = DetectorJudge(det, model_dir.name).judge(images, [r.camera_view for r in reps])
    out: dict[str, dict[str, int]] = {}
    for rep, j, truth in zip(reps, judged, y, strict=True):
        row = out.setdefault(rep.camera_view or "unknown", {"reps": 0, "judged": 0, "right": 0})
        row["reps"] += 1
        if j.verdict is not None:
            row["judged"] += 1
            row["right"] += int((j.verdict == "anomalous") == bool(truth))
    return out


def _version_name() -> str:
    from core.detector.selection import next_version_name

    return next_version_name(
        DetectorVersion.objects.count(),
        taken=lambda name: DetectorVersion.objects.filter(name=name).exists(),
    )


def _evaluate(det, model_dir, images, y, shas) -> dict[str, Any]:
    """The new version and the active one on the same held-out reps (selection.py)."""
    from core.detector.judge import DetectorJudge
    from core.detector.selection import compare_versions

    new = DetectorJudge(det, model_dir.name)
    return compare_versions(new, _active_version(), images, y, shas)


def _active_version():
    """The active version, loaded for the comparison (None when there is none). An
    unloadable one is returned with the error: it loses by default."""
    from core.detector.selection import ActiveVersion, training_hashes

    active = detector_active()
    if active is None:
        return None
    try:
        old = judge_load(active)
    except Exception as error:
        return ActiveVersion(active.name, error=f"{active.name} could not be loaded: {error}")
    return ActiveVersion(active.name, old, training_hashes(old.detector.manifest_))
