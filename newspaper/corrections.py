"""Editors' corrections against new OCR text: which stored article a re-imported dump's article
is, which fields a person corrected, and how the new text differs from the correction.

An article remembers the fields a person changed (Article.corrected, written by the admin). A
re-import or a reparse never overwrites them, unless the admin chose "take the new text" for
that article in the upload report; what was kept is reported (newspaper.store, newspaper.uploads).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

# The fields an editor corrects, as Article.corrected names them; "people" stands for the
# article's credits (the byline's names), "topics" for its topics (also Article.topics_locked).
TEXT_FIELDS = ("column", "kicker", "title", "subtitle", "byline", "body", "captions", "pull_quotes")
CORRECTABLE = (*TEXT_FIELDS, "people", "topics")
PSEUDO_LABELS = {"people": "署名人员", "topics": "主题"}

MATCH = 0.55  # how alike two articles' opening text must be to be the same article
KEY_CHARS = 80  # of headline and body compared
CONTEXT = 12  # characters of unchanged text either side of a difference
MOST_HUNKS = 8  # differences shown per field; the rest are counted


def value_of(item, name: str):
    """A correctable field's value, on an Article or a ParsedArticle, comparable across the two."""
    if name == "people":
        return list(item.people) if isinstance(item.people, list) else people_of(item)
    value = getattr(item, name)
    if name in ("captions", "pull_quotes"):
        return list(value or [])
    return value or ""


def people_of(article) -> list[tuple[str, str]]:
    """An article's credits as (name, role) pairs in byline order (ParsedArticle.people's shape)."""
    return [(c.person.name, c.role) for c in article.credits.all()]


def label_of(name: str) -> str:
    """A correctable field's Chinese name."""
    from newspaper.models import Article

    return PSEUDO_LABELS.get(name) or str(Article._meta.get_field(name).verbose_name)


def held(article, item) -> list[str]:
    """The fields a person corrected in `article` (topics aside: set by hand, they are never
    re-tagged) that the new text `item` would change."""
    return [name for name in article.corrected if name != "topics" and value_of(article, name) != value_of(item, name)]


def key(item) -> str:
    return "".join(" ".join(filter(None, (item.kicker, item.title, item.subtitle, item.body))).split())[:KEY_CHARS]


def likeness(stored, parsed) -> float:
    if stored.title and stored.title == parsed.title:
        return 1.0
    return SequenceMatcher(None, key(stored), key(parsed), autojunk=False).ratio()


def align(stored: list, parsed: list) -> dict[int, object]:
    """Which stored article each parsed article is (index in `parsed` → stored article). Slot by
    slot when the page kept its order (the usual re-scan); otherwise the most alike pairs first,
    so that an article added or dropped in the middle does not shift every correction below it
    onto its neighbour."""
    by_order = sorted(stored, key=lambda a: a.order)
    if len(by_order) == len(parsed) and all(likeness(s, p) >= MATCH for s, p in zip(by_order, parsed, strict=True)):
        return dict(enumerate(by_order))
    pairs = sorted(
        ((likeness(s, p), -abs(s.order - 1 - i), i, n) for i, p in enumerate(parsed) for n, s in enumerate(by_order)),
        reverse=True,
    )
    taken: dict[int, object] = {}
    used: set[int] = set()
    for score, _, i, n in pairs:
        if score < MATCH:
            break
        if i not in taken and n not in used:
            taken[i] = by_order[n]
            used.add(n)
    # What is left pairs up by slot when both sides are untouched text (OCR of the same slot).
    for i in range(len(parsed)):
        if i not in taken and i < len(by_order) and i not in used and not by_order[i].corrected:
            taken[i] = by_order[i]
            used.add(i)
    return taken


@dataclass
class Conflict:
    """A corrected article that the new text would change: the fields and how they differ."""

    article: object
    fields: dict[str, list[dict]] = field(default_factory=dict)  # name → hunks (see hunks())
    missing: bool = False  # the new dump has no such article: it is kept as it is

    def as_report(self) -> dict:
        """For the upload report (JSON)."""
        return {
            "article": self.article.pk,
            "title": self.article.display_title,
            "missing": self.missing,
            "fields": [{"field": n, "label": label_of(n), "hunks": h} for n, h in self.fields.items()],
        }


def conflicts(stored: list, parsed: list) -> list[Conflict]:
    """The corrected articles the new parse would touch (an editor's work to keep or give up)."""
    aligned = {id(a): i for i, a in align(stored, parsed).items()}
    found = []
    for article in sorted(stored, key=lambda a: a.order):
        if not article.corrected:
            continue
        i = aligned.get(id(article))
        if i is None:
            found.append(Conflict(article, missing=True))
            continue
        differ = {
            name: hunks(shown(name, value_of(article, name)), shown(name, value_of(parsed[i], name)))
            for name in held(article, parsed[i])
        }
        if differ:
            found.append(Conflict(article, differ))
    return found


def shown(name: str, value) -> str:
    """A field's value as the upload report shows it: credits with their roles in Chinese ("程雪
    记者"), the codes ("reporter") staying what is stored and compared."""
    if name == "people":
        value = [(person, role_label(role)) for person, role in value]
    return as_text(value)


def role_label(role: str) -> str:
    """A credit's role as the web names it (Credit.Role: "reporter" → "记者")."""
    from newspaper.models import Credit

    return str(dict(Credit.Role.choices).get(role, role))


def as_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(" ".join(v) if isinstance(v, tuple | list) else str(v) for v in value)
    return str(value)


def hunks(old: str, new: str) -> list[dict]:
    """A compact character diff: each difference with a little unchanged text either side,
    {"before", "old", "new", "after"}; past MOST_HUNKS, one last {"more": n}."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    found = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        found.append(
            {
                "before": old[max(0, i1 - CONTEXT) : i1],
                "old": old[i1:i2],
                "new": new[j1:j2],
                "after": old[i2 : i2 + CONTEXT],
            }
        )
    if len(found) > MOST_HUNKS:
        found = [*found[:MOST_HUNKS], {"more": len(found) - MOST_HUNKS}]
    return found
