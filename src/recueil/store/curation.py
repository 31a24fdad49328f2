"""Editor decisions on the thematic index and its vocabulary: each one audited, revertible.

Every change goes through here and writes one `IndexEvent` holding the state before and
after. For an (item, theme) pair the state is its assignment (origin, user, score…) and
its rejection, if any; for a theme it is its fields. Reverting an event puts the `before`
state back, provided nothing changed since (the current state must still equal `after`),
and is itself an event — so the trail is append-only and a revert can be reverted.

Call these through `Store.run` (CLI) or inside a request (web): they use the routed ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from recueil.model import Origin, Ref, Status
from recueil.store.db import write_transaction
from recueil.store.models import Assignment, IndexEvent, Item, Theme, ThemeRejection
from recueil.store.queries import NotFound, find_theme


class CurationError(ValueError):
    """A decision that cannot be applied as asked (already done, changed since, retired…)."""


# Actions on (item, theme) pairs and on themes; the labels the interfaces show.
PAIR_ACTIONS = ("accept", "add", "remove", "reject", "revert")
THEME_ACTIONS = ("create", "edit", "rename", "merge", "retire", "restore", "revert", "moved")

THEME_FIELDS = (
    "label", "label_en", "scope_note", "scope_note_en", "translations", "aliases",
    "retired", "parent", "merged_into",
)  # fmt: skip


def _db() -> str:
    return Item.objects.db


def _item(ref: str) -> Item:
    key = str(Ref.parse(ref))
    item = Item.objects.filter(ref=key, status=Status.ADOPTED.value).first()
    if item is None:
        raise NotFound(f"no adopted item {key}")
    return item


def _live_theme(label: str) -> Theme:
    theme = find_theme(label)
    if theme.retired:
        target = f"; it was merged into {theme.merged_into.label!r}" if theme.merged_into else ""
        raise CurationError(f"theme {theme.label!r} is retired{target}")
    return theme


# --- the state of one (item, theme) pair --------------------------------------------------


def _pair_state(item: Item, theme: Theme) -> dict[str, Any]:
    a = Assignment.objects.filter(item=item, theme=theme).first()
    r = ThemeRejection.objects.filter(item=item, theme=theme).first()
    return {
        "assignment": None
        if a is None
        else {
            "origin": a.origin,
            "user": a.user,
            "score": a.score,
            "note": a.note,
            "document": a.document_id,
        },
        "rejection": None if r is None else {"user": r.user, "score": r.score},
    }


def _set_pair_state(item: Item, theme: Theme, state: dict[str, Any]) -> None:
    a, r = state.get("assignment"), state.get("rejection")
    if a is None:
        Assignment.objects.filter(item=item, theme=theme).delete()
    else:
        Assignment.objects.update_or_create(
            item=item,
            theme=theme,
            defaults={
                "origin": a["origin"],
                "user": a["user"],
                "score": a["score"],
                "note": a["note"],
                "document_id": a["document"],
            },
        )
    if r is None:
        ThemeRejection.objects.filter(item=item, theme=theme).delete()
    else:
        ThemeRejection.objects.update_or_create(
            item=item, theme=theme, defaults={"user": r["user"], "score": r["score"]}
        )


def _pair_event(
    action: str, item: Item, theme: Theme, before: dict, after: dict, user: str, **extra: Any
) -> IndexEvent:
    return IndexEvent.objects.create(
        action=action,
        item=item,
        item_ref=item.ref,
        theme=theme,
        theme_label=theme.label,
        before=before,
        after=after,
        user=user,
        **extra,
    )


def _change_pair(
    action: str, ref: str, label: str, new: dict, *, user: str, note: str | None = None
) -> dict:
    item = _item(ref)
    with write_transaction(_db()):
        theme = _live_theme(label) if action in ("accept", "add") else find_theme(label)
        before = _pair_state(item, theme)
        after = {**before, **new}
        if after == before:
            raise CurationError(_nothing_to_do(action, item.ref, theme.label, before))
        _set_pair_state(item, theme, after)
        event = _pair_event(action, item, theme, before, after, user, note=note)
    return event_dict(event)


def _nothing_to_do(action: str, ref: str, label: str, state: dict) -> str:
    if action in ("accept", "add"):
        return f"{ref} already has the theme {label!r}"
    if action == "reject":
        return f"the theme {label!r} is already rejected for {ref}"
    return f"{ref} has no theme {label!r}"


def accept(ref: str, label: str, *, user: str, score: float | None = None) -> dict:
    """An editor accepts a suggested theme (origin suggested-accepted, with its score)."""
    assignment = {
        "origin": Origin.SUGGESTED_ACCEPTED.value,
        "user": user,
        "score": None if score is None else round(float(score), 4),
        "note": None,
        "document": None,
    }
    return _accept_or_add("accept", ref, label, assignment, user=user)


def add(ref: str, label: str, *, user: str, note: str | None = None) -> dict:
    """An editor gives an item a theme of their own choosing (origin curated)."""
    assignment = {
        "origin": Origin.CURATED.value,
        "user": user,
        "score": None,
        "note": note,
        "document": None,
    }
    return _accept_or_add("add", ref, label, assignment, user=user, note=note)


def _accept_or_add(
    action: str, ref: str, label: str, assignment: dict, *, user: str, note: str | None = None
) -> dict:
    item = _item(ref)
    with write_transaction(_db()):
        theme = _live_theme(label)
        before = _pair_state(item, theme)
        if before["assignment"] is not None:
            if before["assignment"]["origin"] != Origin.IMPORTED.value or action != "add":
                raise CurationError(_nothing_to_do(action, item.ref, theme.label, before))
            # adding an imported theme confirms it: it becomes the editor's own
            assignment = {**before["assignment"], "origin": Origin.CURATED.value, "user": user}
        after = {"assignment": assignment, "rejection": None}
        _set_pair_state(item, theme, after)
        event = _pair_event(action, item, theme, before, after, user, note=note)
    return event_dict(event)


def remove(ref: str, label: str, *, user: str, note: str | None = None) -> dict:
    """An editor takes a theme off an item; it is remembered as rejected, so neither the
    suggester's queue nor a re-ingested index brings it back."""
    item = _item(ref)
    with write_transaction(_db()):
        theme = find_theme(label)
        before = _pair_state(item, theme)
        if before["assignment"] is None:
            raise CurationError(_nothing_to_do("remove", item.ref, theme.label, before))
        after = {"assignment": None, "rejection": {"user": user, "score": None}}
        _set_pair_state(item, theme, after)
        event = _pair_event("remove", item, theme, before, after, user, note=note)
    return event_dict(event)


def reject(ref: str, label: str, *, user: str, score: float | None = None) -> dict:
    """An editor rejects a suggested theme the item does not have."""
    item = _item(ref)
    with write_transaction(_db()):
        theme = find_theme(label)
        before = _pair_state(item, theme)
        if before["assignment"] is not None:
            raise CurationError(
                f"{item.ref} has the theme {theme.label!r}: remove it instead of rejecting it"
            )
        if before["rejection"] is not None:
            raise CurationError(_nothing_to_do("reject", item.ref, theme.label, before))
        score = None if score is None else round(float(score), 4)
        after = {"assignment": None, "rejection": {"user": user, "score": score}}
        _set_pair_state(item, theme, after)
        event = _pair_event("reject", item, theme, before, after, user)
    return event_dict(event)


DECISION_ACTIONS = ("accept", "reject", "add", "remove")


def decide(
    action: str, ref: str, label: str, *, user: str, score: float | None = None,
    note: str | None = None,
) -> dict:  # fmt: skip
    """One editor decision by name (what the web form and the API send): accept and
    reject keep the suggestion's score, add and remove an optional note."""
    if action == "accept":
        return accept(ref, label, user=user, score=score)
    if action == "reject":
        return reject(ref, label, user=user, score=score)
    if action == "add":
        return add(ref, label, user=user, note=note)
    if action == "remove":
        return remove(ref, label, user=user, note=note)
    raise ValueError(f"action must be one of {', '.join(DECISION_ACTIONS)}, not {action!r}")


def bulk_accept(suggestions: dict[str, list[dict]], threshold: float, *, user: str) -> list[dict]:
    """Accept every suggestion scored at or above `threshold` that is still open (not
    assigned, not rejected); `suggestions` is the shape `recueil.index` returns."""
    done = []
    decided = decided_pairs(suggestions)
    with write_transaction(_db()):
        for ref, rows in suggestions.items():
            for row in rows:
                if row["score"] < threshold or row["theme"] in decided.get(ref, {}):
                    continue
                try:
                    done.append(accept(ref, row["theme"], user=user, score=row["score"]))
                except CurationError:
                    continue  # decided already: an editor's decision stands
    return done


def decided_pairs(refs: Iterable[str]) -> dict[str, dict[str, str]]:
    """{ref: {theme label: "assigned" | "rejected"}} for the given adopted items."""
    refs = list(refs)
    out: dict[str, dict[str, str]] = {r: {} for r in refs}
    for ref, label in Assignment.objects.filter(
        item__ref__in=refs, item__status=Status.ADOPTED.value
    ).values_list("item__ref", "theme__label"):
        out[ref][label] = "assigned"
    for ref, label in ThemeRejection.objects.filter(
        item__ref__in=refs, item__status=Status.ADOPTED.value
    ).values_list("item__ref", "theme__label"):
        out[ref].setdefault(label, "rejected")
    return out


# --- the vocabulary ------------------------------------------------------------------------


def theme_state(t: Theme) -> dict[str, Any]:
    return {
        "label": t.label,
        "label_en": t.label_en,
        "scope_note": t.scope_note,
        "scope_note_en": t.scope_note_en,
        "translations": t.translations or {},
        "aliases": list(t.aliases or []),
        "retired": t.retired,
        "parent": t.parent_id,
        "merged_into": t.merged_into_id,
    }


def _set_theme_state(t: Theme, state: dict[str, Any]) -> None:
    clash = Theme.objects.filter(label=state["label"]).exclude(pk=t.pk).first()
    if clash is not None:
        raise CurationError(f"another theme is already called {state['label']!r}")
    for name in THEME_FIELDS:
        if name in ("parent", "merged_into"):
            setattr(t, f"{name}_id", state[name])
        else:
            setattr(t, name, state[name])
    t.save()


def _theme_event(
    action: str, t: Theme, before: dict, after: dict, user: str, **extra: Any
) -> IndexEvent:
    return IndexEvent.objects.create(
        action=action, theme=t, theme_label=t.label, before=before, after=after, user=user,
        **extra,
    )  # fmt: skip


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def create_theme(
    label: str,
    *,
    user: str,
    parent: str | None = None,
    label_en: str | None = None,
    scope_note: str | None = None,
    scope_note_en: str | None = None,
) -> dict:
    """A new theme (optionally under a parent)."""
    label = _clean(label) or ""
    if not label:
        raise CurationError("a theme needs a French label")
    with write_transaction(_db()):
        if Theme.objects.filter(Q(label=label) | Q(label__iexact=label)).exists():
            raise CurationError(f"a theme called {label!r} exists already")
        t = Theme.objects.create(
            label=label,
            parent=find_theme(parent) if parent else None,
            label_en=_clean(label_en),
            scope_note=_clean(scope_note),
            scope_note_en=_clean(scope_note_en),
        )
        before = {**theme_state(t), "exists": False}
        event = _theme_event("create", t, before, {**theme_state(t), "exists": True}, user)
    return event_dict(event)


_UNSET: Any = object()


def edit_theme(
    label: str,
    *,
    user: str,
    new_label: str | None = None,
    label_en: str | None = _UNSET,
    scope_note: str | None = _UNSET,
    scope_note_en: str | None = _UNSET,
    parent: str | None = _UNSET,
    translations: dict[str, dict[str, str]] | None = None,
) -> dict:
    """Rename a theme and/or change its labels, scope notes, parent. A rename keeps every
    assignment (they point to the theme, not to its label) and keeps the former label as
    an alias, so a re-ingested index and old links still find the theme."""
    with write_transaction(_db()):
        t = find_theme(label)
        before = theme_state(t)
        after = dict(before)
        if new_label is not None and _clean(new_label) != t.label:
            after["label"] = _clean(new_label) or ""
            if not after["label"]:
                raise CurationError("a theme needs a French label")
            after["aliases"] = [a for a in before["aliases"] if a != after["label"]]
            after["aliases"].append(t.label)
        for name, value in (
            ("label_en", label_en),
            ("scope_note", scope_note),
            ("scope_note_en", scope_note_en),
        ):
            if value is not _UNSET:
                after[name] = _clean(value)
        if parent is not _UNSET:
            p = find_theme(parent) if parent else None
            if p is not None and (p.pk == t.pk or _is_descendant(p, t)):
                raise CurationError(f"{p.label!r} cannot be the parent of {t.label!r}")
            after["parent"] = p.pk if p else None
        if translations:
            merged = {k: dict(v) for k, v in before["translations"].items()}
            for lang, fields in translations.items():
                merged.setdefault(lang, {}).update({k: v for k, v in fields.items() if v})
            after["translations"] = merged
        if after == before:
            raise CurationError(f"nothing to change on {t.label!r}")
        _set_theme_state(t, after)
        action = "rename" if after["label"] != before["label"] else "edit"
        event = _theme_event(action, t, before, after, user)
    return event_dict(event)


def _is_descendant(candidate: Theme, ancestor: Theme) -> bool:
    node, seen = candidate.parent, set()
    while node is not None and node.pk not in seen:
        if node.pk == ancestor.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def merge_themes(source: str, target: str, *, user: str, note: str | None = None) -> dict:
    """Merge `source` into `target`: every assignment of `source` moves to `target` (an
    item that already had both keeps the target's), its sub-themes move under `target`,
    its labels become aliases of `target`, and `source` is retired, pointing to `target`.
    Each moved item gets a `moved` event in its own history."""
    with write_transaction(_db()):
        src, dst = find_theme(source), _live_theme(target)
        if src.pk == dst.pk:
            raise CurationError("a theme cannot be merged into itself")
        if src.retired:
            raise CurationError(f"theme {src.label!r} is retired already")
        src_before, dst_before = theme_state(src), theme_state(dst)
        moved, dropped, rejections = [], [], []
        for a in Assignment.objects.filter(theme=src).select_related("item"):
            if Assignment.objects.filter(item=a.item, theme=dst).exists():
                dropped.append({"item": a.item_id, **_pair_state(a.item, src)["assignment"]})
                a.delete()
            else:
                moved.append(a.pk)
                a.theme = dst
                a.save(update_fields=["theme"])
        for r in ThemeRejection.objects.filter(theme=src):
            rejections.append({"item": r.item_id, "user": r.user, "score": r.score})
            r.delete()
        children = list(src.children.values_list("pk", flat=True))
        Theme.objects.filter(pk__in=children).update(parent=dst)
        _set_theme_state(src, {**src_before, "retired": True, "merged_into": dst.pk})
        aliases = [a for a in dst_before["aliases"] if a not in src_before["aliases"]]
        aliases += [x for x in [src.label, *src_before["aliases"]] if x != dst.label]
        _set_theme_state(dst, {**dst_before, "aliases": aliases})
        before = {
            "source": src_before, "target": dst_before, "moved": moved, "dropped": dropped,
            "rejections": rejections, "children": children,
        }  # fmt: skip
        after = {"source": theme_state(src), "target": theme_state(dst)}
        event = _theme_event("merge", src, before, after, user, other_theme=dst, note=note)
        items = Item.objects.filter(
            Q(assignments__pk__in=moved) | Q(pk__in=[d["item"] for d in dropped])
        ).distinct()
        for item in items:
            IndexEvent.objects.create(
                action="moved", item=item, item_ref=item.ref, theme=src, theme_label=src.label,
                other_theme=dst, before={"theme": src.label}, after={"theme": dst.label},
                user=user, note=f"merge #{event.pk}",
            )  # fmt: skip
    return event_dict(event)


def retire_theme(label: str, *, user: str, note: str | None = None) -> dict:
    """Retire a theme: no longer suggested or offered; its history and assignments stay."""
    return _set_retired(label, True, user=user, note=note)


def restore_theme(label: str, *, user: str, note: str | None = None) -> dict:
    return _set_retired(label, False, user=user, note=note)


def _set_retired(label: str, retired: bool, *, user: str, note: str | None) -> dict:
    with write_transaction(_db()):
        t = find_theme(label)
        if t.retired == retired:
            raise CurationError(f"theme {t.label!r} is {'already' if retired else 'not'} retired")
        if not retired and t.merged_into_id:
            raise CurationError(f"theme {t.label!r} was merged: revert the merge instead")
        before = theme_state(t)
        after = {**before, "retired": retired}
        _set_theme_state(t, after)
        event = _theme_event("retire" if retired else "restore", t, before, after, user,
                             note=note)  # fmt: skip
    return event_dict(event)


def fill_vocabulary(entries: dict[str, dict[str, str]], *, user: str = "vocabulary") -> int:
    """Fill labels and scope notes from a vocabulary file (`recueil.ingest.vocabulary`),
    only where empty: an editor's own wording always wins. Returns how many themes were
    filled (each audited)."""
    filled = 0
    for t in Theme.objects.all():
        entry = entries.get(t.label) or next(
            (entries[a] for a in t.aliases or [] if a in entries), None
        )
        if not entry:
            continue
        before = theme_state(t)
        after = {**before, "translations": {k: dict(v) for k, v in before["translations"].items()}}
        for key, value in entry.items():
            if key in ("label_en", "scope_note", "scope_note_en"):
                if not after[key]:
                    after[key] = _clean(value)
                continue
            field, _sep, lang = key.rpartition("_")  # label_es, scope_note_ar, …
            slot = after["translations"].setdefault(lang, {})
            if not slot.get(field):
                slot[field] = _clean(value)
        if after != before:
            with write_transaction(_db()):
                _set_theme_state(t, after)
                _theme_event("edit", t, before, after, user, note="vocabulary file")
            filled += 1
    return filled


# --- reverting -----------------------------------------------------------------------------


class NotAllowed(CurationError):
    """The user's role does not allow this change (vocabulary changes are for admins)."""


def revert(event_id: int, *, user: str, vocabulary: bool = True) -> dict:
    """Undo one event if nothing changed since; the undo is recorded as a `revert` event.
    With `vocabulary` False (an editor, not an admin) only item decisions may be undone."""
    with write_transaction(_db()):
        e = IndexEvent.objects.select_for_update().filter(pk=event_id).first()
        if e is None:
            raise NotFound(f"no index event #{event_id}")
        if not vocabulary and not e.item_ref:
            raise NotAllowed("only administrators may revert vocabulary changes")
        if IndexEvent.objects.filter(reverts=e).exists():
            raise CurationError(f"event #{e.pk} was reverted already")
        if e.action == "moved":
            raise CurationError(f"event #{e.pk} is part of a merge: {e.note}; revert the merge")
        if e.item_id is not None or e.item_ref:
            out = _revert_pair(e, user)
        elif e.action == "merge":
            out = _revert_merge(e, user)
        else:
            out = _revert_theme(e, user)
    return event_dict(out)


def _changed_since(e: IndexEvent) -> CurationError:
    return CurationError(
        f"cannot revert event #{e.pk} ({e.action} {e.item_ref} {e.theme_label}): it was "
        "changed since; revert the later events first"
    )


def _revert_pair(e: IndexEvent, user: str) -> IndexEvent:
    if e.item is None or e.theme is None:
        raise CurationError(f"event #{e.pk}: its item or theme no longer exists")
    if _pair_state(e.item, e.theme) != e.after:
        raise _changed_since(e)
    if e.before.get("assignment") and e.theme.retired:
        raise CurationError(f"theme {e.theme.label!r} is retired: restore it first")
    _set_pair_state(e.item, e.theme, e.before)
    return _pair_event("revert", e.item, e.theme, e.after, e.before, user, reverts=e)


def _revert_theme(e: IndexEvent, user: str) -> IndexEvent:
    t = e.theme
    if t is None:
        raise CurationError(f"event #{e.pk}: its theme no longer exists")
    current = theme_state(t)
    after = {k: v for k, v in e.after.items() if k != "exists"}
    if current != after:
        raise _changed_since(e)
    if e.action == "create":
        if t.assignments.exists() or t.children.exists() or t.rejections.exists():
            raise CurationError(f"theme {t.label!r} is in use: retire it instead")
        event = _theme_event("revert", t, e.after, e.before, user, reverts=e)
        t.delete()
        return event
    before = {k: v for k, v in e.before.items() if k != "exists"}
    _set_theme_state(t, before)
    return _theme_event("revert", t, e.after, e.before, user, reverts=e)


def _revert_merge(e: IndexEvent, user: str) -> IndexEvent:
    src, dst = e.theme, e.other_theme
    if src is None or dst is None:
        raise CurationError(f"event #{e.pk}: a merged theme no longer exists")
    if theme_state(src) != e.after["source"] or theme_state(dst) != e.after["target"]:
        raise _changed_since(e)
    moved = Assignment.objects.filter(pk__in=e.before["moved"], theme=dst)
    if moved.count() != len(e.before["moved"]):
        raise _changed_since(e)
    moved.update(theme=src)
    for d in e.before["dropped"]:
        Assignment.objects.create(
            item_id=d["item"], theme=src, origin=d["origin"], user=d["user"], score=d["score"],
            note=d["note"], document_id=d["document"],
        )  # fmt: skip
    for r in e.before["rejections"]:
        ThemeRejection.objects.get_or_create(
            item_id=r["item"], theme=src, defaults={"user": r["user"], "score": r["score"]}
        )
    Theme.objects.filter(pk__in=e.before["children"]).update(parent=src)
    _set_theme_state(dst, e.before["target"])
    _set_theme_state(src, e.before["source"])
    return _theme_event("revert", src, e.after, e.before, user, other_theme=dst, reverts=e)


# --- reading the trail ---------------------------------------------------------------------


def event_dict(e: IndexEvent) -> dict:
    reverted_by = IndexEvent.objects.filter(reverts=e).values_list("pk", flat=True).first()
    return {
        "id": e.pk,
        "action": e.action,
        "ref": e.item_ref or None,
        "theme": e.theme_label or None,
        "theme_now": e.theme.label if e.theme else None,
        "other_theme": e.other_theme.label if e.other_theme else None,
        "before": e.before,
        "after": e.after,
        "user": e.user,
        "note": e.note,
        "at": e.created_at.isoformat(),
        "reverts": e.reverts_id,
        "reverted_by": reverted_by,
        "revertible": reverted_by is None and e.action != "moved",
    }


def history(*, ref: str | None = None, theme: str | None = None, limit: int = 200) -> list[dict]:
    """The audit trail, newest first: of one item, of one theme (its assignments and its
    own changes), or of everything."""
    qs = IndexEvent.objects.select_related("theme", "other_theme", "item")
    if ref is not None:
        qs = qs.filter(item=_item(ref))
    if theme is not None:
        t = find_theme(theme)
        qs = qs.filter(Q(theme=t) | Q(other_theme=t)).exclude(action="moved")  # in the merge
    return [event_dict(e) for e in qs[:limit]]
