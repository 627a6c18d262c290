"""The prior: a Gaussian kernel density on flattened encoder outputs, bandwidth from the data.

Same estimator as scikit-learn's `KernelDensity(kernel="gaussian")` (the dissertation's), done
in NumPy so scoring is exact, fast and needs no pickle: the model is its training points and
one bandwidth. The bandwidth maximises the held-out log-likelihood of whole videos (group
k-fold) instead of the dissertation's fixed 0.2.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def _log_kde(sq: np.ndarray, h: float, dim: int) -> np.ndarray:
    """Log density from squared distances (queries x points) for bandwidth h."""
    logk = -sq / (2.0 * h * h)
    m = logk.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logk - m).sum(axis=1))
    return lse - np.log(sq.shape[1]) - 0.5 * dim * np.log(2.0 * np.pi * h * h)


class GaussianKDE:
    """Gaussian kernel density; `points` are stored as float16 to keep the model small."""

    def __init__(self, points: np.ndarray, bandwidth: float) -> None:
        # Round to float16 here too, so a fitted and a reloaded model score identically.
        self.points = np.asarray(points, dtype=np.float16)
        self.bandwidth = float(bandwidth)

    @property
    def dim(self) -> int:
        return int(self.points.shape[1])

    def score_samples(self, x: np.ndarray) -> np.ndarray:
        """Log density of each row of x (N, dim)."""
        return _log_kde(_sq_dists(np.asarray(x), self.points), self.bandwidth, self.dim)

    def score_left_out(self, groups: Sequence[str]) -> np.ndarray:
        """Log density of each stored point under the points of the *other* groups.

        A training rep scored without its own video looks, to the density, like a rep of a
        new video: this turns every training video into calibration data for free.
        """
        grp = np.asarray(groups)
        if len(grp) != len(self.points):
            raise ValueError("one group per stored point")
        if len(set(grp.tolist())) < 2:
            grp = np.arange(len(grp)).astype(str)
        sq = _sq_dists(self.points, self.points)
        out = np.empty(len(grp))
        for g in set(grp.tolist()):
            m = grp == g
            out[m] = _log_kde(sq[np.ix_(m, ~m)], self.bandwidth, self.dim)
        return out


def select_bandwidth(
    points: np.ndarray, groups: Sequence[str] | None = None, n_grid: int = 41
) -> tuple[float, dict[str, list[float]]]:
    """Bandwidth with the best mean log-likelihood of held-out groups, and the search curve.

    The grid is centred on sqrt(median nearest-neighbour sq. distance / dim), where the
    high-dimensional likelihood peaks, and spans 2^-4 .. 2^4 of it.
    """
    pts = np.asarray(points, dtype=np.float16).astype(np.float64)
    n, dim = pts.shape
    grp = np.asarray(groups) if groups is not None else np.arange(n).astype(str)
    if len(set(grp.tolist())) < 2:
        grp = np.arange(n).astype(str)  # one video: fall back to leave-one-out
    sq = _sq_dists(pts, pts)
    same = grp[:, None] == grp[None, :]
    masked = np.where(same, np.inf, sq)
    nn = masked.min(axis=1)
    ref = np.sqrt(max(np.median(nn[np.isfinite(nn)]), 1e-12) / dim)
    grid = ref * 2.0 ** np.linspace(-4, 4, n_grid)
    uniq = sorted(set(grp.tolist()))
    folds = [uniq[i :: min(5, len(uniq))] for i in range(min(5, len(uniq)))]
    scores = []
    for h in grid:
        ll = []
        for fold in folds:
            test = np.isin(grp, fold)
            ll.append(_log_kde(sq[np.ix_(test, ~test)], h, dim))
        scores.append(float(np.mean(np.concatenate(ll))))
    best = float(grid[int(np.argmax(scores))])
    return best, {"bandwidth": grid.tolist(), "heldout_loglik": scores}
