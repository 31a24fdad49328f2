"""Template filters of the web pages: every stored code and count in the interface language.

The store keeps codes (`secretariat_report`, `limited`, `imported`) and French meeting
titles and dates as the documents print them; these filters say them to a reader, in French
or English, so no page shows a raw code (issue 14).
"""

from __future__ import annotations

import re

from django import template
from django.utils.translation import get_language, gettext_lazy, ngettext

from recueil.model import from_roman

register = template.Library()

# Every code the store keeps, as the interface says it (FR in the .po, EN here).
CODES = {
    # document kinds
    "report": gettext_lazy("meeting report"),
    "draft_addendum": gettext_lazy("draft addendum to a report"),
    "compendium": gettext_lazy("compendium and thematic index"),
    "secretariat_report": gettext_lazy("report of the Secretariat"),
    "resolution": gettext_lazy("resolution of the Conference"),
    # distribution
    "general": gettext_lazy("general distribution"),
    "limited": gettext_lazy("limited distribution"),
    # status
    "adopted": gettext_lazy("adopted"),
    "draft": gettext_lazy("draft"),
    # item kinds
    "recommendation": gettext_lazy("recommendation"),
    "preambular": gettext_lazy("preambular paragraph"),
    "operative": gettext_lazy("paragraph"),
    "subparagraph": gettext_lazy("subparagraph"),
    # assignment origins
    "imported": gettext_lazy("index 2021"),
    "curated": gettext_lazy("curated"),
    "suggested": gettext_lazy("suggested"),
    "suggested-accepted": gettext_lazy("suggestion accepted"),
}


@register.filter
def code(value) -> str:
    """A stored code in words (unknown codes are shown as they are)."""
    if value is None:
        return ""
    return str(CODES.get(str(value), value))


COUNT_PHRASES = (
    ("recommendations", lambda n: ngettext("%(n)d recommendation", "%(n)d recommendations", n)),
    ("paragraphs", lambda n: ngettext("%(n)d paragraph", "%(n)d paragraphs", n)),
    (
        "preambular",
        lambda n: ngettext("%(n)d preambular paragraph", "%(n)d preambular paragraphs", n),
    ),
    ("subparagraphs", lambda n: ngettext("%(n)d subparagraph", "%(n)d subparagraphs", n)),
)


@register.filter
def counts(row: dict) -> str:
    """The named counts of a meeting or part (queries.COUNT_FIELDS), zeros left out."""
    out = [phrase(row[key]) % {"n": row[key]} for key, phrase in COUNT_PHRASES if row.get(key)]
    return ", ".join(out)


ORDINALS_EN = (
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
    "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
    "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth",
)  # fmt: skip


@register.filter
def meeting_title(row: dict) -> str:
    """`Onzième réunion` in French, `Eleventh meeting` in English."""
    title = row.get("title") or row.get("meeting_title") or ""
    if not (get_language() or "fr").startswith("en"):
        return title
    number = row.get("number") if "title" in row else (row.get("meeting") or row.get("session"))
    try:
        n = from_roman(str(number))
    except (TypeError, ValueError):
        return title
    if not 0 < n <= len(ORDINALS_EN):
        return title
    noun = "session" if row.get("part") == "B" or "session" in title.lower() else "meeting"
    return f"{ORDINALS_EN[n - 1]} {noun}"


MONTHS = {
    "janvier": "January", "février": "February", "mars": "March", "avril": "April",
    "mai": "May", "juin": "June", "juillet": "July", "août": "August",
    "septembre": "September", "octobre": "October", "novembre": "November",
    "décembre": "December",
}  # fmt: skip


def dates_en(text: str) -> str:
    """French meeting dates as an English reader writes them:
    "les 11 et 12 juillet 2024" → "11 and 12 July 2024",
    "du 30 mai au 1er juin 2012" → "30 May to 1 June 2012"."""
    out = re.sub(r"\b(\d+)er\b", r"\1", text.strip())
    out = re.sub(r"^(?:les|le)\s+", "", out)
    out = re.sub(r"^du\s+", "", out)
    out = re.sub(r"\s+au\s+", " to ", out)
    out = re.sub(r"\s+et\s+", " and ", out)
    for fr, en in MONTHS.items():
        out = re.sub(rf"\b{fr}\b", en, out, flags=re.IGNORECASE)
    return out


@register.filter
def meeting_dates(text) -> str:
    if not text:
        return ""
    if (get_language() or "fr").startswith("en"):
        return dates_en(str(text))
    return str(text)


@register.filter
def ui_lang(_value=None) -> str:
    """The `lang` attribute of a translated meeting title or date (the interface's)."""
    return "en" if (get_language() or "fr").startswith("en") else "fr"


@register.filter
def paragraph_label(value) -> str:
    """A stored paragraph number as the UN cites it: "par. 5", "par. 8 a)", "al. 1" in
    French; "para. 5", "para. 8 (a)", "preambular para. 1" in English."""
    if not value:
        return ""
    text = str(value).strip()
    english = (get_language() or "fr").startswith("en")
    if text.startswith("al."):
        number = text.removeprefix("al.").strip()
        return f"preambular para. {number}" if english else f"al. {number}"
    if english:
        text = re.sub(r"\b([a-z]+|[ivx]+)\)", r"(\1)", text)
        return f"para. {text}"
    return f"par. {text}"


@register.filter(is_safe=True)
def un_text(item: dict):
    """An item's clean text, escaped, with the lead verb of a COP paragraph in italics
    (recueil.emphasis: a rendering rule, the stored text stays plain)."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    from recueil.emphasis import split_lead

    text = item.get("text") or ""
    lead, rest = split_lead(text, part=item.get("part") or "", kind=item.get("kind") or "")
    lead_html = f'<em class="un-verb">{escape(lead)}</em>' if lead else ""
    return mark_safe((lead_html + escape(rest)).replace("\n", "<br>"))
