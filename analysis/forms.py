from __future__ import annotations

from django import forms

from analysis.models import AnalysisStatus
from sets.models import Exercise


class SessionFilterForm(forms.Form):
    athlete = forms.IntegerField(required=False)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *AnalysisStatus.choices]
    )


class SetFixForm(forms.Form):
    """The review page's "Edit set" and "Trim" forms (one view): a field sent empty is
    cleared (no load, the video's start or end), a field not sent is left as it is; the
    rules are the set's (`analysis.services.set_edits.session_edit`)."""

    load_kg = forms.DecimalField(required=False, max_digits=6, decimal_places=1)
    performed_at = forms.DateField(required=False)
    exercise = forms.ChoiceField(required=False, choices=[("", "as it is"), *Exercise.choices])
    trim_start_s = forms.FloatField(required=False)
    trim_end_s = forms.FloatField(required=False)

    def changes(self) -> dict:
        """The corrections the form carries (after `is_valid`)."""
        sent = {name: self.cleaned_data[name] for name in self.fields if name in self.data}
        if not sent.get("exercise"):
            sent.pop("exercise", None)  # the lift is still being recognised: left to it
        if sent.get("performed_at", "") is None:
            sent.pop("performed_at")  # a date is never cleared: the field was left empty
        return sent
