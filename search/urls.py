from django.urls import path

from search import facet_views, views

app_name = "search"
urlpatterns = [
    path("search/", views.results, name="results"),
    path("search/export.csv", views.export_csv, name="export-csv"),
    path("search/facet/<str:name>/", facet_views.facet_values, name="facet-values"),
    path("api/search", views.api_search, name="api-search"),
    path("api/articles/<int:pk>", views.api_article, name="api-article"),
]
