"""Issue 13: upload limits that hold before the body is read, login attempts locked out after
five failures, the Content-Security-Policy on every response, the login link in the header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.base import BaseHandler
from django.template.loader import get_template
from django.test import Client, RequestFactory

from newspaper import upload_views
from newspaper.models import Upload, UploadedFile

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).parent.parent / "templates"


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


def through_the_stack(request):
    """The request through every middleware in settings.MIDDLEWARE, as the WSGI handler runs it."""
    handler = BaseHandler()
    handler.load_middleware()
    return handler.get_response(request)


def unread_upload(length: int | None, cookies=None):
    """A multipart POST to the upload page declaring `length` bytes, whose body cannot be read."""
    factory = RequestFactory()
    if cookies is not None:
        factory.cookies = cookies
    extra = {"wsgi.input": Unreadable(), "CONTENT_TYPE": "multipart/form-data; boundary=xyz"}
    request = factory.generic("POST", "/upload/", **extra)
    request.META.pop("CONTENT_LENGTH", None)
    if length is not None:
        request.META["CONTENT_LENGTH"] = str(length)
    return request


def files(n: int, data: bytes = b"x") -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"{i:03}.txt", data, content_type="text/plain") for i in range(n)]


@pytest.fixture
def archivist():
    user = User.objects.create_user("archivist", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="archive admins"))
    return user


@pytest.fixture
def strict(archivist):
    """A browser's view of the site: CSRF enforced, signed in as an archive admin, a token in hand."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(archivist)
    client.get("/upload/")
    client.token = client.cookies["csrftoken"].value
    return client


class TestUploadLimits:
    def test_201_files_get_the_upload_page_with_a_chinese_message_not_a_bare_400(self, strict):
        response = strict.post("/upload/", {"files": files(201), "csrfmiddlewaretoken": strict.token})
        assert response.status_code == 400
        assert "一次最多上传 200 个文件" in response.text and "上传版面文本" in response.text
        assert Upload.objects.count() == 0

    def test_150_files_under_the_limit_pass_to_validation(self, strict):
        response = strict.post("/upload/", {"files": files(150), "csrfmiddlewaretoken": strict.token})
        assert response.status_code == 302, response.text[:300]
        assert UploadedFile.objects.filter(upload=Upload.objects.get()).count() == 150

    def test_the_view_itself_answers_too_many_files_with_the_message(self, archivist):
        request = RequestFactory().post("/upload/", {"files": files(201)})
        request.user = archivist
        response = upload_views.upload(request)
        assert response.status_code == 400 and "一次最多上传 200 个文件" in response.content.decode()

    def test_an_anonymous_huge_upload_gets_413_without_its_body_being_read(self):
        response = through_the_stack(unread_upload(10 * 2**30))
        assert response.status_code == 413
        assert "合计不能超过 100 MB" in response.content.decode()

    def test_an_anonymous_upload_under_the_size_limit_goes_to_login_unread(self):
        response = through_the_stack(unread_upload(50 * 2**20))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=/upload/")

    def test_a_signed_in_user_without_the_permission_gets_403_unread(self, client):
        client.force_login(User.objects.create_user("reader", is_staff=True))
        response = through_the_stack(unread_upload(50 * 2**20, cookies=client.cookies))
        assert response.status_code == 403

    def test_an_archive_admin_over_the_size_limit_gets_413_unread_too(self, client, archivist):
        client.force_login(archivist)
        response = through_the_stack(unread_upload(101 * 2**20 + 1, cookies=client.cookies))
        assert response.status_code == 413

    def test_a_multipart_upload_without_a_declared_length_is_refused_unread(self):
        assert through_the_stack(unread_upload(None)).status_code == 411

    def test_any_post_declaring_more_than_an_upload_may_is_refused_unread(self):
        request = RequestFactory().generic("POST", "/admin/login/", **{"wsgi.input": Unreadable()})
        request.META["CONTENT_LENGTH"] = str(200 * 2**20)
        assert through_the_stack(request).status_code == 413

    def test_other_forms_keep_djangos_own_limit_on_their_fields(self, client):
        response = client.post("/admin/login/", {"username": "x" * (6 * 2**20), "password": "pw"})
        assert response.status_code == 400  # DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB), not ours


class TestLoginLockout:
    def login(self, client, password, ip="127.0.0.1"):
        return client.post("/admin/login/?next=/admin/", {"username": "editor", "password": password}, REMOTE_ADDR=ip)

    def test_five_failures_lock_the_username_from_that_address_out_for_15_minutes(self, client):
        User.objects.create_user("editor", password="the-right-one", is_staff=True)
        for _ in range(4):
            assert self.login(client, "wrong").status_code == 200  # the form again, with its error
        locked = self.login(client, "wrong")
        assert locked.status_code == 429
        assert "暂时无法登录" in locked.text and "15 分钟后再试" in locked.text
        assert '<header class="masthead">' in locked.text  # the site's layout
        assert self.login(client, "the-right-one").status_code == 429  # even the right password
        elsewhere = Client()
        assert self.login(elsewhere, "the-right-one", ip="10.0.0.9").status_code == 302

    def test_a_good_password_clears_earlier_failures(self, client):
        User.objects.create_user("editor", password="the-right-one", is_staff=True)
        for _ in range(4):
            self.login(client, "wrong")
        assert self.login(client, "the-right-one").status_code == 302
        client.logout()
        for _ in range(4):
            assert self.login(client, "wrong").status_code == 200


class TestContentSecurityPolicy:
    @pytest.mark.parametrize("url", ["/", "/search/?q=工会", "/api/search?q=工会", "/admin/login/", "/nowhere/"])
    def test_every_response_carries_the_policy(self, client, url):
        policy = client.get(url)["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ):
            assert directive in policy
        assert "unsafe" not in policy

    def test_the_refusals_before_authentication_carry_it_too(self):
        assert "Content-Security-Policy" in through_the_stack(unread_upload(10 * 2**30))

    def test_our_templates_have_no_inline_script_handler_or_style(self):
        offences = []
        for path in TEMPLATES.rglob("*.html"):
            text = path.read_text()
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and 'type="application/json"' not in tag:
                    offences.append(f"{path.name}: inline {tag}")
            offences += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
            offences += [f"{path.name}: {m}" for m in re.findall(r"\sstyle\s*=|javascript:|<style\b", text)]
        assert not offences


class TestLoginLink:
    def test_anonymous_visitors_see_a_login_link_back_to_where_they_were(self, client):
        response = client.get("/search/?q=%E5%B7%A5%E4%BC%9A")  # 工会, as a browser sends it
        assert '<a href="/admin/login/?next=/search/%3Fq%3D%25E5%25B7%25A5%25E4%25BC%259A">登录</a>' in response.text
        assert "退出" not in response.text and ">上传<" not in response.text and ">管理<" not in response.text

    def test_signed_in_users_see_their_name_and_a_logout_form(self, client, archivist):
        client.force_login(archivist)
        text = client.get("/").text
        assert '<span class="account">archivist</span>' in text
        assert re.search(r'<form class="logout" method="post" action="/admin/logout/">', text)
        assert ">登录<" not in text and ">上传<" in text and ">管理<" in text
        assert client.post("/admin/logout/", {"next": "/"})["Location"] == "/"
        assert ">登录<" in client.get("/").text

    def test_signed_in_readers_without_staff_see_neither_upload_nor_admin(self, client):
        client.force_login(User.objects.create_user("reader"))
        text = client.get("/").text
        assert "退出" in text and ">上传<" not in text and ">管理<" not in text

    def test_the_base_template_renders_without_a_request_or_a_user(self):
        html = get_template("base.html").render()
        assert '<a href="/admin/login/">登录</a>' in html
