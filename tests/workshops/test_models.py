from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from workshops.models import Person, Workshop

pytestmark = pytest.mark.django_db


def test_the_total_must_cover_women_and_men(partner, make_workshop):
    workshop = make_workshop(partner)
    workshop.participants_total = 19
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert "participants_total" in error.value.message_dict


def test_the_database_refuses_an_inconsistent_total_too(partner, make_workshop):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_workshop(partner, participants_women=10, participants_men=5, participants_total=14)


def test_a_total_above_women_and_men_is_allowed_for_participants_who_do_not_say(partner, make_workshop):
    make_workshop(partner, participants_women=10, participants_men=5, participants_total=17).full_clean()


def test_a_workshop_cannot_end_before_it_starts(partner, make_workshop):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_workshop(partner, start_date=date(2025, 3, 5), end_date=date(2025, 3, 4))


def test_a_replication_must_follow_a_tot_that_came_before(partner, make_workshop):
    tot = make_workshop(
        partner, kind=Workshop.Kind.NATIONAL_TOT, start_date=date(2025, 1, 10), end_date=date(2025, 1, 12)
    )
    plain = make_workshop(partner)
    later = make_workshop(partner, parent_tot=tot)
    later.full_clean()
    assert list(tot.replications.all()) == [later]

    later.parent_tot = plain
    with pytest.raises(ValidationError, match="only replicate a Training of Trainers"):
        later.full_clean()

    early = Workshop(
        **{**_fields(later), "start_date": date(2025, 1, 10), "end_date": date(2025, 1, 10)}, parent_tot=tot
    )
    with pytest.raises(ValidationError, match="must come before"):
        early.full_clean()


def _fields(workshop):
    names = ["kind", "partner", "country", "place", "start_date", "end_date", "language", "curriculum",
             "participants_women", "participants_men", "participants_total"]  # fmt: skip
    return {name: getattr(workshop, name) for name in names}


def test_editors_see_their_partners_records_only(
    partner,
    other_partner,
    affiliate,
    make_workshop,
    partner_editor,
    other_editor,
    affiliate_editor,
    secretariat,
    outsider,
):
    own = make_workshop(partner)
    other = make_workshop(other_partner)
    affiliated = make_workshop(affiliate)
    assert list(Workshop.objects.editable_by(partner_editor)) == [own]
    assert list(Workshop.objects.editable_by(other_editor)) == [other]
    # A partner's editor does not manage its affiliates' records (documented choice).
    assert list(Workshop.objects.editable_by(affiliate_editor)) == [affiliated]
    assert set(Workshop.objects.editable_by(secretariat)) == {own, other, affiliated}
    assert not Workshop.objects.editable_by(outsider).exists()


def test_staff_status_does_not_widen_an_editors_records(partner, other_partner, make_workshop, staff_editor):
    own = make_workshop(partner)
    theirs = make_workshop(other_partner)
    Person.objects.create(partner=partner, name="Rania Haddad")
    sauti_person = Person.objects.create(partner=other_partner, name="Neema Mushi")
    assert list(Workshop.objects.editable_by(staff_editor)) == [theirs]
    assert list(Person.objects.editable_by(staff_editor)) == [sauti_person]
    assert own not in Workshop.objects.editable_by(staff_editor)


def test_the_edition_used_must_be_the_partners_or_its_parents(
    partner, other_partner, affiliate, handbook, make_workshop
):
    from curriculum.models import Edition, EditionVersion

    tamkeen = EditionVersion.objects.create(edition=Edition.objects.create(curriculum=handbook, partner=partner),
                                            number=1, snapshot={})  # fmt: skip
    make_workshop(partner, edition_version=tamkeen).full_clean()
    make_workshop(affiliate, edition_version=tamkeen).full_clean()
    with pytest.raises(ValidationError, match="edition of this curriculum"):
        make_workshop(other_partner, edition_version=tamkeen).full_clean()
