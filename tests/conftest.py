"""Personas, content and per-test isolation shared by every test; real processes are in tests/processes.py."""

import pytest
from django.contrib.auth.models import Group

from curriculum.models import Block, Module, PartnerMembership
from curriculum.publishing import curriculum_publish

from .factories import (
    BlockFactory,
    CurriculumFactory,
    ModuleFactory,
    PartnerFactory,
    RenderingFactory,
    TermFactory,
    UserFactory,
)

# Real processes (Redis, Celery workers, the S3 server) and waiting on them live apart from the personas and content.
pytest_plugins = ["tests.s3", "tests.processes"]


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English, whatever language an earlier test's pages activated in this thread."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters live in the cache: one test's requests must not count against the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores files in a directory of its own: content-addressed names repeat across tests."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def secretariat(db):
    user = UserFactory(username="secretariat", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    return user


@pytest.fixture
def partner(db):
    return PartnerFactory(slug="tamkeen", name="Tamkeen Women's Forum")


@pytest.fixture
def other_partner(db):
    return PartnerFactory(slug="sauti", name="Sauti ya Wanawake", country="TZ", languages=["sw", "en"])


@pytest.fixture
def affiliate(partner):
    return PartnerFactory(slug="tamkeen-irbid", name="Tamkeen Irbid", parent=partner)


@pytest.fixture
def partner_editor(partner):
    user = UserFactory(username="partner-editor")
    PartnerMembership.objects.create(user=user, partner=partner)
    return user


@pytest.fixture
def other_editor(other_partner):
    user = UserFactory(username="other-editor")
    PartnerMembership.objects.create(user=user, partner=other_partner)
    return user


@pytest.fixture
def affiliate_editor(affiliate):
    user = UserFactory(username="affiliate-editor")
    PartnerMembership.objects.create(user=user, partner=affiliate)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


def _translator(username, *languages):
    user = UserFactory(username=username)
    for language in languages:
        user.groups.add(Group.objects.get_or_create(name=f"translators-{language}")[0])
    return user


@pytest.fixture
def translator_ar(db):
    return _translator("translator-ar", "ar")


@pytest.fixture
def translator_fa(db):
    return _translator("translator-fa", "fa")


@pytest.fixture
def second_translator_fa(db):
    return _translator("translator-fa-2", "fa")


@pytest.fixture
def translator_fr(db):
    return _translator("translator-fr", "fr")


def _reviewer(username, language, partner=None):
    """A translator of the language whose grant also lets them approve translations (of one partner's, if given)."""
    from translations.models import TranslatorGrant

    user = _translator(username, language) if partner is None else UserFactory(username=username)
    TranslatorGrant.objects.create(user=user, language=language, partner=partner, may_review=True)
    return user


@pytest.fixture
def reviewer_fa(db):
    return _reviewer("reviewer-fa", "fa")


@pytest.fixture
def reviewer_ar(db):
    return _reviewer("reviewer-ar", "ar")


@pytest.fixture
def partner_reviewer_fa(partner):
    """Reviews Persian in Tamkeen's editions (and its affiliates') only."""
    return _reviewer("reviewer-tamkeen-fa", "fa", partner)


@pytest.fixture
def handbook(db):
    """A small curriculum in English, Arabic, Persian and Russian, with one untranslated block."""
    curriculum = CurriculumFactory(
        slug="leading-to-choices",
        title_en="Leading to Choices",
        title_ar="القيادة نحو الخيارات",
        title_fa="رهبری به سوی انتخاب‌ها",
        title_ru="Путь к выбору",
        description_en="A leadership handbook.",
    )
    guide = ModuleFactory(
        curriculum=curriculum, slug="facilitation-guide", position=1, kind=Module.Kind.GUIDE,
        title_en="Facilitation guide", title_ar="دليل الميسّرة", title_ru="Руководство ведущей",
    )  # fmt: skip
    BlockFactory(
        module=guide, key="welcome", position=1, kind=Block.Kind.TEXT, title_en="Welcome",
        body_en="Welcome, facilitator. Leadership is a practice.",
        body_ar="مرحباً بكِ أيتها الميسّرة. القيادة ممارسة.",
        body_fa="خوش آمدید. رهبری یک تمرین است.",
        body_ru="Добро пожаловать. Лидерство — это практика.",
    )  # fmt: skip
    session = ModuleFactory(
        curriculum=curriculum, slug="session-1", position=2, title_en="Communicating with purpose",
        title_ar="التواصل الهادف", title_ru="Целенаправленное общение",
    )  # fmt: skip
    BlockFactory(
        module=session, key="facilitator-note", position=1, kind=Block.Kind.FACILITATOR_NOTE,
        title_en="Before you start", body_en="Arrange the chairs in a circle.",
        body_ar="رتّبي الكراسي في دائرة.", body_ru="Расставьте стулья по кругу.",
    )  # fmt: skip
    BlockFactory(
        module=session, key="handout", position=2, kind=Block.Kind.HANDOUT,
        title_en="Handout", body_en="- Speak clearly\n- Listen fully",
    )  # fmt: skip
    curriculum_publish(curriculum=curriculum)
    return curriculum


@pytest.fixture
def tajik_partner(db):
    """A partner that writes in Tajik and translates into Russian (and, like every edition, English)."""
    return PartnerFactory(slug="chashma", name="Chashma Women's Alliance", country="TJ", languages=["tg", "ru"])


@pytest.fixture
def tajik_edition(handbook, tajik_partner):
    """Chashma's edition: its own text for the session's facilitator note (Tajik, translated into Russian) and a
    local Tajik block after it, not yet translated."""
    from curriculum.adaptation import adaptation_override, edition_get_or_create, local_block_save

    edition = edition_get_or_create(curriculum=handbook, partner=tajik_partner)
    session = handbook.modules.get(slug="session-1")
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note",
        title={"tg": "Пеш аз оғоз"}, body={"tg": "Курсиҳоро дар доира гузоред.", "ru": "Поставьте стулья в круг."},
    )  # fmt: skip
    local_block_save(
        edition=edition, module=session, after_key="facilitator-note", kind="scenario",
        title={}, body={"tg": "Зарина дар маҳалла сухан мегӯяд."},
    )  # fmt: skip
    return edition


@pytest.fixture
def chashma_translator_ru(tajik_partner):
    """A volunteer who may translate Chashma's editions (and its affiliates') into Russian, and nothing else."""
    from translations.models import TranslatorGrant

    user = UserFactory(username="translator-chashma-ru")
    TranslatorGrant.objects.create(user=user, language="ru", partner=tajik_partner)
    return user


@pytest.fixture
def glossary(db):
    """Two contested terms with the network's Arabic and Persian renderings: "leadership" (قيادة, رهبری) and "consensus"."""
    leadership = TermFactory(text="leadership", note="A shared practice, not a rank.")
    RenderingFactory(term=leadership, language="ar", text="قيادة")
    RenderingFactory(term=leadership, language="fa", text="رهبری")
    consensus = TermFactory(text="consensus", note="Not unanimity.")
    RenderingFactory(term=consensus, language="ar", text="توافق", variants="توافقي")
    return {"leadership": leadership, "consensus": consensus}
