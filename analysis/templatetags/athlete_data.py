"""What the "Privacy & data" page says about an athlete's reps inside trained versions.

A template tag, so that the page's view (in `athletes`, which knows nothing of analysis)
need not import analysis to say it; the base template already loads `labelling` this way.
"""

from __future__ import annotations

from typing import Any

from django import template

from athletes.selectors import AnyUser
from training.selectors.training import athlete_reps_in_versions

register = template.Library()


@register.simple_tag
def reps_in_versions(user: AnyUser) -> dict[str, Any]:
    """{"reps": n, "versions": [names]}: the user's reps that trained or tested versions."""
    if not user.is_authenticated:
        return {"reps": 0, "versions": []}
    return athlete_reps_in_versions(user)
