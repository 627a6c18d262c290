"""Two reps on one timeline of their phases, each in its lifter's frame (core/reps/phase_align.py):
no database, no video."""

import numpy as np
import pytest

from core.reps.phase_align import PER_PHASE, Window, align, phase_positions, sample


def _side_view(frames: int, *, facing: int, height: float = 0.5) -> np.ndarray:
    """A lifter in a square picture, ankles at (0.5, 0.9), the nose `height` above them and
    ahead of the ears towards `facing` (1 right, -1 left)."""
    lm = np.zeros((frames, 33, 2))
    lm[:, :] = (0.5, 0.9 - height / 2)
    lm[:, 27], lm[:, 28] = (0.48, 0.9), (0.52, 0.9)
    lm[:, 0] = (0.5 + facing * 0.05 * height, 0.9 - height)
    lm[:, 7] = lm[:, 8] = (0.5 - facing * 0.05 * height, 0.9 - 0.97 * height)
    lm[:, 15] = lm[:, 16] = (0.5 + facing * 0.1 * height, 0.9 - 0.4 * height)  # the hands
    return lm


def test_phase_positions_put_the_turn_in_the_middle_whatever_each_phase_took():
    quick, slow = phase_positions(Window(0, 10, 20), 5), phase_positions(Window(3, 33, 38), 5)
    assert len(quick) == len(slow) == 11
    assert (quick[0], quick[5], quick[10]) == (0, 10, 20)
    assert (slow[0], slow[5], slow[10]) == (3, 33, 38)


def test_samples_bridge_one_lost_frame_and_leave_longer_gaps_empty():
    lm = np.arange(10, dtype=float)[:, None, None] * np.ones((10, 33, 2))
    lm[4] = np.nan
    lm[7:9] = np.nan
    got = sample(lm, np.array([2.5, 3.25, 3.75, 7.5, 9.0, 9.5]))
    assert got[0, 0, 0] == 2.5  # between two frames with a pose: the line between them
    assert got[1, 0, 0] == 3  # the lost frame's neighbour, the nearer
    assert np.isnan(got[2, 0, 0])  # nearer the lost frame: nothing
    assert np.isnan(got[3, 0, 0]) and got[4, 0, 0] == 9 and np.isnan(got[5, 0, 0])


def test_a_lifter_facing_the_other_way_is_mirrored_and_sizes_do_not_matter():
    this = align(_side_view(40, facing=1), Window(5, 15, 30), (1000, 1000), 30)
    assert this is not None and (this.facing, this.mirrored) == (1, False)
    far = align(_side_view(40, facing=-1, height=0.25), Window(0, 20, 25), (1000, 1000), 30, face=1)
    assert far is not None and (far.facing, far.mirrored) == (1, True)
    assert len(this.points) == len(far.points) == 2 * PER_PHASE + 1
    # In standing heights (ankles to nose: the nose a little ahead, so a hair over the
    # height) from the mid-ankles: the hands at the same spot, the far one mirrored.
    for rep in (this, far):
        assert rep.points[0][2 * 15 : 2 * 15 + 2] == pytest.approx([0.1, -0.4], abs=0.002)
        assert rep.points[0][2 * 27 + 1] == 0
    assert far.seconds[PER_PHASE] == round(20 / 30, 3)
    # A front view (the nose between the ears) is never mirrored.
    front = align(_side_view(40, facing=0), Window(5, 15, 30), (1000, 1000), 30, face=1)
    assert front is not None and (front.facing, front.mirrored) == (0, False)


def test_a_rep_without_a_pose_or_outside_the_frames_has_no_overlay():
    lost = np.full((40, 33, 2), np.nan)
    assert align(lost, Window(5, 15, 30), (1000, 1000), 30) is None
    assert align(_side_view(40, facing=1), Window(5, 15, 40), (1000, 1000), 30) is None
