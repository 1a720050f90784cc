"""Templates shared by the pages and the PDFs: a PDF's stored file changes with every template it includes."""

import shutil

from django.conf import settings as django_settings

from exports import documents, fingerprints


def test_every_template_a_pdf_includes_changes_its_fingerprint(settings, tmp_path):
    # A partial the fingerprint did not read would let a restyled PDF be served from the old file.
    templates = tmp_path / "templates"
    shutil.copytree(django_settings.BASE_DIR / "templates", templates)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}, *settings.TEMPLATES[1:]]
    fingerprints.renderer_fingerprint.cache_clear()
    try:
        for kind in ("manual", "module", "handouts", "part"):
            files = fingerprints.template_files(documents.reads(kind).templates)
            # The fragments pages share with the PDFs are among what the manual reads.
            if kind == "manual":
                assert {"exports/pdf/module_facts.html", "exports/pdf/block_provenance.html"} <= set(files)
            for name, path in sorted(files.items()):
                before = fingerprints.kind_fingerprint(kind)
                original = path.read_text(encoding="utf-8")
                path.write_text(original + "{# edited #}\n", encoding="utf-8")
                fingerprints.renderer_fingerprint.cache_clear()
                assert fingerprints.kind_fingerprint(kind) != before, (kind, name)
                path.write_text(original, encoding="utf-8")
                fingerprints.renderer_fingerprint.cache_clear()
    finally:
        fingerprints.renderer_fingerprint.cache_clear()
