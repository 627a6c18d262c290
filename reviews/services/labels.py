"""Coach labels and training-set exclusions; both keep their full history."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.models import Fault, Label, Rep
from analysis.selectors.reps import fault_choices, rep_labelable_queryset
from analysis.services.personal import personal_refresh_for
from core import lifts
from notifications.models import NotificationKind
from notifications.services import notify, set_name
from reviews.models import RepLabel

MAX_NOTE = 2000


def rep_label_authorize(*, rep: Rep, author) -> None:
    """The one label permission (service, API, before it reads the body): the athlete's
    coaches and admins; refused with a sentence otherwise."""
    if not rep_labelable_queryset(author).filter(pk=rep.pk).exists():
        raise PermissionDenied("Only the athlete's coaches and admins may label this rep.")


def rep_label(*, rep: Rep, author, label: str, faults: Iterable[str] = (), note: str = "") -> Rep:
    """Set the coach's label (and fault tags) on a rep, keeping who changed what and when.

    Only the athlete's coaches and admins may label; the model's verdict is not touched.
    """
    rep_label_authorize(rep=rep, author=author)
    if label not in Label.values:
        raise ValidationError({"label": f"Label must be one of: {', '.join(Label.values)}."})
    faults = list(dict.fromkeys(faults))  # unique, in the order given
    offered = [f["value"] for f in fault_choices(rep.lift)]  # the rep's lift's tags
    unknown = [f for f in faults if f not in offered]
    if unknown:
        lift = lifts.get(rep.lift).label.lower()
        raise ValidationError(
            {
                "faults": f"Unknown fault {', '.join(unknown)} for a {lift}; choose from "
                f"{', '.join(offered)}."
            }
        )
    note = (note or "").strip()
    if Fault.OTHER in faults and not note:
        raise ValidationError({"note": "The fault 'other' needs a note saying what it is."})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"The note is longer than {MAX_NOTE} characters."})
    with transaction.atomic():
        rep = Rep.objects.select_for_update().get(pk=rep.pk)
        if rep.label == label and rep.faults == faults and rep.label_note == note:
            return rep  # nothing changed: no history row for a repeated click
        RepLabel.objects.create(
            rep=rep,
            author=author,
            from_label=rep.label,
            to_label=label,
            from_faults=rep.faults,
            to_faults=faults,
            note=note,
        )
        rep.label, rep.faults, rep.label_note = label, faults, note
        rep.labelled_by, rep.labelled_at = author, timezone.now()
        rep.save(update_fields=["label", "faults", "label_note", "labelled_by", "labelled_at"])
        personal_refresh_for([rep])  # a rep marked good (or no longer) moves the baseline
    notify_label(rep, author)
    return rep


def notify_label(rep: Rep, author) -> int:
    """A coach labelled a rep: its athlete hears about it."""
    session = rep.analysis.session
    faults = f" ({', '.join(f.replace('_', ' ') for f in rep.faults)})" if rep.faults else ""
    text = (
        f"{author.username} labelled rep {rep.index} of your {set_name(session)}: "
        f"{Label(rep.label).label.lower()}{faults}."
    )
    return notify(NotificationKind.LABEL, session, [session.athlete], text, actor=author)
