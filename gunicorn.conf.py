"""gunicorn's settings for the web process (`make serve`, the Procfile's `web`). Environment:
HOST and PORT (127.0.0.1:8000), WEB_CONCURRENCY (worker processes, default 2 per core + 1),
WEB_TIMEOUT (seconds a request may take: an upload piece from a slow phone, default 120)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("WEB_TIMEOUT", 120))
graceful_timeout = 30
accesslog = "-"  # to stdout, where the process manager collects it
# The proxy in front (nginx, a load balancer) sets X-Forwarded-*; trust it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "coach_platform.wsgi:application"
