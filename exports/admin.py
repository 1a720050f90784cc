from django.contrib import admin

from .models import ExportJob


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
