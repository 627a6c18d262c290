"""The REST API, one module per subject (routed by `analysis.api_urls`): `sessions`
(upload, status, reps, comments, retry), `reps` (labels, exclusions, comments), `comments`
(shared by both), `detectors`, `training`; `common` holds the admin permission and list
paging. Querysets start from the same visibility selectors as the pages, so an invisible
session or rep is a 404 here too. Django's `ValidationError` and `PermissionDenied` raised
by services become 400 and 403 answers in one place, `coach_platform.api_errors`."""
