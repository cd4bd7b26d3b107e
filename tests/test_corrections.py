"""An editor's correction is never undone behind their back: a re-import or a reparse keeps it
(and says so), the upload report shows how the new text differs, the admin may take the new
text instead, and the history tells which version came from which import or person."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from haystack.query import SearchQuerySet

from newspaper.corrections import align, hunks
from newspaper.ingest import Status, ingest_source
from newspaper.models import Article, Upload
from newspaper.parser import ParsedArticle
from newspaper.sources import Source
from tests.conftest import admin_edit, drain, seed

pytestmark = pytest.mark.django_db

TITLE = "省总工会举办基层党组织书记培训班"
WRONG, RIGHT = "省委党校", "省委党校（校正）"  # an OCR slip an editor fixes, in that article's body
NEW_ARTICLE = (
    "职工书屋开进生产车间\n\n本报讯 记者林晓报道 近日,市总工会把职工书屋开进生产车间,"
    "方便一线职工在班前班后借阅图书,首批送去图书两千册。\n\n"
)


def rescan(text: str | None = None) -> bytes:
    """Sample page 002 scanned again: one more article above the corrected one (every slot below
    moves), and the OCR of another article's body read differently."""
    raw = text or seed("002").decode()
    raw = raw.replace("强化理论武装 锤炼党性修养\n", NEW_ARTICLE + "强化理论武装 锤炼党性修养\n", 1)
    return raw.replace("下发《关于开展", "下发了《关于开展", 1).encode()


@pytest.fixture(autouse=True)
def commit_hooks_run_now(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, *args, **kwargs: func())


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="pw", is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get(name="archive admins"))
    client.force_login(user)
    return user


@pytest.fixture
def corrected(client, editor):
    """Page 002 imported, and one article's body corrected in the admin, with a reason."""
    assert ingest_source(Source("002.txt", seed("002"))).status == Status.CREATED
    article = Article.objects.get(title=TITLE)
    assert WRONG in article.body and RIGHT not in article.body
    admin_edit(client, article, body=article.body.replace(WRONG, RIGHT), change_reason="据版面图片改正")
    article.refresh_from_db()
    assert article.corrected == ["body"]
    return article


def found(text: str) -> int:
    drain()
    return SearchQuerySet().models(Article).filter(grams=text).count()


class TestAlign:
    def article(self, title, body="", order=0):
        a = ParsedArticle(title=title, body=body)
        a.order, a.corrected = order, []
        return a

    def test_the_same_order_pairs_slot_by_slot(self):
        stored = [self.article("甲", "一二三", 1), self.article("乙", "四五六", 2)]
        parsed = [ParsedArticle("甲", body="一二三"), ParsedArticle("乙", body="四五六七")]
        assert {i: a.title for i, a in align(stored, parsed).items()} == {0: "甲", 1: "乙"}

    def test_an_article_added_in_the_middle_shifts_no_one(self):
        stored = [self.article("甲", "一二三", 1), self.article("乙", "四五六", 2)]
        parsed = [
            ParsedArticle("甲", body="一二三"),
            ParsedArticle("丙", body="七八九"),
            ParsedArticle("乙", body="四五六"),
        ]
        assert {i: a.title for i, a in align(stored, parsed).items()} == {0: "甲", 2: "乙"}

    def test_the_diff_is_compact(self):
        old = "前面很长的一段文字没有变化" * 5 + "省委党校（校正）举办" + "后面也很长" * 5
        new = old.replace("（校正）", "")
        (hunk,) = hunks(old, new)
        assert hunk["old"] == "（校正）" and hunk["new"] == ""
        assert len(hunk["before"]) <= 12 and hunk["after"].startswith("举办")


class TestReimport:
    def test_a_changed_dump_keeps_the_correction_and_updates_the_rest(self, corrected):
        outcome = ingest_source(Source("002-rescan.txt", rescan()))
        assert outcome.status == Status.UPDATED
        assert outcome.kept == [(corrected.pk, ["body"])]
        article = Article.objects.get(pk=corrected.pk)
        assert RIGHT in article.body and article.order == 3  # moved down a slot, same permalink
        assert Article.objects.filter(title="职工书屋开进生产车间", order=2).exists()
        assert "下发了《关于开展" in Article.objects.get(title__startswith="建德工会").body  # untouched: updated
        assert found("党校（校正）") == 1

    def test_the_history_says_who_and_which_import(self, corrected, editor):
        ingest_source(Source("002-rescan.txt", rescan()))
        latest, by_editor = list(Article.objects.get(pk=corrected.pk).history.all()[:2])
        assert "002-rescan.txt" in latest.history_change_reason and latest.history_user is None
        assert by_editor.history_user == editor and by_editor.history_change_reason == "据版面图片改正"

    def test_a_corrected_article_the_new_dump_lacks_is_kept_whole(self, corrected):
        shorter = seed("002").decode().replace("强化理论武装 锤炼党性修养\n", "", 1)
        start = shorter.index(TITLE)
        shorter = shorter[:start] + shorter[shorter.index("建德工会") :]
        outcome = ingest_source(Source("002-short.txt", shorter.encode()))
        assert (corrected.pk, ["*"]) in outcome.kept
        assert RIGHT in Article.objects.get(pk=corrected.pk).body

    def test_reparse_keeps_the_correction_and_reports_it(self, corrected):
        out, err = io.StringIO(), io.StringIO()
        call_command("reparse", stdout=out, stderr=err, verbosity=0)
        assert RIGHT in Article.objects.get(pk=corrected.pk).body
        assert f"article {corrected.pk}" in out.getvalue() + err.getvalue()
        assert "kept the correction" in out.getvalue() + err.getvalue()

    def test_taking_the_new_text_replaces_the_correction(self, corrected):
        outcome = ingest_source(Source("002-rescan.txt", rescan()), take_new=[corrected.pk])
        article = Article.objects.get(pk=corrected.pk)
        assert outcome.kept == [] and RIGHT not in article.body and article.corrected == []
        assert found("党校（校正）") == 0

    def test_taking_the_new_text_hands_hand_set_topics_back_to_the_rules(self, corrected):
        Article.objects.filter(pk=corrected.pk).update(corrected=["body", "topics"], topics_locked=True)
        Article.objects.get(pk=corrected.pk).topics.clear()
        ingest_source(Source("002-rescan.txt", rescan()), take_new=[corrected.pk])
        article = Article.objects.get(pk=corrected.pk)
        assert not article.topics_locked and article.topics.exists()

    def test_hand_edited_credits_survive(self, client, corrected):
        from newspaper.models import Credit

        article = Article.objects.get(pk=corrected.pk)
        credits = list(article.credits.order_by("order"))
        admin_edit(client, article, **credits_form(article, first_role="other"))
        article.refresh_from_db()
        assert set(article.corrected) == {"body", "people"}
        ingest_source(Source("002-rescan.txt", rescan()))
        roles = list(Credit.objects.filter(article=article).order_by("order").values_list("role", flat=True))
        assert roles[0] == "other" and len(roles) == len(credits)


def shown(value):
    """A value as a form shows it: JSON for a JSONField's list."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


class TestOnlyTheArticleFormCorrects:
    """The page admin lists a page's articles read-only, each with a link to its own form: a
    correction made anywhere else would go unremembered and a re-import would overwrite it."""

    def page_form(self, client, page) -> dict:
        """The page's change form as the browser would post it back, every field as shown."""
        response = client.get(f"/admin/newspaper/page/{page.pk}/change/")
        data = {k: v for k, v in response.context["adminform"].form.initial.items() if v is not None}
        for inline in response.context["inline_admin_formsets"]:
            formset = inline.formset
            data |= {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
            for form in formset.forms:
                data |= {form.add_prefix(k): shown(v) for k, v in form.initial.items() if v is not None}
                data[form.add_prefix("id")] = form.instance.pk
        return data

    def test_the_page_admin_cannot_overwrite_a_correction(self, client, corrected):
        data = self.page_form(client, corrected.page)
        # the slot an article inline would give it (there is none: then nothing to post back)
        n = next((k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == corrected.pk), "0")
        # what the old inline's fields would have sent: the OCR's text back over the correction
        data |= {f"articles-{n}-body": corrected.body.replace(RIGHT, WRONG), f"articles-{n}-title": "改掉的标题"}
        data[f"articles-{n}-captions"] = '["改掉的图片说明"]'
        data[f"articles-{n}-DELETE"] = "on"  # nor delete it
        versions = corrected.history.count()
        response = client.post(f"/admin/newspaper/page/{corrected.page_id}/change/", data)
        assert response.status_code == 302, [i.formset.errors for i in response.context["inline_admin_formsets"]]
        article = Article.objects.get(pk=corrected.pk)
        assert RIGHT in article.body and article.title == TITLE and article.corrected == ["body"]
        assert article.history.count() == versions

    def test_the_page_admin_links_each_article_to_its_correcting_form(self, client, corrected):
        html = client.get(f"/admin/newspaper/page/{corrected.page_id}/change/").text
        assert f'href="/admin/newspaper/article/{corrected.pk}/change/">纠错</a>' in html
        assert 'name="articles-0-body"' not in html and 'name="articles-0-captions"' not in html
        assert f'<th scope="row">{TITLE}</th>' in html


def credits_form(article, first_role: str | None = None, extra: dict | None = None) -> dict:
    """An article's credits as its correcting form posts them: the first one's role changed, and
    one more credit ({"person": id, "role": code}) added, when given."""
    credits = list(article.credits.order_by("order"))
    rows = [
        {"id": c.pk, "person": c.person_id, "role": first_role if n == 0 and first_role else c.role, "order": c.order}
        for n, c in enumerate(credits)
    ]
    if extra:
        rows.append({"order": len(rows), **extra})
    form = {"credits-TOTAL_FORMS": len(rows), "credits-INITIAL_FORMS": len(credits)}
    for n, row in enumerate(rows):
        form |= {f"credits-{n}-{k}": v for k, v in row.items()} | {f"credits-{n}-article": article.pk}
    return form


def form_of(client, article) -> dict:
    """The article's correcting form as shown, to post back (tests.conftest.admin_edit's data)."""
    form = client.get(f"/admin/newspaper/article/{article.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("topics", "unions")}
    return data | {
        "page": article.page_id,
        "captions": "\n".join(article.captions),
        "pull_quotes": "\n".join(article.pull_quotes),
        "topics": [t.pk for t in article.topics.all()],
        "unions": [u.pk for u in article.unions.all()],
    }


class TestCreditsForm:
    def test_a_duplicate_credit_is_refused_in_chinese(self, client, corrected):
        article = Article.objects.get(pk=corrected.pk)
        first, count = article.credits.order_by("order").first(), article.credits.count()
        twice = credits_form(article, extra={"person": first.person_id, "role": first.role})
        response = client.post(f"/admin/newspaper/article/{article.pk}/change/", form_of(client, article) | twice)
        assert response.status_code == 200  # the form again, with the message
        (inline,) = response.context["inline_admin_formsets"]
        errors = [*inline.formset.non_form_errors(), *(e for f in inline.formset.errors for e in f.get("__all__", []))]
        assert errors and "“姓名”和“角色”" in errors[0]
        assert not [e for e in errors if re.search("[A-Za-z]", e)], errors
        assert article.credits.count() == count
        html = response.text
        assert "请修改person" not in html and "“姓名”和“角色”都相同的署名只能有一条" in html


def upload(client, name: str, data: bytes) -> Upload:
    response = client.post("/upload/", {"files": [SimpleUploadedFile(name, data, content_type="text/plain")]})
    assert response.status_code == 302, response.content.decode()[:500]
    return Upload.objects.latest("pk")


class TestUploadReport:
    def test_the_report_shows_the_correction_against_the_new_text(self, client, corrected):
        batch = upload(client, "002-rescan.txt", rescan())
        (item,) = batch.files.all()
        (conflict,) = item.report["corrections"]
        assert conflict["article"] == corrected.pk and conflict["fields"][0]["label"] == "正文"
        (hunk,) = conflict["fields"][0]["hunks"]
        assert (hunk["old"], hunk["new"]) == ("（校正）", "")
        page = client.get(batch.get_absolute_url()).text
        assert "<del" in page and "（校正）" in page and f'name="take-{item.pk}"' in page
        assert "采用新文本" in page

    def test_the_credits_diff_names_the_roles_in_chinese(self, client, corrected):
        article = Article.objects.get(pk=corrected.pk)
        admin_edit(client, article, **credits_form(article, first_role="photographer"))
        batch = upload(client, "002-rescan.txt", rescan())
        (conflict,) = batch.files.get().report["corrections"]
        people = next(f for f in conflict["fields"] if f["field"] == "people")
        parts = [h[k] for h in people["hunks"] for k in ("before", "old", "new", "after")]
        assert "摄影" in "".join(parts) and not [p for p in parts if re.search("[A-Za-z]", p)], parts
        page = client.get(batch.get_absolute_url()).text
        assert "署名人员" in page and "photographer" not in page and "reporter" not in page

    def test_confirming_keeps_the_correction_by_default(self, client, corrected, editor):
        batch = upload(client, "002-rescan.txt", rescan())
        client.post(batch.get_absolute_url())
        item = batch.files.get()
        assert item.status == "updated" and "校正" in item.message, item.message
        assert RIGHT in Article.objects.get(pk=corrected.pk).body
        assert found("党校（校正）") == 1
        latest = Article.objects.get(pk=corrected.pk).history.first()
        assert latest.history_user == editor and f"#{batch.pk}" in latest.history_change_reason

    def test_choosing_the_new_text_replaces_it(self, client, corrected):
        batch = upload(client, "002-rescan.txt", rescan())
        item = batch.files.get()
        client.post(batch.get_absolute_url(), {f"take-{item.pk}": str(corrected.pk)})
        assert RIGHT not in Article.objects.get(pk=corrected.pk).body
        assert found("党校（校正）") == 0

    def test_the_confirm_button_counts_only_files_that_change_something(self, client, corrected):
        batch = upload(client, "002.txt", seed("002"))  # stored as it is: a no-op (the correction aside)
        page = client.get(batch.get_absolute_url()).text
        assert "确认导入 1 个文件" not in page and "没有会改动档案的文件" in page
        batch = upload(client, "004.txt", seed("004"))
        assert "确认导入 1 个文件" in client.get(batch.get_absolute_url()).text


NO_MASTHEAD = "工会新闻\n\n本报讯 记者程雪报道 今天召开了会议。\n".encode()


class TestNoDeadEnds:
    def test_a_dump_without_date_and_page_asks_for_both_at_once(self, client, editor):
        batch = upload(client, "no-date.txt", NO_MASTHEAD)
        item = batch.files.get()
        assert item.report["needs_date"] and item.report["needs_page"]
        assert len(item.report["errors"]) == 2 and item.report["articles"]
        page = client.get(batch.get_absolute_url()).text
        assert f'name="date-{item.pk}"' in page and f'name="page-{item.pk}"' in page

    def test_a_file_left_incomplete_can_be_completed_later(self, client, editor):
        batch = upload(client, "no-date.txt", NO_MASTHEAD)
        item = batch.files.get()
        client.post(batch.get_absolute_url(), {f"date-{item.pk}": "2020-01-02"})  # the page number forgotten
        batch.refresh_from_db()
        item.refresh_from_db()
        assert item.report["needs_page"] and not item.report.get("needs_date")
        page = client.get(batch.get_absolute_url()).text
        assert batch.status == "validated" and f'name="page-{item.pk}"' in page
        client.post(batch.get_absolute_url(), {f"page-{item.pk}": "3"})
        item.refresh_from_db()
        assert item.status == "created", item.message
        assert Article.objects.filter(page__number=3, page__issue__date="2020-01-02").exists()

    def test_a_completed_file_shows_the_corrections_it_touches_before_it_is_imported(self, client, corrected):
        undated = rescan(seed("002").decode().replace("2022年5月19日\n", "", 1))
        batch = upload(client, "002-undated.txt", undated)
        item = batch.files.get()
        assert item.report["needs_date"] and not item.report.get("corrections")  # not comparable yet
        client.post(batch.get_absolute_url(), {f"date-{item.pk}": "2022-05-19"})
        batch.refresh_from_db()
        item.refresh_from_db()
        assert batch.status == "validated" and item.status == "valid"  # checked again, not imported
        assert [c["article"] for c in item.report["corrections"]] == [corrected.pk]
        assert RIGHT in Article.objects.get(pk=corrected.pk).body
        page = client.get(batch.get_absolute_url()).text
        assert "会改动人工校正过的文章" in page and "<del" in page and "（校正）" in page
        assert f'name="take-{item.pk}" value="{corrected.pk}"' in page and "确认导入 1 个文件" in page
        client.post(batch.get_absolute_url(), {f"take-{item.pk}": str(corrected.pk)})  # the second look
        item.refresh_from_db()
        assert item.status == "updated", item.message
        assert RIGHT not in Article.objects.get(pk=corrected.pk).body

    def test_a_failed_file_retried_shows_corrections_made_since_before_it_is_imported(
        self, client, editor, monkeypatch
    ):
        import newspaper.uploads

        assert ingest_source(Source("002.txt", seed("002"))).status == Status.CREATED
        real = newspaper.uploads.ingest_source
        monkeypatch.setattr(
            newspaper.uploads,
            "ingest_source",
            lambda source, **kw: newspaper.ingest.Outcome(source.name, Status.FAILED, "disk full"),
        )
        batch = upload(client, "002-rescan.txt", rescan())
        client.post(batch.get_absolute_url())
        item = batch.files.get()
        assert item.status == "failed" and not item.report.get("corrections")
        monkeypatch.setattr(newspaper.uploads, "ingest_source", real)
        article = Article.objects.get(title=TITLE)  # corrected after the upload was checked
        admin_edit(client, article, body=article.body.replace(WRONG, RIGHT))
        client.post(batch.get_absolute_url())
        item.refresh_from_db()
        assert item.status == "valid" and [c["article"] for c in item.report["corrections"]] == [article.pk]
        page = client.get(batch.get_absolute_url()).text
        assert "<del" in page and f'name="take-{item.pk}" value="{article.pk}"' in page
        assert "补全后导入 1 个文件" in page
        client.post(batch.get_absolute_url())  # seen: the correction kept (the default)
        item.refresh_from_db()
        assert item.status == "updated", item.message
        assert RIGHT in Article.objects.get(pk=article.pk).body

    def test_a_file_that_failed_at_import_is_retried_from_its_upload_page(self, client, editor, monkeypatch):
        import newspaper.uploads

        real = newspaper.uploads.ingest_source
        monkeypatch.setattr(
            newspaper.uploads,
            "ingest_source",
            lambda source, **kw: newspaper.ingest.Outcome(source.name, Status.FAILED, "disk full"),
        )
        batch = upload(client, "004.txt", seed("004"))
        client.post(batch.get_absolute_url())
        item = batch.files.get()
        assert item.status == "failed"
        monkeypatch.setattr(newspaper.uploads, "ingest_source", real)
        assert "补全后导入 1 个文件" in client.get(batch.get_absolute_url()).text
        client.post(batch.get_absolute_url())
        item.refresh_from_db()
        assert item.status == "created", item.message
