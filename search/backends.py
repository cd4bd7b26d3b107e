"""The Whoosh backend with Chinese analysis swapped in. Only the schema changes; haystack's
backend does everything else."""

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from whoosh.fields import TEXT

from search.analyzer import CharGramAnalyzer, ChineseWordAnalyzer

FIELD_TYPES = {
    "zh_words": lambda f: TEXT(analyzer=ChineseWordAnalyzer(), stored=f.stored, field_boost=f.boost, phrase=False),
    "zh_grams": lambda f: TEXT(analyzer=CharGramAnalyzer(), stored=f.stored, field_boost=f.boost, phrase=True),
}


class ChineseWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field in fields.values():
            make = FIELD_TYPES.get(field.field_type)
            if make:
                schema.remove(field.index_fieldname)
                schema.add(field.index_fieldname, make(field))
        return content_field_name, schema


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshBackend
