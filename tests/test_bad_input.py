"""Bad parameters get a clear answer (400 with a Chinese message, JSON for the API, or a
normalised page), never a 500; CSV cells cannot carry spreadsheet formulas."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.forms import FACETS

pytestmark = pytest.mark.django_db

LISTED = [
    "/api/search?date_from=0999-12-31",
    "/api/search?date_to=0001-01-01",
    "/search/?month=0000-01",
    "/api/search?month=9999-12",
    "/search/export.csv?month=0001-01",
    "/search/export.jsonl?month=0001-01",
    "/search/feed.atom?month=0001-01",
    "/api/search?page_size=99999999999999999999",
    "/search/?page=²",
    "/search/?page=①",
    "/api/search?page=①",
    "/articles/{article}/?rank=²&q=a",
    "/articles/{article}/?rank=1&month=0000-01",
    "/articles/99999999999999999999/",
    "/api/articles/99999999999999999999",
    "/api/articles/-1",
    "/api/nothing/here",
    "/api/search?page=99999999999999999999",
    "/search/facet/union/?page=²&match=%00",
    "/unions/%00/",
    "/people/99999999999999999999/",
    "/people/named/%00/",
    "/issues/2022/%00/19/",
    "/search/?union=%00&q=%00",
    "/api/search?person=%00",
    "/api/search?person=a%00b&union=%00",
    "/search/facet/kind/?page=99999999999999999999",
    "/issues/0/",
    "/issues/99999/",
    "/issues/99999999999999999999/",
    "/issues/2022/99999999999999999999/01/",
    "/issues/2022/13/01/",
    "/search/?date_from=0999-12-31&date_to=0001-01-01",
    "/search/?year=0",
    "/search/?year=99999999999999999999",
    "/search/cite?id=²&format=ris",
    "/search/cite?id=99999999999999999999&format=bib",
    "/search/cite?id={article}&format=%00",
    "/articles/{article}/cite.%00",
    "/articles/99999999999999999999/cite.ris",
    "/api/trends?q=工会&interval=%00&month=0000-01",
    "/trends/?q=工会&year=²",
    "/trends/export.csv?q=工会&date_from=0999-12-31",
    "/api/kwic?q=工会&page=①",
    "/api/kwic?q=工会&page=99999999999999999999",
    "/kwic/?q=工会&page=99999999999999999999&sort=%00",
    "/kwic/export.csv?q=工会&month=0001-01",
]


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", LISTED)
def test_a_bad_parameter_is_never_a_server_error(archive, quiet_client, url):
    from newspaper.models import Article

    url = url.format(article=Article.objects.first().pk)  # ids are not reset on PostgreSQL
    response = quiet_client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    if (
        url.startswith(("/api/", "/search/export", "/search/cite", "/trends/export", "/kwic/export"))
        and response.status_code >= 400
    ):
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()) == {"error", "message", "fields"}, response.json()
    elif response.status_code == 400:
        assert "无效" in response.content.decode(), response.content.decode()[:300]


# Every query parameter a view reads, and one no view knows.
PARAMS = [
    *("q", "page", "month", "year", "date_from", "date_to", "sort", "kind", "rank", "within", "match", "tolerant"),
    *("union", "topic", "person", "region", "page_name", "page_size", "id", "format", "nonsense"),
    *("interval", "measure"),
]

# Any text, and the shapes that reach int() and date arithmetic: numbers of every size, dates
# and months of any year, digits that are not ASCII.
VALUES = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"\A-?[0-9]{1,22}\Z"),
    st.from_regex(r"\A[0-9]{1,6}-[0-9]{1,3}(-[0-9]{1,3})?\Z"),
    st.sampled_from(["²", "①", "٣", "0", "-1", "1e9", "0000-01", "9999-12-31", " 3", "", "'", "%", "\x00"]),
)
QUERY = st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=5)

# A path segment: digits of any size (what <int:…> accepts), any text (what <str:…> and
# <slug:…> accept, or not), or a value the archive holds (drawn in the test).
NUMBER = st.from_regex(r"\A[0-9]{1,22}\Z")
TEXT = st.text(min_size=1, max_size=24).map(lambda t: quote(t, safe=""))


BAD = st.sampled_from(["0", "²", "٣", "-1", "..", "%00", "%2F", "00000000000000000000000001"])


def segment(*real: str):
    """Half the time a value the archive holds, else anything."""
    return st.one_of(st.sampled_from(real), st.one_of(NUMBER, TEXT, BAD)) if real else st.one_of(NUMBER, TEXT, BAD)


# Each URL pattern of the archive and the search, by name, with the paths to fuzz it by; `r`
# holds values the archive has, so that views get past their lookups to their parameters.
ROUTES = {
    "newspaper:home": lambda r: st.just("/"),
    "newspaper:person-detail": lambda r: st.builds("/people/{}/".format, segment(r.person)),
    "newspaper:person-named": lambda r: st.builds("/people/named/{}/".format, segment(r.person_name)),
    "newspaper:calendar": lambda r: st.just("/issues/"),
    "newspaper:calendar-year": lambda r: st.builds("/issues/{}/".format, segment(r.year)),
    "newspaper:issue-detail": lambda r: st.one_of(
        st.just(f"/issues/{r.year}/{r.month}/{r.day}/"),
        st.builds("/issues/{}/{}/{}/".format, segment(r.year), segment(r.month, "5"), segment(r.day, "019")),
    ),
    "newspaper:article-detail": lambda r: st.builds("/articles/{}/".format, segment(r.article)),
    "newspaper:article-citation": lambda r: st.builds(
        "/articles/{}/cite.{}".format, segment(r.article), segment("ris", "bib", "json", "txt")
    ),
    "newspaper:union-list": lambda r: st.just("/unions/"),
    "newspaper:union-detail": lambda r: st.builds("/unions/{}/".format, segment(r.union)),
    "newspaper:topic-list": lambda r: st.just("/topics/"),
    "newspaper:topic-detail": lambda r: st.builds("/topics/{}/".format, segment(r.topic)),
    "newspaper:upload": lambda r: st.just("/upload/"),
    "newspaper:upload-list": lambda r: st.just("/uploads/"),
    "newspaper:upload-detail": lambda r: st.builds("/uploads/{}/".format, segment(r.upload)),
    "newspaper:upload-status": lambda r: st.builds("/uploads/{}/status.json".format, segment(r.upload)),
    "search:results": lambda r: st.just("/search/"),
    "search:export-csv": lambda r: st.just("/search/export.csv"),
    "search:export-jsonl": lambda r: st.just("/search/export.jsonl"),
    "search:feed": lambda r: st.just("/search/feed.atom"),
    "search:opensearch": lambda r: st.just("/opensearch.xml"),
    "search:facet-values": lambda r: st.builds("/search/facet/{}/".format, segment(*FACETS)),
    "search:cite": lambda r: st.just("/search/cite"),
    "search:trends": lambda r: st.just("/trends/"),
    "search:trends-csv": lambda r: st.just("/trends/export.csv"),
    "search:api-trends": lambda r: st.just("/api/trends"),
    "search:kwic": lambda r: st.just("/kwic/"),
    "search:kwic-csv": lambda r: st.just("/kwic/export.csv"),
    "search:api-kwic": lambda r: st.just("/api/kwic"),
    "search:api-search": lambda r: st.just("/api/search"),
    "search:api-article": lambda r: st.builds("/api/articles/{}".format, segment(r.article)),
    "search:openapi": lambda r: st.just("/api/openapi.json"),
}


def test_the_fuzzing_covers_every_url_of_the_archive_and_the_search():
    from django.urls import URLResolver, get_resolver

    names = {
        f"{include.namespace}:{pattern.name}"
        for include in get_resolver().url_patterns
        if isinstance(include, URLResolver) and include.namespace in ("newspaper", "search")
        for pattern in include.url_patterns
    }
    assert names == set(ROUTES)


@pytest.fixture
def held(archive):
    """Values the archive holds (an article's id read back, ids are not reset on PostgreSQL), and
    a client signed in as an archive admin beside the anonymous one."""
    from django.contrib.auth.models import Group, User

    from newspaper.models import Article, Person, Topic, Union, Upload

    article = Article.objects.filter(unions__isnull=False, topics__isnull=False).with_page().first()
    admin = User.objects.create_user("archivist", password="pw", is_staff=True)
    admin.groups.add(Group.objects.get(name="archive admins"))
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(admin)
    date = article.page.issue.date
    credited = Person.objects.filter(credits__isnull=False).first()
    return SimpleNamespace(
        article=str(article.pk),
        year=str(date.year),
        month=f"{date.month:02}",
        day=f"{date.day:02}",
        union=quote(Union.objects.filter(articles__isnull=False).first().slug),
        topic=Topic.objects.filter(articles__isnull=False).first().slug,
        upload=str(Upload.objects.create(uploaded_by=admin).pk),
        person=str(credited.pk),
        person_name=quote(credited.name),
        signed_in=signed_in,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(sorted(ROUTES)), data=st.data(), query=QUERY, admin=st.booleans())
def test_no_path_or_parameter_makes_any_view_fail(held, quiet_client, route, data, query, admin):
    path = data.draw(ROUTES[route](held), label="path")
    url = f"{path}?{urlencode(query)}" if query else path
    response = (held.signed_in if admin else quiet_client).get(url)
    assert response.status_code < 500, (url, response.status_code)


def test_csv_cells_cannot_start_a_formula(archive, client):
    from newspaper.models import Article

    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    Article.objects.filter(pk=article.pk).update(title='=HYPERLINK("http://x")', byline="+1", kicker="@SUM(A1)")
    from tests.conftest import drain

    Article.objects.get(pk=article.pk).save()
    drain()
    text = client.get("/search/export.csv", {"q": "基层党组织书记培训"}).getvalue().decode("utf-8-sig")
    assert "=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    assert "'=HYPERLINK" in text and "'+1" in text and "'@SUM" in text
