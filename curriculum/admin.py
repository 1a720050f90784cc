from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from translations.admin import MinorEditAdminMixin

from .models import Block, CoreSuggestion, Curriculum, Module, ModuleVersion, Partner, PartnerMembership
from .publishing import curriculum_publish, module_publish


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "slug", "kind", "duration_minutes")
    extra = 0
    show_change_link = True


@admin.register(Curriculum)
class CurriculumAdmin(MinorEditAdminMixin, TabbedTranslationAdmin):
    list_display = ("slug", "title", "source_language", "is_published", "updated_at")
    search_fields = ("slug",)
    inlines = [ModuleInline]
    actions = ["publish"]

    @admin.action(description=_("Publish the selected curricula (all modules)"))
    def publish(self, request, queryset):
        for curriculum in queryset:
            curriculum_publish(curriculum=curriculum, user=request.user, change_note=_("Published from the admin"))
        self.message_user(request, _("Published."), messages.SUCCESS)


class BlockInline(TranslationStackedInline):
    model = Block
    fields = ("position", "key", "kind", "title", "body")
    extra = 0


@admin.register(Module)
class ModuleAdmin(MinorEditAdminMixin, TabbedTranslationAdmin):
    list_display = ("slug", "title", "curriculum", "kind", "position", "latest_version")
    list_filter = ("curriculum", "kind")
    search_fields = ("slug",)
    inlines = [BlockInline]
    actions = ["publish"]
    readonly_fields = ("publishing",)

    @admin.display(description=_("publishing"))
    def publishing(self, module):
        if module.pk is None:
            return "—"
        url = reverse("workspace:core-publish", args=[module.curriculum.slug, module.slug])
        return format_html('<a href="{}">{}</a>', url, _("Review the changes and publish"))

    @admin.display(description=_("latest version"))
    def latest_version(self, module):
        version = module.versions.order_by("-number").first()
        return version.number if version else "—"

    @admin.action(description=_("Publish the selected modules"))
    def publish(self, request, queryset):
        count = 0
        for module in queryset:
            module_publish(module=module, user=request.user, change_note=_("Published from the admin"))
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d module published.", "%(count)d modules published.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Block)
class BlockAdmin(MinorEditAdminMixin, TabbedTranslationAdmin):
    list_display = ("key", "title", "module", "kind", "position")
    list_filter = ("kind", "module__curriculum")
    search_fields = ("key",)


@admin.register(ModuleVersion)
class ModuleVersionAdmin(admin.ModelAdmin):
    list_display = ("module", "number", "change_note", "published_at", "published_by")
    list_filter = ("module__curriculum",)
    readonly_fields = ("module", "number", "snapshot", "change_note", "published_at", "published_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # versions are immutable


@admin.register(CoreSuggestion)
class CoreSuggestionAdmin(admin.ModelAdmin):
    """Every suggestion and its decision, for the record; they are made and decided in the workspace."""

    list_display = ("__str__", "kind", "status", "created_at", "decided_at", "decided_by")
    list_filter = ("status", "kind", "edition__curriculum")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in CoreSuggestion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided in the workspace: accepting publishes the core, declining tells the partner


class MembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Partner)
class PartnerAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "country", "city", "parent")
    list_filter = ("country",)
    search_fields = ("name", "slug", "city")
    inlines = [MembershipInline]
