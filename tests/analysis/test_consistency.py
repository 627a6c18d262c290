"""Consistency (issue 15, item 8): reps from two sets of one day never read the same on the
compare page, its table never prints "-0", and the reps CSV says whose, when and what load,
with rounded numbers and no formulas."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analysis.models import Rep
from analysis.selectors.compare import compare_rows, number_text, rep_name, rep_names
from analysis.selectors.export import HEADER, analysis_reps_csv
from sets.models import TrainingSession
from tests.conftest import make_session

DAY = dt.date(2026, 3, 12)


def _set_on(athlete, day: dt.date, hour: int, minute: int = 5):
    session = make_session(athlete, reps=2)
    created = timezone.make_aware(dt.datetime(2026, 3, 12, hour, minute, 30))
    TrainingSession.objects.filter(pk=session.pk).update(performed_at=day, created_at=created)
    session.refresh_from_db()
    return session


def _reps(session) -> list[Rep]:
    return list(
        Rep.objects.select_related("analysis__session__athlete")
        .filter(analysis__session=session)
        .order_by("index")
    )


# --- names ---------------------------------------------------------------------------------
def test_a_set_alone_on_its_day_is_named_by_athlete_date_and_rep(athlete_a):
    (rep, _) = _reps(_set_on(athlete_a, DAY, 18))
    assert rep_name(rep) == "athlete_a · 12 Mar 2026 · rep 1"


def test_two_sets_of_one_day_are_told_apart_by_their_upload_time(athlete_a, athlete_b):
    morning = _reps(_set_on(athlete_a, DAY, 9))
    evening = _reps(_set_on(athlete_a, DAY, 18))
    other_athlete = _reps(_set_on(athlete_b, DAY, 18))  # another athlete's day: no clash
    names = rep_names(morning + evening + other_athlete)
    assert names[morning[1].pk] == "athlete_a · 12 Mar 2026 09:05 · rep 2"
    assert names[evening[1].pk] == "athlete_a · 12 Mar 2026 18:05 · rep 2"
    assert names[other_athlete[1].pk] == "athlete_b · 12 Mar 2026 · rep 2"
    assert len(set(names.values())) == len(names)
    # One rep alone reads as it does among the others: the name is the rep's, not the list's.
    assert rep_name(evening[1]) == names[evening[1].pk]


def test_two_sets_uploaded_in_the_same_minute_still_read_differently(athlete_a):
    first = _reps(_set_on(athlete_a, DAY, 18))
    second = _reps(_set_on(athlete_a, DAY, 18))
    names = rep_names(first + second)
    assert len(set(names.values())) == 4
    assert names[first[0].pk].startswith("athlete_a · 12 Mar 2026 18:05 (set ")


def test_imported_reps_of_one_file_name_get_their_number(admin_user):
    reps = [
        Rep.objects.create(
            analysis=None, index=1, source="dissertation", source_name="a.png", image_sha256=h
        )
        for h in ("h1", "h2")
    ]
    names = rep_names(reps)
    assert names[reps[0].pk] == f"dissertation · a.png (#{reps[0].pk})"
    assert len(set(names.values())) == 2


def test_the_compare_page_titles_and_choices_use_the_distinct_names(athlete_a, coach_a):
    morning = _reps(_set_on(athlete_a, DAY, 9))
    evening = _reps(_set_on(athlete_a, DAY, 18))
    client = Client()
    client.force_login(coach_a)
    response = client.get(reverse("rep_compare"), {"a": morning[1].pk, "b": evening[1].pk})
    assert response.status_code == 200
    assert response.context["a"]["title"] == "athlete_a · 12 Mar 2026 09:05 · rep 2"
    assert response.context["b"]["title"] == "athlete_a · 12 Mar 2026 18:05 · rep 2"
    texts = [c["text"] for c in response.context["choices"]]
    assert len(set(texts)) == len(texts) == 4
    # Newest upload first within the day; each choice is the rep's name and its outcome.
    assert texts[0] == "athlete_a · 12 Mar 2026 18:05 · rep 1 · good"
    page = response.content.decode()
    assert "12 Mar 2026 09:05 · rep 2" in page and "12 Mar 2026 18:05 · rep 2" in page


# --- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "places", "signed", "text"),
    [
        (-0.0, 0, True, "0"),
        (-0.0, 2, False, "0.00"),
        (-0.4, 0, True, "0"),
        (-0.004, 2, True, "0"),
        (0.004, 2, True, "0"),
        (-0.3, 0, False, "0"),
        (-0.6, 0, True, "-1"),
        (0.5, 2, True, "+0.50"),
        (-0.5, 2, True, "-0.50"),
        (72.4, 0, False, "72"),
        (None, 2, True, "–"),
        (float("nan"), 2, False, "–"),
    ],
)
def test_numbers_never_print_minus_zero(value, places, signed, text):
    assert number_text(value, places, signed=signed) == text


def test_the_compare_table_says_0_for_no_difference(athlete_a):
    session = make_session(athlete_a, reps=2)
    a, b = session.analysis.reps.order_by("index")
    a.kinematics = {"hip_angle_bottom_deg": 60.2, "duration_s": 0.8, "asymmetry_hip_angle_deg": 0.2}
    b.kinematics = {
        "hip_angle_bottom_deg": 59.9,
        "duration_s": 0.801,
        "asymmetry_hip_angle_deg": -0.0,
    }
    rows = {row["name"]: row for row in compare_rows(a, b)}
    assert rows["Hip at the bottom"] == {
        "name": "Hip at the bottom", "unit": "°", "a": "60", "b": "60", "diff": "0",
    }  # fmt: skip
    assert rows["Rep duration"]["diff"] == "0"
    assert (rows["Hip left/right difference"]["b"], rows["Hip left/right difference"]["diff"]) == (
        "0.0",
        "-0.2",
    )
    # The page itself: no cell of the table reads "-0" (or "-0.0").
    client = Client()
    client.force_login(athlete_a)
    a.save(update_fields=["kinematics"])
    b.save(update_fields=["kinematics"])
    page = client.get(reverse("rep_compare"), {"a": a.pk, "b": b.pk}).content.decode()
    assert 'class="right mono">0</td>' in page
    assert ">-0<" not in page and ">-0.0<" not in page and ">-0.00<" not in page


# --- the CSV -------------------------------------------------------------------------------
def test_the_csv_says_whose_when_and_what_load_with_rounded_numbers(athlete_a, coach_a):
    session = _set_on(athlete_a, DAY, 18)
    TrainingSession.objects.filter(pk=session.pk).update(load_kg=Decimal("142.5"))
    first = session.analysis.reps.get(index=1)
    Rep.objects.filter(pk=first.pk).update(
        start_s=1.0333333333,
        score=0.123456789,
        threshold=0.5,
        kinematics={
            "duration_s": 0.83333333,
            "hip_angle_bottom_deg": 61.2345,
            "bar_path_vertical_body_heights": 0.3456789,
            "asymmetry_knee_angle_deg": -0.01,
            "lockout_complete": True,
        },
    )
    client = Client()
    client.force_login(coach_a)
    response = client.get(reverse("reps_csv", args=[session.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].split(",")[:9] == [
        "athlete", "date", "uploaded_at", "exercise", "load_kg", "rep", "start_s", "lockout_s",
        "end_s",
    ]  # fmt: skip
    row = rows[0]
    assert (row["athlete"], row["date"], row["exercise"], row["load_kg"]) == (
        "athlete_a",
        "2026-03-12",
        "deadlift",
        "142.5",
    )
    assert row["uploaded_at"] == "2026-03-12T18:05:30+00:00"
    assert (row["rep"], row["start_s"], row["lockout_s"], row["end_s"]) == (
        "1",
        "1.03",
        "1.33",
        "1.83",
    )
    assert (row["movement_model_score"], row["movement_model_threshold"]) == ("0.123", "0.5")
    assert row["duration_s"] == "0.83"
    assert row["hip_angle_bottom_deg"] == "61.2"
    assert row["bar_path_vertical_body_heights"] == "0.346"
    assert row["asymmetry_knee_angle_deg"] == "0.0"  # not "-0.0"
    assert row["lockout_complete"] == "True"
    assert "-0.0" not in text
    assert len(HEADER) == len(set(HEADER)) == len(text.splitlines()[0].split(","))


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_names_and_notes_that_look_like_formulas_stay_text(db, start):
    from django.contrib.auth import get_user_model

    athlete = get_user_model().objects.create_user(f"{start}evil")  # no validators here
    session = make_session(athlete, reps=1)
    Rep.objects.filter(analysis=session.analysis).update(label="good", label_note=f"{start}1+1")
    rows = list(csv.DictReader(io.StringIO(analysis_reps_csv(session.analysis))))
    assert rows[0]["athlete"] == f"'{start}evil"
    assert rows[0]["label_note"] == f"'{start}1+1"
