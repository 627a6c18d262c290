"""Media through Django's storage API: the file system by default, S3-compatible object
storage when `MEDIA_STORAGE=s3` (django-storages; settings.py reads the bucket, endpoint
and keys from the environment).

Every stored file has a *key*: its path relative to the media root
("sessions/<folder>/analysis-1-ab12cd/report.json"), the same in either backend, and rows
store keys, never absolute paths. The pipeline, TensorFlow, PyAV and zip writing need files
on disk, so they work in a *local mirror* of the store:

- file system: the mirror is the store itself (MEDIA_ROOT); nothing is copied;
- object storage: a folder on each machine (MEDIA_CACHE_ROOT). `media_path` downloads a key
  the mirror lacks or holds an older copy of; a job writes into the mirror and uploads what
  it wrote with `media_publish` before a row points at it; `media_remove` deletes both.

A copy is current when its size matches and it is not older than the object (the machines'
clocks are assumed to agree, as NTP keeps them). Browsers fetch object-stored files from a
pre-signed URL (`media_url`): the bucket answers byte ranges itself.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

logger = logging.getLogger(__name__)


def media_storage() -> Storage:
    return storages["default"]


def media_is_local() -> bool:
    """Files on this machine's (or a mounted) disk: the mirror is the store."""
    return isinstance(media_storage(), FileSystemStorage)


def media_root() -> Path:
    """The local mirror's root: MEDIA_ROOT on the file system, else MEDIA_CACHE_ROOT."""
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return Path(settings.MEDIA_CACHE_ROOT)


def media_clean_key(key: str) -> str | None:
    """A stored key made canonical, or None when it is empty or could leave the root
    (absolute, `..`, backslashes, NUL)."""
    if not key or "\\" in key or "\x00" in key or key.startswith("/"):
        return None
    clean = posixpath.normpath(key)
    if clean in (".", "..") or clean.startswith("../"):
        return None
    return clean


def media_key(path: Path | str) -> str:
    """The key of a file or folder in the local mirror (ValueError outside it)."""
    return Path(path).resolve().relative_to(media_root().resolve()).as_posix()


def _local(key: str) -> Path | None:
    clean = media_clean_key(key)
    if clean is None:
        return None
    root = media_root().resolve()
    path = (root / clean).resolve()
    return path if root in path.parents else None


def _head(key: str) -> tuple[int, float] | None:
    """(size, modified as a Unix time) of an object, or None when there is none."""
    from botocore.exceptions import ClientError

    obj = media_storage().bucket.Object(key)
    try:
        obj.load()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return obj.content_length, obj.last_modified.timestamp()


def media_stat(key: str) -> tuple[int, int] | None:
    """(size in bytes, modified in ms) of a stored file without fetching it; None when
    there is none or the key is not one."""
    path = _local(key)
    if path is None:
        return None
    if media_is_local():
        if not path.is_file():
            return None
        stat = path.stat()
        return stat.st_size, stat.st_mtime_ns // 1_000_000
    head = _head(media_clean_key(key))
    return None if head is None else (head[0], int(head[1] * 1000))


def media_path(key: str) -> Path | None:
    """A local file holding the stored file `key` (fetched into the mirror when it is
    object-stored), or None when it is empty, missing, or tries to leave the root."""
    path = _local(key)
    if path is None:
        return None
    if media_is_local():
        return path if path.is_file() else None
    clean = media_clean_key(key)
    head = _head(clean)
    if head is None:
        return None
    size, modified = head
    if path.is_file():
        stat = path.stat()
        if stat.st_size == size and stat.st_mtime >= modified:
            return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Into a temporary name and then renamed: a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".fetch-")
    os.close(fd)
    try:
        media_storage().bucket.download_file(clean, tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def media_file(key: str) -> Path:
    """`media_path` for a file that must be there (an upload a job works on): raises
    FileNotFoundError when it is not stored."""
    path = media_path(key)
    if path is None:
        raise FileNotFoundError(f"{key!r} is not stored")
    return path


def media_tree(prefix: str) -> Path | None:
    """A local folder holding every file stored under `prefix/` (a detector version), or
    None when there is none."""
    folder = _local(prefix)
    if folder is None:
        return None
    if not media_is_local():
        keys = [
            o.key
            for o in media_storage().bucket.objects.filter(Prefix=media_clean_key(prefix) + "/")
        ]
        for key in keys:
            media_path(key)
    return folder if folder.is_dir() else None


def media_publish(path: Path) -> None:
    """Store a file or folder written in the local mirror under its key (object storage;
    on the file system it is stored already). Afterwards the local copy counts as current."""
    if media_is_local():
        return
    storage = media_storage()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        key = media_key(file)
        with file.open("rb") as handle:
            storage.save(key, File(handle, name=file.name))
        now = time.time()
        os.utime(file, (now, now))


def media_remove(key: str) -> None:
    """Delete a stored file or folder (everything under `key/`), from the store and the
    local mirror. A key that could leave the root is left alone (and logged)."""
    path = _local(key)
    if path is None:
        logger.warning("not removing suspicious media key %r", key)
        return
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    if not media_is_local():
        clean = media_clean_key(key)
        bucket = media_storage().bucket
        bucket.objects.filter(Prefix=clean + "/").delete()
        bucket.Object(clean).delete()


def media_folders(key: str) -> list[str]:
    """The names of the folders directly under a stored folder (none when it is missing)."""
    if _local(key) is None:
        return []
    try:
        folders, _ = media_storage().listdir(media_clean_key(key))
    except FileNotFoundError:
        return []
    return sorted(folders)


def media_url(key: str, *, content_type: str, download_name: str | None = None) -> str:
    """A pre-signed URL of an object-stored file, served with this type (and as a download
    under `download_name`); valid MEDIA_URL_SECONDS."""
    from django.utils.http import content_disposition_header

    params = {"ResponseContentType": content_type, "ResponseCacheControl": "private, max-age=3600"}
    if download_name is not None:
        params["ResponseContentDisposition"] = content_disposition_header(True, download_name)
    return media_storage().url(
        media_clean_key(key), parameters=params, expire=settings.MEDIA_URL_SECONDS
    )


def media_prune_mirror(max_age_seconds: float, *, skip: tuple[str, ...] = ()) -> int:
    """Object storage: local copies not fetched or written for `max_age_seconds` are
    removed (they are fetched again when needed), except in the top folders named in
    `skip`; returns how many. The file system's mirror is the store: nothing is removed."""
    root = media_root()
    if media_is_local() or not root.is_dir():
        return 0
    limit = time.time() - max_age_seconds
    removed = 0
    folders = [p for p in root.iterdir() if p.is_dir() and p.name not in skip]
    for path in (p for folder in folders for p in folder.rglob("*")):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
