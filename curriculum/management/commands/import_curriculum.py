import json

from django.core.management.base import BaseCommand, CommandError

from curriculum.exchange import CurriculumImportError, curriculum_import

MAX_FILE_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = "Import a curriculum from a JSON file (all or nothing); it is published unless --draft is given."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the JSON file")
        parser.add_argument("--draft", action="store_true", help="Import without publishing")
        parser.add_argument("--change-note", default="", help="Change note of the published versions")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        if len(raw) > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; nothing was imported.")
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text (byte {error.start}); nothing was imported.") from error
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}; nothing was imported."
            ) from error
        try:
            curriculum = curriculum_import(data=data, publish=not options["draft"], change_note=options["change_note"])
        except CurriculumImportError as error:
            raise CommandError(f"{path} was refused; nothing was imported:\n{error}") from error
        modules = curriculum.modules.count()
        state = "as a draft" if options["draft"] else "and published"
        self.stdout.write(self.style.SUCCESS(f"Imported '{curriculum.slug}' ({modules} modules) {state}."))
