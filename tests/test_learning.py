"""Editors' OCR fixes teach look-alike pairs (issue 16): a correction replacing one character by
another records the pair; 容错 tries it first, and the merge suggestions count it."""

from __future__ import annotations

import pytest

from newspaper.learning import learned_pairs, substitutions
from newspaper.models import Article, LearnedLookalike
from search import tolerant as tolerance
from tests.conftest import admin_edit


def test_one_character_replaced_by_another_is_a_pair():
    assert substitutions("记者金钩胤报道", "记者金钧胤报道") == [("钩", "钧")]
    assert substitutions("固内贸易", "国内贸易") == [("固", "国")]


def test_insertions_deletions_and_rewrites_teach_nothing():
    assert substitutions("国内贸易", "国内外贸易") == []
    assert substitutions("国内贸易", "国贸易") == []
    assert substitutions("国内贸易展览会开幕", "省里召开了展会") == []
    assert substitutions("2022年", "2023年") == []  # not Chinese characters


@pytest.mark.django_db
def test_a_correction_in_the_admin_teaches_the_pair_and_tolerance_tries_it_first(admin_client, archive):
    tolerance._learned = (0.0, {})
    assert "沉阳市" not in tolerance.variants("沈阳市")  # not in the glyph table (冗 and 尤 differ too much)
    article = Article.objects.exclude(body="").first()
    admin_edit(admin_client, article, body=article.body + "沉阳市", change_reason="")
    article.refresh_from_db()
    admin_edit(admin_client, article, body=article.body.replace("沉阳市", "沈阳市"), change_reason="OCR 误识")
    assert list(LearnedLookalike.objects.values_list("printed", "corrected", "count")) == [("沉", "沈", 1)]
    assert learned_pairs()[("沈", "沉")] > 1.0  # above any pair of the table
    tolerance._learned = (0.0, {})
    assert tolerance.variants("沈阳市")[0] == "沉阳市"
