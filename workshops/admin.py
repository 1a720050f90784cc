from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from .models import Person, Resource, Tag, Workshop


class PartnerScopedAdmin(admin.ModelAdmin):
    """Staff partner editors (if any) see their partners' rows only; the secretariat sees all."""

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)


@admin.register(Person)
class PersonAdmin(PartnerScopedAdmin):
    list_display = ("name", "partner", "trained_at", "publish_consent")
    list_filter = ("partner", "publish_consent")
    search_fields = ("name",)
    raw_id_fields = ("trained_at",)
    readonly_fields = ("consent_recorded_at",)


@admin.register(Workshop)
class WorkshopAdmin(PartnerScopedAdmin):
    list_display = ("start_date", "kind", "partner", "country", "place", "language", "participants_total")
    list_filter = ("kind", "language", "country", "partner")
    search_fields = ("place",)
    date_hierarchy = "start_date"
    raw_id_fields = ("parent_tot", "created_by")
    filter_horizontal = ("module_versions", "facilitators")
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    list_display = ("slug", "name")
    search_fields = ("slug",)


@admin.register(Resource)
class ResourceAdmin(TabbedTranslationAdmin):
    list_display = ("title", "kind", "year", "language", "partner", "file_type")
    list_filter = ("kind", "language", "year")
    search_fields = ("title_en",)
    readonly_fields = ("file", "file_type", "file_size", "created_by", "created_at")
    filter_horizontal = ("tags",)

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def has_add_permission(self, request):
        return False  # uploads go through the resource centre's form, which checks file contents
