from django.core.management.base import BaseCommand

from newspaper.people import suggest


class Command(BaseCommand):
    help = (
        "List pairs of people whose names differ by one look-alike character and who share a role in "
        "overlapping years (likely one person under an OCR variant), most likely first. Merge them in the "
        "admin (People > likely the same person)."
    )

    def handle(self, *args, **options):
        suggestions = suggest()
        for s in suggestions:
            first, last = s.years
            years = str(first) if first == last else f"{first}-{last}"
            self.stdout.write(
                f"{s.keep.name} ({articles(s.keep.articles)}, id {s.keep.pk}) ~ "
                f"{s.variant.name} ({articles(s.variant.articles)}, id {s.variant.pk}): "
                f"{', '.join(s.roles)}; {years}; look-alike {s.score:.2f}"
            )
        self.stderr.write(f"{len(suggestions)} pairs")


def articles(n: int) -> str:
    return f"{n} article" if n == 1 else f"{n} articles"
