"""Joining by a coach's e-mail invitation (athletes.joining): an address no account uses gets
a link; opening it makes an athlete account, its address confirmed, on the coach's roster;
the link works once, not for someone logged in, not for a forged or foreign token."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from athletes.joining import BAD_LINK, JOIN_MAILS_PER_HOUR
from athletes.models import CoachAssignment, Profile
from tests.conftest import PERSONA_PASSWORD

User = get_user_model()
NEW = "new.lifter@example.com"


def _invite(coach, who: str, django_capture_on_commit_callbacks) -> str:
    client = Client()
    client.force_login(coach)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("roster"), {"action": "invite", "invite-who": who}, follow=True)
    return page.content.decode()


def _path(message) -> str:
    """The join link's path in a mailed invitation."""
    return re.search(r"/join/[^/\s]+/", message.body).group(0)


def test_a_new_address_is_mailed_a_link_that_makes_an_athlete_on_the_roster(
    coach_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _invite(coach_a, NEW, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [NEW]
    assert coach_a.username in mail.outbox[0].subject
    path = _path(mail.outbox[0])

    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and NEW in page.content.decode()
    refused = client.post(path, {"username": "new_lifter", "password": PERSONA_PASSWORD,
                                 "password_again": "other"})  # fmt: skip
    assert refused.status_code == 400 and "The two passwords differ." in refused.content.decode()
    weak = client.post(path, {"username": "new_lifter", "password": "123",
                              "password_again": "123"})  # fmt: skip
    assert weak.status_code == 400 and not User.objects.filter(username="new_lifter").exists()
    done = client.post(path, {"username": "new_lifter", "password": PERSONA_PASSWORD,
                              "password_again": PERSONA_PASSWORD})  # fmt: skip
    assert done.status_code == 302 and done.url == reverse("athlete_dashboard")
    user = User.objects.get(username="new_lifter")
    assert user.email == NEW and Profile.objects.get(user=user).role == "athlete"
    assert Profile.objects.get(user=user).confirmed_email == NEW  # the link proved it
    assert CoachAssignment.objects.filter(coach=coach_a, athlete=user).exists()
    assert client.get(reverse("athlete_dashboard")).status_code == 200  # logged in

    # Used: the same link makes no second account, for anyone.
    again = Client().post(path, {"username": "second", "password": PERSONA_PASSWORD,
                                 "password_again": PERSONA_PASSWORD})  # fmt: skip
    assert again.status_code == 400 and BAD_LINK in again.content.decode()
    assert not User.objects.filter(username="second").exists()


def test_no_mail_for_an_address_with_an_account_and_the_same_sentence(
    coach_a, athlete_a, django_capture_on_commit_callbacks
):
    athlete_a.email = "taken@example.com"
    athlete_a.save()
    mail.outbox.clear()
    taken = _invite(coach_a, "taken@example.com", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 0  # an ordinary invitation instead (test_roster.py)
    fresh = _invite(coach_a, NEW, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1

    def sentence(page: str, who: str) -> str:
        return page.split('class="msg msg-success">', 1)[1].split("</li>", 1)[0].replace(who, "X")

    assert sentence(taken, "taken@example.com") == sentence(fresh, NEW)


def test_a_coachs_join_mails_are_limited_per_hour(coach_a, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    for n in range(JOIN_MAILS_PER_HOUR + 3):
        _invite(coach_a, f"lifter{n}@example.com", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == JOIN_MAILS_PER_HOUR


@pytest.mark.parametrize("token", ["nonsense", signing.dumps({"c": 1, "e": NEW}, salt="other")])
def test_a_forged_link_makes_nothing(db, token):
    page = Client().post(reverse("join", args=[token]), {"username": "x", "password": "y",
                                                         "password_again": "y"})  # fmt: skip
    assert page.status_code == 400 and BAD_LINK in page.content.decode()


def test_a_logged_in_person_is_refused(coach_a, athlete_b, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    _invite(coach_a, NEW, django_capture_on_commit_callbacks)
    path = _path(mail.outbox[0])
    client = Client()
    client.force_login(athlete_b)
    assert client.get(path).status_code == 403
