"""Export or delete the personal data a partner holds: `personal_data <partner> --export FILE` or `--delete`."""

import json

from django.core.management.base import BaseCommand, CommandError

from curriculum.models import Partner
from workshops.selectors import partner_personal_data
from workshops.services import people_delete


class Command(BaseCommand):
    help = "Export (JSON) or delete the personal data of a partner's people; the audit trail keeps only the fact."

    def add_arguments(self, parser):
        parser.add_argument("partner", help="the partner's slug")
        parser.add_argument("--export", metavar="FILE", help="write the data as JSON to FILE ('-' for the output)")
        parser.add_argument("--delete", action="store_true", help="delete every person of the partner")

    def handle(self, *args, partner, export=None, delete=False, **options):
        found = Partner.objects.filter(slug=partner).first()
        if found is None:
            raise CommandError(f"no partner with the slug {partner!r}")
        if not export and not delete:
            raise CommandError("say --export FILE, --delete, or both (export first)")
        if export:
            text = json.dumps(partner_personal_data(partner=found), ensure_ascii=False, indent=2)
            if export == "-":
                self.stdout.write(text)
            else:
                with open(export, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
        if delete:
            count = people_delete(partner=found)
            self.stderr.write(f"deleted the personal data of {count} people of {found.slug}")
