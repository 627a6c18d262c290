"""The review page's overlay stays readable (static/js/overlay.js, annotations.js), in a real
browser over the shared analysed clip at desktop (1280x800) and phone (390x844) sizes: on
paused frames of every rep the label boxes (rep counter and stage, the verdict) cover neither
the lifter's head (its box from the face's landmarks) nor each other; the same placement keeps
them apart with the head moved to each corner; an angle drawn just under the chin puts its
degrees beside the head, not on it; and a drawing's default colour is the palette's magenta,
which no part of the skeleton is.

Run from tests/e2e/test_drawing.py on its upload (one analysis of the clip for both).
Screenshots: test-artifacts/e2e/overlay-labels/{desktop,phone}-rep<N>.png and -angle.png.
"""

from __future__ import annotations

import math

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import ARTIFACTS, SIZES, login

SHOTS = ARTIFACTS / "overlay-labels"
IDLE = "(() => { const v = document.getElementById('player'); return v.paused && !v.seeking; })()"

# The overlay's data (the test's own copy), as overlay.js reads it.
LOAD = """async url => (await fetch(url, {credentials: 'same-origin'})).json()"""

# What the overlay drew on the paused frame: the head's box, the labels' boxes, the picture's
# size (CSS px), and which frame.
LAYOUT = """() => {
  const o = window.ReviewOverlay, c = document.getElementById('overlay');
  return {head: o.layout.head, labels: o.layout.labels, frame: Number(c.dataset.frame),
          w: parseFloat(c.style.width), h: parseFloat(c.style.height)};
}"""

# The same placement with the head moved into each corner of the picture, the real labels'
# sizes: [[label boxes] per corner].
CORNERS = """([layout, head]) => {
  const area = {w: layout.w, h: layout.h}, pad = 8;
  const [counter, verdict] = layout.labels;
  return [[0, 0], [1, 0], [0, 1], [1, 1]].map(([cx, cy]) => {
    const moved = {x: cx * (area.w - head.w), y: cy * (area.h - head.h), w: head.w, h: head.h};
    const labels = [VideoOverlay.edgeSlots(counter.w, counter.h, area, pad, 'left')];
    if (verdict) labels.push(VideoOverlay.edgeSlots(verdict.w, verdict.h, area, pad, 'right'));
    return {head: moved, labels: VideoOverlay.placeLabels(labels, [moved], [])};
  });
}"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def _inside(a: dict, w: float, h: float) -> bool:
    return a["x"] >= 0 and a["y"] >= 0 and a["x"] + a["w"] <= w + 0.5 and a["y"] + a["h"] <= h + 0.5


def _clear(head: dict | None, labels: list[dict], w: float, h: float, what) -> None:
    for i, label in enumerate(labels):
        assert _inside(label, w, h), (what, label, w, h)
        assert head is None or not _overlap(label, head), (what, "covers the head", label, head)
        for other in labels[i + 1 :]:
            assert not _overlap(label, other), (what, "labels overlap", label, other)


def _pause_on(page, data: dict, frame: int) -> dict:
    """Pause a quarter into `frame`; the overlay's layout once it drew that frame."""
    t = data["times"][frame] + (data.get("start_s") or 0) + 0.25 / data["fps"]
    page.evaluate(
        "t => { const v = document.getElementById('player'); v.pause(); v.currentTime = t; }", t
    )
    page.wait_for_function(IDLE, timeout=15_000)
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=15_000)
    page.wait_for_function(
        "f => Number(document.getElementById('overlay').dataset.frame) === f", arg=frame
    )
    return page.evaluate(LAYOUT)


def _check(browser, base: str, url: str, size: str) -> None:
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    login(page, base, "coach_a", PERSONA_PASSWORD)
    page.goto(url)
    page.wait_for_function(
        "document.getElementById('player').readyState >= 2"
        " && window.ReviewOverlay && window.ReviewOverlay.loaded",
        timeout=60_000,
    )
    page.evaluate("document.getElementById('player').muted = true")
    data = page.evaluate(LOAD, page.get_attribute("#player", "data-overlay-url"))
    assert len(data["reps"]) == 3, data["reps"]

    # A drawing's default colour is the palette's, and none of the skeleton's colours.
    palette = page.evaluate("VideoOverlay.palette")
    assert page.input_value("[data-testid=draw-colour]") == palette["drawing"] == "#ff2bd6"
    assert palette["drawing"] not in (palette["joints"], palette["bar"], palette["bones"])

    checked = 0
    for rep in data["reps"]:
        frames = (
            rep["start_frame"],
            rep["lockout_frame"],
            (rep["start_frame"] + rep["end_frame"]) // 2,
        )
        for frame in frames:
            if data["points"][frame] is None:
                continue
            layout = _pause_on(page, data, frame)
            head, labels = layout["head"], layout["labels"]
            assert head is not None and len(labels) == 2, layout  # counter and verdict
            # The head's box holds the face's landmarks (nose, eyes, ears, mouth).
            points = data["points"][frame]
            for k in range(11):
                x = points[2 * k] / data["scale"] * layout["w"]
                y = points[2 * k + 1] / data["scale"] * layout["h"]
                assert (
                    head["x"] < x < head["x"] + head["w"] and head["y"] < y < head["y"] + head["h"]
                )
            _clear(head, labels, layout["w"], layout["h"], (size, rep["index"], frame))
            # With the head in any corner of the picture instead, the labels still keep off it.
            for case in page.evaluate(CORNERS, [layout, head]):
                _clear(case["head"], case["labels"], layout["w"], layout["h"], (size, case["head"]))
            checked += 1
        page.locator(".player-card").screenshot(path=SHOTS / f"{size}-rep{rep['index']}.png")
    assert checked >= 6, checked

    # An angle drawn right under the chin (at a lockout: standing), opening upwards: its
    # degrees would sit on the face; they go beside the head, clear of the overlay's labels.
    layout = _pause_on(page, data, data["reps"][-1]["lockout_frame"])
    head = layout["head"]
    page.click("[data-testid=tool-angle]")
    page.locator("#draw-canvas").scroll_into_view_if_needed()
    box = page.locator("#draw-canvas").bounding_box()
    cx, below = head["x"] + head["w"] / 2, head["y"] + head["h"] + 6
    arm = max(24.0, head["w"] * 0.6)
    vertex = (cx, below + arm)
    ends = [(cx - arm, below + arm * 0.2), (cx + arm, below + arm * 0.2)]
    pixels = [(box["x"] + x, box["y"] + y) for x, y in (ends[0], vertex, ends[1])]
    for x, y in pixels:
        if size == "phone":
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
    page.wait_for_function(
        "JSON.parse(document.getElementById('draw-canvas').dataset.labels || '[]').length === 1",
        timeout=5_000,
    )
    angle = page.evaluate("JSON.parse(document.getElementById('draw-canvas').dataset.labels)")[0]
    # Where the degrees would go without placement: along the bisector (up), off the vertex.
    unit = max(0.7, min(layout["w"], layout["h"]) / 360)
    arm_px = math.hypot(arm, arm * 0.8)
    naive_y = vertex[1] - (max(6 * unit, min(28 * unit, arm_px * 0.45)) + 20 * unit)
    naive = {
        "x": cx - angle["w"] / 2,
        "y": naive_y - angle["h"] / 2,
        "w": angle["w"],
        "h": angle["h"],
    }
    assert _overlap(naive, head), ("the case does not test the placement", naive, head)
    _clear(head, [*layout["labels"], angle], layout["w"], layout["h"], (size, "angle"))
    page.locator(".player-card").screenshot(path=SHOTS / f"{size}-angle.png")
    context.close()


def check_overlay_labels(browser, base: str, url: str) -> None:
    """Both sizes' checks on an analysed upload of the shared clip (test_drawing.py runs them
    on its own upload: one analysis for both)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        _check(browser, base, url, size)
