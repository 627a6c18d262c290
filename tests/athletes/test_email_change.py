"""An account's e-mail address cannot be taken over: a change needs the password and only takes
effect when the link mailed to the new address is opened (the old address is then told);
removing it needs the password; links stop working once used, expired, tampered with or
superseded; password reset mails confirmed addresses only."""

import re
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from athletes import email_change
from athletes.email_change import (
    BAD_LINK,
    TAKEN,
    WRONG_PASSWORD,
    email_link_check,
    user_email_change_confirm,
    user_email_change_request,
    user_email_confirmation_send,
)
from athletes.models import Profile
from athletes.selectors import email_confirmed, email_status
from athletes.services import user_create
from tests.conftest import PERSONA_PASSWORD

User = get_user_model()
OLD = "athlete_a@example.test"
NEW = "new.address@example.test"


@pytest.fixture
def athlete(athlete_a):
    """athlete A with a confirmed address."""
    athlete_a.email = OLD
    athlete_a.save(update_fields=["email"])
    Profile.objects.filter(user=athlete_a).update(
        confirmed_email=OLD, email_confirmed_at="2026-01-01T00:00:00Z"
    )
    return athlete_a


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _change(client: Client, **data):
    return client.post(reverse("account_email_change"), data, follow=True)


def _link_in(message) -> str:
    found = re.findall(r"https?://\S+", message.body)
    links = [url for url in found if "/account/email/confirm/" in url]
    assert len(links) == 1, message.body
    return links[0]


def _path(link: str) -> str:
    assert link.startswith(settings.SITE_URL + "/")
    return link[len(settings.SITE_URL) :]


def _email_of(user) -> str:
    user.refresh_from_db()
    return user.email


@pytest.fixture
def requested(athlete, django_capture_on_commit_callbacks):
    """athlete A asked (with the password) for NEW; the link mailed to it."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = _change(_client(athlete), email=NEW, password=PERSONA_PASSWORD)
    assert answer.status_code == 200
    assert [m.to for m in mail.outbox] == [[NEW]]
    link = _link_in(mail.outbox[0])
    mail.outbox.clear()
    return link


# --- asking for a change ----------------------------------------------------------------------


def test_without_the_password_nothing_changes(athlete, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = _change(_client(athlete), email=NEW)
    assert "Type your password" in answer.content.decode()
    assert _email_of(athlete) == OLD
    assert email_status(athlete)["pending"] == ""
    assert not mail.outbox
    with pytest.raises(ValidationError):
        user_email_change_request(user=athlete, password="", email=NEW)


def test_a_wrong_password_is_refused(athlete, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = _change(_client(athlete), email=NEW, password="not-it")
    assert WRONG_PASSWORD in answer.content.decode()
    assert _email_of(athlete) == OLD and email_status(athlete)["pending"] == ""
    assert not mail.outbox


def test_another_accounts_password_is_not_enough(athlete, athlete_b):
    with pytest.raises(ValidationError, match=WRONG_PASSWORD):
        user_email_change_request(user=athlete, password=PERSONA_PASSWORD + "x", email=NEW)


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.mark.usefixtures("axes_on")
def test_password_guesses_count_towards_the_lock_out(athlete):
    client = _client(athlete)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_email_change"), {"email": NEW, "password": "guess"})
    last = client.post(
        reverse("account_email_change"), {"email": NEW, "password": PERSONA_PASSWORD}
    )
    assert last.status_code == 429
    assert _email_of(athlete) == OLD and email_status(athlete)["pending"] == ""


def test_an_address_another_account_has_is_refused_in_any_case(
    athlete, athlete_b, django_capture_on_commit_callbacks
):
    athlete_b.email = "Taken@Example.test"
    athlete_b.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = _change(_client(athlete), email="taken@example.TEST", password=PERSONA_PASSWORD)
    page = answer.content.decode()
    assert TAKEN in page and "athlete_b" not in page
    assert _email_of(athlete) == OLD and email_status(athlete)["pending"] == ""
    assert not mail.outbox


@pytest.mark.parametrize(
    "bad",
    [
        "new@example.test\nBcc: victim@example.test",
        "new@example.test\r\nSubject: hi",
        "not an address",
        "x" * 250 + "@example.test",
    ],
)
def test_a_bad_address_is_refused(athlete, bad):
    with pytest.raises(ValidationError):
        user_email_change_request(user=athlete, password=PERSONA_PASSWORD, email=bad)
    assert _email_of(athlete) == OLD and email_status(athlete)["pending"] == ""


def test_a_valid_request_changes_nothing_until_the_link_is_opened(athlete, requested):
    assert _email_of(athlete) == OLD
    assert email_confirmed(athlete)  # the old address stays, and stays confirmed
    status = email_status(athlete)
    assert status["pending"] == NEW and status["pending_at"] is not None
    page = _client(athlete).get(reverse("notification_settings")).content.decode()
    assert "Waiting for you to confirm" in page and NEW in page
    assert 'data-testid="notice-email"' in page


def test_the_link_goes_to_the_new_address_only(athlete, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_email_change_request(user=athlete, password=PERSONA_PASSWORD, email=NEW)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [NEW] and not message.cc and not message.bcc
    assert _link_in(message).startswith(settings.SITE_URL + "/account/email/confirm/")


def test_saving_notification_choices_never_touches_the_address(athlete):
    answer = _client(athlete).post(
        reverse("notification_settings"), {"email": NEW, "comment-in_app": "on"}
    )
    assert answer.status_code == 302
    assert _email_of(athlete) == OLD and email_status(athlete)["pending"] == ""


# --- following the link -----------------------------------------------------------------------


def test_following_the_link_changes_and_confirms_the_address_and_tells_the_old_one(
    athlete, requested, django_capture_on_commit_callbacks
):
    path = _path(requested)
    shown = _client().get(path)  # opening it (or a mail scanner) changes nothing yet
    assert shown.status_code == 200 and NEW in shown.content.decode()
    assert _email_of(athlete) == OLD
    with django_capture_on_commit_callbacks(execute=True):
        done = _client().post(path)  # logged out: the link is enough
    assert done.status_code == 200 and 'data-testid="email-confirm-done"' in done.content.decode()
    assert _email_of(athlete) == NEW
    assert email_confirmed(athlete) and email_status(athlete)["pending"] == ""
    assert [m.to for m in mail.outbox] == [[OLD]]
    notice = mail.outbox[0].body
    assert "changed" in notice and "If it was not you" in notice and NEW not in notice


def test_a_used_link_does_nothing(athlete, requested, django_capture_on_commit_callbacks):
    path = _path(requested)
    assert _client(athlete).post(path).status_code == 200
    # The person moves on to a third address; the old link must not bring NEW back.
    User.objects.filter(pk=athlete.pk).update(email="third@example.test")
    again = _client(athlete).post(path)
    assert again.status_code == 400 and BAD_LINK in again.content.decode()
    assert _email_of(athlete) == "third@example.test"


def test_a_used_link_is_refused_even_without_other_changes(athlete, requested):
    path = _path(requested)
    assert _client().post(path).status_code == 200
    assert _client().post(path).status_code == 400
    assert _client().get(path).status_code == 400


def test_a_tampered_link_does_nothing(athlete, requested):
    token = _path(requested).rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps(
        {**signing.loads(token, salt=email_change._SALT), "e": "evil@example.test"},
        salt="another salt",
        compress=True,
    )
    for bad in (token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), forged, "nonsense"):
        answer = _client().post(reverse("account_email_confirm", args=[bad]))
        assert answer.status_code == 400
    assert _email_of(athlete) == OLD and email_status(athlete)["pending"] == NEW


def test_an_expired_link_does_nothing(athlete, requested, monkeypatch):
    later = time.time() + email_change.EMAIL_LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    answer = _client().post(_path(requested))
    assert answer.status_code == 400 and BAD_LINK in answer.content.decode()
    assert _email_of(athlete) == OLD


def test_a_newer_request_or_a_new_password_voids_the_link(
    athlete, requested, django_capture_on_commit_callbacks
):
    email_change.cache.clear()  # the one-link-a-minute limit
    with django_capture_on_commit_callbacks(execute=True):
        user_email_change_request(
            user=athlete, password=PERSONA_PASSWORD, email="newer@example.test"
        )
    newer = _path(_link_in(mail.outbox[-1]))
    assert _client().post(_path(requested)).status_code == 400
    athlete.set_password("Another-Password-2026")
    athlete.save()
    assert _client().post(newer).status_code == 400
    assert _email_of(athlete) == OLD


def test_someone_else_cannot_use_the_link_on_their_own_account(athlete, athlete_b, requested):
    path = _path(requested)
    for answer in (_client(athlete_b).get(path), _client(athlete_b).post(path)):
        assert answer.status_code == 403
    assert _email_of(athlete_b) == "" and not email_confirmed(athlete_b)
    assert _email_of(athlete) == OLD and email_status(athlete)["pending"] == NEW
    token = path.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(PermissionDenied):
        user_email_change_confirm(token=token, by=athlete_b)


def test_the_address_must_still_be_free_when_the_link_is_opened(athlete, athlete_b, requested):
    athlete_b.email = NEW.upper()
    athlete_b.save(update_fields=["email"])
    answer = _client().post(_path(requested))
    assert answer.status_code == 400 and TAKEN in answer.content.decode()
    assert _email_of(athlete) == OLD


# --- removing, confirming the current address, new accounts -----------------------------------


def test_removing_the_address_needs_the_password_and_tells_the_old_one(
    athlete, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        user_email_change_request(user=athlete, password="", email="")
    assert _email_of(athlete) == OLD
    with django_capture_on_commit_callbacks(execute=True):
        answer = _change(_client(athlete), email="  ", password=PERSONA_PASSWORD)
    assert "removed" in answer.content.decode()
    assert _email_of(athlete) == "" and not email_confirmed(athlete)
    assert [m.to for m in mail.outbox] == [[OLD]] and "removed" in mail.outbox[0].body


def test_an_address_given_at_creation_starts_unconfirmed(db):
    user, _ = user_create(
        username="fresh", role="athlete", password=PERSONA_PASSWORD, email="fresh@example.test"
    )
    assert user.email == "fresh@example.test" and not email_confirmed(user)


def test_the_current_address_is_confirmed_by_a_link_without_a_password(
    db, django_capture_on_commit_callbacks
):
    user, _ = user_create(
        username="fresh", role="athlete", password=PERSONA_PASSWORD, email="fresh@example.test"
    )
    page = _client(user).get(reverse("account_email")).content.decode()
    assert 'data-testid="email-unconfirmed"' in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = _client(user).post(reverse("account_email_confirmation_send"), follow=True)
    assert answer.status_code == 200
    assert [m.to for m in mail.outbox] == [["fresh@example.test"]]
    with pytest.raises(ValidationError):  # at most one link a minute
        user_email_confirmation_send(user=user)
    link = _link_in(mail.outbox[0])
    assert email_link_check(token=_path(link).rstrip("/").rsplit("/", 1)[1]).is_change is False
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _client().post(_path(link)).status_code == 200
    assert _email_of(user) == "fresh@example.test" and email_confirmed(user)
    assert not mail.outbox  # nothing to tell: the address did not change
    assert _client().post(_path(link)).status_code == 400  # used
    page = _client(user).get(reverse("account_email")).content.decode()
    assert 'data-testid="email-confirmed"' in page


def test_a_change_made_elsewhere_is_unconfirmed(athlete):
    """The admin site or a shell writes the address directly: it is not the confirmed one."""
    athlete.email = "typed.by.admin@example.test"
    athlete.save(update_fields=["email"])
    assert not email_confirmed(athlete)


# --- password reset ---------------------------------------------------------------------------


def _reset(address: str):
    return Client().post(reverse("password_reset"), {"email": address})


def test_password_reset_mails_a_confirmed_address(athlete):
    assert reverse("password_reset") == "/accounts/password_reset/"
    assert Client().get(reverse("password_reset")).status_code == 200
    answer = _reset(OLD.upper())
    assert answer.status_code == 302
    assert [m.to for m in mail.outbox] == [[OLD]]


def test_password_reset_sends_nothing_to_an_unconfirmed_address_and_says_the_same(athlete_b):
    athlete_b.email = "unconfirmed@example.test"
    athlete_b.save(update_fields=["email"])
    unconfirmed = _reset("unconfirmed@example.test")
    nobody = _reset("nobody@example.test")
    assert not mail.outbox
    assert unconfirmed.status_code == nobody.status_code == 302
    assert unconfirmed["Location"] == nobody["Location"]


def test_password_reset_mails_an_account_once_in_a_while_and_limits_each_client(
    athlete, monkeypatch
):
    """The reset form is open to anyone: it must not fill a person's inbox, and one client
    cannot ask without end."""
    from athletes import auth_urls

    _reset(OLD)
    assert _reset(OLD).status_code == 302  # the same page: nothing says a mail was held back
    assert len(mail.outbox) == 1
    monkeypatch.setattr(auth_urls, "RESET_RATE", "3/hour")
    answers = [_reset(f"nobody{n}@example.test").status_code for n in range(2)]
    assert answers == [302, 429]  # two of the three went to the mails above
    assert "Too many requests from here" in _reset(OLD).content.decode()


def test_a_pending_address_gets_no_password_reset(athlete, requested):
    _reset(NEW)
    assert not mail.outbox


def test_an_account_made_with_an_address_another_holds_is_refused(athlete_a, coach_a):
    """Addresses are unique on every path: a coach making an athlete's account too."""
    from athletes.services import athlete_account_create

    athlete_a.email = "Ana@Example.test"
    athlete_a.save(update_fields=["email"])
    with pytest.raises(ValidationError, match="cannot be used"):
        athlete_account_create(coach=coach_a, username="newbie", email="ana@example.TEST")
    with pytest.raises(ValidationError, match="not an e-mail address"):
        athlete_account_create(coach=coach_a, username="newbie", email="a@b.test\nBcc: c@d.test")
    made, _ = athlete_account_create(coach=coach_a, username="newbie", email="new@example.test")
    assert made.email == "new@example.test"
