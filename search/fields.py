"""haystack fields whose Whoosh field types search.backends supplies."""

from haystack import indexes


class WordsField(indexes.CharField):
    """Chinese text for ranking: jieba words."""

    field_type = "zh_words"


class GramsField(indexes.CharField):
    """Chinese text for exact matching: positional character grams."""

    field_type = "zh_grams"


class ColumnField(indexes.IntegerField):
    """A whole number kept per document as a column, neither indexed nor stored: what the index
    writer and `check_index` read to tell which article an entry is and what it was made from."""

    field_type = "column_int"
