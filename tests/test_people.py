"""One person, one name (issue 16): aliases followed by imports, the suggested merges of names one
look-alike character apart, a merge and its undoing (credits, aliases, the index), person pages."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse

from newspaper import outbox, people
from newspaper.ingest import ingest_source
from newspaper.models import Article, Credit, DistinctPeople, IndexWork, Issue, Person, PersonMerge
from newspaper.recognise.lookalikes import lookalike_pairs
from newspaper.sources import Source
from newspaper.store import _store_people
from tests.conftest import drain, seed
from tests.test_search import found

pytestmark = pytest.mark.django_db

PAIRS = {frozenset({"金钧胤", "金钩胤"}), frozenset({"邹伟锋", "邹伟峰"})}


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def articles_of(name: str) -> set[int]:
    return set(Article.objects.filter(credits__person__name=name).values_list("pk", flat=True))


def suggested() -> set[frozenset[str]]:
    return {frozenset({s.keep.name, s.variant.name}) for s in people.suggest()}


# -- the look-alike table -------------------------------------------------------------------------
def test_the_seed_pairs_stand_in_until_the_table_ships_both_ways(tmp_path):
    pairs = lookalike_pairs(tmp_path / "absent.tsv")
    for a, b in ["钧钩", "锋峰", "己已", "未末", "土士", "戊戌", "日曰", "人入", "大太", "王玉", "千干"]:
        assert pairs[a, b] == pairs[b, a] > 0
    assert ("金", "全") not in pairs and len(pairs) < 60  # a seed, not a table


def test_the_table_is_read_when_present_passing_over_headers_and_comments(tmp_path):
    table = tmp_path / "lookalikes.tsv"
    table.write_text("a\tb\tscore\n# a comment\n钧\t钩\t0.9\n未\t末\t0.7\nbad line\n", encoding="utf-8")
    assert lookalike_pairs(table) == {("钧", "钩"): 0.9, ("钩", "钧"): 0.9, ("未", "末"): 0.7, ("末", "未"): 0.7}


# -- imports follow aliases -----------------------------------------------------------------------
def test_an_import_credits_the_person_whose_alias_it_meets():
    kept = Person.objects.create(name="金钧胤", aliases=["金钩胤"])
    ingest_source(Source("000.txt", seed("000")))  # printed 金钩胤 there
    assert not Person.objects.filter(name="金钩胤").exists()
    assert Credit.objects.filter(person=kept, role="reporter").count() == 2


def test_a_name_and_its_alias_in_one_byline_are_one_credit(archive):
    Person.objects.create(name="某甲", aliases=["某乙"])
    article = Article.objects.first()
    _store_people([article], [[("某甲", "photographer"), ("某乙", "photographer")]], new=False)
    assert list(article.credits.values_list("person__name", "role")) == [("某甲", "photographer")]


def test_looking_names_up_takes_a_few_queries_however_many_names(archive, django_assert_max_num_queries):
    Person.objects.create(name="某甲", aliases=["某乙"])
    articles = list(Article.objects.all()[:5])
    credits = [[(f"新人{i}{j}", "reporter") for j in range(40)] + [("某乙", "other")] for i in range(5)]
    # the old credits (read and deleted), names, aliases, new people (inserted, read), credits
    with django_assert_max_num_queries(7), outbox.signals_paused():  # as an import stores a page
        _store_people(articles, credits, new=False)
    assert Credit.objects.filter(person__name="某甲").count() == 5


# -- suggestions ------------------------------------------------------------------------------------
def test_it_suggests_the_two_variants_on_the_sample_pages_and_nothing_else(archive):
    assert suggested() == PAIRS
    pair = next(s for s in people.suggest() if s.keep.name.startswith("邹"))
    assert (pair.keep.name, pair.keep.articles, pair.variant.articles) == ("邹伟锋", 3, 2)  # more articles kept
    assert pair.roles == ["photographer"] and pair.role_labels == ["摄影"]


def test_the_command_lists_the_pairs_with_their_article_counts(archive, capsys):
    call_command("suggest_person_merges")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert any("邹伟锋 (3 articles" in line and "邹伟峰 (2 articles" in line for line in lines)
    assert any("金钩胤 (2 articles" in line and "金钧胤 (1 article," in line for line in lines)


def test_people_in_no_common_role_are_not_suggested(archive):
    Credit.objects.filter(person__name="金钩胤").update(role="correspondent")
    assert suggested() == {frozenset({"邹伟锋", "邹伟峰"})}


@pytest.mark.parametrize(("year", "suggested_too"), [(2022, True), (2021, True), (2020, False)])
def test_years_must_overlap_or_be_at_most_two_apart(archive, year, suggested_too):
    """金钧胤 is credited in 2023 only; 金钩胤's issue moved back to `year`."""
    issue = Issue.objects.filter(pages__articles__credits__person__name="金钩胤").distinct().get()
    Issue.objects.filter(pk=issue.pk).update(date=issue.date.replace(year=year))
    assert (frozenset({"金钧胤", "金钩胤"}) in suggested()) is suggested_too


def test_names_alike_but_not_by_a_look_alike_character_are_not_suggested(archive):
    Person.objects.filter(name="金钩胤").update(name="金钢胤")  # 钢 does not look like 钧
    assert suggested() == {frozenset({"邹伟锋", "邹伟峰"})}


# -- merging and undoing ----------------------------------------------------------------------------
def test_a_merge_moves_every_credit_keeps_the_alias_and_queues_the_index(archive):
    kept, variant = person("金钧胤"), person("金钩胤")
    theirs, mine = articles_of("金钩胤"), articles_of("金钧胤")
    IndexWork.objects.all().delete()
    record = people.merge(kept, variant)
    kept.refresh_from_db()
    assert kept.aliases == ["金钩胤"] and not Person.objects.filter(pk=variant.pk).exists()
    assert articles_of("金钧胤") == theirs | mine
    assert set(IndexWork.objects.values_list("article_id", flat=True)) == theirs | mine
    assert (record.person, record.variant_name, record.variant_pk) == (kept, "金钩胤", variant.pk)
    assert {c["article"] for c in record.credits} == theirs
    drain()
    assert set(found("金钧胤")) == theirs | mine
    assert set(found("", person="金钧胤")) == theirs | mine


def test_after_a_merge_the_variant_name_finds_the_kept_persons_articles_too(archive):
    both = articles_of("金钩胤") | articles_of("金钧胤")
    people.merge(person("金钧胤"), person("金钩胤"))
    drain()
    assert set(found("作者:金钩胤")) == both and set(found("金钩胤")) == both


def test_undoing_a_merge_restores_the_variant_its_credits_and_takes_the_alias_back(archive):
    kept, variant = person("邹伟锋"), person("邹伟峰")
    theirs, mine = articles_of("邹伟峰"), articles_of("邹伟锋")
    record = people.merge(kept, variant)
    drain()
    restored = people.undo(record)
    assert (restored.pk, restored.name) == (variant.pk, "邹伟峰")
    assert articles_of("邹伟峰") == theirs and articles_of("邹伟锋") == mine
    kept.refresh_from_db()
    assert kept.aliases == []
    assert set(IndexWork.objects.values_list("article_id", flat=True)) == theirs | mine
    record.refresh_from_db()
    assert record.undone_at is not None
    with pytest.raises(people.MergeRefusedError):
        people.undo(record)
    drain()
    assert set(found("", person="邹伟峰")) == theirs


def test_a_credit_the_kept_person_already_has_is_dropped_and_written_back_on_undo(archive):
    kept, variant = person("邹伟锋"), person("邹伟峰")
    article = Article.objects.filter(credits__person=variant).first()
    Credit.objects.create(article=article, person=kept, role="photographer", order=5)
    record = people.merge(kept, variant)  # one credit per article, person and role
    assert Credit.objects.filter(article=article, person=kept).count() == 1
    people.undo(record)
    assert {"邹伟锋", "邹伟峰"} <= set(article.credits.values_list("person__name", flat=True))


def test_an_import_after_a_merge_credits_the_kept_person_and_undo_still_restores(archive):
    kept, variant = person("金钧胤"), person("金钩胤")
    theirs = articles_of("金钩胤")
    record = people.merge(kept, variant)
    changed = seed("000").replace("版".encode(), "版 ".encode(), 1)  # the same page, scanned again
    assert ingest_source(Source("000-again.txt", changed)).status == "updated"
    assert not Person.objects.filter(name="金钩胤").exists() and theirs <= articles_of("金钧胤")
    people.undo(record)
    assert articles_of("金钩胤") == theirs


def test_a_merge_of_a_merged_person_is_undone_step_by_step(archive):
    first = people.merge(person("邹伟锋"), person("邹伟峰"))
    Person.objects.create(name="邹伟锋甲")
    second = people.merge(person("邹伟锋甲"), person("邹伟锋"))
    assert person("邹伟锋甲").aliases == ["邹伟锋", "邹伟峰"]
    first.refresh_from_db()
    assert first.person == person("邹伟锋甲")  # the earlier merge follows its person
    people.undo(second)
    first.refresh_from_db()
    assert first.person == person("邹伟锋") and person("邹伟锋").aliases == ["邹伟峰"]
    people.undo(first)
    assert person("邹伟锋").aliases == [] and articles_of("邹伟峰")


def test_a_person_cannot_be_merged_into_itself(archive):
    with pytest.raises(people.MergeRefusedError):
        people.merge(person("程雪"), person("程雪"))


# -- the admin ----------------------------------------------------------------------------------
def test_the_admin_lists_the_suggestions_merges_one_and_undoes_it(archive, admin_client):
    from django.contrib.admin.models import LogEntry

    page = admin_client.get(reverse("admin:newspaper_person_suggestions")).content.decode()
    assert "金钧胤" in page and "邹伟峰" in page and page.count(">合并</button>") == 2
    kept, variant = person("金钧胤"), person("金钩胤")
    response = admin_client.post(
        reverse("admin:newspaper_person_merge"), {"keep": kept.pk, "people": [kept.pk, variant.pk]}, follow=True
    )
    assert "已将“金钩胤”并入“金钧胤”" in response.content.decode()
    assert not Person.objects.filter(name="金钩胤").exists()
    assert LogEntry.objects.filter(object_id=str(kept.pk), change_message__contains="金钩胤").exists()
    record = PersonMerge.objects.get()
    page = admin_client.get(reverse("admin:newspaper_person_merges")).content.decode()
    assert "金钩胤" in page and ">撤销</button>" in page
    response = admin_client.post(reverse("admin:newspaper_person_undo", args=[record.pk]), follow=True)
    assert "已撤销合并" in response.content.decode() and person("金钩胤").pk == variant.pk


def test_the_changelist_action_merges_the_selected_into_the_one_chosen(archive, admin_client):
    ids = [person("金钧胤").pk, person("金钩胤").pk]
    url = reverse("admin:newspaper_person_changelist")
    asked = admin_client.post(url, {"action": "merge_selected", "_selected_action": ids})
    assert "选择要保留的一人" in asked.content.decode()
    admin_client.post(url, {"action": "merge_selected", "_selected_action": ids, "keep": ids[0]})
    assert person("金钧胤").aliases == ["金钩胤"]


def test_a_pair_judged_different_is_not_suggested_again_until_the_judgement_is_deleted(archive, admin_client):
    kept, variant = person("金钧胤"), person("金钩胤")
    response = admin_client.post(
        reverse("admin:newspaper_person_distinct"), {"people": [kept.pk, variant.pk]}, follow=True
    )
    page = response.content.decode()
    assert "不再建议合并" in page and page.count(">合并</button>") == 1  # 邹伟锋/邹伟峰 still offered
    assert suggested() == {frozenset({"邹伟锋", "邹伟峰"})}
    call_command("suggest_person_merges")  # the command follows the same judgement
    judged = DistinctPeople.objects.get()
    assert (judged.first, judged.second) == tuple(sorted(["金钧胤", "金钩胤"]))
    listing = admin_client.get(reverse("admin:newspaper_distinctpeople_changelist")).content.decode()
    assert "金钩胤" in listing
    admin_client.post(reverse("admin:newspaper_distinctpeople_delete", args=[judged.pk]), {"post": "yes"}, follow=True)
    assert suggested() == PAIRS
    admin_client.post(reverse("admin:newspaper_person_distinct"), {"people": [kept.pk]})  # not a pair
    assert not DistinctPeople.objects.exists()


def test_the_command_leaves_out_pairs_judged_different(archive, capsys):
    people.judge_distinct(person("邹伟锋"), person("邹伟峰"))
    call_command("suggest_person_merges")
    out = capsys.readouterr().out
    assert "金钧胤" in out and "邹伟峰" not in out


def test_an_editor_without_the_right_cannot_merge(archive, client):
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_person"))
    client.force_login(viewer)
    assert "合并</button>" not in client.get(reverse("admin:newspaper_person_suggestions")).content.decode()
    ids = [person("金钧胤").pk, person("金钩胤").pk]
    assert client.post(reverse("admin:newspaper_person_merge"), {"keep": ids[0], "people": ids}).status_code == 403
    assert Person.objects.filter(name="金钩胤").exists()


# -- person pages -------------------------------------------------------------------------------------
def test_a_person_page_shows_roles_aliases_and_articles_over_time(archive, client):
    people.merge(person("邹伟锋"), person("邹伟峰"))
    kept = person("邹伟锋")
    page = client.get(reverse("newspaper:person-detail", args=[kept.pk])).content.decode()
    assert "<h1>邹伟锋</h1>" in page and "又作：邹伟峰" in page and "摄影 5 篇" in page
    assert "2022年" in page and "2023年" in page and "共 5 篇报道" in page
    for article in Article.objects.filter(credits__person=kept):
        assert article.get_absolute_url() in page


def test_a_person_page_escapes_the_name(db, client):
    someone = Person.objects.create(name="<b>某</b>", aliases=["<i>乙</i>"])
    page = client.get(someone.get_absolute_url()).content.decode()
    assert "&lt;b&gt;某&lt;/b&gt;" in page and "&lt;i&gt;乙&lt;/i&gt;" in page and "<b>某" not in page


def test_an_unknown_person_is_a_404(db, client):
    assert client.get("/people/999999/").status_code == 404
    assert client.get("/people/named/无此人/").status_code == 404


def test_a_name_or_an_alias_leads_to_the_persons_page(archive, client):
    people.merge(person("金钧胤"), person("金钩胤"))
    url = person("金钧胤").get_absolute_url()
    assert client.get(reverse("newspaper:person-named", args=["金钧胤"])).url == url
    assert client.get(reverse("newspaper:person-named", args=["金钩胤"])).url == url


def test_any_name_has_a_link_to_its_page_even_with_a_slash(db, client):
    someone = Person.objects.create(name="张/王", aliases=["张 王"])
    assert client.get(reverse("newspaper:person-named", args=["张/王"])).url == someone.get_absolute_url()
    assert client.get(reverse("newspaper:person-named", args=["张 王"])).url == someone.get_absolute_url()


def test_editing_a_persons_aliases_queues_their_articles(archive):
    kept = person("程雪")
    IndexWork.objects.all().delete()
    kept.aliases = ["程雪（笔误）"]
    kept.save()
    assert set(IndexWork.objects.values_list("article_id", flat=True)) == articles_of("程雪")


def test_an_article_links_its_credited_names_to_their_pages(archive, client):
    article = Article.objects.filter(credits__person__name="金钩胤").first()
    people.merge(person("金钧胤"), person("金钩胤"))  # the byline still prints 金钩胤
    page = client.get(article.get_absolute_url()).content.decode()
    url = person("金钧胤").get_absolute_url()
    assert f'<a href="{url}">金钩胤</a>' in page  # in the byline
    assert f'<a href="{url}">金钧胤</a>' in page  # in the credits


def test_the_person_facet_links_each_name_to_its_page(client, archive):
    name = person("邹伟锋").name
    for url in ("/search/?q=工会", "/search/facet/person/?q=工会"):
        text = client.get(url).text
        assert f'href="/people/named/{name}/"' in text or f"/people/named/{quote(name)}/" in text, url


def test_after_a_merge_the_person_filter_takes_the_variant_name_too(archive):
    both = articles_of("金钩胤") | articles_of("金钧胤")
    people.merge(person("金钧胤"), person("金钩胤"))
    drain()
    assert set(found("", person="金钩胤")) == both == set(found("", person="金钧胤"))
