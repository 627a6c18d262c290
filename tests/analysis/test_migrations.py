"""Comments and read markers moved from `athletes` to `analysis` by migrations that change
only Django's idea of the models: a database migrated from before the move keeps every row
(same ids, same links), in the same tables, and the models' content types follow them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reviews.models import Comment, SessionReadMarker

BEFORE = [("athletes", "0002_invitations_consent"), ("analysis", "0005_reaper_schedule")]


PROJECT_APPS = {"athletes", "analysis", "sets", "notifications", "detectors", "reviews"}
PROJECT_APPS |= {"sharing", "training", "uploads"}


def _state_before(executor: MigrationExecutor):
    """The models as they were before the move (Django's and libraries' apps as they are now)."""
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in PROJECT_APPS]
    return executor.loader.project_state(BEFORE + others).apps


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: what is applied now


@pytest.mark.django_db(transaction=True)
def test_comments_and_read_markers_survive_the_move_to_analysis():
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    CurrentContentType.objects.clear_cache()  # a flush by an earlier test may have left it stale
    CurrentContentType.objects.get_for_model(Comment)  # as a database in use has it
    executor = _migrate(BEFORE)
    old = _state_before(executor)
    User = old.get_model("auth", "User")
    Session = old.get_model("athletes", "TrainingSession")
    Analysis = old.get_model("analysis", "Analysis")
    Rep = old.get_model("analysis", "Rep")
    OldComment = old.get_model("athletes", "Comment")
    OldMarker = old.get_model("athletes", "SessionReadMarker")
    ContentType = old.get_model("contenttypes", "ContentType")

    athlete = User.objects.create(username="athlete")
    coach = User.objects.create(username="coach")
    session = Session.objects.create(athlete=athlete, uploaded_by=athlete, folder="f1")
    analysis = Analysis.objects.create(session=session, status="done")
    rep = Rep.objects.create(analysis=analysis, index=1)
    on_rep = OldComment.objects.create(
        session=session, rep=rep, author=coach, body="Hips early", video_time_s=1.5
    )
    on_session = OldComment.objects.create(session=session, author=athlete, body="Thanks")
    seen = timezone.now()
    marker = OldMarker.objects.create(user=athlete, session=session, last_seen_at=seen)
    # Before the move, the models' content types (and so their permissions) are under
    # `athletes`: undoing the move put them back there.
    assert not ContentType.objects.filter(app_label="analysis", model="comment").exists()
    comment_type = ContentType.objects.get(app_label="athletes", model="comment")

    executor = _migrate(executor.loader.graph.leaf_nodes())

    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())  # all applied
    assert {"athletes_comment", "athletes_sessionreadmarker"} <= set(
        connection.introspection.table_names()
    )
    comments = list(Comment.objects.order_by("pk"))
    assert [
        (c.pk, c.session_id, c.rep_id, c.author_id, c.body, c.video_time_s) for c in comments
    ] == [
        (on_rep.pk, session.pk, rep.pk, coach.pk, "Hips early", 1.5),
        (on_session.pk, session.pk, None, athlete.pk, "Thanks", None),
    ]
    assert [c.body for c in Comment.objects.filter(rep_id=rep.pk)] == ["Hips early"]
    moved = SessionReadMarker.objects.get()
    assert (moved.pk, moved.user_id, moved.session_id, moved.last_seen_at) == (
        marker.pk,
        athlete.pk,
        session.pk,
        seen,
    )

    CurrentContentType.objects.clear_cache()
    assert CurrentContentType.objects.get_for_model(Comment).pk == comment_type.pk


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_rows(athlete_a):
    from reviews.services.comments import comment_create
    from tests.conftest import make_session

    session = make_session(athlete_a)
    comment = comment_create(author=athlete_a, session=session, body="Felt heavy")

    executor = _migrate(BEFORE)
    old = _state_before(executor)
    assert old.get_model("athletes", "Comment").objects.get().body == "Felt heavy"
    assert old.get_model("athletes", "SessionReadMarker").objects.count() == 1

    _migrate(executor.loader.graph.leaf_nodes())
    assert Comment.objects.get().pk == comment.pk
