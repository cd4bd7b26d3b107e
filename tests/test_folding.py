"""Queries are folded to the characters the paper prints (issue 16): traditional characters to
simplified, full-width and compatibility forms (Kangxi radicals) by NFKC. The text stays as
printed."""

from __future__ import annotations

import pytest

from newspaper.models import Article
from search.query import parse
from tests.test_search import found

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("工會", "工会"),  # traditional
        ("浙江省總工會", "浙江省总工会"),
        ("鄒偉鋒", "邹伟锋"),  # a photographer's name, typed in traditional characters
        ("\u2f2f会", "工会"),  # ⼯ KANGXI RADICAL WORK
        ("ＣＮ３３", "cn33"),  # full-width
    ],
)
def test_a_query_finds_exactly_what_its_printed_form_finds(archive, typed, printed):
    assert str(parse(typed)) == printed
    assert found(typed) == found(printed)
    assert found(printed) or printed == "cn33"


def test_the_text_stays_as_printed(archive):
    assert not Article.objects.filter(body__contains="工會").exists()
    assert Article.objects.filter(body__contains="工会").exists()


def test_the_page_says_what_was_searched_in_the_paper_s_characters(client, archive):
    text = client.get("/search/", {"q": "總工會"}).text
    assert "总工会" in text
