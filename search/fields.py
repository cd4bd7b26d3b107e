"""haystack fields whose Whoosh field types search.backends supplies."""

from haystack import indexes


class WordsField(indexes.CharField):
    """Chinese text for ranking: jieba words."""

    field_type = "zh_words"


class GramsField(indexes.CharField):
    """Chinese text for exact matching: positional character grams."""

    field_type = "zh_grams"
