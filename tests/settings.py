"""Test settings: the real settings with tasks run inline and media in a throwaway folder."""

import os
import tempfile

os.environ.setdefault("Q_SYNC", "true")  # Q_CLUSTER is read once at import: set it before.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-deployments")
os.environ.setdefault("SECURE_COOKIES", "false")  # the live server speaks plain http

from coach_platform.settings import *  # noqa: E402,F403

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="coach-test-media-"))  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# django-axes needs the request in `authenticate`, which Django's test client's login() does
# not pass; the lock-out tests switch it on (tests/test_security_defaults.py).
AXES_ENABLED = False

# Notification e-mails land in django.core.mail.outbox.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Object storage (MEDIA_STORAGE=s3, as CI's scale run sets it): this process's local mirror.
MEDIA_CACHE_ROOT = Path(tempfile.mkdtemp(prefix="coach-test-mirror-"))  # noqa: F405
