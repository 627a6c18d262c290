"""Reads about the training set and training runs: the one definition of the training set,
its counts for the admins' page, the page's filtered rep list, the latest run, and the rep
spans of analysed videos (a learned rep counter's training data, `export_rep_spans`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet

from analysis.models import Analysis, AnalysisStatus, Label, Rep, lift_filter
from athletes.selectors import AnyUser
from coach_platform.storage import media_path
from core import lifts
from training.models import TrainingRun


# The training set, defined once: a labelled, counted rep (a coach's "not a rep" is no lift to
# learn from) with an image that no admin excluded, either
# imported from a dataset (no analysis) or from an uploaded set whose athlete said yes to
# training. No answer yet counts as no. Runs, the training page and its counts all use it.
def _consented(session: str) -> Q:
    """The athlete of the session at `session` (a lookup path) said yes to training."""
    return Q(**{f"{session}__athlete__profile__training_consent": True})


_CONSENTED = _consented("analysis__session")
_LABELLED = Q(label__isnull=False, excluded=False, counted=True) & ~Q(image="")
LABEL_FILTERS = {"good": Label.GOOD, "anomalous": Label.ANOMALOUS, "none": None}


# The lift a detector learns: the default's (its reps, imports and older sets included).
# Other lifts are judged by their named faults and the personal baseline meanwhile; their
# coaches' labels wait in the database for a detector of their own.
DETECTOR_LIFT = lifts.DEFAULT.name


def training_set_filter() -> Q:
    """The one definition of the training set, as a filter on `Rep`."""
    return _LABELLED & (Q(analysis__isnull=True) | _CONSENTED) & lift_filter(DETECTOR_LIFT)


def training_set_awaiting_consent_filter() -> Q:
    """Reps that would be in the training set but for their athlete's consent."""
    return _LABELLED & Q(analysis__isnull=False) & ~_CONSENTED & lift_filter(DETECTOR_LIFT)


def training_set_queryset() -> QuerySet[Rep]:
    """Reps a new training run may use (a run snapshots them when it starts)."""
    return Rep.objects.filter(training_set_filter()).select_related("analysis").order_by("pk")


def training_set_summary() -> dict[str, Any]:
    """Counts an admin needs to judge the training set: by label and source, by athlete, by
    the detector's verdict against the label, how many reps are excluded, and how many
    labelled reps (of how many athletes) are left out because their athlete has not said yes."""
    reps = Rep.objects.exclude(image="")
    in_set = training_set_filter()
    awaiting = reps.filter(training_set_awaiting_consent_filter())

    def table(*fields: str) -> list[dict[str, Any]]:
        return list(
            reps.values(*fields)
            .annotate(total=Count("pk"), in_training=Count("pk", filter=in_set))
            .order_by(*fields)
        )

    return {
        "total": reps.count(),
        "in_training": reps.filter(in_set).count(),
        "excluded": reps.filter(excluded=True).count(),
        "unlabelled": reps.filter(label__isnull=True).count(),
        "no_consent_reps": awaiting.count(),
        "no_consent_athletes": awaiting.values("analysis__session__athlete").distinct().count(),
        "by_source_label": table("source", "label"),
        "by_athlete_label": [
            {**row, "consent": row.pop("analysis__session__athlete__profile__training_consent")}
            for row in table(
                "analysis__session__athlete__username",
                "analysis__session__athlete__profile__training_consent",
                "label",
            )
        ],
        "by_verdict_label": table("verdict", "label"),
    }


def training_rep_list(*, source: str = "", label: str = "", excluded: str = "") -> QuerySet[Rep]:
    """Reps with an image (the only ones training can use), filtered as the page asks:
    `label` good / anomalous / none, `excluded` yes / no; unknown values are ignored."""
    reps = (
        Rep.objects.exclude(image="")
        .select_related("analysis__session__athlete", "labelled_by", "detector_version")
        .annotate(in_set=ExpressionWrapper(training_set_filter(), output_field=BooleanField()))
        .order_by("-pk")
    )
    if source:
        reps = reps.filter(source=source)
    if label in LABEL_FILTERS:
        reps = (
            reps.filter(label=LABEL_FILTERS[label])
            if label != "none"
            else reps.filter(label__isnull=True)
        )
    if excluded in ("yes", "no"):
        reps = reps.filter(excluded=excluded == "yes")
    return reps


def training_sources() -> list[str]:
    return list(Rep.objects.order_by("source").values_list("source", flat=True).distinct())


def training_run_latest() -> TrainingRun | None:
    """The open run if there is one, else the most recent."""
    return (
        TrainingRun.objects.filter(is_open=True).first()
        or TrainingRun.objects.select_related("version").first()
    )


def rep_spans_queryset(*, corrected_only: bool = False) -> QuerySet[Analysis]:
    """Finished analyses of videos whose athlete said yes to training (the training set's
    consent rule), oldest first; `corrected_only`: those a coach corrected."""
    analyses = (
        Analysis.objects.filter(_consented("session"), status=AnalysisStatus.DONE)
        .select_related("session")
        .prefetch_related(Prefetch("reps", queryset=Rep.objects.order_by("start_frame", "pk")))
        .annotate(correction_count=Count("corrections", distinct=True))
        .order_by("session__created_at", "pk")
    )
    if corrected_only:
        analyses = analyses.filter(correction_count__gt=0)
    return analyses


def _sha256(relative: str) -> str | None:
    path = media_path(relative)
    if path is None:
        return None
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rep_spans(*, corrected_only: bool = False) -> Iterator[dict[str, Any]]:
    """One record per analysed video: labelled rep spans in input frame numbers (counted,
    and by whom; "not a rep" ones with counted false), the uncounted candidates, and how
    many corrections a coach made. Ids only, no names."""
    for analysis in rep_spans_queryset(corrected_only=corrected_only).iterator(chunk_size=50):
        info = analysis.video_info or {}
        yield {
            "session": analysis.session_id,
            "athlete": analysis.session.athlete_id,
            "video_sha256": _sha256(analysis.session.video.name),
            "fps": info.get("fps"),
            "frames": info.get("frames"),
            "reps": [
                {
                    "start_frame": rep.start_frame,
                    "lockout_frame": rep.lockout_frame,
                    "end_frame": rep.end_frame,
                    "counted": rep.counted,
                    "counted_by": rep.counted_by,
                }
                for rep in analysis.reps.all()
            ],
            "candidates": [
                {
                    k: c.get(k)
                    for k in ("kind", "reason", "start_frame", "lockout_frame", "end_frame")
                }
                for c in analysis.candidates or []
                if isinstance(c, dict)
            ],
            "corrections": analysis.correction_count,
        }


def athlete_reps_in_versions(athlete: AnyUser) -> dict[str, Any]:
    """How many of `athlete`'s reps trained or tested detector versions already made, and
    which versions: those versions are immutable, so the reps stay inside them."""
    mine = set(Rep.objects.filter(analysis__session__athlete=athlete).values_list("pk", flat=True))
    used: set[int] = set()
    versions: list[str] = []
    if mine:
        runs = TrainingRun.objects.filter(version__isnull=False).select_related("version")
        for run in runs.order_by("created_at", "pk"):
            snapshot = run.snapshot or {}
            ids = set(snapshot.get("train_rep_ids") or []) | set(
                snapshot.get("heldout_rep_ids") or []
            )
            hit = ids & mine
            if hit:
                used |= hit
                versions.append(run.version.name)
    return {"reps": len(used), "versions": versions}
