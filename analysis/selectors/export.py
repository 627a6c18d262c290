"""A session's reps as CSV, for coaches who keep their own spreadsheets: the counted reps
only (a rep a coach marked "not a rep" is no lift; the athlete's own data export keeps it,
marked)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from analysis.models import Analysis, Rep
from analysis.selectors.compare import MEASURES

# The compare page's measures, then what only a spreadsheet needs; units are in the names.
KINEMATICS = [key for key, *_ in MEASURES] + [
    "asymmetry_wrist_height_body_heights",
    "lockout_complete",
]
HEADER = (
    ["rep", "start_s", "lockout_s", "end_s"]
    + KINEMATICS
    + ["outcome", "outcome_faults", "model_outcome", "detected_faults", "not_judged_reason"]
    + ["verdict", "score", "threshold", "deviating_joints", "detector_version"]
    + ["coach_label", "faults", "label_note", "labelled_by"]
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


def rep_rows(reps: Iterable[Rep]) -> Iterable[list[Any]]:
    for rep in reps:
        kin = rep.kinematics or {}
        row = [rep.index, rep.start_s, rep.lockout_s, rep.end_s]
        row += [kin.get(k) for k in KINEMATICS]
        row += [rep.outcome.value, rep.outcome_faults, rep.model_outcome.value]
        row += [rep.detected_faults, rep.not_judged_reason]
        row += [rep.verdict, rep.score, rep.threshold, rep.joints]
        row += [rep.detector_version.name if rep.detector_version else None]
        row += [rep.label, rep.faults, rep.label_note]
        row += [rep.labelled_by.username if rep.labelled_by else None]
        yield [_cell(v) for v in row]


def analysis_reps_csv(analysis: Analysis) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    reps = (
        analysis.reps.counted().select_related("detector_version", "labelled_by").order_by("index")
    )
    writer.writerows(rep_rows(reps))
    return out.getvalue()
