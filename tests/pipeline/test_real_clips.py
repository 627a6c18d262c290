"""Every real clip in the manifest: exact deadlift rep counts; no crash on the short ones."""

import csv

import pytest

from analysis.pipeline.run import analyze_video
from tests.conftest import SHARED_DATA, shared_path

MANIFEST = SHARED_DATA / "videos" / "MANIFEST.tsv"
ROWS = list(csv.DictReader(MANIFEST.open(), delimiter="\t")) if MANIFEST.exists() else []


@pytest.fixture(scope="session")
def analysed(tmp_path_factory):
    """Analyse each clip once per test session (pose is the expensive part)."""
    cache = {}

    def get(path):
        if path not in cache:
            out = tmp_path_factory.mktemp("clip")
            video = shared_path("videos", *path.split("/"))
            cache[path] = analyze_video(video, out, write_video=False)
        return cache[path]

    return get


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["deadlift_reps"]] or [None], ids=lambda r: r and r["path"]
)
def test_rep_count_matches_the_manifest_exactly(row, analysed):
    shared_path("videos", "MANIFEST.tsv")
    result = analysed(row["path"])
    assert len(result.reps) == int(row["deadlift_reps"]), result.exercise.message
    expected_deadlift = int(row["deadlift_reps"]) > 0
    assert result.exercise.is_deadlift == expected_deadlift


@pytest.mark.parametrize(
    "row", [r for r in ROWS if not r["deadlift_reps"]] or [None], ids=lambda r: r and r["path"]
)
def test_short_clips_without_a_count_do_not_crash(row, analysed):
    shared_path("videos", "MANIFEST.tsv")
    result = analysed(row["path"])
    assert result.video.frames == int(row["frames"])
    assert len(result.frames) == result.video.frames


def test_reps_have_sane_kinematics_on_a_clean_front_view_set(analysed):
    shared_path("videos", "MANIFEST.tsv")
    result = analysed("kantesh813+AI_GYM_Trainer/deadlift.mp4")
    lockouts = [7.4, 10.4, 13.5]  # by eye, from the manifest
    for rep, t in zip(result.reps, lockouts, strict=True):
        assert abs(rep.lockout_s - t) < 0.5
        k = rep.kinematics
        assert 0.4 < k["concentric_s"] < 1.5
        assert k["hip_angle_lockout_deg"] > k["hip_angle_bottom_deg"] + 40
        assert 0.1 < k["bar_path_vertical_body_heights"] < 0.6


def test_non_deadlifts_say_what_was_seen(analysed):
    shared_path("videos", "MANIFEST.tsv")
    assert analysed("TheSebitzu+gym-app-ai/squat.mp4").exercise.name == "squat"
    assert analysed("jrplatin+FormFit/curl.mp4").exercise.name == "curl"


def test_kinematics_tell_a_knee_dominant_set_from_a_correct_one(analysed):
    shared_path("videos", "MANIFEST.tsv")
    folder = "TBY66+Intelligent-Deadlift-Diagnosis-System"
    correct = analysed(f"{folder}/0016c_1.mp4").reps
    knee_dominant = analysed(f"{folder}/0016k_1.mp4").reps

    def mean(reps, key):
        return sum(r.kinematics[key] for r in reps) / len(reps)

    # Squatting the weight up: knees bend much more, the trunk stays more upright.
    assert (
        mean(knee_dominant, "knee_angle_bottom_deg") < mean(correct, "knee_angle_bottom_deg") - 20
    )
    assert (
        mean(knee_dominant, "trunk_angle_bottom_deg") < mean(correct, "trunk_angle_bottom_deg") - 10
    )
