"""The optional statistics annex of the publication (`recueil publish --statistics`).

The main analyses of `recueil.analytics` as the web pages draw them (`analytics.charts`:
the same SVG charts and data tables, labels in the publication's language): themes ×
meetings, theme shares per year, uptake per Working Group meeting, indexing coverage.
HTML and PDF print each chart above its table; DOCX and Markdown print the tables only
(no SVG-to-PNG converter is a dependency of recueil).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The web app's translation catalogues, which hold the analytics' labels.
LOCALE = Path(__file__).resolve().parent.parent / "web" / "locale"
HEADINGS = {"fr": "Annexe : statistiques", "en": "Annex: statistics"}
NOTES = {
    "fr": (
        "Tableaux calculés à partir de la base de données au moment de l'édition "
        "(les mêmes que « recueil stats » et les pages d'analyse) : thèmes par réunion et "
        "session, part des thèmes par année, suites données aux recommandations du Groupe "
        "de travail par la Conférence, couverture de l'indexation."
    ),
    "en": (
        "Tables computed from the database when this edition was produced (the same as "
        "“recueil stats” and the analytics pages): themes by meeting and session, theme "
        "shares per year, uptake of the Working Group's recommendations by the Conference, "
        "indexing coverage."
    ),
}


@dataclass
class StatSection:
    """One analysis: its heading, chart (SVG string, or None) and data table."""

    id: str
    title: str
    svg: str | None
    columns: list[str]
    rows: list[list]


@dataclass
class Statistics:
    heading: str
    note: str
    sections: list[StatSection]

    ANCHOR = "statistics"


def build_statistics(lang: str = "fr") -> Statistics:
    """The annex, computed from the routed ORM (call through `Store.run`)."""
    from django.test.utils import override_settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    from recueil import analytics
    from recueil.analytics import charts

    # The core configures Django without the web app's catalogues: lend them for the labels.
    with override_settings(LOCALE_PATHS=[str(LOCALE)]), translation.override(lang):
        heat = charts.heatmap_figure(analytics.heatmap(), lang, lambda theme, meeting: None)
        trend = charts.trends_figure(analytics.trends(), lang, None, None)
        up = charts.uptake_figure(analytics.uptake(), lang)
        cov, cal = charts.coverage_figures(analytics.coverage(), lang)
        sections = [
            StatSection("stats-heatmap", _("Themes by meeting and session"), heat["svg"],
                        heat["columns"], heat["rows"]),
            StatSection("stats-trends", _("Share of the indexed items per year"), trend["svg"],
                        trend["columns"], trend["rows"]),
            StatSection("stats-uptake",
                        _("Working Group recommendations taken up by the Conference"),
                        up["svg"], up["columns"], up["rows"]),
            StatSection("stats-coverage", cov["title"], cov["svg"], cov["columns"], cov["rows"]),
            StatSection("stats-calibration", cal["title"], cal["svg"], cal["columns"],
                        cal["rows"]),
        ]  # fmt: skip
    return Statistics(HEADINGS[lang], NOTES[lang], sections)
