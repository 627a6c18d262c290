"""An upload handler that stops reading a file once it is over the size limit, so an
oversized upload never fills the disk; the view then reports the limit in a sentence."""

from __future__ import annotations

from django.conf import settings
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


def upload_error(request) -> str | None:
    """The sentence to show when the size-limit handler refused the upload."""
    if getattr(request, "upload_too_large", False):
        return f"The video is larger than the {settings.UPLOAD_MAX_BYTES / 1e6:.0f} MB limit."
    return None
