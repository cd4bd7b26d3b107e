from django.contrib import admin
from django.urls import include, path, re_path

from newspaper import upload_views, views
from search.views import api_not_found

archive = (
    [
        path("", views.home, name="home"),
        path("issues/", views.calendar, name="calendar"),
        path("issues/<int:year>/", views.calendar, name="calendar-year"),
        path("issues/<int:year>/<str:month>/<str:day>/", views.issue_detail, name="issue-detail"),
        path("articles/<int:pk>/", views.article_detail, name="article-detail"),
        path("articles/<int:pk>/cite.<str:fmt>", views.article_citation, name="article-citation"),
        path("unions/", views.union_list, name="union-list"),
        path("unions/<str:slug>/", views.union_detail, name="union-detail"),
        path("topics/", views.topic_list, name="topic-list"),
        path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
        path("people/<int:pk>/", views.person_detail, name="person-detail"),
        path("people/named/<path:name>/", views.person_named, name="person-named"),
        path("upload/", upload_views.upload, name="upload"),
        path("uploads/", upload_views.upload_list, name="upload-list"),
        path("uploads/<int:pk>/", upload_views.upload_detail, name="upload-detail"),
        path("uploads/<int:pk>/status.json", upload_views.upload_status, name="upload-status"),
    ],
    "newspaper",
)

urlpatterns = [
    path("", include(archive)),
    path("", include("search.urls")),
    path("admin/", admin.site.urls),
    # Any other /api/ address answers in the API's JSON error shape, not with the HTML 404 page
    # (an id that is not a number: /api/articles/-1). Last, so that every route above comes first.
    re_path(r"^api/", api_not_found),
]
