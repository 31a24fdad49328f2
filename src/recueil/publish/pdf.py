"""PDF rendering: WeasyPrint lays out the print HTML (title page, contents with page numbers
through CSS target-counter, running heads) and embeds the bundled fonts.

WeasyPrint needs Debian's pango libraries, nothing else from the system: the fonts come
with recueil (publish/fonts, SIL Open Font License), so every machine prints the same.
"""

from __future__ import annotations

from pathlib import Path

from recueil.publish.html import PACKAGE, render_html
from recueil.publish.model import Publication


def render_pdf(pub: Publication, out: Path) -> None:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(pub, for_print=True)
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(PACKAGE)).render(font_config=fonts)
    document.metadata.title = pub.title
    document.metadata.authors = ["recueil"]
    document.metadata.lang = pub.lang
    document.write_pdf(out, font_config=fonts)
