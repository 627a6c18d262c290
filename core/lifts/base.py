"""What a lift declares: its name and label, what its rep is (the rise, how its reps are
told from other movements, a complete lockout) and its named faults, each with its measure.
Plain data and functions, no Django.

A fault is one measure past one threshold (`Rule`), read as a sentence with the numbers
(the fault's `measure`, run by core/lifts/faults.py: check_rep), told to the athlete as the
cue a coach would give, and judged only from the camera views where the pose can show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.lifts.posture import Posture
from core.reps.segment import CandidateSpan, RepSpan, RiseRule, Rises, Signals
from core.result import Exercise

VIEWS = ("side", "oblique", "front")  # faults.camera_view's answers


@dataclass(frozen=True)
class Rule:
    """A fault is its measure past a threshold: `below` (value < threshold) or above."""

    measure: str
    threshold: float
    below: bool
    unit: str

    def fires(self, value: float) -> bool:
        return value < self.threshold if self.below else value > self.threshold


@dataclass(frozen=True)
class Measure:
    """A number of a fault's evidence that enters an athlete's personal baseline
    (detector/personal.py): its key there, what a coach reads, its unit, the floor of its
    spread (its measurement noise), and the evidence field it is read from."""

    key: str
    reads: str
    unit: str
    floor: float
    field: str = "value"


@dataclass(frozen=True)
class RepData:
    """What a fault's measure reads of one rep, on the 30 fps grid: its span, the body
    angles (kinematics.body_angles, with the body-frame series), its kinematics
    (kinematics.rep_kinematics), the back's bulge per grid frame (pose/back.py) or None,
    and the camera view (faults.camera_view); `lowering_first`, the lift's rep goes down
    first (RiseRule.lowering_first: its span turns at the bottom, not at the top)."""

    span: RepSpan
    angles: dict[str, np.ndarray]
    kinematics: dict[str, Any]
    back: np.ndarray | None
    view: str
    lowering_first: bool = False

    @property
    def bottom(self) -> int:
        """The grid frame the rep turns at the bottom (a pull: its start)."""
        return self.span.lockout if self.lowering_first else self.span.start

    @property
    def top(self) -> int:
        """The grid frame of the rep's lockout at the top (a squat: its end)."""
        return self.span.end if self.lowering_first else self.span.lockout


def finite(x: np.ndarray) -> bool:
    """Whether any of `x` was measured."""
    return bool(np.isfinite(x).any())


def evidence(rule: Rule, value: float, frame: int, says: str) -> dict[str, Any]:
    """A fault's evidence: its measure's `value` at grid `frame`, under `rule`, in a
    sentence (`says`). faults.decide adds whether it is a fault, and the limit."""
    return {
        "measure": rule.measure,
        "value": round(value, 3),
        "threshold": rule.threshold,
        "fault_if": "below" if rule.below else "above",
        "unit": rule.unit,
        "frame": int(frame),
        "says": says,
    }


# A fault's measure: its evidence (`evidence(fault.rule, ...)`, extra fields allowed) on a
# rep, or None when the rep does not show it (too little movement, the joints unseen).
MeasureFn = Callable[[RepData, "FaultSpec"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class FaultSpec:
    """A named fault of a lift. `key`: its place among the coach's fault tags (shift+key on
    the review pages); `learnable`: training may learn its threshold from coaches' tags;
    `limit_format`: how the threshold reads in the sentence ("a fault below 22%"); `cue`,
    what to do in one sentence, and `drill`, an exercise that practises it;
    `measure`: what measures it on a rep (run only from its `views`); `requires`: a further
    condition on its evidence for it to be named (a knee-dominant start: bent knees too),
    whatever the threshold."""

    id: str
    label: str
    rule: Rule
    limit_format: str
    cue: str
    key: int
    drill: str = ""  # the exercise a coach sets to fix it: sets, reps, load
    views: tuple[str, ...] = VIEWS
    learnable: bool = True
    baseline: tuple[Measure, ...] = ()
    measure: MeasureFn | None = None
    requires: Callable[[dict[str, Any]], bool] | None = None


@dataclass(frozen=True)
class Lockout:
    """A complete lockout: hips and knees at least this open (degrees, 180 = straight) and
    the shoulders at least this high (share of their standing height)."""

    hip_min_deg: float
    knee_min_deg: float
    shoulder_min: float


@dataclass
class Seen:
    """What a lift's recogniser makes of a set's rises: its reps (none: not this lift), the
    exercise it names when it has some, and the rises it saw and did not count, with why."""

    spans: list[RepSpan]
    exercise: Exercise | None = None
    rejected: list[CandidateSpan] = field(default_factory=list)


# A lift's recogniser: which of a set's rises (reps.segment.find_rises under its
# `rise`) are its reps, given the better-seen knee's angle per grid frame (or None).
Recogniser = Callable[[Rises, "np.ndarray | None"], Seen]


def wrists(sig: Signals) -> np.ndarray:
    """The bar's height as a standing lift's chart shows it: the wrists', standing heights."""
    return sig.wrist


# What a rep card shows of a lift's kinematics (templates/analysis/review.html).
STANDING_FACTS = ("hip", "knee", "trunk", "lockout")


@dataclass(frozen=True)
class Lift:
    """A lift the platform judges: `faults` in the order a rep's faults are named; `rise`,
    what its rep is; `recognise`, which rises are its reps; `lockout`, a complete one;
    `likely`, how likely a set's posture (posture.Posture) makes it, 0..1; `variants`,
    the other exercise names its recogniser gives (a variant it judges alike);
    `no_reps`, what a set of it with no complete rep is told (what a rep needs to show);
    `in_view`, the body's parts (faults.KEY_JOINTS) its reps are judged only with in the
    picture and seen (a bench press is judged on the arms and torso, the legs may be out);
    `bar`, the bar's height per grid frame as its chart shows it, said by `bar_reads`
    (its values' unit: `bar_unit`);
    `facts`, the kinematics its rep card shows (STANDING_FACTS, "elbow"); `chart_angles`,
    the joints its angle chart draws (reps.angle_series' columns); `form_judged`
    False: its reps are counted, not judged for form (no faults, no detector); `lying`, its
    lifter lies down (a bench press): recognise.py hands it only rises of a lifter lying
    down, and a standing lift only the others."""

    name: str
    label: str
    faults: tuple[FaultSpec, ...]
    rise: RiseRule
    recognise: Recogniser
    lockout: Lockout
    likely: Callable[[Posture], float]
    variants: tuple[str, ...] = ()
    no_reps: str = "No complete rep was found, with the whole body in view."
    in_view: tuple[str, ...] = ("shoulders", "hips", "knees", "ankles", "hands")
    bar: Callable[[Signals], np.ndarray] = wrists
    bar_reads: str = "wrist height in standing heights"
    bar_unit: str = "standing heights"
    facts: tuple[str, ...] = STANDING_FACTS
    chart_angles: tuple[str, ...] = ("hip", "knee", "trunk")
    form_judged: bool = True
    lying: bool = False

    def fault(self, fault_id: str) -> FaultSpec:
        return next(f for f in self.faults if f.id == fault_id)

    @property
    def good_form(self) -> str:
        """What a good rep of it is called ("Good <Label> Form")."""
        return f"Good {self.label} Form"
