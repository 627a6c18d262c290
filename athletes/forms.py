from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache

from athletes.selectors import email_confirmed


class RosterInviteForm(forms.Form):
    who = forms.CharField(
        max_length=254,
        label="Username or e-mail",
        help_text="They join your roster when they accept on their page.",
    )


class AthleteCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    password = forms.CharField(
        required=False, widget=forms.PasswordInput, help_text="Leave empty to generate one."
    )


class RosterAssignForm(forms.Form):
    """Admins: put an athlete on a coach's roster directly."""

    coach = forms.ModelChoiceField(queryset=None)
    athlete = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.order_by("username")
        self.fields["coach"].queryset = users.filter(profile__role="coach", is_staff=False)
        self.fields["athlete"].queryset = users.filter(profile__role="athlete", is_staff=False)


class CoachCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    password = forms.CharField(
        required=False, widget=forms.PasswordInput, help_text="Leave empty to generate one."
    )


RESET_MAIL_INTERVAL_SECONDS = 15 * 60


class ConfirmedAddressPasswordResetForm(PasswordResetForm):
    """Password reset mails only an address its owner confirmed: an address typed in by
    someone else (or before confirmation existed) must not be a way into the account. The
    page says the same whether or not anything was sent."""

    def get_users(self, email: str) -> Iterator[Any]:
        for user in super().get_users(email):
            # At most one mail per account in RESET_MAIL_INTERVAL: the form is open to
            # anyone, and must not be a way to fill someone's inbox.
            if email_confirmed(user) and cache.add(
                f"password-reset:{user.pk}", 1, RESET_MAIL_INTERVAL_SECONDS
            ):
                yield user


class JoinForm(forms.Form):
    """A new athlete's account from a coach's invitation link (athletes.joining)."""

    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            raise forms.ValidationError("The two passwords differ.")
        return data
