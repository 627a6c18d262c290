"""The rep counter on footage it was not tuned on: real clips cut and spliced with PyAV
(tests/pipeline/footage.py) into a temporary folder, each analysed for real (pose and all).

Cut points come from the counter's own reps on the whole clip (whose counts
test_real_clips checks against the manifest), in seconds of the video.
"""

import csv

import pytest

from core.pipeline.run import analyze_video
from tests.conftest import ROOT, shared_path
from tests.pipeline.footage import write_clip

SIDE = "RFN-Dev-Git+AI-GYM/Deadlift3.mp4"  # 2 reps, side
FRONT = "kantesh813+AI_GYM_Trainer/deadlift.mp4"  # 3 reps, front
STOCK = "RafikHachana+virtual-trainer/deadlift_3.mp4"  # 4 reps, then stands up without the bar
KETTLEBELL = "TBY66+Intelligent-Deadlift-Diagnosis-System/0016c_1.mp4"  # 10 reps, side, 60 fps
HALF_FRAME = 0.02  # s: cut between frames, never on one


def count(tmp_path, name, pieces):
    dst = tmp_path / f"{name}.mp4"
    assert write_clip(dst, pieces) > 0
    result = analyze_video(dst, tmp_path / name)
    return result


def video(name):
    return shared_path("videos", *name.split("/"))


@pytest.mark.parametrize("clip", [FRONT, KETTLEBELL])
def test_a_set_cut_at_the_lockout_of_its_last_rep_keeps_that_rep(clip, analysed, tmp_path):
    full = analysed(clip).reps
    result = count(tmp_path, "end", [(video(clip), 0, full[-1].lockout_s + HALF_FRAME)])
    assert len(result.reps) == len(full), result.warnings
    assert result.reps[-1].complete is False  # its lowering is not in the clip
    assert result.reps[-1].evidence["lowering"] == "cut off by the end of the clip"


def test_a_set_starting_halfway_up_a_pull_does_not_count_that_pull(analysed, tmp_path):
    full = analysed(FRONT).reps
    first = full[0]
    t = first.start_s + 2 * (first.lockout_s - first.start_s) / 3
    result = count(tmp_path, "mid", [(video(FRONT), t, 99)])
    assert len(result.reps) == len(full) - 1


def test_a_second_of_another_shot_first_adds_no_rep(analysed, tmp_path):
    # The kettlebell set's first second: the lifter standing before the set, another
    # lifter, camera and size than the side-view barbell set that follows.
    expected = len(analysed(SIDE).reps)
    result = count(tmp_path, "cut", [(video(KETTLEBELL), 0, 1.0), (video(SIDE), 0, 99)])
    assert len(result.reps) == expected
    assert any("camera cut" in w for w in result.warnings)


def test_standing_up_after_the_bar_is_down_is_not_a_rep(analysed, tmp_path):
    full = analysed(STOCK).reps
    # From just before rep 3 to the end: two pulls, the bar set down, the lifter stands up.
    t = full[2].start_s - 0.3
    result = count(tmp_path, "stand", [(video(STOCK), t, 99)])
    assert len(result.reps) == 2
    assert result.candidates[-1].kind == "stood_up"
    assert "stood up after setting the bar down" in result.candidates[-1].reason


@pytest.mark.parametrize("clip", [SIDE, FRONT, STOCK, KETTLEBELL])
def test_a_set_cut_at_its_bottoms_gives_one_rep_per_piece(clip, analysed, tmp_path):
    reps = analysed(clip).reps
    bottoms = [(a.end_s + b.start_s) / 2 for a, b in zip(reps, reps[1:], strict=False)]
    edges = [0.0, *bottoms, 999.0]
    counts = []
    for k in range(len(edges) - 1):
        result = count(tmp_path, f"piece{k}", [(video(clip), edges[k], edges[k + 1])])
        counts.append(len(result.reps))
    assert counts == [1] * len(reps)


BY_EYE = ROOT / "scripts" / "rep_counts_by_eye.tsv"


def test_short_clips_of_many_lifters_are_mostly_counted_as_by_eye(analysed):
    """34 short clips of other lifters, gyms and cameras (counted by eye: see the file);
    a floor, not a tuning target: 30 of 34 are exact today."""
    rows = list(csv.DictReader(BY_EYE.open(), delimiter="\t"))
    folder = "BichraiX+AI-Deadlift-Analysis"
    shared_path("videos", folder)
    wrong = [
        (r["clip"], len(analysed(f"{folder}/{r['clip']}").reps), int(r["reps"]))
        for r in rows
        if len(analysed(f"{folder}/{r['clip']}").reps) != int(r["reps"])
    ]
    assert len(rows) == 34
    assert len(wrong) <= 5, wrong
