from django.contrib import admin

from analysis.models import (
    Analysis,
    Comment,
    DetectorVersion,
    Rep,
    RepCorrection,
    RepVerdict,
    SessionReadMarker,
)


@admin.register(DetectorVersion)
class DetectorVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "created_at", "activated_at", "model_dir"]
    list_filter = ["is_active"]


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ["id", "session", "status", "progress", "rep_count", "worker", "finished_at"]
    list_filter = ["status"]
    raw_id_fields = ["session"]


@admin.register(Rep)
class RepAdmin(admin.ModelAdmin):
    list_display = ["id", "analysis", "index", "start_s", "end_s", "counted", "verdict", "score"]
    list_filter = ["verdict", "counted", "counted_by"]
    raw_id_fields = ["analysis"]


@admin.register(RepVerdict)
class RepVerdictAdmin(admin.ModelAdmin):
    list_display = ["rep", "detector_version", "verdict", "score", "created_at"]
    raw_id_fields = ["rep"]


@admin.register(RepCorrection)
class RepCorrectionAdmin(admin.ModelAdmin):
    list_display = ["id", "analysis", "rep", "kind", "author", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["analysis", "rep", "author"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "session", "rep", "author", "video_time_s", "created_at"]
    raw_id_fields = ["session", "rep", "author"]


admin.site.register(SessionReadMarker)
