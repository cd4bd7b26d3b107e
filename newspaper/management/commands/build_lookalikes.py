from pathlib import Path

from django.core.management.base import BaseCommand

from newspaper.recognise import glyphs


class Command(BaseCommand):
    help = (
        "Build the look-alike table (形近字, issue 16) from glyph bitmaps of a CJK font: "
        "newspaper/data/lookalikes.tsv. Needs Pillow (requirements-dev.txt) and the font."
    )

    def add_arguments(self, parser):
        defaults = glyphs.Params()
        parser.add_argument("--output", type=Path, default=glyphs.TABLE, help="default: %(default)s")
        parser.add_argument("--font", type=Path, default=glyphs.FONT, help="default: %(default)s (fonts-wqy-microhei)")
        parser.add_argument("--keep", type=int, default=defaults.keep, help="look-alikes kept per character")
        parser.add_argument("--threshold", type=float, default=defaults.threshold, help="lowest score kept (0–1)")

    def handle(self, *args, **options):
        if not options["font"].exists():
            self.stderr.write(f"no font at {options['font']} (apt-get install fonts-wqy-microhei)")
            raise SystemExit(1)
        params = glyphs.Params(keep=options["keep"], threshold=options["threshold"])
        log = self.stderr.write if options["verbosity"] > 0 else lambda message: None
        rows = glyphs.build(font=options["font"], params=params, log=log)
        glyphs.write_tsv(rows, options["output"])
        self.stdout.write(f"wrote {len(rows)} look-alike pairs to {options['output']}")
