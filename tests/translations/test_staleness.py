"""A translation is stale when its source changed after it was translated, and only then."""

import pytest

from curriculum.exchange import curriculum_export, curriculum_import
from curriculum.models import Block, Module
from curriculum.publishing import curriculum_publish
from translations.models import TranslationRecord
from translations.units import scope_units

pytestmark = pytest.mark.django_db


def _status(curriculum, key, language="ar"):
    units = scope_units(curriculum=curriculum, languages=[language])[language]
    return next(unit.status for unit in units if unit.key == key)


def test_saving_a_translation_records_the_source_it_translates(handbook):
    block = Block.objects.get(key="welcome")
    record = TranslationRecord.objects.get(object_id=block.pk, field="body", language="ar")
    assert record.source_text == "Welcome, facilitator. Leadership is a practice."
    assert _status(handbook, "block:facilitation-guide/welcome:body") == "current"
    assert _status(handbook, "block:session-1/handout:body") == "missing"


def test_a_source_edit_makes_every_translation_of_that_field_stale_and_no_other(handbook):
    block = Block.objects.get(key="welcome")
    block.body_en = "Welcome, facilitator. Leadership is a daily practice."
    block.save()
    assert _status(handbook, "block:facilitation-guide/welcome:body") == "stale"
    assert _status(handbook, "block:facilitation-guide/welcome:body", "ru") == "stale"
    assert _status(handbook, "block:session-1/facilitator-note:body") == "current"


def test_a_new_translation_of_a_stale_field_makes_it_current(handbook):
    block = Block.objects.get(key="welcome")
    block.body_en = "Welcome, facilitator. Leadership is a daily practice."
    block.save()
    block.body_ar = "مرحباً بكِ أيتها الميسّرة. القيادة ممارسة يومية."
    block.save()
    assert _status(handbook, "block:facilitation-guide/welcome:body") == "current"
    assert _status(handbook, "block:facilitation-guide/welcome:body", "ru") == "stale"


def test_saves_that_do_not_change_the_source_change_nothing(handbook):
    block = Block.objects.get(key="welcome")
    block.body_en = "Welcome, facilitator. Leadership is a daily practice."
    block.save()
    before = {(r.pk, r.source_hash, r.translated_at) for r in TranslationRecord.objects.all()}
    # Re-saving, reordering, line endings a browser adds, publishing, re-importing the same content.
    block.save()
    Block.objects.get(key="handout").save()
    for position, module in enumerate(reversed(list(handbook.modules.all())), start=1):
        module.position = position
        module.save()
    block.body_en = block.body_en + "\r\n"
    block.save()
    curriculum_publish(curriculum=handbook)
    curriculum_import(data=curriculum_export(curriculum=handbook))
    after = {(r.pk, r.source_hash, r.translated_at) for r in TranslationRecord.objects.all()}
    assert after == before
    assert _status(handbook, "block:facilitation-guide/welcome:body") == "stale"
    assert _status(handbook, "block:session-1/facilitator-note:body") == "current"


def test_an_import_that_changes_the_source_makes_its_translations_stale(handbook):
    data = curriculum_export(curriculum=handbook)
    data["modules"][1]["blocks"][0]["body"]["en"] = "Arrange the chairs in a wide circle."
    curriculum_import(data=data)
    assert _status(handbook, "block:session-1/facilitator-note:body") == "stale"
    assert _status(handbook, "block:facilitation-guide/welcome:body") == "current"


def test_emptying_a_translation_makes_it_missing_and_drops_its_record(handbook):
    module = Module.objects.get(slug="session-1")
    module.title_ar = ""
    module.save()
    assert _status(handbook, "module:session-1:title") == "missing"
    assert not TranslationRecord.objects.filter(object_id=module.pk, field="title", language="ar").exists()


def test_a_minor_edit_in_the_admin_keeps_translations_current(client, handbook):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    block = Block.objects.get(key="welcome")
    block.body_en = "Welcome, facilitator.\nLeadership is a practice."
    block.body_ar = "مرحباً بكِ أيتها الميسّرة.\nالقيادة ممارسة."
    block.save()
    block.body_en = "Welcome, facilitator.\nLeadership is a practice!"
    block.save()
    block.body_ru = "Добро пожаловать.\nЛидерство — это практика!"
    block.save()  # Russian is translated from the new text, Arabic is not
    url = f"/en/admin/curriculum/block/{block.pk}/change/"

    def post(body_en, minor):
        data = {
            "module": block.module_id, "key": block.key, "position": block.position, "kind": block.kind,
            "title_en": "Welcome", "body_en": body_en, **{
                f"body_{code}": getattr(block, f"body_{code}").replace("\n", "\r\n") for code in ("ar", "fa", "ru")
            },
        }  # fmt: skip
        if minor:
            data["minor_edit"] = "on"
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]

    welcome = "block:facilitation-guide/welcome:body"
    assert (_status(handbook, welcome), _status(handbook, welcome, "ru")) == ("stale", "current")
    # The unchanged form, sent back with a browser's CRLF line endings, passes no stale translation off as current.
    post("Welcome, facilitator.\r\nLeadership is a practice!", minor=False)
    assert (_status(handbook, welcome), _status(handbook, welcome, "ru")) == ("stale", "current")
    # A typo fix: the current translation stays current, the stale one stays stale.
    post("Welcome, facilitator.\r\nLeadership is a practise!", minor=True)
    assert (_status(handbook, welcome), _status(handbook, welcome, "ru")) == ("stale", "current")
    post("Welcome, facilitator.\r\nLeadership is a practise, every day.", minor=False)
    assert (_status(handbook, welcome), _status(handbook, welcome, "ru")) == ("stale", "stale")


def test_a_minor_edit_of_a_module_keeps_its_blocks_translations_current(client, handbook):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    module = Module.objects.get(slug="session-1")
    page = client.get(f"/en/admin/curriculum/module/{module.pk}/change/")
    data = {key: value for key, value in page.context["adminform"].form.initial.items() if value is not None}
    formset = page.context["inline_admin_formsets"][0].formset
    data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
    for form in formset.forms:
        data.update({f"{form.prefix}-{key}": value for key, value in form.initial.items() if value is not None})
        data[f"{form.prefix}-id"] = form.instance.pk
        data[f"{form.prefix}-module"] = module.pk
        if form.instance.key == "facilitator-note":
            data[f"{form.prefix}-body_en"] = "Arrange the chairs in a circle!"
    data["minor_edit"] = "on"
    response = client.post(page.request["PATH_INFO"], data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert Block.objects.get(key="facilitator-note").body_en == "Arrange the chairs in a circle!"
    assert _status(handbook, "block:session-1/facilitator-note:body") == "current"


def test_the_admin_forms_offer_the_minor_edit_checkbox(client, handbook):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    module = Module.objects.get(slug="session-1")
    page = client.get(f"/en/admin/curriculum/module/{module.pk}/change/").content.decode()
    assert 'name="minor_edit"' in page
