"""An upload handler that stops reading a file once it is over the size limit, so an
oversized upload never fills the disk; the view then reports the limit in a sentence. And
the limits themselves, as people read them."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data  # passed on to the next handler (memory, then temporary file)

    def file_complete(self, file_size: int) -> None:
        return None


def size_text(size: int) -> str:
    """Bytes as people say them: "500 MB" for 500 MiB, "1.5 MB", "200 KB"."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            text = f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{size} bytes"


def duration_text(seconds: float, *, whole_minutes: bool = True) -> str:
    """A length as people read it ("5 min", "1 min 30 s", "12 s"), rounded up to whole
    seconds (so a video a fraction over a limit never reads as equal to it);
    `whole_minutes=False` keeps the seconds of a whole minute ("10 min 0 s"), as a measured
    length reads."""
    whole = math.ceil(seconds)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    if whole_minutes and not rest:
        return f"{minutes} min"
    return f"{minutes} min {rest} s"


def upload_error(request) -> str | None:
    """The sentence to show when the size-limit handler refused the upload."""
    if getattr(request, "upload_too_large", False):
        return f"The video is larger than the {size_text(settings.UPLOAD_MAX_BYTES)} limit."
    return None


@contextmanager
def upload_local_path(upload: UploadedFile) -> Iterator[str]:
    """A path on local disk holding the upload's bytes, for a decoder that reads files: the
    temporary file Django streamed a large upload to, or a copy of a small in-memory one
    (deleted afterwards). The upload is rewound for whoever reads it next."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    with tempfile.NamedTemporaryFile(prefix="upload-") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            yield copy.name
        finally:
            upload.seek(0)
