"""Uploads stay videos: stored under a name the server picks from what the bytes decode as,
served with an explicit type (never guessed from a name), refused when too big or too long
with a sentence; and every page carries a Content-Security-Policy it actually meets."""

import mimetypes
import re
from pathlib import Path

import av
import numpy as np
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.http import content_disposition_header
from rest_framework.test import APIClient

from athletes.models import Profile
from coach_platform.media import stored_video_suffix
from coach_platform.storage import media_publish, media_root
from coach_platform.uploads import duration_text, size_text
from sets.models import TrainingSession
from tests.conftest import make_session, served, server_answer, shared_path, stored_files
from training.models import TrainingRun

TOO_LONG = re.compile(
    r"The video is \d+ s long; the limit is 1 s\. Trim it to the set before uploading\."
)


def _clip(path: Path, *, seconds: float = 1.0, codec: str = "libx264", fps: int = 30) -> Path:
    """A small real video (the container from the path's extension)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height = 64, 48
        stream.pix_fmt = "yuv420p"
        for i in range(round(seconds * fps)):
            image = np.full((48, 64, 3), (7 * i) % 255, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _upload(route: str, user, path: Path, name: str):
    """POST `path`'s bytes under the client file name `name`, from the page or the API."""
    video = SimpleUploadedFile(name, path.read_bytes(), content_type="text/html")
    if route == "api":
        client = APIClient()
        client.force_authenticate(user)
        return client.post("/api/sessions/", {"video": video})
    client = Client()
    client.force_login(user)
    form = {
        "video": video,
        "athlete": user.pk,
        "exercise": "deadlift",
        "performed_at": "2024-05-01",
    }
    return client.post(reverse("session_upload"), form)


def _get(user, url: str, **headers):
    client = Client()
    client.force_login(user)
    return client.get(url, **headers)


def _served(user, url: str, **headers):
    """A media URL as the browser gets it (from the bucket when the server redirects)."""
    client = Client()
    client.force_login(user)
    return served(client, url, **headers)


def _stored_uploads() -> list[str]:
    return [key for key in stored_files("sessions") if key.split("/")[2] == "upload"]


# --- stored under the server's name, served as what it is --------------------------------


@pytest.mark.parametrize(
    ("route", "name", "on_disk"),
    [("page", "myset.html", False), ("api", "x.svg", False), ("page", "myset.html", True)],
)
def test_an_mp4_named_html_or_svg_is_stored_as_mp4_and_served_as_video(
    athlete_a, tmp_path, settings, route, name, on_disk
):
    if on_disk:  # Django streams it to a temporary file instead of keeping it in memory
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    response = _upload(route, athlete_a, _clip(tmp_path / "set.mp4"), name)
    assert response.status_code in (201, 302), response.content

    session = TrainingSession.objects.get()
    assert Path(session.video.name).name == "original.mp4"
    assert session.original_filename == name  # kept as text to show, nothing more
    video = _served(athlete_a, reverse("session_video", args=[session.pk]))
    assert video.status_code == 200
    assert video["Content-Type"] == "video/mp4"
    assert server_answer(video)["X-Content-Type-Options"] == "nosniff"
    assert not video.headers.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize(
    ("file", "codec", "suffix", "content_type"),
    [
        ("clip.mov", "libx264", ".mov", "video/quicktime"),
        ("clip.webm", "libvpx-vp9", ".webm", "video/webm"),
        ("clip.mkv", "libx264", ".mkv", "video/x-matroska"),
        ("clip.avi", "mpeg4", ".avi", "video/x-msvideo"),
        ("clip.ts", "libx264", ".bin", "application/octet-stream"),  # decodes, not listed
    ],
)
def test_the_stored_suffix_comes_from_the_decoded_container(
    athlete_a, tmp_path, file, codec, suffix, content_type
):
    clip = _clip(tmp_path / file, codec=codec)
    response = _upload("api", athlete_a, clip, "upload.mp4")
    assert response.status_code == 201, response.content

    session = TrainingSession.objects.get()
    assert Path(session.video.name).name == f"original{suffix}"
    video = _served(athlete_a, reverse("session_video", args=[session.pk]))
    assert video.status_code == 200
    assert video["Content-Type"] == content_type
    assert server_answer(video)["X-Content-Type-Options"] == "nosniff"
    if suffix == ".bin":
        assert video["Content-Disposition"].startswith("attachment")


def test_the_suffix_table_reads_the_container_not_a_name():
    iso = "mov,mp4,m4a,3gp,3g2,mj2"
    assert stored_video_suffix(iso, "h264", "isom") == ".mp4"
    assert stored_video_suffix(iso, "h264", "qt") == ".mov"
    assert stored_video_suffix("matroska,webm", "av1") == ".webm"
    assert stored_video_suffix("matroska,webm", "h264") == ".mkv"
    assert stored_video_suffix("avi", "mpeg4") == ".avi"
    for other in ("mpegts", "gif", "image2", "tty", "html", ""):
        assert stored_video_suffix(other, "h264") == ".bin"


def test_the_client_file_name_is_only_display_text(athlete_a, tmp_path):
    name = "C:\\Users\\me\\set\u202e4pm.html\r\n"
    response = _upload("api", athlete_a, _clip(tmp_path / "set.mp4"), name)
    assert response.status_code == 201, response.content
    session = TrainingSession.objects.get()
    assert session.original_filename == "set4pm.html"
    assert Path(session.video.name).name == "original.mp4"


def test_a_stored_html_upload_from_before_is_only_ever_a_download(athlete_a):
    session = make_session(athlete_a)
    key = Path(session.video.name).with_name("original.html").as_posix()
    hostile = media_root() / key
    hostile.parent.mkdir(parents=True, exist_ok=True)
    hostile.write_bytes(b"<script>alert(document.cookie)</script>")
    media_publish(hostile)
    session.video.name = key
    session.save(update_fields=["video"])

    video = _served(athlete_a, reverse("session_video", args=[session.pk]))
    assert video.status_code == 200
    assert video["Content-Type"] == "application/octet-stream"
    assert video["Content-Disposition"].startswith("attachment")
    assert server_answer(video)["X-Content-Type-Options"] == "nosniff"
    ranged = _served(athlete_a, reverse("session_video", args=[session.pk]), Range="bytes=0-9")
    assert ranged.status_code == 206 and ranged.body == b"<script>al"
    assert ranged["Content-Type"] == "application/octet-stream"
    assert ranged["Content-Disposition"].startswith("attachment")


def test_every_media_endpoint_sets_an_explicit_type_and_nosniff(session_a, athlete_a, monkeypatch):
    # Nothing is guessed from a name: a guesser that says "HTML" for everything changes nothing.
    monkeypatch.setattr(mimetypes, "guess_type", lambda *args, **kwargs: ("text/html", None))
    rep = session_a.analysis.reps.first()
    array = Path(rep.image).with_name("rep1-orientation.npy")
    np.save(media_root() / array, np.zeros((3, 3), np.float32))
    media_publish(media_root() / array)
    rep.orientation = str(array)
    rep.save(update_fields=["orientation"])
    expected = {
        reverse("session_video", args=[session_a.pk]): ("video/mp4", False),
        reverse("result_video", args=[session_a.pk]): ("video/mp4", False),
        reverse("report_json", args=[session_a.pk]): ("application/json", False),
        reverse("reps_csv", args=[session_a.pk]): ("text/csv; charset=utf-8", True),
        reverse("rep_image", args=[rep.pk]): ("image/png", False),
        reverse("rep_array", args=[rep.pk, "orientation"]): ("application/octet-stream", True),
    }
    for url, (content_type, download) in expected.items():
        response = _served(athlete_a, url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == content_type, url
        assert server_answer(response)["X-Content-Type-Options"] == "nosniff", url
        disposition = response.headers.get("Content-Disposition", "")
        assert disposition.startswith("attachment") == download, (url, disposition)
    named = _served(athlete_a, reverse("rep_array", args=[rep.pk, "orientation"]))
    name = f"session{session_a.pk}-rep{rep.index}-orientation.npy"
    assert named["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.parametrize("username", ['ev"il\r\nname', "zoë", "back\\slash"])
def test_the_reps_csv_of_an_athlete_with_a_hostile_name_downloads(db, username):
    user = get_user_model().objects.create_user(username)  # no validators on this path
    Profile.objects.create(user=user, role="athlete")
    session = make_session(user)
    response = _get(user, reverse("reps_csv", args=[session.pk]))
    assert response.status_code == 200
    name = f"{username}-{session.performed_at:%Y-%m-%d}-reps.csv"
    disposition = response["Content-Disposition"]
    assert disposition == content_disposition_header(True, name)
    assert disposition.startswith("attachment; filename")
    assert not re.search(r"[\r\n]", disposition)
    assert response["X-Content-Type-Options"] == "nosniff"


# --- limits: size and duration ----------------------------------------------------------


def test_an_over_limit_api_upload_gets_the_size_message(athlete_a, settings):
    settings.UPLOAD_MAX_BYTES = 1 << 20
    client = APIClient()
    client.force_authenticate(athlete_a)
    video = SimpleUploadedFile("big.mp4", b"\x00" * ((1 << 20) + 5000), content_type="video/mp4")
    response = client.post("/api/sessions/", {"video": video})
    assert response.status_code == 400
    assert response.json() == {"video": ["The video is larger than the 1 MB limit."]}
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize("route", ["page", "api"])
def test_a_video_over_the_duration_limit_is_refused_before_anything_is_stored(
    athlete_a, tmp_path, settings, route
):
    settings.VIDEO_MAX_SECONDS = 1
    stored_before = _stored_uploads()
    response = _upload(route, athlete_a, _clip(tmp_path / "long.mp4", seconds=3), "long.mp4")
    if route == "api":
        assert response.status_code == 400
        [message] = response.json()["video"]
    else:
        assert response.status_code == 200
        [message] = re.findall(r'data-testid="field-error">([^<]*)<', response.content.decode())
    assert TOO_LONG.fullmatch(message), message
    assert not TrainingSession.objects.exists()
    assert _stored_uploads() == stored_before


def test_the_upload_page_states_both_limits(athlete_a, settings):
    settings.UPLOAD_MAX_BYTES = 500 * 1024 * 1024
    settings.VIDEO_MAX_SECONDS = 300
    page = _get(athlete_a, reverse("session_upload")).content.decode()
    assert "up to 500 MB and 5 min long" in page


def test_limits_read_as_people_say_them():
    assert size_text(500 * 1024 * 1024) == "500 MB"
    assert size_text(1536 * 1024) == "1.5 MB"
    assert size_text(200 * 1024) == "200 KB"
    assert duration_text(300) == "5 min"
    assert duration_text(90) == "1 min 30 s"
    assert duration_text(600, whole_minutes=False) == "10 min 0 s"
    assert duration_text(300.2, whole_minutes=False) == "5 min 1 s"  # never "equal" to 5 min


# --- Content-Security-Policy ------------------------------------------------------------


def _inline_code(html: str) -> list[str]:
    """Tags the policy would block: inline scripts (a `json_script` block is data, not
    code), style attributes and event-handler attributes."""
    scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html, re.I)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    attributes = re.findall(r"<[a-z][^>]*\s(?:style|on[a-z]+)=[^>]*>", html, re.I)
    return scripts + attributes


def test_pages_carry_the_policy_and_no_inline_script_or_style(
    client, athlete_a, coach_a, admin_user, session_a
):
    TrainingRun.objects.create(requested_by=admin_user, params={"config": "default"}, epochs=2)
    anonymous = client.get(reverse("login"))
    policy = anonymous["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe" not in policy

    pages = {
        athlete_a: ["athlete_dashboard", "session_upload", "password_change", "api_docs"],
        coach_a: ["coach_dashboard", "roster", "review_queue"],
        admin_user: ["training", "detectors"],
    }
    checked = [("login", anonymous)]
    for user, names in pages.items():
        checked += [(name, _get(user, reverse(name))) for name in names]
    checked.append(("review", _get(coach_a, reverse("session_review", args=[session_a.pk]))))
    rep = session_a.analysis.reps.first()
    checked.append(("compare", _get(coach_a, reverse("rep_compare") + f"?a={rep.pk}")))
    checked.append(("admin", Client().get(f"/{settings.ADMIN_PATH}login/")))
    for name, response in checked:
        assert response.status_code == 200, name
        assert "Content-Security-Policy" in response, name
        assert _inline_code(response.content.decode()) == [], name


@pytest.mark.parametrize(
    "playlist",
    [
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{target}\n#EXT-X-ENDLIST\n",
        "ffconcat version 1.0\nfile '{target}'\n",
    ],
)
def test_a_playlist_is_refused_without_opening_what_it_names(tmp_path, playlist):
    """HLS and concat playlists make FFmpeg open further files (another athlete's video,
    say); an upload is one file. Django keeps the client's suffix on its temporary file, so
    an upload named `set.m3u8` is probed as `….upload.m3u8`: without the demuxer whitelist
    FFmpeg opened it as HLS and read the file it named."""
    from core.errors import VideoUnreadable
    from core.video.decode import probe_video

    target = shared_path("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")
    upload = tmp_path / "tmpabc.upload.m3u8"
    upload.write_text(playlist.format(target=target))
    with pytest.raises(VideoUnreadable):
        probe_video(str(upload))


def _rewrap(source: Path, target: Path, container: str) -> Path:
    """The same packets in another container (no re-encoding): a header that says other
    things about the same frames."""
    with av.open(str(source)) as given, av.open(str(target), "w", format=container) as out:
        stream = out.add_stream_from_template(given.streams.video[0])
        for packet in given.demux(given.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    return target


def test_a_raw_stream_without_a_container_is_refused(tmp_path):
    """A raw H.264 stream has no duration and a nonsense frame count, so no limit could hold
    on its header: only containers are read."""
    from core.errors import VideoUnreadable
    from core.video.decode import probe_video

    clip = shared_path("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")
    with pytest.raises(VideoUnreadable):
        probe_video(str(_rewrap(clip, tmp_path / "set.h264", "h264")))
    # the same frames in containers phones and browsers write are read, as 15 s of video
    for name, container in [("set.ts", "mpegts"), ("set.mkv", "matroska"), ("set.mov", "mov")]:
        info = probe_video(str(_rewrap(clip, tmp_path / name, container)))
        assert info.frames == 455 and abs(info.duration_s - 15.17) < 0.05


def test_the_duration_limit_holds_on_the_frames_not_only_the_header(tmp_path):
    """The worker stops decoding at the limit, whatever the header claimed."""
    from core.errors import VideoTooLong
    from core.pipeline.run import analyze_video

    clip = shared_path("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")
    with pytest.raises(VideoTooLong, match="past the 2 s limit"):
        analyze_video(clip, tmp_path / "out", max_seconds=2)
