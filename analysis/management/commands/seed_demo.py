"""Demo accounts, idempotent: admin, coach, athlete1 and athlete2 (both on the coach's roster).

The password is $DEMO_PASSWORD, or a random one printed (and kept in var/demo-password so
`scripts/run_platform.py` can print it again) when the variable is unset.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from athletes.models import CoachAssignment, Profile, Role

ACCOUNTS = [
    ("admin", Role.ADMIN),
    ("coach", Role.COACH),
    ("athlete1", Role.ATHLETE),
    ("athlete2", Role.ATHLETE),
]
PASSWORD_FILE = Path(settings.BASE_DIR) / "var" / "demo-password"


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts: admin, coach, athlete1, athlete2."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD", "")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(9)
        User = get_user_model()
        with transaction.atomic():
            users = {}
            for username, role in ACCOUNTS:
                user, _ = User.objects.get_or_create(username=username)
                user.is_staff = user.is_superuser = role == Role.ADMIN
                user.email = user.email or f"{username}@example.com"
                user.set_password(password)
                user.save()
                Profile.objects.update_or_create(user=user, defaults={"role": role})
                users[username] = user
            for athlete in ("athlete1", "athlete2"):
                CoachAssignment.objects.get_or_create(coach=users["coach"], athlete=users[athlete])
        if generated:
            PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
            PASSWORD_FILE.write_text(password)
            PASSWORD_FILE.chmod(0o600)
        elif PASSWORD_FILE.exists():
            PASSWORD_FILE.unlink()
        names = ", ".join(name for name, _ in ACCOUNTS)
        source = "random, DEMO_PASSWORD unset" if generated else "from DEMO_PASSWORD"
        self.stdout.write(f"Demo accounts: {names}; password ({source}): {password}")
