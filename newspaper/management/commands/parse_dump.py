import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newspaper.management.commands._args import parse_date
from newspaper.parser import ParseError, parse_dump
from newspaper.recognise import annotate


class Command(BaseCommand):
    help = "Print the parsed JSON of one OCR text dump (see ../shared/gold/SCHEMA.md). Stores nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--date", type=parse_date, help="issue date when the dump has none (YYYY-MM-DD)")
        parser.add_argument("--page", type=int, help="page number when the dump has none")
        parser.add_argument("--compact", action="store_true", help="one line of JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read: {exc.strerror or exc}") from None
        try:
            page = parse_dump(data, date=options["date"], page=options["page"])
        except ParseError as exc:
            raise CommandError(f"{path}: {exc}") from None
        result = page.to_json()
        result["file"] = path.name
        annotate(result, rules=self.topic_rules())
        indent = None if options["compact"] else 2
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=indent))

    @staticmethod
    def topic_rules():
        """The admins' rules when the database has them; the shipped taxonomy otherwise (parse_dump
        must work on a machine that has never migrated)."""
        from django.db import DatabaseError

        from newspaper.ingest import topic_rules

        try:
            return topic_rules() or None
        except DatabaseError:
            return None
