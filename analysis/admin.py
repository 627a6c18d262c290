from django.contrib import admin

from analysis.models import Analysis, Rep, RepCorrection, RepVerdict


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
