"""The 30 fps time base: real timestamps (also variable rate), short gaps bridged, long kept."""

import numpy as np

from core.video.timebase import resample


def linear_track(times):
    lm = np.zeros((len(times), 33, 4))
    lm[:, :, 0] = times[:, None]  # x moves with time: easy to check interpolation
    return lm


def test_variable_frame_rate_lands_on_the_right_grid_points():
    rng = np.random.default_rng(1)
    times = np.cumsum(rng.uniform(1 / 45, 1 / 20, 200))
    times -= times[0]
    tl = resample(times, linear_track(times), np.ones(len(times), bool))
    assert np.allclose(tl.times[1] - tl.times[0], 1 / 30)
    assert np.allclose(tl.landmarks[:, 0, 0], tl.times, atol=1e-9)


def test_short_gaps_are_filled_and_long_ones_are_not():
    times = np.arange(0, 4, 1 / 30)
    found = np.ones(len(times), bool)
    found[30:36] = False  # 0.2 s: bridged
    found[60:90] = False  # 1 s: left missing
    lm = linear_track(times)
    lm[~found] = np.nan
    tl = resample(times, lm, found)
    assert tl.valid[30:36].all()
    assert not tl.valid[61:89].any()
    assert np.allclose(tl.landmarks[33, 0, 0], times[33])


def test_sixty_fps_keeps_the_real_duration_on_half_the_frames():
    times = np.arange(0, 2, 1 / 60)
    tl = resample(times, linear_track(times), np.ones(len(times), bool))
    assert len(tl.times) == 60
    assert tl.source_frame[10] == 20
