from django.contrib import admin

from detectors.models import DetectorVersion


@admin.register(DetectorVersion)
class DetectorVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "created_at", "activated_at", "model_dir"]
    list_filter = ["is_active"]
