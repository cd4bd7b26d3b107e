"""Several processes importing and searching one archive at once, on SQLite and on PostgreSQL:
no Whoosh lock error, no "database is locked", no IntegrityError when two imports meet the same
new union or person, and the index ends up holding every article the database holds."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections

from newspaper import store
from newspaper.ingest import ingest_source
from newspaper.models import Article, Person, Union
from newspaper.sources import Source
from tests.conftest import SEEDS, drain, moved, on_postgresql, seed

SEARCH_LOOP = """
import django, time
django.setup()
from haystack.query import SearchQuerySet
from newspaper.models import Article
deadline = time.time() + 30
while time.time() < deadline:
    SearchQuerySet().models(Article).filter(grams="工会").count()
    if Article.objects.count() >= 58:
        break
"""


def test_parallel_imports_and_searches_do_not_collide(processes, tmp_path):
    folders = []
    for n in range(2):  # the sample pages, and the same pages on other days: the same unions and people
        folder = tmp_path / f"dumps-{n}"
        folder.mkdir()
        for i, path in enumerate(SEEDS):
            text = path.read_text("utf-8")
            (folder / path.name).write_text(moved(text, 2018, i + 1, 1) if n else text, "utf-8")
        folders.append(folder)
    importers = [processes.start("ingest", str(folder / path.name)) for folder in folders for path in SEEDS]
    searcher = processes.start(script=SEARCH_LOOP)
    for proc in [*importers, searcher]:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "LockError" not in err and "database is locked" not in err and "IntegrityError" not in err
    check = processes.manage("check_index")
    assert check.returncode == 0 and "index matches database: 58 articles" in check.stdout, check.stdout


NEW_PEOPLE = "工会新闻\n\n本报讯 记者任一凡 通讯员钱二宝报道 今天召开了会议，职工们参加。\n"


@pytest.mark.skipif(not on_postgresql(), reason="SQLite runs one writing transaction at a time")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("meeting", ["union", "person"])
def test_two_imports_meeting_the_same_new_union_or_person_at_the_same_moment_both_succeed(monkeypatch, meeting):
    """Both look the names up (none there yet), then both insert them: the second insert waits
    for the first transaction and then conflicts; its page takes the other import's row."""
    barrier, waited = threading.Barrier(2, timeout=20), set()

    def arrive():  # each thread once: a page tried again goes straight on
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait()

    if meeting == "union":
        real = store._unions_named

        def after_the_look_up(*args, **kwargs):
            absent = real(*args, **kwargs)
            arrive()
            return absent

        monkeypatch.setattr(store, "_unions_named", after_the_look_up)
        pages = [(moved(seed("002").decode(), 2017, 3, day), None) for day in (1, 2)]
    else:
        real = Person.objects.bulk_create

        def after_the_look_up(*args, **kwargs):
            arrive()
            return real(*args, **kwargs)

        monkeypatch.setattr(Person.objects, "bulk_create", after_the_look_up)
        pages = [(NEW_PEOPLE, dt.date(2017, 3, day)) for day in (1, 2)]
    outcomes = []

    def run(text, date):
        try:
            outcomes.append(ingest_source(Source("p.txt", text.encode()), date=date, page=2 if date else None))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=page) for page in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [o.status for o in outcomes] == ["created", "created"], [o.line() for o in outcomes]
    name = "德清县总工会" if meeting == "union" else "任一凡"
    model = Union if meeting == "union" else Person
    assert model.objects.filter(name=name).count() == 1
    assert (
        Article.objects.filter(**{"unions__name" if meeting == "union" else "credits__person__name": name}).count() == 2
    )
    drain()


@pytest.mark.skipif(not on_postgresql(), reason="SQLite runs one writing transaction at a time")
@pytest.mark.django_db(transaction=True)
def test_two_imports_creating_the_same_new_unions_in_opposite_orders_both_succeed(monkeypatch):
    """Each inserts the union the other will insert next: PostgreSQL breaks the deadlock by
    failing one transaction, and that page is stored again, not lost."""
    for name in ("中华全国总工会", "浙江省总工会"):  # there in any archive: the new ones are below them
        Union.objects.create(name=name, slug=name, level="provincial")
    barrier, waited = threading.Barrier(2, timeout=20), set()
    real = store._unions_named

    def after_the_look_up(*args, **kwargs):
        absent = real(*args, **kwargs)
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait()
        return absent

    monkeypatch.setattr(store, "_unions_named", after_the_look_up)
    halfway, created, real_create = threading.Barrier(2, timeout=20), {}, store._created_union

    def create_then_meet(union):  # both hold their first city's unions before asking for the other's
        row = real_create(union)
        created[threading.get_ident()] = created.get(threading.get_ident(), 0) + 1
        if created[threading.get_ident()] == 2:
            halfway.wait()
        return row

    monkeypatch.setattr(store, "_created_union", create_then_meet)
    first, second = "安吉县总工会", "海宁市总工会"  # in two cities: each brings its city's union too
    texts = [
        f"工会新闻\n\n本报讯 记者{who}报道 {a}和{b}今天签订了协议。\n"
        for who, a, b in (("任一凡", first, second), ("钱二宝", second, first))
    ]
    outcomes = []

    def run(text, day):
        try:
            outcomes.append(ingest_source(Source("p.txt", text.encode()), date=dt.date(2017, 4, day), page=2))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(text, day)) for day, text in enumerate(texts, start=1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [o.status for o in outcomes] == ["created", "created"], [o.line() for o in outcomes]
    assert Union.objects.filter(name__in=[first, second, "湖州市总工会", "嘉兴市总工会"]).count() == 4
    drain()


@pytest.mark.django_db
def test_an_alias_added_from_a_stale_row_keeps_the_one_another_import_added():
    union = Union.objects.create(name="德清县总工会", slug="deqing", level="county")
    Union.objects.filter(pk=union.pk).update(aliases=["德清总工会"])  # another import, meanwhile
    store._add_alias(union, "德清工会")  # this import still holds the row with no alias
    assert Union.objects.get(pk=union.pk).aliases == ["德清总工会", "德清工会"]
