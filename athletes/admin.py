from django.contrib import admin

from athletes.models import CoachAssignment, Profile, TrainingSession


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    search_fields = ["user__username"]


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ["coach", "athlete", "created_at"]
    search_fields = ["coach__username", "athlete__username"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "athlete", "exercise", "performed_at", "load_kg", "created_at"]
    list_filter = ["exercise", "performed_at"]
    search_fields = ["athlete__username", "notes"]
    raw_id_fields = ["athlete", "uploaded_by", "reviewed_by"]
