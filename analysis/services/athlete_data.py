"""An athlete's data as they may take it away: everything in one zip, and which of their reps
already live inside trained detector versions.

Here rather than in `athletes` because it reads analyses, reps, labels and training runs
(analysis may import athletes, never the other way). Consent and deleting the account, which
need nothing of analysis, are in `athletes.privacy`.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from analysis.models import Analysis, Rep
from athletes.models import CoachAssignment, Profile, RosterInvitation
from athletes.selectors import AnyUser, email_confirmed
from coach_platform.media import served_type
from coach_platform.storage import media_path
from sets.models import TrainingSession

README = """\
{title}
{underline}

Exported for {username} on {when} (UTC).

account.json
    Your account: username, e-mail, when you joined, your answer about training the
    form detector (and when you gave it), your coaches and roster invitations.

sessions/<date>-session-<id>/
    One folder per set you uploaded (or a coach uploaded for you):

    session.json
        The session (date, load, notes, who uploaded it, the original file name), the
        analysis summary (status, timings, warnings, detector version), every rep
        (times, kinematics, the detector's verdict and its history, your coaches' label
        with fault tags, note and the full history of label changes; whether the rep
        counts: "counted": false is a rep your coach marked "not a rep", with who and
        when in "count_corrections") and the comments on the session (author, time, text,
        drawing, voice-over; a comment about one rep names its number).
    video.<ext>
        The video exactly as it was uploaded (its original file name is in session.json).
    comments/comment-<id>.weba (or .m4a)
        Each voice-over: the recording a comment carries, played at its video time.
    reps/rep-<number>.png
        Each rep's SkeleMotion image: the movement of your skeleton over the rep, the
        picture the detector judges. It shows no face and no background.

Times are ISO 8601 in UTC. Lengths are in body heights unless a name says otherwise.
Files that were missing on the server are listed in session.json with "file": null.
"""

STORED = zipfile.ZIP_STORED  # videos and PNGs are compressed already
DEFLATED = zipfile.ZIP_DEFLATED


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user) -> str | None:
    return user.username if user is not None else None


def _video_suffix(stored_name: str) -> str:
    """The suffix the server stored the video under (chosen from what it decoded as, not
    from the uploaded name); anything unexpected becomes `.bin`, never `.html`."""
    suffix = Path(stored_name or "").suffix.lower()
    return suffix if served_type(stored_name or "")[0].startswith("video/") else ".bin"


def _account(athlete: AnyUser) -> dict[str, Any]:
    profile = Profile.objects.filter(user_id=athlete.pk).first()
    coaches = CoachAssignment.objects.filter(athlete=athlete).select_related("coach")
    invitations = RosterInvitation.objects.filter(athlete=athlete).select_related("coach")
    return {
        "username": athlete.username,
        "email": athlete.email,
        "first_name": athlete.first_name,
        "last_name": athlete.last_name,
        "date_joined": _iso(athlete.date_joined),
        "last_login": _iso(athlete.last_login),
        "role": profile.role if profile else None,
        "training_consent": profile.training_consent if profile else None,
        "consent_changed_at": _iso(profile.consent_changed_at) if profile else None,
        "email_confirmed": email_confirmed(athlete),
        "email_pending": (profile.pending_email or None) if profile else None,
        "coaches": [{"coach": a.coach.username, "since": _iso(a.created_at)} for a in coaches],
        "roster_invitations": [
            {
                "coach": i.coach.username,
                "status": i.status,
                "created_at": _iso(i.created_at),
                "responded_at": _iso(i.responded_at),
            }
            for i in invitations
        ],
    }


def _analysis(analysis: Analysis | None) -> dict[str, Any] | None:
    if analysis is None:
        return None
    return {
        "status": analysis.status,
        "error": analysis.error,
        "queued_at": _iso(analysis.queued_at),
        "started_at": _iso(analysis.started_at),
        "finished_at": _iso(analysis.finished_at),
        "exercise_detected": analysis.exercise_detected,
        "lift_probabilities": analysis.lift_probabilities,
        "rep_count": analysis.rep_count,
        "uncounted_rises": analysis.candidates,
        "video_info": analysis.video_info,
        "warnings": analysis.warnings,
        "timings_ms": analysis.timings_ms,
        "detector_version": analysis.detector_version.name if analysis.detector_version else None,
    }


def _rep(rep: Rep, image: str | None) -> dict[str, Any]:
    return {
        "number": rep.index,
        "start_s": rep.start_s,
        "lockout_s": rep.lockout_s,
        "end_s": rep.end_s,
        "start_frame": rep.start_frame,
        "lockout_frame": rep.lockout_frame,
        "end_frame": rep.end_frame,
        "complete": rep.complete,
        "stages": rep.stages,
        "kinematics": rep.kinematics,
        "image": {"file": image},
        "verdict": {
            "verdict": rep.verdict,
            "score": rep.score,
            "threshold": rep.threshold,
            "deviating_joints": rep.joints,
            "detector_version": rep.detector_version.name if rep.detector_version else None,
            "judged_at": _iso(rep.judged_at),
        },
        "verdict_history": [
            {
                "detector_version": v.detector_version.name,
                "verdict": v.verdict,
                "score": v.score,
                "threshold": v.threshold,
                "deviating_joints": v.joints,
                "created_at": _iso(v.created_at),
            }
            for v in rep.verdicts.all()
        ],
        "label": {
            "label": rep.label,
            "faults": rep.faults,
            "note": rep.label_note,
            "labelled_by": _name(rep.labelled_by),
            "labelled_at": _iso(rep.labelled_at),
        },
        "label_history": [
            {
                "author": _name(h.author),
                "from_label": h.from_label,
                "to_label": h.to_label,
                "from_faults": h.from_faults,
                "to_faults": h.to_faults,
                "note": h.note,
                "created_at": _iso(h.created_at),
            }
            for h in rep.label_history.all()
        ],
        "excluded_from_training": rep.excluded,
        "exclusion_reason": rep.exclusion_reason,
        # A rep a coach marked "not a rep" is kept here, marked: it is still the athlete's
        # data (its image, its history), though no count, chart or CSV shows it.
        "counted": rep.counted,
        "counted_by": rep.counted_by,
        "count_confidence": rep.confidence,
        "count_corrections": [
            {
                "kind": c.kind,
                "author": _name(c.author),
                "before": c.before,
                "after": c.after,
                "note": c.note,
                "created_at": _iso(c.created_at),
            }
            for c in rep.corrections.all()
        ],
    }


def _write_file(zf: zipfile.ZipFile, relative: str, arcname: str) -> str | None:
    """Copy a stored file into the zip uncompressed; its name in the zip, or None."""
    path = media_path(relative)
    if path is None:
        return None
    zf.write(path, arcname, compress_type=STORED)
    return arcname


def _voice_over(zf: zipfile.ZipFile, comment, folder: str) -> dict[str, Any]:
    """A comment's recording into the zip (its stored suffix when it is sound, else .bin):
    its file name there (None when it was missing) and length."""
    suffix = Path(comment.audio).suffix.lower()
    suffix = suffix if served_type(comment.audio)[0].startswith("audio/") else ".bin"
    written = _write_file(zf, comment.audio, f"{folder}/comments/comment-{comment.pk}{suffix}")
    return {
        "file": written.split("/", 2)[-1] if written else None,
        "duration_s": comment.audio_duration_s,
    }


def _write_session(zf: zipfile.ZipFile, session: TrainingSession) -> None:
    folder = f"sessions/{session.performed_at.isoformat()}-session-{session.pk}"
    video = _write_file(
        zf, session.video.name, f"{folder}/video{_video_suffix(session.video.name)}"
    )
    try:
        analysis = session.analysis
    except Analysis.DoesNotExist:
        analysis = None
    reps = []
    if analysis is not None:
        queryset = analysis.reps.select_related("detector_version", "labelled_by").prefetch_related(
            "verdicts__detector_version",
            "label_history__author",
            "corrections__author",
        )
        for rep in queryset.order_by("index"):
            image = _write_file(zf, rep.image, f"{folder}/reps/rep-{rep.index:02d}.png")
            reps.append(_rep(rep, image))
    comments = [
        {
            "author": _name(c.author),
            "created_at": _iso(c.created_at),
            "body": c.body,
            "rep": c.rep.index if c.rep else None,
            "video_time_s": c.video_time_s,
            "drawing": c.drawing,  # shapes in fractions of the picture; angles with degrees
            **({"voice_over": _voice_over(zf, c, folder)} if c.audio else {}),
        }
        for c in session.comments.select_related("author", "rep")
    ]
    data = {
        "session": {
            "id": session.pk,
            "exercise": session.exercise,
            "performed_at": session.performed_at.isoformat(),
            "load_kg": float(session.load_kg) if session.load_kg is not None else None,
            "notes": session.notes,
            "created_at": _iso(session.created_at),
            "uploaded_by": _name(session.uploaded_by),
            "original_filename": session.original_filename,
            "video_size": session.video_size,
            "video": {"file": video.rsplit("/", 1)[-1] if video else None},
            "reviewed_at": _iso(session.reviewed_at),
            "reviewed_by": _name(session.reviewed_by),
        },
        "analysis": _analysis(analysis),
        "reps": reps,
        "comments": comments,
    }
    zf.writestr(
        f"{folder}/session.json",
        json.dumps(data, indent=2, ensure_ascii=False),
        compress_type=DEFLATED,
    )


def athlete_export(athlete: AnyUser) -> IO[bytes]:
    """Everything of `athlete`'s as a zip in a temporary file, rewound, for the caller to
    stream and close (closing deletes it). Only their own sessions are read."""
    # Videos can be hundreds of megabytes: build on disk, never in memory. The response
    # closes the file once it is sent (or on error here), which deletes it.
    tmp = tempfile.TemporaryFile(suffix=".zip", dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            title = f"Your data from {settings.SITE_NAME}"
            readme = README.format(
                title=title,
                underline="=" * len(title),
                username=athlete.username,
                when=timezone.now().strftime("%Y-%m-%d %H:%M"),
            )
            zf.writestr("README.txt", readme, compress_type=DEFLATED)
            zf.writestr(
                "account.json",
                json.dumps(_account(athlete), indent=2, ensure_ascii=False),
                compress_type=DEFLATED,
            )
            sessions = TrainingSession.objects.filter(athlete=athlete).select_related(
                "uploaded_by", "reviewed_by", "analysis__detector_version"
            )
            for session in sessions.order_by("performed_at", "pk"):
                _write_session(zf, session)
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    return tmp


def athlete_export_filename(athlete: AnyUser) -> str:
    return (
        f"{slugify(settings.SITE_NAME)}-{athlete.username}-{timezone.localdate().isoformat()}.zip"
    )
