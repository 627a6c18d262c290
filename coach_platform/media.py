"""Private media: files answered by permission-checked views, with HTTP Range for seeking.

Django's static serving (and the test live server) ignores `Range`, and a browser that
gets no `206 Partial Content` can play a video but not seek in it.

A user's file is data, never a page: every file is served with a content type from the one
table below, chosen by the name the server gave the file (never guessed, never the name the
client sent); anything not in the table is a download (`application/octet-stream`,
`attachment`), and `nosniff` stops the browser second-guessing either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024

# Stored suffix -> the type it is served as. Everything else: octet-stream, as an attachment.
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".avi": "video/x-msvideo",
    # Voice-overs, stored as the server wrote them (core/video/audio.py: AUDIO_STORED).
    ".weba": "audio/webm",
    ".m4a": "audio/mp4",
    ".png": "image/png",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
}
DOWNLOAD_TYPE = "application/octet-stream"

# An upload is stored as `original<suffix>`, the suffix chosen from the container the
# demuxer decoded (PyAV's format name), never from the client's file name.
_ISO_MEDIA = "mov,mp4,m4a,3gp,3g2,mj2"  # one demuxer for MP4, QuickTime, 3GP...
_MATROSKA = "matroska,webm"
_WEBM_CODECS = {"vp8", "vp9", "av1"}  # what a WebM file may hold; other codecs: Matroska


def stored_video_suffix(container: str, codec: str = "", brand: str = "") -> str:
    """The suffix an upload is stored under, from what it decoded as: `.mp4` (`.mov` for a
    QuickTime brand), `.webm` or `.mkv`, `.avi`; anything else `.bin` (served as a
    download)."""
    if container == _ISO_MEDIA:
        return ".mov" if brand == "qt" else ".mp4"
    if container == _MATROSKA:
        return ".webm" if codec in _WEBM_CODECS else ".mkv"
    if container == "avi":
        return ".avi"
    return ".bin"


def served_type(name: str) -> tuple[str, bool]:
    """(content type, as an attachment) for a stored file name."""
    content_type = CONTENT_TYPES.get(Path(name).suffix.lower())
    return (content_type, False) if content_type else (DOWNLOAD_TYPE, True)


def _protect(response: HttpResponse) -> HttpResponse:
    # Private: a shared cache must never hand one athlete's file to another person.
    response.setdefault("Cache-Control", "private, max-age=3600")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_response(body: bytes | str, *, filename: str) -> HttpResponse:
    """Content made on the fly (a CSV...) as a download named `filename`, any characters
    in it (quotes, line breaks, non-ASCII) encoded safely in the header."""
    content_type, _ = served_type(filename)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return _protect(response)


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data


def ranged_file_response(
    request: HttpRequest,
    path: Path,
    *,
    download_name: str | None = None,
) -> HttpResponse:
    """The whole file (200) or the one byte range asked for (206). Multi-range requests
    get the whole file, which HTTP allows. The type comes from `served_type`; a
    `download_name` makes it a download under that name."""
    size = path.stat().st_size
    content_type, attachment = served_type(path.name)
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:  # "bytes=-N": the last N bytes
            start, end = max(0, size - int(match[2])), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        length = end - start + 1
        response = StreamingHttpResponse(
            _read(path, start, length), status=206, content_type=content_type
        )
        response["Content-Length"] = str(length)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    if download_name or attachment:
        response["Content-Disposition"] = content_disposition_header(True, download_name or "")
    response["Accept-Ranges"] = "bytes"
    return _protect(response)


def media_login_required(view):
    """Like `login_required`, but an API client's `Authorization: Token ...` header also
    counts, so the URLs the API hands out (result_video_url, image_url) work for it."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from rest_framework.exceptions import AuthenticationFailed

    from coach_platform.auth import ExpiringTokenAuthentication

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated and request.headers.get("Authorization"):
            try:
                found = ExpiringTokenAuthentication().authenticate(request)
            except AuthenticationFailed:
                found = None
            if found:
                request.user = found[0]
            else:
                return HttpResponse("Invalid token.", status=401)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
