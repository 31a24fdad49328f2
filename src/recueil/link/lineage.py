"""Lineage: which Working Group recommendations the Conference of the Parties took up.

Links (store.models.Link) come from two places: explicit citations in COP texts
("conformément aux recommandations 52 et 53 du rapport du Groupe de travail", resolved to
items through the report's paragraph numbers) and wording similarity with the
recommendations of earlier meetings. Editors confirm or reject them; each decision is an
audited LinkEvent, and a decided link is never overwritten by a later proposal.
"""

from __future__ import annotations

import re

import numpy as np
from django.db import transaction

from recueil.link.compare import relation
from recueil.link.rank import related_score
from recueil.link.similar import _candidates, catalog, measures
from recueil.model import LinkOrigin, LinkRelation, LinkStatus, Ref, Status, meeting_number
from recueil.store.models import Item, Link, LinkEvent, Meeting
from recueil.store.queries import NotFound

# "recommandations 52 et 53 du rapport du Groupe de travail", "recommandation 7 du
# rapport CTOC/COP/WG.7/2012/6", "paragraphes 12 à 15 du rapport …"
_NUM_LIST = r"\d+(?:\s*(?:,|et|à)\s*\d+)*"
CITATION_RE = re.compile(
    rf"\b(?:recommandations?|paragraphes?)\s+(?P<nums>{_NUM_LIST})\s+"
    r"(?:du|de son|de ce|figurant dans le)\s+rapport"
    r"(?P<tail>[^;.]{0,160})",
    re.IGNORECASE,
)
_SYMBOL_RE = re.compile(r"CTOC/COP/WG\.\d+/\d{4}/\d+")
AUTO_RELATIONS = (LinkRelation.RESTATES.value, LinkRelation.REVISES.value)


def _numbers(nums: str) -> list[int]:
    out: list[int] = []
    parts = re.split(r"\s*(,|et|à)\s*", nums)
    values = [int(p) for p in parts[0::2]]
    seps = parts[1::2]
    out.append(values[0])
    for sep, v in zip(seps, values[1:], strict=True):
        if sep == "à":
            out.extend(range(out[-1] + 1, v + 1))
        else:
            out.append(v)
    return out


def _meeting_before(session: Meeting) -> Meeting | None:
    """The last Working Group meeting held before a COP session (its report is "the
    report of the Working Group" the session's texts speak of)."""
    meetings = Meeting.objects.filter(part="A", start_date__isnull=False)
    if session.start_date:
        meetings = meetings.filter(start_date__lt=session.start_date)
    return meetings.order_by("-start_date").first()


def _resolve(meeting: Meeting, n: int) -> Item | None:
    adopted = Item.objects.filter(meeting=meeting, status=Status.ADOPTED.value, parent__isnull=True)
    return (
        adopted.filter(report_paragraph=str(n)).first()
        or adopted.filter(recommendation_number=str(n)).first()
    )


def find_citations() -> list[dict]:
    """Explicit citations of Working Group recommendations in adopted COP paragraphs.

    Each: {"source", "target", "evidence", "number", "report"}; `source` is None when the
    number does not resolve (the row says so rather than guessing)."""
    out = []
    cop = Item.objects.filter(part="B", status=Status.ADOPTED.value).select_related("meeting")
    for item in cop.filter(text__iregex=r"(recommandation|paragraphe)s? [0-9]"):
        for m in CITATION_RE.finditer(item.text):
            symbol = _SYMBOL_RE.search(m["tail"] or "")
            if symbol:
                meeting = Meeting.objects.filter(part="A", report_symbol=symbol.group()).first()
            elif re.search(r"Groupe de travail", m["tail"] or "", re.IGNORECASE):
                meeting = _meeting_before(item.meeting)
            else:
                continue  # another body's report
            for n in _numbers(m["nums"]):
                target = _resolve(meeting, n) if meeting else None
                out.append(
                    {
                        "source": target.ref if target else None,
                        "target": item.ref,
                        "number": n,
                        "report": meeting.report_symbol if meeting else None,
                        "evidence": m.group(0).strip(),
                    }
                )
    return out


def _later_sessions_mask(meeting: Meeting, cat) -> np.ndarray:
    sessions = Meeting.objects.filter(part="B")
    if meeting.start_date:
        sessions = sessions.filter(start_date__gt=meeting.start_date)
    allowed = np.zeros(len(cat.ids), dtype=bool)
    for s in sessions:
        allowed[cat.with_prefix(f"B:{s.roman}.")] = True
    return allowed & cat.mask()


def propose_links(meeting: str | None = None) -> dict:
    """(Re)compute proposed links for the recommendations of one meeting (or all).

    Confirmed and rejected links are kept as decided (their score is refreshed); proposed
    auto links that no longer qualify are removed. Returns counts."""
    meetings = Meeting.objects.filter(part="A")
    if meeting:
        meetings = meetings.filter(number=_meeting_number(meeting))
    cat = catalog()
    wanted: dict[tuple[int, int], dict] = {}
    for m in meetings:
        allowed = _later_sessions_mask(m, cat)
        if not allowed.any():
            continue
        recs = Item.objects.filter(meeting=m, status=Status.ADOPTED.value)
        for rec in recs:
            for c in _candidates(rec.text, cat, allowed, 20):
                rel = relation(c["shared"], c["cosine"])
                if rel in AUTO_RELATIONS:
                    wanted[(rec.ref, c["ref"])] = {
                        "relation": rel,
                        "score": round(related_score(c), 3),
                        "origin": LinkOrigin.AUTO.value,
                        "evidence": None,
                    }
    refs_in_scope = {str(r) for r in Item.objects.filter(meeting__in=meetings).values_list(
        "ref", flat=True)}  # fmt: skip
    for cit in find_citations():
        if cit["source"] is None or cit["source"] not in refs_in_scope:
            continue
        a = Item.objects.get(ref=cit["source"], status=Status.ADOPTED.value)
        b = Item.objects.get(ref=cit["target"], status=Status.ADOPTED.value)
        m = measures(a.text, b.text)
        wanted[(a.ref, b.ref)] = {
            "relation": m["relation"] or LinkRelation.RELATED.value,
            "score": round(m["score"], 3),
            "origin": LinkOrigin.EXPLICIT.value,
            "evidence": cit["evidence"],
        }
    return _save_proposals(wanted, meetings)


def _save_proposals(wanted: dict, meetings) -> dict:
    items = {
        (i.ref): i
        for i in Item.objects.filter(status=Status.ADOPTED.value).filter(
            ref__in={r for pair in wanted for r in pair}
        )
    }
    created = updated = removed = 0
    with transaction.atomic(using=Link.objects.db):
        existing = {
            (lk.source.ref, lk.target.ref): lk
            for lk in Link.objects.filter(source__meeting__in=meetings).select_related(
                "source", "target"
            )
        }
        for key, values in wanted.items():
            link = existing.pop(key, None)
            if link is None:
                Link.objects.create(source=items[key[0]], target=items[key[1]], **values)
                created += 1
                continue
            if link.status == LinkStatus.PROPOSED.value and link.origin != LinkOrigin.CURATED:
                link.relation, link.origin = values["relation"], values["origin"]
                link.evidence = values["evidence"]
            link.score = values["score"]
            link.save()
            updated += 1
        for link in existing.values():  # no longer proposed by anything
            if link.status == LinkStatus.PROPOSED.value and link.origin != LinkOrigin.CURATED:
                link.delete()
                removed += 1
    return {"created": created, "updated": updated, "removed": removed}


def _meeting_number(meeting: str | int) -> int:
    return meeting_number(meeting)


def _link_dict(link: Link) -> dict:
    return {
        "source": link.source.ref,
        "target": link.target.ref,
        "relation": link.relation,
        "score": link.score,
        "origin": link.origin,
        "status": link.status,
        "evidence": link.evidence,
        "user": link.user,
        "updated_at": link.updated_at.isoformat(),
    }


def uptake(meeting: str | None = None, *, refresh: bool = True) -> list[dict]:
    """Per Working Group recommendation: where the COP took it up, or that it did not.

    Each: {"ref", "meeting", "text", "uptake": "taken up"|"not taken up"|"no later
    session", "links": [link dicts, rejected ones left out]}. With `refresh`, proposals
    are recomputed first (decided links are kept)."""
    if refresh:
        propose_links(meeting)
    meetings = Meeting.objects.filter(part="A")
    if meeting:
        meetings = meetings.filter(number=_meeting_number(meeting))
    rows = []
    for m in meetings.order_by("number"):
        later = Meeting.objects.filter(part="B")
        if m.start_date:
            later = later.filter(start_date__gt=m.start_date)
        has_later = later.exists()
        recs = Item.objects.filter(meeting=m, status=Status.ADOPTED.value).order_by("sort_key")
        links: dict[int, list[dict]] = {}
        for lk in (
            Link.objects.filter(source__in=recs)
            .exclude(status=LinkStatus.REJECTED.value)
            .select_related("source", "target")
            .order_by("-score")
        ):
            links.setdefault(lk.source_id, []).append(_link_dict(lk))
        for rec in recs:
            found = links.get(rec.id, [])
            state = "taken up" if found else ("not taken up" if has_later else "no later session")
            rows.append(
                {
                    "ref": rec.ref,
                    "meeting": m.roman,
                    "uptake": state,
                    "links": found,
                    "text": rec.text,
                }  # fmt: skip
            )
    return rows


def uptake_summary(meeting: str | None = None, *, refresh: bool = False) -> list[dict]:
    """Per Working Group meeting: how many recommendations (items, subparagraphs included)
    were taken up, not taken up, or have no later COP session in the store."""
    out: dict[str, dict] = {}
    for row in uptake(meeting, refresh=refresh):
        m = out.setdefault(
            row["meeting"],
            {"meeting": row["meeting"], "items": 0, "taken up": 0, "not taken up": 0,
             "no later session": 0},
        )  # fmt: skip
        m["items"] += 1
        m[row["uptake"]] += 1
    return list(out.values())


def links_for(ref: str) -> list[dict]:
    """Every link touching an adopted item (as source or target), rejected ones included."""
    key = str(Ref.parse(ref))
    qs = Link.objects.filter(source__ref=key) | Link.objects.filter(target__ref=key)
    return [_link_dict(lk) for lk in qs.select_related("source", "target").distinct()]


def _decide(source: str, target: str, status: str, *, user: str, note: str | None) -> dict:
    src, tgt = str(Ref.parse(source)), str(Ref.parse(target))
    items = {i.ref: i for i in Item.objects.filter(ref__in=[src, tgt], status="adopted")}
    for r in (src, tgt):
        if r not in items:
            raise NotFound(f"no adopted item {r}")
    with transaction.atomic(using=Link.objects.db):
        link = Link.objects.filter(source=items[src], target=items[tgt]).first()
        before = link.status if link else "none"
        if link is None:  # an editor links two items nothing had proposed
            m = measures(items[src].text, items[tgt].text)
            link = Link(
                source=items[src],
                target=items[tgt],
                origin=LinkOrigin.CURATED.value,
                relation=m["relation"] or LinkRelation.RELATED.value,
                score=round(m["score"], 3),
            )
        link.status, link.user = status, user
        link.save()
        LinkEvent.objects.create(
            link=link, action="confirm" if status == LinkStatus.CONFIRMED else "reject",
            status_before=before, status_after=status, user=user, note=note,
        )  # fmt: skip
    out = _link_dict(link)
    out["events"] = [
        {
            "action": e.action,
            "before": e.status_before,
            "after": e.status_after,
            "user": e.user,
            "note": e.note,
            "at": e.created_at.isoformat(),
        }  # fmt: skip
        for e in link.events.all()
    ]
    return out


def confirm(source: str, target: str, *, user: str, note: str | None = None) -> dict:
    """An editor confirms that `target` takes up `source` (audited)."""
    return _decide(source, target, LinkStatus.CONFIRMED.value, user=user, note=note)


def reject(source: str, target: str, *, user: str, note: str | None = None) -> dict:
    """An editor rejects a proposed link (audited; later proposals will not revive it)."""
    return _decide(source, target, LinkStatus.REJECTED.value, user=user, note=note)
