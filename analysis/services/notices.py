"""What people are told about an analysis (notifications.services says who hears what)."""

from __future__ import annotations

from analysis.models import Analysis, AnalysisStatus
from athletes.selectors import coaches_of
from notifications.models import NotificationKind
from notifications.services import notify, people, set_name


def notify_analysis_finished(analysis_id: int) -> int:
    """The analysis is done or failed (by its worker or the reaper); other states: nothing."""
    analysis = (
        Analysis.objects.select_related("session__athlete", "session__uploaded_by")
        .filter(pk=analysis_id)
        .first()
    )
    if analysis is None or analysis.status not in (AnalysisStatus.DONE, AnalysisStatus.FAILED):
        return 0
    session = analysis.session
    involved = [session.athlete, session.uploaded_by]
    if analysis.status == AnalysisStatus.DONE:
        reps = f"{analysis.rep_count} rep{'s' if analysis.rep_count != 1 else ''}"
        text = f"{session.athlete.username}'s {set_name(session)} is analysed: {reps}."
        return notify(
            NotificationKind.ANALYSIS_DONE,
            session,
            people(involved, coaches_of(session.athlete)),
            text,
        )
    reason = (analysis.error or "no reason stored").strip()
    text = f"The analysis of {session.athlete.username}'s {set_name(session)} failed: {reason}"
    return notify(NotificationKind.ANALYSIS_FAILED, session, people(involved), text)
