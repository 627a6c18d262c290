"""Reads about judging, one module per subject (the subjects of `analysis.services` and
`analysis.views`):

- `sessions`: the dashboards' session lists, an athlete's progress, comments
- `reps`: which reps a person may see or label, the review queue
- `training`: the training set (its one definition), the training page's lists, runs
- `detectors`: detector versions and their held-out reports
- `media`: stored files: the videos' URLs, the report, the review page's chart data
- `compare`: two reps side by side
- `export`: a session's reps as CSV

Import a name from its subject's module (`from analysis.selectors.reps import
review_queue`); nothing is re-exported here, so every name has one home.
"""
