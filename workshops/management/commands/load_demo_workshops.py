from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workshops.demo import demo_workshops_load


class Command(BaseCommand):
    help = "Load four years of demo workshops with a Training-of-Trainers cascade (after load_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete every workshop and person first")
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data: refusing with DEBUG off (use --force on a test site).")
        created = demo_workshops_load(reset=options["reset"])
        if created:
            self.stdout.write(self.style.SUCCESS(f"Workshops: {created} created."))
        else:
            self.stdout.write("Workshops: already present (use --reset to replace them).")
