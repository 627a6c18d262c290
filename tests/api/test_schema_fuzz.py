"""The API keeps the contract it publishes: schemathesis generates requests from
`/api/schema/` against the running platform (one analysed session, personas athlete, coach,
admin and anonymous) and every answer must be documented there: no server error, a declared
status code and content type, and a body that matches the declared schema. One stateful run
follows the schema's links (a session -> its reps -> a comment -> a label).

Bounded and reproducible: a fixed number of generated requests per operation, no deadline,
derandomized; the counts per persona land in test-artifacts/schema-fuzz/requests.json.
Tasks are enqueued, not run (no pipeline, no training): a fuzzed upload is random bytes and
is refused before any analysis, and a fuzzed training run or activation only queues work."""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_session

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Generated requests per operation and persona (~40 operations), besides each operation's
# real id and its schema examples: the whole file stays within two minutes on two cores.
# SCHEMA_FUZZ_EXAMPLES=200 for a long local run.
MAX_EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "12"))
FUZZ_SETTINGS = dict(
    deadline=None,
    derandomize=True,  # the same requests on every run: CI failures reproduce
    database=None,
    suppress_health_check=list(HealthCheck),
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "schema-fuzz"
PERSONAS = ("athlete", "coach", "admin", "anonymous")


@dataclass
class Platform:
    schema: object  # schemathesis' OpenApiSchema, loaded from the running platform
    headers: dict[str, dict[str, str]]  # persona -> request headers
    ids: dict[str, int]  # path prefix -> the id of a real object there


@pytest.fixture
def platform(live_server, athlete_a, coach_a, admin_user, monkeypatch, settings) -> Platform:
    """The running platform with one analysed session (two judged reps) of athlete A and a
    share link to it; each persona's token. DEBUG on, as `make run` serves it (Django's
    own error pages differ with it)."""
    settings.DEBUG = True
    from django_q.conf import Conf
    from rest_framework.authtoken.models import Token
    from rest_framework.throttling import SimpleRateThrottle

    from detectors.models import DetectorVersion
    from sharing.services import share_link_create

    # DELETE /api/sessions/{id}/ deletes the set it names: a set of its own (the older, so the
    # list and its links still start at the one below), so every other operation keeps it.
    doomed = make_session(athlete_a)
    session = make_session(athlete_a)
    link = share_link_create(by=athlete_a, session=session, note="for the physio")
    ids = {
        "/api/sessions/": session.pk,
        "/api/reps/": session.analysis.reps.order_by("index").first().pk,
        "/api/detectors/": DetectorVersion.objects.get(name="test-v1").pk,
        "/api/share-links/": link.pk,
        "DELETE /api/sessions/": doomed.pk,
    }
    # Work is queued, never run in the web thread (no pipeline, no training, no re-scoring).
    monkeypatch.setattr(Conf, "SYNC", False)
    # Throttling is declared (429) but would answer most of a fuzz run: rates beyond reach.
    rates = {scope: "100000/min" for scope in SimpleRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    users = {"athlete": athlete_a, "coach": coach_a, "admin": admin_user}
    headers = {
        name: {"Authorization": f"Token {Token.objects.create(user=user).key}"}
        for name, user in users.items()
    }
    headers["anonymous"] = {}
    # Requests the schema allows (positive mode; negative mode would send ids like "2.5"
    # that match no route), and only the links the schema publishes, not inferred ones.
    config = SchemathesisConfig.from_dict(
        {
            "generation": {"mode": "positive"},
            "phases": {"stateful": {"inference": {"algorithms": []}}},
        }
    )
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/?format=json", config=config
    )
    return Platform(schema=schema, headers=headers, ids=ids)


def _record(persona: str, counter: Counter, seconds: float, operations: dict | None = None):
    """The persona's generated requests (and their answers' status codes) in the test's
    output and in test-artifacts/schema-fuzz/requests.json."""
    statuses = {str(k): v for k, v in sorted(counter.items(), key=str) if k != "requests"}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "requests.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    known[persona] = {
        "requests": counter["requests"],
        "statuses": statuses,
        "seconds": round(seconds, 1),
        "max_examples": MAX_EXAMPLES,
        **({"operations": operations} if operations else {}),
    }
    path.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")
    print(f"schema fuzz: {persona}: {counter['requests']} requests in {seconds:.1f}s {statuses}")


def _fuzz(operation, headers: dict, real_id: int | None, counter: Counter) -> None:
    """Schemathesis' generated cases for one operation, each sent and checked: any ids, then
    (for a route with an `{id}`) the id of the real object there, then the schema's
    examples. Raises the first failure, shrunk to its smallest request."""
    strategies = [(MAX_EXAMPLES, operation.as_strategy())]
    if real_id is not None:
        strategies.append((MAX_EXAMPLES, operation.as_strategy(path_parameters={"id": real_id})))
    examples = operation.schema.get_strategies_from_examples(operation)
    strategies += [(1, strategy) for strategy in examples]
    for max_examples, strategy in strategies:

        @settings(max_examples=max_examples, **FUZZ_SETTINGS)
        @given(case=strategy)
        def check(case):
            response = case.call(headers=headers)
            counter["requests"] += 1
            counter[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        check()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_answer_keeps_the_published_contract(platform, persona):
    total: Counter = Counter()
    per_operation = {}
    failures = []
    started = time.monotonic()
    operations = [result.ok() for result in platform.schema.get_all_operations()]
    assert len(operations) > 30, "the schema lost its operations"
    for operation in operations:
        counter: Counter = Counter()
        prefix = next((p for p in platform.ids if operation.path.startswith(p)), None)
        real_id = platform.ids[prefix] if prefix and "{id}" in operation.path else None
        if real_id is not None and operation.method.upper() == "DELETE":
            real_id = platform.ids.get(f"DELETE {prefix}", real_id)
        try:
            _fuzz(operation, platform.headers[persona], real_id, counter)
        except (Exception, FailureGroup) as exc:  # every operation runs; all findings reported
            failures.append(f"{operation.label}: {exc}")
        total.update(counter)
        per_operation[operation.label] = {str(k): v for k, v in counter.items() if k != "requests"}
    _record(persona, total, time.monotonic() - started, per_operation)
    assert not failures, f"{len(failures)} operations broke the contract:\n\n" + "\n\n".join(
        failures
    )
    if persona != "anonymous":  # random bytes are refused as a video (400), never analysed
        assert set(per_operation["POST /api/sessions/"]) <= {"400", "403"}


# The walk: the session list (the one entry point) -> a session -> its reps -> a comment on
# the session or on a rep -> the commented rep's label (analysis/views/api/schema.py).
STATEFUL = [
    "sessions_list",
    "sessions_retrieve",
    "sessions_reps_list",
    "sessions_comments_list",
    "sessions_comments_create",
    "reps_retrieve",
    "reps_comments_create",
    "reps_label_create",
]


def test_a_coach_follows_the_links_from_a_session_to_a_comment_and_a_label(platform):
    """Stateful: the schema's links carry the ids (the listed session, its first rep, the
    commented rep) from one answer into the next request, as a coach."""
    coach = platform.headers["coach"]
    schema = platform.schema.include(operation_id=STATEFUL)
    counter: Counter = Counter()
    followed: Counter = Counter()

    class Coach(schema.as_state_machine()):
        def before_call(self, case):
            # Pages and filters are fuzzed per operation above; the walk stays on the first
            # page of everything, so that each list has an id for the links to carry.
            if case.query:
                case.query = {k: v for k, v in case.query.items() if k not in ("page", "counted")}
            # Comments take JSON, forms and multipart (a voice-over); each is fuzzed per
            # operation above. The walk posts JSON, so a comment can land on a linked rep.
            if case.media_type not in (None, "application/json") and isinstance(case.body, dict):
                case.body = {k: v for k, v in case.body.items() if k != "audio"}
                case.media_type = "application/json"

        def get_call_kwargs(self, case):
            return {"headers": coach}

        def after_call(self, response, case):
            counter["requests"] += 1
            counter[response.status_code] += 1
            operation_id = case.operation.definition.raw.get("operationId")
            followed[f"{operation_id} {response.status_code}"] += 1
            super().after_call(response, case)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=coach)

    started = time.monotonic()
    Coach.run(
        settings=settings(
            max_examples=120,  # enough steps to reach a linked rep among all the operations
            stateful_step_count=6,
            phases=[Phase.generate],  # a failure is reported as found: no shrinking
            **FUZZ_SETTINGS,
        )
    )
    _record("coach (stateful)", counter, time.monotonic() - started)
    # The walk reached the end of the chain on the rep a link named: a comment posted on it
    # and a label set on it, not only generated ids (404).
    assert followed["reps_comments_create 201"] and followed["reps_label_create 200"], followed


# Ids that match no route (what an outside fuzz's negative mode sends for `{id}`): Django
# answers before any API view runs, and the answer must still be the API's declared 404.
NOT_IDS = ["-3.6e-254", "-1", "1.5", "abc", "%F0%9F%8F%8B", "99999999999999999999999999"]


@pytest.mark.parametrize("persona", ["athlete", "anonymous"])
def test_an_id_that_matches_no_route_is_the_apis_declared_404(platform, live_server, persona):
    import requests

    checked = 0
    for result in platform.schema.get_all_operations():
        operation = result.ok()
        if "{" not in operation.path:
            continue
        declared = operation.definition.raw["responses"]
        for value in NOT_IDS:
            path = re.sub(r"\{[^}]+\}", value, operation.path)
            answer = requests.request(
                operation.method.upper(),
                f"{live_server.url}{path}",
                headers=platform.headers[persona],
                timeout=30,
            )
            where = f"{operation.method.upper()} {path}: {answer.status_code}"
            # 404 mostly; 401 (anonymous) or 403 (a role's route) where the id fits the
            # route's pattern: whichever, one the schema declares, as the one error body.
            assert str(answer.status_code) in declared and answer.status_code >= 400, where
            assert answer.headers["Content-Type"] == "application/json", where
            assert isinstance(answer.json().get("detail"), str), where
            checked += 1
    assert checked > 50
