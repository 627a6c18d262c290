"""A personal baseline: a rep compared with the same athlete's reps a coach marked good.

The general verdict asks "is this a good rep?"; a coach also asks "is this how *this*
lifter lifts when it goes well?". The comparison uses the named faults' measures
(core/lifts/<lift>/measures.py), which read the same from any camera, so a baseline built from one
session's camera holds for the next. Each measure's spread has a floor (its measurement
noise across the synchronised two-camera pair, rounded up), so three nearly identical good
reps do not make every later rep "unusual".

Once there is a baseline it changes the outcome people see (`effect`): a rep unusual for the
athlete is flagged even when the general model found nothing, with the measure that differs;
a rep usual for them is not flagged on the general model's borderline (a fault just past
its line, the movement model just past its threshold). A baseline is one lift's and one
camera view's: the same rep measures a little differently from the side and the front-3/4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.lifts import LIFTS
from core.lifts.base import Measure
from core.lifts.faults import borderline
from core.result import CLEARED, FLAGGED

MIN_GOOD_REPS = 3
Z_UNUSUAL = 3.0  # spreads from the athlete's own mean
# The movement model's score is sigmoid((c - t) / s), s the spread of normal reps: up to
# sigmoid(1) its statistic is within one normal spread past the threshold (calibration.py).
BORDERLINE_SCORE = 0.731

# measure key -> (what a coach reads, unit, floor of the spread): the lifts' faults'
# measures that enter a baseline (core/lifts), each read from its fault's evidence.
_SOURCES: dict[str, tuple[str, Measure]] = {}
for _lift in LIFTS.values():  # every lift's faults, in their declared order
    for _fault in _lift.faults:
        for _measure in _fault.baseline:
            _SOURCES.setdefault(_measure.key, (_fault.id, _measure))
MEASURES: dict[str, tuple[str, str, float]] = {
    key: (m.reads, m.unit, m.floor) for key, (_, m) in _SOURCES.items()
}


def rep_measures(fault_evidence: dict[str, dict[str, Any]] | None) -> dict[str, float]:
    """The baseline's measures from a rep's fault evidence (absent ones left out)."""
    out = {}
    evidence = fault_evidence or {}
    for key, (fault, measure) in _SOURCES.items():
        value = (evidence.get(fault) or {}).get(measure.field)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = float(value)
    return out


@dataclass
class PersonalBaseline:
    """Per measure the mean and spread of an athlete's good reps, and how many there were."""

    mean: dict[str, float]
    spread: dict[str, float]
    reps: int

    @classmethod
    def fit(cls, good_reps: list[dict[str, float]]) -> PersonalBaseline | None:
        """From the measures of reps a coach marked good; None under MIN_GOOD_REPS."""
        if len(good_reps) < MIN_GOOD_REPS:
            return None
        mean, spread = {}, {}
        for key, (_, _, floor) in MEASURES.items():
            values = np.array([r[key] for r in good_reps if key in r], dtype=float)
            if len(values) >= MIN_GOOD_REPS:
                mean[key] = float(values.mean())
                spread[key] = max(float(values.std(ddof=1)), floor)
        return cls(mean, spread, len(good_reps)) if mean else None

    def compare(self, measures: dict[str, float]) -> dict[str, Any]:
        """{"unusual": bool, "deviations": [...]} for one rep: the measures farther than
        Z_UNUSUAL spreads from the athlete's own, each with the numbers behind it."""
        deviations = []
        for key, mean in self.mean.items():
            if key not in measures:
                continue
            z = (measures[key] - mean) / self.spread[key]
            if abs(z) > Z_UNUSUAL:
                what, unit, _ = MEASURES[key]
                deviations.append(
                    {
                        "measure": key,
                        "value": round(measures[key], 3),
                        "usual": round(mean, 3),
                        "spread": round(self.spread[key], 3),
                        "z": round(float(z), 1),
                        "says": f"{what}: {_fmt(measures[key], unit)} against "
                        f"{_fmt(mean, unit)} ± {_fmt(self.spread[key], unit)} on their "
                        f"{self.reps} good reps",
                    }
                )
        deviations.sort(key=lambda d: -abs(d["z"]))
        return {"unusual": bool(deviations), "deviations": deviations, "good_reps": self.reps}


def effect(
    comparison: dict[str, Any] | None,
    detected_faults: list[str] | None,
    evidence: dict[str, dict[str, Any]] | None,
    verdict: str | None,
    score: float | None,
) -> str:
    """How a rep's comparison with the athlete's good reps changes the general outcome:
    FLAGGED when it is unusual for them; CLEARED when it is usual for them and every flag
    the general model raised is borderline; "" otherwise (no baseline, nothing to change)."""
    if not comparison:
        return ""
    if comparison.get("unusual"):
        return FLAGGED
    flags = [borderline((evidence or {}).get(f) or {}) for f in detected_faults or ()]
    if verdict == "anomalous":
        flags.append(score is not None and score <= BORDERLINE_SCORE)
    return CLEARED if flags and all(flags) else ""


def _fmt(value: float, unit: str) -> str:
    if unit == "°":
        return f"{value:.0f}°"
    if unit == "share":
        return f"{value:.0%}"
    return f"{value:.2f} {unit}"
