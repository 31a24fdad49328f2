"""Citations of items for reference managers (Zotero, EndNote…): RIS and CSL-JSON.

One record per item: the body that adopted it, the document symbol, the paragraph, the
date of the meeting or session, the text as abstract, the themes as keywords, and the
recueil reference (`A:I.22`) as the record's id so a re-import updates, not duplicates.
"""

from __future__ import annotations

import json

BODIES = {
    "A": "Groupe de travail sur le trafic illicite de migrants",
    "B": "Conférence des Parties à la Convention des Nations Unies contre la criminalité "
    "transnationale organisée",
}
PUBLISHER = "Nations Unies"


def _meetings() -> dict:
    from recueil.store.models import Meeting

    return {(m.part, m.roman): m for m in Meeting.objects.all()}


def _paragraph(row: dict) -> str | None:
    p = row.get("report_paragraph")
    if p:
        return p if p.startswith("al.") else f"par. {p}"
    if row.get("recommendation_number"):
        return f"recommandation {row['recommendation_number']}"
    return None


def _record(row: dict, meetings: dict) -> dict:
    m = meetings.get((row["part"], row.get("meeting") or row.get("session")))
    symbol = row.get("symbol")
    paragraph = _paragraph(row)
    document = " ".join(x for x in (row.get("instrument"), symbol) if x) or row["source_file"]
    draft = " – projet" if row.get("status") == "draft" else ""
    return {
        "ref": row["ref"],
        "body": BODIES.get(row["part"], PUBLISHER),
        "symbol": symbol,
        "document": document,
        "paragraph": paragraph,
        "title": f"{document}, {paragraph}" if paragraph else document,
        "date": m.start_date if m and m.start_date else None,
        "meeting": m.title if m else None,
        "venue": m.venue if m else None,
        "text": row["text"],
        "themes": list(row.get("themes") or []),
        "language": row.get("language") or "fr",
        "note": f"Recueil {row['ref']}{draft}",
    }


def to_ris(rows: list[dict]) -> str:
    """RIS (Research Information Systems) records, CRLF line ends as the format asks."""
    meetings = _meetings()
    lines: list[str] = []
    for row in rows:
        r = _record(row, meetings)
        kind = "RPRT" if row["part"] == "A" else "GOVDOC"
        fields = [("TY", kind), ("ID", r["ref"]), ("TI", r["title"]), ("AU", r["body"]),
                  ("T2", r["meeting"]), ("M1", r["symbol"]), ("SE", r["paragraph"])]  # fmt: skip
        if r["date"]:
            fields += [("PY", str(r["date"].year)), ("DA", r["date"].strftime("%Y/%m/%d"))]
        fields += [("PB", PUBLISHER), ("CY", r["venue"]), ("LA", r["language"]),
                   ("AB", r["text"]), *(("KW", t) for t in r["themes"]),
                   ("N1", r["note"]), ("ER", "")]  # fmt: skip
        for tag, value in fields:
            if value is None:
                continue
            value = " ".join(str(value).split())
            lines.append(f"{tag}  - {value}".rstrip() if tag == "ER" else f"{tag}  - {value}")
        lines.append("")
    return "\r\n".join(lines)


def to_csl_json(rows: list[dict]) -> str:
    """CSL-JSON (Citation Style Language), the format Zotero and pandoc read."""
    meetings = _meetings()
    out = []
    for row in rows:
        r = _record(row, meetings)
        item = {
            "id": r["ref"],
            "type": "report" if row["part"] == "A" else "legislation",
            "title": r["title"],
            "author": [{"literal": r["body"]}],
            "container-title": r["meeting"],
            "number": r["symbol"],
            "section": r["paragraph"],
            "publisher": PUBLISHER,
            "publisher-place": r["venue"],
            "language": r["language"],
            "abstract": r["text"],
            "keyword": ", ".join(r["themes"]) or None,
            "note": r["note"],
        }
        if r["date"]:
            d = r["date"]
            item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
        out.append({k: v for k, v in item.items() if v is not None})
    return json.dumps(out, ensure_ascii=False, indent=2)
