"""Ingestion: dumps → database (with the page's index work) → index, one page all-or-nothing,
idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from haystack.query import SearchQuerySet

from newspaper import ingest, reading, sources, store
from newspaper.ingest import Lookups, Status, ingest_source
from newspaper.models import Article, Credit, IndexWork, Issue, Page, Person, Topic, Union
from newspaper.sources import Source, iter_sources
from tests.conftest import SEEDS, drain, seed, zip_of

pytestmark = pytest.mark.django_db


def indexed_ids() -> set[int]:
    return {int(r.pk) for r in SearchQuerySet().models(Article).all()}


def test_it_imports_a_page_with_its_articles_people_and_index_entries():
    outcome = ingest_source(Source("002.txt", seed("002")))
    assert outcome.status == Status.CREATED
    page = Page.objects.get()
    assert (page.issue.date.isoformat(), page.number, page.editor, page.designer) == (
        "2022-05-19",
        1,
        "杜成敏",
        "俞莉萍",
    )
    assert page.issue.number == 12111
    assert page.raw_text == seed("002").decode("utf-8")
    assert len(page.sha256) == 64
    assert page.articles.count() == 5
    assert set(Person.objects.values_list("name", flat=True)) >= {"程雪", "阮向民", "邹伟锋", "徐思敏"}
    assert Credit.objects.filter(person__name="邹伟锋", role="photographer").exists()
    # the page's index work was written with it: new articles, added without a look-up
    assert set(IndexWork.objects.values_list("article_id", "page_id", "new", "bulk")) == {
        (pk, page.pk, True, True) for pk in page.articles.values_list("pk", flat=True)
    }
    drain()
    assert indexed_ids() == set(page.articles.values_list("pk", flat=True))
    assert not IndexWork.objects.exists()


def test_it_reports_the_same_page_again_as_unchanged():
    ingest_source(Source("002.txt", seed("002")))
    again = ingest_source(Source("copy-of-002.txt", seed("002")))
    assert again.status == Status.UNCHANGED
    assert (Page.objects.count(), Article.objects.count()) == (1, 5)


def test_it_updates_a_changed_page_in_place_keeping_article_ids():
    ingest_source(Source("002.txt", seed("002")))
    before = list(Article.objects.order_by("order").values_list("pk", "title"))
    fixed = seed("002").decode().replace("省总工会举办基层党组织书记培训班", "省总工会举办基层党组织书记培训会")
    outcome = ingest_source(Source("002-fixed.txt", fixed.encode()))
    assert outcome.status == Status.UPDATED
    after = list(Article.objects.order_by("order").values_list("pk", "title"))
    assert [pk for pk, _ in after] == [pk for pk, _ in before]
    assert after[1][1] == "省总工会举办基层党组织书记培训会"
    assert Page.objects.get().source_name == "002-fixed.txt"
    drain()
    assert SearchQuerySet().models(Article).filter(grams__exact="培训会").count() == 1


def test_each_import_of_a_page_is_one_history_version_per_article_with_its_topics():
    ingest_source(Source("002.txt", seed("002")))
    fixed = seed("002").decode().replace("省总工会举办基层党组织书记培训班", "省总工会举办基层党组织书记培训会")
    ingest_source(Source("002-fixed.txt", fixed.encode()))
    articles = list(Article.objects.prefetch_related("topics"))
    assert any(a.topics.all() for a in articles)
    for article in articles:
        versions = list(article.history.order_by("history_id"))
        assert [v.history_type for v in versions] == ["+", "~"]
        assert versions[-1].title == article.title
        for version in versions:
            assert {t.topic_id for t in version.topics.all()} == {t.pk for t in article.topics.all()}


def test_a_new_version_of_an_article_with_topics_set_by_hand_records_those_topics():
    ingest_source(Source("002.txt", seed("002")))
    article = Article.objects.get(order=1)
    chosen = Topic.objects.create(name="手选", slug="shou-xuan")
    article.topics.set([chosen])
    Article.objects.filter(pk=article.pk).update(topics_locked=True)
    fixed = seed("002").decode().replace("核酸采样", "核酸检测采样")
    ingest_source(Source("002-fixed.txt", fixed.encode()))
    latest = article.history.latest("history_id")
    assert "核酸检测采样" in latest.title
    assert [t.topic_id for t in latest.topics.all()] == [chosen.pk]


def test_a_page_that_fails_in_a_batch_import_leaves_no_rolled_back_row_remembered(monkeypatch):
    fail_on_the_third_article(monkeypatch)
    lookups = Lookups()
    assert ingest_source(Source("002.txt", seed("002")), lookups=lookups).failed
    assert lookups.issue is None and not lookups.unions
    assert not IndexWork.objects.exists()  # rolled back with the page
    monkeypatch.undo()
    again = ingest_source(Source("002-again.txt", seed("002")), lookups=lookups)
    assert again.status == Status.CREATED
    page = Page.objects.get()
    assert Issue.objects.filter(pk=page.issue_id).exists()
    linked = set(Article.unions.through.objects.values_list("union_id", flat=True))
    assert linked and linked <= set(Union.objects.values_list("pk", flat=True))
    drain()
    assert Article.objects.filter(page=page).count() == 5 and len(indexed_ids()) == 5


def test_the_pages_of_a_batch_import_share_what_they_looked_up(django_assert_max_num_queries):
    lookups = Lookups()
    ingest_source(Source("002.txt", seed("002")), lookups=lookups)
    second = "工会新闻\n\n本报讯 记者程雪报道 省总工会和杭州钢铁集团有限公司工会委员会今天召开了会议。\n"
    with django_assert_max_num_queries(30) as counted:
        outcome = ingest_source(Source("p2.txt", second.encode()), date=dt.date(2022, 5, 19), page=2, lookups=lookups)
    assert outcome.status == Status.CREATED
    assert sorted(u.name for u in Article.objects.get(page__number=2).unions.all()) == [
        "杭州钢铁集团有限公司工会",
        "浙江省总工会",
    ]
    # … no topic, issue or known union is read again, and the new union's name is looked up once
    read = [q["sql"].split(" FROM ")[1].split()[0] for q in counted.captured_queries if q["sql"].startswith("SELECT")]
    assert not {'"newspaper_topic"', '"newspaper_issue"'} & set(read), read
    assert read.count('"newspaper_union"') == 1, read


def articles_as_stored() -> list[tuple]:
    return [
        (str(a.page.issue.date), a.page.number, a.order, a.title, a.body, a.regions,
         sorted(u.name for u in a.unions.all()), sorted(t.name for t in a.topics.all()),
         sorted(c.person.name for c in a.credits.all()))
        for a in Article.objects.order_by("page__issue__date", "page__number", "order")
    ]  # fmt: skip


def test_pages_read_ahead_in_a_second_process_are_stored_as_read_here(monkeypatch, django_db_reset_sequences):
    many = [Source(p.name, p.read_bytes()) for p in SEEDS] + [Source("empty.txt", b"")]
    outcomes = list(ingest.ingest_sources(many))  # a few: read in this process
    here = articles_as_stored()
    Article.objects.all().delete()
    Page.objects.all().delete()
    monkeypatch.setattr(ingest, "READ_AHEAD_FROM", 1)
    looked_up = []
    real = Lookups.unions_in
    monkeypatch.setattr(
        Lookups, "unions_in", lambda self, text: looked_up.append(text in self.ahead_unions) or real(self, text)
    )
    ahead = list(ingest.ingest_sources(many))
    assert [o.line() for o in ahead] == [o.line() for o in outcomes]
    assert ahead[-1].failed
    assert articles_as_stored() == here
    assert looked_up and all(looked_up)  # every article's unions were found by the reading process


def test_it_removes_articles_a_new_version_of_the_page_no_longer_has():
    ingest_source(Source("002.txt", seed("002")))
    drain()
    shorter = seed("002").decode().split("德清工会以")[0]
    ingest_source(Source("002-short.txt", shorter.encode()))
    assert Article.objects.count() == 4
    drain()
    assert len(indexed_ids()) == 4


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_it_imports_each_encoding_and_keeps_the_decoded_text(encoding):
    text = seed("004").decode("utf-8")
    outcome = ingest_source(Source(f"004.{encoding}.txt", text.encode(encoding)))
    assert outcome.status == Status.CREATED, outcome.message
    page = Page.objects.get()
    assert page.encoding == encoding
    assert page.raw_text.replace("\r\n", "\n") == text


def test_a_bad_file_among_good_ones_fails_alone(tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(seed("000"))
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02 not text" * 50)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_bytes(seed("003"))
    with pytest.raises(CommandError, match="1 of 3 dumps failed"):
        call_command("ingest", str(tmp_path))
    _, err = capsys.readouterr()
    assert "b.txt: failed: binary data, not a text dump" in err
    assert "Traceback" not in err
    assert Page.objects.count() == 2


def test_a_page_whose_commit_fails_stores_nothing_and_queues_nothing(monkeypatch):
    """The database refusing the page at its very end (after its index work is written): the
    page, its articles and its index work go together."""
    real = ingest.outbox.queue

    def then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(ingest.outbox, "queue", then_fail)
    outcome = ingest_source(Source("002.txt", seed("002")))
    assert outcome.failed
    assert "disk full" in outcome.message
    counts = [m.objects.count() for m in (Issue, Page, Article, Credit, IndexWork)]
    assert counts == [0, 0, 0, 0, 0]


def fail_on_the_third_article(monkeypatch) -> None:
    """Make storing a page fail half-way: at its third article's unions."""
    real = store.store_unions
    calls = []

    def fail_on_third_article(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "store_unions", fail_on_third_article)


def test_it_rolls_back_a_page_that_fails_half_way(monkeypatch):
    fail_on_the_third_article(monkeypatch)
    outcome = ingest_source(Source("002.txt", seed("002")))
    assert outcome.failed and "boom" in outcome.message
    assert Article.objects.count() == 0 and not IndexWork.objects.exists()


def test_a_failed_update_leaves_the_previous_version_intact_and_searchable(monkeypatch):
    ingest_source(Source("002.txt", seed("002")))
    drain()
    monkeypatch.setattr(ingest.outbox, "queue", lambda *args, **kwargs: 1 / 0)
    changed = seed("002").decode().replace("培训班", "研修班").encode()
    assert ingest_source(Source("002-v2.txt", changed)).failed
    assert Article.objects.filter(title__contains="培训班").count() == 1
    assert Page.objects.get().source_name == "002.txt"
    assert len(indexed_ids()) == 5 and not IndexWork.objects.exists()


def test_dry_run_stores_nothing():
    outcome = ingest_source(Source("002.txt", seed("002")), dry_run=True)
    assert outcome.status == Status.CREATED and outcome.articles == 5
    assert (Page.objects.count(), Article.objects.count(), IndexWork.objects.count()) == (0, 0, 0)


def test_it_needs_a_date_for_a_dump_without_one_and_takes_it_from_the_option(tmp_path):
    dump = tmp_path / "p3.txt"
    dump.write_text("工会新闻\n\n本报讯 记者程雪报道 今天召开了会议。\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("ingest", str(dump))
    call_command("ingest", str(dump), "--date", "2022-05-19", "--page", "3")
    page = Page.objects.get()
    assert (page.issue.date.isoformat(), page.number) == ("2022-05-19", 3)


def test_it_imports_the_dumps_inside_a_zip(tmp_path):
    path = tmp_path / "batch.zip"
    path.write_bytes(zip_of({"2022/000.txt": seed("000"), "2022/004.txt": seed("004").decode().encode("gb18030")}))
    call_command("ingest", str(path))
    assert sorted(Page.objects.values_list("source_name", "encoding")) == [
        ("batch.zip:2022/000.txt", "utf-8"),
        ("batch.zip:2022/004.txt", "gb18030"),
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [("../evil.txt", "unsafe path"), ("/etc/evil.txt", "unsafe path"), ("photo.jpg", "not a .txt dump")],
)
def test_it_refuses_unsafe_or_foreign_zip_entries(name, reason):
    found = list(sources.iter_zip("x.zip", zip_of({name: seed("000"), "ok.txt": seed("000")})))
    errors = {s.name: s.error for s in found}
    assert reason in errors[f"x.zip:{name}"]
    assert errors["x.zip:ok.txt"] is None


def test_it_refuses_a_zip_bomb():
    (source,) = sources.iter_zip("bomb.zip", zip_of({"big.txt": b"0" * 5_000_000}))
    assert "compression ratio" in source.error


def test_it_reports_a_missing_path():
    (source,) = iter_sources(["/no/such/file.txt"])
    assert source.error == "no such file or folder"


def test_the_dumps_are_counted_without_reading_them_and_read_one_at_a_time(tmp_path, monkeypatch):
    folder = tmp_path / "pages"
    (folder / "2022").mkdir(parents=True)
    (folder / "2022" / "000.txt").write_bytes(seed("000"))
    (folder / "notes.md").write_text("not a dump")
    (folder / "batch.zip").write_bytes(
        zip_of({"a/002.txt": seed("002"), "__MACOSX/._002.txt": b"x", ".hidden.txt": b"x", "photo.jpg": b"x"})
    )
    (folder / "broken.zip").write_bytes(b"not a zip")
    paths = [folder, tmp_path / "missing.txt"]
    read = []
    monkeypatch.setattr(sources.Path, "read_bytes", lambda self: read.append(self.name) or b"")
    assert sources.count_sources(paths) == 5  # 000.txt, a/002.txt, photo.jpg (refused), broken.zip, missing
    assert read == []
    monkeypatch.undo()
    assert len(list(iter_sources(paths))) == 5


def test_the_command_streams_its_dumps(tmp_path, monkeypatch, capsys):
    for name in ("000", "001", "002", "003", "004"):
        (tmp_path / f"{name}.txt").write_bytes(seed(name))
    monkeypatch.setattr(ingest, "READ_AHEAD_FROM", 2)
    monkeypatch.setattr(reading, "AHEAD", 1)
    stored_when_read = []
    real = sources.read_file

    def read_file(path):
        stored_when_read.append(Page.objects.count())
        return real(path)

    monkeypatch.setattr(sources, "read_file", read_file)
    call_command("ingest", str(tmp_path))
    # Two peeked at, then each read one page ahead of the one being stored.
    assert stored_when_read == [0, 0, 1, 2, 3], stored_when_read
    assert "5 dumps: 5 created" in capsys.readouterr().out


def test_reparse_rebuilds_articles_from_the_stored_raw_text(capsys):
    ingest_source(Source("002.txt", seed("002")))
    Article.objects.filter(order=1).update(title="damaged")
    call_command("reparse")
    assert Article.objects.get(order=1).title == "助力打造步行15分钟 核酸采样“服务圈”"
    assert "1 pages: 1 updated" in capsys.readouterr().out


def test_the_sample_pages_import_through_the_command_and_are_searchable_when_it_returns(capsys):
    call_command("ingest", *[str(p) for p in SEEDS])
    assert "5 dumps: 5 created, 0 updated, 0 unchanged, 0 failed" in capsys.readouterr().out
    assert Issue.objects.count() == 5
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True)) and not IndexWork.objects.exists()


def test_each_test_starts_with_an_empty_index():
    assert SearchQuerySet().models(Article).count() == 0


def test_the_unions_an_import_met_are_looked_up_by_name_not_walked_and_are_bounded(monkeypatch):
    class Known(dict):
        def keys(self):
            raise AssertionError("every known union walked for one page")

        def __iter__(self):
            raise AssertionError("every known union walked for one page")

    lookups = Lookups(unions=Known())
    ingest_source(Source("002.txt", seed("002")), lookups=lookups)
    assert Article.objects.filter(unions__isnull=False).exists() and len(lookups.unions) > 2
    monkeypatch.setattr(store, "KNOWN_UNIONS", 2)
    ingest_source(Source("001.txt", seed("001")), lookups=lookups)
    assert len(lookups.unions) < Union.objects.count()  # forgotten past the bound, read again
