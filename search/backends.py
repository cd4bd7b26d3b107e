"""The Whoosh backend with Chinese analysis swapped in. Only the schema changes; haystack's
backend does everything else."""

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from whoosh.fields import ID, TEXT

from search.analyzer import CharGramAnalyzer, ChineseWordAnalyzer, gram_query


class GRAMS(TEXT):
    """Character grams that parse their own queries: a term becomes the phrase of its bigrams
    (a single character, a prefix), which is exact substring matching."""

    def self_parsing(self):
        return True

    def parse_query(self, fieldname, qstring, boost=1.0):
        return gram_query(fieldname, qstring, boost)


FIELD_TYPES = {
    "zh_words": lambda f: TEXT(analyzer=ChineseWordAnalyzer(), stored=f.stored, field_boost=f.boost, phrase=False),
    "zh_grams": lambda f: GRAMS(analyzer=CharGramAnalyzer(), stored=f.stored, field_boost=f.boost, phrase=True),
}


class ChineseWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field in fields.values():
            make = FIELD_TYPES.get(field.field_type)
            if make is None and field.field_type == "string" and not field.is_multivalued and not field.document:
                # Facet values and codes (kind, month, the *_exact twins) are matched and counted
                # whole; haystack's default would stem and split them (2022-05 → 2022, 05).
                make = lambda f: ID(stored=f.stored, sortable=True)  # noqa: E731
            if make:
                schema.remove(field.index_fieldname)
                schema.add(field.index_fieldname, make(field))
        return content_field_name, schema

    def search(self, query_string, start_offset=0, end_offset=None, **kwargs):
        """Whoosh fetches whole pages; haystack turns a slice into page int(start/length)+1,
        which for an unaligned slice ([20:29], the last page with orphans) is the wrong page.
        Fetch the smallest aligned page that covers the slice, then trim it."""
        if end_offset is None or start_offset == 0 or start_offset % (end_offset - start_offset) == 0:
            return super().search(query_string, start_offset=start_offset, end_offset=end_offset, **kwargs)
        length = end_offset - start_offset
        while start_offset // length != (end_offset - 1) // length:
            length += 1
        first = start_offset - start_offset % length
        found = super().search(query_string, start_offset=first, end_offset=first + length, **kwargs)
        skip = start_offset - first
        found["results"] = found.get("results", [])[skip : skip + end_offset - start_offset]
        return found


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshBackend
