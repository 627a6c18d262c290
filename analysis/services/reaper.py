"""The reaper: jobs whose worker died are queued again once (then failed, retryable at once),
training runs whose worker died are failed, and lost tasks return.

django-q2 runs it every minute on whichever cluster is up (a `Schedule` row made by
analysis/migrations/0005_reaper_schedule.py, func `analysis.tasks.jobs_reap_task`), so a
plain `qcluster` restart, or another host's cluster, cleans up after a killed worker. The
single-host launcher (scripts/run_platform.py) also calls it once before its worker starts,
with `stale_seconds=0`: no worker is running then, so every running job is dead.
"""

from __future__ import annotations

import logging

from django.conf import settings

from analysis.services.analyses import analysis_reap
from analysis.services.resumable import PARTIAL_FOLDER, resumable_reap
from analysis.services.training_runs import training_reap
from coach_platform.storage import media_prune_mirror

logger = logging.getLogger(__name__)


def jobs_reap(*, stale_seconds: float | None = None) -> dict[str, int]:
    """Queue again (or fail) running analyses and fail training runs without a heartbeat
    for `stale_seconds` (default JOB_STALE_SECONDS), and enqueue again the tasks of queued
    analyses that lost theirs. Returns what it did, by kind."""
    counts = analysis_reap(stale_seconds=stale_seconds)
    counts["training_runs_failed"] = training_reap(stale_seconds=stale_seconds)
    # Unfinished resumable uploads keep their own clock (a day without a piece), not the jobs';
    # logged, not counted: the counts are about jobs.
    uploads_removed = resumable_reap()
    if uploads_removed:
        logger.info("reaper: %d abandoned resumable uploads removed", uploads_removed)
    # Object storage: this machine's local copies nobody used for a while (fetched again
    # when needed); partial uploads are not copies.
    copies_removed = media_prune_mirror(settings.MEDIA_CACHE_SECONDS, skip=(PARTIAL_FOLDER,))
    if copies_removed:
        logger.info("reaper: %d unused local copies of stored media removed", copies_removed)
    if any(counts.values()):
        logger.warning("reaper: %s", counts)
    return counts
