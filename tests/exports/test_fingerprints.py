"""A document's fingerprint hashes only what its rendering reads: restyling the review leaves every manual valid."""

import shutil

import pytest
from django.conf import settings as django_settings

from exports import fingerprints


@pytest.fixture
def print_files(settings, tmp_path):
    """Copies of the templates and static files the renderer reads, which a test may edit."""
    templates = tmp_path / "templates"
    static = tmp_path / "static"
    shutil.copytree(django_settings.BASE_DIR / "templates", templates)
    shutil.copytree(django_settings.BASE_DIR / "static", static)
    engine = {**settings.TEMPLATES[0], "DIRS": [templates]}
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    settings.STATICFILES_DIRS = [static]

    def edit(path):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("\n<!-- restyled -->\n" if path.suffix == ".html" else "\n/* restyled */\n")
        fingerprints.renderer_fingerprint.cache_clear()

    fingerprints.renderer_fingerprint.cache_clear()
    yield templates, static, edit
    fingerprints.renderer_fingerprint.cache_clear()


def test_restyling_the_review_leaves_manuals_and_parts_alone_and_changes_the_review(print_files):
    templates, static, edit = print_files
    before = {kind: fingerprints.kind_fingerprint(kind) for kind in ("manual", "module", "handouts", "part", "review")}
    edit(templates / "exports" / "pdf" / "review.html")
    edit(static / "css" / "pdf" / "review.css")
    after = {kind: fingerprints.kind_fingerprint(kind) for kind in before}
    assert {kind: after[kind] == before[kind] for kind in before} == {
        "manual": True,
        "module": True,
        "handouts": True,
        "part": True,
        "review": False,
    }


def test_editing_the_manual_template_or_a_partial_it_includes_changes_the_manual(print_files):
    templates, _static, edit = print_files
    manual, review = fingerprints.kind_fingerprint("manual"), fingerprints.kind_fingerprint("review")
    edit(templates / "exports" / "pdf" / "manual.html")
    edited = fingerprints.kind_fingerprint("manual")
    assert edited != manual and fingerprints.kind_fingerprint("review") == review
    edit(templates / "exports" / "pdf" / "page_rules.html")  # included by manual.html
    assert fingerprints.kind_fingerprint("manual") != edited


def test_the_running_layer_belongs_to_the_manual_only(print_files):
    templates, _static, edit = print_files
    module, manual = fingerprints.kind_fingerprint("module"), fingerprints.kind_fingerprint("manual")
    edit(templates / "exports" / "pdf" / "running.html")
    assert fingerprints.kind_fingerprint("module") == module and fingerprints.kind_fingerprint("manual") != manual


def test_the_shared_stylesheet_changes_every_document(print_files):
    _templates, static, edit = print_files
    before = {kind: fingerprints.kind_fingerprint(kind) for kind in ("manual", "part", "review")}
    edit(static / "css" / "pdf.css")
    assert all(fingerprints.kind_fingerprint(kind) != value for kind, value in before.items())


def test_a_kind_that_does_not_say_what_it_reads_is_fingerprinted_on_every_print_file(print_files):
    # The safe default (and the rule before fingerprints were per document): any print file changes it.
    templates, _static, edit = print_files
    unknown = fingerprints.kind_fingerprint("certificate")
    edit(templates / "exports" / "pdf" / "review.html")
    assert fingerprints.kind_fingerprint("certificate") != unknown


@pytest.mark.django_db
def test_a_published_catalog_changes_the_fingerprint_the_same_on_every_host(locale_copy, tmp_path):
    from tests.rosetta import published_elsewhere
    from translations import catalogs

    before = fingerprints.catalog_fingerprint("fr")
    published_elsewhere(tmp_path, "fr", {"Table of contents": "Sommaire"})
    # A host that has not loaded the new catalog yet already prints under the new fingerprint...
    published = fingerprints.catalog_fingerprint("fr")
    assert published != before
    # ...and one that has loaded it (into its own directory) computes the same one.
    assert catalogs.catalogs_refresh() is True
    assert fingerprints.catalog_fingerprint("fr") == published
    assert fingerprints.catalog_fingerprint("ar") != published
