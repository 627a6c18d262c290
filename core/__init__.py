"""The plain-Python core: from a video to judged reps, and the anomaly detector. No Django.

Grouped by stage, each importing only the stages before it (tests/test_layers.py):
`video` (decode, time base, encode, playable copies) -> `pose` (MediaPipe, landmarks, the
body frame, the back's silhouette, people counting) -> `reps` (splitting a set into reps) ->
`lifts` (each lift's declarations, its measures and named faults) -> `images` (SkeleMotion,
the annotated video) -> `pipeline` (the analysis as a story of steps). `result` and `errors`
are the data every stage shares; `detector` reads results and the lifts' faults, and the
pipeline receives its judgement as data.
"""
