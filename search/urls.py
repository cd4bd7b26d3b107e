from django.urls import path

from search import cite_views, exports, facet_views, feeds, kwic_views, openapi, trends_views, views

app_name = "search"
urlpatterns = [
    path("search/", views.results, name="results"),
    path("search/export.csv", exports.export_csv, name="export-csv"),
    path("search/export.jsonl", exports.export_jsonl, name="export-jsonl"),
    path("search/feed.atom", feeds.search_feed, name="feed"),
    path("opensearch.xml", feeds.opensearch, name="opensearch"),
    path("search/facet/<str:name>/", facet_views.facet_values, name="facet-values"),
    path("search/cite", cite_views.cite, name="cite"),
    path("trends/", trends_views.trends_page, name="trends"),
    path("trends/export.csv", trends_views.trends_csv, name="trends-csv"),
    path("kwic/", kwic_views.kwic_page, name="kwic"),
    path("kwic/export.csv", kwic_views.kwic_csv, name="kwic-csv"),
    path("api/search", views.api_search, name="api-search"),
    path("api/trends", trends_views.api_trends, name="api-trends"),
    path("api/kwic", kwic_views.api_kwic, name="api-kwic"),
    path("api/articles/<int:pk>", views.api_article, name="api-article"),
    path("api/openapi.json", openapi.openapi_json, name="openapi"),
]
