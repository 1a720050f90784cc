"""Plausible workshop records for the demo and the benchmark: a few years of ToT cascades across the partners."""

import random
from datetime import date, timedelta

from django.db import transaction

from curriculum.models import Curriculum, ModuleVersion, Partner

from .models import Person, Workshop

FIRST_NAMES = ["Amina", "Rania", "Leila", "Farida", "Nodira", "Aigul", "Zainab", "Priya", "Nasrin", "Grace",
               "Halima", "Mariam", "Dilnoza", "Ana", "Lucía", "Fatou", "Sadia", "Shirin", "Gulnara", "Esther"]  # fmt: skip
LAST_NAMES = ["Haddad", "Karimova", "Bello", "Rahman", "Diallo", "Mendes", "Sultani", "Odeh", "Nazarova", "Quispe"]
PLACES = ["community centre", "youth house", "women's cooperative", "district hall", "training centre", "library"]


def _latest_versions(curriculum):
    latest = {}
    for version in ModuleVersion.objects.filter(module__curriculum=curriculum).order_by("module_id", "number"):
        latest[version.module_id] = version
    return list(latest.values())


def _pick_modules(rng, versions, kind):
    if kind != Workshop.Kind.WORKSHOP or len(versions) <= 3:
        return versions  # a ToT covers the whole curriculum
    return sorted(rng.sample(versions, rng.randint(3, len(versions))), key=lambda version: version.module_id)


def _participants(rng, kind):
    size = {"regional_tot": (14, 24), "national_tot": (12, 22), "workshop": (10, 32)}[kind]
    total = rng.randint(*size)
    men = rng.choice([0, 0, 0, 1, 2, 3]) if kind == Workshop.Kind.WORKSHOP else 0
    undisclosed = rng.choice([0, 0, 0, 0, 1])
    return {
        "participants_total": total,
        "participants_men": min(men, total),
        "participants_women": max(total - men - undisclosed, 0),
    }


def _scores(rng):
    if rng.random() < 0.3:
        return {}
    before = round(rng.uniform(1.8, 3.2), 2)
    return {"pre_score": before, "post_score": round(min(5, before + rng.uniform(0.6, 1.7)), 2)}


@transaction.atomic
def workshops_generate(*, years, workshops_per_tot=(3, 7), national_tots_per_year=1, seed=7, with_people=True):
    """Create regional ToTs → national ToTs → workshops for every partner and year; returns the number created.

    Bulk inserts, level by level (parents need their ids), so ten thousand rows take seconds.
    """
    rng = random.Random(seed)  # noqa: S311 - made-up demo figures, not secrets
    curriculum = Curriculum.objects.filter(is_published=True).order_by("slug").first()
    if curriculum is None:
        return 0
    versions = _latest_versions(curriculum)
    partners = list(Partner.objects.order_by("slug"))
    heads = [partner for partner in partners if partner.parent_id is None]
    created = 0
    through = Workshop.module_versions.through

    def build(kind, partner, start, parent=None, place=None):
        languages = partner.languages or ["en"]
        return Workshop(
            kind=kind,
            partner=partner,
            country=partner.country,
            place=place or f"{partner.city or partner.country} {rng.choice(PLACES)}",
            start_date=start,
            end_date=start + timedelta(days={"regional_tot": 4, "national_tot": 2, "workshop": 1}[kind]),
            language=rng.choice(languages),
            curriculum=curriculum,
            parent_tot=parent,
            **_participants(rng, kind),
            **_scores(rng),
        )

    def insert(rows):
        nonlocal created
        Workshop.objects.bulk_create(rows, batch_size=500)
        links = [
            through(workshop_id=row.pk, moduleversion_id=version.pk)
            for row in rows
            for version in _pick_modules(rng, versions, row.kind)
        ]
        through.objects.bulk_create(links, batch_size=2000)
        created += len(rows)
        return rows

    for year in years:
        # One regional ToT a year, hosted in turn by a partner; every partner sends trainers.
        host = heads[year % len(heads)]
        regional = insert(
            [build(Workshop.Kind.REGIONAL_TOT, host, date(year, 2, 10), place=f"{host.city} regional ToT")]
        )[0]
        national = insert(
            [
                build(
                    Workshop.Kind.NATIONAL_TOT,
                    partner,
                    date(year, 3 + index * 3, rng.randint(1, 25)),
                    parent=regional,
                )
                for partner in heads
                for index in range(national_tots_per_year)
            ]
        )
        replications = []
        for tot in national:
            local = [tot.partner, *[p for p in partners if p.parent_id == tot.partner_id]]
            for _index in range(rng.randint(*workshops_per_tot)):
                start = tot.start_date + timedelta(days=rng.randint(14, 200))
                if start.year != year:
                    start = date(year, 12, rng.randint(1, 20))
                replications.append(build(Workshop.Kind.WORKSHOP, rng.choice(local), start, parent=tot))
        insert(replications)
        if with_people:
            _people(rng, national, replications)
    return created


def _people(rng, tots, replications):
    """Two trainees of each national ToT, who then facilitate its replications."""
    trained = {}
    for tot in tots:
        for _index in range(2):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            # About a third agreed to be named in public reports; the others are counted, not named.
            person, _created = Person.objects.get_or_create(
                partner=tot.partner, name=name, defaults={"trained_at": tot, "publish_consent": rng.random() < 0.35}
            )
            trained.setdefault(tot.pk, []).append(person)
    through = Workshop.facilitators.through
    through.objects.bulk_create(
        [
            through(workshop_id=workshop.pk, person_id=person.pk)
            for workshop in replications
            for person in trained.get(workshop.parent_tot_id, [])
            if person.partner_id == workshop.partner_id
        ],
        ignore_conflicts=True,
    )


def demo_workshops_load(*, reset=False):
    """Four years of demo workshops (idempotent: nothing is added when workshops exist, unless `reset`)."""
    if Workshop.objects.exists() and not reset:
        return 0
    with transaction.atomic():
        Person.objects.all().delete()
        # Children before parents: the cascade's foreign keys protect ToTs that have replications.
        for kind in [Workshop.Kind.WORKSHOP, Workshop.Kind.NATIONAL_TOT, Workshop.Kind.REGIONAL_TOT]:
            Workshop.objects.filter(kind=kind).delete()
        return workshops_generate(years=range(2022, 2026))
