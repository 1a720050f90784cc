import pytest
from django.core.management import call_command

from curriculum.demo import demo_load
from workshops.models import Person, Workshop

pytestmark = pytest.mark.django_db


def test_the_demo_has_years_of_workshops_with_a_cascade(settings):
    settings.DEBUG = True
    demo_load()
    call_command("load_demo_workshops")
    years = sorted({day.year for day in Workshop.objects.dates("start_date", "year")})
    assert years == [2022, 2023, 2024, 2025]
    assert Workshop.objects.filter(kind="regional_tot").count() == 4
    national = Workshop.objects.filter(kind="national_tot")
    assert national.filter(parent_tot__kind="regional_tot").count() == national.count() > 0
    replications = Workshop.objects.filter(kind="workshop", parent_tot__kind="national_tot")
    assert replications.count() == Workshop.objects.filter(kind="workshop").count()
    assert Workshop.objects.filter(partner__parent__isnull=False).exists()  # affiliates replicate too
    assert Person.objects.filter(trained_at__kind="national_tot", facilitated__isnull=False).exists()
    consent = set(Person.objects.values_list("publish_consent", flat=True))
    assert consent == {True, False}  # some facilitators agreed to be named, others did not
    for workshop in Workshop.objects.all()[:50]:
        workshop.full_clean()
    count = Workshop.objects.count()
    call_command("load_demo_workshops")
    assert Workshop.objects.count() == count  # running it again changes nothing


def test_the_demo_shows_every_location_visibility_and_a_private_edition(settings, client):
    settings.DEBUG = True
    demo_load()
    from curriculum.models import Partner

    levels = set(Partner.objects.values_list("location_visibility", flat=True))
    assert levels == {"exact", "city", "country", "hidden"}
    assert Partner.objects.filter(location_visibility="hidden").count() == 1
    hidden = Partner.objects.get(location_visibility="hidden")
    from curriculum.models import Edition

    private = Edition.objects.get(is_private=True)
    assert private.partner.slug == "roshan-raah-womens-council" and private.versions.exists()
    settings.DEBUG = False  # the demo refuses to load on a production site; the page is an ordinary one
    assert hidden.name.replace("'", "&#x27;") not in client.get("/en/partners/").content.decode()
    centre = client.get("/en/downloads/").content.decode()
    assert "/roshan-raah-womens-council/" not in centre and "/jasmine-bridge-collective/" in centre
