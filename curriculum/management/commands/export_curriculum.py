import json

from django.core.management.base import BaseCommand, CommandError

from curriculum.exchange import curriculum_export
from curriculum.models import Curriculum


class Command(BaseCommand):
    help = "Export a curriculum's current text, every language, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")

    def handle(self, *args, **options):
        curriculum = Curriculum.objects.filter(slug=options["slug"]).first()
        if curriculum is None:
            raise CommandError(f"No curriculum with the slug '{options['slug']}'.")
        text = json.dumps(curriculum_export(curriculum=curriculum), ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}."))
        else:
            self.stdout.write(text, ending="")
