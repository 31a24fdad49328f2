"""DOCX rendering with python-docx: a file editors can keep working in.

Real Heading 1–3 styles (Heading 4 for cluster headings and instruments), a named table
style for the index with a repeated header row and shaded Part B rows, and a TOC field.

Page numbers in a DOCX exist only once a word processor has laid the pages out. The table of
contents is therefore a real TOC field (levels 1–3) whose result is pre-filled with one
entry per heading, linked to it, each ending in a PAGEREF field. When LibreOffice is
installed (`soffice` on PATH), recueil lets it lay the very same file out (headless export
to PDF in a temporary folder), reads the page of every heading from the PDF outline and
writes those numbers into the pre-filled entries; otherwise the entries are there without
numbers. In both cases the file asks Word to update its fields on opening (w:updateFields),
and LibreOffice's Tools ▸ Update ▸ Update All refreshes them after edits.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from recueil.publish.model import IndexTheme, PubItem, Publication, PubMeeting
from recueil.publish.typography import segments

BODY_FONT = "Times New Roman"
HEADING_FONT = "Arial"
SHADE = "D9D9D9"
INDEX_TABLE_STYLE = "Index thématique"
TOC_LEVELS = "1-3"


def _run(text: str | None, *, superscript: bool = False, tab: bool = False):
    r = OxmlElement("w:r")
    if superscript:
        rpr = OxmlElement("w:rPr")
        va = OxmlElement("w:vertAlign")
        va.set(qn("w:val"), "superscript")
        rpr.append(va)
        r.append(rpr)
    if tab:
        r.append(OxmlElement("w:tab"))
    if text is not None:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
    return r


def _field_run(kind: str, text: str | None):
    """One run of a complex field: begin, instr, separate, text (cached result) or end."""
    if kind == "text":
        return _run(text or "")
    r = OxmlElement("w:r")
    if kind == "instr":
        el = OxmlElement("w:instrText")
        el.set(qn("xml:space"), "preserve")
        el.text = text
    else:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
    r.append(el)
    return r


def _field_type(run) -> str | None:
    char = run.find(qn("w:fldChar"))
    return char.get(qn("w:fldCharType")) if char is not None else None


class _Writer:
    def __init__(self, pub: Publication, page_numbers: dict[str, int] | None = None):
        self.pub = pub
        self.page_numbers = page_numbers or {}
        self.doc = Document()
        self._bookmark_id = 0
        self.bookmarks: dict[str, str] = {}  # anchor → bookmark name
        self._style_ids: dict[str, str | None] = {}
        self._sect_pr = self.doc.element.body.sectPr
        self._setup_page()
        self._setup_styles()

    def _style_id(self, name: str) -> str | None:
        """A paragraph style's id, looked up once (python-docx searches styles.xml for it,
        and for the default style, on every assignment)."""
        if name not in self._style_ids:
            style = self.doc.styles[name]
            self._style_ids[name] = self.doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        return self._style_ids[name]

    def _paragraph(self, text: str | None = None, style: str | None = None) -> Paragraph:
        """`Document.add_paragraph` in constant time: python-docx finds where a new body
        paragraph goes by scanning the body for its final sectPr (quadratic over a long
        document); the sectPr is kept here instead."""
        p = OxmlElement("w:p")
        if self._sect_pr is not None:
            self._sect_pr.addprevious(p)
        else:
            self.doc.element.body.append(p)
        paragraph = Paragraph(p, self.doc._body)
        if text:
            paragraph.add_run(text)
        if style is not None:
            p.style = self._style_id(style)
        return paragraph

    # --- page and styles --------------------------------------------------------------

    def _setup_page(self) -> None:
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin = section.bottom_margin = Cm(2.4)
        section.left_margin = section.right_margin = Cm(2.2)
        section.different_first_page_header_footer = True  # title page without furniture
        header = section.header.paragraphs[0]
        header.text = "Recueil et index thématique"
        header.style = self.doc.styles["Header"]
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._field(footer, "PAGE", "1")
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)
        lang = self.doc.styles.element.find(qn("w:docDefaults"))
        if lang is not None:
            rpr = lang.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                el = OxmlElement("w:lang")
                el.set(qn("w:val"), "fr-FR")
                rpr.append(el)

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for name, size, before in (
            ("Heading 1", 16, 0), ("Heading 2", 13, 12), ("Heading 3", 11.5, 12),
            ("Heading 4", 10.5, 10),
        ):  # fmt: skip
            style = styles[name]
            style.font.name = HEADING_FONT
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(8)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        styles["Heading 1"].paragraph_format.page_break_before = True
        toc_heading = styles["TOC Heading"]
        toc_heading.font.name = HEADING_FONT
        toc_heading.font.size = Pt(16)
        toc_heading.font.color.rgb = RGBColor(0, 0, 0)
        styles["Header"].font.size = Pt(8)
        styles["Header"].font.name = HEADING_FONT
        for name in ("Title", "Subtitle"):
            styles[name].font.name = HEADING_FONT
            styles[name].font.color.rgb = RGBColor(0, 0, 0)
        styles["Title"].font.size = Pt(24)
        styles["Subtitle"].font.size = Pt(11)
        styles["Subtitle"].font.italic = False
        for level in (1, 2, 3):
            style = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            fmt = style.paragraph_format
            fmt.left_indent = Cm(0.6 * (level - 1))
            fmt.space_after = Pt(2 if level == 3 else 4)
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.tab_stops.add_tab_stop(Cm(16.6), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            style.font.bold = level == 1
        item = styles.add_style("Recueil Item", WD_STYLE_TYPE.PARAGRAPH)
        item.base_style = normal
        item.paragraph_format.left_indent = Cm(1.0)
        item.paragraph_format.first_line_indent = Cm(-1.0)
        item.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
        sub = styles.add_style("Recueil Subparagraph", WD_STYLE_TYPE.PARAGRAPH)
        sub.base_style = item
        sub.paragraph_format.left_indent = Cm(2.0)
        sub.paragraph_format.tab_stops.add_tab_stop(Cm(2.0))
        sub2 = styles.add_style("Recueil Subparagraph 2", WD_STYLE_TYPE.PARAGRAPH)
        sub2.base_style = item
        sub2.paragraph_format.left_indent = Cm(3.0)
        sub2.paragraph_format.tab_stops.add_tab_stop(Cm(3.0))
        symbol = styles.add_style("Recueil Symbol", WD_STYLE_TYPE.PARAGRAPH)
        symbol.base_style = normal
        symbol.font.size = Pt(8.5)
        symbol.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
        centered = styles.add_style("Recueil Instrument Title", WD_STYLE_TYPE.PARAGRAPH)
        centered.base_style = normal
        centered.font.bold = True
        centered.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        centered.paragraph_format.keep_with_next = True
        cell = styles.add_style("Recueil Index Cell", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.name = HEADING_FONT
        cell.font.size = Pt(7.5)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        table = styles.add_style(INDEX_TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        table.base_style = styles["Table Grid"]
        table.font.name = HEADING_FONT
        table.font.size = Pt(8)

    # --- low-level helpers ------------------------------------------------------------

    def _field(self, paragraph, instruction: str, cached: str = "") -> None:
        run = paragraph.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        run._r.append(begin)
        run = paragraph.add_run()
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        run._r.append(instr)
        run = paragraph.add_run()
        sep = OxmlElement("w:fldChar")
        sep.set(qn("w:fldCharType"), "separate")
        run._r.append(sep)
        paragraph.add_run(cached)
        run = paragraph.add_run()
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(end)

    def _text(self, paragraph, text: str, **font) -> None:
        for chunk, sup in segments(text):
            run = paragraph.add_run(chunk)
            if sup:
                run.font.superscript = True
            for key, value in font.items():
                setattr(run.font, key, value)

    def _bookmark(self, paragraph, anchor: str) -> None:
        self._bookmark_id += 1
        name = f"_Toc{self._bookmark_id:06d}"
        self.bookmarks[anchor] = name
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark_id))
        paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
        paragraph._p.append(end)

    def heading(self, text: str, level: int, anchor: str | None = None):
        paragraph = self._paragraph(style=f"Heading {level}")
        self._text(paragraph, text)
        if anchor:
            self._bookmark(paragraph, anchor)
        return paragraph

    # --- parts ------------------------------------------------------------------------

    def title_page(self) -> None:
        pub = self.pub
        for _ in range(6):
            self._paragraph()
        kicker = self._paragraph()
        self._text(kicker, "TRAFIC ILLICITE DE PERSONNES MIGRANTES")
        title = self._paragraph(style="Title")
        self._text(title, pub.title)
        subtitle = self._paragraph(style="Subtitle")
        self._text(subtitle, pub.subtitle)

    def toc(self) -> None:
        """A TOC field whose result is pre-filled with linked entries (see module doc)."""
        heading = self._paragraph(style="TOC Heading")
        heading.paragraph_format.page_break_before = True
        self._text(heading, "Table des matières")
        entries = self.pub.toc()
        self._toc_paragraphs = []
        for i, entry in enumerate(entries):
            p = self._paragraph(style=f"TOC {entry.level}")
            if i == 0:
                for kind in ("begin", "instr", "separate"):
                    run = p.add_run()
                    if kind == "instr":
                        el = OxmlElement("w:instrText")
                        el.set(qn("xml:space"), "preserve")
                        el.text = f' TOC \\o "{TOC_LEVELS}" \\h \\z \\u '
                    else:
                        el = OxmlElement("w:fldChar")
                        el.set(qn("w:fldCharType"), kind)
                        if kind == "begin":
                            el.set(qn("w:dirty"), "true")
                    run._r.append(el)
            self._toc_paragraphs.append((p, entry))
        last = self._toc_paragraphs[-1][0]
        run = last.add_run()
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(end)

    def fill_toc(self) -> None:
        """Now that headings carry bookmarks: each entry links to its heading and ends with
        a PAGEREF field (its cached result is the page LibreOffice found, if any)."""
        for p, entry in self._toc_paragraphs:
            bookmark = self.bookmarks.get(entry.anchor, "")
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), bookmark)
            link.set(qn("w:history"), "1")
            for chunk, sup in segments(entry.text):
                link.append(_run(chunk, superscript=sup))
            link.append(_run(None, tab=True))
            page = self.page_numbers.get(entry.anchor)
            for kind, text in (
                ("begin", None), ("instr", f" PAGEREF {bookmark} \\h "), ("separate", None),
                ("text", str(page) if page else ""), ("end", None),
            ):  # fmt: skip
                link.append(_field_run(kind, text))
            # inside the TOC field: before its end (last entry), after its start (first)
            end = [r for r in p._p.findall(qn("w:r")) if _field_type(r) == "end"]
            if end:
                end[0].addprevious(link)
            else:
                p._p.append(link)

    def introduction(self) -> None:
        self.heading("Introduction", 1, "introduction")
        for text in self.pub.intro:
            self._text(self._paragraph(), text)

    def item(self, item: PubItem, depth: int = 0) -> None:
        style = ("Recueil Item", "Recueil Subparagraph", "Recueil Subparagraph 2")[min(depth, 2)]
        p = self._paragraph(style=style)
        if item.margin_label:
            run = p.add_run(item.margin_label)
            run.font.size = Pt(7.5)
            run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        else:
            p.add_run(item.label)
        p.add_run("\t")
        from recueil.emphasis import split_lead

        lead, rest = split_lead(item.text, part=str(item.ref.part), kind=item.kind)
        if lead:  # the operative / preambular verb in italics, as the UN prints it
            self._text(p, lead, italic=True)
        self._text(p, rest)
        for child in item.children:
            self.item(child, depth + 1)

    def meeting(self, meeting: PubMeeting) -> None:
        self.heading(meeting.heading, 3, meeting.anchor)
        if meeting.symbol and meeting.clusters:
            self._paragraph(meeting.symbol, style="Recueil Symbol")
        for cluster in meeting.clusters:
            if cluster.heading:
                self.heading(cluster.heading, 4)
            for item in cluster.items:
                self.item(item)
        for instrument in meeting.instruments:
            h = self.heading(instrument.name, 4)
            h.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if instrument.title:
                self._text(self._paragraph(style="Recueil Instrument Title"), instrument.title)
            if meeting.symbol:
                s = self._paragraph(meeting.symbol, style="Recueil Symbol")
                s.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for item in (*instrument.preamble, *instrument.operative):
                self.item(item)

    def body(self) -> None:
        pub = self.pub
        self.heading(pub.BODY_HEADING, 1, "recueil")
        if pub.part_a:
            self.heading(pub.part_a_heading, 2, "part-A")
            for meeting in pub.part_a:
                self.meeting(meeting)
        if pub.part_b:
            h = self.heading(pub.part_b_heading, 2, "part-B")
            h.paragraph_format.page_break_before = True
            for meeting in pub.part_b:
                self.meeting(meeting)

    # --- the index table --------------------------------------------------------------

    def _cell(self, cell, text: str | None, *, bold: bool = False, italic: bool = False) -> None:
        p = cell.paragraphs[0]
        p._p.style = self._style_id("Recueil Index Cell")
        if text:
            self._text(p, text, bold=bold or None, italic=italic or None)

    @staticmethod
    def _shade(cell) -> None:
        tcpr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), SHADE)
        tcpr.append(shd)

    @staticmethod
    def _repeat_header(row) -> None:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)
        cant = OxmlElement("w:cantSplit")
        cant.set(qn("w:val"), "true")
        trpr.append(cant)

    def index(self) -> None:
        pub = self.pub
        if not pub.index:
            return
        self.heading(pub.INDEX_HEADING, 1, "index")
        for line in pub.index_note:
            p = self._paragraph(style="Recueil Index Cell")
            self._text(p, line)
        rows = sum(len(t.display_rows()) for t in pub.index)
        table = self.doc.add_table(rows=2 + rows, cols=6)
        table.style = self.doc.styles[INDEX_TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (Cm(3.4), Cm(3.3), Cm(3.5), Cm(2.1), Cm(2.1), Cm(2.2))
        cols = pub.INDEX_COLUMNS
        head, sub = table.rows[0], table.rows[1]
        for i in (0, 1):
            merged = head.cells[i].merge(sub.cells[i])
            self._cell(merged, cols[i], bold=True)
        group = head.cells[2].merge(head.cells[5])
        self._cell(group, "Rapport de réunion", bold=True)
        group.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for i in range(2, 6):
            self._cell(sub.cells[i], cols[i], bold=True)
        self._repeat_header(head)
        self._repeat_header(sub)
        # From here on rows and cells are reached through their XML elements, once each:
        # python-docx's table.rows[r], row.cells and table.cell() recompute the grid of
        # the whole table on every call (quadratic in the index's rows).
        rows = list(table._tbl.tr_lst)
        r = 2
        for theme in pub.index:
            r = self._theme(table, rows, r, theme)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid, which LibreOffice follows
        for tr in rows:  # the cells, which Word follows (a merged cell: its last column's;
            col = 0  # the continuation of a vertical merge keeps its own, as python-docx did)
            for tc in tr.tc_lst:
                col += tc.grid_span
                if tc.vMerge != "continue":
                    tc.width = widths[col - 1]

    def _theme(self, table, rows: list, r: int, theme: IndexTheme) -> int:
        display = theme.display_rows()
        first = r
        for _kind, part, line in display:
            tr = rows[r]
            tcs = list(tr.tc_lst)
            trpr = tr.get_or_add_trPr()
            cant = OxmlElement("w:cantSplit")
            cant.set(qn("w:val"), "true")
            trpr.append(cant)
            if line is None:
                for tc in tcs[2:]:  # columns 1–5 become one cell (they hold nothing yet)
                    tr.remove(tc)
                tcs[1].grid_span = 5
                merged = _Cell(tcs[1], table)
                self._cell(merged, f"Partie {part}", italic=True)
                if part == "B":
                    self._shade(merged)
            else:
                values = (
                    line.refs,
                    line.symbol,
                    line.instrument,
                    line.paragraph,
                    line.recommendation,
                )
                for tc, value in zip(tcs[1:], values, strict=True):
                    cell = _Cell(tc, table)
                    self._cell(cell, value)
                    if line.shaded:
                        self._shade(cell)
            r += 1
        label = rows[first].tc_lst[0]
        if r - 1 > first:  # the theme's label spans its rows
            label.vMerge = "restart"
            for tr in rows[first + 1 : r]:
                tr.tc_lst[0].vMerge = "continue"
        self._cell(_Cell(label, table), theme.label, bold=True)
        return r

    def statistics(self) -> None:
        """The statistics annex as tables (no chart: recueil has no SVG-to-PNG converter)."""
        stats = self.pub.statistics
        if stats is None:
            return
        self.heading(stats.heading, 1, stats.ANCHOR)
        self._text(self._paragraph(style="Recueil Index Cell"), stats.note)
        for section in stats.sections:
            self.heading(section.title, 2, section.id)
            table = self.doc.add_table(rows=1 + len(section.rows), cols=len(section.columns))
            table.style = self.doc.styles[INDEX_TABLE_STYLE]
            rows = list(table._tbl.tr_lst)  # through the XML, as in index(): linear
            for tc, name in zip(rows[0].tc_lst, section.columns, strict=True):
                self._cell(_Cell(tc, table), str(name), bold=True)
            self._repeat_header(table.rows[0])
            for tr, values in zip(rows[1:], section.rows, strict=True):
                for tc, value in zip(tr.tc_lst, values, strict=True):
                    self._cell(_Cell(tc, table), str(value))

    def write(self, out: Path) -> None:
        self.title_page()
        self.toc()
        self.introduction()
        self.body()
        self.index()
        self.statistics()
        self.fill_toc()
        props = self.doc.core_properties
        props.title = self.pub.title
        props.language = "fr-FR"
        props.author = "recueil"
        self.doc.save(str(out))


def libreoffice() -> str | None:
    """The LibreOffice binary, if installed (RECUEIL_NO_LIBREOFFICE=1 ignores it)."""
    if os.environ.get("RECUEIL_NO_LIBREOFFICE"):
        return None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def heading_pages(docx: Path, soffice: str, timeout: float = 180) -> dict[str, int] | None:
    """Page of each level 1–3 heading as LibreOffice lays `docx` out, keyed by title
    (whitespace removed); None if LibreOffice fails."""
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory(prefix="recueil-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        cmd = [
            soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", tmp, str(docx),
        ]  # fmt: skip
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=True)
            reader = PdfReader(Path(tmp, docx.with_suffix(".pdf").name))
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
        pages: dict[str, int] = {}

        def walk(outline, depth: int) -> None:
            for entry in outline:
                if isinstance(entry, list):
                    walk(entry, depth + 1)
                elif depth < 3:
                    pages.setdefault(
                        _squash(entry.title), reader.get_destination_page_number(entry) + 1
                    )

        walk(reader.outline, 0)
        return pages


def render_docx(pub: Publication, out: Path, *, update_toc: bool | None = None) -> bool:
    """Write the DOCX; with LibreOffice (default: when installed) put page numbers in the
    pre-filled table of contents. Returns whether the page numbers were filled in."""
    out = Path(out)
    _Writer(pub).write(out)
    soffice = libreoffice() if update_toc in (None, True) else None
    if soffice is None:
        return False
    pages = heading_pages(out, soffice)
    if not pages:
        return False
    numbers = {e.anchor: pages[_squash(e.text)] for e in pub.toc() if _squash(e.text) in pages}
    if len(numbers) != len(pub.toc()):
        return False
    _Writer(pub, numbers).write(out)
    return True


__all__ = ["INDEX_TABLE_STYLE", "heading_pages", "libreoffice", "render_docx"]
