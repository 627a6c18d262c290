"""Private media: files answered by permission-checked views, with HTTP Range for seeking.

Django's static serving (and the test live server) ignores `Range`, and a browser that
gets no `206 Partial Content` can play a video but not seek in it.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024


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
    content_type: str | None = None,
    download_name: str | None = None,
) -> HttpResponse:
    """The whole file (200) or the one byte range asked for (206). Multi-range requests
    get the whole file, which HTTP allows."""
    size = path.stat().st_size
    content_type = content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
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
    if download_name:
        response["Content-Disposition"] = f'attachment; filename="{download_name}"'
    response["Accept-Ranges"] = "bytes"
    # Private: a shared cache must never hand one athlete's video to another person.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def media_login_required(view):
    """Like `login_required`, but an API client's `Authorization: Token ...` header also
    counts, so the URLs the API hands out (result_video_url, image_url) work for it."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated and request.headers.get("Authorization"):
            try:
                found = TokenAuthentication().authenticate(request)
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
