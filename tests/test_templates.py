"""Templates shared by the pages and the PDFs: a PDF's stored file changes with every template it includes."""

import re
import shutil
from pathlib import Path

from django.conf import settings as django_settings

from exports import rendering

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
INCLUDE = re.compile(r'{%\s*include\s+"([^"]+)"')


def included(name, seen):
    """Add to `seen` the templates `name` includes, directly or through another include."""
    for child in INCLUDE.findall((TEMPLATES / name).read_text(encoding="utf-8")):
        if child not in seen:
            seen.add(child)
            included(child, seen)
    return seen


def test_every_template_a_pdf_includes_changes_the_renderer_fingerprint(settings, tmp_path):
    # A partial outside what the fingerprint reads would let a restyled PDF be served from the old file.
    pdf_templates = [f"exports/pdf/{path.name}" for path in (TEMPLATES / "exports" / "pdf").glob("*.html")]
    names = set()
    for name in pdf_templates:
        included(name, names)
    assert {"exports/pdf/module_facts.html", "exports/pdf/block_provenance.html"} <= names
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [{**django_settings.TEMPLATES[0], "DIRS": [copy]}]
    before = rendering.renderer_fingerprint()
    for name in sorted(names):
        path = copy / name
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "{# edited #}\n", encoding="utf-8")
        assert rendering.renderer_fingerprint() != before, name
        path.write_text(original, encoding="utf-8")
