"""django-rosetta, with the published catalog, a database lock, validation and publishing around a translator's save."""

from pathlib import Path

from django.contrib import messages
from django.utils.translation import gettext as _
from rosetta.views import TranslationFormView

from .catalogs import CatalogRefused, catalog_lock, catalog_materialise, catalog_publish
from .services import is_translator


def can_translate(user):
    """ROSETTA_ACCESS_CONTROL_FUNCTION: translators only; which languages comes from `translators-<lang>` groups."""
    return is_translator(user)


class LockedTranslationFormView(TranslationFormView):
    """Rosetta's page of messages, shown and saved from the published catalog under its database lock.

    Rosetta reads the catalog file of the host it runs on, applies the posted
    messages and writes it back; two translators saving at once (on one host or
    two) would each write their own copy and one would lose her work. Under the
    lock the host's file is first brought up to the published catalog, so the
    second save is made against the first one's result; rosetta only applies a
    field whose message (msgid and msgstr) is unchanged since the page was
    shown, so neither overwrites the other.
    """

    def get(self, request, *args, **kwargs):
        po_path = Path(self.po_file_path)
        with catalog_lock(po_path) as catalog:
            catalog_materialise(catalog=catalog, po_path=po_path)
        self.__dict__.pop("po_file", None)  # read the catalog again, as published
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        po_path = Path(self.po_file_path)
        with catalog_lock(po_path) as catalog:
            catalog_materialise(catalog=catalog, po_path=po_path)
            self.__dict__.pop("po_file", None)  # read the catalog again, under the lock
            previous = po_path.read_bytes()
            response = super().post(request, *args, **kwargs)
            if po_path.read_bytes() != previous:
                try:
                    catalog_publish(po_path=po_path, user=request.user)
                except CatalogRefused as refusal:
                    po_path.write_bytes(previous)
                    messages.error(request, _("Your changes were not saved: %(problems)s") % {"problems": refusal})
                else:
                    messages.success(request, _("Saved and published to every server."))
        return response
