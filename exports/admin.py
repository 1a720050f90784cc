from django.contrib import admin

from .models import ExportJob, RenderedPart


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
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
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RenderedPart)
class RenderedPartAdmin(admin.ModelAdmin):
    list_display = ("module", "page_count", "file_size", "render_seconds", "created_at", "used_at")
    search_fields = ("module", "fingerprint")
    readonly_fields = [field.name for field in RenderedPart._meta.fields]

    def has_add_permission(self, request):
        return False
