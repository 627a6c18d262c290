"""Fixing a set: its athlete and coaches correct the load, the date and the lift (a new lift
is analysed again as it), the span of the video it is analysed on (analysed again on what is
kept); its athlete deletes it (rows and files, for everyone). Through the API (`PATCH` and
`DELETE /api/sessions/{id}/`) and the review page's forms, one service behind both
(analysis/services/set_edits.py, sets/services.py).

The pipeline is replaced by a stand-in where what is tested is what the platform does with
its answer; the last tests run the real pipeline on a shared clip, trimmed."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import Analysis, Rep, RepCorrection, RepVerdict
from analysis.selectors.sessions import progress_points
from coach_platform.storage import media_publish, media_root
from core.result import AnalysisResult, Exercise, VideoInfo
from core.result import Rep as PipelineRep
from notifications.models import Notification
from reviews.models import Comment, RepLabel, SessionReadMarker
from sets.models import LOAD_MAX_KG, TrainingSession
from sharing.models import ShareLink
from tests.conftest import make_session, shared_path, stored_files

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(session) -> str:
    return f"/api/sessions/{session.pk}/"


def _status(session, status: str, **fields) -> None:
    Analysis.objects.filter(session=session).update(status=status, **fields)


def _pipeline(calls: list, *, seen: str = "deadlift", during=None):
    """A stand-in for core.pipeline.run.analyze_video: records how it was asked (its
    keyword arguments), writes into its folder as the real one does, sees one rep of `seen`
    (or of the lift it was told); `during()` runs in the middle (a deletion, say)."""

    def pipeline(video, out_dir, **kwargs):
        calls.append(kwargs)
        (Path(out_dir) / "reps").mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "report.json").write_text("{}")
        if during is not None:
            during()
        info = VideoInfo(path=str(video), frames=90, fps=30.0, width=64, height=64, duration_s=3)
        rep = PipelineRep(1, 30, 40, 55, 1.0, 1.33, 1.83, True, {}, {})
        lift = kwargs.get("lift") or seen
        exercise = Exercise(lift, True, f"{lift}, 1 rep.", {lift: 0.9, "other": 0.1})
        return AnalysisResult(info, exercise, [rep], {}, 90, 90)

    return pipeline


# --- the load and the date ---------------------------------------------------------------
def test_the_athlete_and_their_coach_correct_the_load_and_the_date(athlete_a, coach_a):
    session = make_session(athlete_a)
    answer = _api(athlete_a).patch(_url(session), {"load_kg": "142.5"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["load_kg"] == "142.5" and body["status"] == "done"  # no new analysis
    assert body["can_edit"] and body["can_delete"]
    day = timezone.localdate() - timedelta(days=3)
    answer = _api(coach_a).patch(_url(session), {"performed_at": day.isoformat()}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["performed_at"] == day.isoformat()
    assert answer.json()["can_edit"] and not answer.json()["can_delete"]
    session.refresh_from_db()
    assert session.load_kg == Decimal("142.5") and session.performed_at == day
    assert session.analysis.status == "done"
    # Progress, volume and the estimated 1RM read the fields: they follow at once.
    (point,) = progress_points([session])
    assert point["date"] == day.isoformat() and point["load_kg"] == 142.5
    assert point["volume_kg"] == 285.0 and point["e1rm_kg"] == round(142.5 * 32 / 30, 1)
    # A load cleared (null) is no load: no volume, no 1RM.
    assert _api(athlete_a).patch(_url(session), {"load_kg": None}, format="json").status_code == 200
    (point,) = progress_points([TrainingSession.objects.get(pk=session.pk)])
    assert point["load_kg"] is None and point["e1rm_kg"] is None


def test_whoever_may_not_see_the_set_finds_nothing(athlete_a, athlete_b, coach_other):
    session = make_session(athlete_a)
    for stranger in (athlete_b, coach_other):
        api = _api(stranger)
        assert api.patch(_url(session), {"load_kg": "1"}, format="json").status_code == 404
        assert api.delete(_url(session)).status_code == 404
    anonymous = APIClient().patch(_url(session), {"load_kg": "1"}, format="json")
    assert anonymous.status_code == 401
    session.refresh_from_db()
    assert session.load_kg is None


@pytest.mark.parametrize(
    "body, field, sentence",
    [
        ({"load_kg": str(LOAD_MAX_KG + 1)}, "load_kg", f"The load is from 0 to {LOAD_MAX_KG} kg."),
        ({"load_kg": "-5"}, "load_kg", f"The load is from 0 to {LOAD_MAX_KG} kg."),
        ({"load_kg": "heavy"}, "load_kg", "A valid number is required."),
        ({"performed_at": "2999-01-01"}, "performed_at", "cannot be in the future"),
        ({"performed_at": "1850-06-01"}, "performed_at", "cannot be before 1900"),
        ({"performed_at": None}, "performed_at", "may not be null"),
        ({"exercise": "push_up"}, "exercise", "not a valid choice"),
        ({"trim_start_s": 2.0, "trim_end_s": 1.5}, "trim_end_s", "The end comes after the start"),
        ({"trim_start_s": -1}, "trim_start_s", "at 0 s or later"),
        ({"trim_end_s": 9.0}, "trim_end_s", "The video is 3.0 s long"),
        ({"trim_start_s": 3.5}, "trim_start_s", "The video is 3.0 s long"),
        ({"trim_start_s": 1.0, "trim_end_s": 1.5}, "trim_end_s", "Keep at least 1 s"),
        ({}, "detail", "Nothing to change"),
        ({"notes": "not here"}, "detail", "Nothing to change"),
    ],
)
def test_a_value_out_of_bounds_is_refused_with_a_sentence(athlete_a, body, field, sentence):
    session = make_session(athlete_a)  # its video: 3.0 s
    before = TrainingSession.objects.filter(pk=session.pk).values().get()
    answer = _api(athlete_a).patch(_url(session), body, format="json")
    assert answer.status_code == 400, answer.content
    message = " ".join(answer.json()[field])
    assert sentence in message, message
    assert TrainingSession.objects.filter(pk=session.pk).values().get() == before
    assert Analysis.objects.get(session=session).status == "done"


# --- the lift ----------------------------------------------------------------------------
def test_a_new_lift_queues_the_set_again_as_that_lift(
    athlete_a, coach_a, monkeypatch, django_capture_on_commit_callbacks
):
    session = make_session(athlete_a)
    calls: list = []
    monkeypatch.setattr("core.pipeline.run.analyze_video", _pipeline(calls))
    with django_capture_on_commit_callbacks() as queued:
        answer = _api(coach_a).patch(
            _url(session), {"exercise": "squat", "load_kg": "100"}, format="json"
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "queued" and answer.json()["exercise"] == "squat"
    assert len(queued) == 1  # one task, after the commit
    session.refresh_from_db()
    assert session.exercise == "squat" and session.exercise_chosen
    assert session.load_kg == Decimal("100.0")
    assert session.analysis.lift_forced == "squat"
    queued[0]()  # the worker: told the lift
    assert calls[-1]["lift"] == "squat"
    session.analysis.refresh_from_db()
    assert session.analysis.status == "done" and session.analysis.exercise_detected == "squat"


def test_a_set_failed_as_the_wrong_lift_does_not_stay_failed_once_its_lift_is_said(
    athlete_a, monkeypatch, django_capture_on_commit_callbacks
):
    """Analysed as a deadlift (someone said so) it found none and failed; the athlete says
    it is a squat: analysed again as one. A set that failed to be recognised, its lift said
    as it was, is analysed again as that lift too; a done set whose lift is said again (the
    form sends it with every correction) is left as it is."""
    calls: list = []
    monkeypatch.setattr("core.pipeline.run.analyze_video", _pipeline(calls))
    wrong = make_session(athlete_a)
    TrainingSession.objects.filter(pk=wrong.pk).update(exercise="deadlift", exercise_chosen=True)
    _status(wrong, "failed", lift_forced="deadlift", error="No deadlift reps were found.")
    with django_capture_on_commit_callbacks(execute=True):
        answer = _api(athlete_a).patch(_url(wrong), {"exercise": "squat"}, format="json")
    assert answer.status_code == 200, answer.content
    wrong.analysis.refresh_from_db()
    assert calls[-1]["lift"] == "squat" and wrong.analysis.status == "done"

    unrecognised = make_session(athlete_a)
    TrainingSession.objects.filter(pk=unrecognised.pk).update(exercise="squat")
    _status(unrecognised, "failed", error="This does not look like a lift.")
    with django_capture_on_commit_callbacks(execute=True):
        answer = _api(athlete_a).patch(_url(unrecognised), {"exercise": "squat"}, format="json")
    assert answer.json()["status"] == "queued" and calls[-1]["lift"] == "squat"
    assert Analysis.objects.get(session=unrecognised).status == "done"

    done = make_session(athlete_a)
    with django_capture_on_commit_callbacks() as queued:
        answer = _api(athlete_a).patch(
            _url(done), {"exercise": "deadlift", "load_kg": "60"}, format="json"
        )
    assert answer.json()["status"] == "done" and queued == []


def test_a_running_analysis_is_not_started_over_and_nothing_is_changed(athlete_a):
    session = make_session(athlete_a)
    _status(session, "running", heartbeat_at=timezone.now())
    for body in ({"exercise": "squat", "load_kg": "90"}, {"trim_start_s": 1.0, "load_kg": "90"}):
        answer = _api(athlete_a).patch(_url(session), body, format="json")
        assert answer.status_code == 400
        assert answer.json()["status"] == ["This analysis is still in progress."]
    session.refresh_from_db()
    assert session.load_kg is None and session.exercise == "deadlift"
    assert session.trim_start_s is None
    # The load alone needs no analysis: corrected while it runs.
    answer = _api(athlete_a).patch(_url(session), {"load_kg": "90"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "running"


# --- the span (trim) ---------------------------------------------------------------------
def test_a_new_span_is_analysed_again_on_what_it_keeps(
    athlete_a, monkeypatch, django_capture_on_commit_callbacks
):
    session = make_session(athlete_a)
    calls: list = []
    monkeypatch.setattr("core.pipeline.run.analyze_video", _pipeline(calls))
    with django_capture_on_commit_callbacks(execute=True):
        answer = _api(athlete_a).patch(
            _url(session), {"trim_start_s": 0.5, "trim_end_s": 2.5}, format="json"
        )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["trim_start_s"] == 0.5 and body["trim_end_s"] == 2.5
    assert body["status"] == "queued" and calls[-1]["keep"] == (0.5, 2.5)
    assert Analysis.objects.get(session=session).status == "done"
    # One end at a time (PATCH): the other stays; both null: the whole video again.
    with django_capture_on_commit_callbacks(execute=True):
        _api(athlete_a).patch(_url(session), {"trim_end_s": None}, format="json")
    assert calls[-1]["keep"] == (0.5, None)
    with django_capture_on_commit_callbacks(execute=True):
        _api(athlete_a).patch(_url(session), {"trim_start_s": None}, format="json")
    assert calls[-1]["keep"] is None
    # The same span again is no change: not analysed again.
    with django_capture_on_commit_callbacks() as queued:
        answer = _api(athlete_a).patch(_url(session), {"trim_start_s": None}, format="json")
    assert answer.status_code == 200 and queued == []


# --- deleting a set ----------------------------------------------------------------------
def _everything_about(session, athlete, coach):
    """A set with all that hangs off it: comments (one with a recording's file), a label and
    its history, a count correction, notifications, a read marker, a share link."""
    from sharing.services import share_link_create

    rep = session.analysis.reps.order_by("index").first()
    Rep.objects.filter(pk=rep.pk).update(label="good", labelled_by=coach)
    RepLabel.objects.create(rep=rep, author=coach, to_label="good")
    RepCorrection.objects.create(analysis=session.analysis, rep=rep, author=coach, kind="not_a_rep")
    Comment.objects.create(session=session, rep=rep, author=coach, body="Brace first")
    recording = media_root() / "sessions" / session.folder / "comments" / "voice.weba"
    recording.parent.mkdir(parents=True, exist_ok=True)
    recording.write_bytes(b"\x1a\x45\xdf\xa3")
    media_publish(recording)
    Notification.objects.create(recipient=coach, kind="comment", session=session, text="new")
    SessionReadMarker.objects.create(user=coach, session=session)
    share_link_create(by=athlete, session=session, note="for the physio")
    playable = media_root() / "sessions" / session.folder / "upload" / "playable.mp4"
    playable.parent.mkdir(parents=True, exist_ok=True)
    playable.write_bytes(b"\x00" * 16)
    media_publish(playable)  # into the store: the bucket in the scale configuration


def _left_of(session) -> dict[str, int]:
    return {
        "set": TrainingSession.objects.filter(pk=session.pk).count(),
        "analysis": Analysis.objects.filter(session_id=session.pk).count(),
        "reps": Rep.objects.filter(analysis__session_id=session.pk).count(),
        "verdicts": RepVerdict.objects.filter(rep__analysis__session_id=session.pk).count(),
        "labels": RepLabel.objects.filter(rep__analysis__session_id=session.pk).count(),
        "corrections": RepCorrection.objects.filter(analysis__session_id=session.pk).count(),
        "comments": Comment.objects.filter(session_id=session.pk).count(),
        "notifications": Notification.objects.filter(session_id=session.pk).count(),
        "read": SessionReadMarker.objects.filter(session_id=session.pk).count(),
        "shares": ShareLink.objects.filter(session_id=session.pk).count(),
    }


def test_the_athlete_deletes_a_set_with_its_rows_and_files(
    athlete_a, coach_a, django_capture_on_commit_callbacks
):
    session = make_session(athlete_a)
    kept = make_session(athlete_a)  # another set of theirs: untouched
    _everything_about(session, athlete_a, coach_a)
    folder = f"sessions/{session.folder}"
    assert stored_files(folder) and all(_left_of(session).values())

    # A coach sees it and may not delete it (a sentence); nothing is touched.
    refused = _api(coach_a).delete(_url(session))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the athlete deletes a set (or an admin): ask them to."
    assert all(_left_of(session).values())

    with django_capture_on_commit_callbacks(execute=True):
        answer = _api(athlete_a).delete(_url(session))
    assert answer.status_code == 204
    assert not any(_left_of(session).values()), _left_of(session)
    assert stored_files(folder) == []  # the upload, analysis, copy and recording
    assert not (media_root() / folder).exists()
    assert _api(athlete_a).get(_url(session)).status_code == 404
    assert _api(coach_a).get(_url(session)).status_code == 404  # gone for everyone
    assert _left_of(kept)["set"] == _left_of(kept)["analysis"] == 1 and _left_of(kept)["reps"]
    assert stored_files(f"sessions/{kept.folder}")


def test_an_admin_may_delete_a_set(athlete_a, admin_user, django_capture_on_commit_callbacks):
    session = make_session(athlete_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert _api(admin_user).delete(_url(session)).status_code == 204
    assert not TrainingSession.objects.filter(pk=session.pk).exists()


def test_a_worker_still_running_when_its_set_is_deleted_leaves_nothing_behind(
    athlete_a, monkeypatch, django_capture_on_commit_callbacks
):
    """The analysis is claimed and running; the athlete deletes the set meanwhile (its rows
    go, its folder is removed): the worker then writes its result into the folder again and
    tries to store it; its claim matches nothing, so it stores nothing, does not crash, and
    removes what it wrote."""
    from analysis.services.analyses import _analysis_execute, analysis_claim, analysis_retry
    from sets.services import session_delete

    session = make_session(athlete_a)
    _status(session, "failed")
    with django_capture_on_commit_callbacks():  # queued; its task is not run here
        analysis_retry(analysis=Analysis.objects.get(session=session))
    claim = analysis_claim(session.analysis.pk)
    assert claim is not None

    def delete_meanwhile():
        with django_capture_on_commit_callbacks(execute=True):
            session_delete(session=TrainingSession.objects.get(pk=session.pk), user=athlete_a)
        assert not (media_root() / "sessions" / session.folder / "upload").exists()

    calls: list = []
    monkeypatch.setattr(
        "core.pipeline.run.analyze_video", _pipeline(calls, during=delete_meanwhile)
    )
    assert _analysis_execute(*claim) is None  # no crash, nothing to return
    assert calls and not any(_left_of(session).values())
    assert not (media_root() / "sessions" / session.folder).exists()
    assert stored_files(f"sessions/{session.folder}") == []
    # A task delivered late for it finds nothing to claim.
    assert analysis_claim(claim[0]) is None


def test_a_failure_after_the_set_was_deleted_stores_nothing(
    athlete_a, monkeypatch, django_capture_on_commit_callbacks
):
    from analysis.services.analyses import _analysis_execute, analysis_claim
    from core.errors import NoPersonVisible
    from sets.services import session_delete

    session = make_session(athlete_a)
    _status(session, "queued")
    claim = analysis_claim(session.analysis.pk)

    def refuses(video, out_dir, **kwargs):
        (Path(out_dir) / "partial.npy").write_bytes(b"\x00")
        with django_capture_on_commit_callbacks(execute=True):
            session_delete(session=TrainingSession.objects.get(pk=session.pk), user=athlete_a)
        Path(out_dir).mkdir(parents=True, exist_ok=True)  # a late write makes it again
        raise NoPersonVisible("No person was visible in the video.")

    monkeypatch.setattr("core.pipeline.run.analyze_video", refuses)
    assert _analysis_execute(*claim) is None
    assert not any(_left_of(session).values())
    assert not (media_root() / "sessions" / session.folder).exists()


# --- the review page's forms -------------------------------------------------------------
def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_edit_form_corrects_the_set_for_its_people(athlete_a, coach_a, athlete_b):
    session = make_session(athlete_a)
    review = reverse("session_review", args=[session.pk])
    edit = reverse("session_edit", args=[session.pk])
    page = _page(athlete_a).get(review).content.decode()
    assert 'data-testid="edit-set"' in page and 'data-testid="delete-set"' in page
    assert 'data-testid="trim-form"' in page
    coach_page = _page(coach_a).get(review).content.decode()
    assert 'data-testid="edit-set"' in coach_page and 'data-testid="delete-set"' not in coach_page

    form = {"load_kg": "127.5", "performed_at": session.performed_at.isoformat()}
    form["exercise"] = "deadlift"  # as it is: no new analysis
    answer = _page(coach_a).post(edit, form, follow=True)
    assert answer.redirect_chain[-1][0] == review
    assert "Saved the load." in _messages(answer)
    session.refresh_from_db()
    assert session.load_kg == Decimal("127.5") and session.analysis.status == "done"

    refused = _page(athlete_a).post(edit, {**form, "load_kg": "5000"}, follow=True)
    assert f"The load is from 0 to {LOAD_MAX_KG} kg." in _messages(refused)
    session.refresh_from_db()
    assert session.load_kg == Decimal("127.5")
    # Someone who may not see the set finds no form to post to.
    assert _page(athlete_b).post(edit, form).status_code == 404


def test_the_trim_form_keeps_a_span(athlete_a, django_capture_on_commit_callbacks):
    session = make_session(athlete_a)
    edit = reverse("session_edit", args=[session.pk])
    with django_capture_on_commit_callbacks() as queued:
        answer = _page(athlete_a).post(
            edit, {"trim_start_s": "0.75", "trim_end_s": ""}, follow=True
        )
    assert "Saved. The set is analysed again on the span you kept." in _messages(answer)
    assert len(queued) == 1
    session.refresh_from_db()
    assert session.trim_start_s == 0.75 and session.trim_end_s is None
    assert session.analysis.status == "queued"


def test_the_delete_button_asks_first_then_deletes_the_set(
    athlete_a, coach_a, athlete_b, django_capture_on_commit_callbacks
):
    session = make_session(athlete_a)
    delete = reverse("session_delete", args=[session.pk])
    confirm = _page(athlete_a).get(delete)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Delete this set?" in page and 'data-testid="delete-confirm"' in page
    # A post without the confirmation is the question again; the set stays.
    assert _page(athlete_a).post(delete).status_code == 200
    assert TrainingSession.objects.filter(pk=session.pk).exists()
    # A coach is told they may not; a stranger finds nothing.
    told = _page(coach_a).post(delete, {"confirm": "yes"}, follow=True)
    assert "Only the athlete deletes a set (or an admin): ask them to." in _messages(told)
    assert _page(athlete_b).get(delete).status_code == 404
    assert TrainingSession.objects.filter(pk=session.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = _page(athlete_a).post(delete, {"confirm": "yes"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("athlete_dashboard")
    assert any(m.startswith("Deleted the deadlift of") for m in _messages(done))
    assert not TrainingSession.objects.filter(pk=session.pk).exists()
    assert not (media_root() / "sessions" / session.folder).exists()


# --- the real pipeline, trimmed ----------------------------------------------------------
CLIP = ("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")  # 133 frames, 2 reps: short to pose


def test_a_trimmed_analysis_counts_only_the_reps_in_its_span(tmp_path, pose_cache):
    """The clip whole: 2 reps. Kept from between them: rep 2 only, at the time (the whole
    video's clock) and frame number the whole analysis gave it; nothing drawn before the
    span. Kept up to between them (two pose processes): rep 1 only."""
    from core.pipeline.run import OVERLAY_LANDMARKS, analyze_video

    clip = shared_path(*CLIP)
    whole = analyze_video(clip, tmp_path / "whole", pose_processes=2)
    assert len(whole.reps) == 2
    one, two = whole.reps
    frames = whole.video.frames
    start = (one.end_s + two.start_s) / 2
    later = analyze_video(clip, tmp_path / "later", pose_processes=2, keep=(start, None))
    assert len(later.reps) == 1, [(r.start_s, r.end_s) for r in later.reps]
    kept = later.reps[0]
    assert kept.start_s == pytest.approx(two.start_s, abs=0.2) and kept.start_s >= start
    assert abs(kept.start_frame - two.start_frame) <= 6
    assert later.video.frames == frames
    drawn = np.load(tmp_path / "later" / OVERLAY_LANDMARKS)
    times = np.asarray([f["pts"] for f in later.frames])
    assert len(drawn) == frames and np.isnan(drawn[times < start]).all()
    assert np.isfinite(drawn[times > two.start_s]).any()

    end = (one.end_s + two.start_s) / 2
    earlier = analyze_video(clip, tmp_path / "earlier", pose_processes=2, keep=(None, end))
    assert len(earlier.reps) == 1, [(r.start_s, r.end_s) for r in earlier.reps]
    assert earlier.reps[0].end_s <= end
    assert earlier.reps[0].start_s == pytest.approx(one.start_s, abs=0.2)
    assert earlier.video.frames == frames


def test_the_kept_span_outside_the_video_is_refused_before_any_analysis(athlete_a):
    """What a trim may be is checked against the video's length (the upload's probe)."""
    session = make_session(athlete_a)
    answer = _api(athlete_a).patch(
        _url(session), {"trim_start_s": 10.0, "trim_end_s": 12.0}, format="json"
    )
    assert answer.status_code == 400 and "3.0 s long" in answer.json()["trim_start_s"][0]
    assert TrainingSession.objects.get(pk=session.pk).trim_start_s is None
