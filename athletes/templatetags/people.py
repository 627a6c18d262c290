"""People as pages name them."""

from __future__ import annotations

from django import template

from athletes.selectors import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user) -> str:
    return _display_name(user)
