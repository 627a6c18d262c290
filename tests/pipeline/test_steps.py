"""The named steps of analyze_video, each called on its own with synthetic poses (no video)."""

import numpy as np
import pytest

from core import lifts
from core.lifts.recognise import segment_reps
from core.pipeline.steps import (
    PosePass,
    crowd_warnings,
    find_reps,
    frame_table,
    grid_stages,
    judge_reps,
    rep_images,
    rep_records,
    reps_faults,
    reps_kinematics,
    time_base,
)
from core.pose.estimator import PoseTrack
from core.result import AnalysisResult, Exercise, Judgement, Rep, VideoInfo
from tests.pipeline.synthetic import deadlift_set, track

FPS_IN = 60.0


def posed_every_other_frame(script):
    """A 60 fps clip as the pose pass leaves it: every input frame timed, pose on every
    other one (the 30 fps grid needs no more)."""
    times, lm, found = track(script, fps=FPS_IN)
    posed = np.arange(0, len(times), 2)
    pose_track = PoseTrack(times[posed], lm[posed], lm[posed, :, :3], found[posed])
    return PosePass(list(times), posed.tolist(), pose_track, people=[1], shape=(640, 360, 3))


def video_info(poses: PosePass) -> VideoInfo:
    n = len(poses.frame_times)
    return VideoInfo("synthetic.mp4", n, FPS_IN, 360, 640, n / FPS_IN)


def test_time_base_puts_poses_on_the_30fps_grid_and_keeps_input_frame_numbers():
    script, _ = deadlift_set(2)
    poses = posed_every_other_frame(script)
    track30 = time_base(poses)
    n_in = len(poses.frame_times)
    grid = track30.timeline
    assert len(grid.times) == pytest.approx(n_in / 2, abs=1)
    assert np.allclose(np.diff(grid.times), 1 / 30)
    # Grid point k sits on posed frame k, which is input frame 2k.
    assert np.array_equal(grid.source_frame, 2 * np.arange(len(grid.times)))
    assert np.allclose(track30.landmarks[5], poses.track.landmarks[5])
    assert track30.world.shape == (len(grid.times), 33, 3)
    # The overlay draws every input frame, an unposed one with its nearest posed neighbour.
    assert len(track30.frame_landmarks) == n_in
    assert np.array_equal(track30.frame_landmarks[10], poses.track.landmarks[5])
    assert np.array_equal(track30.frame_landmarks[11], poses.track.landmarks[5])


def test_reps_are_reported_in_input_frames_and_seconds_with_their_images(tmp_path):
    script, lockouts = deadlift_set(3)
    poses = posed_every_other_frame(script)
    track30 = time_base(poses)
    lm30 = track30.landmarks
    angles, seg = find_reps(lm30, track30.world)
    stages = grid_stages(lm30, seg.signals.shoulder)
    info = video_info(poses)
    assert len(seg.spans) == 3

    files, images = rep_images(lm30, seg.spans, tmp_path, world30=track30.world)
    assert len(images["body"]) == 3 and all((tmp_path / f["body_image"]).is_file() for f in files)
    kinematics = reps_kinematics(lm30, angles, seg, info)
    checks = reps_faults(lm30, track30.world, angles, seg, kinematics, None)
    reps = rep_records(
        seg.spans, track30.timeline.source_frame, stages, info, kinematics, files, checks
    )

    assert [r.index for r in reps] == [1, 2, 3]
    assert np.allclose([r.lockout_s for r in reps], lockouts, atol=0.25)
    for rep, image in zip(reps, images["seed"], strict=True):
        assert rep.start_frame < rep.lockout_frame < rep.end_frame < info.frames
        assert rep.lockout_s == round(rep.lockout_frame / FPS_IN, 3)  # input frames, not grid
        assert sum(rep.stages[s] for s in ("up", "down", "neutral")) == pytest.approx(1, abs=0.01)
        assert 0 < rep.stages["mean_probability"] <= 1
        assert rep.kinematics["concentric_s"] > 0
        assert (tmp_path / rep.image).is_file() and (tmp_path / rep.landmarks).is_file()
        assert image.shape == (45, 100, 3) and image.dtype == np.uint8
        assert rep.verdict is None


def test_frame_table_has_one_row_per_input_frame():
    script, _ = deadlift_set(1)
    poses = posed_every_other_frame(script)
    track30 = time_base(poses)
    seg = segment_reps(track30.landmarks)
    stages = grid_stages(track30.landmarks, seg.signals.shoulder)
    rows = frame_table(poses.frame_times, FPS_IN, track30.timeline, stages, seg.signals.wrist)
    assert len(rows) == len(poses.frame_times)
    assert rows[120]["t"] == 2.0
    assert {r["stage"] for r in rows} <= {"up", "down", "neutral", "unknown"}


class FakeJudge:
    version = "v-test"

    def __init__(self):
        self.seen = None

    def judge(self, images, views=None):
        self.seen = images
        return [
            Judgement("anomalous" if i else "good", 0.2 + 0.6 * i, 0.5, [f"joint {i}"])
            for i in range(len(images))
        ]


def rep(index: int) -> Rep:
    return Rep(index, 0, 1, 2, 0.0, 0.1, 0.2, True, stages={}, kinematics={})


def test_verdicts_land_on_their_reps_and_the_input_reps_stay_unjudged():
    reps = [rep(1), rep(2)]
    seed = [np.zeros((45, 100, 3), np.uint8), np.ones((45, 100, 3), np.uint8)]
    images = {"seed": seed, "body": [2 * s for s in seed]}
    judge = FakeJudge()
    judged = judge_reps(reps, images, judge, lifts.DEFAULT.name)
    assert judge.seen.shape == (2, 45, 100, 3) and judge.seen.max() == 1  # its kind: seed
    assert [r.verdict for r in judged] == ["good", "anomalous"]
    assert [r.score for r in judged] == [0.2, 0.8]
    assert judged[1].joints == ["joint 1"] and judged[1].threshold == 0.5
    assert {r.detector_version for r in judged} == {"v-test"}
    assert [r.verdict for r in reps] == [None, None]
    assert judge_reps(reps, {}, judge, lifts.DEFAULT.name) == reps  # nothing to judge
    judge.image_kind = "body"  # a detector that learnt from body-frame images gets those
    judge_reps(reps, images, judge, lifts.DEFAULT.name)
    assert judge.seen.max() == 2


def test_a_detector_judges_only_the_reps_of_the_lift_it_learnt():
    """A judge naming no lift learnt the default lift's reps (every stored version); another
    lift's reps keep no verdict (their named faults and the baseline judge them)."""
    reps = [rep(1), rep(2)]
    images = {"seed": [np.zeros((45, 100, 3), np.uint8)] * 2}
    judge = FakeJudge()
    assert lifts.judge_lift(judge) == lifts.DEFAULT.name
    for other in set(lifts.LIFTS) - {lifts.DEFAULT.name}:
        assert judge_reps(reps, images, judge, other) == reps and judge.seen is None
    judge.lift = "squat"  # a squat's detector judges squats, and not the default lift
    assert [r.verdict for r in judge_reps(reps, images, judge, "squat")] == ["good", "anomalous"]
    assert judge_reps(reps, images, judge, lifts.DEFAULT.name) == reps


@pytest.mark.parametrize(("counts", "warned"), [([1, 1, 2, 1], False), ([1, 2, 2, 1], True)])
def test_a_crowded_video_earns_a_warning(counts, warned):
    info = VideoInfo("x.mp4", 10, 30.0, 100, 100, 1 / 3)
    result = AnalysisResult(info, Exercise("deadlift", True, ""), [], {}, 10, 10)
    result.people_counts = counts
    assert bool(crowd_warnings(result)) == warned


def test_a_clip_that_ends_at_the_top_does_not_judge_the_lockout():
    """The last pull reaches the top 0.1 s before the clip ends: counted, but whether the
    hips finished opening is not in the picture, so the lockout is neither complete nor
    incomplete and no incomplete_lockout is named."""
    script, _ = deadlift_set(1)
    script = script[:-2] + [(0.9, 0, 1), (0.4, 1, 1), (0.8, 1, 0), (0.1, 0, 0)]
    poses = posed_every_other_frame(script)
    track30 = time_base(poses)
    angles, seg = find_reps(track30.landmarks, track30.world)
    assert len(seg.spans) == 2 and not seg.spans[-1].complete
    kinematics = reps_kinematics(track30.landmarks, angles, seg, video_info(poses))
    assert kinematics[0]["lockout_complete"] is not None
    assert kinematics[1]["lockout_complete"] is None
    checks = reps_faults(track30.landmarks, track30.world, angles, seg, kinematics, None)
    assert "incomplete_lockout" in checks[0].evidence
    assert "incomplete_lockout" not in checks[1].evidence
