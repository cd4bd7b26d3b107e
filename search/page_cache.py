"""Search pages kept per index generation, for visitors who are not signed in (issue 18).

The commonest searches (工会, a union's name, a year) are asked again and again between two
commits of the index writer, and each asking renders the same page: at a million articles its
answer is remembered (search.engine.Answer) but loading its twenty articles, highlighting them and
rendering the template still cost ~30 ms of a worker's CPU. A page made for a visitor who is not
signed in depends only on its URL, the language and the index (a correction reaches the page
through the index, which it changes), so it is kept under the index generation it was made from,
per process, bounded by bytes (PAGES_BYTES). Never kept: a signed-in editor's page (it carries
their name and a form with their CSRF token), a page that used a CSRF token or set a cookie,
anything but a 200.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from whoosh.index import EmptyIndexError

from search import engine, sidebar
from search.columns import LRU, generation

PAGES_BYTES = 16 * 2**20  # per process: about a hundred search pages
_pages = LRU(PAGES_BYTES, weigh=lambda page: len(page[1]) + 1024)


def forget() -> None:
    """Drop the kept pages and the searches and answers they were made from (search.engine): the
    benchmark's way to measure every search cold."""
    engine.forget()
    sidebar.forget()
    _pages.clear()


def _anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.user.is_authenticated


def index_generation() -> tuple | None:
    """The generation of the index the searches of this request will read (None: no index to read)."""
    try:
        return generation(engine.default_searcher())
    except (OSError, EmptyIndexError):  # the view says what is wrong, uncached
        return None


def per_index_generation(view):
    """Serve a GET view's page again, for visitors not signed in, until the index changes."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        made = index_generation() if _anonymous(request) else None
        request.index_generation = made  # the view's sidebar is kept under it too (search.sidebar)
        if made is None:
            return view(request, *args, **kwargs)
        key = (made, get_language(), request.get_full_path())
        kept = _pages.get(key, lambda: None)
        if kept is not None:
            status, content, content_type = kept
            return HttpResponse(content, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        used_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code == 200 and not response.streaming and not response.cookies and not used_token:
            _pages.get(key, lambda: (200, response.content, response["Content-Type"]))
        return response

    return wrapped
