import json

import pytest
from django.core.management import CommandError, call_command

from curriculum.demo import DEMO_USERS
from curriculum.models import Block, Curriculum, ModuleVersion, Partner

pytestmark = pytest.mark.django_db

MINIMAL = {
    "slug": "mini",
    "title": {"en": "Mini"},
    "modules": [{"slug": "one", "title": {"en": "One"}, "blocks": [{"key": "a", "body": {"en": "Hello"}}]}],
}


def test_export_then_import_through_the_commands_reproduces_the_curriculum(handbook, tmp_path):
    first = tmp_path / "first.json"
    call_command("export_curriculum", handbook.slug, output=str(first))
    Curriculum.objects.all().delete()
    call_command("import_curriculum", str(first))
    second = tmp_path / "second.json"
    call_command("export_curriculum", handbook.slug, output=str(second))
    assert json.loads(first.read_text()) == json.loads(second.read_text())
    assert Curriculum.objects.get().is_published


def test_draft_import_is_not_published(tmp_path):
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(MINIMAL))
    call_command("import_curriculum", str(path), draft=True)
    assert not Curriculum.objects.get().is_published


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"slug": "mini", ', "is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (json.dumps({**MINIMAL, "modules": "none"}).encode(), "modules: must be a non-empty list"),
        (
            json.dumps({**MINIMAL, "title": {"en": "Mini", "ar": "<script>alert(1)</script>"}}).encode(),
            "title.ar: contains markup that is not allowed",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_imported(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("import_curriculum", str(path))
    assert message in str(refused.value)
    assert "nothing was imported" in str(refused.value)
    assert not Curriculum.objects.exists() and not Block.objects.exists()


def test_an_oversize_file_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr("curriculum.management.commands.import_curriculum.MAX_FILE_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(MINIMAL) + " " * 200)
    with pytest.raises(CommandError, match="larger than"):
        call_command("import_curriculum", str(path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_curriculum", str(tmp_path / "nope.json"))


def test_exporting_an_unknown_curriculum_says_so():
    with pytest.raises(CommandError, match="No curriculum with the slug 'nope'"):
        call_command("export_curriculum", "nope")


def test_the_demo_loads_and_loading_it_again_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (Curriculum.objects.count(), Block.objects.count(), ModuleVersion.objects.count(), Partner.objects.count())
    call_command("load_demo")
    assert counts == (
        Curriculum.objects.count(),
        Block.objects.count(),
        ModuleVersion.objects.count(),
        Partner.objects.count(),
    )
    curriculum = Curriculum.objects.get(slug="leading-to-choices")
    assert curriculum.is_published and curriculum.modules.count() == 12
    assert Partner.objects.filter(parent__isnull=False).values("parent").distinct().count() == 2
    assert Partner.objects.count() >= 20
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__in=[name for name, *_ in DEMO_USERS]).count() == len(DEMO_USERS)


def test_the_demo_is_fully_translated_into_the_main_languages(settings):
    settings.DEBUG = True
    call_command("load_demo")
    for code in ("fr", "ar", "fa", "ru", "hi"):
        untranslated = Block.objects.filter(**{f"body_{code}": ""}).count()
        assert untranslated == 0, f"{code}: {untranslated} blocks untranslated"


def test_the_demos_partner_translator_works_in_the_affiliates_uzbek_only_and_partner_text_is_tracked(settings):
    from django.contrib.auth import get_user_model

    from translations.units import translation_scopes

    settings.DEBUG = True
    call_command("load_demo")
    users = get_user_model().objects
    scopes = translation_scopes(users.get(username="translator-chashma-uz"))
    assert [(scope.edition.partner.slug, scope.languages) for scope in scopes] == [("chashma-khujand", ["uz"])]
    # The private edition (Roshan Raah, Urdu and English) is nobody's scope but its own people's and the secretariat's.
    everyone = [
        scope.edition.partner.slug for scope in translation_scopes(users.get(username="translator-ru")) if scope.edition
    ]
    assert "chashma-womens-alliance" in everyone and "roshan-raah-womens-council" not in everyone
    from translations.models import TranslationRecord

    assert TranslationRecord.objects.filter(content_type__model__in=["blockadaptation", "localblock"]).exists()


def test_the_demo_refuses_to_load_on_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="well-known passwords"):
        call_command("load_demo")
