"""Notifications: each event tells the right people (never the actor, never someone who
cannot see the session), as each person chose (in the app, by e-mail), a burst is one
notification, e-mail carries the session's link and a broken mail server breaks nothing;
the pages, the JSON the header polls, and the API only ever show the caller's own."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import Analysis
from analysis.services.analyses import analysis_retry
from analysis.services.notices import notify_analysis_finished
from coach_platform.jobs import jobs_reap
from core.result import AnalysisResult, Exercise, Rep, VideoInfo
from detectors.models import DetectorVersion
from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.selectors import notification_list, notification_unread_count
from notifications.services import notification_preferences_set, session_url
from reviews.models import Comment
from reviews.services.comments import comment_create
from reviews.services.labels import rep_label
from tests.conftest import PERSONA_PASSWORD, make_session
from training.services.activation import _mark_rejudged, notify_rejudged


@pytest.fixture
def people(athlete_a, coach_a, coach_other, admin_user):
    """Everyone with an e-mail address; athlete A's coach is coach_a, coach_other coaches B."""
    for user in (athlete_a, coach_a, coach_other, admin_user):
        user.email = f"{user.username}@example.test"
        user.save(update_fields=["email"])
    return {"athlete": athlete_a, "coach": coach_a, "outsider": coach_other, "admin": admin_user}


def _recipients(kind: str, session=None) -> set[str]:
    rows = Notification.objects.filter(kind=kind)
    if session is not None:
        rows = rows.filter(session=session)
    return {n.recipient.username for n in rows}


def _mailed_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- who hears about what ------------------------------------------------------------------


def test_a_coachs_comment_tells_the_athlete_not_the_author_nor_an_outsider(
    people, django_capture_on_commit_callbacks
):
    session = make_session(people["athlete"])
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=people["coach"], session=session, body="Chest up  on rep 2")
    assert _recipients(NotificationKind.COMMENT) == {"athlete_a"}
    note = Notification.objects.get()
    assert note.actor == people["coach"] and note.session == session
    assert "coach_a commented on" in note.text and "“Chest up on rep 2”" in note.text
    assert mail.outbox == []  # comments are in the app only by default


def test_the_athletes_reply_tells_the_coach_and_an_admin_who_joined_the_thread(
    people, django_capture_on_commit_callbacks
):
    session = make_session(people["athlete"])
    comment_create(author=people["admin"], session=session, body="Looks heavy")
    Notification.objects.all().delete()
    comment_create(author=people["athlete"], session=session, body="It was!")
    assert _recipients(NotificationKind.COMMENT) == {"coach_a", "boss"}


def test_a_drawing_on_a_rep_says_so(people):
    session = make_session(people["athlete"])
    rep = session.analysis.reps.get(index=2)
    comment = Comment.objects.create(
        session=session, rep=rep, author=people["coach"], body="", drawing=[{"kind": "line"}]
    )
    from reviews.services.comments import notify_comment

    notify_comment(comment)
    assert "coach_a drew on rep 2 of athlete_a's set of" in Notification.objects.get().text


def test_a_coach_taken_off_the_roster_hears_nothing_more(people):
    from athletes.models import CoachAssignment

    session = make_session(people["athlete"])
    comment_create(author=people["admin"], session=session, body="first")  # coach_a notified
    CoachAssignment.objects.filter(coach=people["coach"]).delete()
    comment_create(author=people["athlete"], session=session, body="second")
    assert not Notification.objects.filter(
        recipient=people["coach"], text__contains="second"
    ).exists()
    # The earlier one is not shown any more either: the list starts from what they may see.
    assert notification_list(people["coach"]).count() == 0
    assert notification_unread_count(people["coach"]) == 0


def test_a_label_tells_the_athlete_only(people, django_capture_on_commit_callbacks):
    session = make_session(people["athlete"])
    rep = session.analysis.reps.get(index=1)
    rep_label(rep=rep, author=people["coach"], label="anomalous", faults=["rounded_back"])
    assert _recipients(NotificationKind.LABEL) == {"athlete_a"}
    assert "labelled rep 1" in Notification.objects.get().text
    assert "anomalous (rounded back)" in Notification.objects.get().text
    rep_label(rep=rep, author=people["coach"], label="anomalous", faults=["rounded_back"])
    rep_label(rep=session.analysis.reps.get(index=2), author=people["coach"], label="good")
    assert Notification.objects.count() == 1  # a burst of labels on one set: one notification
    assert "labelled rep 2" in Notification.objects.get().text  # saying the latest


def test_a_failed_analysis_tells_the_athlete_and_uploader_by_app_and_e_mail(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    session = make_session(people["athlete"])
    session.uploaded_by = people["coach"]  # the coach uploaded it
    session.save(update_fields=["uploaded_by"])
    Analysis.objects.filter(pk=session.analysis.pk).update(status="failed")

    def pipeline(video, out_dir, **kwargs):
        raise RuntimeError("the worker's pipeline crashed")

    monkeypatch.setattr("core.pipeline.run.analyze_video", pipeline)
    with django_capture_on_commit_callbacks(execute=True):  # the retry's task runs inline
        analysis_retry(analysis=session.analysis)
    assert Analysis.objects.get(pk=session.analysis.pk).status == "failed"
    assert _recipients(NotificationKind.ANALYSIS_FAILED) == {"athlete_a", "coach_a"}
    assert _mailed_to() == ["athlete_a@example.test", "coach_a@example.test"]
    body = mail.outbox[0].body
    assert session_url(session) in body and "http://127.0.0.1:8000/sessions/" in body
    assert "failed" in mail.outbox[0].subject


def test_a_failed_analysis_is_not_told_to_a_coach_who_did_not_upload(people):
    session = make_session(people["athlete"], status="failed")
    notify_analysis_finished(session.analysis.pk)
    assert _recipients(NotificationKind.ANALYSIS_FAILED) == {"athlete_a"}


def test_the_reaper_failing_a_dead_job_notifies(people, django_capture_on_commit_callbacks):
    session = make_session(people["athlete"])
    stale = timezone.now() - timedelta(hours=1)
    Analysis.objects.filter(pk=session.analysis.pk).update(
        status="running",
        heartbeat_at=stale,
        worker_losses=1,  # lost before: failed this time
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reap()["analyses_failed"] == 1
    assert _recipients(NotificationKind.ANALYSIS_FAILED) == {"athlete_a"}
    assert "worker" in Notification.objects.get().text.lower()
    assert _mailed_to() == ["athlete_a@example.test"]


def test_a_done_analysis_tells_the_athlete_and_their_coaches(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    session = make_session(people["athlete"])
    Analysis.objects.filter(pk=session.analysis.pk).update(status="failed")

    def pipeline(video, out_dir, **kwargs):
        (Path(out_dir) / "reps").mkdir(parents=True)
        (Path(out_dir) / "reps" / "rep1.png").write_bytes(b"new")
        info = VideoInfo(path=str(video), frames=30, fps=30.0, width=64, height=64, duration_s=1)
        rep = Rep(1, 0, 10, 20, 0.0, 0.33, 0.66, True, {}, {}, image="reps/rep1.png")
        return AnalysisResult(info, Exercise("deadlift", True, ""), [rep], {}, 30, 30)

    monkeypatch.setattr("core.pipeline.run.analyze_video", pipeline)
    with django_capture_on_commit_callbacks(execute=True):
        analysis_retry(analysis=session.analysis)
    assert Analysis.objects.get(pk=session.analysis.pk).status == "done"
    assert _recipients(NotificationKind.ANALYSIS_DONE) == {"athlete_a", "coach_a"}
    assert "is analysed: 1 rep." in Notification.objects.first().text
    assert _mailed_to() == ["athlete_a@example.test", "coach_a@example.test"]


def test_a_rejudged_set_tells_the_athlete_and_coaches_once_however_many_batches(
    people, django_capture_on_commit_callbacks
):
    session = make_session(people["athlete"])
    other = make_session(people["athlete"])
    version = DetectorVersion.objects.create(name="v9", model_dir="/nonexistent")
    reps = list(session.analysis.reps.all())
    session.analysis.reps.update(verdict="anomalous")  # rep 1 was good: its outcome changes
    _mark_rejudged(version, reps)
    assert _recipients(NotificationKind.REJUDGED) == {"athlete_a", "coach_a"}
    assert "re-judged by model v9" in Notification.objects.first().text
    for _ in range(5):  # more batches touching the same sets
        notify_rejudged(version, [session.analysis.pk, other.analysis.pk])
    assert Notification.objects.filter(session=session).count() == 2  # one per person
    assert Notification.objects.filter(session=other).count() == 2
    assert notification_unread_count(people["athlete"]) == 2


# --- choices, e-mail and failures ----------------------------------------------------------


def test_preferences_switch_the_app_and_e_mail_off_and_on(
    people, django_capture_on_commit_callbacks
):
    athlete = people["athlete"]
    notification_preferences_set(
        user=athlete,
        choices={
            NotificationKind.COMMENT: {"in_app": False, "email": True},
            NotificationKind.ANALYSIS_FAILED: {"in_app": True, "email": False},
        },
    )
    session = make_session(athlete, status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=people["coach"], session=session, body="one")
        comment_create(author=people["coach"], session=session, body="two")  # a burst
        notify_analysis_finished(session.analysis.pk)
    assert not Notification.objects.filter(kind=NotificationKind.COMMENT).exists()
    assert Notification.objects.filter(kind=NotificationKind.ANALYSIS_FAILED).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["athlete_a@example.test"]
    assert "“one”" in mail.outbox[0].body and session_url(session) in mail.outbox[0].body


def test_someone_without_an_e_mail_address_gets_none(athlete_a, coach_a):
    session = make_session(athlete_a, status="failed")
    notify_analysis_finished(session.analysis.pk)
    assert mail.outbox == [] and Notification.objects.count() == 1


def test_a_failing_mail_server_does_not_break_the_comment_nor_the_analysis(
    people, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no SMTP server here")

    monkeypatch.setattr("notifications.services.send_mass_mail", broken)
    notification_preferences_set(
        user=people["athlete"], choices={NotificationKind.COMMENT: {"in_app": True, "email": True}}
    )
    session = make_session(people["athlete"])
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(author=people["coach"], session=session, body="still here")
        Analysis.objects.filter(pk=session.analysis.pk).update(
            status="running", heartbeat_at=timezone.now() - timedelta(hours=1), worker_losses=1
        )
        assert jobs_reap()["analyses_failed"] == 1
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert Analysis.objects.get(pk=session.analysis.pk).status == "failed"
    assert Notification.objects.count() == 2
    assert "could not be sent" in caplog.text


def test_a_broken_notification_store_does_not_break_the_comment(people, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("notifications.services._deliver_inside", broken)
    session = make_session(people["athlete"])
    comment_create(author=people["coach"], session=session, body="saved anyway")
    assert Comment.objects.filter(body="saved anyway").exists()
    assert "were not stored" in caplog.text


def test_unknown_kinds_are_refused(athlete_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown kind"):
        notification_preferences_set(user=athlete_a, choices={"spam": {"in_app": True}})


# --- pages, JSON and API -------------------------------------------------------------------


def _notes(user, session, n: int) -> list[Notification]:
    return [
        Notification.objects.create(
            recipient=user, kind=NotificationKind.COMMENT, session=session, text=f"note {i}"
        )
        for i in range(n)
    ]


def test_the_list_page_paginates_highlights_unread_and_opening_one_marks_it_read(people):
    athlete = people["athlete"]
    session = make_session(athlete)
    notes = _notes(athlete, session, 27)
    client = Client()
    client.force_login(athlete)
    page = client.get(reverse("notifications")).content.decode()
    assert page.count('data-testid="notification"') == 25 and "Page 1 of 2" in page
    assert page.count("notice-unread") == 25 and "27 unread" in page
    assert "note 26" in page and "note 0" not in page  # newest first
    assert 'data-testid="nav-notifications-count">27<' in page  # the header's badge
    second = client.get(reverse("notifications") + "?page=2").content.decode()
    assert second.count('data-testid="notification"') == 2 and "note 0" in second

    opened = client.get(reverse("notification_open", args=[notes[0].pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("session_review", args=[session.pk])
    assert Notification.objects.get(pk=notes[0].pk).read_at is not None
    assert client.get(reverse("notifications_unread")).json()["unread"] == 26

    client.post(reverse("notifications_read_all"))
    assert notification_unread_count(athlete) == 0
    page = client.get(reverse("notifications")).content.decode()
    assert "notice-unread" not in page and "Nothing unread." in page


def test_another_persons_notification_is_a_404_everywhere(people):
    session = make_session(people["athlete"])
    (note,) = _notes(people["athlete"], session, 1)
    client = Client()
    client.force_login(people["outsider"])
    assert client.get(reverse("notification_open", args=[note.pk])).status_code == 404
    assert client.get(reverse("notification_open", args=[note.pk + 999])).status_code == 404
    api = APIClient()
    api.force_authenticate(people["outsider"])
    assert api.post(f"/api/notifications/{note.pk}/read/").status_code == 404
    assert api.get("/api/notifications/").json()["count"] == 0
    api.post("/api/notifications/read-all/")
    assert Notification.objects.get(pk=note.pk).read_at is None  # not theirs to mark


def test_the_api_lists_pages_and_marks_read(people):
    athlete = people["athlete"]
    session = make_session(athlete)
    notes = _notes(athlete, session, 52)
    api = APIClient()
    api.force_authenticate(athlete)
    first = api.get("/api/notifications/").json()
    assert first["count"] == 52 and len(first["results"]) == 50 and first["next"]
    item = first["results"][0]
    assert item["text"] == "note 51" and item["unread"] is True
    assert item["session_url"] == session_url(session)
    answer = api.post(f"/api/notifications/{notes[0].pk}/read/")
    assert answer.status_code == 200 and answer.json()["unread"] is False
    assert api.post("/api/notifications/read-all/").json() == {"marked_read": 51, "unread": 0}
    assert APIClient().get("/api/notifications/").status_code in (401, 403)


def test_the_unread_json_is_the_callers_count_and_401_when_logged_out(people):
    _notes(people["athlete"], make_session(people["athlete"]), 3)
    client = Client()
    assert client.get(reverse("notifications_unread")).status_code == 401
    client.force_login(people["coach"])
    answer = client.get(reverse("notifications_unread"))
    assert answer.json()["unread"] == 0 and answer["Cache-Control"] == "no-store"
    client.force_login(people["athlete"])
    assert client.get(reverse("notifications_unread")).json()["unread"] == 3


def test_the_settings_page_saves_every_kind(people):
    athlete = people["athlete"]
    client = Client()
    client.force_login(athlete)
    page = client.get(reverse("notification_settings")).content.decode()
    assert page.count('type="checkbox"') == 2 * len(NotificationKind.values)
    checked = set(re.findall(r'name="([\w-]+)" checked', page))
    assert checked == {f"{kind}-in_app" for kind in NotificationKind.values} | {
        "analysis_done-email",
        "analysis_failed-email",
    }  # the defaults: everything in the app, e-mail for results
    answer = client.post(
        reverse("notification_settings"),
        {
            "label-email": "on",
            "comment-in_app": "on",
            "rubbish": "x" * 5000,
            "email": " new@example.test ",
        },
    )
    assert answer.status_code == 302
    athlete.refresh_from_db()
    # The address has its own form (password, then a link to the new address): saving the
    # choices never touches it (tests/athletes/test_email_change.py).
    assert athlete.email == "athlete_a@example.test"
    prefs = {
        p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=athlete)
    }
    assert prefs[NotificationKind.LABEL] == (False, True)
    assert prefs[NotificationKind.COMMENT] == (True, False)
    assert prefs[NotificationKind.ANALYSIS_DONE] == (False, False)
    assert len(prefs) == len(NotificationKind.values)
    assert Client().get(reverse("notification_settings")).status_code == 302  # to the login


def test_opening_the_set_itself_marks_its_notifications_read(people):
    """From an e-mail's link or a bookmark, not only from the list: the set's notifications
    are read once its page was seen; another set's stay unread."""
    athlete = people["athlete"]
    seen, other = make_session(athlete), make_session(athlete)
    comment_create(author=people["coach"], session=seen, body="Hips first on rep 2.")
    comment_create(author=people["coach"], session=other, body="Good bar path.")
    assert notification_unread_count(athlete) == 2
    client = Client()
    client.force_login(athlete)
    assert client.get(reverse("session_review", args=[seen.pk])).status_code == 200
    unread = Notification.objects.filter(recipient=athlete, read_at__isnull=True)
    assert [n.session_id for n in unread] == [other.pk]


def test_a_bad_e_mail_address_is_refused_and_nothing_changes(people):
    athlete = people["athlete"]
    client = Client()
    client.force_login(athlete)
    answer = client.post(
        reverse("account_email_change"),
        {
            "email": "not an address\nBcc: x@y",
            "password": PERSONA_PASSWORD,
            "next": reverse("notification_settings"),
        },
        follow=True,
    )
    assert "That is not an e-mail address." in answer.content.decode()
    athlete.refresh_from_db()
    assert athlete.email == "athlete_a@example.test"
    assert not NotificationPreference.objects.filter(user=athlete).exists()
