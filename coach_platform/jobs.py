"""The life cycle every background job shares (analyses, training runs): one model shape,
one claim, one heartbeat, one way to fail or queue again, one reaper.

queued -> running (`job_claim`: atomic, so a task delivered twice runs once) -> done | failed
(`job_fail`, a sentence for the person). While it runs, a small daemon thread keeps the row's
`heartbeat_at` fresh (`job_heartbeat`) every HEARTBEAT_SECONDS (or a quarter of
JOB_STALE_SECONDS when that is shorter), whatever the pipeline or the training is doing: a
long pose pass or a long epoch reports no progress for minutes, yet the job is alive. A job
whose last sign of life is older than JOB_STALE_SECONDS lost its worker (killed, out of
memory, machine gone): the reaper (`jobs_reap`, below) finds it (`jobs_silent`) and its app
queues it again (`job_requeue`) or fails it. Every write after the claim is made through a
queryset that still matches the claim (or the staleness), so a late worker's write to a job
someone else took is a no-op. A claimed job names its worker (`worker_name`): machine and
process, for whoever looks for the one that stopped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from coach_platform.storage import media_prune_mirror

logger = logging.getLogger(__name__)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """What the two background jobs (analyses, training runs) share: queued -> running ->
    done | failed, a sentence when failed, and a heartbeat while running, kept fresh by the
    worker (`job_heartbeat`). A running job whose last sign of life is older
    than JOB_STALE_SECONDS lost its worker: the reaper fails it so it can be run again."""

    ASKED_AT = "created_at"  # the field that says when the job was asked for

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True)  # a sentence for the person, when failed
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def last_sign_of_life(self) -> datetime:
        return self.heartbeat_at or self.started_at or getattr(self, self.ASKED_AT)

    @classmethod
    def silent_since(cls, moment: datetime) -> models.Q:
        """Jobs whose last sign of life (heartbeat, else start, else when asked for) is
        before `moment`."""
        return (
            models.Q(heartbeat_at__lt=moment)
            | models.Q(heartbeat_at__isnull=True, started_at__lt=moment)
            | models.Q(
                heartbeat_at__isnull=True,
                started_at__isnull=True,
                **{f"{cls.ASKED_AT}__lt": moment},
            )
        )


HEARTBEAT_SECONDS = 15.0


def worker_name() -> str:
    """This process as "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def stale_seconds() -> float:
    return float(settings.JOB_STALE_SECONDS)


def heartbeat_interval() -> float:
    """Several beats fit in the stale window, so one slow write does not kill a live job."""
    return max(0.2, min(HEARTBEAT_SECONDS, stale_seconds() / 4))


def stale_before(seconds: float | None = None, now: datetime | None = None) -> datetime:
    """The moment before which a job's last sign of life means it is dead."""
    seconds = stale_seconds() if seconds is None else seconds
    return (now or timezone.now()) - timedelta(seconds=seconds)


def job_is_stale(job, now: datetime | None = None) -> bool:
    return job.last_sign_of_life() < stale_before(now=now)


@contextmanager
def job_heartbeat(model: type[models.Model], pk: int, **claim) -> Iterator[None]:
    """While the block runs, a daemon thread sets `heartbeat_at` of the row `pk` (only while
    it still matches `claim`, e.g. status=running and this attempt) every interval.

    The thread has its own database connection and closes it when done. Inside an atomic
    block (a caller's transaction, the tests' per-test transaction) no thread is started:
    another connection could not see the uncommitted row, and on SQLite it would wait for
    the caller's write lock instead of beating.
    """
    if transaction.get_connection().in_atomic_block:
        yield
        return
    interval = heartbeat_interval()
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    rows = model.objects.filter(pk=pk, **claim).update(heartbeat_at=timezone.now())
                except Exception:  # a locked database now and then: the next beat may pass
                    logger.warning("heartbeat of %s %s failed", model.__name__, pk, exc_info=True)
                    continue
                if not rows:  # reaped, retried elsewhere or finished: nothing left to keep alive
                    return
        finally:
            connection.close()

    name = f"heartbeat-{model._meta.model_name}-{pk}"
    thread = threading.Thread(target=beat, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


# --- claim, fail, queue again -------------------------------------------------------------


def job_claim(jobs: models.QuerySet, pk: int, **fields: Any) -> bool:
    """Atomically take the queued job `pk` of `jobs`: running, started and beating now, no
    error, with `fields` (an attempt number, the worker). False when it is not queued any
    more (a duplicate delivery, or another worker was faster)."""
    now = timezone.now()
    claimed = jobs.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, error="", finished_at=None,
        **fields,
    )  # fmt: skip
    return bool(claimed)


def job_fail(jobs: models.QuerySet, pk: int, message: str, **fields: Any) -> bool:
    """Close job `pk` as failed with `message` (a sentence for the person), only while it is
    still in `jobs` (the caller's claim, or its staleness: a heartbeat that just came in, or
    another worker's claim, wins)."""
    return bool(
        jobs.filter(pk=pk).update(
            status=JobStatus.FAILED, error=message, finished_at=timezone.now(), **fields
        )
    )


def job_requeue(jobs: models.QuerySet, pk: int, **fields: Any) -> bool:
    """Put job `pk` back in the queue (its worker died), only while it is still in `jobs`."""
    return bool(
        jobs.filter(pk=pk).update(
            status=JobStatus.QUEUED, started_at=None, heartbeat_at=None, **fields
        )
    )


def jobs_silent(
    model: type[Job], seconds: float | None = None, now: datetime | None = None
) -> models.QuerySet:
    """Running jobs of `model` without a sign of life for `seconds` (JOB_STALE_SECONDS)."""
    return model.objects.filter(
        model.silent_since(stale_before(seconds, now=now)), status=JobStatus.RUNNING
    )


# --- the reaper -----------------------------------------------------------------------------
# django-q2 runs `jobs_reap` every minute on whichever cluster is up (a `Schedule` row made
# by analysis/migrations/0005, func `analysis.tasks.jobs_reap_task`), so a plain `qcluster`
# restart, or another host's cluster, cleans up after a killed worker. The single-host
# launcher (scripts/run_platform.py) also calls it once before its worker starts, with
# `stale_seconds=0`: no worker is running then, so every running job is dead. Each app with
# jobs registers its own reaping when it loads (its AppConfig.ready), so this module, below
# every app, needs to know none of them.

Reap = Callable[..., dict[str, int]]  # reap(stale_seconds=...) -> what it did, by kind
_reapers: list[Reap] = []
_not_copies: set[str] = set()


def reaper_register(reap: Reap, *, media_not_copies: tuple[str, ...] = ()) -> None:
    """Run `reap` on every pass; `media_not_copies`: media folders of originals that look
    like local copies of stored files (partial uploads), never pruned."""
    if reap not in _reapers:
        _reapers.append(reap)
    _not_copies.update(media_not_copies)


def jobs_reap(*, stale_seconds: float | None = None) -> dict[str, int]:
    """Every registered reaping (jobs without a heartbeat for `stale_seconds`, default
    JOB_STALE_SECONDS, queued again or failed; lost tasks enqueued again; abandoned uploads),
    then this machine's local copies of stored media nobody used for a while. Returns what
    the jobs' reapers did, by kind."""
    counts: dict[str, int] = {}
    for reap in _reapers:
        counts.update(reap(stale_seconds=stale_seconds))
    copies_removed = media_prune_mirror(settings.MEDIA_CACHE_SECONDS, skip=tuple(_not_copies))
    if copies_removed:
        logger.info("reaper: %d unused local copies of stored media removed", copies_removed)
    if any(counts.values()):
        logger.warning("reaper: %s", counts)
    return counts
