"""The API described (issue 17): the OpenAPI document is valid, names every /api/ route and every
parameter the views read, and a live server answers what schemathesis generates from it as the
document says: never a 5xx, every status, content type and body as documented."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from search.forms import ArchiveSearchForm
from search.openapi import document
from tests.test_browser import live_archive  # noqa: F401 (a fixture)


def api_routes() -> set[str]:
    """Every /api/ URL of the site, written as OpenAPI writes paths (/api/articles/{pk})."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield "/" + prefix + str(p.pattern)

    converted = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) for route in walk(get_resolver().url_patterns)}
    return {route for route in converted if route.startswith("/api/")}


def parameters(path: str) -> list[dict]:
    doc = document()
    refs = doc["paths"][path].get("parameters", []) + doc["paths"][path]["get"]["parameters"]
    return [doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in refs]


def test_the_document_is_valid_openapi():
    validate(document())


def test_the_served_document_is_valid_and_names_this_server(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    served = response.json()
    validate(served)
    assert served["servers"] == [{"url": "http://testserver"}]
    assert served["paths"] == document()["paths"]


def test_every_api_route_is_described():
    routes = api_routes()
    assert {"/api/search", "/api/articles/{pk}", "/api/openapi.json"} <= routes
    assert routes <= set(document()["paths"]), routes - set(document()["paths"])


def test_the_search_operation_names_every_parameter_the_form_reads():
    documented = {p["name"] for p in parameters("/api/search")}
    assert documented == set(ArchiveSearchForm.base_fields) | {"page", "page_size"}


def test_every_operation_answers_invalid_input_in_the_error_shape():
    doc = document()
    for path, item in doc["paths"].items():
        for status, response in item["get"]["responses"].items():
            if status.startswith("4"):
                name = response["$ref"].rsplit("/", 1)[1]
                schema = doc["components"]["responses"][name]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)
        takes_input = path == "/api/articles/{pk}" or item["get"]["parameters"]
        assert not takes_input or any(s.startswith("4") for s in item["get"]["responses"]), path
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "message", "fields"]


@pytest.mark.parametrize("path", ["/api/articles/-1", "/api/articles/abc", "/api/nothing/here", "/api/"])
def test_any_other_api_address_is_a_json_404(client, db, path):
    response = client.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not found", "message": "没有这个接口地址", "fields": {}}


@pytest.mark.parametrize("path", ["/api/search", "/api/articles/1", "/api/openapi.json", "/search/export.jsonl"])
def test_another_method_is_a_json_405_not_the_csrf_page(db, path):
    """Found by schemathesis: the CSRF check answered a POST with its HTML 403 page first."""
    response = Client(enforce_csrf_checks=True).post(path)
    assert response.status_code == 405 and response.json()["error"] == "method not allowed"
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("name", ["person", "union", "within"])
def test_a_nul_in_a_filter_value_is_refused_as_in_the_query(client, db, name):
    """Found by schemathesis on PostgreSQL, which refuses NUL in a query: ?person=%00 was a 500."""
    response = client.get("/api/search", {name: "程\x00雪"})
    assert response.status_code == 400 and response.json()["fields"] == {name: ["无效的筛选值"]}


# -- fuzzing a live server ----------------------------------------------------------------------


@pytest.fixture
def live_api(live_server, live_archive) -> str:
    """The live server's address, on 127.0.0.1, with the sample archive committed."""
    return f"http://127.0.0.1:{live_server.thread.port}"


# Every check schemathesis has but two about requests rather than responses. That a request valid
# by the document is accepted: the document cannot say what one parameter requires of another (a
# start before the end, a month inside the dates) or that a query must hold something searchable.
# That an invalid one is refused: in a query string every value is text, so a list given where a
# text is documented (or the reverse) cannot be told apart, and a form's checkbox sends tolerant=on.
# The requests are still generated, valid and invalid; every response is checked.
CONFIG = {"checks": {"positive_data_acceptance": {"enabled": False}, "negative_data_rejection": {"enabled": False}}}
api = schemathesis.openapi.from_dict(document(), config=schemathesis.Config.from_dict(CONFIG))


@api.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_the_live_api_answers_every_generated_request_as_documented(case, live_api):
    case.call_and_validate(base_url=live_api)
