"""Accounts, rosters, comments and unread marks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from athletes.selectors import user_role
from athletes.services import coach_create
from reviews.models import Comment
from reviews.selectors import comment_list, session_list
from reviews.services.comments import comment_create, session_mark_seen
from tests.conftest import PERSONA_PASSWORD


def test_admin_creates_a_coach_and_nobody_else_can(admin_user, coach_a):
    coach, password = coach_create(created_by=admin_user, username="newcoach")
    assert user_role(coach) == "coach" and password
    with pytest.raises(PermissionDenied):
        coach_create(created_by=coach_a, username="sneaky")


def test_comments_by_others_are_unread_until_the_session_is_opened(session_a, coach_a, athlete_a):
    rep = session_a.analysis.reps.first()
    comment_create(author=coach_a, session=session_a, body="Hips early", rep=rep, video_time_s=1.2)
    assert [c.unread for c in comment_list(session_a, athlete_a)] == [True]
    assert [c.unread for c in comment_list(session_a, coach_a)] == [False]  # own comment
    assert session_list(athlete_a).get().has_unread

    session_mark_seen(session=session_a, user=athlete_a)
    assert [c.unread for c in comment_list(session_a, athlete_a)] == [False]
    assert not session_list(athlete_a).get().has_unread


def test_the_review_page_marks_new_comments_then_remembers_they_were_seen(
    session_a, coach_a, athlete_a
):
    comment_create(author=coach_a, session=session_a, body="Brace harder", video_time_s=2.5)
    client = Client()
    client.force_login(athlete_a)
    first = client.get(reverse("session_review", args=[session_a.pk])).content.decode()
    assert "Brace harder" in first and "1 new" in first
    assert 'data-seek="2.5"' in first
    second = client.get(reverse("session_review", args=[session_a.pk])).content.decode()
    assert "1 new" not in second


def test_a_comment_on_a_rep_of_another_session_is_refused(session_a, session_b, athlete_a):
    with pytest.raises(ValidationError):
        comment_create(
            author=athlete_a, session=session_a, body="x", rep=session_b.analysis.reps.first()
        )
    assert Comment.objects.count() == 0


def test_the_review_queue_lists_flagged_sessions_first(coach_a, athlete_a):
    from tests.conftest import make_session

    clean = make_session(athlete_a, verdicts=("good",))
    flagged = make_session(athlete_a, verdicts=("anomalous",))
    queue = list(session_list(coach_a, awaiting_review=True))
    assert queue[0] == flagged and clean in queue


def test_dashboards_render_with_filters(coach_a, athlete_a, session_a):
    client = Client()
    client.force_login(coach_a)
    page = client.get(reverse("coach_dashboard"), {"athlete": athlete_a.pk, "status": "done"})
    assert page.status_code == 200 and f'data-session-id="{session_a.pk}"' in page.content.decode()
    empty = client.get(reverse("coach_dashboard"), {"status": "failed"})
    assert f'data-session-id="{session_a.pk}"' not in empty.content.decode()
    client.force_login(athlete_a)
    mine = client.get(reverse("athlete_dashboard"))
    assert mine.status_code == 200 and "progress-data" in mine.content.decode()


def test_login_logout_and_password_change(athlete_a):
    client = Client()
    assert (
        client.post(reverse("login"), {"username": "athlete_a", "password": "wrong"}).status_code
        == 200
    )
    response = client.post(
        reverse("login"), {"username": "athlete_a", "password": PERSONA_PASSWORD}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PERSONA_PASSWORD,
            "new_password1": "a-much-longer-pass-42",
            "new_password2": "a-much-longer-pass-42",
        },
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert client.get(reverse("athlete_dashboard")).status_code == 302
    assert client.login(username="athlete_a", password="a-much-longer-pass-42")
