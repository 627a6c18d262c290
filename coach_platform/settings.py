"""Settings: twelve-factor, every knob an environment variable with a safe local default.

SQLite (WAL, IMMEDIATE transactions) and django-q2's ORM broker are the embedded defaults;
`DATABASE_URL` (e.g. PostgreSQL) and `REDIS_URL` switch to the multi-machine configuration.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: a deployment that forgets the variable shows no tracebacks.
# `make run` sets DEBUG=1 for local use.
DEBUG = _env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment (several machines must share one); otherwise a random
    key made once for this installation and kept in var/secret_key, readable by its owner only."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = BASE_DIR / "var" / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: of two processes starting at once, one writes and both read it
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_q",
    "axes",
    # The project's apps, each a subject, in the order they may import one another
    # (docs/architecture.md; tests/test_layers.py).
    "athletes",
    "sets",
    "notifications",
    "detectors",
    "analysis",
    "uploads",
    "reviews",
    "sharing",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Under /api/ every answer is JSON, also a 404 of no route or a body refused early.
    "coach_platform.api_errors.ApiErrorsMiddleware",
    # Static files from the web process itself (no DEBUG, no separate file server needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its docs ask: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out username+address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "coach_platform.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coach_platform.context.site",
            ],
        },
    },
]
WSGI_APPLICATION = "coach_platform.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE removed every "database is locked" between web and worker (recipes.md).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule for passwords: Django tells every validator when a password changed (any
    # path: change, reset, admin, command line), and this one ends the person's API tokens.
    {"NAME": "coach_platform.auth.EndTokensOnPasswordChange"},
]

# --- Login lock-out (django-axes): every login path (pages, admin, API token) counts failures
# per username and address; after LOGIN_FAILURE_LIMIT the pair is locked for a while.
AXES_VERBOSE = False  # no banner on every start; lock-outs are still logged
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "coach_platform.auth.lockout_response"
AXES_COOLOFF_MESSAGE = "Too many failed logins: this account is locked here for a while."
AXES_CLIENT_IP_CALLABLE = "coach_platform.throttles.client_address"

# Proxies in front of the web processes that set X-Forwarded-For (docs/deploy.md: nginx, 1).
# Every per-address rule (throttles, share links, login lock-out) counts the address the
# outermost of them saw (coach_platform/throttles.py: client_address); 0 (the default): the
# connection's own address, and a client's X-Forwarded-For is ignored.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", 0))

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Private media (uploads, analysis files, detector versions): served only through
# permission-checked views, never by URL prefix; read and written through the storage API
# (coach_platform/storage.py). The file system under MEDIA_ROOT by default; MEDIA_STORAGE=s3
# keeps them in an S3-compatible bucket (AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL for
# MinIO, Ceph..., AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the machine's role), with a
# local mirror per machine at MEDIA_CACHE_ROOT for the files a job works on.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "files")
MEDIA_CACHE_ROOT = Path(os.environ.get("MEDIA_CACHE_ROOT", BASE_DIR / "var" / "media-cache"))
# Local copies of object-stored files unused this long are removed by the reaper.
MEDIA_CACHE_SECONDS = int(os.environ.get("MEDIA_CACHE_SECONDS", 6 * 3600))
# A browser plays an object-stored video from a pre-signed URL valid this long.
MEDIA_URL_SECONDS = int(os.environ.get("MEDIA_URL_SECONDS", 3600))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def s3_media_storage(bucket: str, endpoint: str = "", region: str | None = None) -> dict:
    """The media storage in an S3-compatible bucket (django-storages), private."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": region or None,
            "default_acl": None,  # private: the bucket's own policy, no public objects
            "querystring_auth": True,
            "file_overwrite": True,  # keys are chosen by the platform, never renamed
            "addressing_style": "path" if endpoint else None,
        },
    }


MEDIA_ORIGIN = ""  # where browsers fetch object-stored media from (for the CSP)
if MEDIA_STORAGE == "s3":
    _endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "")
    _bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "coach-media")
    STORAGES["default"] = s3_media_storage(_bucket, _endpoint, os.environ.get("AWS_S3_REGION_NAME"))
    MEDIA_ORIGIN = _endpoint.rstrip("/") or f"https://{_bucket}.s3.amazonaws.com"
elif MEDIA_STORAGE != "files":
    raise ImproperlyConfigured("MEDIA_STORAGE is 'files' (the default) or 's3'.")
# A running analysis or training run whose worker sent no heartbeat for this long is dead:
# the reaper (a django-q2 schedule, every minute) marks it failed, and it can be retried.
JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", 120))
# An analysis whose worker stopped is queued again for another worker this many times in a
# row before it is failed (a video that kills workers must not take them all down).
ANALYSIS_LOST_REQUEUES = int(os.environ.get("ANALYSIS_LOST_REQUEUES", 1))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploads stream to temporary files on disk beyond this size, never whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 500 * 1024 * 1024))
# Longer videos are refused at upload (probed before anything is stored): a set is minutes.
VIDEO_MAX_SECONDS = int(os.environ.get("VIDEO_MAX_SECONDS", 300))
# A coach's voice-over on a set (reviews/services/voice_overs.py): at most this large and long
# (a browser's Opus is ~4 MB for 5 minutes), and this many recordings per person an hour.
VOICE_OVER_MAX_BYTES = int(os.environ.get("VOICE_OVER_MAX_BYTES", 10 * 1024 * 1024))
VOICE_OVER_MAX_SECONDS = int(os.environ.get("VOICE_OVER_MAX_SECONDS", 300))
VOICE_OVERS_PER_HOUR = int(os.environ.get("VOICE_OVERS_PER_HOUR", 60))
# The size limit is enforced while the body streams in, before memory or temporary file.
FILE_UPLOAD_HANDLERS = [
    "coach_platform.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Resumable uploads (tus 1.0, uploads/services/resumable.py): the piece the page sends, the
# most one request may carry, and how long an unfinished upload is kept without a new piece.
RESUMABLE_CHUNK_BYTES = int(os.environ.get("RESUMABLE_CHUNK_BYTES", 5 * 1024 * 1024))
RESUMABLE_PATCH_MAX_BYTES = 16 * 1024 * 1024
RESUMABLE_STALE_SECONDS = int(os.environ.get("RESUMABLE_STALE_SECONDS", 24 * 3600))

# API tokens expire: a leaked one stops working; POST /api/auth/token/ gives a new one.
API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", 24 * 7)))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coach_platform.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Django's ValidationError / PermissionDenied from services become 400 / 403 here, once.
    "EXCEPTION_HANDLER": "coach_platform.api_errors.api_exception_handler",
    # DRF's parsers; JSON bounded in depth and charset (a RecursionError was a 500).
    "DEFAULT_PARSER_CLASSES": [
        "coach_platform.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # DRF's own throttles: a burst limit and a daily one per user (per address when
    # anonymous, the address from coach_platform/throttles.py). Counts live in the default
    # cache. Uploads have their own limit per person (UPLOADS_PER_HOUR), on every path.
    "DEFAULT_THROTTLE_CLASSES": [
        "coach_platform.throttles.AnonRateThrottle",
        "coach_platform.throttles.BurstRateThrottle",
        "coach_platform.throttles.SustainedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_RATE_ANON", "30/min"),
        "burst": os.environ.get("API_RATE_BURST", "120/min"),
        "sustained": os.environ.get("API_RATE_SUSTAINED", "10000/day"),
    },
    "NUM_PROXIES": NUM_PROXIES,  # unused by our throttles (they ask client_address); kept true
}
# Sets one person may start in an hour, whichever way they arrive (API, upload page,
# resumable upload): each costs a worker about a minute (uploads/services/uploads.py).
UPLOADS_PER_HOUR = int(os.environ.get("UPLOADS_PER_HOUR", 30))
SPECTACULAR_SETTINGS = {
    "TITLE": "Barbell coaching platform API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # A verdict and a label share their choices: one name for the schema's enum; a rep's
    # outcome and its model's outcome share theirs.
    "ENUM_NAME_OVERRIDES": {
        "JudgementEnum": "analysis.models.Verdict",
        "OutcomeEnum": "analysis.models.Outcome",
    },
    # After the enums: every operation's error answers with the API's one error body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "coach_platform.api_errors.error_responses_hook",
        # OpenAPI links: a session's id to its reps and comments, a rep's to its label.
        "analysis.views.api.schema.links_hook",
    ],
}

_Q_WORKERS = int(os.environ.get("Q_WORKERS", 1))
_Q_TIMEOUT = int(os.environ.get("Q_TIMEOUT", 3600))
Q_CLUSTER = {
    "name": "coach",
    "workers": _Q_WORKERS,
    "timeout": _Q_TIMEOUT,
    "retry": _Q_TIMEOUT + 600,
    "max_attempts": 1,
    # A cluster holds at most one waiting task per worker: a killed cluster takes few with
    # it (the reaper enqueues them again once their analyses wait JOB_STALE_SECONDS).
    "queue_limit": _Q_WORKERS,
    "catch_up": False,
    "orm": "default",
    "sync": _env_bool("Q_SYNC", False),
}
# Pose processes per analysis, chosen with the workers: together one per core, so two
# uploads analysed at once do not fight over cores (pipeline/pose_segments.py).
POSE_PROCESSES = int(
    os.environ.get("POSE_PROCESSES", max(1, (os.cpu_count() or 1) // Q_CLUSTER["workers"]))
)
# Analyses of one athlete running at once: one worker fewer than a cluster has, so one
# athlete's uploads never hold every worker (with one worker, fairness orders the queue).
ANALYSES_PER_ATHLETE = int(os.environ.get("ANALYSES_PER_ATHLETE", max(1, Q_CLUSTER["workers"] - 1)))
if os.environ.get("REDIS_URL"):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = os.environ["REDIS_URL"]
    # Throttle counts shared by every web process (the default is one memory per process).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

# --- Transport security. Cookies are Secure whenever DEBUG is off; HSTS and the HTTPS
# redirect depend on the deployment's own TLS (a proxy in front sets SECURE_PROXY_SSL_HEADER).
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):  # e.g. "HTTP_X_FORWARDED_PROTO,https"
    SECURE_PROXY_SSL_HEADER = tuple(os.environ["SECURE_PROXY_SSL_HEADER"].split(",", 1))
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else from this site
# only; no inline script or style attribute anywhere (pages set sizes from their JS files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "media-src": [SELF, "blob:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Django's admin lives at a path of the deployment's choosing (not the guessable default).
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"

# Notifications (notifications/services.py). E-mail goes to the console unless
# EMAIL_HOST names an SMTP server; links in e-mails start with SITE_URL (a worker has no
# request to build them from). The header's unread count is asked for every N seconds.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The product's name in e-mails and exports (the lifts it judges are the registry's).
SITE_NAME = os.environ.get("SITE_NAME", "Barbell coach")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
NOTIFICATIONS_POLL_SECONDS = float(os.environ.get("NOTIFICATIONS_POLL_SECONDS", 30))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The worker's routine lines (a task taken, the reaper's schedule) at INFO; `make run`
    # asks for WARNING (scripts/run_platform.py): quiet when nothing is wrong.
    "loggers": {"django-q": {"level": os.environ.get("Q_LOG_LEVEL", "INFO")}},
}
