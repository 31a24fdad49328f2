"""Open exports of the items other systems read: CSV, XLSX, JSONL, Akoma Ntoso, RIS, CSL-JSON.

Every writer takes the item dicts of `recueil export` (`queries.list_items`) and is written
over their keys, so a field added to the export dict flows into every format. `render`
is the one entry point the CLI, the web downloads and the API call.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

#: format → (media type, file extension, binary?)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "json": ("application/json", "json", False),
    "csv": ("text/csv; charset=utf-8", "csv", False),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", True),
    "jsonl": ("application/x-ndjson", "jsonl", False),
    "akn": ("application/zip", "akn.zip", True),
    "ris": ("application/x-research-info-systems", "ris", False),
    "csljson": ("application/vnd.citationstyles.csl+json", "csl.json", False),
}
#: how a list (the item's themes) is written in one CSV/XLSX cell, as `recueil export` did
LIST_SEPARATOR = "; "
BOM = "\ufeff"


def fieldnames(rows: Sequence[dict], default: Sequence[str] = ()) -> list[str]:
    """Every key of the rows, in first-seen order (the export dict's own order)."""
    seen: dict[str, None] = dict.fromkeys(default)
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def cell(value) -> str | int | float | None:
    """One value as a spreadsheet cell: lists joined, dicts as JSON, None left empty."""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def to_csv(rows: Sequence[dict], columns: Sequence[str] = (), *, bom: bool = True) -> str:
    """UTF-8 CSV, one row per item (with a byte-order mark so spreadsheet software reads
    the accents right; `bom=False` for a pipe)."""
    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    names = fieldnames(rows, columns)
    writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cell(row.get(k)) for k in names})
    return buf.getvalue()


def to_jsonl(rows: Iterable[dict]) -> str:
    """One JSON object per line (the export's field names), UTF-8, no ASCII escapes."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def index_rows(rows: Sequence[dict]) -> list[dict]:
    """The thematic index of the given items: one row per (theme, item), theme order."""
    from recueil.store.models import Theme

    parents = dict(Theme.objects.filter(parent__isnull=False).values_list("label", "parent__label"))
    english = dict(Theme.objects.exclude(label_en=None).values_list("label", "label_en"))
    out = []
    for r in rows:
        for theme in r.get("themes") or []:
            out.append(
                {
                    "theme": theme,
                    "theme_en": english.get(theme),
                    "parent": parents.get(theme),
                    "ref": r["ref"],
                    "status": r.get("status"),
                    "symbol": r.get("symbol"),
                    "report_paragraph": r.get("report_paragraph"),
                    "text": r.get("text"),
                }
            )
    out.sort(key=lambda x: (x["theme"], x["ref"]))
    return out


def to_xlsx(rows: Sequence[dict], columns: Sequence[str] = (), index: Sequence[dict] = ()) -> bytes:
    """A workbook: sheet "items" (one row per item, the export's fields, themes joined) and
    sheet "thematic index" (one row per theme and item)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    sheets = (("items", rows, fieldnames(rows, columns)),
              ("thematic index", index, fieldnames(index)))  # fmt: skip
    for n, (title, data, names) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.append(names)
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in data:
            ws.append([_xlsx_value(row.get(k)) for k in names])
        ws.freeze_panes = "A2"
        for k, name in enumerate(names, start=1):
            letter = ws.cell(row=1, column=k).column_letter
            wide = name in ("text", "raw_text", "themes", "section", "theme")
            ws.column_dimensions[letter].width = 60 if wide else max(10, len(name) + 2)
            if wide:
                for c in ws[letter][1:]:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(value):
    value = cell(value)
    if isinstance(value, str):  # a cell holds at most 32 767 characters; no control chars
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    return value


def render(rows: list[dict], fmt: str, *, columns: Sequence[str] = (), bom: bool = True):
    """The items in one format: str for text formats, bytes for xlsx and akn (a zip)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return to_csv(rows, columns, bom=bom)
    if fmt == "jsonl":
        return to_jsonl(rows)
    if fmt == "xlsx":
        return to_xlsx(rows, columns, index_rows(rows))
    if fmt == "akn":
        from recueil.exports import akn

        return akn.to_zip(rows)
    if fmt == "ris":
        from recueil.exports import citations

        return citations.to_ris(rows)
    if fmt == "csljson":
        from recueil.exports import citations

        return citations.to_csl_json(rows)
    raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
