from django.contrib import admin

from athletes.models import CoachAssignment, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    search_fields = ["user__username"]


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ["coach", "athlete", "created_at"]
    search_fields = ["coach__username", "athlete__username"]
