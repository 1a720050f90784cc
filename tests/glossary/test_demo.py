import pytest

from curriculum.models import Partner
from glossary.demo import glossary_demo_load
from glossary.models import Rendering, Term
from glossary.services import renderings_effective

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_partners(db):
    return {"jasmine-bridge-collective": Partner.objects.create(slug="jasmine-bridge-collective", name="Jasmine")}


def test_the_demo_has_contested_terms_in_arabic_persian_hindi_and_spanish_and_a_partners_own(demo_partners):
    assert glossary_demo_load(partners=demo_partners) == 5
    assert {"leadership", "consensus", "empowerment", "gender-based violence", "power"} == set(
        Term.objects.values_list("key", flat=True)
    )
    for language in ("ar", "fa", "hi", "es"):
        assert Rendering.objects.network().filter(language=language).count() == 5, language
    jasmine = demo_partners["jasmine-bridge-collective"]
    empowerment = Term.objects.get(key="empowerment")
    assert renderings_effective(language="ar", partner=jasmine)[empowerment.pk].text == "تعزيز القوة"
    assert renderings_effective(language="ar")[empowerment.pk].text == "تمكين"


def test_loading_the_demo_again_keeps_what_people_changed(demo_partners):
    glossary_demo_load(partners=demo_partners)
    Rendering.objects.filter(language="es", term__key="power").update(text="poderío")
    glossary_demo_load(partners=demo_partners)
    assert Rendering.objects.get(language="es", term__key="power").text == "poderío"
    assert Rendering.objects.count() == 21
