"""Signs of life for background jobs (analyses and training runs): one mechanism for both.

A job that runs keeps its row's `heartbeat_at` fresh from a small daemon thread, every
HEARTBEAT_SECONDS (or a quarter of JOB_STALE_SECONDS when that is shorter), whatever the
pipeline or the training is doing: a long pose pass or a long epoch reports no progress
for minutes, yet the job is alive. A job whose last sign of life is older than
JOB_STALE_SECONDS lost its worker (killed, out of memory, machine gone); the reaper
(analysis.services.reaper) queues it again or marks it failed, and the retry rule lets
people run it again. A claimed analysis names its worker (`worker_name`): machine and
process, for whoever looks for the one that stopped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

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
