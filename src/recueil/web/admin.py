"""The Django admin on the store's own models: curation of themes and assignments.

Items, meetings and documents are read-only here (ingestion owns them); an assignment an
editor adds or changes is recorded as curated, with who made it.
"""

from __future__ import annotations

from django.contrib import admin

from recueil.model import Origin
from recueil.store.models import Assignment, Document, Item, Meeting, Theme

admin.site.site_header = "recueil"
admin.site.site_title = "recueil"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("theme", "origin", "user", "created_at", "note")
    readonly_fields = ("origin", "user", "created_at")
    autocomplete_fields = ("theme",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("label", "parent", "label_en")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("label", "label_en")
    autocomplete_fields = ("parent",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("item", "theme", "origin", "user", "created_at")
    list_filter = ("origin",)
    search_fields = ("item__ref", "theme__label")
    autocomplete_fields = ("item", "theme")
    readonly_fields = ("origin", "user", "created_at", "document")

    def save_model(self, request, obj, form, change) -> None:
        obj.origin = Origin.CURATED.value  # an editor decided
        obj.user = request.user.get_username()
        super().save_model(request, obj, form, change)


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("ref", "status", "symbol", "report_paragraph", "section")
    list_filter = ("part", "status", "meeting")
    search_fields = ("ref", "text")
    inlines = (AssignmentInline,)

    def has_change_permission(self, request, obj=None) -> bool:
        # the inline assignments stay editable; the item's own fields are read-only
        return request.user.has_perm("recueil.change_assignment")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Item._meta.fields]

    def save_formset(self, request, form, formset, change) -> None:
        for obj in formset.save(commit=False):
            obj.origin = Origin.CURATED.value
            obj.user = request.user.get_username()
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("part", "number", "title", "date_text", "report_symbol")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("source_file", "symbol", "kind", "distribution", "issued")
    exclude = ("raw_text",)
