"""Every write about judging: uploads, analyses, comments, labels, rep-count corrections,
the training set, training runs, versions.

One module per subject; the public functions are re-exported here so callers import
`analysis.services` and need not know the split.
"""

from analysis.services.analyses import (
    analysis_can_retry,
    analysis_claim,
    analysis_create,
    analysis_enqueue,
    analysis_retry,
    analysis_run,
    analysis_run_next,
)
from analysis.services.comments import comment_create, session_mark_seen
from analysis.services.detectors import (
    _judges,
    activation_warning,
    detector_activate,
    detector_active,
    detector_rescore,
    judge_load,
)
from analysis.services.labels import rep_exclude, rep_include, rep_label, rep_label_authorize
from analysis.services.reaper import jobs_reap
from analysis.services.rep_counts import (
    candidate_count,
    rep_correct_authorize,
    rep_count_authorize,
    rep_move,
    rep_not_a_rep,
    rep_restore,
)
from analysis.services.training_runs import (
    TrainingBusy,
    training_run_execute,
    training_start,
)
from analysis.services.training_set import dataset_import
from analysis.services.uploads import session_upload
from analysis.services.videos import (
    analysis_export_make,
    analysis_export_request,
    analysis_playable_make,
    analysis_video_redraw,
)

__all__ = [
    "TrainingBusy",
    "_judges",
    "analysis_can_retry",
    "analysis_claim",
    "analysis_create",
    "analysis_enqueue",
    "analysis_export_make",
    "analysis_export_request",
    "analysis_playable_make",
    "analysis_retry",
    "analysis_run",
    "analysis_run_next",
    "analysis_video_redraw",
    "candidate_count",
    "comment_create",
    "dataset_import",
    "activation_warning",
    "detector_activate",
    "detector_active",
    "detector_rescore",
    "jobs_reap",
    "judge_load",
    "rep_count_authorize",
    "rep_correct_authorize",
    "rep_exclude",
    "rep_include",
    "rep_label",
    "rep_label_authorize",
    "rep_move",
    "rep_not_a_rep",
    "rep_restore",
    "session_mark_seen",
    "session_upload",
    "training_run_execute",
    "training_start",
]
