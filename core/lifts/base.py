"""What a lift declares: its name and label and its named faults. Plain data, no Django.

A fault is one measure past one threshold (`Rule`), read as a sentence with the numbers
(pipeline/faults.py measures it), told to the athlete as the cue a coach would give, and
judged only from the camera views where the pose can show it.
"""

from __future__ import annotations

from dataclasses import dataclass

VIEWS = ("side", "oblique", "front")  # pipeline.faults.camera_view's answers


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
class FaultSpec:
    """A named fault of a lift. `key`: its place among the coach's fault tags (shift+key on
    the review pages); `learnable`: training may learn its threshold from coaches' tags;
    `limit_format`: how the threshold reads in the sentence ("a fault below 22%")."""

    id: str
    label: str
    rule: Rule
    limit_format: str
    cue: str
    key: int
    views: tuple[str, ...] = VIEWS
    learnable: bool = True
    baseline: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class Lift:
    """A lift the platform judges: `faults` in the order a rep's faults are named."""

    name: str
    label: str
    faults: tuple[FaultSpec, ...]

    def fault(self, fault_id: str) -> FaultSpec:
        return next(f for f in self.faults if f.id == fault_id)
