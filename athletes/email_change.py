"""An account's e-mail address: changed only with the password and a link opened from the new
address, removed only with the password, confirmed by a link mailed to it.

Password reset mails confirmed addresses only (`athletes.forms`), so whoever controls the
address controls the account: the address must never change because a session was left open
or because someone typed another person's address. A change waits in the profile
(`pending_email`) until the link mailed to the new address is opened; the old address is then
told. Links are signed (`django.core.signing`) with an expiry and carry a digest of the
account's state (password, address, the pending change or the confirmation), so a link stops
working once used, once superseded, or once the password or the address changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from athletes.models import Profile, Role
from athletes.selectors import AnyUser, user_role

logger = logging.getLogger(__name__)
User = get_user_model()

EMAIL_MAX_LENGTH = 254
EMAIL_LINK_MAX_AGE = timedelta(days=3)
# One link mailed per account and minute: a password opens the form, it must not make the
# site a way to fill someone's inbox.
EMAIL_LINK_INTERVAL_SECONDS = 60
_SALT = "athletes.email_change"
_CHANGE, _CURRENT = "change", "current"

BAD_LINK = (
    "This link does not work: it was already used, it expired, a newer one was sent, or the "
    "account changed since. Ask for a new one on your e-mail settings."
)
TAKEN = "That address cannot be used; choose another."
PROFILE_EMAIL_FIELDS = [
    "confirmed_email",
    "email_confirmed_at",
    "pending_email",
    "pending_email_at",
]
WRONG_PASSWORD = "The password is not right."


@dataclass(frozen=True)
class EmailLink:
    """What a valid link would do: make `email` the address of `user` (a change) or confirm
    the address it already has."""

    user: Any
    email: str
    is_change: bool


# --- checks -----------------------------------------------------------------------------------


def _profile(user: AnyUser, *, lock: bool = False) -> Profile:
    rows = Profile.objects.select_for_update() if lock else Profile.objects
    profile = rows.filter(user_id=user.pk).first()
    if profile is None:  # an account made outside `user_create` (createsuperuser)
        profile, _ = Profile.objects.get_or_create(
            user=user, defaults={"role": user_role(user) or Role.ATHLETE}
        )
    return profile


def _password_check(user: AnyUser, password: str, request: HttpRequest | None) -> None:
    """As for deleting an account: through `authenticate` with the request, so wrong guesses
    count towards django-axes' lock-out."""
    if not password:
        raise ValidationError("Type your password to change your e-mail address.")
    checked = authenticate(request, username=user.username, password=password)
    if not checked or checked.pk != user.pk:
        raise ValidationError(WRONG_PASSWORD)


def email_clean(email: str) -> str:
    """The address as stored (trimmed, domain in lower case) or "" for none; a line break,
    an overlong or a malformed address is refused (it would end up in a mail header)."""
    email = (email or "").strip()
    if "\n" in email or "\r" in email:
        raise ValidationError({"email": "That is not an e-mail address."})
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            {"email": f"An e-mail address has at most {EMAIL_MAX_LENGTH} characters."}
        )
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": "That is not an e-mail address."}) from error
    return User.objects.normalize_email(email)


def _taken(email: str, *, by: AnyUser, confirmed_only: bool = False) -> bool:
    """Whether another account holds `email` (any case). Confirming the address an account
    already has only yields to another account's confirmed one, so two old accounts that
    share an address are not both stuck."""
    others = User.objects.filter(email__iexact=email).exclude(pk=by.pk)
    if confirmed_only:
        others = others.filter(
            profile__email_confirmed_at__isnull=False, profile__confirmed_email__iexact=email
        )
    return others.exists()


def _throttle(user: AnyUser) -> None:
    if not cache.add(f"email-link:{user.pk}", 1, EMAIL_LINK_INTERVAL_SECONDS):
        raise ValidationError("A link was sent a moment ago; wait a minute before asking again.")


# --- links ------------------------------------------------------------------------------------


def _stamp(moment: datetime | None) -> str:
    return str(int(moment.timestamp())) if moment else ""


def _state(user: AnyUser, profile: Profile, kind: str) -> str:
    """A digest of what a link depends on: any change to it voids the link."""
    parts = [str(user.pk), user.password, user.email, kind]
    if kind == _CHANGE:
        parts += [profile.pending_email, _stamp(profile.pending_email_at)]
    else:
        parts += [profile.confirmed_email, _stamp(profile.email_confirmed_at)]
    return salted_hmac(_SALT, "\x1f".join(parts), algorithm="sha256").hexdigest()[:32]


def _link(user: AnyUser, profile: Profile, email: str, kind: str) -> str:
    token = signing.dumps(
        {"u": user.pk, "e": email, "k": kind, "s": _state(user, profile, kind)},
        salt=_SALT,
        compress=True,
    )
    return settings.SITE_URL.rstrip("/") + reverse("account_email_confirm", args=[token])


def _open(token: str, *, by: AnyUser | None, lock: bool) -> tuple[EmailLink, Profile]:
    try:
        data = signing.loads(token, salt=_SALT, max_age=EMAIL_LINK_MAX_AGE)
        pk, email, kind, state = data["u"], data["e"], data["k"], data["s"]
    except (signing.BadSignature, TypeError, KeyError, ValueError) as error:
        raise ValidationError(BAD_LINK) from error
    if by is not None and by.is_authenticated and by.pk != pk:
        # Logged in as someone else: nothing of theirs changes, nor of the link's account.
        raise PermissionDenied("This link is for another account: log out, then open it again.")
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError(BAD_LINK)
    profile = _profile(user, lock=lock)
    if not constant_time_compare(str(state), _state(user, profile, kind)):
        raise ValidationError(BAD_LINK)
    if kind == _CHANGE and email == profile.pending_email:
        return EmailLink(user=user, email=email, is_change=True), profile
    already = profile.email_confirmed_at is not None and profile.confirmed_email == email
    if kind == _CURRENT and email == user.email and not already:
        return EmailLink(user=user, email=email, is_change=False), profile
    raise ValidationError(BAD_LINK)


# --- mail ---------------------------------------------------------------------------------------


def mail_after_commit(subject: str, body: str, to: str) -> None:
    """Sent once the change is stored; a broken mail server is logged, the change stays."""

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
        except Exception:
            logger.exception("an account e-mail (%s) could not be sent", subject)

    transaction.on_commit(send)


def _site(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def _mail_link(to: str, link: str, *, is_change: bool) -> None:
    days = EMAIL_LINK_MAX_AGE.days
    what = (
        f"asked to use this address for their {settings.SITE_NAME} account"
        if is_change
        else f"asked to confirm this address as the one of their {settings.SITE_NAME} account"
    )
    mail_after_commit(
        f"{settings.SITE_NAME}: confirm your e-mail address",
        f"Hello,\n\nSomeone (we hope you) {what}. Open this link within {days} days to "
        f"confirm it:\n\n{link}\n\n"
        "If it was not you, ignore this message: nothing changes.\n",
        to,
    )


def _mail_old_address(user: AnyUser, old: str, *, removed: bool) -> None:
    if not old:
        return
    when = timezone.localtime().strftime("%d %b %Y, %H:%M")
    what = "removed" if removed else "changed to another address"
    mail_after_commit(
        f"{settings.SITE_NAME}: your e-mail address was " + ("removed" if removed else "changed"),
        f"Hello {user.username},\n\nThe e-mail address of your {settings.SITE_NAME} account was "
        f"{what} on {when}. This address gets no more messages from the account.\n\n"
        "If that was you, there is nothing to do.\n\n"
        "If it was not you, someone knows your password: log in at once at "
        f"{_site('login')}, change your password, and set your address back at "
        f"{_site('account_email')}. If you cannot log in any more, ask your coach or an "
        "admin for help.\n",
        old,
    )


# --- the writes -------------------------------------------------------------------------------


def user_email_change_request(
    *, user: AnyUser, password: str, email: str, request: HttpRequest | None = None
) -> str:
    """Ask for `email` to become the account's address; returns the address ("" = removed).

    The password must be typed (wrong guesses count towards the lock-out). A new address does
    not take effect here: a link is mailed to it, and only opening it (within
    EMAIL_LINK_MAX_AGE) makes it the account's (`user_email_change_confirm`). A blank address
    removes the current one at once (no password reset mail can go anywhere then) and the
    old address is told. The account's own, unconfirmed address again mails it a link to
    confirm it (and drops a change that was waiting)."""
    _password_check(user, password, request)
    email = email_clean(email)
    with transaction.atomic():
        profile = _profile(user, lock=True)
        if not email:
            old = user.email
            user.email = ""
            user.save(update_fields=["email"])
            profile.confirmed_email, profile.email_confirmed_at = "", None
            profile.pending_email, profile.pending_email_at = "", None
            profile.save(update_fields=PROFILE_EMAIL_FIELDS)
            _mail_old_address(user, old, removed=True)
            logger.info("e-mail address of %s removed", user.username)
            return ""
        if email == user.email:
            # Their own address again: no change, but a link to confirm it (and a change
            # that was waiting is dropped: they chose to keep this one).
            if profile.email_confirmed_at is not None and profile.confirmed_email == email:
                raise ValidationError({"email": "That is already your confirmed address."})
            if profile.pending_email:
                profile.pending_email, profile.pending_email_at = "", None
                profile.save(update_fields=["pending_email", "pending_email_at"])
            _throttle(user)
            _mail_link(email, _link(user, profile, email, _CURRENT), is_change=False)
            return email
        if _taken(email, by=user):
            raise ValidationError({"email": TAKEN})
        _throttle(user)
        profile.pending_email, profile.pending_email_at = email, timezone.now()
        profile.save(update_fields=["pending_email", "pending_email_at"])
        _mail_link(email, _link(user, profile, email, _CHANGE), is_change=True)
    logger.info("e-mail change of %s asked; link mailed", user.username)
    return email


def user_email_confirmation_send(*, user: AnyUser) -> str:
    """Mail a confirmation link to the account's current, unconfirmed address; returns it.
    No password: it only writes to the address the account already has."""
    if not user.email:
        raise ValidationError("There is no address to confirm: add one first.")
    profile = _profile(user)
    if profile.email_confirmed_at is not None and profile.confirmed_email == user.email:
        raise ValidationError("Your address is already confirmed.")
    _throttle(user)
    with transaction.atomic():
        _mail_link(user.email, _link(user, profile, user.email, _CURRENT), is_change=False)
    return user.email


def email_link_check(*, token: str, by: AnyUser | None = None) -> EmailLink:
    """What the link would do, without doing it (the page with the button); a bad, expired,
    used or superseded link is a ValidationError, someone else's (when `by` is logged in as
    another account) a PermissionDenied."""
    link, _ = _open(token, by=by, lock=False)
    return link


def user_email_change_confirm(*, token: str, by: AnyUser | None = None) -> EmailLink:
    """Do what a mailed link says: make its address the account's and confirm it (telling the
    old address), or confirm the address the account has. The address must still be free.
    Anyone holding the link may follow it logged out (it was mailed to that address); someone
    logged in as another account is refused."""
    with transaction.atomic():
        link, profile = _open(token, by=by, lock=True)
        user, now = link.user, timezone.now()
        if _taken(link.email, by=user, confirmed_only=not link.is_change):
            raise ValidationError(TAKEN)
        old = user.email
        if link.is_change and old != link.email:
            user.email = link.email
            user.save(update_fields=["email"])
        profile.confirmed_email, profile.email_confirmed_at = link.email, now
        if link.is_change:
            profile.pending_email, profile.pending_email_at = "", None
        profile.save(update_fields=PROFILE_EMAIL_FIELDS)
        if link.is_change and old and old.lower() != link.email.lower():
            _mail_old_address(user, old, removed=False)
    logger.info("e-mail address of %s confirmed", user.username)
    return link
