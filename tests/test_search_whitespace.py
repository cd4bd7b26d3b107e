"""Whitespace between two Chinese characters never stops a match: a headline broken over two
lines, a paragraph cut by a column break. A space the reader types still separates two terms,
and the fields of an article are not run together."""

from __future__ import annotations

import pytest

from newspaper.models import Article
from search.analyzer import indexed
from search.highlight import highlight
from search.search_indexes import searchable_text
from tests.test_search import containing, found

pytestmark = pytest.mark.django_db

BROKEN_TITLE = "在高质量发展中 走好新时代赶考路"  # as the sample page of 2022-06-22 breaks it


def test_a_string_across_a_headline_break_is_found(archive):
    article = Article.objects.get(title=BROKEN_TITLE)
    assert found("发展中走好") == [article.pk]
    assert found("高质量发展中走好新时代") == [article.pk]


def test_a_string_across_a_line_break_inside_a_field_is_found(archive):
    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    article.body = article.body.replace("省委党校", "省委\n党校", 1)  # a column break mid-word
    article.save()
    from tests.conftest import drain

    drain()
    assert "省委党校举办基层" not in article.body and found("省委党校举办基层") == [article.pk]


def test_a_typed_space_still_means_two_terms(archive):
    both = found("发展中 赶考路")
    assert Article.objects.get(title=BROKEN_TITLE).pk in both
    assert set(both) == containing("发展中") & containing("赶考路")


def test_fields_are_not_run_together(archive):
    """The end of a title and the start of the next field are not one string."""
    article = Article.objects.get(title=BROKEN_TITLE)
    seam = article.title[-2:] + (article.subtitle or article.byline or article.body)[:2]
    assert seam not in indexed(article.title) and seam not in indexed(searchable_text(article))
    assert article.pk not in found(seam)


def test_the_hit_is_marked_across_the_break():
    assert str(highlight(BROKEN_TITLE, ["发展中走好"])) == "在高质量<mark>发展中 走好</mark>新时代赶考路"


def test_a_blank_line_and_latin_text_keep_their_spaces():
    assert indexed("工会\n\n培训") == "工会\n\n培训"
    assert indexed("Zhejiang Daily 浙江 日报") == "zhejiang daily 浙江日报"


def test_a_plain_search_for_a_photographer_finds_what_they_photographed(archive):
    """A name in a photo credit (stripped from the caption) is found like a name in a byline."""
    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    photographers = [c.person.name for c in article.credits.filter(role="photographer")]
    assert photographers, "the sample article credits a photographer"
    name = photographers[0]
    assert name not in article.body + article.byline + "".join(article.captions)
    assert article.pk in found(name)
    assert article.pk in found(f"作者:{name}")


def test_the_gap_between_chinese_characters_is_never_an_empty_match():
    from search.analyzer import CJK_GAP_RE

    assert CJK_GAP_RE.search("全省工会") is None  # nothing to join: no match at all, not an empty one
    assert [m.group(0) for m in CJK_GAP_RE.finditer("全省 工会\n干部\u3000\n 职工")] == [" ", "\n", "\u3000\n "]
