"""Pages and API views, one module per subject (the subjects of `analysis.selectors`):

- `sessions`: dashboards, upload, the review page, status, retry, comments, a session's files
- `reps`: a rep's files, the review queue (labels are set through the API)
- `training`: the admins' training set and training runs
- `detectors`: detector versions, activation and rollback
- `compare`: two reps side by side
- `data`: an athlete's download of all their data
- `common`: what several page modules share (lookups, the admins-only gate, file responses)
- `api/`: the REST API by the same subjects (routed by `analysis.api_urls`)

Thin: parse, check who asks, call a selector or service, render.
"""
