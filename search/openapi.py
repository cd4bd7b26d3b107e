"""The JSON API described (issue 17): an OpenAPI 3.0 document of every /api/ endpoint, served at
/api/openapi.json. tests/test_openapi.py checks it with a validator, checks that every /api/ route
is in it, and fuzzes a live server against it (schemathesis).

3.0.3 rather than 3.1: every tool reads it (validators, generators, Swagger UI), and nothing here
needs 3.1's JSON Schema. The document is plain data; only the server's address comes from the
request.
"""

from __future__ import annotations

from django.http import JsonResponse

from newspaper.models import Article, Credit
from search.forms import MAX_VALUES
from search.views import MAX_PAGE_SIZE, PER_PAGE, api_get

JSON = "application/json"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _query(name: str, description: str, schema: dict, **more) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **more}


def _values(name: str, what: str) -> dict:
    """A facet filter: repeatable, the values combined with OR (search.forms.ValuesField)."""
    schema = {
        "type": "array",
        "maxItems": MAX_VALUES,
        "items": {"type": "string", "maxLength": 100, "pattern": "^[^'\\u0000]*$"},
    }
    return _query(name, f"{what}，可重复，多个值为“或”（最多 {MAX_VALUES} 个，每个至多 100 字，不含 ' 和 NUL）", schema)


QUERY = '检索式：空格分隔的词须同时出现；"引号"为精确短语；`A OR B` 任一；`-词` 排除；`标题:` 只查标题；`作者:` 按作者'
TEXT = {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"}  # a query: NUL refused
DATE_RANGE = "（1949-01-01 至 2100-12-31）"
PARAMETERS = {
    "q": _query("q", QUERY, TEXT),
    "within": _values("within", "二次检索：结果还须匹配的较早检索式"),
    "date_from": _query("date_from", f"起始日期{DATE_RANGE}", {"type": "string", "format": "date"}),
    "date_to": _query("date_to", f"截止日期{DATE_RANGE}，不早于起始日期", {"type": "string", "format": "date"}),
    "year": _query("year", "只看这一年", {"type": "integer", "minimum": 1949, "maximum": 2100}),
    "month": _query(
        "month",
        "只看这个月，如 2022-05",
        {"type": "string", "pattern": "^(19[4-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])$"},
    ),
    "union": _values("union", "工会组织"),
    "topic": _values("topic", "主题"),
    "person": _values("person", "人员（记者、作者、摄影）"),
    "region": _values("region", "地区"),
    "page_name": _values("page_name", "版面名称"),
    "kind": _query(
        "kind",
        "体裁，可重复：" + "，".join(f"{value} {label}" for value, label in Article.Kind.choices),
        {"type": "array", "items": {"type": "string", "enum": list(Article.Kind.values)}},
    ),
    "sort": _query(
        "sort",
        "排序：relevance 相关度（有检索词时的默认），newest 从新到旧（无检索词时的默认），oldest 从旧到新",
        {"type": "string", "enum": ["relevance", "newest", "oldest"]},
    ),
    "tolerant": _query(
        "tolerant", "容错：三字以上的检索词也匹配差一个形近字的文字（OCR 误识）", {"type": "boolean", "default": False}
    ),
    "page": _query("page", "页码，从 1 起；超出总页数为 400", {"type": "integer", "minimum": 1, "default": 1}),
    "page_size": _query(
        "page_size",
        f"每页条数（1–{MAX_PAGE_SIZE}）",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PER_PAGE},
    ),
    "trends_q": _query(
        "q",
        f"要比较的检索式，可重复，至多 6 个（每个为完整的检索语法：{QUERY}）",
        {"type": "array", "minItems": 1, "maxItems": 6, "items": TEXT},
        required=True,
    ),
    "interval": _query("interval", "按年或按月统计", {"type": "string", "enum": ["year", "month"], "default": "year"}),
    "kwic_q": _query("q", f"检索式，须含检索词（{QUERY}）", TEXT, required=True),
    "kwic_sort": _query(
        "sort",
        "排序：date 从旧到新，-date 从新到旧（默认），left 按左侧语境，right 按右侧语境",
        {"type": "string", "enum": ["date", "-date", "left", "right"]},
    ),
}
FILTERS = ["date_from", "date_to", "union", "topic", "person", "region", "kind", "page_name", "tolerant"]

STRINGS = {"type": "array", "items": {"type": "string"}}
COUNTS = {"type": "array", "items": {"type": "integer", "minimum": 0}}
DATE = {"type": "string", "format": "date"}
URL = {"type": "string", "format": "uri"}


def _object(properties: dict, description: str = "") -> dict:
    out = {"type": "object", "required": list(properties), "properties": properties}
    return {**out, "description": description} if description else out


FACET_VALUE = {"type": "array", "minItems": 2, "maxItems": 2, "items": {"oneOf": [{"type": "string"}, COUNTS["items"]]}}
SCHEMAS = {
    "Error": _object(
        {
            "error": {"type": "string", "description": "给程序看的代码，如 invalid parameters、not found"},
            "message": {"type": "string", "description": "给人看的中文说明"},
            "fields": {
                "type": "object",
                "description": "出错的参数及其错误（没有时为空对象）",
                "additionalProperties": STRINGS,
            },
        },
        "每个错误的统一形式",
    ),
    "SearchResult": _object(
        {
            "id": {"type": "integer"},
            "url": URL,
            "title": {"type": "string", "description": "标题；OCR 没有标题时为正文开头"},
            "kicker": {"type": "string", "description": "引题"},
            "subtitle": {"type": "string", "description": "副题"},
            "date": DATE,
            "page": {"type": "integer", "description": "版次"},
            "byline": {"type": "string", "description": "署名"},
            "snippet": {"type": "string", "description": "命中处的摘要，HTML：已转义，检索词以 <mark> 标出"},
            "variants": {**STRINGS, "description": "容错检索中本文所含的形近字变体"},
        }
    ),
    "SearchPage": _object(
        {
            "count": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "num_pages": {"type": "integer", "minimum": 1},
            "results": {"type": "array", "items": _ref("schemas", "SearchResult")},
            "facets": {
                "type": "object",
                "description": "各筛选项的 [值, 篇数]，篇数多者在前；year 为 [年, 篇数]，按年排列",
                "additionalProperties": {"type": "array", "items": FACET_VALUE},
            },
        }
    ),
    "Article": _object(
        {
            "id": {"type": "integer"},
            "url": URL,
            "date": DATE,
            "page": {"type": "integer"},
            "issue_number": {"type": "integer", "nullable": True, "description": "总期号"},
            "column": {"type": "string"},
            "kicker": {"type": "string"},
            "title": {"type": "string"},
            "subtitle": {"type": "string"},
            "kind": {"type": "string", "enum": list(Article.Kind.values)},
            "byline": {"type": "string"},
            "body": {"type": "string"},
            "captions": STRINGS,
            "people": {
                "type": "array",
                "items": _object(
                    {"name": {"type": "string"}, "role": {"type": "string", "enum": list(Credit.Role.values)}}
                ),
            },
            "unions": STRINGS,
            "topics": STRINGS,
            "regions": STRINGS,
            "citation": {"type": "string", "description": "GB/T 7714-2015 参考文献"},
        }
    ),
    "Trends": _object(
        {
            "interval": {"type": "string", "enum": ["year", "month"]},
            "periods": {**STRINGS, "description": "各时段：按年为 2022，按月为 2022-05"},
            "totals": {**COUNTS, "description": "各时段的文章总数（受筛选条件限制）"},
            "series": {
                "type": "array",
                "items": _object(
                    {
                        "q": {"type": "string"},
                        "counts": {**COUNTS, "description": "各时段命中的篇数"},
                        "share": {
                            "type": "array",
                            "items": {"type": "number", "minimum": 0},
                            "description": "各时段命中篇数占总数的比例",
                        },
                    }
                ),
            },
        }
    ),
    "KwicLine": _object(
        {
            "id": {"type": "integer", "description": "文章编号"},
            "date": DATE,
            "url": URL,
            "title": {"type": "string"},
            "left": {"type": "string", "description": "匹配之前约 20 字，空白已合并"},
            "match": {"type": "string", "description": "原文中匹配的文字"},
            "right": {"type": "string", "description": "匹配之后约 20 字"},
        }
    ),
    "Kwic": _object(
        {
            "count": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "num_pages": {"type": "integer", "minimum": 1},
            "articles": {"type": "integer", "minimum": 0, "description": "检索命中的文章数"},
            "articles_read": {
                "type": "integer",
                "minimum": 0,
                "description": "列出的出现所来自的文章数：按所选顺序的前 1000 篇（少于 articles 时为截断）",
            },
            "results": {"type": "array", "items": _ref("schemas", "KwicLine")},
        }
    ),
}
RESPONSES = {
    "BadRequest": _json("参数无效：fields 列出出错的参数", _ref("schemas", "Error")),
    "NotFound": _json("没有这个对象", _ref("schemas", "Error")),
}


def _get(summary: str, parameters: list[str], ok: dict, *, description: str = "", **responses) -> dict:
    return {
        "get": {
            "summary": summary,
            "description": description or summary,
            "operationId": summary,
            "parameters": [_ref("parameters", name) for name in parameters],
            "responses": {"200": ok, **responses},
        }
    }


PATHS = {
    "/api/search": _get(
        "search",
        ["q", "within", *FILTERS[:2], "year", "month", *FILTERS[2:], "sort", "page", "page_size"],
        _json("一页检索结果及各筛选项的计数", _ref("schemas", "SearchPage")),
        description="检索文章，参数与检索页 /search/ 相同。",
        **{"400": _ref("responses", "BadRequest")},
    ),
    "/api/articles/{pk}": {
        "parameters": [
            {
                "name": "pk",
                "in": "path",
                "required": True,
                "description": "文章编号",
                "schema": {"type": "integer", "minimum": 0},
            }
        ],
        **_get(
            "article",
            [],
            _json("一篇文章的全部内容", _ref("schemas", "Article")),
            **{"404": _ref("responses", "NotFound")},
        ),
    },
    "/api/trends": _get(
        "trends",
        ["trends_q", "interval", *FILTERS],
        _json("每个检索式在各时段的篇数及其占全部文章的比例", _ref("schemas", "Trends")),
        description="词语随时间的变化：至多六个检索式共用一组筛选条件，按年或按月计数。",
        **{"400": _ref("responses", "BadRequest")},
    ),
    "/api/kwic": _get(
        "kwic",
        ["kwic_q", *FILTERS, "kwic_sort", "page"],
        _json("一页语境行：检索词的每一次出现及其左右文字", _ref("schemas", "Kwic")),
        description="关键词语境（KWIC）：匹配文章中检索词的每一次出现，一行一次。",
        **{"400": _ref("responses", "BadRequest")},
    ),
    "/api/openapi.json": _get(
        "openapi", [], _json("本文档", {"type": "object", "required": ["openapi", "info", "paths"]})
    ),
}


def document(server: str = "/") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "浙江工人日报全文档案 API",
            "version": "1",
            "description": (
                "只读的 JSON 接口，只接受 GET（及 HEAD）请求，其他方法得到 405。"
                "每个错误都是同一形式（Error）：error 为代码，message 为中文说明，fields 为出错的参数。"
                "整个结果集可从 /search/export.csv 与 /search/export.jsonl 导出，参数与检索相同。"
            ),
        },
        "servers": [{"url": server}],
        "paths": PATHS,
        "components": {"parameters": PARAMETERS, "schemas": SCHEMAS, "responses": RESPONSES},
    }


@api_get
def openapi_json(request):
    server = request.build_absolute_uri("/").rstrip("/")  # the paths start with /
    return JsonResponse(document(server), json_dumps_params={"ensure_ascii": False})
