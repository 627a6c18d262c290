"""Rosters by invitation (D1): a coach asks, only the athlete's yes gives access; answers
never tell a coach which usernames exist or what role they have; account creation validates."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from athletes.models import CoachAssignment, InvitationStatus, RosterInvitation
from athletes.selectors import user_role
from athletes.services import (
    athlete_account_create,
    coach_create,
    invitation_respond,
    roster_assign,
    roster_invite,
)
from sets.selectors import session_visible_queryset

User = get_user_model()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(coach, who: str):
    return _client(coach).post(
        reverse("roster"), {"action": "invite", "invite-who": who}, follow=True
    )


def test_a_second_coach_cannot_claim_someone_elses_athlete(coach_a, coach_other, athlete_a):
    """D1: the POST that used to answer "… is on your roster" now only sends an invitation."""
    response = _invite(coach_other, "athlete_a")
    assert response.status_code == 200
    assert not CoachAssignment.objects.filter(coach=coach_other, athlete=athlete_a).exists()
    session_visible = session_visible_queryset(coach_other).filter(athlete=athlete_a)
    assert not session_visible.exists()
    detail = _client(coach_other).get(reverse("athlete_detail", args=[athlete_a.pk]))
    assert detail.status_code == 404


def test_the_answer_is_the_same_for_an_athlete_a_coach_and_nobody(coach_a, coach_other):
    """Nothing in the page tells a coach whether a username exists or what its role is."""

    def message(who: str) -> str:
        page = _invite(coach_a, who).content.decode()
        return page.split('class="msg msg-success">', 1)[1].split("</li>", 1)[0].replace(who, "X")

    texts = {message("athlete_b"), message("coach_other"), message("no_such_person"),
             message("boss")}  # fmt: skip
    assert len(texts) == 1


def test_the_athlete_accepts_and_then_the_coach_sees_their_sessions(
    coach_other, athlete_a, session_a
):
    invitation = roster_invite(coach=coach_other, who="athlete_a")
    assert invitation.status == InvitationStatus.PENDING
    page = _client(athlete_a).get(reverse("athlete_dashboard")).content.decode()
    assert "coach_other" in page and "wants to coach you" in page

    response = _client(athlete_a).post(
        reverse("invitation_answer", args=[invitation.pk]), {"answer": "accept"}
    )
    assert response.status_code == 302
    assert session_visible_queryset(coach_other).filter(pk=session_a.pk).exists()


def test_a_declined_invitation_gives_nothing_and_cannot_be_answered_twice(coach_other, athlete_a):
    invitation = roster_invite(coach=coach_other, who="athlete_a")
    invitation_respond(athlete=athlete_a, invitation_id=invitation.pk, accept=False)
    assert not CoachAssignment.objects.filter(coach=coach_other, athlete=athlete_a).exists()
    with pytest.raises(ValidationError):
        invitation_respond(athlete=athlete_a, invitation_id=invitation.pk, accept=True)


def test_only_the_invited_athlete_can_answer(coach_other, athlete_a, athlete_b):
    invitation = roster_invite(coach=coach_other, who="athlete_a")
    _client(athlete_b).post(
        reverse("invitation_answer", args=[invitation.pk]), {"answer": "accept"}
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not CoachAssignment.objects.filter(coach=coach_other, athlete=athlete_a).exists()


def test_a_removed_coach_needs_a_new_yes(coach_a, athlete_a):
    _client(coach_a).post(reverse("roster_remove", args=[athlete_a.pk]))
    assert not CoachAssignment.objects.filter(coach=coach_a, athlete=athlete_a).exists()
    _invite(coach_a, "athlete_a")
    assert not CoachAssignment.objects.filter(coach=coach_a, athlete=athlete_a).exists()
    assert RosterInvitation.objects.filter(coach=coach_a, athlete=athlete_a).count() == 1


def test_an_athlete_can_remove_a_coach(coach_a, athlete_a, session_a):
    _client(athlete_a).post(reverse("coach_leave", args=[coach_a.pk]))
    assert not session_visible_queryset(coach_a).filter(pk=session_a.pk).exists()


def test_an_invitation_by_email_reaches_the_account_with_that_email(coach_a, athlete_b):
    athlete_b.email = "b@example.org"
    athlete_b.save()
    invitation = roster_invite(coach=coach_a, who="B@Example.org")
    assert invitation is not None and invitation.athlete == athlete_b


def test_a_coach_creates_a_new_athlete_who_starts_on_their_roster(coach_a):
    athlete, password = athlete_account_create(coach=coach_a, username="newbie")
    assert user_role(athlete) == "athlete"
    assert Client().login(username="newbie", password=password)
    assert CoachAssignment.objects.filter(coach=coach_a, athlete=athlete).exists()


def test_creating_an_account_with_a_taken_name_does_not_say_whose_it_is(coach_a, coach_other):
    with pytest.raises(ValidationError) as error:
        athlete_account_create(coach=coach_a, username="coach_other")
    assert "coach" not in " ".join(error.value.messages).replace("coach_other", "")
    assert not CoachAssignment.objects.filter(coach=coach_a, athlete=coach_other).exists()


def test_admins_assign_directly_and_coaches_cannot(admin_user, coach_other, athlete_a):
    with pytest.raises(PermissionDenied):
        roster_assign(by=coach_other, coach=coach_other, athlete=athlete_a)
    response = _client(admin_user).post(
        reverse("coaches"),
        {"action": "assign", "assign-coach": coach_other.pk, "assign-athlete": athlete_a.pk},
    )
    assert response.status_code == 302
    assert CoachAssignment.objects.filter(coach=coach_other, athlete=athlete_a).exists()


@pytest.mark.parametrize(
    "username", ["evil\r\nname", 'quote"name', "line\nbreak", "semi;colon", "<script>", ""]
)
def test_account_creation_refuses_usernames_that_break_headers_or_csv(admin_user, username):
    """D5: roster-add and coach-create both go through the username validator."""
    with pytest.raises(ValidationError):
        coach_create(created_by=admin_user, username=username)
    assert not User.objects.filter(username=username).exists()


def test_account_creation_refuses_weak_passwords_on_every_path(admin_user, coach_a):
    with pytest.raises(ValidationError):
        coach_create(created_by=admin_user, username="newcoach", password="1")
    response = _client(coach_a).post(
        reverse("roster"),
        {"action": "create", "create-username": "weakling", "create-password": "1"},
    )
    assert response.status_code == 200 and "too short" in response.content.decode()
    assert not User.objects.filter(username="weakling").exists()
