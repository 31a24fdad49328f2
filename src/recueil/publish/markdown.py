"""Markdown rendering: the publication as plain text that diff tools and wikis can read.

Headings are `#`/`##`/`###`, items keep their printed labels, the thematic index is a
pipe table; Part B lines are marked "Partie B" (Markdown has no shading).
"""

from __future__ import annotations

from recueil.publish.model import IndexTheme, PubItem, Publication
from recueil.publish.typography import plain


def _escape_cell(text: str | None) -> str:
    return plain(text or "").replace("|", "\\|")


def _label(item: PubItem) -> str:
    """`1\\.` so Markdown does not renumber; `a)` as printed; `al. N` for preambular."""
    if item.margin_label:
        return f"*({item.margin_label})* "
    if item.label.endswith("."):
        return item.label[:-1] + "\\. "
    return item.label + " "


def _item(item: PubItem, depth: int, out: list[str]) -> None:
    indent = "    " * depth
    from recueil.emphasis import split_lead

    lead, rest = split_lead(item.text, part=str(item.ref.part), kind=item.kind)
    lead = f"*{plain(lead)}*" if lead else ""  # the UN's italic lead verb
    out.append(f"{indent}{_label(item)}{lead}{plain(rest)}")
    out.append("")
    for child in item.children:
        _item(child, depth + 1, out)


def _theme_rows(theme: IndexTheme) -> list[str]:
    """The theme's label on its first row, then its rows as the HTML prints them."""
    rows: list[list[str]] = []
    for _kind, part, line in theme.display_rows():
        if line is None:
            rows.append(["", f"*Partie {part}*", "", "", "", ""])
            continue
        rows.append(
            [
                "",
                _escape_cell(line.refs),
                _escape_cell(line.symbol),
                _escape_cell(line.instrument),
                _escape_cell(line.paragraph),
                _escape_cell(line.recommendation),
            ]
        )
    rows[0][0] = f"**{_escape_cell(theme.label)}**"
    return ["| " + " | ".join(cells) + " |" for cells in rows]


def render_markdown(pub: Publication) -> str:
    out = [f"# {plain(pub.title)}", "", f"*{plain(pub.subtitle)}*", ""]
    out += ["## Table des matières", ""]
    for entry in pub.toc():
        out.append("    " * (entry.level - 1) + f"- [{plain(entry.text)}](#{entry.anchor})")
    out += ["", '<a id="introduction"></a>', "", "## Introduction", ""]
    for paragraph in pub.intro:
        out += [plain(paragraph), ""]
    out += ['<a id="recueil"></a>', "", f"## {plain(pub.BODY_HEADING)}", ""]
    for heading, anchor, meetings in (
        (pub.part_a_heading, "part-A", pub.part_a),
        (pub.part_b_heading, "part-B", pub.part_b),
    ):
        if not meetings:
            continue
        out += [f'<a id="{anchor}"></a>', "", f"### {plain(heading)}", ""]
        for meeting in meetings:
            out += [f'<a id="{meeting.anchor}"></a>', "", f"#### {plain(meeting.heading)}", ""]
            if meeting.symbol:
                out += [f"`{meeting.symbol}`", ""]
            for cluster in meeting.clusters:
                if cluster.heading:
                    out += [f"##### {plain(cluster.heading)}", ""]
                for item in cluster.items:
                    _item(item, 0, out)
            for instrument in meeting.instruments:
                out += [f"##### {plain(instrument.name)}", ""]
                if instrument.title:
                    out += [f"**{plain(instrument.title)}**", ""]
                for item in (*instrument.preamble, *instrument.operative):
                    _item(item, 0, out)
    if pub.index:
        out += ['<a id="index"></a>', "", f"## {plain(pub.INDEX_HEADING)}", ""]
        out += [plain(" ".join(pub.index_note)), ""]
        out.append("| " + " | ".join(pub.INDEX_COLUMNS) + " |")
        out.append("|" + "---|" * len(pub.INDEX_COLUMNS))
        for theme in pub.index:
            out += _theme_rows(theme)
        out.append("")
    if pub.statistics is not None:
        out += _statistics(pub.statistics)
    return "\n".join(out)


def _statistics(stats) -> list[str]:
    """The statistics annex as pipe tables (Markdown carries no chart)."""
    out = [f'<a id="{stats.ANCHOR}"></a>', "", f"## {plain(stats.heading)}", ""]
    out += [plain(stats.note), ""]
    for section in stats.sections:
        out += [f'<a id="{section.id}"></a>', "", f"### {plain(section.title)}", ""]
        out.append("| " + " | ".join(_escape_cell(str(c)) for c in section.columns) + " |")
        out.append("|" + "---|" * len(section.columns))
        for row in section.rows:
            out.append("| " + " | ".join(_escape_cell(str(v)) for v in row) + " |")
        out.append("")
    return out
