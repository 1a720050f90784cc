from django.contrib import admin

from config.admin import RecordAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ("at", "actor_name", "action", "model", "object_id", "summary")
    list_filter = ("action", "model")
    search_fields = ("actor_name", "summary", "object_id")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
