"""SkeleMotion must be bit-identical to the shared test vectors (the dataset's format)."""

import cv2
import numpy as np
import pytest

from core.images.skelemotion import (
    HEIGHT,
    STILL_VALUE,
    WIDTH,
    magnitude_image,
    orientation_image,
    render_png,
    write_rep_images,
)
from tests.conftest import SHARED_DATA, shared_path

VECTOR_DIR = SHARED_DATA / "skelemotion" / "vectors"
CASES = sorted(p.name.removesuffix(".landmarks.npy") for p in VECTOR_DIR.glob("*.landmarks.npy"))


@pytest.fixture(params=CASES or ["(no vectors)"])
def vector(request):
    vectors = shared_path("skelemotion", "vectors")
    name = request.param
    return (
        np.load(vectors / f"{name}.landmarks.npy"),
        np.load(vectors / f"{name}.orientation.npy"),
        cv2.imread(str(vectors / f"{name}.png"), cv2.IMREAD_UNCHANGED),
    )


def test_there_are_six_vectors_to_check():
    shared_path("skelemotion", "vectors")
    assert len(CASES) == 6


def test_orientation_float_image_is_bit_identical(vector):
    landmarks, expected, _ = vector
    got = orientation_image(landmarks)
    assert got.shape == (HEIGHT, WIDTH, 3)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)


def test_png_is_bit_identical_after_writing_and_reading_back(vector, tmp_path):
    landmarks, _, expected_png = vector
    paths = write_rep_images(landmarks, tmp_path / "rep_01")
    written = cv2.imread(str(paths["image"]), cv2.IMREAD_UNCHANGED)
    assert written.shape == expected_png.shape == (HEIGHT, WIDTH, 3)
    assert np.array_equal(written, expected_png)
    assert np.array_equal(np.load(paths["landmarks"]), landmarks[:, :, :3])


def test_a_rep_shorter_than_the_temporal_distance_is_still_everywhere():
    rng = np.random.default_rng(0)
    image = orientation_image(rng.random((7, 33, 3)))
    assert np.all(image == STILL_VALUE)


def test_still_joints_render_as_the_orange_of_colour_map_entry_24():
    still = np.full((HEIGHT, WIDTH, 3), STILL_VALUE)
    grey = np.full((1, 1), 24, np.uint8)
    orange = cv2.applyColorMap(grey, cv2.COLORMAP_HSV)[0, 0]
    assert np.all(render_png(still) == orange)


def test_a_joint_moving_down_fast_gets_the_angle_of_straight_down():
    # Joint 16 (right wrist) moves +y (down in the image) by 0.1 per frame: d = -1.0 in y.
    T = 30
    seq = np.zeros((T, 33, 3))
    seq[:, 16, 1] = np.arange(T) * 0.1
    raw = orientation_image(seq)
    row = 3  # third joint of the walk after 0, 12, 14 is 16
    # atan2(dy<0, dx=0) = -90 degrees -> (−90 + 180) / 360 = 0.25 in channel 0
    assert raw[row, 10, 0] == pytest.approx(0.25)
    assert raw[0, 10, 0] == STILL_VALUE  # the nose did not move


def test_magnitude_image_is_clipped_at_one():
    seq = np.zeros((40, 33, 3))
    seq[:, 0, 0] = np.arange(40) * 1.0  # 10 units over D frames
    mag = magnitude_image(seq)
    assert mag.shape == (HEIGHT, WIDTH)
    assert mag.max() == 1.0 and mag[1].max() == 0.0
