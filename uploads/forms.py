"""The upload form: a set's details, and its video when it comes whole."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from sets.models import EXERCISE_RECOGNISE, LOAD_MAX_KG, NOTES_MAX_LENGTH, Exercise


class SessionDetailsForm(forms.Form):
    """A set's details without its video: what a resumable upload is created with (the video
    arrives later, in pieces). `SessionUploadForm` adds the video for a whole upload."""

    athlete = forms.ModelChoiceField(queryset=None, empty_label=None)
    exercise = forms.ChoiceField(
        label="Lift",
        choices=[(EXERCISE_RECOGNISE, "Recognise it"), *Exercise.choices],
        initial=EXERCISE_RECOGNISE,
        required=False,
    )
    performed_at = forms.DateField(
        label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    load_kg = forms.DecimalField(
        label="Load (kg)",
        required=False,
        min_value=0,
        max_value=LOAD_MAX_KG,
        max_digits=6,
        decimal_places=1,
    )
    notes = forms.CharField(
        required=False, max_length=NOTES_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, athletes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["athlete"].queryset = athletes
        if len(athletes) == 1:
            self.fields["athlete"].initial = athletes[0].pk
            self.fields["athlete"].widget = forms.HiddenInput()
        # One lift to choose from is no choice: the page shows it as text (`fixed_exercise`)
        # and the value travels in a hidden input.
        self.fixed_exercise = Exercise.choices[0][1] if len(Exercise.choices) == 1 else ""
        if self.fixed_exercise:
            self.fields["exercise"].initial = Exercise.values[0]
            self.fields["exercise"].widget = forms.HiddenInput()


class SessionUploadForm(SessionDetailsForm):
    video = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": "video/*"}))
    field_order = ["athlete", "video", "exercise", "performed_at", "load_kg", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The piece the page's resumable upload sends (static/js/upload.js), read per form so
        # a test can make it small.
        self.chunk_bytes = settings.RESUMABLE_CHUNK_BYTES
