from __future__ import annotations

from django import forms

from analysis.models import AnalysisStatus


class SessionFilterForm(forms.Form):
    athlete = forms.IntegerField(required=False)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *AnalysisStatus.choices]
    )
