from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newspaper.recognise import glyphs, lookalike_build, lookalikes


class Command(BaseCommand):
    help = (
        "Build the look-alike table (形近字, issue 16) from glyph bitmaps of two CJK fonts: "
        "newspaper/data/lookalikes.tsv. Needs Pillow (requirements-dev.txt) and the fonts "
        "(Debian's fonts-wqy-microhei and fonts-noto-cjk)."
    )

    def add_arguments(self, parser):
        defaults = glyphs.Params()
        parser.add_argument(
            "--output", type=Path, default=glyphs.TABLE, help="default: %(default)s (and lookalikes_wide.tsv beside it)"
        )
        parser.add_argument("--keep", type=int, default=defaults.keep, help="close look-alikes per character")
        parser.add_argument("--wide", type=int, default=defaults.wide, help="look-alikes kept per character")
        parser.add_argument(
            "--candidates", type=int, default=defaults.candidates, help="per character from the coarse pre-filter"
        )
        parser.add_argument("--threshold", type=float, default=defaults.threshold, help="lowest score kept (0–1)")

    def handle(self, *args, **options):
        missing = glyphs.missing_faces()
        if missing:
            packages = " ".join(face.package for face in missing)
            raise CommandError(f"missing fonts: {', '.join(str(f.path) for f in missing)} (apt-get install {packages})")
        params = glyphs.Params(
            keep=options["keep"], wide=options["wide"], threshold=options["threshold"], candidates=options["candidates"]
        )
        log = self.stderr.write if options["verbosity"] > 0 else lambda message: None
        rows, wide = lookalike_build.build(params=params, log=log)
        lookalike_build.write_tsv(rows, options["output"])
        wide_output = options["output"].with_name(lookalikes.WIDE_TABLE.name)
        lookalike_build.write_wide(wide, wide_output)
        self.stdout.write(f"wrote {len(rows)} look-alike pairs to {options['output']}")
        self.stdout.write(f"wrote {len(wide)} characters' look-alikes to {wide_output}")
