"""Malformed and pathological request bodies, sent to every write operation the API publishes
as athlete, coach and admin: a body the server cannot read (nested past any use, not UTF-8,
an unknown charset, cut short, over the size limit, a broken multipart, too many fields,
JSON's non-numbers) is a 4xx with the API's one error body, never a server error or an HTML
page; odd but readable values (a list for an object, NUL characters, 1e999) are refused or
used, never a crash."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from detectors.models import DetectorVersion
from notifications.models import Notification
from reviews.services.comments import comment_create
from sharing.services import share_link_create
from tests.conftest import make_session

JSON = "application/json"
TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024

# (name, content type, body): what no server should try to make sense of.
UNREADABLE = [
    ("nested-past-recursion", JSON, b"[" * 100_000 + b"]" * 100_000),
    ("nested-deep", JSON, json.dumps({"body": json.loads("[" * 40 + "1" + "]" * 40)}).encode()),
    ("not-utf8", JSON, b'{"body": "\xff\xfe\xfa"}'),
    ("unknown-charset", f"{JSON}; charset=x-klingon", b'{"body": "x"}'),
    ("cut-short", JSON, b'{"body": "x", "note": '),
    ("over-the-limit", JSON, b'{"body": "' + b"a" * TOO_BIG + b'"}'),
    ("non-numbers", JSON, b'{"body": "x", "video_time_s": NaN, "epochs": Infinity}'),
    ("digits-past-int-limit", JSON, b'{"body": "x", "epochs": ' + b"9" * 5000 + b"}"),
    ("multipart-no-boundary", "multipart/form-data", b"body=x"),
    ("too-many-fields", "application/x-www-form-urlencoded",
     "&".join(f"f{i}=1" for i in range(3000)).encode()),
]  # fmt: skip
# Readable, but not what any operation asks for.
ODD = [
    ("a-list", JSON, b"[]"),
    # Django's multipart parser keeps what it can read of a broken body: here, no field.
    ("broken-multipart", "multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: x"),
    ("a-string", JSON, b'"label"'),
    ("null", JSON, b"null"),
    ("nul-characters", JSON, b'{"body": "a\\u0000b", "note": "\\u0000", "label": "good\\u0000"}'),
    ("huge-numbers", JSON, b'{"body": "x", "video_time_s": 1e999, "epochs": 1e308, "rep": 1e300}'),
    ("wrong-types", JSON, b'{"body": {"a": 1}, "rep": [1], "drawing": "x", "label": 5}'),
    ("drawing-nested", JSON, json.dumps({"video_time_s": 0.1, "drawing": [[[[["x"]]]]]}).encode()),
]  # fmt: skip
PERSONAS = ("athlete", "coach", "admin")


def _error_body(answer) -> bool:
    """The API's one error body: {"detail": str | [str]} or {field: [str] | {...}}."""
    try:
        body = answer.json()
    except ValueError:
        return False
    if not isinstance(body, dict) or not body:
        return False
    for key, value in body.items():
        if key == "detail" and isinstance(value, str):
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            continue
        if key != "detail" and isinstance(value, dict):
            continue
        return False
    return True


@pytest.fixture
def writes(athlete_a, coach_a, admin_user, monkeypatch):
    """Every write operation of the published schema as (method, path with real ids, takes a
    body), and each persona's client."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)  # nothing runs in the request
    session = make_session(athlete_a)
    comment_create(author=coach_a, session=session, body="Hips first")  # a notification
    ids = {
        "/api/sessions/": session.pk,
        "/api/reps/": session.analysis.reps.order_by("index").first().pk,
        "/api/detectors/": DetectorVersion.objects.get(name="test-v1").pk,
        "/api/share-links/": share_link_create(by=athlete_a, session=session).pk,
        "/api/notifications/": Notification.objects.filter(recipient=athlete_a).first().pk,
    }
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            prefix = next((p for p in ids if path.startswith(p)), None)
            real = re.sub(r"\{id\}", str(ids[prefix]) if prefix else "1", path)
            real = real.replace("{candidate}", "0")
            operations.append((method, real, "requestBody" in operation))
    clients = {}
    for name, user in {"athlete": athlete_a, "coach": coach_a, "admin": admin_user}.items():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        clients[name] = client
    assert len(operations) >= 15, operations
    return operations, clients


def _answers(writes, persona: str, bodies):
    """(where, takes a body, the answer, its content type) for each body to each write."""
    operations, clients = writes
    for method, path, takes_body in operations:
        for name, content_type, body in bodies:
            answer = clients[persona].generic(method.upper(), path, body, content_type)
            where = f"{method.upper()} {path} {name}: {answer.status_code}"
            yield where, takes_body, answer, answer.get("Content-Type", "")


def _refused_right(answer, kind: str) -> bool:
    return 400 <= answer.status_code < 500 and kind == JSON and _error_body(answer)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_write_refuses_an_unreadable_body_with_the_error_body(writes, persona):
    found = []
    for where, takes_body, answer, kind in _answers(writes, persona, UNREADABLE):
        # A body an operation never reads: anything but a crash or a page.
        ok = _refused_right(answer, kind) or (not takes_body and answer.status_code < 400)
        if not ok:
            found.append(f"{where} {kind} {answer.content[:120]!r}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_write_takes_odd_values_without_a_crash(writes, persona):
    found = []
    for where, _takes_body, answer, kind in _answers(writes, persona, ODD):
        if answer.status_code >= 400 and not _refused_right(answer, kind):
            found.append(f"{where} {kind} {answer.content[:120]!r}")
    assert not found, "\n".join(found)


def test_the_token_endpoint_refuses_them_anonymously_too(db):
    client = APIClient()
    for name, content_type, body in UNREADABLE:
        answer = client.generic("POST", "/api/auth/token/", body, content_type)
        assert 400 <= answer.status_code < 500, (name, answer.status_code)
        assert answer["Content-Type"] == JSON and _error_body(answer), (name, answer.content[:200])
