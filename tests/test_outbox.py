"""Every change that alters what the index holds writes its index work in its own transaction;
the writer writes it from the articles as they are once it holds the lock, never twice, never
lost; `check_index` proves the index matches the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from haystack import connections
from haystack.query import SearchQuerySet

from newspaper.ingest import ingest_source
from newspaper.models import Article, Credit, IndexWork, IndexWriterStatus, Issue, Person, Topic, Union
from newspaper.sources import Source
from search import consistency, writer
from tests.conftest import SEEDS, drain, on_postgresql, seed

pytestmark = pytest.mark.django_db


def queued() -> set[int]:
    return set(IndexWork.objects.values_list("article_id", flat=True))


def facet(name: str) -> dict[str, int]:
    return dict(SearchQuerySet().models(Article).facet(name, limit=1000).facet_counts()["fields"][name])


def found(**filters) -> set[int]:
    return {int(r.pk) for r in SearchQuerySet().models(Article).filter(**filters)}


def check() -> consistency.Difference:
    return consistency.compare(connections["default"].get_backend(), full=True)


class TestChangesQueueTheirArticles:
    def test_renaming_a_union_queues_its_articles_and_the_facet_follows(self, archive):
        union = Union.objects.get(name="德清县总工会")
        linked = set(union.articles.values_list("pk", flat=True))
        union.name = "德清县总工会（新）"
        union.save()
        assert queued() == linked
        drain()
        assert facet("union").get("德清县总工会（新）") == len(linked) and "德清县总工会" not in facet("union")
        assert check().matches

    def test_a_rename_rolled_back_queues_nothing(self, archive):
        union = Union.objects.get(name="德清县总工会")
        with pytest.raises(RuntimeError), transaction.atomic():
            union.name = "不存在的名字"
            union.save()
            assert queued()
            raise RuntimeError("the editor's request failed")
        assert not queued()

    def test_a_save_that_changes_nothing_indexed_queues_nothing(self, archive):
        union = Union.objects.get(name="德清县总工会")
        union.aliases = [*union.aliases, "德清县工会"]
        union.save()
        assert not queued()

    def test_renaming_a_person_a_topic_or_moving_an_issue_queues_their_articles(self, archive):
        person = Person.objects.get(name="程雪")
        topic = Topic.objects.get(name="工会建设")
        issue = Issue.objects.get(date=dt.date(2022, 5, 19))
        for row, field, value, related in [
            (person, "name", "程雪（更正）", Article.objects.filter(credits__person=person)),
            (topic, "name", "工会自身建设", Article.objects.filter(topics=topic)),
            (issue, "date", dt.date(2022, 5, 20), Article.objects.filter(page__issue=issue)),
        ]:
            before = IndexWork.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            setattr(row, field, value)
            row.save()
            since = set(IndexWork.objects.filter(pk__gt=before).values_list("article_id", flat=True))
            assert since == set(related.values_list("pk", flat=True)) != set(), row
        drain()
        assert found(person="程雪（更正）") and not found(person="程雪")
        assert found(topic="工会自身建设") and not found(topic="工会建设")
        assert found(date=dt.date(2022, 5, 20)) == set(
            Article.objects.filter(page__issue=issue).values_list("pk", flat=True)
        )
        assert check().matches

    def test_deleting_a_union_or_changing_relations_from_either_side_queues_the_articles(self, archive):
        union = Union.objects.get(name="德清县总工会")
        linked = set(union.articles.values_list("pk", flat=True))
        union.delete()
        assert queued() == linked
        drain()
        assert "德清县总工会" not in facet("union")
        article = Article.objects.exclude(pk__in=linked).first()
        Union.objects.get(name="中华全国总工会").articles.add(article)  # the reverse side
        assert queued() == {article.pk}
        article.topics.add(Topic.objects.get(name="文体活动"))
        Credit.objects.create(article=article, person=Person.objects.create(name="新作者"), role="reporter")
        drain()
        assert {article.pk} <= found(union="中华全国总工会") & found(topic="文体活动") & found(person="新作者")
        assert check().matches

    def test_merging_two_unions_in_the_admin_moves_their_articles_and_the_facets_follow(self, admin_client, archive):
        keep, other = Union.objects.get(name="湖州市总工会"), Union.objects.get(name="德清县总工会")
        named = set(other.articles.values_list("pk", flat=True))
        both = set(keep.articles.values_list("pk", flat=True)) | named
        url = "/admin/newspaper/union/"
        selected = {"action": "merge_selected", "_selected_action": [keep.pk, other.pk]}
        confirm = admin_client.post(url, selected)
        assert "选择要保留的一项" in confirm.text and "德清县总工会" in confirm.text
        response = admin_client.post(url, {**selected, "keep": keep.pk})
        assert response.status_code == 302
        keep.refresh_from_db()
        assert not Union.objects.filter(name="德清县总工会").exists() and "德清县总工会" in keep.aliases
        assert set(keep.articles.values_list("pk", flat=True)) == both
        assert queued() == named
        drain()
        assert facet("union").get("湖州市总工会") == len(both) and "德清县总工会" not in facet("union")
        assert check().matches

    def test_a_restored_version_is_queued(self, archive):
        article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
        article.body += "临时改动"
        article.save()
        drain()
        article.history.all()[1].instance.save()  # the version before
        assert queued() == {article.pk}
        drain()
        assert not found(grams="临时改动") and check().matches


class TestTheWriter:
    def test_it_writes_the_article_as_it_is_once_it_holds_the_lock(self, archive, monkeypatch):
        """A correction saved while the writer waited for the lock is what gets written: the
        writer reads the rows and the articles after taking the lock."""
        article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
        article.body += "第一次更正"
        article.save()
        real = writer.WriterLock.acquire

        def a_second_correction_lands_meanwhile(self, *args, **kwargs):
            Article.objects.filter(pk=article.pk).update(body=article.body.replace("第一次更正", "第二次更正"))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(writer.WriterLock, "acquire", a_second_correction_lands_meanwhile)
        drain()
        assert found(grams="第二次更正") == {article.pk} and not found(grams="第一次更正")

    def test_killed_after_its_index_commit_but_before_clearing_the_outbox_it_indexes_nothing_twice(
        self, db, monkeypatch
    ):
        for path in SEEDS:
            ingest_source(Source(path.name, path.read_bytes()))
        real = IndexWork.objects.filter

        def the_database_fails(*args, **kwargs):
            if "pk__in" in kwargs:
                raise OSError("the database went away")
            return real(*args, **kwargs)

        monkeypatch.setattr(IndexWork.objects, "filter", the_database_fails)
        with pytest.raises(OSError):  # as a writer killed there: its rows not deleted, nor marked failed
            writer.IndexWriter().write_batch(force=True)
        monkeypatch.undo()
        assert len(queued()) == Article.objects.count()  # indexed, yet still queued (as "new")
        assert SearchQuerySet().models(Article).count() == Article.objects.count()
        drain()
        assert SearchQuerySet().models(Article).count() == Article.objects.count()  # not twice
        assert check().matches

    def test_a_disk_that_fails_leaves_the_work_queued_with_its_reason_and_it_is_written_later(self, db, monkeypatch):
        from search import gram_writer

        for path in SEEDS:
            ingest_source(Source(path.name, path.read_bytes()))
        real = gram_writer.write_merged

        def no_space(*args):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(gram_writer, "write_merged", no_space)
        writer.IndexWriter().write_batch(force=True)
        assert {w.error for w in IndexWork.objects.all()} == {"OSError: [Errno 28] No space left on device"}
        assert SearchQuerySet().models(Article).count() == 0  # nothing half-written
        assert "No space left" in IndexWriterStatus.objects.get().last_error
        monkeypatch.setattr(gram_writer, "write_merged", real)
        IndexWork.objects.update(retry_at=None)
        drain()
        assert check().matches and not queued()

    def test_an_import_row_retried_after_an_edit_was_written_replaces_the_entry(self, db, monkeypatch):
        """A new article's row fails; while it waits, an edit of the article is written; the
        retry must not add a second entry beside the edit's."""
        ingest_source(Source("002.txt", seed("002")))
        first = Article.objects.order_by("pk").first()
        IndexWork.objects.filter(article_id=first.pk).update(attempts=1, retry_at=None, error="OSError: earlier")
        IndexWork.objects.exclude(article_id=first.pk).delete()
        with transaction.atomic():  # the edit's row comes after the failed one: write it alone first
            first.body += "后来的改动"
            first.save()
        failed = IndexWork.objects.filter(article_id=first.pk, new=True)
        failed.update(retry_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))
        writer.IndexWriter().write_batch(force=True)
        failed.update(retry_at=None)
        drain()
        pks = consistency.entries(connections["default"].get_backend())[0]
        assert (pks == first.pk).sum() == 1
        assert not check().extra

    def test_one_article_that_cannot_be_written_holds_back_only_itself(self, db, monkeypatch):
        for path in SEEDS:
            ingest_source(Source(path.name, path.read_bytes()))
        poison = Article.objects.order_by("pk")[3]
        real = writer.document

        def refuses_one(index, backend, article):
            if article.pk == poison.pk:
                raise ValueError("cannot be written")
            return real(index, backend, article)

        monkeypatch.setattr(writer, "document", refuses_one)
        monkeypatch.setattr(writer, "RETRY_BASE", 0.0)
        assert writer.IndexWriter().run(drain=True) == 1
        assert queued() == {poison.pk}
        assert SearchQuerySet().models(Article).count() == Article.objects.count() - 1

    def test_an_edit_is_written_at_once_an_import_waits_for_a_batch(self, db):
        ingest_source(Source("002.txt", seed("002")))
        batching = writer.IndexWriter(batch=100, quiet=60)
        assert not batching.due()  # 5 articles of an import: wait for more (or for the import to pause)
        Article.objects.first().save()
        assert batching.due()

    def test_an_unchanged_entry_is_not_written_again(self, archive):
        generation = connections["default"].get_backend().index.latest_generation()
        call_command("update_index", verbosity=0)  # every article queued again, none changed
        drain()
        assert connections["default"].get_backend().index.latest_generation() == generation
        assert check().matches


class TestCheckIndex:
    def test_it_names_missing_stale_and_extra_entries_and_repair_fixes_them(self, archive, capsys):
        articles = list(Article.objects.order_by("pk")[:3])
        Article.objects.filter(pk=articles[0].pk).update(updated_at=articles[0].updated_at + dt.timedelta(seconds=1))
        IndexWork.objects.all().delete()
        with transaction.atomic():  # an article stored without its index work: as earlier code left them
            from newspaper.outbox import signals_paused

            with signals_paused():
                missing = Article.objects.create(page=articles[1].page, order=99, title="未入索引")
                extra = articles[2].pk
                articles[2].delete()
        found_now = check()
        assert (found_now.missing, found_now.stale, found_now.extra) == ([missing.pk], [articles[0].pk], [extra])
        with pytest.raises(CommandError):
            call_command("check_index")
        out = capsys.readouterr().out
        assert "index differs: 1 missing, 1 stale, 1 extra" in out and str(missing.pk) in out
        call_command("check_index", "--repair")
        assert f"index matches database: {Article.objects.count()} articles" in capsys.readouterr().out

    def test_the_full_check_finds_a_change_that_bypassed_the_outbox(self, archive):
        Person.objects.filter(name="程雪").update(name="程雪（直接改库）")  # no signal, no updated_at
        assert consistency.compare(connections["default"].get_backend()).matches  # the quick check cannot see it
        assert check().stale == sorted(
            Article.objects.filter(credits__person__name="程雪（直接改库）").values_list("pk", flat=True)
        )

    def test_the_writer_compares_now_and_then_and_repairs(self, archive):
        article = Article.objects.first()
        with transaction.atomic():
            from newspaper.outbox import signals_paused

            with signals_paused():
                article.body += "绕过队列的改动"
                article.save()
        index_writer = writer.IndexWriter()
        index_writer.run(check_every=0.01, stop=lambda: IndexWriterStatus.objects.get().last_check_at is not None)
        assert "1 stale" in IndexWriterStatus.objects.get().last_check
        drain()
        assert found(grams="绕过队列的改动") == {article.pk}

    def test_work_that_keeps_failing_does_not_pass_the_check_nor_put_off_the_periodic_one(self, archive):
        first = Article.objects.order_by("pk").first()
        later = first.updated_at + dt.timedelta(seconds=1)
        Article.objects.filter(pk=first.pk).update(updated_at=later)  # edited; its work keeps failing
        IndexWork.objects.create(
            article_id=first.pk,
            page_id=first.page_id,
            attempts=3,
            error="OSError: disk full",
            retry_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC),
        )
        assert check().stale == [first.pk]
        with pytest.raises(CommandError):
            call_command("check_index", verbosity=0)
        index_writer = writer.IndexWriter()
        index_writer.run(check_every=0.01, stop=lambda: IndexWriterStatus.objects.get().last_check_at is not None)
        assert "1 stale" in IndexWriterStatus.objects.get().last_check

    def test_a_dump_stored_earlier_whose_index_work_was_lost_becomes_searchable_when_imported_again(self, db):
        for path in SEEDS:
            ingest_source(Source(path.name, path.read_bytes()))
        IndexWork.objects.all().delete()  # lost, as earlier code's in-memory batches were
        assert len(check().missing) == Article.objects.count()
        for path in SEEDS:
            assert ingest_source(Source(path.name, path.read_bytes())).status == "unchanged"
        drain()
        assert check().matches


@pytest.mark.skipif(not on_postgresql(), reason="SQLite in memory: another thread sees another database")
@pytest.mark.django_db(transaction=True)
def test_a_long_batch_keeps_the_writer_s_heartbeat_fresh(monkeypatch):
    import time

    ingest_source(Source("002.txt", seed("002")))
    monkeypatch.setattr(writer, "HEARTBEAT", 0.1)
    index_writer = writer.IndexWriter()
    real, seen = index_writer._write_rows, []

    def slow(rows):  # a merge that takes a while
        started = IndexWriterStatus.objects.get().heartbeat_at
        time.sleep(0.6)
        seen.append(IndexWriterStatus.objects.get().heartbeat_at > started)
        return real(rows)

    monkeypatch.setattr(index_writer, "_write_rows", slow)
    assert index_writer.write_batch(force=True) == Article.objects.count()
    assert seen == [True]
