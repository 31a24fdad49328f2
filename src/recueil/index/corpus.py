"""The training data of thematic indexing, read from the store: indexed items and themes.

Suggesters see only these plain records (never the ORM), so evaluation can hold a meeting
out simply by not passing its documents, and a fingerprint of them says when to retrain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from recueil.model import Origin, Ref, Status

#: Assignments that count as truth: read from the published index or set by an editor.
TRAINING_ORIGINS = (
    Origin.IMPORTED.value,
    Origin.CURATED.value,
    Origin.SUGGESTED_ACCEPTED.value,
)


@dataclass(frozen=True)
class Doc:
    """One item as a suggester sees it: its text (with its parent's lead-in) and themes."""

    ref: str
    text: str
    themes: frozenset[str] = frozenset()
    context: str = ""  # the parent paragraph's text, for a subparagraph

    @property
    def part(self) -> str:
        return self.ref.split(":", 1)[0]

    @property
    def meeting(self) -> str:
        """`A:III`, `B:VI`: the meeting (part A) or session (part B) the item belongs to."""
        return self.ref.split(".", 1)[0]

    @property
    def full_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class Theme:
    label: str
    parent: str | None = None
    scope_note: str | None = None


@dataclass
class Vocabulary:
    """The themes, in a fixed order, with their hierarchy."""

    themes: list[Theme]
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {t.label: i for i, t in enumerate(self.themes)}

    def __len__(self) -> int:
        return len(self.themes)

    def __contains__(self, label: str) -> bool:
        return label in self._index

    def index(self, label: str) -> int:
        return self._index[label]

    @property
    def labels(self) -> list[str]:
        return [t.label for t in self.themes]

    def parent(self, label: str) -> str | None:
        return self.themes[self._index[label]].parent

    def children(self, label: str) -> list[str]:
        return [t.label for t in self.themes if t.parent == label]

    def theme(self, label: str) -> Theme:
        return self.themes[self._index[label]]


@dataclass
class TrainingSet:
    docs: list[Doc]
    vocabulary: Vocabulary

    def fingerprint(self) -> str:
        """Changes whenever an assignment, an indexed text or the vocabulary changes."""
        payload = {
            "themes": [[t.label, t.parent, t.scope_note] for t in self.vocabulary.themes],
            "docs": [[d.ref, d.full_text, sorted(d.themes)] for d in self.docs],
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def indexed(self) -> list[Doc]:
        return [d for d in self.docs if d.themes]


def load_training_set() -> TrainingSet:
    """Every adopted item (indexed or not) and the vocabulary, from the open store.

    Call through `Store.run`. Suggested (unreviewed) assignments are not truth."""
    from recueil.store.models import Assignment, Item
    from recueil.store.models import Theme as ThemeRow

    themes = [
        # no scope notes: the bundled ones were written from the whole 2021 index, so a
        # suggester reading them would see held-out meetings in the evaluation
        Theme(t.label, t.parent.label if t.parent else None)
        for t in ThemeRow.objects.select_related("parent").filter(retired=False).order_by("label")
    ]
    labels: dict[int, set[str]] = {}
    for item_id, label in Assignment.objects.filter(
        origin__in=TRAINING_ORIGINS, item__status=Status.ADOPTED.value, theme__retired=False
    ).values_list("item_id", "theme__label"):
        labels.setdefault(item_id, set()).add(label)
    items = list(
        Item.objects.filter(status=Status.ADOPTED.value).values_list(
            "id", "ref", "text", "parent_id", "sort_key"
        )
    )
    text_of = {i[0]: i[2] for i in items}
    docs = [
        Doc(ref, text, frozenset(labels.get(pk, ())), text_of.get(parent, "") if parent else "")
        for pk, ref, text, parent, _key in sorted(items, key=lambda i: Ref.parse(i[1]).sort_key())
    ]
    return TrainingSet(docs, Vocabulary(themes))
