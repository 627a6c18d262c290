from __future__ import annotations

from django import forms


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
