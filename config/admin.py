"""Admin pieces shared by the apps."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A record the platform writes (jobs, rendered parts, staleness records, audit events): shown, never added or edited by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
