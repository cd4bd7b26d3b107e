"""Chinese everywhere (issue 13): every page a reader, an archivist or an editor can reach speaks
Chinese, the parser's and the import's messages included, while the command line keeps them in
English (newspaper.parser.reasons, newspaper.i18n)."""

from __future__ import annotations

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation

from newspaper.i18n import localize
from newspaper.models import Article, Credit, Person, Topic, Union, Upload, UploadedFile
from newspaper.parser import ParseError, parse_dump, parse_text
from tests.conftest import admin_edit, seed

ROOT = Path(__file__).parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Two or more English words in a row: a message, a column header, a button left untranslated.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,:'-]+[A-Za-z]{2,})+")
# Runs that are English in Chinese text too (a name, a format), each one seen on a page and not
# a message: an HTTP header's name, given after what it means (the 411 page); CSL-JSON, the
# citation format's own name on the export buttons (issue 17). CSV, OCR, UTF-8, RIS, BibTeX,
# SHA-256, GB18030, CN… are single words to the regex; file and user names are taken out page by
# page (english_in's `names`).
ALLOWED: set[str] = {"Content-Length", "CSL-JSON"}


class VisibleText(HTMLParser):
    """What a person reads on a page: the text outside scripts and styles, and the attributes a
    browser shows (titles, placeholders, labels for screen readers, the text of buttons). Code
    samples (<code>: a command, the query syntax) are not messages."""

    SKIP = {"script", "style", "code", "template"}
    SHOWN = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        attrs = dict(attrs)
        self.parts.extend(attrs[name] for name in self.SHOWN if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(" ".join(part.split()) for part in parser.parts if part.strip())


# Single words that only the project's code says, never its pages: the codes of roles, kinds,
# statuses and levels (a diff once read "程雪 reporter"), and empty values printed as text.
PROJECT_WORDS = frozenset(
    {
        *Credit.Role.values,
        *Article.Kind.values,
        *Union.Level.values,
        *Upload.Status.values,
        *UploadedFile.Status.values,
        *("None", "True", "False", "null", "undefined", "NaN"),
    }
)
WORD = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z]+(?![A-Za-z0-9_-])")
# An address or a file name in the text ("www.zjgrrb.com", "zicxw@163.com", "/x/photo.jpg"):
# its words are not messages.
ADDRESS = re.compile(r"[^\s，。、；：（）“”]*[/@][^\s，。、；：（）“”]*|[\w.-]+\.[A-Za-z0-9]{2,4}\b", re.ASCII)


def english_in(html: str, names: tuple[str, ...] = ()) -> list[str]:
    """The runs of English words on a page, and the single words of the project's code, once the
    given file or user names are taken out. Only what a person reads (visible_text): ids, classes,
    links and form values are markup."""
    text = visible_text(html)
    for name in names:
        text = text.replace(name, " ")
    runs = {m.group(0) for m in ENGLISH.finditer(text)} - ALLOWED
    words = {w for w in WORD.findall(ADDRESS.sub(" ", text)) if w in PROJECT_WORDS}
    return sorted(runs | words)


def test_the_detector_catches_a_single_word_of_the_project_and_ignores_markup():
    assert english_in("<p>程雪 reporter</p>") == ["reporter"]
    assert english_in("<td>None</td><td>（photographer）</td><p>状态：failed。</p>") == [
        "None",
        "failed",
        "photographer",
    ]
    assert english_in('<button title="news">记者</button>') == ["news"]  # a title is read too
    markup = (
        '<div id="news" class="reporter photo" data-role="reporter">'
        '<a href="/search/?kind=news&amp;role=reporter">记者</a>'
        '<input type="hidden" name="role" value="reporter">'
        '<select name="role"><option value="photographer">摄影</option></select>'
        "<p>电子版: www.news.com/photo/ 信箱 done@163.com 文件 photo.txt</p>"
        '<tr class="status-failed"><td>导入失败</td></tr></div>'
    )
    assert english_in(markup) == []


# -- the pages ------------------------------------------------------------------------------------

EMPTY, BINARY, UNDATED = "empty.txt", "scan.txt", "undated.txt"


@pytest.fixture
def archivist(db):
    user = User.objects.create_user("archivist", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="archive admins"))
    return user


@pytest.fixture
def invalid_upload(client, archivist) -> Upload:
    """An upload holding files that cannot be imported: empty, binary, and a dump without a date."""
    files = [
        SimpleUploadedFile(EMPTY, b"", content_type="text/plain"),
        SimpleUploadedFile(BINARY, b"\x00\x01\x02\x03" * 100, content_type="text/plain"),
        SimpleUploadedFile(
            UNDATED, "工会新闻\n\n本报讯 记者程雪报道 今天召开了会议。\n".encode(), content_type="text/plain"
        ),
    ]
    client.force_login(archivist)
    assert client.post("/upload/", {"files": files}).status_code == 302
    client.logout()
    return Upload.objects.latest("pk")


def public_pages() -> list[str]:
    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    union = Union.objects.filter(articles__isnull=False).first()
    topic = Topic.objects.filter(articles__isnull=False).first()
    return [
        "/",
        "/search/",
        "/search/?q=工会",
        "/search/?q=工会&date_from=2022-13-45",
        "/search/?date_from=2023-01-01&date_to=2022-01-01",
        "/search/?q=没有这样的文章甲乙丙",
        article.get_absolute_url(),
        article.get_absolute_url() + "?q=工会&rank=1",
        "/issues/",
        "/issues/2022/",
        "/issues/2022/05/19/",
        "/unions/",
        union.get_absolute_url(),
        "/topics/",
        topic.get_absolute_url(),
        "/no/such/page/",
        "/articles/999999/",
        "/issues/2022/02/30/",
        Person.objects.get(name="邹伟锋").get_absolute_url(),
        "/search/?q=金钧胤&tolerant=1",  # variants marked, 形近字匹配
        "/search/?q=负责入",  # no exact hit: what 容错 would find
    ]


def test_no_public_page_shows_english(client, archive):
    found = {}
    for url in public_pages():
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        if english := set(english_in(response.text)):
            found[url] = sorted(english)
    assert not found


def test_the_search_facets_never_say_none(client, archive):
    assert "None" not in english_in(client.get("/search/").text)


def test_the_error_pages_speak_chinese_in_the_site_layout(client, db):
    from django.views.defaults import bad_request, server_error

    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and "页面不存在" in missing.text
    request = RequestFactory().get("/")
    for response in (server_error(request), bad_request(request, Exception("bad"))):
        html = response.content.decode()
        # the site's own layout, a way home and a search box, even without a request context
        assert 'class="masthead"' in html and 'href="/"' in html and 'name="q"' in html, response.status_code
        assert not english_in(html), response.status_code
    refused = client.get("/", headers={"host": "evil.example"})  # Django's DisallowedHost: 400
    assert refused.status_code == 400 and "请求有误" in refused.text and not english_in(refused.text)


def test_a_form_refused_by_the_csrf_check_speaks_chinese(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "表单已失效" in response.text and not english_in(response.text)


def test_a_forbidden_page_speaks_chinese(client, db):
    client.force_login(User.objects.create_user("reader"))
    response = client.get("/upload/")
    assert response.status_code == 403
    assert "没有权限" in response.text and 'name="q"' in response.text
    assert not english_in(response.text, ("reader",))


def test_the_upload_pages_speak_chinese_about_invalid_files(client, archivist, invalid_upload):
    client.force_login(archivist)
    names = (EMPTY, BINARY, UNDATED, "archivist")
    found = {}
    for url in ("/upload/", "/uploads/", invalid_upload.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        if english := english_in(response.text, names):
            found[url] = english
    assert not found
    detail = client.get(invalid_upload.get_absolute_url()).text
    assert "文件是空的" in detail and "不是文本" in detail and "出版日期" in detail


def test_the_upload_pages_speak_chinese_about_corrections_and_a_finished_import(
    client, admin_client, archivist, archive
):
    """An upload's report with a corrected article (its credits' roles too), the flash messages
    of a confirmation (started, a file still lacking a value, a file held for a second look),
    and the finished import."""
    from tests.conftest import drain
    from tests.test_corrections import NO_MASTHEAD, RIGHT, TITLE, WRONG, credits_form, rescan

    article = Article.objects.get(title=TITLE)
    edits = credits_form(article, first_role="photographer")
    admin_edit(admin_client, article, body=article.body.replace(WRONG, RIGHT), **edits)
    client.force_login(archivist)
    files = [SimpleUploadedFile("002-rescan.txt", rescan()), SimpleUploadedFile(UNDATED, NO_MASTHEAD)]
    assert client.post("/upload/", {"files": files}).status_code == 302
    batch = Upload.objects.latest("pk")
    names = ("002-rescan.txt", "002-undated.txt", UNDATED, "archivist", "admin")
    report = client.get(batch.get_absolute_url()).text
    assert "署名人员" in report and "<del" in report
    assert not english_in(report, names)
    undated = batch.files.get(name=UNDATED)
    client.post(batch.get_absolute_url(), {f"date-{undated.pk}": "2020-01-02"})  # its page number forgotten
    drain()
    finished = client.get(batch.get_absolute_url()).text
    assert "已开始导入" in finished and "缺少日期或版次" in finished and "已完成" in finished
    assert not english_in(finished, names)
    undated_rescan = rescan(seed("002").decode().replace("2022年5月19日\n", "", 1))
    response = client.post("/upload/", {"files": [SimpleUploadedFile("002-undated.txt", undated_rescan)]})
    assert response.status_code == 302
    held = Upload.objects.latest("pk")
    item = held.files.get()
    client.post(held.get_absolute_url(), {f"date-{item.pk}": "2022-05-19"})
    second_look = client.get(held.get_absolute_url()).text
    assert "会改动人工校正过的文章" in second_look
    assert not english_in(second_look, names)


def test_the_refusals_before_the_body_is_read_speak_chinese(db):
    """413 (too large) and 411 (no length) come from a middleware, in the site's layout."""
    from tests.test_security import through_the_stack, unread_upload

    for length, status in ((10 * 2**30, 413), (None, 411)):
        response = through_the_stack(unread_upload(length))
        assert response.status_code == status
        html = response.content.decode()
        assert 'class="masthead"' in html and not english_in(html), status


def test_the_admin_speaks_chinese_on_the_pages_editors_use(admin_client, archive):
    """The change pages of a page and an upload, the lists of unions, topics and people, and a
    version of an article (the page that restores it)."""
    from newspaper.models import Page, Person

    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    admin_edit(admin_client, article, body=article.body + "（更正）", change_reason="据版面图片改正")
    version = article.history.order_by("history_date").first()  # the import's, before the correction
    invalid = [SimpleUploadedFile(EMPTY, b""), SimpleUploadedFile(UNDATED, "工会新闻\n".encode())]
    assert admin_client.post("/upload/", {"files": invalid}).status_code == 302
    found = {}
    for url in (
        f"/admin/newspaper/page/{article.page_id}/change/",
        f"/admin/newspaper/page/{Page.objects.exclude(pk=article.page_id).first().pk}/change/",
        f"/admin/newspaper/upload/{Upload.objects.latest('pk').pk}/change/",
        "/admin/newspaper/union/",
        "/admin/newspaper/topic/",
        "/admin/newspaper/person/",
        f"/admin/newspaper/person/{Person.objects.first().pk}/change/",
        f"/admin/newspaper/union/{Union.objects.first().pk}/change/",
        f"/admin/newspaper/article/{article.pk}/history/{version.history_id}/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        if english := english_in(response.text, ("admin", EMPTY, UNDATED)):
            found[url] = english
    assert not found


def test_the_admin_speaks_chinese_on_the_article_pages(admin_client, archive):
    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    admin_edit(admin_client, article, body=article.body + "（更正）", title=article.title + "（更正）")
    base = f"/admin/newspaper/article/{article.pk}"
    found = {}
    for url in (
        "/admin/",
        "/admin/newspaper/article/",
        "/admin/newspaper/article/?q=工会",
        f"{base}/change/",
        f"{base}/history/",
        "/admin/newspaper/page/",
        "/admin/newspaper/upload/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        if english := english_in(response.text, ("admin",)):
            found[url] = english
    assert not found


def test_the_article_history_names_the_changed_fields_in_chinese(admin_client, archive):
    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    assert not article.subtitle
    admin_edit(admin_client, article, body=article.body + "（更正）", subtitle="新的副题")
    html = admin_client.get(f"/admin/newspaper/article/{article.pk}/history/").text
    text = visible_text(html)
    assert "改动" in text and "副题\n：（空） → 新的副题" in text
    # a long text: the stretch around the change, not "[97 chars]"
    assert "正文\n：…记、副书记、党务干部参加培训。 → …记、副书记、党务干部参加培训。（更正）" in text
    assert "chars]" not in text and "None" not in text


def test_what_the_index_writer_records_shows_in_chinese(admin_client, archive):
    """The writer records its state, checks and errors in English (the command line's); the
    admin's pages and the upload pages translate them, values kept."""
    from newspaper.i18n import localize_stored
    from newspaper.models import IndexWork, IndexWriterStatus, Page

    assert localize_stored("writing 2000 articles", IndexWriterStatus.MESSAGES) == "正在写入 2000 篇文章"
    differs = "index differs: 1 missing, 0 stale, 2 extra; ids: 3, 4, 5"
    assert localize_stored(differs, IndexWriterStatus.MESSAGES) == (
        "索引与数据库不一致：缺少 1 篇，过期 0 篇，多余 2 篇；编号：3, 4, 5"
    )
    assert localize_stored("OSError: disk full", IndexWriterStatus.MESSAGES) == "OSError: disk full"
    IndexWriterStatus.objects.update_or_create(
        pk=1,
        defaults={
            "state": "writing 5 articles",
            "last_check": "index matches database: 10 articles (2 still queued for the index writer)",
            "last_error": "the index lock (/x/index.writer.lock) was held by another process over 60 s",
        },
    )
    page = Page.objects.first()
    IndexWork.objects.create(article_id=page.articles.first().pk, page_id=page.pk, error="waiting for the index lock")
    found = {}
    for url in (
        "/admin/",
        "/admin/newspaper/indexwriterstatus/",
        "/admin/newspaper/indexwriterstatus/1/change/",
        "/admin/newspaper/indexwork/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        if english := english_in(response.text, ("admin", "/x/index.writer.lock")):
            found[url] = english
    assert not found
    assert "另有 2 篇在等待写入" in admin_client.get("/admin/newspaper/indexwriterstatus/").text


def test_the_admin_scripts_speak_chinese(admin_client):
    """The two-box picker of an article's topics: Django 5.2's strings its Chinese lacks."""
    script = admin_client.get("/admin/jsi18n/").content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalogue["Choose all %s"] == "全选%s"


def test_a_long_change_is_shown_around_where_it_happened():
    from newspaper.history_display import around_difference

    old, new = around_difference("甲" * 200 + "乙" * 100 + "丙" * 200, "甲" * 200 + "丁" * 100 + "丙" * 200)
    assert old == "…" + "甲" * 15 + "乙" * 15 + "…（省略 70 字）…" + "乙" * 15 + "丙" * 15 + "…"
    assert new == old.replace("乙", "丁")
    assert around_difference("短", "") == ("短", "")


def test_form_errors_name_the_field_by_its_label(client, db):
    response = client.get("/search/", {"q": "工会", "date_from": "2022-13-45"})
    assert response.status_code == 400
    text = visible_text(response.text)
    assert "起始日期：" in text and "date_from" not in text


def test_the_csv_export_has_chinese_headers(client, archive):
    import csv
    import io

    response = client.get("/search/export.csv", {"q": "工会"})
    header = next(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert header[:4] == ["编号", "日期", "版次", "引题"]
    assert not [h for h in header if re.search("[A-Za-z]", h)]


# -- the messages ---------------------------------------------------------------------------------


def test_a_parse_error_stays_english_for_the_command_line_and_localizes_for_the_web():
    with pytest.raises(ParseError) as caught:
        parse_dump(b"")
    assert str(caught.value) == "the file is empty"
    with translation.override("zh-hans"):
        assert localize(caught.value.reason) == "文件是空的"


def test_a_message_with_values_is_translated_with_the_same_values():
    with pytest.raises(ParseError) as caught:
        parse_text("正文一段。\n" * 3 + "本报讯 记者程雪报道 今天开会。\n")
    assert str(caught.value) == "no issue date in the masthead (give one with --date)"
    with translation.override("zh-hans"):
        web = localize(caught.value.reason)
    assert "--date" not in web and "出版日期" in web
    page = parse_text("2022年5月19日 星期一\n\n本报讯 记者程雪报道 今天开会。\n")
    warning = next(w for w in page.warnings if "does not match" in w)
    assert warning == "星期一 does not match 2022-05-19 (星期四)"
    with translation.override("zh-hans"):
        assert localize(warning) == "报头的星期一与 2022-05-19（星期四）不符"


def test_a_reason_survives_the_task_queue():
    import pickle

    from newspaper.parser.reasons import reason

    message = pickle.loads(pickle.dumps(reason("the text is not valid {encoding}", encoding="gb18030")))
    assert message == "the text is not valid gb18030"
    with translation.override("zh-hans"):
        assert localize(message) == "文本不是有效的 gb18030 编码"


def _catalogue() -> dict[str, str]:
    """msgid → msgstr of our catalogue (the entries a plain reading of the .po can tell)."""
    entries, key, current = {}, None, None
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue
        m = re.match(r'^(msgid|msgstr|msgid_plural|msgstr\[\d+\]) "(.*)"$', line)
        if m:
            key, current = m.group(1), m.group(2)
            if key == "msgid":
                msgid = current
            elif key.startswith("msgstr"):
                entries.setdefault(msgid, "")
                entries[msgid] += current
            continue
        m = re.match(r'^"(.*)"$', line)
        if m and key == "msgid":
            msgid += m.group(1)
        elif m and key and key.startswith("msgstr"):
            entries[msgid] += m.group(1)
    entries.pop("", None)
    return entries


def test_every_message_of_the_parser_and_the_import_is_in_the_catalogue():
    """A new reason(...) needs `make messages` and a translation, or the web shows it in English."""
    catalogue = _catalogue()
    sources = [*(ROOT / "newspaper").rglob("*.py"), *(ROOT / "search").rglob("*.py")]
    templates = {
        node.args[0].value
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "reason"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(templates) > 20
    assert sorted(templates - catalogue.keys()) == []
    assert sorted(t for t in templates if not catalogue[t]) == []


def test_every_entry_of_the_catalogue_is_translated_and_compiled():
    untranslated = sorted(
        msgid for msgid, msgstr in _catalogue().items() if not msgstr and re.search("[A-Za-z]", msgid)
    )
    assert untranslated == []
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime, "run make (compilemessages)"
