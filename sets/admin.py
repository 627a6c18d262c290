from django.contrib import admin

from sets.models import TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "athlete", "exercise", "performed_at", "load_kg", "created_at"]
    list_filter = ["exercise", "performed_at"]
    search_fields = ["athlete__username", "notes"]
    raw_id_fields = ["athlete", "uploaded_by", "reviewed_by"]
