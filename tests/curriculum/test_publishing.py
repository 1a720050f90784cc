import pytest

from curriculum.adaptation import (
    adaptation_hide,
)
from curriculum.models import EditionVersion, Module
from curriculum.publishing import edition_publish, module_publish

pytestmark = pytest.mark.django_db


def test_publishing_numbers_versions_and_skips_unchanged_text(handbook):
    module = Module.objects.get(slug="session-1")
    assert module_publish(module=module).number == 1
    block = module.blocks.get(key="handout")
    block.body_en = "- Speak clearly\n- Listen fully\n- Ask one question"
    block.save()
    second = module_publish(module=module, change_note="Added a question")
    assert second.number == 2
    assert second.snapshot["blocks"][1]["body"]["en"].endswith("Ask one question")
    assert module.versions.count() == 2


def test_publishing_an_unchanged_edition_makes_no_new_version(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    assert edition_publish(edition=edition).number == 1
    assert edition_publish(edition=edition).number == 1
    assert EditionVersion.objects.count() == 1
