"""django-rosetta, with locking, validation and publishing around a translator's save."""

from pathlib import Path

from django.contrib import messages
from django.utils.translation import gettext as _
from rosetta.views import TranslationFormView

from .catalogs import CatalogRefused, catalog_lock, catalog_publish
from .services import is_translator


def can_translate(user):
    """ROSETTA_ACCESS_CONTROL_FUNCTION: translators only; which languages comes from `translators-<lang>` groups."""
    return is_translator(user)


class LockedTranslationFormView(TranslationFormView):
    """Rosetta's page of messages; a save is read, written, checked and published under the catalog's lock.

    Rosetta reads the catalog, applies the posted messages and writes it back;
    two translators saving at once would each write their own copy and one
    would lose her work. Under the lock the second reads the first one's file;
    rosetta only applies a field whose message (msgid and msgstr) is unchanged
    since the page was shown, so neither overwrites the other.
    """

    def post(self, request, *args, **kwargs):
        po_path = Path(self.po_file_path)
        with catalog_lock(po_path):
            self.__dict__.pop("po_file", None)  # read the catalog again, under the lock
            previous = po_path.read_bytes()
            response = super().post(request, *args, **kwargs)
            if po_path.read_bytes() != previous:
                try:
                    catalog_publish(po_path=po_path)
                except CatalogRefused as refusal:
                    po_path.write_bytes(previous)
                    messages.error(request, _("Your changes were not saved: %(problems)s") % {"problems": refusal})
                else:
                    messages.success(request, _("Saved and published to every server."))
        return response
