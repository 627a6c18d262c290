from django.contrib import admin

from reviews.models import Comment, SessionReadMarker


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "session", "rep", "author", "video_time_s", "created_at"]
    raw_id_fields = ["session", "rep", "author"]


admin.site.register(SessionReadMarker)
