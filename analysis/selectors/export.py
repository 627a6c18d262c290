"""A session's reps as CSV, for coaches who keep their own spreadsheets: the counted reps
only (a rep a coach marked "not a rep" is no lift; the athlete's own data export keeps it,
marked)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from analysis.models import Analysis, Rep
from analysis.selectors.compare import MEASURES

# The compare page's measures, then what only a spreadsheet needs; units are in the names.
KINEMATICS = [key for key, *_ in MEASURES] + [
    "trunk_body_frame_bottom_deg",
    "trunk_body_frame_lockout_deg",
    "bar_forward_of_mid_foot_max_body_heights",
    "asymmetry_wrist_height_body_heights",
    "lockout_complete",
]
# Who and what first (a spreadsheet of many sets stays readable), then the rep's judgement in
# the pages' words (what people see, the platform's outcome before a coach's label, the form
# check's named faults, the movement model's verdict, the coach's label), then measurements.
HEADER = (
    ["athlete", "date", "uploaded_at", "exercise", "load_kg"]
    + ["rep", "start_s", "lockout_s", "end_s"]
    + ["outcome", "outcome_faults", "platform_outcome", "form_check_faults", "not_judged_reason"]
    + ["movement_model", "movement_model_score", "movement_model_threshold", "unusual_joints"]
    + ["model_version"]
    + ["coach_label", "coach_faults", "label_note", "labelled_by"]
    + KINEMATICS
)


def _cell(value: Any) -> Any:
    """Plain cell text; text a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _round(value: Any, places: int) -> Any:
    """A number to `places` decimals (no "-0.0"); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if not math.isfinite(value):
        return None
    return round(value, places) + 0.0  # + 0.0 turns a negative zero into 0.0


def _places(key: str) -> int:
    """Sensible decimals by unit: degrees 1, seconds 2, body heights (fractions) 3."""
    if key.endswith("_deg"):
        return 1
    if key.endswith("_s"):
        return 2
    return 3


def rep_rows(reps: Iterable[Rep]) -> Iterable[list[Any]]:
    for rep in reps:
        session = rep.analysis.session
        kin = rep.kinematics or {}
        row = [
            session.athlete.username,
            session.performed_at.isoformat(),
            timezone.localtime(session.created_at).isoformat(timespec="seconds"),
            session.exercise,
            session.load_kg,
        ]
        row += [rep.index] + [_round(t, 2) for t in (rep.start_s, rep.lockout_s, rep.end_s)]
        row += [rep.outcome.value, rep.outcome_faults, rep.model_outcome.value]
        row += [rep.detected_faults, rep.not_judged_reason]
        movement = {"anomalous": "unusual", "good": "usual"}.get(rep.verdict or "", "")
        row += [movement, _round(rep.score, 3), _round(rep.threshold, 3), rep.joints]
        row += [rep.detector_version.name if rep.detector_version else None]
        row += [rep.label, rep.faults, rep.label_note]
        row += [rep.labelled_by.username if rep.labelled_by else None]
        row += [_round(kin.get(k), _places(k)) for k in KINEMATICS]
        yield [_cell(v) for v in row]


def analysis_reps_csv(analysis: Analysis) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    reps = (
        analysis.reps.counted()
        .select_related("detector_version", "labelled_by", "analysis__session__athlete")
        .order_by("index")
    )
    writer.writerows(rep_rows(reps))
    return out.getvalue()
