from django.contrib import admin

from .models import Rendering, Term


class RenderingInline(admin.TabularInline):
    model = Rendering
    extra = 0
    fields = ["language", "partner", "text", "variants", "note"]
    autocomplete_fields = ["partner"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["text", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["text", "renderings__text"]
    fields = ["text", "language", "note"]
    inlines = [RenderingInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Rendering)
class RenderingAdmin(admin.ModelAdmin):
    list_display = ["term", "language", "partner", "text"]
    list_filter = ["language", "partner"]
    search_fields = ["term__text", "text"]
    autocomplete_fields = ["term", "partner"]
