"""The back's outline, from MediaPipe's person segmentation: the one cue to a rounded back.

Pose has no spine landmarks: shoulders and hips are the trunk's only points, and a rounded
back moves neither much. The silhouette does show it. Along the straight line from the hip
to the shoulder (the side the camera sees better), the distance to the silhouette's edge on
the back's side (away from the knee) is sampled; a flat back keeps that distance on a
straight line, a rounded back bulges above it. The bulge is in trunk lengths (hip to
shoulder), so it does not depend on the camera's distance. It means something from the
side and the front-3/4; from the front the edge is the lifter's flank (faults.py skips it).
"""

from __future__ import annotations

import numpy as np

from core.pose import landmarks as L

ALONG = np.linspace(0.0, 1.0, 21)  # points along the hip-to-shoulder line
ENDS = (3, 18)  # the outline's straight reference: 15% and 90% of the way
MIDDLE = slice(5, 17)  # where a rounded back bulges
MAX_REACH = 0.6  # trunk lengths: farther than this from the line is not the back
MIN_TRUNK_PX = 12  # a trunk shorter than this in pixels is too small to read


def back_bulge(mask: np.ndarray, lm: np.ndarray) -> float:
    """How far the back's outline bulges above straight, in trunk lengths (NaN if unreadable).

    `mask`: (H, W) person probability; `lm`: (33, 4) normalized landmarks of the same frame.
    """
    h, w = mask.shape[:2]
    left = lm[[L.L_SHOULDER, L.L_HIP, L.L_KNEE], 3].sum()
    right = lm[[L.R_SHOULDER, L.R_HIP, L.R_KNEE], 3].sum()
    sh, hip, knee = (
        (L.L_SHOULDER, L.L_HIP, L.L_KNEE)
        if left >= right
        else (
            L.R_SHOULDER,
            L.R_HIP,
            L.R_KNEE,
        )
    )
    scale = np.array([w, h], dtype=float)
    s, p, k = lm[sh, :2] * scale, lm[hip, :2] * scale, lm[knee, :2] * scale
    chord = s - p
    length = float(np.linalg.norm(chord))
    if not np.isfinite(length) or length < MIN_TRUNK_PX:
        return float("nan")
    along = chord / length
    normal = np.array([-along[1], along[0]])
    if (k - p) @ normal > 0:  # the back is on the side away from the knee
        normal = -normal
    steps = np.arange(0.0, MAX_REACH * length, 1.0)
    pts = p + ALONG[:, None, None] * chord + steps[None, :, None] * normal  # (21, S, 2)
    x = np.round(pts[..., 0]).astype(int)
    y = np.round(pts[..., 1]).astype(int)
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    body = np.zeros(inside.shape, dtype=bool)
    body[inside] = mask[y[inside], x[inside]] >= 0.5
    # Distance to the first step off the body (the whole reach if it never leaves).
    off = ~body
    first_off = np.where(off.any(axis=1), off.argmax(axis=1), len(steps))
    depth = np.maximum(first_off - 1, 0) / length
    a, b = ENDS
    line = depth[a] + (depth[b] - depth[a]) * (ALONG - ALONG[a]) / (ALONG[b] - ALONG[a])
    return float(np.max(depth[MIDDLE] - line[MIDDLE]))
