"""The dotted names django-q2 knows the platform's tasks by: the reaper's schedule (migration
0005) and tasks queued before an upgrade name them here. Each task lives beside its service
and is enqueued by its function (`async_task(analysis_run_task, id)`), so the import of the
work it runs is an arrow the layer test sees."""

from analysis.services.analyses import analysis_run_task
from analysis.services.detectors import detector_rescore as detector_rescore_task
from analysis.services.reaper import jobs_reap as jobs_reap_task  # every minute
from analysis.services.training_runs import training_run_task
from analysis.services.videos import analysis_export_make as analysis_export_task
from analysis.services.videos import analysis_playable_make as analysis_playable_task
from analysis.services.videos import analysis_video_redraw as analysis_video_redraw_task

__all__ = [
    "analysis_export_task",
    "analysis_playable_task",
    "analysis_run_task",
    "analysis_video_redraw_task",
    "detector_rescore_task",
    "jobs_reap_task",
    "training_run_task",
]
