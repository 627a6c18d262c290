"""A coach corrects a set's rep count: "not a rep", restore, count a candidate, move a rep.

One home for the rules. A rep marked "not a rep" keeps its row and files (`counted` False)
for the history and a restore; everything downstream reads `Rep.objects.counted()`. A moved
or counted span is rebuilt from the 30 fps track kept beside the report
(`pipeline.respan.rebuild_rep`: image, kinematics, and a verdict from the active detector),
never by pose estimation again. After every correction, in one transaction with the
analysis row locked (two coaches may race): the set's reps are renumbered in time order
(counted 1..n, uncounted after them), `rep_count` is the number of counted reps, a
`RepCorrection` says who did what, and the annotated video is redrawn in the background.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from analysis.models import (
    CORRECTION_NOTE_MAX,
    Analysis,
    AnalysisStatus,
    CorrectionKind,
    CountedBy,
    Rep,
    RepCorrection,
)
from analysis.selectors.reps import rep_labelable_queryset
from analysis.services.analyses import REP_FILE_FIELDS, pipeline_rep_fields
from analysis.services.personal import personal_refresh_for
from analysis.services.verdicts import rep_images, verdict_store
from analysis.services.videos import analysis_video_redraw_enqueue
from coach_platform.jsonable import jsonable
from coach_platform.storage import media_path, media_publish, media_remove, media_root
from core import lifts
from core.result import image_kind
from detectors.selectors import detector_active
from detectors.services import fault_thresholds, judge_load

logger = logging.getLogger(__name__)

MESSAGE_FORBIDDEN = "Only the athlete's coaches and admins may correct the rep count."
MESSAGE_NO_TRACK = "This analysis predates count corrections: run it again to correct its reps."
MESSAGE_NOT_DONE = "Reps can be corrected once the analysis has finished."
MESSAGE_IMPORTED = "Imported reps have no video: there is no count to correct."
CORRECTED_PREFIX = "corrected-"  # files of rebuilt reps: reps/corrected-<rep>-<random>.*
_RENUMBER_OFFSET = 1_000_000  # first phase of renumbering: out of the way of 1..n


# --- permission -----------------------------------------------------------------------------
def rep_count_authorize(*, analysis: Analysis, author) -> None:
    """The labelling rule (`selectors.reps.rep_labelable_queryset`) for a whole set: the
    athlete's coaches and admins; athletes see the corrected set but cannot correct it."""
    if not rep_labelable_queryset(author).filter(analysis=analysis).exists():
        raise PermissionDenied(MESSAGE_FORBIDDEN)


def rep_correct_authorize(*, rep: Rep, author) -> None:
    """`rep_count_authorize` for one rep; an imported rep (no video) has no count to correct."""
    if rep.analysis_id is None:
        if not rep_labelable_queryset(author).filter(pk=rep.pk).exists():
            raise PermissionDenied(MESSAGE_FORBIDDEN)
        raise ValidationError({"rep": MESSAGE_IMPORTED})
    rep_count_authorize(analysis=rep.analysis, author=author)


# --- shared steps ---------------------------------------------------------------------------
SPAN_FIELDS = ("start_frame", "lockout_frame", "end_frame", "start_s", "lockout_s", "end_s")


def _state(rep: Rep) -> dict[str, Any]:
    """What a correction changes, as kept in its history (before/after)."""
    return {
        "index": rep.index,
        **{field: getattr(rep, field) for field in SPAN_FIELDS},
        "counted": rep.counted,
        "counted_by": rep.counted_by,
    }


def _locked_analysis(analysis_id: int) -> Analysis:
    """The analysis row, locked until the transaction ends: corrections of one set queue."""
    analysis = Analysis.objects.select_for_update().select_related("session").get(pk=analysis_id)
    if analysis.status != AnalysisStatus.DONE:
        raise ValidationError({"analysis": MESSAGE_NOT_DONE})
    return analysis


def _renumber(analysis: Analysis) -> int:
    """Counted reps 1..n by start frame, uncounted ones after them; `rep_count` = n.
    Two phases, so the unique (analysis, index) never sees two rows on one number."""
    reps = list(analysis.reps.order_by("start_frame", "pk").values_list("pk", "counted", "index"))
    order = [pk for pk, counted, _ in reps if counted] + [
        pk for pk, counted, _ in reps if not counted
    ]
    wanted = {pk: i for i, pk in enumerate(order, start=1)}
    moving = [pk for pk, _, index in reps if wanted[pk] != index]
    if moving:
        Rep.objects.filter(pk__in=moving).update(index=F("index") + _RENUMBER_OFFSET)
        for pk in moving:
            Rep.objects.filter(pk=pk).update(index=wanted[pk])
    counted = sum(1 for _, c, _ in reps if c)
    Analysis.objects.filter(pk=analysis.pk).update(rep_count=counted)
    analysis.rep_count = counted
    return counted


def _record(analysis: Analysis, rep: Rep, kind: str, before: dict, note: str, author) -> None:
    """After a correction: renumber the set, keep who did what in its history, and redraw
    the annotated video once the transaction is committed."""
    _renumber(analysis)
    personal_refresh_for([rep])  # a rep counted, moved or left out: the baseline's reps
    rep.refresh_from_db()
    RepCorrection.objects.create(
        analysis=analysis, rep=rep, kind=kind, before=before, after=_state(rep), note=note,
        author=author,
    )  # fmt: skip
    analysis_id = analysis.pk
    transaction.on_commit(lambda: analysis_video_redraw_enqueue({analysis_id}))


def _active_judge(analysis_id: int):
    """(version, judge) of the active detector, or (None, None) when none can judge the
    reps of the analysis `analysis_id` (none loads, or it judges another lift's)."""
    version = detector_active()
    if version is None:
        return None, None
    try:
        judge = judge_load(version)
    except Exception:
        logger.exception("detector %s could not be loaded for a corrected rep", version.name)
        return None, None
    seen = Analysis.objects.filter(pk=analysis_id).values_list("exercise_detected", flat=True)
    if lifts.judge_lift(judge) != lifts.of_exercise(seen.first() or "").name:
        return None, None
    return version, judge


def _rebuild(analysis: Analysis, *, rep_pk: int | str, index: int, span, judge, evidence=None):
    """The pipeline's rep on a span (files written under the analysis folder), or a
    ValidationError with the coach's sentence."""
    from core.pipeline.respan import TRACK_FILE, SpanRefused, rebuild_rep

    out_dir = media_root() / analysis.output_dir
    for file in (TRACK_FILE, "report.json"):  # what rebuild_rep reads
        media_path(f"{analysis.output_dir}/{file}")
    name = f"{CORRECTED_PREFIX}{rep_pk}-{secrets.token_hex(3)}"
    try:
        built = rebuild_rep(
            out_dir,
            index=index,
            start_frame=span[0],
            lockout_frame=span[1],
            end_frame=span[2],
            name=name,
            judge=judge,
            evidence=evidence,
            fault_thresholds=fault_thresholds(detector_active()),
        )
    except SpanRefused as error:
        raise ValidationError({"span": str(error)}) from error
    except FileNotFoundError as error:
        raise ValidationError({"analysis": MESSAGE_NO_TRACK}) from error
    for field in REP_FILE_FIELDS:
        if getattr(built, field):
            media_publish(out_dir / getattr(built, field))
    return out_dir, built


def _remove_files_later(paths: list[str]) -> None:
    """Files of an earlier correction, removed once the new ones are committed (the
    pipeline's own files stay: report.json names them)."""

    def remove() -> None:
        for key in paths:
            if key and key.rsplit("/", 1)[-1].startswith(CORRECTED_PREFIX):
                media_remove(key)

    transaction.on_commit(remove)


def _whole(value: Any, field: str, what: str = "A frame number") -> int:
    """A whole number 0 or more from a form or JSON value, else a ValidationError on
    `field`."""
    message = f"{what} is a whole number, 0 or more."
    if isinstance(value, bool) or value is None:
        raise ValidationError({field: message})
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise ValidationError({field: message}) from error
    if number < 0:
        raise ValidationError({field: message})
    return number


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > CORRECTION_NOTE_MAX:
        raise ValidationError(
            {"note": f"The note is longer than {CORRECTION_NOTE_MAX} characters."}
        )
    return note


# --- the corrections ------------------------------------------------------------------------
def rep_not_a_rep(*, rep: Rep, author, note: str = "") -> Rep:
    """Take a rep out of the count (verdict lists, flags, progress, CSV, training); its row
    and files stay for the history and a restore."""
    rep_correct_authorize(rep=rep, author=author)
    note = _note(note)
    with transaction.atomic():
        analysis = _locked_analysis(rep.analysis_id)
        rep = Rep.objects.get(pk=rep.pk)
        if not rep.counted:
            return rep  # a repeated click: no second history row
        before = _state(rep)
        Rep.objects.filter(pk=rep.pk).update(counted=False)
        _record(analysis, rep, CorrectionKind.NOT_A_REP, before, note, author)
    return rep


def rep_restore(*, rep: Rep, author, note: str = "") -> Rep:
    """Count a rep marked "not a rep" again. Judged again when a newer detector became
    active meanwhile (re-scoring skips uncounted reps)."""
    rep_correct_authorize(rep=rep, author=author)
    note = _note(note)
    version, judge = _active_judge(rep.analysis_id)
    with transaction.atomic():
        analysis = _locked_analysis(rep.analysis_id)
        rep = Rep.objects.get(pk=rep.pk)
        if rep.counted:
            return rep
        before = _state(rep)
        Rep.objects.filter(pk=rep.pk).update(counted=True)
        if judge is not None and rep.detector_version_id != version.pk:
            kept, images = rep_images([rep], image_kind(judge))
            if kept:
                verdict_store(rep, version, judge.judge(images, [rep.camera_view])[0])
        _record(analysis, rep, CorrectionKind.RESTORED, before, note, author)
    return rep


def rep_move(
    *, rep: Rep, author, start_frame: Any, lockout_frame: Any, end_frame: Any, note: str = ""
) -> Rep:
    """Move a rep's start, lockout and end (input frame numbers): its image, kinematics and
    verdict are rebuilt from the kept track. The coach's label stays (it is about the lift,
    not the frames)."""
    rep_correct_authorize(rep=rep, author=author)
    span = (
        _whole(start_frame, "start_frame"),
        _whole(lockout_frame, "lockout_frame"),
        _whole(end_frame, "end_frame"),
    )
    note = _note(note)
    version, judge = _active_judge(rep.analysis_id)
    with transaction.atomic():
        analysis = _locked_analysis(rep.analysis_id)
        rep = Rep.objects.get(pk=rep.pk)
        if (rep.start_frame, rep.lockout_frame, rep.end_frame) == span:
            return rep
        before = _state(rep)
        old_files = [getattr(rep, f) for f in REP_FILE_FIELDS]
        out_dir, built = _rebuild(
            analysis, rep_pk=rep.pk, index=rep.index, span=span, judge=judge,
            evidence=rep.evidence or None,
        )  # fmt: skip
        fields = pipeline_rep_fields(out_dir, built)
        Rep.objects.filter(pk=rep.pk).update(**fields)
        verdict_store(rep, version, built)
        _remove_files_later(old_files)
        _record(analysis, rep, CorrectionKind.MOVED, before, note, author)
    return rep


def candidate_count(
    *,
    analysis: Analysis,
    candidate: Any,
    author,
    note: str = "",
    start_frame: Any = None,
) -> Rep:
    """Count a rise the counter left out (`candidate`: its place in `analysis.candidates`)
    as a rep: a new rep counted by the coach, built on the candidate's span; the candidate
    leaves the list and stays in the correction's history. `start_frame`, when given, is the
    candidate's as the coach saw it: two coaches counting the same one do not count the next
    one by mistake (the list shifts when one is counted)."""
    analysis = Analysis.objects.select_related("session").get(pk=analysis.pk)
    rep_count_authorize(analysis=analysis, author=author)
    position = _whole(candidate, "candidate", "A candidate's number")
    note = _note(note)
    version, judge = _active_judge(analysis.pk)
    with transaction.atomic():
        analysis = _locked_analysis(analysis.pk)
        candidates = list(analysis.candidates or [])
        if position >= len(candidates) or not isinstance(candidates[position], dict):
            raise ValidationError({"candidate": "There is no such candidate (any more)."})
        chosen = candidates[position]
        if start_frame not in (None, "") and str(chosen.get("start_frame")) != str(start_frame):
            raise ValidationError(
                {"candidate": "The candidates changed meanwhile (another coach counted one)."}
            )
        try:
            span = tuple(int(chosen[k]) for k in ("start_frame", "lockout_frame", "end_frame"))
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError({"candidate": "This candidate has no usable span."}) from error
        evidence = {
            "counted_by": CountedBy.COACH,
            "candidate": {"kind": chosen.get("kind"), "reason": chosen.get("reason")},
        }
        index = (analysis.reps.order_by("-index").values_list("index", flat=True).first() or 0) + 1
        out_dir, built = _rebuild(
            analysis, rep_pk=f"c{analysis.pk}", index=index, span=span, judge=judge,
            evidence=evidence,
        )  # fmt: skip
        rep = Rep.objects.create(
            analysis=analysis,
            index=index,
            group=f"session-{analysis.session_id}",
            counted=True,
            counted_by=CountedBy.COACH,
            confidence=None,  # the coach's decision, not the counter's
            evidence=jsonable(evidence),
            **pipeline_rep_fields(out_dir, built),
        )
        verdict_store(rep, version, built)
        del candidates[position]
        Analysis.objects.filter(pk=analysis.pk).update(candidates=candidates)
        analysis.candidates = candidates
        _record(
            analysis,
            rep,
            CorrectionKind.COUNTED_CANDIDATE,
            {"candidate": jsonable(chosen), "position": position},
            note,
            author,
        )
    return rep
