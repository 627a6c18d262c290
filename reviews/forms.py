from __future__ import annotations

from django import forms

from reviews.models import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
    rep = forms.IntegerField(required=False)
    video_time_s = forms.FloatField(required=False, min_value=0)
