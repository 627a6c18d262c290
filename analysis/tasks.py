"""django-q2 entry points: take an id, call a service, nothing more."""

from analysis.services import analysis_run


def analysis_run_task(analysis_id: int) -> str:
    analysis = analysis_run(analysis_id)
    return analysis.status if analysis else "missing"
