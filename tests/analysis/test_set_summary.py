"""Coaching, not measuring: the set's summary (analysis/selectors/summary.py: set_summary) from
reps built in the database, "close to the line" (core/lifts/faults.py), and what the review
page, the API and the share page show athletes and coaches."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from analysis.models import Rep
from analysis.selectors.summary import set_summary
from core import lifts
from core.lifts.faults import close_to_line, past_line
from sharing.services import share_link_create
from tests.conftest import make_session

DEADLIFT = lifts.DEFAULT  # make_session's reps are the default lift's


def _ev(fault: str, value, *, detected: bool, time_s: float | None = None) -> dict:
    """A fault's stored evidence as the pipeline writes it (core/lifts/base.py: evidence, then
    faults.decide), under the lift's default rule."""
    rule = DEADLIFT.fault(fault).rule
    e = {
        "measure": rule.measure, "value": value, "threshold": rule.threshold,
        "fault_if": "below" if rule.below else "above", "unit": rule.unit, "frame": 30,
        "detected": detected, "says": f"{fault} measured {value}.",
    }  # fmt: skip
    if time_s is not None:
        e["time_s"] = time_s
    return e


def _set(athlete, reps: list[dict], *, verdicts=()) -> list[Rep]:
    """A set of len(reps) reps, each rep's fields updated from its dict; its counted reps."""
    session = make_session(athlete, reps=len(reps), verdicts=verdicts)
    for rep, fields in zip(session.analysis.reps.order_by("index"), reps, strict=True):
        Rep.objects.filter(pk=rep.pk).update(**fields)
    return list(session.analysis.reps.counted().order_by("index"))


def _faulty(evidence: dict[str, dict], **fields) -> dict:
    """A rep's fields: the model's faults are the evidence's detected ones."""
    faults = [f for f, e in evidence.items() if e["detected"]]
    return {"detected_faults": faults, "fault_evidence": evidence, **fields}


# --- set_summary ----------------------------------------------------------------------------
def test_faults_are_counted_most_reps_first_with_cue_drill_and_the_worst_rep(athlete_a):
    # Knee dominant is a fault below 25°: the furthest past the line is the lowest angle
    # (rep 3), neither the first rep nor the largest value. Jerky is a fault above 0.20 s;
    # named first on rep 1, it comes second: on fewer reps.
    reps = _set(athlete_a, [
        _faulty({"jerky": _ev("jerky", 0.25, detected=True, time_s=1.4),
                 "knee_dominant": _ev("knee_dominant", 20.0, detected=True, time_s=1.2)}),
        _faulty({"knee_dominant": _ev("knee_dominant", 22.0, detected=True, time_s=2.2),
                 "jerky": _ev("jerky", 0.6, detected=True, time_s=2.5)}),
        _faulty({"knee_dominant": _ev("knee_dominant", 10.0, detected=True, time_s=3.3),
                 "jerky": _ev("jerky", 0.1, detected=False)}),
        _faulty({"knee_dominant": _ev("knee_dominant", 40.0, detected=False)}),
    ])  # fmt: skip
    summary = set_summary(reps)
    assert [(f["fault"], f["reps"], f["count"]) for f in summary["faults"]] == [
        ("knee_dominant", [1, 2, 3], 3),
        ("jerky", [1, 2], 2),
    ]
    knees, jerky = summary["faults"]
    assert knees["name"] == "knee dominant"
    assert knees["cue"] == DEADLIFT.fault("knee_dominant").cue and knees["cue"]
    assert knees["drill"] == DEADLIFT.fault("knee_dominant").drill and knees["drill"]
    assert (knees["worst"], knees["worst_s"]) == (3, 3.3)  # 60% past the line
    assert (jerky["worst"], jerky["worst_s"]) == (2, 2.5)  # above: the largest value
    assert summary["headline"] == "Knee dominant on 3 of 4 reps."
    assert (summary["total"], summary["good"], summary["unusual"], summary["not_judged"]) == (
        4, 1, 0, 0,
    )  # fmt: skip
    assert summary["close"] == []  # 40° and 0.10 s are far from their lines


def test_past_line_reads_each_faults_direction():
    assert past_line(_ev("knee_dominant", 20.0, detected=True)) == pytest.approx(0.2)
    assert past_line(_ev("knee_dominant", 30.0, detected=False)) == pytest.approx(-0.2)
    assert past_line(_ev("jerky", 0.3, detected=True)) == pytest.approx(0.5)
    assert past_line({"value": None, "threshold": 0.2}) == 0.0
    assert past_line({}) == 0.0


def test_the_coachs_label_overrides_the_models_faults(athlete_a):
    reps = _set(athlete_a, [
        # The model named knee dominant; the coach says good: not in the summary.
        _faulty({"knee_dominant": _ev("knee_dominant", 12.0, detected=True)}, label="good"),
        # The model found nothing; the coach tagged a rounded back: in the summary, the worst
        # rep of it though its measure is not past the line (the only one).
        _faulty({"rounded_back": _ev("rounded_back", 0.02, detected=False, time_s=2.4)},
                label="anomalous", faults=["rounded_back"]),
        _faulty({"knee_dominant": _ev("knee_dominant", 40.0, detected=False)}),
    ])  # fmt: skip
    summary = set_summary(reps)
    assert [(f["fault"], f["reps"]) for f in summary["faults"]] == [("rounded_back", [2])]
    assert (summary["faults"][0]["worst"], summary["faults"][0]["worst_s"]) == (2, 2.4)
    assert summary["headline"] == "Rounded back on 1 of 3 reps."
    assert summary["good"] == 2  # the coach's good and the model's good


def test_a_coachs_tag_without_a_measure_points_at_its_first_rep(athlete_a):
    reps = _set(athlete_a, [
        {"detected_faults": [], "label": "good"},
        {"detected_faults": [], "label": "anomalous", "faults": ["bar_drift"]},
        {"detected_faults": [], "label": "anomalous", "faults": ["bar_drift"]},
    ])  # fmt: skip
    (drift,) = set_summary(reps)["faults"]
    assert (drift["reps"], drift["worst"]) == ([2, 3], 2)
    assert drift["worst_s"] == 2.0  # no time in the evidence: the rep's start


def test_close_calls_are_listed_for_unlabelled_reps_without_that_fault(athlete_a):
    close = _ev("hips_rise_first", 0.23, detected=False, time_s=1.1)  # 0.22 is the line
    reps = _set(athlete_a, [
        _faulty({"hips_rise_first": close}),
        # The coach has judged it: the model's close call does not matter.
        _faulty({"hips_rise_first": close}, label="good"),
        # Another fault found: the close call is still one.
        _faulty({"hips_rise_first": close,
                 "knee_dominant": _ev("knee_dominant", 20.0, detected=True)}),
        # The rep shows that very fault (named by the model): not a close call of it.
        {"detected_faults": ["hips_rise_first"], "fault_evidence": {"hips_rise_first": close}},
        # Far from the line.
        _faulty({"hips_rise_first": _ev("hips_rise_first", 0.5, detected=False)}),
    ])  # fmt: skip
    summary = set_summary(reps)
    assert summary["close"] == [
        {"fault": "hips_rise_first", "name": "hips rise first", "reps": [1, 3]}
    ]
    assert [(f["fault"], f["reps"]) for f in summary["faults"]] == [
        ("knee_dominant", [3]),  # a tie: in the order the reps show them
        ("hips_rise_first", [4]),
    ]


def test_headlines_for_all_good_none_counted_unusual_and_not_judged(athlete_a):
    good = _set(athlete_a, [{"detected_faults": []}] * 3)
    summary = set_summary(good)
    assert summary["headline"] == "All 3 reps look good."
    assert (summary["faults"], summary["close"], summary["good"]) == ([], [], 3)

    none = set_summary([])
    assert none["headline"] == "No reps were counted in this set."
    assert (none["total"], none["faults"], none["close"]) == (0, [], [])

    unusual = _set(athlete_a, [{"detected_faults": []}] * 2, verdicts=("good", "anomalous"))
    assert set_summary(unusual)["headline"] == "1 of 2 reps moved unusually; no named fault."

    reason = "The ankles were out of the picture in 80% of the rep."
    mixed = _set(athlete_a, [{"detected_faults": []}, {"not_judged_reason": reason}])
    assert set_summary(mixed)["headline"] == "1 of 2 reps look good; the rest were not judged."
    unjudged = _set(athlete_a, [{"not_judged_reason": reason}] * 2)
    summary = set_summary(unjudged)
    assert summary["headline"] == "These reps could not be judged: the reason is on each rep."
    assert summary["not_judged"] == 2


def test_one_rep_reads_as_one(athlete_a):
    (rep,) = _set(athlete_a, [{"detected_faults": []}])
    assert set_summary([rep])["headline"] == "The one rep looks good."
    (rep,) = _set(athlete_a, [_faulty({"jerky": _ev("jerky", 0.3, detected=True)})])
    assert set_summary([rep])["headline"] == "Jerky on the one rep."


# --- close to the line ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "evidence, close",
    [
        ({"value": 0.22, "threshold": 0.22, "detected": False}, True),  # at the line, not a fault
        ({"value": 0.22, "threshold": 0.22, "detected": True}, False),  # a fault is not close
        ({"value": 27.0, "threshold": 25.0, "detected": False}, True),  # 8% away
        ({"value": 22.75, "threshold": 25.0, "detected": False}, True),  # 9% away, other side
        ({"value": 27.75, "threshold": 25.0, "detected": False}, False),  # 11% away
        ({"value": 22.25, "threshold": 25.0, "detected": False}, False),  # 11% away, below
        ({"value": 0.2442, "threshold": 0.22, "detected": False}, False),  # 11% of a share
        ({"value": 0, "threshold": 0, "detected": False}, True),
        ({"value": 0.001, "threshold": 0, "detected": False}, False),
        ({"value": True, "threshold": True, "detected": False}, False),  # booleans: never
        ({"value": False, "threshold": 1, "detected": False}, False),
        ({"value": 1, "threshold": True, "detected": False}, False),
        ({"value": None, "threshold": 0.2, "detected": False}, False),
        ({"value": "0.2", "threshold": 0.2, "detected": False}, False),
        ({"threshold": 0.2}, False),
        ({}, False),
    ],
)
def test_close_to_the_line(evidence, close):
    assert close_to_line(evidence) is close


# --- the pages and the API -------------------------------------------------------------------
class _Tags(HTMLParser):
    """Every start tag of a page, as (tag, attributes)."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def testid(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if a.get("data-testid") == name]

    def with_class(self, name: str) -> list[tuple[str, dict[str, str]]]:
        return [(t, a) for t, a in self.tags if name in a.get("class", "").split()]


@pytest.fixture
def faulty_set(athlete_a, coach_a):
    """Athlete A's set of 3 reps: knee dominant on all, a close call of hips-rise-first on
    rep 2, the counter's confidence and evidence, the movement model's score."""
    session = make_session(athlete_a, reps=3)
    for rep in session.analysis.reps.all():
        evidence = {
            "knee_dominant": _ev("knee_dominant", 20.0 - rep.index, detected=True,
                                 time_s=rep.start_s + 0.2),
            "hips_rise_first": _ev("hips_rise_first", 0.23 if rep.index == 2 else 0.5,
                                   detected=False),
            "jerky": _ev("jerky", 0.05, detected=False),
        }  # fmt: skip
        Rep.objects.filter(pk=rep.pk).update(
            detected_faults=["knee_dominant"], fault_evidence=evidence, camera_view="side",
            confidence=0.87, evidence={"pose_found_share": 0.96},
        )  # fmt: skip
    return session


def _page(user, session) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("session_review", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_page_leads_with_the_summary_for_athlete_and_coach(
    faulty_set, athlete_a, coach_a
):
    for user in (athlete_a, coach_a):
        page = _page(user, faulty_set)
        tags = _Tags(page)
        assert "Knee dominant on 3 of 3 reps." in page
        assert page.index('data-testid="set-summary"') < page.index('data-testid="rep-card"')
        assert len(tags.testid("summary-fault-knee_dominant")) == 1
        cue = DEADLIFT.fault("knee_dominant").cue
        assert len(tags.testid("summary-cue")) == 1 and cue in page
        (worst,) = tags.testid("summary-worst")
        assert worst["href"] == "#rep-3" and float(worst["data-seek"]) == pytest.approx(3.2)
        assert "Watch rep 3, the clearest" in page
        assert len(tags.testid("summary-close")) == 1 and "hips rise first on rep 2" in page
        # Each rep card: the fault with cue and drill, the close call, the checks passed folded.
        assert len(tags.testid("cue-knee_dominant")) == 3
        assert len(tags.testid("drill-knee_dominant")) == 3
        assert len(tags.testid("close-hips_rise_first")) == 1
        assert len(tags.testid("checks-passed")) == 3
        for name in ("form-check", "movement-model", "coach-label"):
            assert len(tags.testid(name)) == 3, name


def test_an_athlete_gets_no_drawing_tools_and_no_debug_values(faulty_set, athlete_a):
    page = _page(athlete_a, faulty_set)
    tags = _Tags(page)
    for testid in ("draw-toolbar", "details-switch", "rep-image", "confidence"):
        assert tags.testid(testid) == [], testid
    assert "count 0." not in page and "pose found" not in page
    assert "Movement model score" not in page and "Angles and all measurements" not in page
    assert tags.with_class("details-only") == []  # nothing hidden to switch on either
    assert "js/details.js" not in page
    assert "0.30 / 0.50" not in page  # the movement model's score beside its verdict


def test_a_coach_gets_them_behind_the_details_switch(faulty_set, coach_a):
    page = _page(coach_a, faulty_set)
    tags = _Tags(page)
    assert len(tags.testid("draw-toolbar")) == 1
    (switch,) = tags.testid("details-switch")
    assert "checked" not in switch  # off until the coach ticks it (details.js remembers it)
    assert "js/details.js" in page
    images = tags.testid("rep-image")
    assert len(images) == 3 and all("details-only" in i["class"].split() for i in images)
    counts = tags.testid("confidence")
    assert len(counts) == 3 and all("details-only" in c["class"].split() for c in counts)
    assert page.count("count 0.87") == 3 and "pose found" in page
    hidden = tags.with_class("details-only")
    assert {t for t, _ in hidden} >= {"img", "span", "dt", "dd", "details"}
    assert "Movement model score" in page and "Angles and all measurements" in page
    assert "0.30 / 0.50" in page  # the movement model's score, behind the switch too


def test_the_api_explains_each_check_with_cue_drill_and_close(faulty_set, athlete_a):
    client = Client()
    client.force_login(athlete_a)
    rep = faulty_set.analysis.reps.get(index=2)
    evidence = client.get(f"/api/reps/{rep.pk}/").json()["fault_evidence"]
    assert list(evidence) == ["knee_dominant", "hips_rise_first", "jerky"]  # faults, close, rest
    knees, hips, jerky = evidence["knee_dominant"], evidence["hips_rise_first"], evidence["jerky"]
    assert knees["cue"] == DEADLIFT.fault("knee_dominant").cue
    assert knees["drill"] == DEADLIFT.fault("knee_dominant").drill
    assert (knees["detected"], knees["close"]) == (True, False)
    assert (hips["detected"], hips["close"]) == (False, True)
    assert hips["cue"] == DEADLIFT.fault("hips_rise_first").cue and hips["drill"]
    assert (jerky["detected"], jerky["close"]) == (False, False)
    assert knees["value"] == 18.0 and knees["threshold"] == 25.0  # the stored numbers stay


def test_the_share_page_shows_the_summary(faulty_set, athlete_a):
    link = share_link_create(by=athlete_a, session=faulty_set, days=7)
    response = Client().get(reverse("shared_session", args=[link.token]))
    assert response.status_code == 200
    page = response.content.decode()
    tags = _Tags(page)
    assert len(tags.testid("set-summary")) == 1 and "Knee dominant on 3 of 3 reps." in page
    assert len(tags.testid("summary-cue")) == 1 and len(tags.testid("summary-close")) == 1
    (worst,) = tags.testid("summary-worst")
    assert worst["href"] == "#rep-3"
    assert tags.testid("details-switch") == [] and tags.testid("rep-image") == []


def test_a_rep_marked_not_a_rep_is_left_out_of_the_summary(faulty_set, coach_a):
    Rep.objects.filter(analysis=faulty_set.analysis, index=3).update(counted=False)
    page = _page(coach_a, faulty_set)
    assert "Knee dominant on 2 of 2 reps." in page and "Watch rep 2, the clearest" in page


def test_an_angle_is_close_within_five_degrees_not_a_tenth_of_it():
    lockout = {"threshold": 160.0, "fault_if": "below", "unit": "degrees", "detected": False}
    assert close_to_line({**lockout, "value": 164.0})
    assert not close_to_line({**lockout, "value": 166.0})  # a tenth of 160° would say close
