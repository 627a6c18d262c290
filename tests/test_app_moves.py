"""The apps split by subject (sets, notifications, detectors, reviews, sharing, training,
uploads) by migrations that change only Django's idea of the models: a populated database
migrated from before the split keeps every row of every moved model, column for column, in
the same tables; links between them still resolve; content types follow the models."""

import pytest
from django.apps import apps as current
from django.contrib.contenttypes.models import ContentType as CurrentContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("athletes", "0004_profile_email_confirmation"),
    ("analysis", "0011_media_keys_worker_losses"),
]
# (app before, model) -> app now
MOVED = {
    ("athletes", "TrainingSession"): "sets",
    ("analysis", "DetectorVersion"): "detectors",
    ("analysis", "DetectorActivation"): "detectors",
    ("analysis", "Notification"): "notifications",
    ("analysis", "NotificationPreference"): "notifications",
    ("analysis", "Comment"): "reviews",
    ("analysis", "SessionReadMarker"): "reviews",
    ("analysis", "RepLabel"): "reviews",
    ("analysis", "ShareLink"): "sharing",
    ("analysis", "TrainingRun"): "training",
    ("analysis", "RepExclusion"): "training",
    ("analysis", "ResumableUpload"): "uploads",
}


NEW_APPS = sorted(set(MOVED.values()))
# The database before the split: the new apps' migrations not applied (their content types,
# made by the test database's set-up, not there either).
BEFORE_SPLIT = BEFORE + [(app, None) for app in NEW_APPS]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _populate(old) -> None:
    """One row of every moved model, linked as the platform links them."""
    User = old.get_model("auth", "User")
    athlete = User.objects.create(username="athlete")
    coach = User.objects.create(username="coach")
    session = old.get_model("athletes", "TrainingSession").objects.create(
        athlete=athlete, uploaded_by=coach, folder="f1", exercise="deadlift", load_kg=140
    )
    get = lambda name: old.get_model("analysis", name).objects  # noqa: E731
    version = get("DetectorVersion").create(name="v1", model_dir="detectors/v1", is_active=True)
    get("DetectorActivation").create(version=version, author=coach)
    analysis = get("Analysis").create(session=session, status="done", detector_version=version)
    rep = get("Rep").create(analysis=analysis, index=1, verdict="good", detector_version=version)
    get("RepVerdict").create(
        rep=rep, detector_version=version, verdict="good", score=0.1, threshold=0.5
    )
    get("Comment").create(
        session=session, rep=rep, author=coach, body="Hips early", video_time_s=1.5
    )
    get("SessionReadMarker").create(user=athlete, session=session)
    get("RepLabel").create(rep=rep, author=coach, to_label="anomalous", to_faults=["rounded_back"])
    get("RepExclusion").create(rep=rep, excluded=True, reason="blurred", author=coach)
    get("Notification").create(
        recipient=athlete, kind="comment", session=session, actor=coach, text="Hi"
    )
    get("NotificationPreference").create(user=coach, kind="comment", email=True)
    get("ShareLink").create(
        session=session, created_by=athlete, token="t" * 40, expires_at=timezone.now()
    )
    get("TrainingRun").create(requested_by=coach, version=version, status="done", is_open=False)
    get("ResumableUpload").create(
        key="k1", uploaded_by=coach, athlete=athlete, filename="a.mp4", size=10, session=session
    )


@pytest.mark.django_db(transaction=True)
def test_every_row_of_every_moved_model_survives_the_split():
    executor = _migrate(BEFORE_SPLIT)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("contenttypes", "ContentType").objects.filter(app_label__in=NEW_APPS).delete()
    _populate(old)
    before = {key: list(old.get_model(*key).objects.order_by("pk").values()) for key in MOVED}
    types = old.get_model("contenttypes", "ContentType").objects
    type_ids = {
        key: types.get_or_create(app_label=key[0], model=key[1].lower())[0].pk for key in MOVED
    }

    executor = _migrate(executor.loader.graph.leaf_nodes())

    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())  # all applied
    CurrentContentType.objects.clear_cache()
    for (app, name), new_app in MOVED.items():
        model = current.get_model(new_app, name)
        rows = before[(app, name)]
        after = model.objects.order_by("pk").values(*(rows[0] if rows else ()))
        assert list(after) == rows, name  # the columns it had (later migrations add some)
        assert CurrentContentType.objects.get_for_model(model).pk == type_ids[(app, name)], name
    # Links across the apps resolve in both directions.
    Rep = current.get_model("analysis", "Rep")
    rep = Rep.objects.select_related("analysis__session", "detector_version").get()
    assert rep.detector_version.name == "v1" and rep.analysis.session.folder == "f1"
    assert rep.label_history.get().to_faults == ["rounded_back"]
    assert rep.exclusions.get().reason == "blurred"
    assert rep.comments.get().session.share_links.count() == 1
    assert current.get_model("training", "TrainingRun").objects.get().version.is_active
