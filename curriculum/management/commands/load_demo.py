from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curriculum.demo import DEMO_PASSWORD, DEMO_USERS, demo_load
from glossary.demo import glossary_demo_load


class Command(BaseCommand):
    help = "Load the demo curriculum, partners and one login per persona (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "The demo has well-known passwords: refusing with DEBUG off (use --force on a test site)."
            )
        result = demo_load()
        for curriculum in result["curricula"]:
            self.stdout.write(f"Curriculum '{curriculum.slug}': {curriculum.modules.count()} modules, published.")
        self.stdout.write(f"Partners: {len(result['partners'])}.")
        self.stdout.write(f"Glossary: {glossary_demo_load(partners=result['partners'])} terms.")
        names = ", ".join(username for username, _persona, _scope in DEMO_USERS)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password '{DEMO_PASSWORD}'): {names}"))
