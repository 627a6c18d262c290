"""A session's reps as CSV: one row per rep, model verdict and coach label side by side."""

import csv
import io

from django.test import Client
from django.urls import reverse

from reviews.services.labels import rep_label
from tests.conftest import make_session


def test_the_csv_holds_a_row_per_rep_with_verdict_label_and_kinematics(athlete_a, coach_a):
    session = make_session(athlete_a, reps=3, verdicts=["good", "anomalous"])
    rep2 = session.analysis.reps.get(index=2)
    rep_label(
        rep=rep2, author=coach_a, label="good", faults=["other"], note="=HYPERLINK(evil) fine"
    )
    client = Client()
    client.force_login(coach_a)
    response = client.get(reverse("reps_csv", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{athlete_a.username}-" in response["Content-Disposition"]

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["rep"] for r in rows] == ["1", "2", "3"]
    # Whose set, when and what: a sheet of many sets stays readable.
    assert {(r["athlete"], r["date"], r["exercise"]) for r in rows} == {
        (athlete_a.username, session.performed_at.isoformat(), "deadlift")
    }
    assert rows[0]["load_kg"] == "" and rows[0]["uploaded_at"].startswith(rows[0]["date"][:4])
    assert (
        rows[0]["start_s"],
        rows[0]["movement_model_score"],
        rows[0]["movement_model_threshold"],
    ) == ("1.0", "0.3", "0.5")
    assert rows[0]["duration_s"] == "0.83" and rows[0]["eccentric_s"] == "0.5"
    assert [r["movement_model"] for r in rows] == ["usual", "unusual", "usual"]
    assert rows[1]["unusual_joints"] == "lower back"
    assert rows[1]["model_version"] == "test-v1"
    assert (rows[1]["coach_label"], rows[1]["coach_faults"]) == ("good", "other")
    assert rows[1]["labelled_by"] == coach_a.username
    # A note a spreadsheet would run as a formula is kept as text.
    assert rows[1]["label_note"] == "'=HYPERLINK(evil) fine"
    assert rows[0]["coach_label"] == "" and rows[0]["hip_angle_bottom_deg"] == ""
