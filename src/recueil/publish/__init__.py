"""Publishing: the "Recueil et index thématique" regenerated from the database.

`publish(store, fmt, out)` builds the publication (`build`) and renders it as DOCX, PDF,
HTML or Markdown; the CLI's `recueil publish` and the web download call this one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from recueil.publish.build import SelectionError, build_publication, parse_selection
from recueil.publish.model import Publication

FORMATS = ("docx", "pdf", "html", "md")


def render(pub: Publication, fmt: str, out: Path) -> None:
    """Write `pub` to `out` in format `fmt` (one of FORMATS)."""
    out = Path(out)
    if fmt == "html":
        from recueil.publish.html import render_html

        out.write_text(render_html(pub), encoding="utf-8")
    elif fmt == "md":
        from recueil.publish.markdown import render_markdown

        out.write_text(render_markdown(pub), encoding="utf-8")
    elif fmt == "pdf":
        from recueil.publish.pdf import render_pdf

        render_pdf(pub, out)
    elif fmt == "docx":
        from recueil.publish.docx import render_docx

        render_docx(pub, out)
    else:
        raise ValueError(f"unknown publication format {fmt!r} (expected {', '.join(FORMATS)})")


def publish(
    store,
    fmt: str,
    out: Path,
    *,
    meetings: Sequence[str] | None = None,
    lang: str = "fr",
    generated: date | None = None,
    statistics: bool = False,
) -> Publication:
    """Build the publication from `store` and write it to `out`; returns what was written.
    With `statistics`, a statistics annex (recueil.publish.statistics) closes it."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown publication format {fmt!r} (expected {', '.join(FORMATS)})")
    pub = build_publication(store, meetings=meetings, lang=lang, generated=generated)
    if statistics:
        from recueil.publish.statistics import build_statistics

        pub.statistics = store.run(build_statistics, lang)
    render(pub, fmt, out)
    return pub


__all__ = [
    "FORMATS",
    "Publication",
    "SelectionError",
    "build_publication",
    "parse_selection",
    "publish",
    "render",
]
