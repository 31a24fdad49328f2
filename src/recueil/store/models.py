"""The one schema of recueil: documents, meetings, items, sources, themes, assignments.

Django's ORM is the store layer (SQLite by default, PostgreSQL by URL) so that the web
app, the admin and the CLI share these tables and their migrations; there is no second copy.
"""

from __future__ import annotations

from django.db import models

from recueil.model import (
    Distribution,
    DocumentKind,
    ItemKind,
    LinkOrigin,
    LinkRelation,
    LinkStatus,
    Origin,
    Part,
    Status,
    to_roman,
)


def _choices(enum) -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in enum]


class Document(models.Model):
    """One source file as ingested: its metadata as printed, its checksum, its raw text."""

    symbol = models.CharField(max_length=120, null=True, blank=True, db_index=True)
    title = models.TextField()
    body = models.TextField(null=True, blank=True)
    kind = models.CharField(max_length=32, choices=_choices(DocumentKind))
    meeting = models.PositiveIntegerField(null=True, blank=True)
    session = models.PositiveIntegerField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    issued = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, null=True, blank=True)
    language = models.CharField(max_length=8, default="fr")
    original_language = models.CharField(max_length=32, null=True, blank=True)
    distribution = models.CharField(
        max_length=16, choices=_choices(Distribution), null=True, blank=True
    )
    source_file = models.CharField(max_length=300, unique=True)
    format = models.CharField(max_length=16)
    encoding = models.CharField(max_length=40, null=True, blank=True)
    checksum = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(default=0)
    raw_text = models.TextField()
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source_file"]

    def __str__(self) -> str:
        return self.symbol or self.source_file


class Meeting(models.Model):
    """A Working Group meeting (part A) or a COP session (part B)."""

    part = models.CharField(max_length=1, choices=_choices(Part))
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    date_text = models.CharField(max_length=200, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, null=True, blank=True)
    report_symbol = models.CharField(max_length=120, null=True, blank=True)
    instruments = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["part", "number"]
        constraints = [models.UniqueConstraint(fields=["part", "number"], name="meeting_unique")]

    @property
    def roman(self) -> str:
        return to_roman(self.number)

    def __str__(self) -> str:
        return f"{self.part}:{self.roman} {self.title}"


class Item(models.Model):
    """One recommendation or paragraph (subparagraphs are child items).

    One item per (ref, status), in the language it was first read in (`language`); the
    same paragraph read from a document in another language is another language version
    of this item: an ItemSource row whose `language` differs (see `versions`).
    """

    ref = models.CharField(max_length=160, db_index=True)
    status = models.CharField(max_length=16, choices=_choices(Status))
    part = models.CharField(max_length=1, choices=_choices(Part))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    number = models.CharField(max_length=16)
    sub = models.CharField(max_length=16, null=True, blank=True)
    sort_key = models.CharField(max_length=200, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=16, choices=_choices(ItemKind))
    section = models.TextField(null=True, blank=True)
    instrument = models.CharField(max_length=60, null=True, blank=True)
    symbol = models.CharField(max_length=120, null=True, blank=True)
    report_paragraph = models.CharField(max_length=40, null=True, blank=True)
    recommendation_number = models.CharField(max_length=16, null=True, blank=True)
    text = models.TextField()
    raw_text = models.TextField()
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="items")
    line = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8, default="fr")  # ISO 639-1 of `text`
    recommending_states = models.JSONField(default=list, blank=True)  # UPR recommendations
    response = models.CharField(max_length=24, null=True, blank=True)  # UPR: UprResponse

    class Meta:
        ordering = ["sort_key", "status"]
        constraints = [models.UniqueConstraint(fields=["ref", "status"], name="item_ref_status")]

    def __str__(self) -> str:
        return self.ref if self.status == Status.ADOPTED else f"{self.ref} ({self.status})"


class ItemSource(models.Model):
    """Every source an item was read from; `agrees` is False for a conflicting text."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="sources")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="readings")
    line = models.PositiveIntegerField(null=True, blank=True)
    raw_text = models.TextField()
    text = models.TextField()
    agrees = models.BooleanField(default=True)
    language = models.CharField(max_length=8, null=True, blank=True)  # of this reading

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "document"], name="source_item_document")
        ]


class Paragraph(models.Model):
    """A numbered paragraph of a report (context for readers, not a recommendation)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.CharField(max_length=16)
    position = models.PositiveIntegerField()
    section = models.TextField(null=True, blank=True)
    text = models.TextField()
    raw_text = models.TextField()
    line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["document", "position"]


class Theme(models.Model):
    """A theme of the thematic index; "Parent (child)" labels hang under their parent.

    French is the vocabulary's language (`label`, `scope_note`); English has its own
    columns, the other UN languages live in `translations` ({"es": {"label", "scope_note"}}).
    A renamed theme keeps its former labels in `aliases`, so a re-ingested index still
    finds it; a retired theme is kept (its history and old assignments stay readable) but
    is no longer suggested or offered; a merged theme points to the theme that replaced it.
    """

    label = models.CharField(max_length=300, unique=True)
    key = models.SlugField(max_length=140, blank=True, default="", db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    label_en = models.CharField(max_length=300, null=True, blank=True)
    scope_note = models.TextField(null=True, blank=True)
    scope_note_en = models.TextField(null=True, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    retired = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        """A theme's key (its URI in SKOS) is made once from its first label and never
        changes, so a rename or a merge does not break links from other tools."""
        if not self.key:
            from django.utils.text import slugify

            base = slugify(self.label)[:130] or "theme"
            key, n = base, 1
            while Theme.objects.filter(key=key).exclude(pk=self.pk).exists():
                n += 1
                key = f"{base}-{n}"
            self.key = key
        super().save(*args, **kwargs)


class Assignment(models.Model):
    """A theme given to an item, with where it came from, who decided and when."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assignments")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    origin = models.CharField(max_length=24, choices=_choices(Origin))
    user = models.CharField(max_length=150, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(null=True, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )  # the published index an imported assignment was read from
    score = models.FloatField(null=True, blank=True)  # the suggestion's score, when accepted

    class Meta:
        ordering = ["theme__label"]
        constraints = [
            models.UniqueConstraint(fields=["item", "theme"], name="assignment_item_theme")
        ]


class IngestWarning(models.Model):
    """Something ingestion noticed and did not silently fix (a conflict, an unresolved ref)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(max_length=40)
    ref = models.CharField(max_length=160, null=True, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "line", "id"]


class Link(models.Model):
    """A lineage link: a Working Group recommendation (source) taken up by a later COP
    paragraph (target), proposed by similarity or by an explicit citation, then confirmed
    or rejected by an editor (every decision is kept as a LinkEvent)."""

    source = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=16, choices=_choices(LinkRelation))
    score = models.FloatField(default=0.0)
    origin = models.CharField(max_length=16, choices=_choices(LinkOrigin))
    status = models.CharField(
        max_length=16, choices=_choices(LinkStatus), default=LinkStatus.PROPOSED.value
    )
    evidence = models.TextField(null=True, blank=True)  # the citation text, when explicit
    user = models.CharField(max_length=150, null=True, blank=True)  # who decided last
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source__sort_key", "target__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="link_source_target")
        ]

    def __str__(self) -> str:
        return f"{self.source.ref} → {self.target.ref} ({self.relation}, {self.status})"


class LinkEvent(models.Model):
    """One editor decision on a link (confirm, reject), for the audit trail."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)  # confirm | reject
    status_before = models.CharField(max_length=16)
    status_after = models.CharField(max_length=16)
    user = models.CharField(max_length=150)
    note = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class ThemeRejection(models.Model):
    """An editor's "this theme does not fit this item": a rejected suggestion or a removed
    assignment. The review queue stops proposing it and re-ingesting the published index
    does not bring a removed assignment back."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="rejections")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="rejections")
    user = models.CharField(max_length=150)
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "theme"], name="rejection_item_theme")
        ]


class IndexEvent(models.Model):
    """One change to the thematic index or its vocabulary: who, when, what before and
    after. The audit trail of an item or a theme is its events; `recueil.store.curation`
    writes them and can revert one (the revert is itself an event)."""

    action = models.CharField(max_length=24)
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="index_events"
    )
    item_ref = models.CharField(max_length=160, blank=True, default="")
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    theme_label = models.CharField(max_length=300, blank=True, default="")
    other_theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="events_as_other"
    )  # a merge's target
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    user = models.CharField(max_length=150)
    note = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reverts = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reverted_by"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item_ref"]), models.Index(fields=["theme_label"])]

    def __str__(self) -> str:
        return f"{self.action} {self.item_ref} {self.theme_label} by {self.user}"


class Change(models.Model):
    """One write that can change what a search shows, appended by SQL triggers (migration
    0006) so that no writer can forget it: `kind` i = item row_id, a = assignment of item
    row_id, m = meeting row_id, t = theme, d = document, r = forced index rebuild. The
    search index applies the rows after its watermark (`recueil.search.index.sync`); the
    latest `seq` is the cheap version every reader compares (no table scan)."""

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=1)
    row_id = models.BigIntegerField(null=True)

    class Meta:
        db_table = "recueil_change"
