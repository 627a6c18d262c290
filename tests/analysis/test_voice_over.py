"""Voice-overs: a comment with a recording pinned to a video time (reviews/services/voice_overs.py,
core/video/audio.py), through the API (multipart `audio`, `audio_url`), served as sound to
whoever may see the set and under a live share link, refused with a sentence when it is not
a voice-over, and removed with its comment or its set. The recordings are made here with
PyAV (a sine tone), never committed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from coach_platform.storage import media_stat
from core.errors import AudioUnreadable
from core.video.audio import probe_audio
from notifications.models import Notification
from reviews.models import Comment
from sharing.services import share_link_create, share_link_revoke
from tests.conftest import PERSONA_PASSWORD, served, server_answer, stored_files

KEY = re.compile(r"sessions/[0-9a-f]+/comments/[A-Za-z0-9_-]{16}\.(weba|m4a)")


def _tone(path: Path, *, fmt: str = "webm", codec: str = "libopus", seconds: float = 1.5) -> Path:
    """A real recording: `seconds` of a 440 Hz tone, mono 48 kHz, in `fmt` with `codec`."""
    rate = 48000
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        t = np.arange(int(seconds * rate)) / rate
        pcm = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for start in range(0, len(pcm), 960):
            frame = av.AudioFrame.from_ndarray(
                pcm[start : start + 960].reshape(1, -1), format="flt", layout="mono"
            )
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _video(path: Path, *, fmt: str = "mp4", sound: bool = False) -> Path:
    """A real 1 s video (H.264), with or without a sound track."""
    with av.open(str(path), "w", format=fmt) as out:
        picture = out.add_stream("libx264", rate=30)
        picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        audio = out.add_stream("aac", rate=48000) if sound else None
        if audio is not None:
            audio.layout = "mono"
        for i in range(30):
            image = np.full((48, 64, 3), (8 * i) % 255, np.uint8)
            for packet in picture.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        if audio is not None:
            pcm = np.zeros((1, 48000), np.float32)
            for start in range(0, 48000, 1024):
                frame = av.AudioFrame.from_ndarray(
                    pcm[:, start : start + 1024], format="fltp", layout="mono"
                )
                frame.sample_rate, frame.pts = 48000, start
                for packet in audio.encode(frame):
                    out.mux(packet)
            for packet in audio.encode(None):
                out.mux(packet)
        for packet in picture.encode(None):
            out.mux(packet)
    return path


def _file(path: Path, name: str | None = None, content_type: str = "audio/webm"):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=content_type)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(user, session, **fields):
    return _api(user).post(f"/api/sessions/{session.pk}/comments/", fields, format="multipart")


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


def _recordings(session) -> list[str]:
    return stored_files(f"sessions/{session.folder}/comments")


# --- stored and served ---------------------------------------------------------------------
def test_a_coach_records_and_athlete_and_coach_hear_it_a_stranger_does_not(
    session_a, coach_a, athlete_a, coach_other, athlete_b, tmp_path
):
    recording = _file(
        _tone(tmp_path / "take.webm"), name="../../evil.html", content_type="text/html"
    )
    rep = session_a.analysis.reps.get(index=1)
    answer = _post(
        coach_a, session_a, audio=recording, video_time_s="1.25", rep=rep.pk, body="Hips"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["video_time_s"] == 1.25 and body["rep_index"] == 1 and body["body"] == "Hips"
    assert body["audio_duration_s"] == pytest.approx(1.5, abs=0.05)
    assert "audio" not in body  # the key is the server's business
    comment = Comment.objects.get(pk=body["id"])
    assert KEY.fullmatch(comment.audio), comment.audio  # a name the server chose
    assert comment.audio.startswith(f"sessions/{session_a.folder}/comments/")
    assert _recordings(session_a) == [comment.audio]
    url = _path(body["audio_url"])
    assert url == reverse("comment_audio", args=[session_a.pk, comment.pk])

    for who in (athlete_a, coach_a):
        heard = served(_page(who), url)
        assert heard.status_code == 200
        assert heard["Content-Type"] == "audio/webm"
        assert server_answer(heard)["X-Content-Type-Options"] == "nosniff"
        assert "attachment" not in heard.headers.get("Content-Disposition", "")
        assert probe_audio_bytes(heard.body, tmp_path).codec == "opus"
    seek = served(_page(athlete_a), url, Range="bytes=0-99")
    assert seek.status_code == 206 and len(seek.body) == 100
    for stranger in (coach_other, athlete_b):
        assert _page(stranger).get(url).status_code == 404
    assert _page().get(url).status_code == 302  # to the login page
    # Another comment's id under this set, or this comment under another set: nothing.
    plain = _post(athlete_a, session_a, body="Thanks").json()
    assert plain["audio_url"] is None and plain["audio_duration_s"] is None
    other = reverse("comment_audio", args=[session_a.pk, plain["id"]])
    assert _page(athlete_a).get(other).status_code == 404
    # The list gives the address to everyone who reads the comments.
    listed = _api(athlete_a).get(f"/api/sessions/{session_a.pk}/comments/").json()["results"]
    assert _path(listed[0]["audio_url"]) == url and listed[1]["audio_url"] is None


def probe_audio_bytes(data: bytes, tmp_path: Path):
    path = tmp_path / "served.bin"
    path.write_bytes(data)
    return probe_audio(path)


@pytest.mark.parametrize(
    ("fmt", "codec", "name", "suffix", "served_as"),
    [
        ("webm", "libopus", "chromium.webm", ".weba", "audio/webm"),  # Chromium, Firefox
        ("ogg", "libopus", "firefox.ogg", ".weba", "audio/webm"),  # older Firefox
        ("ipod", "aac", "safari.m4a", ".m4a", "audio/mp4"),  # Safari
    ],
)
def test_what_browsers_record_is_kept_as_its_sound_alone(
    session_a, coach_a, athlete_a, tmp_path, fmt, codec, name, suffix, served_as
):
    recording = _file(_tone(tmp_path / name, fmt=fmt, codec=codec), content_type="video/mp4")
    answer = _post(coach_a, session_a, audio=recording, video_time_s="0.5")
    assert answer.status_code == 201, answer.json()
    comment = Comment.objects.get(pk=answer.json()["id"])
    assert comment.audio.endswith(suffix)
    heard = served(_page(athlete_a), _path(answer.json()["audio_url"]))
    assert heard.status_code == 200 and heard["Content-Type"] == served_as
    info = probe_audio_bytes(heard.body, tmp_path)
    assert info.duration_s == pytest.approx(1.5, abs=0.05)


def test_the_share_link_serves_the_voice_over_while_it_lives(session_a, coach_a, tmp_path):
    answer = _post(coach_a, session_a, audio=_file(_tone(tmp_path / "t.webm")), video_time_s="1")
    comment_id = answer.json()["id"]
    link = share_link_create(by=coach_a, session=session_a)
    page = _page().get(reverse("shared_session", args=[link.token]))
    html = page.content.decode()
    url = reverse("shared_comment_audio", args=[link.token, comment_id])
    assert f'src="{url}"' in html and 'data-testid="voice-over"' in html
    data = json.loads(
        re.search(r'id="comments-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert data[0]["audio_url"] == url  # under the token, never the logged-in address
    assert "js/voice-over.js" in html
    heard = served(_page(), url)
    assert heard.status_code == 200 and heard["Content-Type"] == "audio/webm"
    assert server_answer(heard)["Referrer-Policy"] == "no-referrer"
    other = make_other_session_comment(session_a, coach_a)
    assert _page().get(reverse("shared_comment_audio", args=[link.token, other])).status_code == 404
    share_link_revoke(by=coach_a, link=link)
    assert _page().get(url).status_code == 404


def make_other_session_comment(session, author) -> int:
    """A comment with a recording key on another set of the same athlete."""
    from tests.conftest import make_session

    other = make_session(session.athlete)
    key = f"sessions/{other.folder}/comments/abcdefghijklmnop.weba"
    return Comment.objects.create(session=other, author=author, body="x", audio=key).pk


def test_the_review_page_lists_the_player_and_offers_a_coach_the_recorder(
    session_a, coach_a, athlete_a, tmp_path
):
    answer = _post(coach_a, session_a, audio=_file(_tone(tmp_path / "t.webm")), video_time_s="2")
    comment_id = answer.json()["id"]
    html = _page(athlete_a).get(reverse("session_review", args=[session_a.pk])).content.decode()
    url = reverse("comment_audio", args=[session_a.pk, comment_id])
    assert f'src="{url}" data-voice-over="{comment_id}"' in html
    # The athlete hears it (the player's script); only a coach gets the recorder.
    assert 'data-testid="voice-bar"' not in html and "js/voice-over.js" in html
    coach_html = _page(coach_a).get(reverse("session_review", args=[session_a.pk])).content
    coach_html = coach_html.decode()
    assert 'data-testid="voice-bar"' in coach_html
    data = json.loads(
        re.search(r'id="comments-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert data[0]["audio_url"] == url and data[0]["video_time_s"] == 2.0
    assert "style=" not in coach_html.split('id="voice-bar"')[1].split("</div>")[0]  # the CSP
    note = Notification.objects.get(recipient=athlete_a)
    assert "coach_a recorded a voice-over on" in note.text


def test_a_voice_over_may_carry_a_drawing_sent_as_json_in_the_form(session_a, coach_a, tmp_path):
    line = [{"kind": "line", "points": [[0.1, 0.2], [0.5, 0.6]], "color": "#ffd400"}]
    answer = _post(
        coach_a,
        session_a,
        audio=_file(_tone(tmp_path / "t.webm")),
        video_time_s="1.5",
        drawing=json.dumps(line),
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["drawing"] == line and answer.json()["audio_url"]


def test_the_page_posts_a_recording_with_its_session_and_csrf_token(session_a, coach_a, tmp_path):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="coach_a", password=PERSONA_PASSWORD)
    html = client.get(reverse("session_review", args=[session_a.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    url = f"/api/sessions/{session_a.pk}/comments/"
    tone = _tone(tmp_path / "t.webm")
    refused = client.post(url, {"audio": _file(tone), "video_time_s": "1"})
    assert refused.status_code == 403 and not Comment.objects.exists()
    posted = client.post(
        url, {"audio": _file(tone), "video_time_s": "1", "body": ""}, HTTP_X_CSRFTOKEN=token
    )
    assert posted.status_code == 201, posted.content


# --- refused ----------------------------------------------------------------------------------
def _refused(answer, field: str = "audio") -> str:
    assert answer.status_code == 400, answer.content
    sentence = " ".join(answer.json()[field])
    assert sentence.endswith("."), sentence
    return sentence


def test_a_page_named_webm_is_refused_with_a_sentence(session_a, coach_a):
    page = SimpleUploadedFile(
        "voice.webm", b"<html><script>alert(1)</script></html>" * 50, content_type="audio/webm"
    )
    sentence = _refused(_post(coach_a, session_a, audio=page, video_time_s="1"))
    assert "could not be read as a sound recording" in sentence
    assert not Comment.objects.exists() and _recordings(session_a) == []


@pytest.mark.parametrize("sound", [False, True], ids=["silent video", "video with sound"])
def test_a_video_is_refused_with_or_without_sound(session_a, coach_a, tmp_path, sound):
    clip = _file(_video(tmp_path / "clip.mp4", sound=sound), name="voice.m4a")
    sentence = _refused(_post(coach_a, session_a, audio=clip, video_time_s="1"))
    assert "is a video" in sentence
    assert not Comment.objects.exists() and _recordings(session_a) == []


def test_too_large_too_long_empty_or_without_a_time_is_refused(
    session_a, coach_a, tmp_path, settings
):
    tone = _tone(tmp_path / "t.webm", seconds=2.5)
    settings.VOICE_OVER_MAX_BYTES = 1024
    sentence = _refused(_post(coach_a, session_a, audio=_file(tone), video_time_s="1"))
    assert (
        sentence
        == "The recording is larger than the 1 KB a voice-over may be: record a shorter one."
    )
    settings.VOICE_OVER_MAX_BYTES = 10 * 1024 * 1024
    settings.VOICE_OVER_MAX_SECONDS = 2
    sentence = _refused(_post(coach_a, session_a, audio=_file(tone), video_time_s="1"))
    assert sentence == "The recording is 3 s long; a voice-over is at most 2 s."
    empty = SimpleUploadedFile("v.webm", b"", content_type="audio/webm")
    assert _post(coach_a, session_a, audio=empty, video_time_s="1").status_code == 400
    untimed = _post(coach_a, session_a, audio=_file(tone))
    assert "pinned to a video time" in _refused(untimed, "video_time_s")
    assert not Comment.objects.exists() and _recordings(session_a) == []


def test_too_large_is_refused_at_the_default_10_mb(session_a, coach_a):
    big = SimpleUploadedFile("v.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * (10 * 1024 * 1024))
    sentence = _refused(_post(coach_a, session_a, audio=big, video_time_s="1"))
    assert sentence.startswith("The recording is larger than the 10 MB a voice-over may be")


def test_strangers_cannot_attach_a_recording(session_a, coach_other, athlete_b, tmp_path):
    tone = _tone(tmp_path / "t.webm")
    for outsider in (coach_other, athlete_b):
        answer = _post(outsider, session_a, audio=_file(tone), video_time_s="1")
        assert answer.status_code == 404
    assert not Comment.objects.exists() and _recordings(session_a) == []


def test_recordings_per_hour_are_limited(session_a, coach_a, tmp_path, settings):
    settings.VOICE_OVERS_PER_HOUR = 1
    tone = _tone(tmp_path / "t.webm")
    assert _post(coach_a, session_a, audio=_file(tone), video_time_s="1").status_code == 201
    again = _post(coach_a, session_a, audio=_file(tone), video_time_s="1")
    assert again.status_code == 429 and "voice-overs in the last hour" in again.json()["detail"]
    assert int(again["Retry-After"]) > 0
    assert _post(coach_a, session_a, body="text still goes").status_code == 201
    assert len(_recordings(session_a)) == 1


def test_the_probe_says_why(tmp_path):
    with pytest.raises(AudioUnreadable, match="is a video"):
        probe_audio(_video(tmp_path / "v.mkv", fmt="matroska"))
    empty = tmp_path / "e.webm"
    empty.write_bytes(b"")
    with pytest.raises(AudioUnreadable, match="empty"):
        probe_audio(empty)
    flac = _tone(tmp_path / "f.ogg", fmt="ogg", codec="flac")
    with pytest.raises(AudioUnreadable, match="flac"):
        probe_audio(flac)


# --- removed ----------------------------------------------------------------------------------
def test_the_recording_goes_with_its_comment_and_its_set(
    session_a, coach_a, tmp_path, django_capture_on_commit_callbacks
):
    tone = _tone(tmp_path / "t.webm")
    first = Comment.objects.get(
        pk=_post(coach_a, session_a, audio=_file(tone), video_time_s="1").json()["id"]
    )
    second = Comment.objects.get(
        pk=_post(coach_a, session_a, audio=_file(tone), video_time_s="2").json()["id"]
    )
    assert _recordings(session_a) == sorted([first.audio, second.audio])
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert media_stat(first.audio) is None
    assert _recordings(session_a) == [second.audio]
    with django_capture_on_commit_callbacks(execute=True):
        session_a.delete()
    assert media_stat(second.audio) is None
    assert stored_files(f"sessions/{session_a.folder}") == []


def test_a_suspicious_key_is_not_removed(session_a, coach_a, django_capture_on_commit_callbacks):
    comment = Comment.objects.create(session=session_a, author=coach_a, body="x", audio="../x")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment.delete()
    assert callbacks == []


def test_in_a_bucket_the_recording_is_stored_served_typed_and_removed(
    s3_media, athlete_a, coach_a, tmp_path, django_capture_on_commit_callbacks
):
    from tests.conftest import make_session

    session = make_session(athlete_a)
    answer = _post(coach_a, session, audio=_file(_tone(tmp_path / "t.webm")), video_time_s="1")
    assert answer.status_code == 201, answer.json()
    key = Comment.objects.get(pk=answer.json()["id"]).audio
    assert key in s3_media.keys(f"sessions/{session.folder}/comments/")
    heard = served(_page(athlete_a), _path(answer.json()["audio_url"]))
    assert heard.redirect is not None  # the bucket answers, as the server would have typed it
    assert heard.status_code == 200 and heard["Content-Type"] == "audio/webm"
    assert probe_audio_bytes(heard.body, tmp_path).codec == "opus"
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.get(pk=answer.json()["id"]).delete()
    assert s3_media.keys(f"sessions/{session.folder}/comments/") == []


def test_the_athletes_data_export_carries_the_recordings(session_a, coach_a, athlete_a, tmp_path):
    import zipfile

    from analysis.services.athlete_data import athlete_export

    answer = _post(coach_a, session_a, audio=_file(_tone(tmp_path / "t.webm")), video_time_s="1")
    comment = Comment.objects.get(pk=answer.json()["id"])
    with athlete_export(athlete_a) as handle, zipfile.ZipFile(handle) as zf:
        folder = f"sessions/{session_a.performed_at.isoformat()}-session-{session_a.pk}"
        data = json.loads(zf.read(f"{folder}/session.json"))
        told = data["comments"][0]["voice_over"]
        assert told == {
            "file": f"comments/comment-{comment.pk}.weba",
            "duration_s": comment.audio_duration_s,
        }
        (tmp_path / "out.weba").write_bytes(zf.read(f"{folder}/{told['file']}"))
        assert probe_audio(tmp_path / "out.weba").codec == "opus"
        assert "comments/comment-<id>.weba" in zf.read("README.txt").decode()
