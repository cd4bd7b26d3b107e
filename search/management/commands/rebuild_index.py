from django.core.management.base import BaseCommand
from tqdm import tqdm

from newspaper import freed_memory
from search.rebuild import rebuild
from search.writer import BATCH


class Command(BaseCommand):
    help = (
        "Write the whole search index anew from the database, beside the old one (which keeps "
        "answering searches), then swap it in. Holds the index writer's lock meanwhile."
    )

    def add_arguments(self, parser):
        # haystack's spelling of the options, which scripts use
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", default=True)
        parser.add_argument("-b", "--batch-size", dest="batchsize", type=int, default=BATCH)

    def handle(self, *args, **options):
        freed_memory.map_large_blocks()  # a merge's big arrays go back to the system when freed
        bar = tqdm(unit="article", disable=options["verbosity"] == 0, file=self.stderr)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        written = rebuild(batch=options["batchsize"] or BATCH, progress=progress)
        bar.close()
        if options["verbosity"] >= 1:
            self.stdout.write(f"search index rebuilt: {written} articles")
