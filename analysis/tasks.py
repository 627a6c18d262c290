"""django-q2 entry points: take an id, call a service, nothing more."""

from analysis.services import (
    analysis_export_make,
    analysis_playable_make,
    analysis_run_next,
    analysis_video_redraw,
    detector_rescore,
    jobs_reap,
    training_run_execute,
)


def analysis_run_task(analysis_id: int) -> str:
    """Enqueued once per queued analysis (`analysis_id` names it in the task list), it runs
    the next queued analysis by fairness, which may be another one: as many tasks as queued
    analyses, so every one runs; a task that finds nothing queued does nothing."""
    analysis = analysis_run_next()
    return f"analysis {analysis.pk}: {analysis.status}" if analysis else "nothing queued"


def training_run_task(run_id: int) -> str:
    run = training_run_execute(run_id)
    return run.status if run else "missing"


def detector_rescore_task(version_id: int) -> int:
    return detector_rescore(version_id)


def analysis_video_redraw_task(analysis_id: int) -> bool:
    return analysis_video_redraw(analysis_id)


def analysis_playable_task(analysis_id: int) -> str:
    return analysis_playable_make(analysis_id)


def analysis_export_task(analysis_id: int) -> str:
    return analysis_export_make(analysis_id)


def jobs_reap_task() -> dict[str, int]:
    """Every minute (a django-q2 schedule): dead workers' jobs failed, lost tasks enqueued."""
    return jobs_reap()
