"""Bad parameters get a clear answer (400 with a Chinese message, JSON for the API, or a
normalised page), never a 500; CSV cells cannot carry spreadsheet formulas."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

LISTED = [
    "/api/search?date_from=0999-12-31",
    "/api/search?date_to=0001-01-01",
    "/search/?month=0000-01",
    "/api/search?month=9999-12",
    "/search/export.csv?month=0001-01",
    "/search/?page=²",
    "/search/?page=①",
    "/api/search?page=①",
    "/articles/1/?rank=²&q=a",
    "/articles/1/?rank=1&month=0000-01",
    "/issues/0/",
    "/issues/99999/",
    "/issues/99999999999999999999/",
    "/issues/2022/99999999999999999999/01/",
    "/issues/2022/13/01/",
    "/search/?date_from=0999-12-31&date_to=0001-01-01",
    "/search/?year=0",
    "/search/?year=99999999999999999999",
]


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", LISTED)
def test_a_bad_parameter_is_never_a_server_error(archive, quiet_client, url):
    response = quiet_client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code == 400:
        text = response.content.decode()
        if url.startswith(("/api/", "/search/export")):
            assert response["Content-Type"].startswith("application/json") and "error" in response.json()
        else:
            assert "无效" in text, text[:300]


VIEWS = ["/search/", "/api/search", "/search/export.csv", "/articles/1/", "/calendar/", "/unions/", "/topics/"]
PARAMS = ["q", "page", "month", "year", "date_from", "date_to", "sort", "kind", "union", "topic", "person", "rank"]


# Any text, and the shapes that reach int() and date arithmetic: numbers of every size, dates
# and months of any year, digits that are not ASCII.
VALUES = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"\A-?[0-9]{1,22}\Z"),
    st.from_regex(r"\A[0-9]{1,6}-[0-9]{1,3}(-[0-9]{1,3})?\Z"),
    st.sampled_from(["²", "①", "٣", "0", "-1", "1e9", "0000-01", "9999-12-31", " 3"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    view=st.sampled_from(VIEWS),
    params=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4),
)
def test_no_parameter_makes_any_view_fail(archive, quiet_client, view, params):
    response = quiet_client.get(view, params)
    assert response.status_code < 500, (view, params)


def test_csv_cells_cannot_start_a_formula(archive, client):
    from newspaper.models import Article

    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    Article.objects.filter(pk=article.pk).update(title='=HYPERLINK("http://x")', byline="+1", kicker="@SUM(A1)")
    from tests.conftest import drain

    Article.objects.get(pk=article.pk).save()
    drain()
    text = client.get("/search/export.csv", {"q": "基层党组织书记培训"}).content.decode("utf-8-sig")
    assert "=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    assert "'=HYPERLINK" in text and "'+1" in text and "'@SUM" in text
