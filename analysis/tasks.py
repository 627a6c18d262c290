"""django-q2 entry points: take an id, call a service, nothing more."""

from analysis.services import (
    analysis_run,
    analysis_video_redraw,
    detector_rescore,
    training_run_execute,
)


def analysis_run_task(analysis_id: int) -> str:
    analysis = analysis_run(analysis_id)
    return analysis.status if analysis else "missing"


def training_run_task(run_id: int) -> str:
    run = training_run_execute(run_id)
    return run.status if run else "missing"


def detector_rescore_task(version_id: int) -> int:
    return detector_rescore(version_id)


def analysis_video_redraw_task(analysis_id: int) -> bool:
    return analysis_video_redraw(analysis_id)
