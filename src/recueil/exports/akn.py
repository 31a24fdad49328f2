"""Akoma Ntoso 3.0 following the UN's AKN4UN guidelines: one XML per source document.

Each source document (a Working Group report, a COP resolution or decision; drafts apart)
becomes an AKN document — `<doc name="report">` or `<statement name="resolution|decision">`
— with AKN4UN FRBR identifiers (`/akn/un/doc/report/ctoc-cop-wg7/2012-05-30/CTOC-COP-WG.7-2012-6`,
expression `/fra@`, manifestation `/fra@/!main.xml`), a `<preface>` with its symbol and
title, a `<preamble>` holding the preambular paragraphs as recitals, and a `<mainBody>`
with one `<paragraph eId="para_5">` per numbered paragraph and `<subparagraph>`s below.
The compendium is a `<documentCollection>` whose components reference those documents;
the thematic index is the collection's `<references>` (one `TLCConcept` per theme), and
every paragraph `refersTo` its themes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from datetime import date

from lxml import etree

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
E = "{%s}" % NS  # noqa: UP031
SOURCE = "#recueil"
LANG = {"fr": "fra", "en": "eng", "es": "spa", "ar": "ara", "ru": "rus", "zh": "zho"}


def _el(tag: str, parent=None, text: str | None = None, **attrs) -> etree._Element:
    attrs = {k.rstrip("_"): str(v) for k, v in attrs.items() if v is not None}
    if parent is None:
        el = etree.Element(E + tag, attrs, nsmap={None: NS})
    else:
        el = etree.SubElement(parent, E + tag, attrs)
    if text is not None:
        el.text = text
    return el


def _slug(text: str) -> str:
    """A symbol as an AKN4UN name component: "/" → "-", spaces dropped."""
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", text.replace("/", "-")).strip("-") or "doc"


def eid_of(ref: str) -> str:
    """The eId of an item in its document: `para_5`, `para_5__subpara_e`, `recital_3`
    (`A:I.5`, `A:V.5.e`, `B:VI.al.3`; symbol citations `…:op.5.b`, `…:pp.3` likewise)."""
    head_part, _sep, rest = ref.partition(":")
    if head_part in ("A", "B"):
        rest = rest.split(".", 1)[1]  # drop the meeting/session number
    path = rest.split(".")
    if path[0] in ("al", "pp"):
        head, tail = f"recital_{path[1]}", path[2:]
    elif path[0] in ("op", "annex") and len(path) > 1:
        prefix = "annex_para" if path[0] == "annex" else "para"
        head, tail = f"{prefix}_{path[1]}", path[2:]
    else:
        head, tail = f"para_{path[0]}", path[1:]
    return "__".join([head, *(f"subpara_{p}" for p in tail)])


def _group_key(row: dict) -> tuple[str, str]:
    return (row.get("symbol") or row["source_file"], row.get("status") or "adopted")


def _documents(rows: list[dict]) -> list[dict]:
    """Items grouped by source document (symbol, else source file) and status."""
    from recueil.store.models import Meeting, Theme

    meetings = {(m.part, m.roman): m for m in Meeting.objects.all()}
    keys = dict(Theme.objects.values_list("label", "key"))
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[_group_key(r)].append(r)
    out = []
    for (ident, status), items in groups.items():
        first = items[0]
        m = meetings.get((first["part"], first.get("meeting") or first.get("session")))
        when = (m.start_date if m else None) or date(1900, 1, 1)
        instrument = first.get("instrument") or ""
        if first["part"] == "B":
            kind, name = "statement", ("decision" if instrument.startswith("Déc") else "resolution")
        else:
            kind, name = "doc", "report"
        symbol = first.get("symbol")
        stem = symbol or ident.rsplit(".", 1)[0]
        number = _slug(instrument.split()[-1] if instrument else stem)
        if status != "adopted":
            number += "-draft"
        actor = "ctoc-cop" if first["part"] == "B" else "ctoc-cop-wg7"
        work = f"/akn/un/{kind}/{name}/{actor}/{when.isoformat()}/{number}"
        out.append({
            "kind": kind, "name": name, "work": work, "date": when, "symbol": symbol,
            "title": " – ".join(x for x in (instrument, symbol, m.title if m else None) if x)
            or ident, "status": status, "items": items, "theme_keys": keys,
            "language": first.get("language") or "fr",
        })  # fmt: skip
    out.sort(key=lambda d: (d["date"], d["work"]))
    return out


def _meta(parent, work: str, when: date, lang: str, *, concepts: list[tuple[str, str]] = ()):
    lang3 = LANG.get(lang, lang)
    meta = _el("meta", parent)
    ident = _el("identification", meta, source=SOURCE)
    expr = f"{work}/{lang3}@"
    levels = (
        ("FRBRWork", f"{work}/!main", work),
        ("FRBRExpression", f"{expr}/!main", expr),
        ("FRBRManifestation", f"{expr}/!main.xml", f"{expr}.akn"),
    )
    for level, this, uri in levels:
        frbr = _el(level, ident)
        _el("FRBRthis", frbr, value=this)
        _el("FRBRuri", frbr, value=uri)
        _el("FRBRdate", frbr, date=when.isoformat(), name="adoption" if level != "FRBRManifestation"
            else "generation")  # fmt: skip
        _el("FRBRauthor", frbr, href="#un")
        if level == "FRBRWork":
            _el("FRBRcountry", frbr, value="un")
        if level == "FRBRExpression":
            _el("FRBRlanguage", frbr, language=lang3)
    refs = _el("references", meta, source=SOURCE)
    _el("TLCOrganization", refs, eId="un", href="/akn/ontology/organizations/un/un",
        showAs="United Nations")  # fmt: skip
    _el("TLCOrganization", refs, eId="recueil", href="/akn/ontology/organizations/un/recueil",
        showAs="recueil")  # fmt: skip
    for key, label in concepts:
        _el("TLCConcept", refs, eId=f"theme-{key}",
            href=f"/akn/ontology/concepts/un/recueil/{key}", showAs=label)  # fmt: skip
    return meta


def _refers(item: dict, keys: dict[str, str]) -> str | None:
    found = [f"#theme-{keys[t]}" for t in item.get("themes") or [] if t in keys]
    return " ".join(found) or None


def document_xml(doc: dict) -> bytes:
    """One source document as an Akoma Ntoso 3.0 XML file."""
    keys = doc["theme_keys"]
    used = sorted({t for i in doc["items"] for t in i.get("themes") or [] if t in keys})
    root = _el("akomaNtoso")
    body_el = _el(doc["kind"], root, name=doc["name"])
    _meta(body_el, doc["work"], doc["date"], doc["language"],
          concepts=[(keys[t], t) for t in used])  # fmt: skip
    preface = _el("preface", body_el)
    p = _el("p", preface)
    if doc["symbol"]:
        _el("docNumber", p, doc["symbol"])
    p = _el("p", preface)
    _el("docTitle", p, doc["title"])
    items = doc["items"]
    by_ref = {i["ref"]: i for i in items}
    children: dict[str, list[dict]] = defaultdict(list)
    tops = []
    for i in items:
        parent = i["ref"].rsplit(".", 1)[0]
        if i.get("sub") and parent in by_ref:
            children[parent].append(i)
        else:
            tops.append(i)
    recitals = [i for i in tops if i["kind"] == "preambular"]
    paragraphs = [i for i in tops if i["kind"] != "preambular"]
    if recitals:
        preamble = _el("preamble", body_el)
        container = _el("recitals", preamble)
        for i in recitals:
            _hier(container, "recital", i, children, keys)
    main = _el("mainBody", body_el)
    for i in paragraphs:
        _hier(main, "paragraph", i, children, keys)
    if not paragraphs:
        _el("p", main, "")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _num(item: dict) -> str:
    return item.get("report_paragraph") or item.get("recommendation_number") or item["number"]


def _hier(parent, tag: str, item: dict, children: dict, keys: dict) -> None:
    if tag == "recital":  # recitals hold no hierarchy: the text, then any subparagraph text
        el = _el("recital", parent, eId=eid_of(item["ref"]), refersTo=_refers(item, keys))
        _el("num", el, _num(item))
        _el("p", el, item["text"])
        return
    el = _el(tag, parent, eId=eid_of(item["ref"]), refersTo=_refers(item, keys))
    _el("num", el, _num(item) if tag == "paragraph" else f"{item['ref'].rsplit('.', 1)[1]})")
    subs = children.get(item["ref"], [])
    if subs:
        intro = _el("intro", el)
        _el("p", intro, item["text"])
        for s in subs:
            _hier(el, "subparagraph", s, children, keys)
    else:
        content = _el("content", el)
        _el("p", content, item["text"])


def collection_xml(docs: list[dict], themes: list[dict]) -> bytes:
    """The compendium: a documentCollection referencing every document, the thematic
    index as its TLCConcepts."""
    today = date.today()
    root = _el("akomaNtoso")
    coll = _el("documentCollection", root, name="compendium")
    _meta(coll, f"/akn/un/documentCollection/compendium/{today.isoformat()}/recueil",
          today, "fr", concepts=[(t["key"], t["label"]) for t in themes])  # fmt: skip
    preface = _el("preface", coll)
    p = _el("p", preface)
    _el("docTitle", p, "Recueil et index thématique des recommandations, résolutions et "
        "décisions sur le trafic illicite de migrants")  # fmt: skip
    body = _el("collectionBody", coll)
    for n, d in enumerate(docs, start=1):
        comp = _el("component", body, eId=f"cmp_{n}")
        _el("documentRef", comp, eId=f"cmp_{n}__ref", href=f"{d['work']}/fra@",
            showAs=d["title"])  # fmt: skip
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def file_name(doc: dict) -> str:
    return doc["work"].removeprefix("/akn/un/").replace("/", "_") + ".xml"


def build(rows: list[dict]) -> dict[str, bytes]:
    """{file name: XML}: one file per source document, plus `collection.xml`."""
    from recueil.store.models import Theme

    docs = _documents(rows)
    used = {t for r in rows for t in r.get("themes") or []}
    themes = [{"key": t.key, "label": t.label} for t in Theme.objects.order_by("label")
              if t.label in used]  # fmt: skip
    files = {file_name(d): document_xml(d) for d in docs}
    files["collection.xml"] = collection_xml(docs, themes)
    return files


def to_zip(rows: list[dict]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in build(rows).items():
            z.writestr(name, data)
    return buf.getvalue()
