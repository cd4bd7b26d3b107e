"""Uploading in the browser: who may, what the validation report says, what is imported on
confirmation, the limits, and the history of corrected articles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from haystack.query import SearchQuerySet

from newspaper.models import Article, IndexWork, Page, Upload, UploadedFile
from tests.conftest import drain, seed, zip_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def commit_hooks_run_now(monkeypatch):
    """Each test runs inside a transaction that never commits; run on-commit hooks (which queue
    the import and the index update) at once, as a real commit would."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, *args, **kwargs: func())


@pytest.fixture
def archivist(client):
    user = User.objects.create_user("archivist", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="archive admins"))
    client.force_login(user)
    return user


def txt(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def upload(client, *files) -> Upload:
    response = client.post("/upload/", {"files": list(files)})
    assert response.status_code == 302, response.content.decode()[:500]
    return Upload.objects.latest("pk")


class TestPermissions:
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_anonymous_users_are_sent_to_login(self, client, method):
        response = getattr(client, method)("/upload/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_users_without_the_permission_get_403(self, client, method):
        client.force_login(User.objects.create_user("reader", is_staff=False))
        assert getattr(client, method)("/upload/").status_code == 403
        staff = User.objects.create_user("staff", is_staff=True)  # staff, but not an archive admin
        client.force_login(staff)
        assert getattr(client, method)("/upload/").status_code == 403

    def test_archive_admins_may_upload_and_see_the_history(self, client, archivist):
        assert client.get("/upload/").status_code == 200
        assert client.get("/uploads/").status_code == 200

    def test_the_upload_form_is_csrf_protected(self, archivist):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(archivist)
        assert strict.post("/upload/", {"files": [txt("a.txt", seed("000"))]}).status_code == 403
        assert Upload.objects.count() == 0


class TestValidation:
    def test_it_reports_each_file_before_importing_anything(self, client, archivist):
        batch = upload(
            client,
            txt("000.txt", seed("000")),
            txt("004-gb.txt", seed("004").decode().encode("gb18030")),
            txt("broken.txt", b"\x00\x01\x02" * 100),
        )
        reports = {f.name: f for f in batch.files.all()}
        assert reports["000.txt"].status == "valid"
        assert reports["000.txt"].report["date"] == "2022-06-22"
        assert reports["000.txt"].report["number"] == 12139
        assert len(reports["000.txt"].report["articles"]) == 5
        assert any("没有找到署名" in w for w in reports["000.txt"].report["warnings"])
        assert reports["004-gb.txt"].report["encoding"] == "gb18030"
        assert reports["broken.txt"].status == "invalid"
        assert "二进制" in reports["broken.txt"].report["errors"][0]
        assert Page.objects.count() == 0  # nothing imported before confirmation
        page = client.get(batch.get_absolute_url())
        assert "确认导入 2 个文件" in page.text and "gb18030" in page.text

    def test_it_warns_that_a_duplicate_will_update_the_stored_page(self, client, archivist):
        upload(client, txt("002.txt", seed("002")))
        client.post(Upload.objects.latest("pk").get_absolute_url())
        changed = seed("002").decode().replace("培训班", "研修班").encode()
        batch = upload(client, txt("002-v2.txt", changed))
        assert any("将替换已保存的" in w for w in batch.files.get().report["warnings"])

    def test_it_asks_for_a_date_when_the_dump_has_none(self, client, archivist):
        dump = "工会新闻\n\n本报讯 记者程雪报道 今天召开了会议。\n".encode()
        batch = upload(client, txt("no-date.txt", dump))
        item = batch.files.get()
        assert item.status == "invalid" and item.report["needs_date"]
        page = client.get(batch.get_absolute_url())
        assert f'name="date-{item.pk}"' in page.text and f'name="page-{item.pk}"' in page.text
        client.post(batch.get_absolute_url(), {f"date-{item.pk}": "2020-01-02", f"page-{item.pk}": "3"})
        item.refresh_from_db()
        assert item.status == "created", item.message
        stored = Page.objects.get()
        assert (stored.issue.date.isoformat(), stored.number) == ("2020-01-02", 3)

    def test_it_refuses_a_malformed_date_or_page(self, client, archivist):
        dump = "工会新闻\n\n本报讯 记者程雪报道 今天召开了会议。\n".encode()
        batch = upload(client, txt("no-date.txt", dump))
        item = batch.files.get()
        response = client.post(batch.get_absolute_url(), {f"date-{item.pk}": "2020-13-45", f"page-{item.pk}": "x"})
        assert response.status_code == 302
        batch.refresh_from_db()
        assert batch.status == "validated" and Page.objects.count() == 0

    def test_it_reads_the_dumps_in_a_zip_and_refuses_unsafe_entries(self, client, archivist):
        archive = zip_of({"a/000.txt": seed("000"), "../evil.txt": seed("001"), "photo.jpg": b"\xff\xd8"})
        batch = upload(client, SimpleUploadedFile("batch.zip", archive, content_type="application/zip"))
        statuses = {f.name: (f.status, f.message) for f in batch.files.all()}
        assert statuses["batch.zip:a/000.txt"][0] == "valid"
        assert "路径不安全" in statuses["batch.zip:../evil.txt"][1]
        assert "不是 .txt" in statuses["batch.zip:photo.jpg"][1]

    def test_it_refuses_too_many_files_storing_nothing(self, client, archivist, settings):
        settings.UPLOAD_MAX_FILES = 2
        response = client.post("/upload/", {"files": [txt(f"{i}.txt", seed("000")) for i in range(3)]})
        assert response.status_code == 400 and "文件过多" in response.text
        assert Upload.objects.count() == 0 and UploadedFile.objects.count() == 0

    def test_it_refuses_a_file_over_the_size_limit(self, client, archivist, settings):
        settings.UPLOAD_MAX_FILE_MB = 0
        batch = upload(client, txt("big.txt", seed("000")))
        assert "文件过大" in batch.files.get().message

    def test_it_refuses_a_request_over_the_total_limit(self, client, archivist, settings):
        settings.UPLOAD_MAX_REQUEST_MB = 0
        response = client.post("/upload/", {"files": [txt("000.txt", seed("000"))]})
        assert response.status_code in (400, 413)
        assert Upload.objects.count() == 0

    def test_it_refuses_a_zip_bomb(self, client, archivist):
        bomb = zip_of({"big.txt": b"0" * 5_000_000})
        batch = upload(client, SimpleUploadedFile("bomb.zip", bomb))
        assert "压缩比过高" in batch.files.get().message


class TestImport:
    def test_confirming_imports_the_good_files_and_keeps_the_bad_one_out(self, client, archivist):
        batch = upload(
            client,
            txt("000.txt", seed("000")),
            txt("003-gb.txt", seed("003").decode().encode("gb18030")),
            txt("bad.txt", "没有日期的一段话。".encode()),
        )
        response = client.post(batch.get_absolute_url())
        assert response.status_code == 302
        batch.refresh_from_db()
        assert sorted(batch.files.values_list("status", flat=True)) == ["created", "created", "invalid"]
        assert Page.objects.count() == 2
        # stored, but done only once the index writer has made every article searchable
        assert batch.status == "indexing"
        assert "还有 10 篇文章等待写入" in client.get(batch.get_absolute_url()).text
        drain()
        batch.refresh_from_db()
        assert batch.status == "done"
        assert SearchQuerySet().models(Article).count() == Article.objects.count() == 10
        assert "本批文章均已可检索" in client.get(batch.get_absolute_url()).text
        assert batch.uploaded_by == archivist
        assert Page.objects.get(source_name="003-gb.txt").encoding == "gb18030"

    def test_uploading_the_same_page_again_updates_it_in_place(self, client, archivist):
        client.post(upload(client, txt("002.txt", seed("002"))).get_absolute_url())
        ids = set(Article.objects.values_list("pk", flat=True))
        again = upload(client, txt("002.txt", seed("002")))
        client.post(again.get_absolute_url())
        assert again.files.get().status == "unchanged"
        assert set(Article.objects.values_list("pk", flat=True)) == ids

    def test_a_confirmed_upload_cannot_be_imported_twice(self, client, archivist):
        batch = upload(client, txt("000.txt", seed("000")))
        client.post(batch.get_absolute_url())
        client.post(batch.get_absolute_url())
        assert Page.objects.count() == 1

    def test_a_worker_stopped_between_storing_a_page_and_recording_its_file_imports_it_again(
        self, client, archivist, monkeypatch
    ):
        """The page and the file's outcome are one transaction: stopped in between, neither is
        kept, and the next run imports the file as created (not as an unchanged page)."""
        from newspaper import uploads
        from newspaper.models import UploadedFile

        batch = upload(client, txt("000.txt", seed("000")))
        Upload.objects.filter(pk=batch.pk).update(status="running")  # confirmed, being imported
        real_save = UploadedFile.save

        def killed(self, *args, **kwargs):
            if kwargs.get("update_fields") == ["status", "message", "page"]:
                raise KeyboardInterrupt  # as a worker stopped at that instant
            return real_save(self, *args, **kwargs)

        monkeypatch.setattr(UploadedFile, "save", killed)
        with pytest.raises(KeyboardInterrupt):
            uploads.run(batch.pk)
        monkeypatch.setattr(UploadedFile, "save", real_save)
        assert Page.objects.count() == 0
        uploads.run(batch.pk)
        assert list(batch.files.values_list("status", flat=True)) == ["created"]

    def test_running_an_interrupted_job_again_skips_what_is_done(self, client, archivist):
        from newspaper import uploads
        from newspaper.ingest import ingest_source
        from newspaper.sources import Source

        batch = upload(client, txt("000.txt", seed("000")), txt("004.txt", seed("004")))
        first = batch.files.order_by("pk").first()
        ingest_source(Source(first.name, bytes(first.data), filename=first.name))
        first.status = "created"
        first.save()
        Upload.objects.filter(pk=batch.pk).update(status="running")  # as a killed worker leaves it
        uploads.run(batch.pk)
        assert Page.objects.count() == 2
        assert sorted(batch.files.values_list("status", flat=True)) == ["created", "created"]

    def test_the_progress_endpoint_reports_each_file(self, client, archivist):
        batch = upload(client, txt("000.txt", seed("000")))
        client.post(batch.get_absolute_url())
        data = client.get(f"/uploads/{batch.pk}/status.json").json()
        assert (data["status"], data["done"], data["total"]) == ("indexing", 1, 1)
        assert data["files"][0]["status"] == "created"
        assert (data["index"]["waiting"], data["index"]["failed"], data["index"]["writer_running"]) == (5, 0, False)
        drain()
        data = client.get(f"/uploads/{batch.pk}/status.json").json()
        assert (data["status"], data["index"]["waiting"]) == ("done", 0)

    def test_an_index_batch_that_fails_shows_with_its_reason(self, client, archivist, monkeypatch):
        from search import writer

        batch = upload(client, txt("000.txt", seed("000")))
        client.post(batch.get_absolute_url())

        def refuse(*args):
            raise OSError("disk full")

        monkeypatch.setattr(writer.IndexWriter, "write", refuse)
        monkeypatch.setattr(writer, "RETRY_BASE", 0.01)
        drain_failing = writer.IndexWriter().run(drain=True)
        assert drain_failing == 5
        page = client.get(batch.get_absolute_url()).text
        assert "其中 5 篇写入失败，将自动重试（原因：OSError: disk full）" in page
        monkeypatch.undo()
        IndexWork.objects.update(retry_at=None)
        drain()
        batch.refresh_from_db()
        assert batch.status == "done"


class TestMessages:
    """What the upload page and its live progress say, in Chinese: the same words on both."""

    def test_the_progress_gives_the_index_writers_error_as_the_page_does(self, client, archivist):
        batch = upload(client, txt("000.txt", seed("000")))
        client.post(batch.get_absolute_url())
        stuck = "the index lock (/x/index.writer.lock) was held by another process over 60 s"
        IndexWork.objects.update(error=stuck, attempts=1)
        data = client.get(f"/uploads/{batch.pk}/status.json").json()
        assert data["index"]["error"] == "索引锁（/x/index.writer.lock）被另一个进程占用超过 60 秒"
        assert f"（原因：{data['index']['error']}）" in client.get(batch.get_absolute_url()).text

    def test_a_page_that_cannot_be_stored_says_so_without_the_exceptions_english(
        self, client, archivist, monkeypatch, caplog
    ):
        import newspaper.ingest

        def refuse(*args, **kwargs):
            raise RuntimeError("database is locked")

        monkeypatch.setattr(newspaper.ingest, "_store_page", refuse)
        batch = upload(client, txt("000.txt", seed("000")))
        client.post(batch.get_absolute_url())
        item = batch.files.get()
        assert item.status == "failed" and item.message == "无法保存这个版面（详细原因见服务器日志）"
        assert "database is locked" in caplog.text  # the details, for whoever reads the log
        data = client.get(f"/uploads/{batch.pk}/status.json").json()
        assert data["files"][0]["message"] == item.message
        assert "RuntimeError" not in client.get(batch.get_absolute_url()).text

    def test_an_unreadable_entry_of_a_zip_says_so_in_chinese(self, client, archivist):
        from newspaper.i18n import localize
        from newspaper.parser.reasons import reason

        message = reason("cannot read the entry: {error}", error="Bad CRC-32 for file '000.txt'")
        assert str(message) == "cannot read the entry: Bad CRC-32 for file '000.txt'"  # the command line's
        with translation.override("zh-hans"):
            assert localize(message) == "无法读取压缩包中的这个文件（压缩包可能已损坏或加密）"


class TestCorrections:
    def test_an_edit_is_versioned_searchable_and_can_be_restored(self, admin_client, archive):
        article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
        before = article.history.count()
        article.body = article.body.replace("基层党组织", "基层党组织（更正）", 1)
        article._change_reason = "OCR correction"
        article.save()
        drain()
        assert SearchQuerySet().models(Article).filter(grams="党组织（更正）").count() == 1
        assert article.history.count() == before + 1
        latest, previous = article.history.all()[:2]  # newest first
        assert latest.history_change_reason == "OCR correction" and "（更正）" in latest.body
        assert "（更正）" not in previous.body
        history = admin_client.get(f"/admin/newspaper/article/{article.pk}/history/")
        assert history.status_code == 200 and "OCR correction" in history.text
        previous.instance.save()  # restore the version before the correction
        article.refresh_from_db()
        assert "（更正）" not in article.body
        drain()
        assert SearchQuerySet().models(Article).filter(grams="党组织（更正）").count() == 0
