from django.contrib import admin

from .models import Person, Workshop


class PartnerScopedAdmin(admin.ModelAdmin):
    """Staff partner editors (if any) see their partners' rows only; the secretariat sees all."""

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)


@admin.register(Person)
class PersonAdmin(PartnerScopedAdmin):
    list_display = ("name", "partner", "trained_at")
    list_filter = ("partner",)
    search_fields = ("name",)
    raw_id_fields = ("trained_at",)


@admin.register(Workshop)
class WorkshopAdmin(PartnerScopedAdmin):
    list_display = ("start_date", "kind", "partner", "country", "place", "language", "participants_total")
    list_filter = ("kind", "language", "country", "partner")
    search_fields = ("place",)
    date_hierarchy = "start_date"
    raw_id_fields = ("parent_tot", "created_by")
    filter_horizontal = ("module_versions", "facilitators")
    readonly_fields = ("created_by", "created_at", "updated_at")
