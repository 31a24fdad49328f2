"""URL map: readable permalinks (`/items/A:I.22`, `/meetings/A:VII`), the API under /api/."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from recueil.web import agreed, review, views
from recueil.web import analytics as analytics_views
from recueil.web.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<str:key>", views.meeting, name="meeting"),
    path("meetings/<str:key>/uptake", agreed.meeting_uptake, name="meeting_uptake"),
    path(
        "meetings/<str:key>/uptake/refresh",
        agreed.meeting_uptake_refresh,
        name="meeting_uptake_refresh",
    ),  # fmt: skip
    # refs may hold slashes (A/RES/80/228:op.5.b): the suffixed route goes first
    path("items/<path:ref>/draft-fate", agreed.draft_fate, name="draft_fate"),
    path("items/<path:ref>", views.item, name="item"),
    path("precedents", agreed.precedents, name="precedents"),
    path("compare", agreed.compare, name="compare"),
    path("links/decide", agreed.decide_link, name="decide_link"),
    path("themes/", views.themes, name="themes"),
    path("themes/<path:label>", views.theme, name="theme"),
    path("documents/", views.documents, name="documents"),
    path("documents/<str:source_file>", views.document, name="document"),
    path("documents/<str:source_file>/text", views.document_text, name="document_text"),
    path(
        "documents/<str:source_file>/original", views.document_original, name="document_original"
    ),  # fmt: skip
    path("search", views.search, name="search"),
    path("review/", review.review_home, name="review"),
    path("review/decide", review.decide, name="review_decide"),
    path("review/<str:key>", review.review_meeting, name="review_meeting"),
    path("review/<str:key>/bulk-accept", review.bulk_accept, name="review_bulk_accept"),
    path("history/", review.history, name="history"),
    path("history/revert", review.revert, name="history_revert"),
    path("vocabulary/", review.vocabulary, name="vocabulary"),
    path("vocabulary/<path:label>", review.vocabulary_theme, name="vocabulary_theme"),
    path("publication/recueil.<str:fmt>", views.publication, name="publication"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),  # fmt: skip
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("analytics/", analytics_views.heatmap, name="analytics"),
    path("analytics/trends", analytics_views.trends, name="analytics_trends"),
    path("analytics/uptake", analytics_views.uptake, name="analytics_uptake"),
    path("analytics/wording", analytics_views.wording, name="analytics_wording"),
    path("analytics/coverage", analytics_views.coverage, name="analytics_coverage"),
    path("analytics/items", analytics_views.items, name="analytics_items"),
    path("analytics/<str:name>.csv", analytics_views.table_csv, name="analytics_csv"),
    path("exports/recueil.<str:fmt>", analytics_views.export_download, name="export_download"),
    path("api/", api.urls),
]
