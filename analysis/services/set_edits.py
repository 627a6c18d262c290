"""Fixing a set: its people correct its load, date, lift and the span of the video it is
analysed on; one home for the API's PATCH and the review page's forms.

The details' rules and who may change them are the set's (`sets.services`); what needs a new
analysis is decided here. A load or a date is a field: progress, volume and the estimated
1RM read it, so they follow at once. A lift said is analysed again as that lift (the
"analyse as" rule, `analysis_analyse_as`): when it differs from the set's lift, and when the
set failed and was not analysed as that lift (a set analysed as the wrong lift does not stay
failed once its lift is corrected). A new span is analysed again on what it keeps. A set
whose analysis is queued or running is not started over (refused with a sentence), and
then nothing of the request is stored: all or nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from analysis.models import Analysis, AnalysisStatus
from analysis.services.analyses import analysis_analyse_again, analysis_analyse_as
from sets.models import Exercise, TrainingSession
from sets.services import (
    DETAIL_FIELDS,
    TRIM_FIELDS,
    session_details_update,
    session_edit_authorize,
)

logger = logging.getLogger(__name__)

EDITABLE = (*DETAIL_FIELDS, "exercise")
MESSAGE_NOTHING = (
    "Nothing to change: send any of load_kg, performed_at, exercise, trim_start_s, trim_end_s."
)
MESSAGE_NO_ANALYSIS = "This set has no analysis to run again."


@dataclass
class SetFixed:
    """What a correction did: the fields that changed, and whether the set is analysed
    again (as `lift`, when its lift was said)."""

    changed: list[str] = field(default_factory=list)
    analysed_again: bool = False
    lift: str = ""


def session_edit(*, session: TrainingSession, user, changes: dict[str, Any]) -> SetFixed:
    """Correct a set (`changes`: any of EDITABLE) for `user`, who must be one of its people
    (`sets.selectors.session_can_edit`); refused with a sentence (ValidationError,
    PermissionDenied) and then nothing is changed."""
    session_edit_authorize(session=session, user=user)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    if not changes:
        raise ValidationError(MESSAGE_NOTHING)
    details = {k: v for k, v in changes.items() if k in DETAIL_FIELDS}
    lift = changes.get("exercise")
    if "exercise" in changes and lift not in Exercise.values:
        raise ValidationError({"exercise": f"Choose one of: {', '.join(Exercise.values)}."})
    analysis = Analysis.objects.filter(session=session).first()
    lift_again = lift is not None and _lift_needs_analysis(session, analysis, lift)
    span_again = any(f in details and details[f] != getattr(session, f) for f in TRIM_FIELDS)
    if (lift_again or span_again) and analysis is None:
        raise ValidationError({"status": MESSAGE_NO_ANALYSIS})
    duration = float((analysis.video_info or {}).get("duration_s") or 0) if analysis else None
    done = SetFixed()
    with transaction.atomic():
        if details:
            done.changed = session_details_update(
                session=session, user=user, changes=details, duration_s=duration
            )
        if lift_again:
            analysis_analyse_as(analysis=analysis, lift=lift)  # refused while it runs
            done.changed.append("exercise")
            done.analysed_again, done.lift = True, lift
        elif span_again:
            analysis_analyse_again(analysis=analysis)  # refused while it runs
            done.analysed_again = True
    if done.analysed_again:
        logger.info("session %s analysed again after a correction by %s", session.pk, user.pk)
    session.refresh_from_db()
    return done


def _lift_needs_analysis(session: TrainingSession, analysis: Analysis | None, lift: str) -> bool:
    """A lift said is analysed when it is not the set's lift, or when the set failed without
    being analysed as it (the form says the lift it shows with every correction: a set
    done as its lift is left as it is)."""
    if lift != session.exercise:
        return True
    return (
        analysis is not None
        and analysis.status == AnalysisStatus.FAILED
        and analysis.lift_forced != lift
    )
