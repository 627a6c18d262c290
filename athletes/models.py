"""People and what they upload: roles, coach-athlete assignments, invitations, training sessions.

The role lives on a profile row; an admin is a staff user (Django's own flag), so the
admin site and the platform agree on who is an admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ATHLETE = "athlete", "Athlete"
    COACH = "coach", "Coach"
    ADMIN = "admin", "Admin"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ATHLETE)
    # May this athlete's reps (with their coaches' labels) train the detector? None = not
    # asked yet, which counts as no: nothing joins the training set without a yes.
    training_consent = models.BooleanField(null=True, blank=True)
    consent_changed_at = models.DateTimeField(null=True, blank=True)
    # The address the person proved they read (a link mailed to it was opened), and when.
    # The account's address is confirmed only while it equals this, so a change made any
    # other way (the admin site, a shell) is unconfirmed until confirmed again; password
    # reset mails confirmed addresses only.
    confirmed_email = models.EmailField(max_length=254, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # A change asked for (with the password) and mailed, waiting for its link to be opened.
    pending_email = models.EmailField(max_length=254, blank=True)
    pending_email_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"


class CoachAssignment(models.Model):
    """An athlete on a coach's roster; an athlete may have several coaches."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="athlete_links"
    )
    athlete = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_links"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coach", "athlete"], name="unique_coach_athlete")
        ]

    def __str__(self) -> str:
        return f"{self.coach} coaches {self.athlete}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class RosterInvitation(models.Model):
    """A coach asks to coach an athlete; only the athlete's yes puts them on the roster."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_invitations"
    )
    athlete = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_invitations"
    )
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "athlete"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.coach} invites {self.athlete}: {self.status}"
