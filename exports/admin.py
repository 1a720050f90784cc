from django.contrib import admin

from config.admin import RecordAdmin

from .models import ExportJob, RenderedPart


@admin.register(ExportJob)
class ExportJobAdmin(RecordAdmin):
    list_display = (
        "curriculum",
        "partner",
        "language",
        "profile",
        "status",
        "progress",
        "page_count",
        "render_seconds",
        "created_at",
    )
    list_filter = ("status", "language", "profile")


@admin.register(RenderedPart)
class RenderedPartAdmin(RecordAdmin):
    list_display = ("module", "page_count", "file_size", "render_seconds", "created_at", "used_at")
    search_fields = ("module", "fingerprint")
