"""The dotted names django-q2 knows the analyses' tasks by: the reaper's schedule (migration
0005) and tasks queued before an upgrade name them here. Each task lives beside its service
and is enqueued by its function (`async_task(analysis_run_task, id)`), so the import of the
work it runs is an arrow the layer test sees. (A training run or re-scoring queued under its
old name here before the apps split fails to start: the reaper fails the run, to be started
again; activating the version again re-scores.)"""

from analysis.services.analyses import analysis_run_task
from analysis.services.videos import analysis_export_make as analysis_export_task
from analysis.services.videos import analysis_playable_make as analysis_playable_task
from analysis.services.videos import analysis_video_redraw as analysis_video_redraw_task
from coach_platform.jobs import jobs_reap as jobs_reap_task  # every minute

__all__ = [
    "analysis_export_task",
    "analysis_playable_task",
    "analysis_run_task",
    "analysis_video_redraw_task",
    "jobs_reap_task",
]
