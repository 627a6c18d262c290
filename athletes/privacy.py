"""An athlete's say over their data: consent to training, and deleting their account.

Knows nothing of analysis: an athlete's analyses, reps, labels and verdicts hang off their
sessions and go with them through the database's cascades; their files live in one folder
per session. (Downloading everything needs analysis data, so it lives in
`analysis.services.athlete_data`.)
"""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from athletes.models import CoachAssignment, Profile, Role, RosterInvitation
from athletes.selectors import AnyUser, user_role

logger = logging.getLogger(__name__)


def consent_asked(athlete: AnyUser) -> bool:
    """Whether `athlete` has answered the training question (yes or no)."""
    profile = Profile.objects.filter(user_id=athlete.pk).first()
    return profile is not None and profile.training_consent is not None


def consent_needed(user: AnyUser) -> bool:
    """Whether to ask `user` about training: an athlete who has not answered yet."""
    return user_role(user) == Role.ATHLETE and not consent_asked(user)


def consent_set(athlete: AnyUser, given: bool, *, by: AnyUser | None = None) -> Profile:
    """Record an athlete's yes or no to their reps training the detector.

    Only the athlete themself decides (`by`, when given, must be them), and only athletes
    have reps to give. A no takes their reps out of every later training run; versions
    already trained stay as they are.
    """
    if by is not None and by.pk != athlete.pk:
        raise PermissionDenied("Only the athlete can change their consent.")
    if user_role(athlete) != Role.ATHLETE:
        raise PermissionDenied("Only athletes have reps to consent for.")
    profile, _ = Profile.objects.get_or_create(user=athlete, defaults={"role": Role.ATHLETE})
    profile.training_consent = bool(given)
    profile.consent_changed_at = timezone.now()
    profile.save(update_fields=["training_consent", "consent_changed_at"])
    logger.info("training consent of %s: %s", athlete.username, "yes" if given else "no")
    return profile


def account_erase(*, user: AnyUser, password: str, confirmed: bool, request=None) -> int:
    """Delete an athlete's account and everything of theirs; returns the sessions deleted.

    The password must be typed again (checked through `authenticate` with the `request`, so
    wrong guesses count towards the login lock-out) and the deletion confirmed. In one
    transaction:
    their sessions (with analyses, reps, labels, verdicts, comments and read markers),
    roster links and invitations, profile and user. Their session folders are removed
    after the transaction commits (by `sets`, whoever deletes a set), so a failure leaves
    rows and files together. Reps that
    trained detector versions live on inside those immutable versions.

    Coaches and admins cannot delete themselves here: their accounts carry other people's
    work (labels, rosters, versions); an admin removes them.
    """
    if user_role(user) != Role.ATHLETE:
        raise PermissionDenied("Only an athlete account can be deleted here.")
    checked = password and authenticate(request, username=user.username, password=password)
    if not checked or checked.pk != user.pk:
        raise ValidationError("The password is not right.")
    if not confirmed:
        raise ValidationError("Tick the box to confirm that everything will be deleted.")
    username = user.username
    with transaction.atomic():
        # The sets go through the database's cascade from the user (`sets` removes each
        # one's folder once the deletion commits): people know nothing of sets.
        count = user.training_sessions.count()
        CoachAssignment.objects.filter(athlete=user).delete()
        RosterInvitation.objects.filter(athlete=user).delete()
        Profile.objects.filter(user=user).delete()
        user.delete()
    logger.info("account %s deleted with %d sessions", username, count)
    return count
