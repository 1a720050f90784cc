"""Check that the storage answers; with --create, make the S3 bucket when it is not there yet (compose's first start)."""

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Check the file storage; with --create, create the S3 bucket if it does not exist."

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="Create the bucket when it is missing")

    def handle(self, *args, create=False, **options):
        if not hasattr(default_storage, "bucket_name"):
            self.stdout.write("Files are stored on this host's disk: no bucket to check.")
            return
        client = default_storage.connection.meta.client
        name = default_storage.bucket_name
        try:
            client.head_bucket(Bucket=name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket"} or not create:
                raise CommandError(f"Bucket {name}: {error}") from error
            client.create_bucket(Bucket=name)
            self.stdout.write(f"Created bucket {name}.")
            return
        except BotoCoreError as error:
            raise CommandError(f"The file store could not be reached: {error}") from error
        self.stdout.write(f"Bucket {name} answers.")
