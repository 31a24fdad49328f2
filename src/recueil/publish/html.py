"""HTML rendering of the publication with Django's template engine (templates/publish/).

The same HTML, with the print stylesheet and the bundled fonts, is what WeasyPrint turns
into the PDF, so the screen and print editions cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

from django.template import Context, Engine

from recueil.publish.model import Publication

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
FONTS = PACKAGE / "fonts"

_engine: Engine | None = None


def engine() -> Engine:
    """The publication's own template engine (no Django project settings needed)."""
    global _engine
    if _engine is None:
        _engine = Engine(
            dirs=[str(TEMPLATES)],
            autoescape=True,
            builtins=["recueil.publish.templatetags"],
        )
    return _engine


def _css(name: str) -> str:
    return (TEMPLATES / "publish" / name).read_text(encoding="utf-8")


def font_faces() -> str:
    """@font-face rules for the fonts bundled with recueil (SIL Open Font License)."""
    rules = []
    for family, files in (
        ("Source Serif Pro", ("Regular", "It", "Bold", "BoldIt")),
        ("Source Sans Pro", ("Regular", "It", "Bold", "BoldIt")),
    ):
        stem = family.replace(" ", "")
        for style in files:
            path = FONTS / f"{stem}-{style}.ttf"
            weight = "bold" if style.startswith("Bold") else "normal"
            italic = "italic" if style.endswith("It") else "normal"
            rules.append(
                f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); '
                f"font-weight: {weight}; font-style: {italic}; }}"
            )
    return "\n".join(rules)


def render_html(pub: Publication, *, for_print: bool = False) -> str:
    """The whole publication as one HTML document (screen CSS, or print CSS for the PDF)."""
    css = (
        _css("base.css")
        + "\n"
        + (font_faces() + "\n" + _css("print.css") if for_print else _css("screen.css"))
    )
    if pub.statistics is not None:  # only then, so the publication without it is unchanged
        css += "\n" + _css("statistics.css")
    context = {
        "pub": pub,
        "toc": pub.toc(),
        "css": css,
        "for_print": for_print,
        "columns": pub.INDEX_COLUMNS,
    }
    return engine().get_template("publish/publication.html").render(Context(context))
