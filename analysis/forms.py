from __future__ import annotations

from django import forms
from django.utils import timezone

from analysis.models import COMMENT_MAX_LENGTH, AnalysisStatus
from athletes.models import NOTES_MAX_LENGTH, Exercise


class SessionUploadForm(forms.Form):
    athlete = forms.ModelChoiceField(queryset=None, empty_label=None)
    video = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": "video/*"}))
    exercise = forms.ChoiceField(choices=Exercise.choices, initial=Exercise.DEADLIFT)
    performed_at = forms.DateField(
        label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    load_kg = forms.DecimalField(
        label="Load (kg)", required=False, min_value=0, max_digits=6, decimal_places=1
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


class CommentForm(forms.Form):
    body = forms.CharField(max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
    rep = forms.IntegerField(required=False)
    video_time_s = forms.FloatField(required=False, min_value=0)


class SessionFilterForm(forms.Form):
    athlete = forms.IntegerField(required=False)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *AnalysisStatus.choices]
    )
