"""Resumable uploads (tus 1.0 core, creation, termination) with Django's test client: the
checks of a whole upload at creation and at the end, offsets, someone else's upload is not
found, cancel, a real clip becomes a session with a queued analysis, a refused file keeps
nothing, and the cleanup of uploads abandoned for a day."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coach_platform.jobs import jobs_reap
from coach_platform.storage import media_path, media_storage
from coach_platform.uploads import size_text
from core import lifts
from sets.models import TrainingSession
from tests.athletes.test_uploads import TOO_LONG, _clip
from tests.conftest import PERSONA_PASSWORD, shared_path, stored_files
from tests.e2e.conftest import CLIP
from uploads.models import ResumableUpload
from uploads.services.resumable import OPEN_UPLOADS_MAX, PARTIAL_FOLDER

TUS = {"Tus-Resumable": "1.0.0"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _meta(**fields: str) -> str:
    return ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}" if v else k for k, v in fields.items()
    )


def _create(client: Client, size: int, **fields: str):
    fields = {"filename": "set.mp4", "performed_at": "2024-05-01", **fields}
    headers = {**TUS, "Upload-Length": str(size), "Upload-Metadata": _meta(**fields)}
    return client.post(reverse("resumable_start"), headers=headers)


def _patch(client: Client, url: str, offset: int, body: bytes, **headers: str):
    return client.generic(
        "PATCH",
        url,
        body,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": str(offset), **headers},
    )


def _head(client: Client, url: str):
    return client.head(url, headers=TUS)


def _stored_sessions() -> list[str]:
    return [key for key in stored_files("sessions") if key.split("/")[2] == "upload"]


def _received(upload: ResumableUpload) -> bytes:
    """What the server stored of an upload: its pieces in order, read through the storage."""
    upload.refresh_from_db()
    storage = media_storage()
    return b"".join(
        storage.open(f"{PARTIAL_FOLDER}/{upload.key}/{name}").read() for name in upload.pieces
    )


def _stored_pieces(key: str) -> list[str]:
    try:
        return media_storage().listdir(f"{PARTIAL_FOLDER}/{key}")[1]
    except FileNotFoundError:
        return []


def _upload_of(url: str) -> ResumableUpload:
    return ResumableUpload.objects.get(key=url.rstrip("/").rsplit("/", 1)[-1])


# --- the protocol ------------------------------------------------------------------------


def test_options_tell_the_version_extensions_and_limit(client):
    response = client.options(reverse("resumable_start"))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,termination"
    assert response["Tus-Max-Size"] == str(settings.UPLOAD_MAX_BYTES)


def test_create_head_patch_move_the_offset(athlete_a):
    client = _client(athlete_a)
    created = _create(client, 1000, load_kg="142.5", notes="Felt heavy ✓")
    assert created.status_code == 201, created.content
    url = created["Location"]
    assert re.fullmatch(r"/uploads/resumable/[A-Za-z0-9_-]{32}/", url)
    upload = _upload_of(url)
    assert upload.uploaded_by == athlete_a and upload.athlete == athlete_a
    assert upload.fields == {
        "exercise": "",  # not said: the lift is recognised
        "performed_at": "2024-05-01",
        "load_kg": "142.5",
        "notes": "Felt heavy ✓",
    }
    assert _received(upload) == b"" and not _stored_pieces(upload.key)

    head = _head(client, url)
    assert head.status_code == 200
    assert (head["Upload-Offset"], head["Upload-Length"]) == ("0", "1000")
    assert head["Cache-Control"].startswith("max-age=0") or "no-cache" in head["Cache-Control"]

    first = _patch(client, url, 0, b"a" * 400)
    assert first.status_code == 204 and first["Upload-Offset"] == "400"
    second = _patch(client, url, 400, b"b" * 300)
    assert second.status_code == 204 and second["Upload-Offset"] == "700"
    assert _head(client, url)["Upload-Offset"] == "700"
    assert _received(upload) == b"a" * 400 + b"b" * 300 and len(upload.pieces) == 2
    assert "Session-Location" not in second


def test_a_piece_for_another_offset_is_a_conflict(athlete_a):
    client = _client(athlete_a)
    url = _create(client, 1000)["Location"]
    _patch(client, url, 0, b"x" * 100)
    for wrong in (0, 50, 200):
        response = _patch(client, url, wrong, b"y" * 10)
        assert response.status_code == 409
        assert response["Upload-Offset"] == "100"
    assert _received(_upload_of(url)) == b"x" * 100
    assert len(_stored_pieces(_upload_of(url).key)) == 1  # refused pieces are not kept


def test_nothing_goes_past_the_declared_size_nor_over_the_piece_limit(athlete_a, settings):
    client = _client(athlete_a)
    url = _create(client, 100)["Location"]
    _patch(client, url, 0, b"x" * 60)
    response = _patch(client, url, 60, b"y" * 41)
    assert response.status_code == 413
    assert "past the 100 bytes" in response.json()["errors"]["__all__"][0]
    settings.RESUMABLE_PATCH_MAX_BYTES = 16
    response = _patch(client, url, 60, b"y" * 17)
    assert response.status_code == 413
    assert response.json()["errors"] == {"__all__": ["A piece may be at most 16 bytes."]}
    assert _head(client, url)["Upload-Offset"] == "60"
    assert len(_received(_upload_of(url))) == 60


def test_a_piece_needs_its_type_offset_and_the_tus_header(athlete_a):
    client = _client(athlete_a)
    url = _create(client, 100)["Location"]
    wrong_type = client.generic(
        "PATCH",
        url,
        b"x",
        content_type="application/octet-stream",
        headers={**TUS, "Upload-Offset": "0"},
    )
    assert wrong_type.status_code == 415
    no_offset = client.generic(
        "PATCH", url, b"x", content_type="application/offset+octet-stream", headers=TUS
    )
    assert no_offset.status_code == 400
    for bad in ("-1", "1e3", " ", "٣"):
        assert _patch(client, url, 0, b"x", **{"Upload-Offset": bad}).status_code == 400
    old_client = client.head(url)  # no Tus-Resumable
    assert old_client.status_code == 412 and old_client["Tus-Version"] == "1.0.0"
    assert _head(client, url)["Upload-Offset"] == "0"


# --- the rules of a whole upload, at creation ---------------------------------------------


def test_over_the_limit_is_refused_at_creation_in_mb(athlete_a, settings):
    settings.UPLOAD_MAX_BYTES = 500 * 1024 * 1024
    response = _create(_client(athlete_a), 600 * 1024 * 1024)
    assert response.status_code == 413
    assert response.json()["errors"] == {"video": ["The video is 600 MB; the limit is 500 MB."]}
    assert size_text(settings.UPLOAD_MAX_BYTES) == "500 MB"
    assert not ResumableUpload.objects.exists()
    empty = _create(_client(athlete_a), 0)
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"video": ["The video file is empty."]}


@pytest.mark.parametrize(
    ("fields", "field", "sentence"),
    [
        ({"load_kg": "-5"}, "load_kg", "greater than or equal to 0"),
        ({"load_kg": "heavy"}, "load_kg", "Enter a number."),
        ({"performed_at": "yesterday"}, "performed_at", "Enter a valid date."),
        ({"notes": "x" * 2001}, "notes", "at most 2000 characters"),
        ({"exercise": "push_up"}, "exercise", "Select a valid choice."),  # squat, curl: now judged
    ],
)
def test_the_form_rules_apply_at_creation(athlete_a, fields, field, sentence):
    response = _create(_client(athlete_a), 1000, **fields)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field] and sentence in errors[field][0], errors
    assert not ResumableUpload.objects.exists()


def test_only_for_athletes_one_may_upload_for(athlete_a, athlete_b, coach_a):
    # athlete A for athlete B, and A's coach for B: not a choice, as on the form.
    for user in (athlete_a, coach_a):
        response = _create(_client(user), 1000, athlete=str(athlete_b.pk))
        assert response.status_code == 400
        assert "athlete" in response.json()["errors"]
    assert _create(_client(coach_a), 1000, athlete=str(athlete_a.pk)).status_code == 201
    # A coach with several athletes must say which.
    assert not ResumableUpload.objects.filter(athlete=athlete_b).exists()


def test_bad_metadata_and_anonymous_callers_are_refused(athlete_a, client):
    own = _client(athlete_a)
    for header in ("filename !!!", "filename a,filename b", "notes " + "x" * 20000):
        response = own.post(
            reverse("resumable_start"),
            headers={**TUS, "Upload-Length": "10", "Upload-Metadata": header},
        )
        assert response.status_code == 400, header
    no_length = own.post(reverse("resumable_start"), headers=TUS)
    assert no_length.status_code == 400
    anonymous = _create(client, 1000)
    assert anonymous.status_code == 403
    assert not ResumableUpload.objects.exists()


def test_writes_need_the_csrf_token(athlete_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(athlete_a)
    assert _create(client, 1000).status_code == 403
    page = client.get(reverse("session_upload"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    url = _create(client, 1000)["Location"]
    assert _patch(client, url, 0, b"x" * 10).status_code == 204


# --- nobody else's -------------------------------------------------------------------------


def test_someone_elses_upload_is_not_found(athlete_a, athlete_b, coach_a, client):
    own = _client(athlete_a)
    url = _create(own, 100)["Location"]
    _patch(own, url, 0, b"x" * 10)
    for other in (_client(athlete_b), _client(coach_a)):
        assert _head(other, url).status_code == 404
        assert _patch(other, url, 10, b"y" * 10).status_code == 404
        assert other.delete(url, headers=TUS).status_code == 404
    # Signed out: told to sign in, the same for any address (nothing about this one).
    for anonymous in (_head(client, url), _patch(client, url, 10, b"y")):
        assert anonymous.status_code == 403
    assert _head(own, url)["Upload-Offset"] == "10"
    assert _head(own, "/uploads/resumable/nosuchkeyatallnosuchkeyatall0000/").status_code == 404


def test_delete_cancels_and_removes_the_bytes(athlete_a):
    client = _client(athlete_a)
    url = _create(client, 100)["Location"]
    _patch(client, url, 0, b"x" * 10)
    key = _upload_of(url).key
    assert _stored_pieces(key)
    assert client.delete(url, headers=TUS).status_code == 204
    assert not _stored_pieces(key) and not ResumableUpload.objects.exists()
    assert _head(client, url).status_code == 404
    assert _patch(client, url, 10, b"y").status_code == 404


def test_a_person_keeps_a_few_unfinished_uploads_the_oldest_goes(athlete_a):
    client = _client(athlete_a)
    urls = [_create(client, 100)["Location"] for _ in range(OPEN_UPLOADS_MAX + 1)]
    assert ResumableUpload.objects.count() == OPEN_UPLOADS_MAX
    assert _head(client, urls[0]).status_code == 404
    assert all(_head(client, url).status_code == 200 for url in urls[1:])


# --- the end: a session, or the refusal of a whole upload ---------------------------------


def test_the_last_piece_of_a_real_clip_makes_a_session_with_a_queued_analysis(athlete_a):
    clip = shared_path(*CLIP).read_bytes()
    client = _client(athlete_a)
    url = _create(client, len(clip), filename="my/deadlift.mp4", load_kg="140")["Location"]
    upload = _upload_of(url)
    piece = 300 * 1024
    for offset in range(0, len(clip), piece):
        response = _patch(client, url, offset, clip[offset : offset + piece])
        assert response.status_code == 204, response.content
    session = TrainingSession.objects.get()
    assert response["Session-Location"] == reverse("session_review", args=[session.pk])
    assert response["Upload-Offset"] == str(len(clip))
    assert session.athlete == athlete_a and session.uploaded_by == athlete_a
    assert session.original_filename == "deadlift.mp4"
    assert session.video_size == len(clip) and float(session.load_kg) == 140
    assert str(session.performed_at) == "2024-05-01"
    assert session.video.name.endswith("/upload/original.mp4")
    assert media_path(session.video.name).read_bytes() == clip
    assert session.analysis.status == "queued"
    upload.refresh_from_db()
    assert upload.session == session and not _stored_pieces(upload.key)
    # Asking again (the reply was lost) tells where the set is; nothing more is accepted.
    head = _head(client, url)
    assert head["Upload-Offset"] == str(len(clip))
    assert head["Session-Location"] == response["Session-Location"]
    assert _patch(client, url, len(clip), b"x").status_code == 409
    # And the review page greets the person as after a whole upload.
    page = client.get(response["Session-Location"])
    assert "Uploaded. The analysis is queued." in page.content.decode()


def test_a_finished_file_that_is_not_a_video_is_refused_and_nothing_is_kept(athlete_a):
    client = _client(athlete_a)
    stored_before = _stored_sessions()
    body = b"<html>" + b"x" * 4000
    url = _create(client, len(body), filename="set.mp4")["Location"]
    key = _upload_of(url).key
    _patch(client, url, 0, body[:2000])
    response = _patch(client, url, 2000, body[2000:])
    assert response.status_code == 422
    [sentence] = response.json()["errors"]["video"]
    assert not TrainingSession.objects.exists() and _stored_sessions() == stored_before
    assert not ResumableUpload.objects.exists() and not _stored_pieces(key)
    # The same bytes as a whole upload get the same sentence.
    from django.core.files.uploadedfile import SimpleUploadedFile

    whole = client.post(
        reverse("session_upload"),
        {
            "video": SimpleUploadedFile("set.mp4", body),
            "performed_at": "2024-05-01",
            "exercise": "deadlift",
            "athlete": athlete_a.pk,
        },
    )
    assert sentence in whole.content.decode().replace("&#x27;", "'")


def test_a_finished_video_that_is_too_long_gets_the_same_sentence(athlete_a, settings, tmp_path):
    settings.VIDEO_MAX_SECONDS = 1
    clip = _clip(tmp_path / "long.mp4", seconds=3).read_bytes()
    client = _client(athlete_a)
    url = _create(client, len(clip))["Location"]
    key = _upload_of(url).key
    response = _patch(client, url, 0, clip)
    assert response.status_code == 422
    [sentence] = response.json()["errors"]["video"]
    assert TOO_LONG.fullmatch(sentence), sentence
    assert not TrainingSession.objects.exists() and not ResumableUpload.objects.exists()
    assert not _stored_pieces(key)


# --- abandoned uploads ---------------------------------------------------------------------


def test_the_reaper_removes_uploads_without_a_piece_for_a_day(athlete_a):
    client = _client(athlete_a)
    stale_url, fresh_url = (_create(client, 100)["Location"] for _ in range(2))
    _patch(client, stale_url, 0, b"x" * 10)
    stale, fresh = _upload_of(stale_url), _upload_of(fresh_url)
    day = timedelta(seconds=settings.RESUMABLE_STALE_SECONDS)
    ResumableUpload.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - day - timedelta(minutes=1)
    )
    ResumableUpload.objects.filter(pk=fresh.pk).update(
        updated_at=timezone.now() - day + timedelta(minutes=5)
    )
    _patch(client, fresh_url, 0, b"y" * 10)
    from django.core.files.base import ContentFile

    media_storage().save(f"{PARTIAL_FOLDER}/nobodys/000000000000-ab", ContentFile(b"left"))

    jobs_reap()  # what the every-minute schedule runs
    assert not _stored_pieces(stale.key) and not _stored_pieces("nobodys")
    assert _received(fresh) == b"y" * 10
    assert list(ResumableUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert _head(client, stale_url).status_code == 404


# --- the page --------------------------------------------------------------------------------


def test_the_page_offers_the_resumable_upload(athlete_a, settings):
    settings.RESUMABLE_CHUNK_BYTES = 256 * 1024
    settings.UPLOAD_MAX_BYTES = 500 * 1024 * 1024
    client = Client()
    assert client.login(username="athlete_a", password=PERSONA_PASSWORD)
    html = client.get(reverse("session_upload")).content.decode()
    assert f'data-resumable-url="{reverse("resumable_start")}"' in html
    assert 'data-chunk-bytes="262144"' in html
    assert 'data-testid="size-limit">500 MB<' in html
    # The lift: "Recognise it" first and chosen, then every lift the platform judges.
    assert '<select name="exercise"' in html and 'data-testid="exercise-fixed"' not in html
    assert re.search(r'<option value="" selected>Recognise it</option>', html)
    for lift in lifts.LIFTS.values():
        assert f'<option value="{lift.name}">{lift.label}</option>' in html
