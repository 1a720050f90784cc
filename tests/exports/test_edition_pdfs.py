"""A partner edition's PDF differs from the core's exactly where the partner adapted it."""

import difflib

import pytest
from django.core.files.storage import default_storage

from curriculum.adaptation import adaptation_hide, adaptation_override, edition_get_or_create, local_block_save
from curriculum.models import Module
from curriculum.publishing import edition_publish
from exports import services
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _pdf_lines(curriculum, partner=None):
    job = services.export_request(curriculum=curriculum, language="en", partner=partner, enqueue=False)
    services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    # The A4 page above its footer: every footer names the edition and its digest, page numbers move.
    lines = pdf_text(default_storage.path(job.file.name), crop=(0, 0, 595, 770)).splitlines()
    return [line for line in lines if line.strip()]


def test_the_partner_pdf_differs_from_the_core_pdf_only_where_it_was_adapted(handbook, partner):
    module = Module.objects.get(slug="session-1")
    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    adaptation_override(
        edition=edition, module=module, block_key="facilitator-note", title={}, body={"en": "Sit on mats in a circle."}
    )
    adaptation_hide(edition=edition, module=module, block_key="handout")
    local_block_save(edition=edition, module=module, after_key="facilitator-note", kind="scenario",
                     title={"en": "Irbid"}, body={"en": "A story from Irbid."})  # fmt: skip
    edition_publish(edition=edition)

    core, adapted = _pdf_lines(handbook), _pdf_lines(handbook, partner)
    removed, added = [], []
    for line in difflib.ndiff(core, adapted):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    # The hidden handout took its page, and that page's running header, with it.
    assert sorted(removed) == sorted(
        ["Core curriculum", "Arrange the chairs in a circle.", "Communicating with purpose · version 1", "HANDOUT",
         "• Speak clearly", "• Listen fully"]
    )  # fmt: skip
    assert sorted(added) == sorted(
        [
            "Tamkeen Women's Forum",
            "Adapted by Tamkeen Women's Forum",
            "Sit on mats in a circle.",
            "SCENARIO",
            "Irbid",
            "Added by Tamkeen Women's Forum",
            "A story from Irbid.",
        ]
    )
