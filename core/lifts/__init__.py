"""The lifts the platform judges, one sub-package each, and their one registry. Plain
Python (no Django): the pipeline, the detector and the Django app all read a lift's
declarations here, so a fault id, its label, threshold and cue are written once.

A lift (base.Lift) declares what its rep is (`rise`: a reps.segment.RiseRule; `recognise`:
which rises are its reps, and the exercise it names; `lockout`: a complete one), its
`faults` (each a FaultSpec with its `measure`) and its `label` ("Good <label> Form").
The generic code asks the registry: recognise.segment_reps tries each lift in order,
faults.check_rep runs the rep's lift's measures and decide names faults, kinematics reads
its lockout, the overlay and the detector's report its label. DEFAULT is the lift of what
names none (older analyses, stored detector versions).

Add a lift:
1. Create core/lifts/<lift>/ with reps.py: `RISE = RiseRule(...)` (the signal it is read on:
   "shoulder" for a pull, "sank" or "bar_lowered" for a rep that goes down first, "curled";
   the zones of its rise, the windows and margins; copy the closest lift's and change what
   differs), `LOCKOUT = Lockout(...)`, `recognise(rises, knee_angles) -> Seen`: the rises
   that are its reps (Seen.spans), the Exercise it names (is_deadlift True: counted; say the
   count), and the rises it refuses as CandidateSpans (reps.segment.candidate) with a
   sentence each; and `likely(posture) -> float` (posture.py: how likely a set's posture
   makes it).
2. measures.py: one function per fault, `(rep: RepData, fault: FaultSpec) -> dict | None`,
   returning `base.evidence(fault.rule, value, grid_frame, sentence)` or None.
3. __init__.py: its FaultSpecs (ids, rules, limits, cues, views, keys that do not clash
   with other lifts' tags, `measure=`) and `<LIFT> = Lift(name, label, faults, rise,
   recognise, lockout, variants)`.
4. Register it in LIFTS below (the order is the order a clip is tried in; a lift whose
   rises another lift would also claim goes first). Leave DEFAULT alone.
5. Tests: a synthetic set of it in tests/pipeline/test_reps_synthetic.py (counted, named;
   a deadlift set still a deadlift), a labelled clip in tests/pipeline/test_real_clips.py,
   and test_lifts.py passes as it is (every fault declared once, with a cue and views).

Add a fault:
1. Its measure in core/lifts/<lift>/measures.py: a function of (RepData, FaultSpec) that
   returns `evidence(fault.rule, value, grid_frame, "a sentence with the number")` (extra
   fields, e.g. a second number, may be or'ed in), or None when the rep does not show it.
2. Its FaultSpec in core/lifts/<lift>/__init__.py, in FAULTS where it should be named among
   the others: a new id (snake case: the tags' choices and the stored evidence use it),
   label, Rule(measure name, default threshold, below?, unit), limit_format, the coach's
   cue, a free `key` (the coach's shift+key), `views` it can be judged from, `learnable`,
   `baseline` Measures for the personal baseline, `measure=measures.<fn>`, and
   `requires=` a further condition on its evidence if the threshold is not all.
3. No migration: the tags' choices follow the registry (all_faults); faults.check_rep and
   decide need no change.
4. Default threshold: set between labelled clips and checked with scripts/bench_verdicts.py
   (leave-one-set-out); say in a comment where the number comes from.
5. Test: in tests/pipeline/test_faults.py, a labelled clip (or a footage-derived one) that
   shows it named (and a correct set not named), like test_each_labelled_set_is_named_....
"""

from __future__ import annotations

from core.lifts.base import FaultSpec, Lift, Measure, Rule
from core.lifts.bench import BENCH
from core.lifts.curl import CURL
from core.lifts.deadlift import DEADLIFT
from core.lifts.press import PRESS
from core.lifts.squat import SQUAT

# In the order a clip is recognised (recognise.py: the first lift with reps in it wins).
# The bench before the squat: a lying lifter's arms move the shoulders' signal enough for
# the squat's rise, and the bench claims only a body lying down. The curl and the overhead
# press last: counted, not judged for form, and only once no lift judged has reps in it.
LIFTS: dict[str, Lift] = {lift.name: lift for lift in (DEADLIFT, BENCH, SQUAT, CURL, PRESS)}
# The lift of whatever names none: a stored analysis, a detector's report, a call that
# passes no lift. Every record before a second lift is of it: it never changes.
DEFAULT: Lift = DEADLIFT

__all__ = [
    "DEFAULT",
    "LIFTS",
    "FaultSpec",
    "Lift",
    "Measure",
    "Rule",
    "all_faults",
    "get",
    "judge_lift",
    "of_exercise",
]


def get(name: str) -> Lift:
    """The lift called `name` (KeyError for one the platform does not judge)."""
    return LIFTS[name]


def of_exercise(name: str) -> Lift:
    """The lift a report's exercise (`Exercise.name`) is of: the lift itself or one of its
    variants; DEFAULT for a name no lift gives (an older report, an exercise not judged)."""
    return next((lift for lift in LIFTS.values() if name in (lift.name, *lift.variants)), DEFAULT)


def all_faults() -> tuple[FaultSpec, ...]:
    """Every lift's faults, each id once, in the coach's tag order (`FaultSpec.key`)."""
    seen: dict[str, FaultSpec] = {}
    for lift in LIFTS.values():
        for fault in lift.faults:
            seen.setdefault(fault.id, fault)
    return tuple(sorted(seen.values(), key=lambda f: f.key))


def judge_lift(judge: object) -> str:
    """The lift whose reps a detector (a result.RepJudge) judges: its `lift`, else DEFAULT
    (every stored version learnt its reps). Other lifts' reps are judged by their named
    faults and the athlete's personal baseline until a detector of theirs exists."""
    return getattr(judge, "lift", "") or DEFAULT.name
