import time

from django.core.management.base import BaseCommand

from translations.memory import memory_rebuild
from translations.models import MemorySegment


class Command(BaseCommand):
    help = "Build the translation memory again from every translation on the platform (after a bulk import, say)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        before = MemorySegment.objects.count()
        total = memory_rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Translation memory rebuilt: {total} segments (was {before}) in {seconds:.1f} s.")
        )
