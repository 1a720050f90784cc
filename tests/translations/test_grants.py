"""Translator grants: a grant for one partner covers that partner and its affiliates, nothing else."""

import pytest

from tests.factories import PartnerFactory, UserFactory
from translations.models import TranslatorGrant
from translations.services import TranslationRefused, translation_check_allowed, translator_languages

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_translator(partner):
    user = UserFactory(username="translator-tamkeen-fa")
    TranslatorGrant.objects.create(user=user, language="fa", partner=partner)
    return user


def test_a_partner_grant_covers_the_partner_and_its_affiliates(partner_translator, partner, affiliate):
    assert translator_languages(partner_translator, partner) == {"fa"}
    assert translator_languages(partner_translator, affiliate) == {"fa"}
    sub_affiliate = PartnerFactory(slug="tamkeen-irbid-north", parent=affiliate)
    assert translator_languages(partner_translator, sub_affiliate) == {"fa"}
    for each in (partner, affiliate):
        translation_check_allowed(user=partner_translator, language="fa", source_language="en", partner=each)


def test_a_partner_grant_refuses_other_partners_and_the_core(partner_translator, other_partner):
    assert translator_languages(partner_translator, other_partner) == set()
    assert translator_languages(partner_translator) == set()
    for scope in (other_partner, None):
        with pytest.raises(TranslationRefused):
            translation_check_allowed(user=partner_translator, language="fa", source_language="en", partner=scope)


def test_a_partner_grant_refuses_other_languages_of_its_partner(partner_translator, partner):
    with pytest.raises(TranslationRefused):
        translation_check_allowed(user=partner_translator, language="ar", source_language="en", partner=partner)


def test_an_affiliate_grant_does_not_reach_up_to_its_parent(partner, affiliate):
    user = UserFactory(username="translator-irbid-fa")
    TranslatorGrant.objects.create(user=user, language="fa", partner=affiliate)
    assert translator_languages(user, affiliate) == {"fa"}
    assert translator_languages(user, partner) == set()


def test_a_grant_everywhere_covers_every_partner_and_the_core(partner, other_partner):
    user = UserFactory(username="translator-everywhere-fa")
    TranslatorGrant.objects.create(user=user, language="fa")
    assert translator_languages(user) == translator_languages(user, partner) == {"fa"}
    assert translator_languages(user, other_partner) == {"fa"}
