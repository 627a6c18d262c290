"""An athlete's download of all their data (linked from the "Privacy & data" page, which
lives in `athletes.privacy_views`). Here because the zip holds analyses, reps and labels.

Only the athlete themself: a coach has the CSV of each session, and nobody else has
anything to take away. No id in the URL, so it cannot be pointed at someone else.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from analysis.services.athlete_data import athlete_export, athlete_export_filename
from athletes.models import Role
from athletes.selectors import user_role


@login_required
@require_GET
def my_data_export(request: HttpRequest) -> FileResponse:
    if user_role(request.user) != Role.ATHLETE:
        raise Http404
    archive = athlete_export(request.user)  # a temporary file, deleted when closed
    response = FileResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, athlete_export_filename(request.user)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
