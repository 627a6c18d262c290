"""Every real clip in the manifest: exact deadlift rep counts; no crash on the short ones."""

import csv

import pytest

from core.pipeline.run import analyze_video
from tests.conftest import SHARED_DATA, shared_path

MANIFEST = SHARED_DATA / "videos" / "MANIFEST.tsv"
ROWS = list(csv.DictReader(MANIFEST.open(), delimiter="\t")) if MANIFEST.exists() else []
# Counts of the lift a clip shows where the manifest has none: the curl's notes say 5 curls.
BY_EYE = {"jrplatin+FormFit/curl.mp4": 5}


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["deadlift_reps"]] or [None], ids=lambda r: r and r["path"]
)
def test_rep_count_matches_the_manifest_exactly(row, analysed):
    shared_path("videos", "MANIFEST.tsv")
    result = analysed(row["path"])
    # Another lift's reps (a squat's, a curl's) are the manifest's `lift_reps` or counted by
    # eye (their deadlift_reps is 0); before they were counted they were refused, no rep.
    other = row["lift_reps"] or BY_EYE.get(row["path"])
    expected = int(other or row["deadlift_reps"])
    assert len(result.reps) == expected, result.exercise.message
    assert result.people_counts and max(result.people_counts) == 1  # nobody else in view
    assert result.exercise.is_deadlift == (expected > 0)  # counted
    if other:
        assert result.exercise.name in row["exercise"].replace(" ", "_")  # squat, curl


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


def test_a_second_person_in_view_earns_a_warning(tmp_path):
    """Two lifters side by side (a real clip beside its mirror image): the analysis goes on
    and says that more than one person was visible."""
    import av
    import numpy as np

    from core.video.decode import iter_frames
    from core.video.encode import H264Writer

    source = shared_path("videos", "TBY66+Intelligent-Deadlift-Diagnosis-System", "0016c_1.mp4")
    video = tmp_path / "two.mp4"
    writer = None
    for frame in iter_frames(source, max_side=480):
        if frame.index % 2:  # 60 -> 30 fps
            continue
        pair = np.hstack([frame.image, frame.image[:, ::-1]])
        writer = writer or H264Writer(video, 30, pair.shape[1], pair.shape[0])
        writer.write(pair)
        if frame.time_s > 6:
            break
    writer.close()
    assert av.open(str(video)).streams.video[0].frames > 90

    result = analyze_video(video, tmp_path / "out")
    assert max(result.people_counts) == 2
    assert any("More than one person" in w for w in result.warnings)


@pytest.mark.parametrize("clip", ["0016c_1.mp4", "0016c_2.mp4"])
def test_a_correct_set_is_locked_out_from_either_camera(clip, analysed):
    """The synchronised pair of one correct set (side, front-3/4): every rep ends standing
    tall, measured on the body (both hips and knees open), whichever side the camera sees."""
    shared_path("videos", "MANIFEST.tsv")
    reps = analysed(f"TBY66+Intelligent-Deadlift-Diagnosis-System/{clip}").reps
    assert len(reps) == 10
    assert all(r.kinematics["lockout_complete"] for r in reps), [
        r.kinematics["hip_angle_lockout_deg"] for r in reps
    ]
