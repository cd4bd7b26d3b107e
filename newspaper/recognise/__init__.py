"""Recognising unions and topics in article text (pure Python, like the parser)."""


def annotate(result: dict) -> dict:
    """Add `unions_mentioned` and `topics` to each article of a parse_dump result."""
    for article in result["articles"]:
        article.setdefault("unions_mentioned", [])
        article.setdefault("topics", [])
    return result
