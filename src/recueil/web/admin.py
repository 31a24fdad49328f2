"""The Django admin on the store's own models: users, and assignments as a fallback.

Items, meetings and documents are read-only here (ingestion owns them); themes too (the
vocabulary pages, /vocabulary/, change them with an audit trail). An assignment added or
deleted here goes through recueil.store.curation like any other decision: recorded as
curated, with who and when, in the item's history.
"""

from __future__ import annotations

from django.contrib import admin

from recueil.model import Status
from recueil.store import curation
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


def _limit_choices(db_field, kwargs: dict) -> dict:
    """Only adopted items and live themes can be given a theme."""
    if db_field.name == "item":
        kwargs["queryset"] = Item.objects.filter(status=Status.ADOPTED.value)
    elif db_field.name == "theme":
        kwargs["queryset"] = Theme.objects.filter(retired=False)
    return kwargs


def _add(request, obj: Assignment) -> None:
    curation.add(obj.item.ref, obj.theme.label, user=request.user.get_username(), note=obj.note)
    saved = Assignment.objects.get(item=obj.item, theme=obj.theme)
    obj.pk, obj.origin, obj.user, obj.created_at = (
        saved.pk,
        saved.origin,
        saved.user,
        saved.created_at,
    )


def _remove(request, obj: Assignment) -> None:
    curation.remove(obj.item.ref, obj.theme.label, user=request.user.get_username())


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("theme", "origin", "user", "created_at", "note")
    readonly_fields = ("origin", "user", "created_at")
    autocomplete_fields = ("theme",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # existing rows: delete and add, each audited

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_limit_choices(db_field, kwargs)
        )


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    list_display = ("label", "parent", "label_en", "retired")
    list_filter = ("retired", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("label", "label_en")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("item", "theme", "origin", "user", "created_at")
    list_filter = ("origin",)
    search_fields = ("item__ref", "theme__label")
    autocomplete_fields = ("item", "theme")
    readonly_fields = ("origin", "user", "created_at", "document", "score")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # an assignment is added or removed, never edited in place

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_limit_choices(db_field, kwargs)
        )

    def save_model(self, request, obj, form, change) -> None:
        _add(request, obj)

    def delete_model(self, request, obj) -> None:
        _remove(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset.select_related("item", "theme"):
            _remove(request, obj)


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
            _add(request, obj)
        for obj in formset.deleted_objects:
            _remove(request, obj)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("part", "number", "title", "date_text", "report_symbol")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("source_file", "symbol", "kind", "distribution", "issued")
    exclude = ("raw_text",)
